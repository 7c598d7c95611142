"""A report as of a quarter's end counts the fund declarations as they stood on that date
(issue 16: "the 2026Q3 report counts a declaration submitted in December"): one first submitted
later is left out, a later version does not replace the figures reported earlier."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from reports.selectors import quarter_report
from reports.services import report_file_for
from tests.factories import EnterpriseFactory
from training.models import FundDeclaration, FundDeclarationVersion
from training.selectors import fund_compliance, fund_figures

pytestmark = pytest.mark.django_db

AFTER_2026 = datetime.date(2027, 2, 15)


def at(year, month, day, hour=10):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def declare(enterprise, *versions):
    """A 2025 declaration with its versions: (submitted_at, extracted) each, oldest first; the
    declaration holds the newest, as the services leave it."""
    declaration = None
    for number, (submitted_at, extracted) in enumerate(versions, start=1):
        amounts = {
            "payroll": Decimal("1000000"),
            "extracted": Decimal(extracted),
            "spent": Decimal("50000"),
            "frontline_spent": Decimal("30000"),
        }
        if declaration is None:
            declaration = FundDeclaration.objects.create(
                enterprise=enterprise,
                year=2025,
                source=FundDeclaration.Source.FORM,
                submitted_at=submitted_at,
                version=number,
                **amounts,
            )
        else:
            FundDeclaration.objects.filter(pk=declaration.pk).update(
                submitted_at=submitted_at, version=number, **amounts
            )
        FundDeclarationVersion.objects.create(
            declaration=declaration,
            version=number,
            source=FundDeclaration.Source.FORM,
            submitted_at=submitted_at,
            **amounts,
        )
    return declaration


@pytest.fixture
def december(db):
    early = EnterpriseFactory(name="甲按时申报")
    late = EnterpriseFactory(name="乙十二月申报")
    declare(early, (at(2026, 3, 10), "80000"))
    declare(late, (at(2026, 12, 3), "80000"))
    return early, late


def test_a_declaration_submitted_in_december_counts_in_q4_not_in_q3(december):
    q3 = quarter_report("2026Q3", AFTER_2026)["kpis"]
    q4 = quarter_report("2026Q4", AFTER_2026)["kpis"]
    assert (q3["fund_year"], q4["fund_year"]) == (2025, 2025)
    assert q3["fund_declarations"] == 1
    assert q3["fund_undeclared_enterprises"] == 1
    assert q4["fund_declarations"] == 2
    assert q4["fund_undeclared_enterprises"] == 0


def test_the_end_of_the_day_counts(db):
    declare(EnterpriseFactory(), (at(2026, 9, 30, 23), "80000"))
    assert fund_figures(2025, as_of=datetime.date(2026, 9, 30))["fund_declarations"] == 1
    assert fund_figures(2025, as_of=datetime.date(2026, 9, 29))["fund_declarations"] == 0


def test_a_later_version_does_not_change_what_an_earlier_date_reports(db):
    enterprise = EnterpriseFactory(name="丙补报")
    # 6% in March (short 20,000), corrected to 8% in December.
    declare(enterprise, (at(2026, 3, 10), "60000"), (at(2026, 12, 3), "80000"))
    q3 = fund_figures(2025, as_of=datetime.date(2026, 9, 30))
    assert (q3["fund_extraction_compliant"], q3["fund_total_shortfall"]) == (0, Decimal("20000"))
    q4 = fund_figures(2025, as_of=datetime.date(2026, 12, 31))
    assert (q4["fund_extraction_compliant"], q4["fund_total_shortfall"]) == (1, Decimal("0"))
    # Without a date: the declaration as it stands now (the staff's compliance list).
    assert fund_figures(2025)["fund_extraction_compliant"] == 1
    [row] = fund_compliance(2025, as_of=datetime.date(2026, 9, 30))
    assert row.status == "extraction_failed" and row.declaration.extracted == Decimal("60000")


def test_the_q3_workbook_lists_the_december_declarer_as_undeclared(december, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: AFTER_2026)
    snapshot, data = report_file_for(kind="quarterly", period="2026Q3")
    assert snapshot["kpis"]["fund_declarations"] == 1
    book = openpyxl.load_workbook(io.BytesIO(data))
    statuses = {row[0]: row[12] for row in book["按企业"].iter_rows(min_row=2, values_only=True)}
    assert statuses == {"甲按时申报": "达标", "乙十二月申报": "未申报"}
    funds = {row[0]: row[3] for row in book["经费达标"].iter_rows(min_row=2, values_only=True)}
    assert funds == {"乙十二月申报": "未申报"}
