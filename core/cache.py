"""The shared cache (Redis) as a cache should be: a miss when Redis cannot be reached.

Nothing the portal keeps in the cache is needed to answer a page (worker figures are computed
again, an upload's progress falls back to its record), so with Redis down every read is a
miss, every write is dropped and the page is computed without the cache. After a failure the
cache is skipped for `RETRY_AFTER` seconds (a setting of the cache, default 5) so that one
request does not wait for a timeout on every call; a warning is logged at most once in that
time (no keys, values or server address: they may carry names or a password).

A write that never reached Redis must not leave an older value there to be read when Redis is
back: a version counter whose increment was lost would serve figures older than the data. So
every key whose write was lost is remembered and deleted on this process's first successful
contact, before anything is read (a miss is always safe). Another process may contact Redis
before this one does; for the keys that decide whether other entries are current (the worker
figures' version) `drop_after_outage` registers them, and every process that saw an outage
deletes them when Redis answers again. What remains is a process that saw no outage reading
before any process that did: it can last no longer than the cached entries' own timeout.
"""

import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What an unreachable, stopped or hanging Redis raises (refused, reset, timed out, DNS).
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
# Lost writes remembered per process: far more keys than the portal writes in an outage.
MAX_LOST_KEYS = 10_000

T = TypeVar("T")

# Keys every process that saw an outage deletes when Redis answers again (cache keys as the
# caller names them, default version).
_dropped_after_outage: set[str] = set()


def drop_after_outage(key: str) -> None:
    """Register a key that decides whether other cache entries are current (a version counter):
    after an outage it is deleted, so nothing cached before a write lost in the outage is used."""
    _dropped_after_outage.add(key)


