"""Demo data in which each role finds its job done once (issue 16): fund rules and a 整改通知, a
通知公告 waiting for the demo HR user, work-list tasks with owners, deadlines, milestones and
feedback, party branches with members and activities, democratic-management records (one
waiting for confirmation), labour inspections, and the reports of the last finished quarter and
month built through reports.services. Each step runs once: a re-run finds its rows and adds
nothing."""

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from core.choices import PARTY_STATUSES
from core.periods import Period
from enterprises.models import Enterprise
from workers.models import Employment


def _aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def seed_fund_rules_and_notice(
    *, staff: Any, enterprises: list[Enterprise], fund_year: int
) -> None:
    """The 8%/60% rule written down for the fund year and the year after (so the 经费规则 list
    is not empty), and a 整改通知 to the demo HR user's enterprise that extracted too little."""
    from training.models import FundNotice, FundRule
    from training.services import fund_notices_send, fund_rule_save

    for year in (fund_year, fund_year + 1):
        if not FundRule.objects.filter(year=year).exists():
            fund_rule_save(
                user=staff,
                year=year,
                extraction_rate=Decimal("0.08"),
                frontline_rate=Decimal("0.60"),
                note="剡湖街道产业工人队伍建设改革实施方案（第十一条）",
            )
    failing = enterprises[0]  # the HR user's; its declaration extracts 6% (seed_demo)
    if not FundNotice.objects.filter(enterprise=failing, year=fund_year).exists():
        fund_notices_send(
            user=staff,
            enterprise_ids=[failing.pk],
            year=fund_year,
            message="贵单位%d年度教育培训经费提取额低于职工工资总额的8%%，请于30日内足额补提，"
            "并在平台重新申报。" % fund_year,
        )


def seed_notice(*, staff: Any, today: datetime.date) -> None:
    """A 通知公告 to all enterprises, published two days ago; nobody has read it yet."""
    from notices.models import Notice

    Notice.objects.get_or_create(
        title="关于报送%d年度职工教育培训计划的通知" % today.year,
        defaults={
            "body": "各企业：\n\n请于本月底前通过平台报送下一年度职工教育培训计划，"
            "并更新职工花名册。一线职工培训经费使用比例不低于60%。\n\n剡湖街道办事处",
            "audience": Notice.Audience.ALL,
            "published_at": _aware(today - datetime.timedelta(days=2), 9),
            "created_by": staff,
        },
    )


UNITS = ("党建办", "经济发展办", "社会事务办", "街道总工会", "人力社保中心")
# code → (owner unit indexes, deadline offset in days from today, milestones, feedback)
# milestones: (title, due offset, done offset or None); feedback: (days ago, percent, text)
TASK_PLANS: dict[str, tuple[tuple[int, ...], int, list[Any], list[Any]]] = {
    "1": (
        (0,),
        200,
        [("制定一线党员发展计划", -150, -160), ("各企业党组织完成“三会一课”台账", -20, None)],
        [
            (100, 40, "已制定一线职工党员发展计划，确定发展对象12名。"),
            (12, 65, "新建联合党支部1个。"),
        ],
    ),
    "3": (
        (3,),
        120,
        [("嵊州工匠推荐", -60, -62), ("基层劳模推评公示", 30, None)],
        [(20, 70, "完成嵊州工匠推荐4名，基层劳模推评进行中。")],
    ),
    "4": (
        (4, 1),
        90,
        [("校企合作协议签订", -90, -95)],
        [(40, 60, "新签校企合作协议2份，企业职工学院开班3期。")],
    ),
    "5": (
        (4,),
        -30,
        [("职工培训学院“六个有”评估", -45, None)],
        [(130, 50, "两所职工培训学院完成自评，一所尚未整改。")],
    ),
    "8": (
        (2, 4),
        60,
        [("劳动法律执法检查", -40, -41)],
        [(25, 55, "完成劳动执法检查12家，发现问题4项，已整改2项。")],
    ),
    "10": (
        (3,),
        -10,
        [("规上企业工会全覆盖", -10, -12)],
        [(5, 100, "规上企业均已建立工会，园区联合工会覆盖小微企业。")],
    ),
    "11": (
        (1, 4),
        150,
        [("经费申报收集", -200, -205), ("未达标企业整改", 45, None)],
        [(60, 80, "已收集上年度经费申报，向提取不足企业发出整改通知。")],
    ),
    "四-2": ((0, 1, 2), 365, [], []),
}


