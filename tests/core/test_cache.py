"""The shared cache degrades to a miss when Redis cannot be reached (issue 12): no operation
raises, one request waits at most one short timeout, and a write lost in an outage cannot make
older entries current again when Redis is back."""

import logging
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from core import cache as cache_module
from core.cache import DegradingRedisCache, computed_once, drop_after_outage, reset_circuits

UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1
OPTIONS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.25}


@pytest.fixture(autouse=True)
def _no_outage_left_over() -> Iterator[None]:
    reset_circuits()
    yield
    reset_circuits()


def backend(location: str, **params: Any) -> DegradingRedisCache:
    return DegradingRedisCache(location, {"OPTIONS": OPTIONS, **params})


class FakeRedis:
    """Stands in for Django's Redis client (final keys), with Redis switched off and on."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.down = False
        self.calls = 0

    def _reach(self) -> None:
        self.calls += 1
        if self.down:
            raise RedisConnectionError("Error 111 connecting. Connection refused.")

    def get(self, key: str, default: Any) -> Any:
        self._reach()
        return self.data.get(key, default)

    def set(self, key: str, value: Any, timeout: Any) -> None:
        self._reach()
        self.data[key] = value

    def add(self, key: str, value: Any, timeout: Any) -> bool:
        self._reach()
        return self.data.setdefault(key, value) is value

    def incr(self, key: str, delta: int) -> int:
        self._reach()
        if key not in self.data:
            raise ValueError("Key '%s' not found." % key)
        self.data[key] += delta
        return self.data[key]

    def delete(self, key: str) -> bool:
        self._reach()
        return self.data.pop(key, None) is not None

    def delete_many(self, keys: list[str]) -> None:
        self._reach()
        for key in keys:
            self.data.pop(key, None)


def on(fake: FakeRedis, location: str) -> DegradingRedisCache:
    cache = backend(location, RETRY_AFTER=60)
    cache.__dict__["_cache"] = fake  # Django's client is a cached property
    return cache


def back(fake: FakeRedis) -> None:
    """Redis answers again, and the retry pause of every process is over."""
    fake.down = False
    reset_circuits_pause()


def reset_circuits_pause() -> None:
    from core import cache as module

    for circuit in module._circuits.values():
        circuit.open_until = 0.0


def test_every_operation_answers_without_redis_and_logs_no_keys(caplog):
    cache = backend(UNREACHABLE)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        assert cache.get("progress:7", "default") == "default"
        assert cache.get_many(["a", "b"]) == {}
        assert cache.has_key("a") is False
        assert cache.set("a", 1) is None
        assert cache.add("flag", 1) is False, "a once-only flag is not taken"
        assert cache.touch("a") is False
        assert cache.delete("a") is False
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert cache.delete_many(["a", "b"]) is None
        with pytest.raises(ValueError):
            cache.incr("figures:version")
        with pytest.raises(ValueError):
            cache.decr("figures:version")
        assert cache.get_or_set("v", 42) == 42
        assert cache.get_or_set("w", lambda: 43) == 43
    assert time.monotonic() - started < 2
    assert [r.levelname for r in caplog.records] == ["WARNING"], "once per retry pause"
    assert "progress:7" not in caplog.text and "127.0.0.1" not in caplog.text


def test_a_hanging_redis_costs_one_timeout_then_is_skipped():
    """A server that takes connections and never answers: the first call waits for the socket
    timeout, the calls after it skip Redis for RETRY_AFTER seconds instead of each waiting."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        cache = backend("redis://127.0.0.1:%d/0" % server.getsockname()[1], RETRY_AFTER=30)
        started = time.monotonic()
        assert cache.get("a") is None
        first = time.monotonic() - started
        for n in range(50):
            cache.set("k%d" % n, n)
            assert cache.get("k%d" % n) is None
        rest = time.monotonic() - started - first
    assert 0.2 <= first < 1.5
    assert rest < 0.2


def test_redis_is_skipped_while_paused_and_tried_again_after():
    fake = FakeRedis()
    cache = on(fake, "redis://fake-pause/0")
    fake.down = True
    assert cache.get("a") is None
    assert cache.get("b") is None and cache.set("c", 1) is None
    assert fake.calls == 1, "paused: Redis not asked again"
    back(fake)
    cache.set("c", 2)
    assert cache.get("c") == 2


def test_a_version_bump_lost_in_an_outage_never_serves_older_entries():
    """The worker figures' pattern: entries under a version that every write increments. A
    write during the outage loses its increment; once Redis is back the old version must not
    be current, or the figures from before the write would be served again."""
    fake = FakeRedis()
    cache = on(fake, "redis://fake-version/0")
    cache.set("figures:version", 5)
    cache.set("figures:5:today", "before the write")

    fake.down = True
    with pytest.raises(ValueError):
        cache.incr("figures:version")  # the writer then sets a new value: lost too
    cache.set("figures:version", 99)

    back(fake)
    version = cache.get_or_set("figures:version", 6)
    assert version == 6, "the old version was deleted when Redis answered"
    assert cache.get("figures:%s:today" % version) is None