class _Circuit:
    """The state of one Redis location in this process, shared by every thread's instance."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.open_until = 0.0
        self.outage_seen = False
        self.lost: set[str] = set()

    def remember(self, keys: Iterable[str]) -> None:
        with self.lock:
            for key in keys:
                if len(self.lost) >= MAX_LOST_KEYS:
                    logger.error("cache: too many lost writes to remember; some may be stale")
                    return
                self.lost.add(key)


_circuits: dict[str, _Circuit] = {}
_circuits_lock = threading.Lock()


def queue_once(key: str, send: Callable[[], object], *, what: str) -> None:
    """Queue a warm-up task with `send()` unless one is queued already under `key` (a burst of
    writes queues one; the task deletes `key` as it starts, so a later write queues the next).
    With the broker down nothing is queued: the next view computes what the task would have."""
    from django.core.cache import cache

    if not cache.add(key, 1, timeout=300):
        return
    try:
        send()
    except Exception:
        cache.delete(key)
        logger.warning("%s not queued", what, exc_info=True)


# A value another process is computing is waited for up to this long (polling the cache every
# _POLL_SECONDS) before this one computes it too. Its claim lasts as long as a web request may.
COMPUTE_WAIT_SECONDS = 30.0
CLAIM_SECONDS = 120
_POLL_SECONDS = 0.05


def _pause(seconds: float) -> None:
    time.sleep(seconds)


def computed_once(key: str, compute: Callable[[], T], *, timeout: Any, cache: Any = None) -> T:
    """The value cached under `key`, or `compute()` kept there for `timeout` seconds, computed
    by one process at a time.

    Right after a write moves a figures version, every page that shows the figures misses at
    once; each computing them too would hold both cores for seconds and slow every other page
    (the load test: six report pages at 2.3–3 s, other pages up to 2.6 s). So the first miss
    claims the computation in the cache and the others wait for its value. A claim that ends
    without a value (the computation failed), one that outlives COMPUTE_WAIT_SECONDS, and a
    cache that cannot be reached (every add then fails and every read misses) mean computing
    here: a page is never refused for want of the cache. `cache`: the shared cache if None."""
    if cache is None:
        from django.core.cache import cache as shared

        cache = shared
    value = cache.get(key)
    if value is not None:
        return value
    claim = key + ":computing"
    token = secrets.token_hex(8)  # whose claim it is
    claimed = cache.add(claim, token, timeout=CLAIM_SECONDS)
    if not claimed:
        deadline = time.monotonic() + COMPUTE_WAIT_SECONDS
        while cache.get(claim) is not None and time.monotonic() < deadline:
            _pause(_POLL_SECONDS)
            value = cache.get(key)
            if value is not None:
                return value
        value = cache.get(key)  # the claim may have ended with its value stored
        if value is not None:
            return value
    try:
        value = compute()
        cache.set(key, value, timeout=timeout)
    finally:
        if claimed and cache.get(claim) == token:  # not one taken after ours expired
            cache.delete(claim)
    return value


class WriteVersion:
    """The version of cached figures that every write to the tables they are read from moves.

    It moves at once (so the writer's own reads never see old figures) and again when the
    writer's transaction commits (a figure computed meanwhile from the uncommitted state is
    not kept under the new version). After the commit the warm-up task `warm_task` (a dotted
    path) is queued a few seconds later, once for a burst of writes (`FIGURES_WARM`); it calls
    `warm_started` as it begins. Only with a shared cache (`FIGURES_CACHE_SECONDS` > 0)."""

    def __init__(self, prefix: str, *, warm_task: str, what: str) -> None:
        self._prefix = prefix
        self.key = prefix + ":version"
        self._warm_queued_key = prefix + ":warm-queued"
        self._warm_task = warm_task
        self._what = what
        # After a Redis outage (a bump may have been lost) the version starts anew.
        drop_after_outage(self.key)

    def changed(self, **kwargs: Any) -> None:
        """A write to the tables (a signal receiver: its arguments are ignored)."""
        from django.conf import settings
        from django.db import transaction

        if not settings.FIGURES_CACHE_SECONDS:
            return
        self.bump()
        transaction.on_commit(self._committed)

    def bump(self) -> None:
        from django.core.cache import cache

        try:
            cache.incr(self.key)
        except ValueError:  # not there yet (or evicted): any new value will do
            cache.set(self.key, time.time_ns() // 1000, timeout=None)

    def current(self) -> Any:
        """The version cached figures are kept under now."""
        from django.core.cache import cache

        return cache.get_or_set(self.key, time.time_ns() // 1000, None)

    def cached(self, name: str, compute: Callable[[], T]) -> T:
        """`compute()` kept under this version (`name`: the value and what it depends on
        besides the tables), computed once per miss (computed_once) and on the primary: a
        replica behind the write that moved the version would keep an old value under the new
        one. Without a shared cache (`FIGURES_CACHE_SECONDS` 0) computed every time."""
        from django.conf import settings

        from core.db_router import primary_reads

        seconds = settings.FIGURES_CACHE_SECONDS
        if not seconds:
            return compute()

        def on_the_primary() -> T:
            with primary_reads():
                return compute()

        key = "%s:%s:%s" % (self._prefix, self.current(), name)
        return computed_once(key, on_the_primary, timeout=seconds)

    def warm_started(self) -> None:
        """A warm-up begins: a write from now on queues the next one."""
        from django.core.cache import cache

        cache.delete(self._warm_queued_key)

    def _committed(self) -> None:
        from django.conf import settings

        self.bump()
        if settings.FIGURES_WARM:
            queue_once(self._warm_queued_key, self._send_warm_up, what=self._what)

    def _send_warm_up(self) -> None:
        from django.utils.module_loading import import_string

        # A few seconds later: the other writes of the same burst have committed by then.
        import_string(self._warm_task).apply_async(countdown=3)


def _circuit_for(location: str) -> _Circuit:
    with _circuits_lock:
        return _circuits.setdefault(location, _Circuit())


def reset_circuits() -> None:
    """Forget every outage and lost write (tests)."""
    with _circuits_lock:
        _circuits.clear()


class DegradingRedisCache(RedisCache):
    """Django's Redis cache that answers a miss instead of raising when Redis is unreachable.

    Give it small `socket_connect_timeout` and `socket_timeout` in OPTIONS: a down Redis then
    costs one short wait per `RETRY_AFTER` seconds instead of a long one per call."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self.retry_after = float(params.get("RETRY_AFTER", 5))
        self._circuit = _circuit_for(server if isinstance(server, str) else ",".join(server))

    # Every operation goes through here.

    def _run(self, operation: Callable[[], T], fallback: T, written: Iterable[str] = ()) -> T:
        """`operation` against Redis, or `fallback` when Redis cannot be reached; the cache
        keys of a write (`written`) that did not happen are deleted once Redis answers."""
        circuit = self._circuit
        if time.monotonic() < circuit.open_until:
            circuit.remember(written)
            return fallback
        try:
            self._drop_stale(circuit)
            return operation()
        except UNAVAILABLE as exc:
            circuit.remember(written)
            with circuit.lock:
                circuit.outage_seen = True
                circuit.open_until = time.monotonic() + self.retry_after
            logger.warning(
                "shared cache unreachable (%s); working without it for %s s",
                type(exc).__name__,
                self.retry_after,
            )
            return fallback

    def _drop_stale(self, circuit: _Circuit) -> None:
        with circuit.lock:
            stale = set(circuit.lost)
            if circuit.outage_seen:
                stale.update(self.make_and_validate_key(key) for key in _dropped_after_outage)
        if not stale:
            return
        # Django's client, by final keys; raises while Redis is still unreachable.
        self._cache.delete_many(list(stale))  # type: ignore[attr-defined]
        with circuit.lock:
            circuit.lost -= stale
            circuit.outage_seen = False

    def _key(self, key: Any, version: int | None) -> str:
        return self.make_and_validate_key(key, version=version)

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        # False ("already there"): a caller that adds a flag to do something once does not.
        return self._run(
            lambda: super(DegradingRedisCache, self).add(key, value, timeout, version),
            False,
            [self._key(key, version)],
        )

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._run(
            lambda: super(DegradingRedisCache, self).get(key, default, version), default
        )

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        self._run(
            lambda: super(DegradingRedisCache, self).set(key, value, timeout, version),
            None,
            [self._key(key, version)],
        )

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._run(
            lambda: super(DegradingRedisCache, self).touch(key, timeout, version),
            False,
            [self._key(key, version)],
        )

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._run(
            lambda: super(DegradingRedisCache, self).delete(key, version),
            False,
            [self._key(key, version)],
        )

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        keys = list(keys)
        return self._run(lambda: super(DegradingRedisCache, self).get_many(keys, version), {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._run(lambda: super(DegradingRedisCache, self).has_key(key, version), False)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        """A counter that cannot be reached is a missing one: ValueError, which callers of a
        version counter already answer by starting a new value (itself dropped, and the key
        deleted when Redis is back, so the old value is never read again)."""
        missing = object()
        value = self._run(
            lambda: super(DegradingRedisCache, self).incr(key, delta, version),
            missing,
            [self._key(key, version)],
        )
        if value is missing:
            raise ValueError("Key '%s' not found" % key)
        return value  # type: ignore[return-value]

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        return self._run(
            lambda: super(DegradingRedisCache, self).set_many(data, timeout, version),
            list(data),  # Django's answer: the keys that were not stored
            [self._key(key, version) for key in data],
        )

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        keys = list(keys)
        self._run(
            lambda: super(DegradingRedisCache, self).delete_many(keys, version),
            None,
            [self._key(key, version) for key in keys],
        )

    def clear(self) -> None:
        self._run(lambda: super(DegradingRedisCache, self).clear(), None)
