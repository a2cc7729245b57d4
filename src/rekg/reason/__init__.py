"""Reasoning: takes the loaded triples and gives a `Reasoned`: the OWL 2 RL closure, the
entailments kept (those about the project's own resources) and any inconsistency.

Public: `reason(data, places, engine)`. owlrl (reference.py) and `reasonable` (fast.py)
stand side by side; model.py holds what both give, conflicts.py the inconsistencies of a
closure as values, and explain.py traces them back to the statements, files, lines and
claims behind them (`explain`, called when a closure is inconsistent)."""

from rekg.reason.dispatch import reason
from rekg.reason.model import Reasoned

__all__ = ["Reasoned", "reason"]