def seed_worklist(*, staff: Any, reporter: Any, today: datetime.date) -> None:
    """Owner units (the demo reporter is in the first), deadlines, milestones and feedback:
    some tasks done, one overdue, one without feedback this quarter (seed section 四)."""
    from worklist.models import Milestone, OwnerUnit, ReformTask, TaskFeedback

    if OwnerUnit.objects.exists():
        return
    units = [OwnerUnit.objects.create(name=name) for name in UNITS]
    units[0].members.add(reporter)
    day = datetime.timedelta(days=1)
    year_end = (datetime.date(today.year + 1, 12, 31) - today).days
    for number, task in enumerate(ReformTask.objects.order_by("order", "code")):
        # A task without a plan here: an owner and the end of next year, no feedback yet.
        owners, deadline, milestones, feedback = TASK_PLANS.get(
            task.code, ((number % len(UNITS),), year_end, [], [])
        )
        task.owner_units.set([units[i] for i in owners])
        task.deadline = today + deadline * day
        task.save(update_fields=["deadline", "updated_at"])
        for title, due, done in milestones:
            Milestone.objects.create(
                task=task,
                title=title,
                due_on=today + due * day,
                done_on=today + done * day if done is not None else None,
            )
        for ago, percent, text in feedback:
            TaskFeedback.objects.create(
                task=task,
                unit=units[owners[0]],
                reported_on=today - ago * day,
                percent=percent,
                text=text,
                author=reporter if owners[0] == 0 else staff,
            )


def _quarter_days(period: Period, *offsets: int) -> list[datetime.date]:
    return [period.start + datetime.timedelta(days=offset) for offset in offsets]


def seed_party(*, enterprises: list[Enterprise], quarters: list[Period]) -> None:
    """A branch in each above-scale enterprise and a joint branch for the small ones, their
    party-member workers as members, and 三会一课 and 主题党日 in the quarters shown (one branch
    skips 主题党日 in the last finished quarter, so the report lists it; seed measure 1)."""
    from party.models import PartyActivity, PartyBranch, PartyBranchMember

    if PartyBranch.objects.exists():
        return
    founded = datetime.date(2019, 7, 1)
    big = [e for e in enterprises if e.is_above_scale]
    small = [e for e in enterprises if not e.is_above_scale]
    branches = []
    for enterprise in big:
        branch = PartyBranch.objects.create(
            name="%s党支部" % enterprise.name,
            kind=PartyBranch.Kind.SINGLE,
            founded_on=founded,
            village=enterprise.village,
        )
        branch.enterprises.set([enterprise])
        branches.append((branch, [enterprise]))
    joint = PartyBranch.objects.create(
        name="剡湖街道非公企业联合党支部",
        kind=PartyBranch.Kind.JOINT,
        founded_on=founded,
    )
    joint.enterprises.set(small[:3])
    branches.append((joint, small[:3]))

    members = []
    for branch, served in branches:
        for employment in Employment.objects.filter(
            enterprise__in=served,
            departure_date__isnull=True,
            worker__political_status__in=PARTY_STATUSES,
        ).select_related("worker"):
            members.append(
                PartyBranchMember(
                    branch=branch,
                    worker=employment.worker,
                    joined_on=max(employment.hire_date, founded),
                )
            )
    PartyBranchMember.objects.bulk_create(members, ignore_conflicts=True)

    today = timezone.localdate()
    activities = []
    for number, (branch, _served) in enumerate(branches):
        for quarter_index, quarter in enumerate(quarters):
            kinds = [
                (PartyActivity.Kind.GENERAL_MEETING, "支部党员大会：学习传达上级精神", 5),
                (PartyActivity.Kind.PARTY_LECTURE, "书记讲党课：弘扬劳模精神和工匠精神", 25),
                (PartyActivity.Kind.THEMED_PARTY_DAY, "主题党日：党员先锋岗技能比武", 50),
            ]
            if number == 1 and quarter_index == 0:
                kinds = kinds[:2]  # no 主题党日 in the last finished quarter
            for kind, topic, offset in kinds:
                held_on = _quarter_days(quarter, offset)[0]
                if held_on > today:
                    continue
                activities.append(
                    PartyActivity(
                        branch=branch, held_on=held_on, kind=kind, topic=topic, attendance=8
                    )
                )
    PartyActivity.objects.bulk_create(activities)


