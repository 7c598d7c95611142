"""A year's compliance list and the report's fund figures, each against that year's rule."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports.selectors import report_figures
from tests.factories import EnterpriseFactory, UserFactory, VillageFactory
from training.models import FundDeclaration, FundRule, FundRuleChange
from training.selectors import Status, fund_compliance, fund_figures
from training.services import fund_rule_save

pytestmark = pytest.mark.django_db


def declare(enterprise, year, payroll, extracted, spent="0", frontline="0"):
    return FundDeclaration.objects.create(
        enterprise=enterprise,
        year=year,
        payroll=Decimal(payroll),
        extracted=Decimal(extracted),
        spent=Decimal(spent),
        frontline_spent=Decimal(frontline),
        source=FundDeclaration.Source.ADMIN,
        # Submitted after the year: a report as of an earlier date would not count it.
        submitted_at=timezone.make_aware(datetime.datetime(year + 1, 1, 20, 9)),
    )


@pytest.fixture
def year_2025():
    east, west = VillageFactory(name="东村"), VillageFactory(name="西村")
    e = {
        "ok": EnterpriseFactory(name="甲达标", village=east, is_above_scale=True),
        "short": EnterpriseFactory(name="乙提取不足", village=east),
        "front": EnterpriseFactory(name="丙一线不足", village=west),
        "idle": EnterpriseFactory(name="丁未使用", village=west),
        "none": EnterpriseFactory(name="戊未申报", village=west, is_above_scale=True),
    }
    declare(e["ok"], 2025, "1000000", "80000", "50000", "30000")
    declare(e["short"], 2025, "1000000", "70000.50", "50000", "40000")
    declare(e["front"], 2025, "1000000", "90000", "50000", "29999.99")
    declare(e["idle"], 2025, "1000000", "80000", "0", "0")
    declare(e["ok"], 2024, "1000000", "10", "0", "0")  # another year
    return e


def test_report_figures_count_each_rule_and_nothing_spent_in_neither(year_2025):
    figures = fund_figures(2025)
    assert figures["fund_declarations"] == 4
    assert figures["fund_extraction_compliant"] == 3
    assert figures["fund_frontline_compliant"] == 2  # "idle" spent nothing: neither
    assert figures["fund_frontline_failed"] == 1
    assert figures["fund_total_shortfall"] == Decimal("9999.50")
    assert figures["enterprises_not_declared"] == [year_2025["none"].pk]

    # A report covers the year before its own (DOMAIN.md: fund_year).
    kpis = report_figures(as_of=datetime.date(2026, 12, 31))
    assert (
        kpis["fund_year"],
        kpis["fund_declarations"],
        kpis["fund_extraction_compliant"],
        kpis["fund_frontline_compliant"],
    ) == (2025, 4, 3, 2)
    assert report_figures(as_of=datetime.date(2025, 12, 31))["fund_declarations"] == 1  # 2024


def test_a_rate_changed_for_one_year_changes_that_year_only(year_2025, staff_user):
    fund_rule_save(
        user=staff_user,
        year=2025,
        extraction_rate=Decimal("0.07"),
        frontline_rate=Decimal("0.60"),
        note="区文件",
    )
    assert fund_figures(2025)["fund_extraction_compliant"] == 4  # 7.00005% now passes
    assert fund_figures(2024)["fund_extraction_compliant"] == 0  # 8% still, 10 yuan of 1,000,000
    fund_rule_save(
        user=staff_user, year=2025, extraction_rate=Decimal("0.08"), frontline_rate=Decimal("0.5")
    )
    assert fund_figures(2025)["fund_extraction_compliant"] == 3
    assert fund_figures(2025)["fund_frontline_compliant"] == 3
    assert list(
        FundRuleChange.objects.filter(year=2025).values_list("extraction_rate", flat=True)
    ) == [
        Decimal("0.0800"),
        Decimal("0.0700"),
    ]
    assert FundRule.objects.count() == 1


def test_rule_changes_are_staff_only(roles, hr_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        fund_rule_save(
            user=hr_user, year=2025, extraction_rate=Decimal("0.01"), frontline_rate=Decimal("0")
        )
    with pytest.raises(PermissionDenied):
        fund_rule_save(
            user=UserFactory(),
            year=2025,
            extraction_rate=Decimal("0.01"),
            frontline_rate=Decimal(0),
        )


def test_compliance_list_statuses_sorting_and_filters(year_2025):
    rows = fund_compliance(2025)
    assert [r.enterprise.name for r in rows][:2] == ["乙提取不足", "丙一线不足"] or rows[
        0
    ].shortfall
    assert rows[0].enterprise == year_2025["short"] and rows[0].shortfall == Decimal("9999.50")
    statuses = {r.enterprise.name: r.status for r in rows}
    assert statuses == {
        "甲达标": Status.COMPLIANT,
        "乙提取不足": Status.EXTRACTION_FAILED,
        "丙一线不足": Status.FRONTLINE_FAILED,
        "丁未使用": Status.COMPLIANT,
        "戊未申报": Status.NOT_DECLARED,
    }
    failing = fund_compliance(2025, status="failing")
    assert {r.enterprise.name for r in failing} == {"乙提取不足", "丙一线不足"}
    west = year_2025["front"].village_id
    assert {r.enterprise.name for r in fund_compliance(2025, village=west)} == {
        "丙一线不足",
        "丁未使用",
        "戊未申报",
    }
    assert {r.enterprise.name for r in fund_compliance(2025, above_scale=True)} == {
        "甲达标",
        "戊未申报",
    }
    assert [r.enterprise.name for r in fund_compliance(2025, sort="name")] == sorted(statuses)


def test_compliance_list_costs_the_same_queries_for_more_enterprises(year_2025):
    with CaptureQueriesContext(connection) as few:
        fund_compliance(2025)
    for n in range(20):
        declare(EnterpriseFactory(), 2025, "100", str(n))
    with CaptureQueriesContext(connection) as many:
        rows = fund_compliance(2025)
    assert len(rows) == 25
    assert len(many) == len(few)
