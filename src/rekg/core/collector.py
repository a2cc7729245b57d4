"""Python's cycle collector during the fast build. pyoxigraph's terms are tracked by the
collector like any container, so a million-triple graph is a million objects it would walk
at every full collection; the fast stages make millions more that live on and no cycles
worth collecting. Paused while a stage runs and run once at its end, and the loaded graph
kept out of later passes, the collector costs the build a pass or two instead of dozens."""

import gc
from contextlib import contextmanager


@contextmanager
def collect_once(active: bool):
    """Python's cycle collector paused for a stage and run once at its end. The fast
    stages allocate millions of objects that live on (pyoxigraph's terms are tracked by
    the collector too); left running, the collector scans the growing heap again and
    again. Only for the fast engines: the reference engines run for minutes
    at scale, and their garbage should not wait that long."""
    if not active or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


@contextmanager
def frozen(active: bool):
    """What exists when the block starts (the loaded graph: a million objects at 1M
    triples, none of them in a cycle) kept out of the collector's passes until it ends
    (gc.freeze), so that the collections after validating and reasoning do not walk the
    graph again. Everything frozen, by this or by
    anyone before, goes back to the collector at the end (gc.unfreeze)."""
    if not active:
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
