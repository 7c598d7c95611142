"""The fund figures of a report cover DOMAIN.md's fund_year (the year before the period's year),
with the year shown, the compliance rates, the total shortfall and the enterprises that have not
declared: in build_report --json, the workbook (汇总, 按企业, 经费达标) and the officials' pages.

Hand-computed fixture (default rule: 8% extracted, 60% of the spending on the front line):

| enterprise | year | payroll   | extracted | spent  | frontline | extraction        | frontline  |
| 甲         | 2025 | 1,000,000 | 80,000    | 50,000 | 30,000    | pass (exactly 8%) | pass (60%) |
| 乙         | 2025 | 1,000,000 | 79,000.50 | 10,000 | 5,999.99  | short 999.50      | fail       |
| 丙         | 2025 |   500,000 | 40,000    | 0      | 0         | pass              | neither    |
| =1+1丁     | 2026 |   200,000 | 15,000    | 0      | 0         | short 1,000.00    | neither    |

2025: 3 declarations, 2 extraction compliant (0.6667), 1 frontline compliant (0.3333), shortfall
999.50, 1 enterprise undeclared (丁). 2026: 1 declaration, 0 and 0 (0.0), shortfall 1000.00,
3 undeclared.
"""

import datetime
import io
import json
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from reports.selectors import FIGURE_KEYS, RATE_KEYS, quarter_report
from reports.services import report_file_for
from tests.factories import EnterpriseFactory, ReportRunFactory
from tests.reports.summary import summary_by_key
from training.models import FundDeclaration

AFTER_2026 = datetime.date(2027, 2, 15)

FUND_2025 = {
    "fund_year": 2025,
    "fund_declarations": 3,
    "fund_extraction_compliant": 2,
    "fund_frontline_compliant": 1,
    "fund_extraction_compliance_rate": 0.6667,
    "fund_frontline_compliance_rate": 0.3333,
    "fund_total_shortfall": "999.50",
    "fund_undeclared_enterprises": 1,
}
FUND_2026 = {
    "fund_year": 2026,
    "fund_declarations": 1,
    "fund_extraction_compliant": 0,
    "fund_frontline_compliant": 0,
    "fund_extraction_compliance_rate": 0.0,
    "fund_frontline_compliance_rate": 0.0,
    "fund_total_shortfall": "1000.00",
    "fund_undeclared_enterprises": 3,
}


def declare(enterprise, year, payroll, extracted, spent="0", frontline="0"):
    return FundDeclaration.objects.create(
        enterprise=enterprise,
        year=year,
        payroll=Decimal(payroll),
        extracted=Decimal(extracted),
        spent=Decimal(spent),
        frontline_spent=Decimal(frontline),
        source=FundDeclaration.Source.ADMIN,
        # Declared in January after the year, as enterprises do once the payroll is known: a
        # report counts only what was submitted by its date (issue 16).
        submitted_at=timezone.make_aware(datetime.datetime(year + 1, 1, 20, 9)),
    )


@pytest.fixture
def declarations(db):
    e = {
        "jia": EnterpriseFactory(name="甲企业"),
        "yi": EnterpriseFactory(name="乙企业"),
        "bing": EnterpriseFactory(name="丙企业"),
        "ding": EnterpriseFactory(name="=1+1丁企业"),
    }
    declare(e["jia"], 2025, "1000000", "80000", "50000", "30000")
    declare(e["yi"], 2025, "1000000", "79000.50", "10000", "5999.99")
    declare(e["bing"], 2025, "500000", "40000")
    declare(e["ding"], 2026, "200000", "15000")
    return e


def fund_keys(kpis):
    return {key: kpis[key] for key in FUND_2025}


