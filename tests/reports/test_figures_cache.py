"""The live report figures are cached (reports.cache) and follow every kind of write to their
tables: a save, a delete, a many-to-many change, a bulk write; the officials' page reads them
from the cache while nothing changed."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from imports.bulk import insert_rows
from reports.selectors import live_report_figures, report_figures
from tests.factories import (
    EmploymentFactory,
    EnterpriseFactory,
    LabourInspectionFactory,
    PartyBranchFactory,
    UnionCoverageFactory,
    WorkerFactory,
)
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
