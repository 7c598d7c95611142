"""The read replica (issue 17): core.db_router sends reads inside replica_reads() to the
"replica" alias (tests/settings.py: Django's test mirror of the primary) and everything else to
the primary; core.middleware.ReplicaLagMiddleware keeps a user's reads on the primary right after
their own write; report building and the officials' figures page read from the replica."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import db_router
from core.db_router import (
    REPLICA,
    PrimaryReplicaRouter,
    primary_reads,
    replica_reads,
    request_scope,
)
from core.middleware import PRIMARY_UNTIL_COOKIE, ReplicaLagMiddleware
from enterprises.models import Enterprise
from reports.models import ReportRun
from reports.selectors import last_complete_period
from reports.services import report_build
from tests.factories import EmploymentFactory, EnterpriseFactory

_replica_configured = db_router.replica_configured
router = PrimaryReplicaRouter()
BOTH = ["default", "replica"]


@pytest.fixture(autouse=True)
def _replica_on(_replica_reads_on_primary, monkeypatch):
    """tests/conftest.py keeps replica_reads() on the primary elsewhere; here it is the subject."""
    monkeypatch.setattr(db_router, "replica_configured", _replica_configured)


_PROBE = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "aliases": sorted(settings.DATABASES),
    "replica": settings.DATABASES.get("replica"),
    "routers": settings.DATABASE_ROUTERS,
    "lag": settings.REPLICA_LAG_SECONDS,
}, default=str))
"""


