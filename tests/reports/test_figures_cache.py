"""The live report figures are cached (reports.cache) and follow every kind of write to their
tables: a save, a delete, a many-to-many change, a bulk write; the officials' page reads them
from the cache while nothing changed."""

import datetime
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.periods import Quarter
from imports.bulk import insert_rows
from reports.selectors import live_report_figures, report_figures
from reports.services import report_figures_warm
from tests.factories import (
    EmploymentFactory,
    EnterpriseFactory,
    LabourInspectionFactory,
    PartyBranchFactory,
    UnionCoverageFactory,
    WorkerFactory,
)
from tests.workers.test_roster_tasks import wait_for
from workers.models import Employment

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    settings.FIGURES_CACHE_SECONDS = 600


def live(key):
    return live_report_figures(timezone.localdate())[key]


def test_cached_figures_follow_saves_deletes_m2m_changes_and_bulk_writes(cached):
    enterprise = EnterpriseFactory()
    assert live("enterprises_total") == 1
    assert live("enterprises_with_union") == 0

    coverage = UnionCoverageFactory(enterprise=enterprise)  # a save in unions
    assert live("enterprises_with_union") == 1
    coverage.delete()  # a delete
    assert live("enterprises_with_union") == 0

    branch = PartyBranchFactory()  # a save in party, then a many-to-many change
    assert live("party_covered_enterprises") == 0
    branch.enterprises.add(enterprise)
    assert live("party_covered_enterprises") == 1

    LabourInspectionFactory(enterprise=enterprise)  # compliance
    assert live("inspections_overdue") == 1

    now = timezone.now()
    insert_rows(  # COPY, as a roster upload writes (core.signals.rows_written)
        Employment,
        (
            "worker_id",
            "enterprise_id",
            "position",
            "is_frontline",
            "contract_type",
            "hire_date",
            "created_at",
            "updated_at",
        ),
        [(WorkerFactory().pk, enterprise.pk, "", True, "", datetime.date(2020, 1, 1), now, now)],
    )
    assert live("workers_total") == 1
    assert live_report_figures(timezone.localdate()) == report_figures(as_of=timezone.localdate())


def test_a_warm_officials_page_reads_no_figure_table(cached, client, official_user):
    EmploymentFactory()
    client.force_login(official_user)
    assert client.get(reverse("reports:figures")).status_code == 200  # computes, caches
    with CaptureQueriesContext(connection) as warm:
        response = client.get(reverse("reports:figures"))
    assert response.status_code == 200
    read = " ".join(q["sql"] for q in warm.captured_queries)
    for table in ("enterprises_enterprise", "workers_employment", "unions_", "party_"):
        assert table not in read
    assert response.context["report"]["kpis"]["workers_total"] == 1

    EmploymentFactory()  # a write: the next view computes again
    assert client.get(reverse("reports:figures")).context["report"]["kpis"]["workers_total"] == 2


def test_without_a_shared_cache_every_view_computes(client, official_user, settings):
    settings.FIGURES_CACHE_SECONDS = 0
    client.force_login(official_user)
    client.get(reverse("reports:figures"))
    with CaptureQueriesContext(connection) as again:
        client.get(reverse("reports:figures"))
    assert "enterprises_enterprise" in " ".join(q["sql"] for q in again.captured_queries)


def test_a_write_has_a_worker_compute_the_officials_figures_into_the_cache(worker_thread, settings):
    """The officials' page as it opens (the live quarter, and its comparison periods without a
    built report) is computed by a Celery worker after a write, not by the next official."""
    settings.FIGURES_CACHE_SECONDS = 600
    settings.FIGURES_WARM = True
    today = timezone.localdate()
    year_before = Quarter.of(today)
    year_before = Quarter(year_before.year - 1, year_before.number).as_of(today)
    EnterpriseFactory()  # committed at once: a Celery task warms the cache

    def cached(as_of):
        version = cache.get("report-figures:version")
        return cache.get("report-figures:%s:%s:%s" % (version, as_of.isoformat(), today))

    figures = wait_for(lambda: cached(today), timeout=30, what="today's figures in the cache")
    assert figures == report_figures(as_of=today) and figures["enterprises_total"] == 1
    earlier = wait_for(lambda: cached(year_before), timeout=30, what="the year before's")
    assert earlier == report_figures(as_of=year_before)


def test_without_a_shared_cache_nothing_is_warmed(settings, django_capture_on_commit_callbacks):
    settings.FIGURES_CACHE_SECONDS = 0
    settings.FIGURES_WARM = True
    with mock.patch("reports.tasks.report_figures_warm_task.apply_async") as queued:
        with django_capture_on_commit_callbacks(execute=True):
            EnterpriseFactory()
    assert not queued.called


def test_a_burst_of_writes_queues_one_warm_up(cached, settings, django_capture_on_commit_callbacks):
    settings.FIGURES_WARM = True
    cache.delete("report-figures:warm-queued")
    with mock.patch("reports.tasks.report_figures_warm_task.apply_async") as queued:
        for _ in range(3):
            with django_capture_on_commit_callbacks(execute=True):
                EnterpriseFactory()
        assert queued.call_count == 1
        report_figures_warm()  # the worker starts: the next write queues the next one
        with django_capture_on_commit_callbacks(execute=True):
            EnterpriseFactory()
        assert queued.call_count == 2
    cache.delete("report-figures:warm-queued")


def test_with_the_broker_down_the_write_succeeds_and_the_next_one_tries_again(
    cached, settings, django_capture_on_commit_callbacks, caplog
):
    settings.FIGURES_WARM = True
    cache.delete("report-figures:warm-queued")
    with mock.patch(
        "reports.tasks.report_figures_warm_task.apply_async", side_effect=ConnectionError
    ) as queued:
        with django_capture_on_commit_callbacks(execute=True):
            EnterpriseFactory()
        tried = queued.call_count
        assert tried and "report figures warm-up not queued" in caplog.text
        with django_capture_on_commit_callbacks(execute=True):
            EnterpriseFactory()
        assert queued.call_count > tried  # nothing was left claiming a warm-up is queued
    cache.delete("report-figures:warm-queued")
