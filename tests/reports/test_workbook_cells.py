"""The report workbook as 市产改办 read it (issue 16 "Report workbook"): Chinese names only (the
codes stay in build_report --json), a rate's change in 百分点, 按企业 rates rounded, and a
command-line export that does not pretend to be a stored version."""

import datetime
import io
import re
from unittest import mock

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone

from reports.models import ReportRun
from reports.selectors import FIGURE_KEYS
from reports.services import report_build, report_request
from tests.factories import (
    EmploymentFactory,
    EnterpriseFactory,
    ReportRunFactory,
    VillageFactory,
    WorkerFactory,
)
from unions.models import UnionCoverage, UnionOrganisation

pytestmark = pytest.mark.django_db

HIRED = datetime.date(2020, 1, 1)
# A snake_case code such as union_membership_rate, anywhere in a cell.
CODE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


@pytest.fixture
def plant(db):
    """On 2026-03-31: one enterprise, 3 active workers, 1 a member (入会率 1/3 = 0.3333); the
    2025Q4 report froze 入会率 0.31 (so +2.33 个百分点)."""
    enterprise = EnterpriseFactory(name="甲", village=VillageFactory(name="东村"))
    union = UnionOrganisation.objects.create(name="甲工会", kind="single")
    UnionCoverage.objects.create(union=union, enterprise=enterprise, start_date=HIRED)
    for member in (True, False, False):
        EmploymentFactory(
            worker=WorkerFactory(is_union_member=member, union_joined_on=HIRED if member else None),
            enterprise=enterprise,
            hire_date=HIRED,
        )
    ReportRunFactory(
        period="2025Q4",
        as_of=datetime.date(2025, 12, 31),
        figures={"kpis": {"union_membership_rate": 0.31, "workers_total": 2}},
    )
    return enterprise


def built(period="2026Q1") -> ReportRun:
    with mock.patch("reports.services.report_send"):
        run = report_request(kind="quarterly", period=period)
    report_build(run_id=run.pk)
    run.refresh_from_db()
    return run


def book_of(run: ReportRun) -> openpyxl.Workbook:
    with run.file.open("rb") as handle:
        return openpyxl.load_workbook(io.BytesIO(handle.read()))


def test_the_summary_names_figures_in_chinese_without_a_code_column(plant):
    sheet = book_of(built())["汇总"]
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["指标", "本期（2026Q1）", "上期（2025Q4）", "变化"]
    assert "代码" not in header
    labels = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(labels) == len(FIGURE_KEYS)
    assert not set(labels) & set(FIGURE_KEYS)


def test_a_rate_change_is_in_percentage_points_and_a_count_change_a_count(plant):
    sheet = book_of(built())["汇总"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    rate = rows["入会率"]
    assert rate[1].value == pytest.approx(0.3333) and rate[1].number_format == "0.00%"
    assert rate[2].value == pytest.approx(0.31)
    assert rate[3].value == pytest.approx(2.33)  # 0.3333 − 0.31 = 0.0233 → 2.33 个百分点
    assert rate[3].number_format.startswith('+0.00"个百分点"')
    assert "%" not in rate[3].number_format
    count = rows["在职职工数"]
    assert (count[1].value, count[2].value, count[3].value) == (3, 2, 1)
    assert count[3].number_format == "General"


def test_the_enterprise_sheet_rounds_its_rates(plant):
    rows = list(book_of(built())["按企业"].iter_rows())
    header = [cell.value for cell in rows[0]]
    rate = rows[1][header.index("入会率")]
    assert rate.value == 0.3333  # not 0.333333…
    assert rate.number_format == "0.00%"


def test_no_sheet_shows_a_code(plant):
    book = book_of(built())
    found = [
        (sheet.title, cell.coordinate, cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and CODE.search(cell.value)
    ]
    assert found == []


def test_build_report_output_is_an_ad_hoc_export_not_a_version(plant, tmp_path, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: datetime.date(2026, 5, 2))
    run = built()
    assert run.version == 1
    path = tmp_path / "report.xlsx"
    call_command("build_report", "--quarter", "2026Q1", "--output", str(path), stderr=io.StringIO())
    cover = {
        row[0]: row[1] for row in openpyxl.load_workbook(path)["封面"].values if row and row[0]
    }
    assert cover["版本"] == "命令行导出，非正式版本"
    assert cover["生成人"] == "命令行导出（build_report）"
    assert cover["数据截至"] == datetime.datetime(2026, 3, 31)
    # Nothing stored: the portal still lists v1 only.
    assert list(ReportRun.objects.filter(period="2026Q1").values_list("version", flat=True)) == [1]
    # A stored run's cover keeps its own version.
    assert {row[0]: row[1] for row in book_of(run)["封面"].values if row and row[0]}["版本"] == 1