def test_the_fund_year_crosses_the_year_boundary(declarations):
    # A report for 2027Q1 shows 2026's declarations; 2026Q4 shows 2025's.
    assert fund_keys(quarter_report("2027Q1", AFTER_2026)["kpis"]) == FUND_2026
    assert fund_keys(quarter_report("2026Q4", AFTER_2026)["kpis"]) == FUND_2025
    # Every quarter of a year covers the same fund year.
    assert fund_keys(quarter_report("2026Q1", AFTER_2026)["kpis"]) == FUND_2025
    # Nothing declared for 2024: no rate over no declaration; every enterprise undeclared.
    kpis = quarter_report("2025Q4", AFTER_2026)["kpis"]
    assert kpis["fund_year"] == 2024
    assert kpis["fund_declarations"] == 0
    assert kpis["fund_extraction_compliance_rate"] is None
    assert kpis["fund_frontline_compliance_rate"] is None
    assert kpis["fund_total_shortfall"] == "0.00"
    assert kpis["fund_undeclared_enterprises"] == 4


def test_the_new_keys_are_report_keys_with_rates_among_the_rates():
    keys = list(FIGURE_KEYS)
    assert keys.index("fund_year") == keys.index("fund_declarations") - 1
    assert set(FUND_2025) <= set(FIGURE_KEYS)
    assert {"fund_extraction_compliance_rate", "fund_frontline_compliance_rate"} <= RATE_KEYS


def test_build_report_json_gives_the_fund_year(declarations):
    out = io.StringIO()
    call_command("build_report", "--quarter", "2026Q3", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["as_of"] == "2026-09-30"
    assert fund_keys(report["kpis"]) == FUND_2025


def test_the_workbook_shows_the_fund_year_and_the_undeclared(declarations):
    snapshot, data = report_file_for(kind="quarterly", period="2026Q3")
    assert fund_keys(snapshot["kpis"]) == FUND_2025
    book = openpyxl.load_workbook(io.BytesIO(data))

    summary = summary_by_key(book["汇总"].iter_rows(min_row=2, values_only=True))
    assert summary["fund_year"][:3] == ("经费年度", "fund_year", 2025)
    assert summary["fund_declarations"][2] == 3
    assert summary["fund_extraction_compliance_rate"][2] == pytest.approx(0.6667)
    assert summary["fund_total_shortfall"][2] == Decimal("999.50")
    assert summary["fund_undeclared_enterprises"][2] == 1

    assert "2025年度经费" in next(book["按企业"].iter_rows(max_row=1, values_only=True))
    funds = list(book["经费达标"].iter_rows(values_only=True))
    assert funds[0][3] == "2025年度状态"
    by_name = {row[0]: row for row in funds[1:]}
    # Compliant enterprises (甲, and 丙 that spent nothing) are not listed; 丁 has not declared
    # for 2025 (its 2026 declaration does not count), and its name stays text.
    assert set(by_name) == {"乙企业", "=1+1丁企业"}
    assert by_name["=1+1丁企业"][3] == "未申报"
    assert by_name["乙企业"][7] == pytest.approx(999.5)


def row_of(page: str, key: str) -> str:
    match = re.search(r'<tr data-key="%s">(.*?)</tr>' % key, page, re.S)
    assert match, key
    return match.group(1)


def test_the_officials_page_shows_the_fund_year(client, official_user, declarations):
    client.force_login(official_user)
    page = client.get(reverse("reports:figures"), {"quarter": "2026Q3"}).content.decode()
    row = row_of(page, "fund_year")
    assert "经费年度" in row and ">2025<" in row
    assert ">999.50<" in row_of(page, "fund_total_shortfall")
    assert "66.67%" in row_of(page, "fund_extraction_compliance_rate")


def test_a_report_frozen_before_the_fund_year_shows_dashes(client, official_user):
    frozen = ReportRunFactory(period="2026Q1", as_of=datetime.date(2026, 3, 31))
    assert "fund_year" not in frozen.figures["kpis"]
    client.force_login(official_user)
    page = client.get(reverse("reports:run", args=[frozen.pk])).content.decode()
    for key in ("fund_year", "fund_total_shortfall", "fund_extraction_compliance_rate"):
        assert ">—<" in row_of(page, key), key
