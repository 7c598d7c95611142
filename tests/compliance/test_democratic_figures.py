"""Democratic management's figures (seed measure 9, issue 15), hand-counted as of 2026-09-30
(the last day of 2026Q3, which started on 2026-07-01): 职代会 in the 12 months up to the day,
厂务公开 in the quarter, a wage contract in force on the day, over every enterprise and over
those with 25 or more active workers; only confirmed records count. Then the report keys, the
民主管理 sheet opened with openpyxl, and a report frozen before the keys existed.

The fixture (A and D above-scale; workers active on 2026-09-30):
- A甲 (东村, 一园, 25 workers): 职代会 2025-10-01, 厂务公开 2026-07-01, contract to 2026-09-30:
  all three count.
- B乙 (东村, no park, 24 workers): 职代会 2025-09-30 (a year before) and 2025-08-30 (13 months),
  厂务公开 2026-06-30 (last quarter), contract to 2026-09-29 (expired the day before): none.
- C丙 (西村, 一园, no workers): 职代会 2026-09-01 entered by HR, unconfirmed; 厂务公开 on the
  day; a contract from 2026-10-01: only the disclosure counts.
- D丁 (西村, no park, 25 workers, a 26th departed on the day): no records.
"""

import datetime
import io
from unittest import mock

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from compliance.figures import DEMOCRATIC_FIGURE_KEYS, democratic_figures
from compliance.models import WorkersCongressSession
from compliance.services import democratic_record_confirm, workers_congress_session_enter
from core.models import AuditLog
from reports.models import ReportRun
from reports.selectors import FIGURE_KEYS, quarter_report, report_figures
from reports.services import report_build, report_request
from tests.factories import (
    CollectiveWageContractFactory,
    EmploymentFactory,
    EnterpriseFactory,
    FactoryAffairsDisclosureFactory,
    IndustrialParkFactory,
    ReportRunFactory,
    VillageFactory,
    WorkersCongressSessionFactory,
)
from tests.reports.summary import summary_by_key
from workers.figures import worker_figures

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 9, 30)


def day(iso: str) -> datetime.date:
    return datetime.date.fromisoformat(iso)


def employ(enterprise, count: int, **fields) -> None:
    for _n in range(count):
        EmploymentFactory(enterprise=enterprise, **fields)


def contract(enterprise, start: str, end: str) -> None:
    CollectiveWageContractFactory(
        enterprise=enterprise, signed_on=day(start), start_date=day(start), end_date=day(end)
    )


@pytest.fixture
def world(hr_user, staff_user):
    east, west = VillageFactory(name="东村"), VillageFactory(name="西村")
    park = IndustrialParkFactory(name="一园")
    a = EnterpriseFactory(name="A甲", village=east, park=park, is_above_scale=True)
    b = EnterpriseFactory(name="B乙", village=east, park=None)
    c = EnterpriseFactory(name="C丙", village=west, park=park)
    d = EnterpriseFactory(name="D丁", village=west, park=None, is_above_scale=True)
    c.hr_users.add(hr_user)

    employ(a, 25)
    employ(b, 24)
    employ(b, 3, hire_date=day("2026-10-01"))  # not yet hired on the day
    employ(d, 25)
    employ(d, 1, departure_date=AS_OF)  # departed on the day: not active

    WorkersCongressSessionFactory(enterprise=a, held_on=day("2025-10-01"))
    WorkersCongressSessionFactory(enterprise=b, held_on=day("2025-09-30"))
    WorkersCongressSessionFactory(enterprise=b, held_on=day("2025-08-30"))
    FactoryAffairsDisclosureFactory(enterprise=a, disclosed_on=day("2026-07-01"))
    FactoryAffairsDisclosureFactory(enterprise=b, disclosed_on=day("2026-06-30"))
    FactoryAffairsDisclosureFactory(enterprise=c, disclosed_on=AS_OF)
    contract(a, "2024-01-01", "2026-09-30")
    contract(b, "2023-09-30", "2026-09-29")
    contract(c, "2026-10-01", "2029-09-30")
    # HR enter C's 职代会: it waits for staff confirmation.
    pending = workers_congress_session_enter(
        user=hr_user,
        enterprise=c,
        held_on=day("2026-09-01"),
        session="第一届第一次",
        delegates=30,
        topics="审议工资调整方案",
    )
    return {"a": a, "b": b, "c": c, "d": d, "pending": pending, "staff": staff_user}