def seed_democratic(
    *, staff: Any, hr: Any, enterprises: list[Enterprise], today: datetime.date
) -> None:
    """职代会, 厂务公开 and 工资集体协商 entered by staff (confirmed) for most enterprises, and one
    厂务公开 the demo HR user entered that waits for staff's confirmation (seed measure 9)."""
    from compliance.models import FactoryAffairsDisclosure, WorkersCongressSession
    from compliance.services import (
        collective_wage_contract_enter,
        factory_affairs_disclosure_enter,
        workers_congress_session_enter,
    )

    if WorkersCongressSession.objects.exists():
        return
    day = datetime.timedelta(days=1)
    for index, enterprise in enumerate(enterprises[:6]):
        workers_congress_session_enter(
            user=staff,
            enterprise=enterprise,
            held_on=today - (40 + index * 30) * day,
            session="第三届第%s次" % "一二三四五六"[index],
            delegates=15 + index,
            topics="审议企业年度工资调整方案和职工培训计划",
            resolutions="通过",
        )
        if index < 4:
            collective_wage_contract_enter(
                user=staff,
                enterprise=enterprise,
                signed_on=datetime.date(today.year - 1, 3, 1),
                start_date=datetime.date(today.year - 1, 3, 1),
                end_date=datetime.date(today.year + 1, 2, 28) - index % 2 * 300 * day,
                wage_increase_percent=Decimal("5.50"),
            )
        if index in (1, 2, 3):
            factory_affairs_disclosure_enter(
                user=staff,
                enterprise=enterprise,
                disclosed_on=today - (10 + index) * day,
                subject="年度职工教育培训经费提取和使用情况",
                channel="公开栏",
                content="公开上年度教育培训经费提取额、使用额和一线职工使用比例。",
            )
    if not FactoryAffairsDisclosure.objects.filter(enterprise=enterprises[0]).exists():
        factory_affairs_disclosure_enter(
            user=hr,
            enterprise=enterprises[0],
            disclosed_on=today - 3 * day,
            subject="职工年度体检安排",
            channel="线上",
            content="本季度安排全体职工年度体检，费用由企业承担。",
        )


def seed_inspections(*, staff: Any, enterprises: list[Enterprise], today: datetime.date) -> None:
    """One overdue finding, one open within its deadline and one closed (seed measure 8)."""
    from compliance.models import LabourInspection
    from compliance.services import labour_inspection_save

    if LabourInspection.objects.exists():
        return
    day = datetime.timedelta(days=1)
    for enterprise, kind, subject, ago, deadline, closed in (
        (enterprises[4], "contract", "劳动合同签订情况", 60, 30, None),
        (enterprises[2], "working_hours", "加班时长和休息休假", 20, 30, None),
        (enterprises[1], "wages", "工资按时足额支付", 90, 30, 70),
    ):
        labour_inspection_save(
            user=staff,
            inspection=LabourInspection(
                enterprise=enterprise,
                inspected_on=today - ago * day,
                kind=kind,
                subject=subject,
                inspector="嵊州市劳动保障监察大队",
                findings="发现问题，已当场告知企业。",
                corrections_required="限期整改并报送整改报告。",
                deadline=today - ago * day + deadline * day,
                is_closed=closed is not None,
                closed_on=today - closed * day if closed is not None else None,
            ),
        )


def seed_reports(*, staff: Any, periods: list[tuple[str, Period]]) -> list[str]:
    """The reports of the last finished quarter and month, built here through the services (no
    Celery needed); a period that already has a built report is left alone."""
    from reports.models import ReportRun
    from reports.services import report_build, report_request

    built = []
    for kind, period in periods:
        if ReportRun.objects.filter(
            kind=kind, period=str(period), status=ReportRun.Status.DONE
        ).exists():
            continue
        run = report_request(kind=kind, period=str(period), user=staff)
        report_build(run_id=run.pk)
        built.append("%s %s" % (ReportRun.Kind(kind).label, period))
    return built
