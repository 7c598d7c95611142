"""Reports, dashboards and exports may read from a PostgreSQL read replica (issue 17).

Only reads inside `replica_reads()` go to the "replica" alias, and only when settings define one
(DATABASE_REPLICA_URL). Everything else stays on "default": every write, every other read, reads
inside a transaction, reads in a request that has already written, and reads of a user who wrote
less than REPLICA_LAG_SECONDS ago (ReplicaLagMiddleware), so nobody misses their own change.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"


@dataclass
class _RequestState:
    # The user wrote within the replica's lag: their own change may not be there yet.
    primary_only: bool = False
    # Something in this request was routed for writing.
    wrote: bool = False


_replica_wanted: ContextVar[bool] = ContextVar("replica_wanted", default=False)
_request_state: ContextVar[_RequestState | None] = ContextVar("replica_request", default=None)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside may go to the replica; also a decorator (`@replica_reads()`)."""
    token = _replica_wanted.set(True)
    try:
        yield
    finally:
        _replica_wanted.reset(token)


@contextmanager
def primary_reads() -> Iterator[None]:
    """Reads inside go to the primary, even within `replica_reads()`: what is computed here is
    kept (cached) under a version that the primary's commits move."""
    token = _replica_wanted.set(False)
    try:
        yield
    finally:
        _replica_wanted.reset(token)


@contextmanager
def request_scope(*, primary_only: bool) -> Iterator[_RequestState]:
    """One request's routing state: ReplicaLagMiddleware opens it around the view."""
    state = _RequestState(primary_only=primary_only)
    token = _request_state.set(state)
    try:
        yield state
    finally:
        _request_state.reset(token)


def replica_configured() -> bool:
    return REPLICA in connections.settings


def reading_from_replica() -> bool:
    """Whether a read routed now goes to the replica."""
    if not _replica_wanted.get() or not replica_configured():
        return False
    state = _request_state.get()
    if state is not None and (state.primary_only or state.wrote):
        return False
    # A transaction must see its own writes and hold its row locks on the primary.
    return not connections[DEFAULT_DB_ALIAS].in_atomic_block


class PrimaryReplicaRouter:
    """DATABASE_ROUTERS entry: see the module's docstring."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        return REPLICA if reading_from_replica() else DEFAULT_DB_ALIAS

    def db_for_write(self, model: type, **hints: Any) -> str:
        state = _request_state.get()
        if state is not None:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica is a copy of the primary: an object read from either may point at the other.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
