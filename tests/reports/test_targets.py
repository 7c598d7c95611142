"""Targets, the baseline and the same quarter of the year before beside each report figure
(issue 15): the admin (staff only, values checked by figure, one current baseline), the
comparison rows (reports.targets.figure_comparisons), the 汇总 sheet's columns frozen with the
run, the officials' page with its behind-target badge, and 高技能人才 ÷ 技能人才.

Hand-counted fixture (`plant`), as of 2026-06-30 (2026Q2) and 2025-06-30 (2025Q2):

| worker | skill     | member | hired      | 2026-06-30 | 2025-06-30 |
| w1     | 高级工     | yes    | 2020-01-01 | counts     | counts     |
| w2     | 初级工     | yes    | 2020-01-01 | counts     | counts     |
| w3     | 初级工     | no     | 2020-01-01 | counts     | counts     |
| w4     | none      | no     | 2020-01-01 | counts     | counts     |
| w5     | 技师       | yes    | 2026-01-10 | counts     | not hired  |

2026-06-30: 5 workers, 3 members (0.6), 4 skilled, 2 high-skilled (0.4 of all, 0.5 of skilled).
2025-06-30: 4 workers, 2 members (0.5), 3 skilled, 1 high-skilled (0.25 of all, 0.3333 of skilled).
"""

import datetime
import io
from decimal import Decimal
from unittest import mock

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.choices import SkillLevel
from core.models import AuditLog
from reports.models import BaselinePeriod, FigureTarget, ReportRun
from reports.selectors import FIGURE_KEYS, RATE_KEYS, report_figures
from reports.services import (
    baseline_period_save,
    figure_target_save,
    report_build,
    report_request,
)
from reports.targets import (
    LOWER_IS_BETTER,
    figure_comparisons,
    is_behind,
    target_keys,
    target_value_check,
)
from tests.factories import (
    EmploymentFactory,
    EnterpriseFactory,
    FigureTargetFactory,
    ReportRunFactory,
    WorkerFactory,
)
from tests.reports.summary import summary_by_key

AS_OF = datetime.date(2026, 6, 30)
WORKER_NAMES = ("王高级", "王初级", "王初二", "王无级", "王技师")


@pytest.fixture
def plant(db):
    enterprise = EnterpriseFactory(name="甲机械")
    joined = datetime.date(2019, 1, 1)
    people = []
    for name, level, member, hired in (
        ("王高级", SkillLevel.SENIOR, True, datetime.date(2020, 1, 1)),
        ("王初级", SkillLevel.JUNIOR, True, datetime.date(2020, 1, 1)),
        ("王初二", SkillLevel.JUNIOR, False, datetime.date(2020, 1, 1)),
        ("王无级", "", False, datetime.date(2020, 1, 1)),
        ("王技师", SkillLevel.TECHNICIAN, True, datetime.date(2026, 1, 10)),
    ):
        worker = WorkerFactory(
            name=name,
            skill_level=level,
            is_union_member=member,
            union_joined_on=joined if member else None,
        )
        EmploymentFactory(worker=worker, enterprise=enterprise, hire_date=hired)
        people.append(worker)
    return people


@pytest.fixture
def targets(db):
    """2026 targets: membership 0.85 (behind at 0.6), high-skilled share of skilled 0.5 (met
    exactly), workers 5 (met exactly), skilled workers 10 (behind at 4)."""
    for key, value in (
        ("union_membership_rate", "0.85"),
        ("high_skilled_share_of_skilled", "0.5"),
        ("workers_total", "5"),
        ("skilled_workers", "10"),
    ):
        FigureTargetFactory(key=key, year=2026, value=Decimal(value))
    # Another year's target is not this year's.
    FigureTargetFactory(key="union_membership_rate", year=2025, value=Decimal("0.1"))