EXPECTED = {
    "enterprises_25_plus": 2,
    "dm_congress_enterprises": 1,
    "dm_congress_rate": 0.25,
    "dm_congress_rate_25": 0.5,
    "dm_disclosure_enterprises": 2,
    "dm_disclosure_rate": 0.5,
    "dm_disclosure_rate_25": 0.5,
    "dm_wage_contract_enterprises": 1,
    "dm_wage_contract_rate": 0.25,
    "dm_wage_contract_rate_25": 0.5,
}


def test_the_figures_as_of_the_date_hand_counted(world, django_assert_num_queries):
    workers = worker_figures(AS_OF, ("enterprise",))["enterprise"]
    # One query for the records; the worker counts are those of every report figure.
    with django_assert_num_queries(1):
        figures = democratic_figures(AS_OF, workers)
    assert figures == democratic_figures(AS_OF)
    assert figures["kpis"] == EXPECTED
    assert tuple(figures["kpis"]) == DEMOCRATIC_FIGURE_KEYS
    overall = figures["overall"]
    assert (overall["enterprises"], overall["enterprises_25"]) == (4, 2)


def test_the_groups_by_village_park_and_size(world):
    figures = democratic_figures(AS_OF)

    def brief(rows):
        return {
            r["label"]: (
                r["enterprises"],
                r["enterprises_25"],
                r["congress"],
                r["disclosure"],
                r["wage_contract"],
                r["disclosure_rate"],
                r["disclosure_rate_25"],
            )
            for r in rows
        }

    assert brief(figures["villages"]) == {
        "东村": (2, 1, 1, 1, 1, 0.5, 1.0),
        "西村": (2, 1, 0, 1, 0, 0.5, 0.0),
    }
    assert brief(figures["parks"]) == {
        "一园": (2, 1, 1, 2, 1, 1.0, 1.0),
        "不在园区": (2, 1, 0, 0, 0, 0.0, 0.0),
    }
    assert brief(figures["above_scale"]) == {
        "规上企业": (2, 2, 1, 1, 1, 0.5, 0.5),
        # No enterprise of 25 or more among them: the rate over none is null.
        "规下企业": (2, 0, 0, 1, 0, 0.5, None),
    }
    assert [r["label"] for r in figures["parks"]] == ["一园", "不在园区"]


def test_the_lists_of_enterprises_missing_each(world):
    missing = democratic_figures(AS_OF)["missing"]
    names = {key: [e["name"] for e in rows] for key, rows in missing.items()}
    # Above-scale first, then by name.
    assert names == {
        "congress": ["D丁", "B乙", "C丙"],
        "disclosure": ["D丁", "B乙"],
        "wage_contract": ["D丁", "B乙", "C丙"],
    }
    d = missing["congress"][0]
    assert (d["village"], d["park"], d["workers_25_plus"]) == ("西村", "", True)


def test_the_threshold_is_exactly_25_workers(world):
    """B has 24 active workers: one more makes it count among the 25-or-more."""
    assert democratic_figures(AS_OF)["kpis"]["enterprises_25_plus"] == 2
    employ(world["b"], 1)
    kpis = democratic_figures(AS_OF)["kpis"]
    assert kpis["enterprises_25_plus"] == 3
    assert kpis["dm_congress_rate_25"] == 0.3333  # 1/3 rounded half-up to 4 decimals


def test_an_hr_record_counts_once_staff_confirm_it(world):
    pending = world["pending"]
    assert pending.entered_by is not None and pending.confirmed_at is None
    assert democratic_figures(AS_OF)["kpis"]["dm_congress_enterprises"] == 1

    assert democratic_record_confirm(user=world["staff"], record=pending) is True
    kpis = democratic_figures(AS_OF)["kpis"]
    assert kpis["dm_congress_enterprises"] == 2
    assert kpis["dm_congress_rate"] == 0.5
    assert kpis["dm_congress_rate_25"] == 0.5  # C has no workers: not among the 25-or-more
    audit = AuditLog.objects.get(action="compliance.congress_session.confirmed")
    assert audit.actor == world["staff"] and audit.object_id == str(pending.pk)


