"""Every role's pages at phone width (390×844) and on a laptop (1366×900), issue 16: no page
scrolls sideways (a wide table scrolls inside its own box), and no header, number, date or
status wraps one character a line. The data has enough rows and long names and text to make
the tables wider than a phone."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from core.roles import Role, roles_setup
from imports.models import ImportRecord
from reports.services import report_build, report_request
from tests.factories import (
    EmploymentFactory,
    EnterpriseFactory,
    FactoryAffairsDisclosureFactory,
    FundDeclarationFactory,
    FundNoticeFactory,
    HonourFactory,
    ImportRecordFactory,
    InnovationStudioFactory,
    InstituteCheckFactory,
    LabourInspectionFactory,
    NominationFactory,
    NominationRoundFactory,
    NoticeFactory,
    OwnerUnitFactory,
    PartyActivityFactory,
    PartyBranchFactory,
    ReformTaskFactory,
    SchoolEnterpriseCooperationFactory,
    SkillCertificateFactory,
    StudioYearResultFactory,
    TaskFeedbackFactory,
    TrainingRecordFactory,
    UnionCoverageFactory,
    UnionMembershipChangeFactory,
    UnionOrganisationFactory,
    UserFactory,
    VillageFactory,
    WorkerFactory,
    WorkersCongressSessionFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [(390, 844), (1366, 900)]
PASSWORD = "pw-for-tests"

# What a person sees, measured in the page:
# - overflow: how far the page scrolls sideways (0 when it fits);
# - loose: portal tables that are not the direct child of a .table-responsive wrapper;
# - wrapped: cells whose text runs over more than one line, except long text marked .cell-text,
#   a note spanning several columns, and a figure's name in a figures table (those may wrap).
#   A text node that occupies more than one line box is what "one character a line" looks like.
#   In an admin form only the column headers are checked (its cells hold widgets and help
#   text); in an admin changelist every cell is.
MEASURE = r"""([admin, cellsOf]) => {
  const overflow = document.scrollingElement.scrollWidth - window.innerWidth;
  const loose = admin ? [] : [...document.querySelectorAll('table.table')]
    .filter(t => !t.parentElement.classList.contains('table-responsive'))
    .map(t => t.id || t.className);
  const cells = document.querySelectorAll(cellsOf);
  const wrapped = [];
  for (const cell of cells) {
    if (cell.closest('.cell-text') || cell.hasAttribute('colspan')) continue;
    if (cell.matches('.figures-table td:first-child, .figures-table tbody th')) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim() || node.parentElement.closest('.cell-text')) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const boxes = [...range.getClientRects()].filter(r => r.width > 0);
      const lines = new Set(boxes.map(r => Math.round(r.top)));
      if (lines.size > 1) { wrapped.push(node.textContent.trim().slice(0, 30)); break; }
    }
  }
  return {overflow, loose, wrapped};
}"""

LONG_ENTERPRISE = "浙江省嵊州市剡湖街道精密机械制造股份有限公司"
LONG_TEXT = (
    "该同志扎根生产一线十五年，先后带徒十二名，主持完成数控车床工装夹具改进项目三项，"
    "提出合理化建议二十余条，为企业年节约成本八十余万元。"
)


def _user(username, role, *, is_staff):
    user = UserFactory(username=username, password=PASSWORD, is_staff=is_staff)
    user.groups.add(Group.objects.get(name=role))
    return user


def _seed():
    """Sixty workers of enterprises with long names, and a row or two on every page."""
    roles_setup()
    users = {
        "staff": _user("staff1", Role.STAFF, is_staff=True),
        "hr": _user("hr1", Role.HR, is_staff=False),
        "union": _user("union1", Role.UNION_OFFICER, is_staff=True),
        "official": _user("official1", Role.OFFICIAL, is_staff=False),
    }
    village = VillageFactory(name="剡湖街道城东社区居民委员会")
    enterprise = EnterpriseFactory(name=LONG_ENTERPRISE, village=village, is_above_scale=True)
    enterprise.hr_users.add(users["hr"])
    others = [
        EnterpriseFactory(name="嵊州市剡湖领带服饰有限公司%d" % n, village=village)
        for n in range(3)
    ]
    union = UnionOrganisationFactory(name="剡湖街道城东社区联合工会委员会", village=village)
    UnionCoverageFactory(union=union, enterprise=enterprise)
    jobs = [
        EmploymentFactory(
            enterprise=enterprise if n % 2 else others[n % 3],
            worker=WorkerFactory(name="欧阳志强%d" % n, is_union_member=n % 3 == 0),
            position="数控车床操作工兼质量检验员",
            hire_date=datetime.date(2019, 3, 1),
        )
        for n in range(60)
    ]
    worker = jobs[1].worker
    UnionMembershipChangeFactory(worker=worker, union=union, note=LONG_TEXT)
    SkillCertificateFactory(worker=worker, occupation="数控车工（加工中心操作调整工）")
    TrainingRecordFactory(worker=worker, hours=Decimal("1234.5"))

    # A roster upload refused with long error messages (行号 and 列 must not wrap).
    errors = [{"row": 1000 + n, "column": "身份证号", "message": LONG_TEXT} for n in range(5)]
    upload = ImportRecordFactory(
        enterprise=enterprise,
        uploaded_by=users["hr"],
        status=ImportRecord.Status.INVALID,
        errors=errors,
        counts={"rows": 1200, "errors": len(errors)},
        confirmed_at=None,
    )

    year = timezone.localdate().year - 1
    FundDeclarationFactory(
        enterprise=enterprise,
        year=year,
        payroll=Decimal("123456789.12"),
        extracted=Decimal("2345678.90"),
        spent=Decimal("2000000.00"),
        frontline_spent=Decimal("1000000.00"),
    )
    for other in others:
        FundDeclarationFactory(enterprise=other, year=year)
    FundNoticeFactory(enterprise=enterprise, year=year, sent_by=users["staff"])
    LabourInspectionFactory(enterprise=enterprise, subject=LONG_TEXT)

    branch = PartyBranchFactory(name="中共" + LONG_ENTERPRISE + "支部委员会", village=village)
    PartyActivityFactory(branch=branch, held_on=timezone.localdate())

    HonourFactory(worker=worker, year=year)
    nomination_round = NominationRoundFactory(criteria=LONG_TEXT)
    NominationFactory(
        round=nomination_round,
        worker=worker,
        enterprise=enterprise,
        deeds=LONG_TEXT,
        summary=LONG_TEXT,
        employed=False,
    )
    studio = InnovationStudioFactory(enterprise=enterprise, leader=worker)
    StudioYearResultFactory(studio=studio, notes=LONG_TEXT)

    InstituteCheckFactory(evidence=LONG_TEXT)
    SchoolEnterpriseCooperationFactory(enterprise=enterprise, content=LONG_TEXT)

    WorkersCongressSessionFactory(enterprise=enterprise, topics=LONG_TEXT, confirmed_at=None)
    FactoryAffairsDisclosureFactory(enterprise=enterprise, content=LONG_TEXT)

    NoticeFactory(title=LONG_TEXT[:40], body=LONG_TEXT, created_by=users["staff"])

    units = [OwnerUnitFactory(name="剡湖街道党政综合办公室（党建工作办公室）")]
    task = ReformTaskFactory(title=LONG_TEXT, owner_units=units)
    TaskFeedbackFactory(task=task, unit=units[0], text=LONG_TEXT)
    ReformTaskFactory(deadline=timezone.localdate() - datetime.timedelta(days=3))

    with mock.patch("reports.services.report_send"):
        run = report_request(kind="quarterly", period="%dQ1" % timezone.localdate().year)
    report_build(run_id=run.pk)
    return users, {
        "worker": worker.pk,
        "enterprise": enterprise.pk,
        "upload": upload.pk,
        "round": nomination_round.pk,
        "task": task.pk,
        "run": run.pk,
    }


def _pages(role, ids):
    e, w = ids["enterprise"], ids["worker"]
    staff = [
        reverse("home"),
        reverse("workers:list"),
        reverse("workers:detail", args=[w]),
        reverse("workers:roster_home"),
        reverse("workers:roster_enterprise", args=[e]),
        reverse("workers:roster_upload", args=[ids["upload"]]),
        reverse("workers:certificates_home"),
        reverse("workers:certificates_enterprise", args=[e]),
        reverse("training:home"),
        reverse("training:compliance"),
        reverse("training:enterprise", args=[e]),
        reverse("training:skills"),
        reverse("training:records_home"),
        reverse("training:records_enterprise", args=[e]),
        reverse("training:institutes"),
        reverse("unions:dashboard"),
        reverse("unions:enterprises"),
        reverse("unions:membership", args=[w]),
        reverse("party:organisation"),
        reverse("honors:rounds"),
        reverse("honors:round_detail", args=[ids["round"]]),
        reverse("honors:nominations"),
        reverse("honors:craftsmen"),
        reverse("honors:studios"),
        reverse("compliance:pending"),
        reverse("compliance:enterprise", args=[e]),
        reverse("worklist:list"),
        reverse("worklist:detail", args=[ids["task"]]),
        reverse("reports:figures"),
        reverse("reports:run", args=[ids["run"]]),
        reverse("notices:list"),
    ]
    return {
        "staff": staff,
        "hr": [
            reverse("home"),
            reverse("workers:list"),
            reverse("workers:detail", args=[w]),
            reverse("workers:roster_enterprise", args=[e]),
            reverse("workers:roster_upload", args=[ids["upload"]]),
            reverse("training:enterprise", args=[e]),
            reverse("training:records_enterprise", args=[e]),
            reverse("honors:nominations"),
            reverse("compliance:home"),
            reverse("compliance:enterprise", args=[e]),
            reverse("notices:list"),
        ],
        "union": [
            reverse("home"),
            reverse("unions:dashboard"),
            reverse("unions:enterprises"),
            reverse("unions:membership", args=[w]),
            reverse("workers:list"),
            reverse("workers:detail", args=[w]),
            reverse("party:organisation"),
            reverse("honors:craftsmen"),
        ],
        "official": [
            reverse("home"),
            reverse("reports:figures"),
            reverse("reports:run", args=[ids["run"]]),
            reverse("worklist:list"),
            reverse("worklist:detail", args=[ids["task"]]),
        ],
    }[role]


def _measure(tab, url, *, admin=False, cells="table th, table td"):
    response = tab.goto(url)
    assert response is not None and response.status == 200, url
    found = tab.evaluate(MEASURE, [admin, "thead th" if admin and cells is None else cells])
    width = tab.viewport_size["width"]
    problems = []
    if found["overflow"] > 1:
        problems.append("%d px: %s scrolls sideways by %d px" % (width, url, found["overflow"]))
    for table in found["loose"]:
        problems.append("%d px: %s has a table outside .table-responsive: %s" % (width, url, table))
    for text in found["wrapped"]:
        problems.append("%d px: %s wraps the cell %r" % (width, url, text))
    return problems


@pytest.mark.parametrize("role", ["staff", "hr", "union", "official"])
def test_each_roles_pages_fit_a_phone_and_a_laptop(browser, live_server, role):
    users, ids = _seed()
    problems = []
    for width, height in SIZES:
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
        )
        tab = context.new_page()
        tab.goto(live_server.url + reverse("login"))
        tab.get_by_label("用户名").fill(users[role].username)
        tab.get_by_label("密码").fill(PASSWORD)
        tab.get_by_role("button", name="登录").click()
        tab.wait_for_load_state()
        for path in _pages(role, ids):
            problems += _measure(tab, live_server.url + path)
            if path == reverse("workers:roster_upload", args=[ids["upload"]]):
                # The refused upload lists its errors: the table measured is really there.
                assert tab.locator("#upload-errors tbody tr").count() == 5
        if role == "staff" and width == 1366:
            # The worker's admin page with its tabular inline of employments.
            change = reverse("admin:workers_worker_change", args=[ids["worker"]])
            problems += _measure(tab, live_server.url + change, admin=True, cells=None)
        if role == "staff":
            # Admin changelists: at phone width the table scrolls inside its box rather than
            # squeezing every cell to one character a line.
            for name in ("admin:workers_worker_changelist", "admin:core_auditlog_changelist"):
                problems += _measure(
                    tab, live_server.url + reverse(name), admin=True, cells="#result_list td"
                )
        context.close()
    assert not problems, "\n".join(problems)
