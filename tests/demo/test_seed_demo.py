"""`make run` (migrate + seed_demo) leaves demo data in which each role finds its job done once
(issue 16 "Officials see nothing after make run"), and a second run adds nothing."""

import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from compliance.models import (
    CollectiveWageContract,
    FactoryAffairsDisclosure,
    LabourInspection,
    WorkersCongressSession,
)
from notices.models import Notice, NoticeReceipt
from party.models import PartyActivity, PartyBranch, PartyBranchMember
from reports.models import ReportRun
from reports.selectors import fund_year_of, last_complete_period
from training.models import FundDeclaration, FundNotice, FundRule
from training.selectors import Status, fund_compliance
from worklist.models import Milestone, OwnerUnit, ReformTask, TaskFeedback
from worklist.selectors import worklist_for_report

pytestmark = pytest.mark.django_db

COUNTED = (
    ReportRun,
    FundDeclaration,
    FundRule,
    FundNotice,
    Notice,
    OwnerUnit,
    Milestone,
    TaskFeedback,
    PartyBranch,
    PartyBranchMember,
    PartyActivity,
    WorkersCongressSession,
    FactoryAffairsDisclosure,
    CollectiveWageContract,
    LabourInspection,
)


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_each_role_finds_its_job_and_a_second_run_adds_nothing():
    output = seed()
    first = counts()
    today = timezone.localdate()
    quarter = last_complete_period("quarterly", today)
    month = last_complete_period("monthly", today)
    assert (
        "已生成进展报告：季度报告 %s、季度报告 %s、月度报告 %s。"
        % (
            quarter.previous(),
            quarter,
            month,
        )
        in output
    )

    # Officials: the built reports of the last finished month and the last two quarters (a
    # trend of two points).
    assert sorted(ReportRun.objects.values_list("kind", "period")) == [
        ("monthly", str(month)),
        ("quarterly", str(quarter.previous())),
        ("quarterly", str(quarter)),
    ]
    for run in ReportRun.objects.all():
        assert run.status == ReportRun.Status.DONE and run.is_current and run.file
        assert run.figures["kpis"]["workers_total"] > 200
    runs = {run.kind: run for run in ReportRun.objects.order_by("period")}
    kpis = runs["quarterly"].figures["kpis"]
    fund_year = fund_year_of(quarter.as_of())
    assert kpis["fund_year"] == fund_year
    # The declarations are for the year the report shows, and submitted by its date.
    assert kpis["fund_declarations"] == FundDeclaration.objects.filter(year=fund_year).count() > 0
    assert 0 < kpis["fund_extraction_compliant"] < kpis["fund_declarations"]
    assert kpis["fund_frontline_compliant"] < kpis["fund_declarations"]
    assert kpis["party_covered_enterprises"] > 0

    # Staff: fund rules, failing enterprises and a 整改通知 to the HR user's enterprise.
    assert FundRule.objects.filter(year=fund_year).exists()
    statuses = {row.enterprise.pk: row.status for row in fund_compliance(fund_year)}
    assert Status.COMPLIANT in statuses.values()
    assert set(statuses.values()) & set(Status.FAILING)
    hr = get_user_model().objects.get(username="hr")
    notice = FundNotice.objects.get()
    assert notice.enterprise.hr_users.filter(pk=hr.pk).exists()
    assert statuses[notice.enterprise.pk] in Status.FAILING

    # HR: a 通知公告 to all enterprises, published and unread.
    general = Notice.objects.get()
    assert general.audience == Notice.Audience.ALL and general.published_at <= timezone.now()
    assert not NoticeReceipt.objects.filter(user=hr).exists()

    # Work list: every task has an owner and a deadline; some overdue, some done, feedback.
    assert not ReformTask.objects.filter(owner_units__isnull=True).exists()
    assert not ReformTask.objects.filter(deadline__isnull=True).exists()
    rows = worklist_for_report(today)
    assert any(row.overdue for row in rows) and any(row.percent == 100 for row in rows)
    assert any(not row.silent for row in rows)
    assert Milestone.objects.filter(done_on__isnull=False).exists()
    reporter = get_user_model().objects.get(username="worklist")
    assert OwnerUnit.objects.filter(members=reporter).exists()

    # Party branches with members and activities; democratic management; an inspection.
    assert PartyBranch.objects.filter(kind="joint").exists()
    assert PartyBranchMember.objects.exists()
    assert PartyActivity.objects.filter(kind="themed_party_day").exists()
    assert WorkersCongressSession.objects.filter(confirmed_at__isnull=False).exists()
    assert CollectiveWageContract.objects.filter(confirmed_at__isnull=False).exists()
    waiting = FactoryAffairsDisclosure.objects.filter(confirmed_at__isnull=True)
    assert [record.entered_by for record in waiting] == [hr]
    assert LabourInspection.objects.overdue_on(today).exists()
    assert LabourInspection.objects.filter(is_closed=True).exists()

    output = seed()
    assert "已生成进展报告" not in output
    assert counts() == first


def test_the_official_sees_and_downloads_the_demo_report(client):
    seed()
    client.force_login(get_user_model().objects.get(username="official"))
    response = client.get(reverse("reports:figures"))
    assert response.status_code == 200
    latest = response.context["latest"]
    assert latest is not None and latest.period == str(
        last_complete_period("quarterly", timezone.localdate())
    )
    assert 'class="trend-chart"' in response.content.decode()
    download = client.get(reverse("reports:download", args=[latest.pk]))
    assert download.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert {"封面", "汇总", "党建", "民主管理", "劳动监察", "工作清单"} <= set(book.sheetnames)
    assert book["工作清单"].max_row > 10