def test_the_window_moves_with_the_date(world):
    """As of 2026-08-31 (in the quarter): A's disclosure of 2026-07-01 counts, C's of
    2026-09-30 not yet; B's 职代会 of 2025-09-30 is inside the 12 months; B's contract is in
    force."""
    kpis = democratic_figures(day("2026-08-31"))["kpis"]
    assert kpis["dm_disclosure_enterprises"] == 1
    assert kpis["dm_congress_enterprises"] == 2
    assert kpis["dm_wage_contract_enterprises"] == 2
    # The first day of the next quarter: the quarter's disclosures start again.
    assert democratic_figures(day("2026-10-01"))["kpis"]["dm_disclosure_enterprises"] == 0


def test_the_report_keys(world):
    figures = report_figures(as_of=AS_OF)
    assert tuple(figures) == FIGURE_KEYS
    assert {key: figures[key] for key in DEMOCRATIC_FIGURE_KEYS} == EXPECTED
    report = quarter_report("2026Q3", today=day("2026-12-01"))
    assert {key: report["kpis"][key] for key in DEMOCRATIC_FIGURE_KEYS} == EXPECTED


def _built(period: str) -> ReportRun:
    with mock.patch("reports.services.report_send"):
        run = report_request(kind="quarterly", period=period)
    report_build(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE, run.error
    return run


def test_the_democratic_management_sheet_of_the_run(world, settings):
    run = _built("2026Q3")
    assert run.figures["democratic"]["kpis"] == EXPECTED
    with run.file.open("rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    assert "民主管理" in book.sheetnames
    rows = [row for row in book["民主管理"].values if any(v is not None for v in row)]
    by_label = {(row[0], row[1]): row for row in rows if row[0] and row[1]}
    overall = by_label[("全街道", "全街道")]
    # 企业数, 25人及以上, 职代会, 召开率, 其中25+, 25+召开率, 厂务公开 …
    assert overall[2:8] == (4, 2, 1, 0.25, 1, 0.5)
    assert by_label[("企业规模", "规下企业")][2:4] == (2, 0)
    titles = [row[0] for row in rows if row[0] and str(row[0])[:2] in ("二、", "三、", "四、")]
    assert titles == [
        "二、近12个月未召开职代会的企业（3家）",
        "三、本季度未进行厂务公开的企业（2家）",
        "四、无有效工资集体协商合同的企业（3家）",
    ]
    names = [row[0] for row in rows]
    assert names.count("D丁") == 3 and names.count("C丙") == 2
    summary = {k: row[2] for k, row in summary_by_key(book["汇总"].values).items()}
    assert summary["dm_congress_rate_25"] == 0.5


def test_an_enterprise_name_is_text_in_the_sheet(world):
    world["d"].name = "=1+1"
    world["d"].save()
    run = _built("2026Q3")
    with run.file.open("rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    cells = [cell for row in book["民主管理"].iter_rows() for cell in row if cell.value == "=1+1"]
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_a_report_frozen_before_the_keys_shows_dashes(client, official_user):
    run = ReportRunFactory()
    client.force_login(official_user)
    page = client.get(reverse("reports:run", args=[run.pk])).content.decode()
    label = "职代会召开率（全部企业）"
    assert '<tr data-key="dm_congress_rate"><td>%s</td><td class="text-end">—</td>' % label in page
    # And its workbook, written from the snapshot, says the figures were not counted then.
    from reports.democratic_sheet import democratic_sheet

    book = openpyxl.Workbook()
    democratic_sheet(book, run.figures)
    assert book["民主管理"]["A1"].value == "本报告生成时尚未统计民主管理数据。"


def test_confirm_time_is_set_by_the_service_not_the_caller(world, hr_user):
    record = workers_congress_session_enter(
        user=hr_user,
        enterprise=world["c"],
        held_on=day("2026-09-02"),
        session="第一届第二次",
        delegates=30,
        topics="议题",
        confirmed_at=timezone.now(),
        confirmed_by=world["staff"],
    )
    record.refresh_from_db()
    assert record.confirmed_at is None and record.confirmed_by is None
    assert WorkersCongressSession.objects.filter(confirmed_at__isnull=True).count() == 2