def test_another_process_that_saw_the_outage_drops_registered_versions():
    """The writer that lost the bump may have exited: a process that only read during the
    outage deletes the registered version key when Redis answers again."""
    drop_after_outage("test:version")
    fake = FakeRedis()
    reader = on(fake, "redis://fake-reader/0")
    reader.set("test:version", 5)
    fake.down = True
    assert reader.get("test:version") is None
    back(fake)
    assert reader.get("test:version") is None
    reader.set("test:version", 7)
    assert reader.get("test:version") == 7, "dropped once per outage, not on every call"


def test_a_process_that_saw_no_outage_keeps_its_entries():
    drop_after_outage("test:version")
    fake = FakeRedis()
    cache = on(fake, "redis://fake-calm/0")
    cache.set("test:version", 5)
    assert cache.get("test:version") == 5


# computed_once: after a write moves the figures' version, the pages that miss together wait for
# one computation instead of each holding a core (the load test's stall of every page).


class Computation:
    """A compute() that blocks until released, counting its calls."""

    def __init__(self, value: Any = "figures", fails: bool = False) -> None:
        self.value, self.fails = value, fails
        self.calls = 0
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self) -> Any:
        self.calls += 1
        self.started.set()
        assert self.release.wait(10)
        if self.fails:
            raise RuntimeError("the database went away")
        return self.value


def waiting_is_signalled(monkeypatch) -> threading.Event:
    """Set once a caller is waiting for another's computation (its first pause)."""
    waiting = threading.Event()

    def pause(seconds: float) -> None:
        waiting.set()
        time.sleep(seconds)

    monkeypatch.setattr(cache_module, "_pause", pause)
    return waiting


def in_thread(function, *args, **kwargs) -> tuple[threading.Thread, dict]:
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = function(*args, **kwargs)
        except Exception as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_pages_that_miss_together_wait_for_one_computation(monkeypatch):
    cache = on(FakeRedis(), "redis://fake-once/0")
    waiting = waiting_is_signalled(monkeypatch)
    first = Computation()
    first_thread, first_outcome = in_thread(
        computed_once, "figures:3:day", first, timeout=60, cache=cache
    )
    assert first.started.wait(10)
    second = Computation()
    second_thread, second_outcome = in_thread(
        computed_once, "figures:3:day", second, timeout=60, cache=cache
    )
    assert waiting.wait(10), "the second page waits"
    first.release.set()
    first_thread.join(10)
    second_thread.join(10)

    assert first_outcome == second_outcome == {"value": "figures"}
    assert (first.calls, second.calls) == (1, 0)
    assert cache.get("figures:3:day") == "figures"
    assert cache.get("figures:3:day:computing") is None, "the claim ends with the computation"


def test_a_computation_that_fails_leaves_the_waiting_page_to_compute(monkeypatch):
    cache = on(FakeRedis(), "redis://fake-fails/0")
    waiting = waiting_is_signalled(monkeypatch)
    failing = Computation(fails=True)
    first_thread, first_outcome = in_thread(computed_once, "k", failing, timeout=60, cache=cache)
    assert failing.started.wait(10)
    second = Computation("computed by the second")
    second.release.set()
    second_thread, second_outcome = in_thread(computed_once, "k", second, timeout=60, cache=cache)
    assert waiting.wait(10)
    failing.release.set()
    first_thread.join(10)
    second_thread.join(10)

    assert isinstance(first_outcome["error"], RuntimeError)
    assert second_outcome == {"value": "computed by the second"}
    assert cache.get("k") == "computed by the second"


def test_a_claim_older_than_the_wait_is_not_waited_for(monkeypatch):
    """A claim left by a process that died mid-computation expires in the cache; until then a
    page waits at most COMPUTE_WAIT_SECONDS, then computes, and leaves the claim alone."""
    cache = on(FakeRedis(), "redis://fake-stale/0")
    monkeypatch.setattr(cache_module, "COMPUTE_WAIT_SECONDS", 0.0)
    cache.add("k:computing", "a dead process's claim")
    computation = Computation("fresh")
    computation.release.set()

    assert computed_once("k", computation, timeout=60, cache=cache) == "fresh"
    assert computation.calls == 1
    assert cache.get("k:computing") == "a dead process's claim"


def test_without_redis_every_page_computes_at_once(monkeypatch):
    """A cache that cannot be reached answers every add with False and every read with a miss:
    that is no other computation to wait for."""
    fake = FakeRedis()
    cache = on(fake, "redis://fake-down/0")
    fake.down = True

    def never(seconds: float) -> None:
        raise AssertionError("waited without a cache")

    monkeypatch.setattr(cache_module, "_pause", never)
    computation = Computation(42)
    computation.release.set()

    assert computed_once("k", computation, timeout=60, cache=cache) == 42
    assert computed_once("k", computation, timeout=60, cache=cache) == 42
    assert computation.calls == 2
