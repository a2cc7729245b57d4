"""The server's limits, in one value: how long and how large a query may run, how many run at
once and wait, and what a connection may take. `rekg serve` has an option for each (its
`--help` shows the defaults below); docs/limits.md says what happens at each limit."""

import math
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0  # seconds from a query's arrival to its answer, waiting included
    row_cap: int = 10000  # rows (or triples) of an answer; the rest is cut, and a header says so
    query_memory: int = 1024  # MB a query may take in its worker, beyond the graph it holds
    max_queries: int = 4  # queries evaluated at once, each in a worker process of its own
    queue: int = 32  # queries that may wait for a free worker; more are refused at once
    max_body: int = 1 << 20  # bytes of a request body
    read_timeout: float = 10.0  # seconds for a request's headers and body, or an idle connection
    max_connections: int = 128  # connections served at once; more are answered 503 and closed

    def __post_init__(self):
        for item in fields(self):
            value = getattr(self, item.name)
            # the queue alone may be 0: then a query that finds every worker busy is refused
            least = 0 if item.name == "queue" else 1e-9
            if not isinstance(value, int | float) or value < least:
                raise ValueError(f"the server limit {item.name} must be positive, not {value!r}")

    @property
    def retry_after(self) -> str:
        """The Retry-After of a refusal for lack of room: a worker comes free within one time
        limit at the latest."""
        return str(max(1, math.ceil(self.timeout)))