@pytest.fixture
def baseline_run(db):
    """The reform's baseline 2021Q3 (the migration marks it current), as reported then."""
    return ReportRunFactory(
        period="2021Q3",
        as_of=datetime.date(2021, 9, 30),
        figures={"kpis": {"workers_total": 100, "union_membership_rate": 0.3}},
    )


def rows_by_key(rows):
    return {row["key"]: row for row in rows}


def built(period: str) -> ReportRun:
    with mock.patch("reports.services.report_send"):
        run = report_request(kind="quarterly", period=period)
    report_build(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE, run.error
    return run


# --- 高技能人才 ÷ 技能人才 ------------------------------------------------------------------


def test_high_skilled_share_of_skilled_beside_the_share_of_all_workers(plant):
    figures = report_figures(as_of=AS_OF)
    keys = list(FIGURE_KEYS)
    assert keys.index("high_skilled_share_of_skilled") == keys.index("high_skilled_worker_rate") + 1
    assert "high_skilled_share_of_skilled" in RATE_KEYS
    assert figures["high_skilled_worker_rate"] == 0.4
    assert figures["high_skilled_share_of_skilled"] == 0.5
    # A year before: 1 of 3 skilled, rounded half-up to 4 decimals.
    assert report_figures(as_of=datetime.date(2025, 6, 30))["high_skilled_share_of_skilled"] == (
        0.3333
    )


def test_high_skilled_share_is_null_without_skilled_workers(db):
    EmploymentFactory(worker=WorkerFactory(skill_level=""))
    figures = report_figures(as_of=AS_OF)
    assert figures["skilled_workers"] == 0
    assert figures["high_skilled_share_of_skilled"] is None


# --- the comparison -------------------------------------------------------------------------


def test_each_figure_beside_its_target_baseline_and_the_year_before_computed(
    plant, targets, baseline_run
):
    kpis = report_figures(as_of=AS_OF)
    rows = figure_comparisons("quarterly", "2026Q2", kpis, AS_OF)
    assert [row["key"] for row in rows] == list(kpis)
    by_key = rows_by_key(rows)

    membership = by_key["union_membership_rate"]
    assert membership["label"] == "入会率"
    assert (membership["value"], membership["target"]) == (0.6, 0.85)
    assert membership["behind"] is True
    assert membership["behind_display"] == "落后于目标"
    assert membership["baseline"] == 0.3  # from the stored 2021Q3 run
    # 2025Q2 was never reported: computed as of 2025-06-30.
    assert membership["year_before"] == 0.5
    assert membership["change"] == 10.0
    assert membership["change_display"] == "+10.00 个百分点"
    assert (membership["value_display"], membership["target_display"]) == ("60.00%", "85.00%")
    assert membership["baseline_display"] == "30.00%"

    share = by_key["high_skilled_share_of_skilled"]
    assert (share["value"], share["target"], share["behind"]) == (0.5, 0.5, False)
    assert share["behind_display"] == ""
    assert share["baseline"] is None and share["baseline_display"] == "—"  # not in 2021Q3's run
    assert share["year_before"] == 0.3333
    assert share["change_display"] == "+16.67 个百分点"

    workers = by_key["workers_total"]
    assert (workers["value"], workers["target"], workers["behind"]) == (5, 5, False)
    assert (workers["baseline"], workers["year_before"], workers["change"]) == (100, 4, 1)
    assert workers["change_display"] == "+1"
    assert by_key["skilled_workers"]["behind"] is True
    assert by_key["skilled_workers"]["target"] == 10

    # No target: never flagged, shown as "—".
    frontline = by_key["frontline_workers"]
    assert (frontline["target"], frontline["behind"], frontline["target_display"]) == (
        None,
        False,
        "—",
    )


def test_the_year_before_comes_from_its_stored_report_when_there_is_one(plant, targets):
    ReportRunFactory(
        period="2025Q2",
        as_of=datetime.date(2025, 6, 30),
        figures={"kpis": {"workers_total": 120, "union_membership_rate": 0.55}},
    )
    by_key = rows_by_key(
        figure_comparisons("quarterly", "2026Q2", report_figures(as_of=AS_OF), AS_OF)
    )
    assert by_key["union_membership_rate"]["year_before"] == 0.55
    assert by_key["union_membership_rate"]["change_display"] == "+5.00 个百分点"
    assert (by_key["workers_total"]["year_before"], by_key["workers_total"]["change"]) == (
        120,
        -115,
    )
    assert by_key["workers_total"]["change_display"] == "-115"
    # A figure the stored report did not have: "—", not a value computed today.
    assert by_key["high_skilled_share_of_skilled"]["year_before"] is None
    assert by_key["high_skilled_share_of_skilled"]["change_display"] == "—"


def test_the_baseline_is_computed_when_its_period_was_never_reported(plant):
    # Everyone was hired by 2020 except w5: 4 workers on 2021-09-30, 2 members.
    by_key = rows_by_key(
        figure_comparisons("quarterly", "2026Q2", report_figures(as_of=AS_OF), AS_OF)
    )
    assert (by_key["workers_total"]["baseline"], by_key["union_membership_rate"]["baseline"]) == (
        4,
        0.5,
    )


def test_the_current_baseline_is_the_one_compared(plant, staff_user):
    ReportRunFactory(
        period="2023Q1", as_of=datetime.date(2023, 3, 31), figures={"kpis": {"workers_total": 7}}
    )
    baseline_period_save(
        user=staff_user, baseline=BaselinePeriod(kind="quarterly", period="2023q1")
    )
    by_key = rows_by_key(
        figure_comparisons("quarterly", "2026Q2", report_figures(as_of=AS_OF), AS_OF)
    )
    assert by_key["workers_total"]["baseline"] == 7


def test_a_monthly_report_compares_the_same_month_and_the_quarterly_baseline(plant, baseline_run):
    ReportRunFactory(
        kind="monthly",
        period="2025-06",
        as_of=datetime.date(2025, 6, 30),
        figures={"kpis": {"workers_total": 9}},
    )
    by_key = rows_by_key(figure_comparisons("monthly", "2026-06", {"workers_total": 5}, AS_OF))
    assert (by_key["workers_total"]["year_before"], by_key["workers_total"]["baseline"]) == (9, 100)


def test_behind_target_direction():
    assert is_behind("union_membership_rate", 0.8499, "0.85")
    assert not is_behind("union_membership_rate", 0.85, 0.85)
    assert not is_behind("union_membership_rate", None, 0.85)  # a rate over nothing
    assert not is_behind("union_membership_rate", 0.1, None)  # no target
    assert "inspections_overdue" in LOWER_IS_BETTER
    assert is_behind("inspections_overdue", 3, 2)
    assert not is_behind("inspections_overdue", 2, 2)
    assert not is_behind("inspections_overdue", 0, 2)


# --- the admin and the services -------------------------------------------------------------


def test_target_values_are_checked_by_figure():
    target_value_check("union_membership_rate", Decimal("0.85"))
    target_value_check("union_membership_rate", Decimal("1"))
    target_value_check("workers_total", Decimal("1200"))
    with pytest.raises(ValidationError, match="0 至 1"):
        target_value_check("union_membership_rate", Decimal("85"))
    with pytest.raises(ValidationError, match="整数"):
        target_value_check("workers_total", Decimal("10.5"))
    with pytest.raises(ValidationError, match="负数"):
        target_value_check("workers_total", Decimal("-1"))
    keys = dict(target_keys())
    assert keys["high_skilled_share_of_skilled"] == "高技能人才占技能人才比例"
    assert "fund_year" not in keys


def test_staff_set_a_target_in_the_admin(client, staff_user):
    client.force_login(staff_user)
    url = reverse("admin:reports_figuretarget_add")
    form = client.get(url).content.decode()
    assert '<option value="union_membership_rate">入会率</option>' in form
    assert "高技能人才占技能人才比例" in form

    refused = client.post(
        url, {"key": "union_membership_rate", "year": 2026, "value": "85", "notes": ""}
    )
    assert refused.status_code == 200
    assert "0 至 1" in refused.content.decode()
    assert not FigureTarget.objects.exists()
    refused = client.post(url, {"key": "workers_total", "year": 2026, "value": "10.5"})
    assert "整数" in refused.content.decode()

    saved = client.post(
        url, {"key": "union_membership_rate", "year": 2026, "value": "0.85", "notes": "区定目标"}
    )
    assert saved.status_code == 302
    target = FigureTarget.objects.get()
    assert (target.key, target.year, target.value) == (
        "union_membership_rate",
        2026,
        Decimal("0.85"),
    )
    audit = AuditLog.objects.get(action="report.target_saved")
    assert audit.actor == staff_user and audit.object_id == str(target.pk)

    # One target per figure and year.
    again = client.post(url, {"key": "union_membership_rate", "year": 2026, "value": "0.9"})
    assert again.status_code == 200
    assert FigureTarget.objects.count() == 1


def test_the_service_refuses_an_unknown_key(staff_user):
    with pytest.raises(ValidationError):
        figure_target_save(
            user=staff_user, target=FigureTarget(key="no_such_figure", year=2026, value=1)
        )
    assert not FigureTarget.objects.exists()


def test_marking_a_baseline_current_unmarks_the_previous_one(client, staff_user):
    seeded = BaselinePeriod.objects.get(is_current=True)
    assert (seeded.kind, seeded.period) == ("quarterly", "2021Q3")
    client.force_login(staff_user)
    url = reverse("admin:reports_baselineperiod_add")

    refused = client.post(url, {"kind": "quarterly", "period": "2022Q5", "is_current": "on"})
    assert refused.status_code == 200
    assert "季度格式" in refused.content.decode() or "季度应为" in refused.content.decode()

    saved = client.post(url, {"kind": "quarterly", "period": "2022q1", "is_current": "on"})
    assert saved.status_code == 302
    current = BaselinePeriod.objects.get(is_current=True)
    assert current.period == "2022Q1"
    seeded.refresh_from_db()
    assert seeded.is_current is False
    actions = AuditLog.objects.filter(action="report.baseline_saved")
    assert {a.object_id for a in actions} == {str(seeded.pk), str(current.pk)}

    # A baseline is never deleted from the admin.
    delete = reverse("admin:reports_baselineperiod_delete", args=[current.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert BaselinePeriod.objects.filter(pk=current.pk).exists()


@pytest.mark.parametrize("role", ["official_user", "union_user", "hr_user"])
def test_only_staff_reach_the_targets_admin(client, request, role):
    client.force_login(request.getfixturevalue(role))
    for name in ("admin:reports_figuretarget_changelist", "admin:reports_baselineperiod_add"):
        response = client.get(reverse(name))
        assert response.status_code in (302, 403), name  # the admin login, or refused


# --- the 汇总 sheet, frozen with the run, and the officials' page ---------------------------


def summary_rows(run: ReportRun) -> list[tuple]:
    with run.file.open("rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    return list(book["汇总"].values)


def test_the_summary_sheet_shows_the_comparison_frozen_with_the_run(
    plant, targets, baseline_run, client, official_user
):
    run = built("2026Q2")
    stored = rows_by_key(run.figures["comparisons"])
    assert stored["union_membership_rate"]["behind"] is True

    rows = summary_rows(run)
    # Chinese names only: the codes are for build_report --json (issue 16).
    assert rows[0][:8] == (
        "指标",
        "本期（2026Q2）",
        "上期（2026Q1）",
        "变化",
        "目标",
        "基期值",
        "上年同期",
        "是否落后",
    )
    summary = summary_by_key(rows)
    assert summary["union_membership_rate"][2] == 0.6
    assert summary["union_membership_rate"][5:9] == (0.85, 0.3, 0.5, "是")
    assert summary["high_skilled_share_of_skilled"][0] == "高技能人才占技能人才比例"
    assert summary["high_skilled_share_of_skilled"][2] == 0.5
    assert summary["high_skilled_share_of_skilled"][5:9] == (0.5, "—", 0.3333, "否")
    assert summary["workers_total"][5:9] == (5, 100, 4, "否")
    assert summary["frontline_workers"][5:9] == ("—", "—", 4, "—")

    # Staff change the target afterwards: the stored report still shows what it reported.
    FigureTarget.objects.filter(key="union_membership_rate", year=2026).update(value=Decimal("0.5"))
    client.force_login(official_user)
    content = client.get(reverse("reports:figures"), {"quarter": "2026Q2"}).content.decode()
    latest = content[content.index('id="latest-figures"') :]
    latest = latest[: latest.index("</table>")]
    row = latest[latest.index('data-key="union_membership_rate"') :]
    row = row[: row.index("</tr>")]
    assert 'data-field="target">85.00%' in row and "落后于目标" in row
    # The live table compares with today's targets.
    live = content[content.index('id="live-figures"') :]
    live = live[: live.index("</table>")]
    row = live[live.index('data-key="union_membership_rate"') :]
    row = row[: row.index("</tr>")]
    assert 'data-field="target">50.00%' in row and "落后于目标" not in row
    # The run's own page re-renders from its snapshot too.
    detail = client.get(reverse("reports:run", args=[run.pk])).content.decode()
    row = detail[detail.index('<tr data-key="union_membership_rate"') :]
    row = row[: row.index("</tr>")]
    assert 'data-field="target">85.00%' in row and "⚠ 落后于目标" in row
    assert 'data-field="baseline">30.00%' in row and 'data-field="year-before">50.00%' in row


def test_a_run_frozen_before_the_comparison_shows_dashes(plant, targets, client, official_user):
    old = ReportRunFactory(period="2026Q1", as_of=datetime.date(2026, 3, 31))  # no comparisons
    client.force_login(official_user)
    page = client.get(reverse("reports:figures"), {"quarter": "2026Q2"}).content.decode()
    latest = page[page.index('id="latest-figures"') :]
    latest = latest[: latest.index("</table>")]
    row = latest[latest.index('data-key="union_membership_rate"') :]
    row = row[: row.index("</tr>")]
    assert old.figures["kpis"]["union_membership_rate"] == 0.8
    assert 'data-field="target">—' in row and 'data-field="year-before">—' in row
    assert "落后于目标" not in row


def test_the_officials_page_flags_figures_behind_target(
    plant, targets, baseline_run, client, official_user
):
    client.force_login(official_user)
    response = client.get(reverse("reports:figures"), {"quarter": "2026Q2"})
    assert response.status_code == 200
    content = response.content.decode()
    live = content[content.index('id="live-figures"') :]
    live = live[: live.index("</table>")]
    for heading in ("目标", "基期值", "上年同期", "是否落后"):
        assert "<th" in live and heading in live
    rows = {
        chunk.split('"', 1)[0]: chunk[: chunk.index("</tr>")]
        for chunk in live.split('<tr data-key="')[1:]
    }
    assert 'data-behind="1"' in rows["union_membership_rate"]
    assert '<span class="badge' in rows["union_membership_rate"]
    assert "⚠ 落后于目标" in rows["union_membership_rate"]
    assert "落后于目标" not in rows["high_skilled_share_of_skilled"]
    assert "高技能人才占技能人才比例" in rows["high_skilled_share_of_skilled"]
    assert 'figure-value">50.00%' in rows["high_skilled_share_of_skilled"]
    assert "+10.00 个百分点" in rows["union_membership_rate"]
    # Aggregates only: nobody named, no ID number.
    for worker in plant:
        assert worker.name not in content
        assert worker.id_number not in content


@pytest.mark.parametrize("role", ["union_user", "hr_user"])
def test_other_roles_do_not_see_the_comparison(client, request, role, plant, targets):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("reports:figures")).status_code == 403