def _settings_with(**variables: str) -> dict:
    """jianzhou_reform.settings read by a fresh interpreter under these variables only."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_REPLICA_URL", "REDIS_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="jianzhou_reform.settings",
        DEBUG="true",
        DATABASE_URL="postgres://portal:secret@primary.example:5432/portal",
        **variables,
    )
    result = subprocess.run(
        [sys.executable, "-c", _PROBE],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_database_replica_url_there_is_no_replica_alias():
    probed = _settings_with()
    assert probed["aliases"] == ["default"]
    assert probed["routers"] == ["core.db_router.PrimaryReplicaRouter"]


def test_database_replica_url_adds_the_replica_alias_as_a_test_mirror():
    probed = _settings_with(
        DATABASE_REPLICA_URL="postgres://reader:secret@replica.example:5432/portal",
        CONN_MAX_AGE="30",
        REPLICA_LAG_SECONDS="2.5",
    )
    assert probed["aliases"] == ["default", "replica"]
    replica = probed["replica"]
    assert (replica["HOST"], replica["USER"], replica["NAME"]) == (
        "replica.example",
        "reader",
        "portal",
    )
    assert replica["ENGINE"] == "django.db.backends.postgresql"
    assert replica["TEST"]["MIRROR"] == "default"
    assert replica["CONN_MAX_AGE"] == 30  # the primary's connection options
    assert probed["lag"] == 2.5


def test_the_test_settings_define_the_replica_as_a_mirror_and_the_router():
    from django.conf import settings

    assert settings.DATABASES[REPLICA]["TEST"]["MIRROR"] == "default"
    assert "core.db_router.PrimaryReplicaRouter" in settings.DATABASE_ROUTERS


# --- the router ------------------------------------------------------------------------------


def test_reads_go_to_the_primary_unless_inside_replica_reads():
    assert router.db_for_read(Enterprise) == DEFAULT_DB_ALIAS
    with replica_reads():
        assert router.db_for_read(Enterprise) == REPLICA
    assert router.db_for_read(Enterprise) == DEFAULT_DB_ALIAS


def test_replica_reads_is_also_a_decorator_and_nests():
    @replica_reads()
    def read():
        with replica_reads():
            inner = router.db_for_read(Enterprise)
        return inner, router.db_for_read(Enterprise)

    assert read() == (REPLICA, REPLICA)
    assert read() == (REPLICA, REPLICA)  # the decorator makes a fresh context each call
    assert router.db_for_read(Enterprise) == DEFAULT_DB_ALIAS


def test_primary_reads_inside_replica_reads_go_to_the_primary():
    # What reports.cache computes on a miss and keeps under the primary's version.
    with replica_reads():
        with primary_reads():
            assert router.db_for_read(Enterprise) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Enterprise) == REPLICA


def test_writes_always_go_to_the_primary():
    assert router.db_for_write(Enterprise) == DEFAULT_DB_ALIAS
    with replica_reads():
        assert router.db_for_write(Enterprise) == DEFAULT_DB_ALIAS


def test_without_a_replica_alias_everything_stays_on_the_primary(monkeypatch):
    monkeypatch.setattr(db_router, "replica_configured", lambda: False)
    with replica_reads():
        assert router.db_for_read(Enterprise) == DEFAULT_DB_ALIAS


def test_a_request_that_has_written_reads_from_the_primary():
    with request_scope(primary_only=False), replica_reads():
        assert router.db_for_read(Enterprise) == REPLICA
        router.db_for_write(Enterprise)
        assert router.db_for_read(Enterprise) == DEFAULT_DB_ALIAS


def test_a_user_within_the_lag_window_reads_from_the_primary():
    with request_scope(primary_only=True), replica_reads():
        assert router.db_for_read(Enterprise) == DEFAULT_DB_ALIAS


def test_migrations_run_on_the_primary_only_and_relations_cross_both():
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "workers") is True
    assert router.allow_migrate(REPLICA, "workers") is False
    on_primary, on_replica = Enterprise(), Enterprise()
    on_primary._state.db, on_replica._state.db = DEFAULT_DB_ALIAS, REPLICA
    assert router.allow_relation(on_primary, on_replica) is True
    elsewhere = Enterprise()
    elsewhere._state.db = "other"
    assert router.allow_relation(on_primary, elsewhere) is None


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_reads_inside_a_transaction_stay_on_the_primary():
    with replica_reads():
        assert router.db_for_read(Enterprise) == REPLICA
        with transaction.atomic():
            assert router.db_for_read(Enterprise) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Enterprise) == REPLICA


# --- the middleware's lag window -------------------------------------------------------------


def _reading_view(request):
    """Stands in for a dashboard: reports where its read would go, then optionally writes."""
    with replica_reads():
        response = HttpResponse(router.db_for_read(Enterprise))
        if request.GET.get("write"):
            router.db_for_write(Enterprise)
    if request.GET.get("status"):
        response.status_code = int(request.GET["status"])
    return response


middleware = ReplicaLagMiddleware(_reading_view)


def _cookie_of(response):
    morsel = response.cookies.get(PRIMARY_UNTIL_COOKIE)
    return morsel.value if morsel is not None and morsel.value else None


def test_a_plain_read_goes_to_the_replica_and_marks_nothing():
    response = middleware(RequestFactory().get("/"))
    assert response.content.decode() == REPLICA
    assert _cookie_of(response) is None


def test_after_a_successful_post_the_users_reads_stay_on_the_primary_for_the_lag(settings):
    settings.REPLICA_LAG_SECONDS = 5
    factory = RequestFactory()
    posted = middleware(factory.post("/"))
    cookie = _cookie_of(posted)
    assert cookie is not None
    assert posted.cookies[PRIMARY_UNTIL_COOKIE]["httponly"]

    factory.cookies[PRIMARY_UNTIL_COOKIE] = cookie
    assert middleware(factory.get("/")).content.decode() == DEFAULT_DB_ALIAS
    # Another user (no cookie) still reads from the replica.
    assert middleware(RequestFactory().get("/")).content.decode() == REPLICA


def test_once_the_lag_has_passed_reads_go_back_to_the_replica(settings, monkeypatch):
    settings.REPLICA_LAG_SECONDS = 5
    factory = RequestFactory()
    factory.cookies[PRIMARY_UNTIL_COOKIE] = _cookie_of(middleware(factory.post("/")))
    later = time.time() + 6
    monkeypatch.setattr("core.middleware.time.time", lambda: later)
    assert middleware(factory.get("/")).content.decode() == REPLICA


def test_a_get_that_wrote_marks_the_user_too():
    response = middleware(RequestFactory().get("/", {"write": "1"}))
    assert _cookie_of(response) is not None


def test_a_refused_post_marks_nothing():
    response = middleware(RequestFactory().post("/?status=400"))
    assert _cookie_of(response) is None


def test_a_forged_or_tampered_mark_is_ignored():
    factory = RequestFactory()
    factory.cookies[PRIMARY_UNTIL_COOKIE] = "%.3f" % (time.time() + 3600)  # unsigned
    assert middleware(factory.get("/")).content.decode() == REPLICA


def test_without_a_replica_the_middleware_does_nothing(monkeypatch):
    monkeypatch.setattr(db_router, "replica_configured", lambda: False)
    response = middleware(RequestFactory().post("/"))
    assert response.content.decode() == DEFAULT_DB_ALIAS
    assert _cookie_of(response) is None


# --- report building and the figures page read from the replica --------------------------------


def _writes(queries):
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def _build_report(quarter):
    """The quarter's report built as the reports worker builds it: (the run, the queries on
    the replica, the queries on the primary)."""
    run = ReportRun.objects.create(
        kind=ReportRun.Kind.QUARTERLY, period=str(quarter), as_of=quarter.as_of(), version=1
    )
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
    ):
        report_build(run_id=run.pk)
    run.refresh_from_db()
    return run, on_replica, on_primary


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_report_build_reads_its_figures_from_the_replica_and_writes_to_the_primary():
    quarter = last_complete_period("quarterly")
    EmploymentFactory(enterprise=EnterpriseFactory(is_above_scale=True))
    run, on_replica, on_primary = _build_report(quarter)
    assert run.status == ReportRun.Status.DONE, run.error
    assert any("enterprises_enterprise" in q["sql"] for q in on_replica.captured_queries)
    assert _writes(on_replica.captured_queries) == []
    assert _writes(on_primary.captured_queries)  # the claim, the stages and the result
    # The worker figures' own pass (raw SQL over the employments) as of the run's day ran on
    # the replica too. (Other periods' live figures, for the comparisons, come through the
    # reports cache: computed on the primary and kept, see reports/cache.py.)
    assert _figure_passes(on_replica.captured_queries, run.as_of)
    assert _figure_passes(on_primary.captured_queries, run.as_of) == []


def _figure_passes(queries, day):
    return [
        q["sql"]
        for q in queries
        if "GROUP BY e.enterprise_id" in q["sql"] and day.isoformat() in q["sql"]
    ]


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_report_build_computes_its_figures_on_the_replica_even_with_a_shared_cache(settings):
    """With the figures cache on, a dashboard's miss is computed on the primary and kept (a
    lagging replica would keep old figures under the new version); a report build's are
    computed on the replica for that run and never kept."""
    from django.core.cache import cache

    from workers.figures import worker_figures

    settings.FIGURES_CACHE_SECONDS = 60
    cache.clear()
    quarter = last_complete_period("quarterly")
    EmploymentFactory(enterprise=EnterpriseFactory(is_above_scale=True))
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
        replica_reads(),
    ):
        dashboard = worker_figures(quarter.as_of())
    assert _figure_passes(on_primary.captured_queries, quarter.as_of())
    assert _figure_passes(on_replica.captured_queries, quarter.as_of()) == []

    run, on_replica, on_primary = _build_report(quarter)
    assert run.status == ReportRun.Status.DONE, run.error
    assert _figure_passes(on_replica.captured_queries, run.as_of)
    assert _figure_passes(on_primary.captured_queries, run.as_of) == []
    assert run.figures["kpis"]["workers_total"] == dashboard["overall"][None]["workers"] == 1


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_figures_page_reads_from_the_replica_except_right_after_the_users_write(
    client, official_user
):
    client.force_login(official_user)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        response = client.get(reverse("reports:figures"))
    assert response.status_code == 200
    assert on_replica.captured_queries

    # The user changes something (here: the language) and reads again at once.
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[PRIMARY_UNTIL_COOKIE].value
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        response = client.get(reverse("reports:figures"))
    assert response.status_code == 200
    assert on_replica.captured_queries == []


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_pages_that_are_not_reports_read_from_the_primary(client, hr_user):
    client.force_login(hr_user)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        response = client.get(reverse("workers:roster_home"))
    assert response.status_code in (200, 302)
    assert on_replica.captured_queries == []
