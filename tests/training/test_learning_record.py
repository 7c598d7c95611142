"""A worker's learning record (学习档案) on the worker page and as .xlsx: courses and hours by
year, certificates, competition results; for staff and the HR of a current employer only."""

import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from core.models import PersonalDataAccess
from core.roles import Role
from tests.factories import (
    CompetitionFactory,
    CompetitionResultFactory,
    CourseFactory,
    EmploymentFactory,
    EnterpriseFactory,
    SkillCertificateFactory,
    TrainingInstituteFactory,
    TrainingRecordFactory,
    UserFactory,
    WorkerFactory,
)
from tests.test_query_counts import assert_queries_do_not_grow
from training.selectors import learning_record_of
from workers.panels import ShownPanel, panels_for, register_panel

pytestmark = pytest.mark.django_db

# Text of the record that must never reach a page or file its viewer may not see.
RECORD_TEXT = [
    "焊接工艺提升班",
    "安全生产复训",
    "数控编程研修",
    "ZJ2025000123",
    "嵊州市职工技能大赛",
]


def _hr_of(enterprise, username):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=Role.HR))
    enterprise.hr_users.add(user)
    return user


@pytest.fixture
def record(roles):
    """张三 works at 甲企业 today and worked at 乙企业 until 2023. In 2025: 7.5 hours completed
    and 0.5 hours not completed; in 2024: 16.0 hours. One certificate, a prize and an entry."""
    current = EnterpriseFactory(name="甲企业")
    former = EnterpriseFactory(name="乙企业")
    worker = WorkerFactory(name="张三")
    EmploymentFactory(worker=worker, enterprise=current, hire_date=datetime.date(2023, 3, 1))
    EmploymentFactory(
        worker=worker,
        enterprise=former,
        hire_date=datetime.date(2015, 1, 1),
        departure_date=datetime.date(2023, 2, 28),
    )
    institute = TrainingInstituteFactory(name="剡湖街道职工学校")
    welding = CourseFactory(
        name="焊接工艺提升班",
        starts_on=datetime.date(2025, 4, 1),
        ends_on=datetime.date(2025, 4, 3),
        institute=institute,
    )
    safety = CourseFactory(
        name="安全生产复训",
        starts_on=datetime.date(2025, 9, 10),
        ends_on=datetime.date(2025, 9, 10),
        mode="online",
    )
    cnc = CourseFactory(
        name="数控编程研修", starts_on=datetime.date(2024, 6, 3), ends_on=None, mode="mixed"
    )
    TrainingRecordFactory(course=welding, worker=worker, hours=Decimal("7.5"))
    TrainingRecordFactory(
        course=safety,
        worker=worker,
        hours=Decimal("0.5"),
        is_completed=False,
        institute_name="嵊州市安全培训中心",
    )
    TrainingRecordFactory(course=cnc, worker=worker, hours=Decimal("16.0"))
    SkillCertificateFactory(
        worker=worker,
        occupation="焊工",
        level="senior",
        number="ZJ2025000123",
        issued_on=datetime.date(2025, 5, 20),
    )
    CompetitionResultFactory(
        worker=worker,
        competition=CompetitionFactory(
            name="嵊州市职工技能大赛", held_on=datetime.date(2025, 10, 1)
        ),
        prize="二等奖",
    )
    CompetitionResultFactory(
        worker=worker,
        competition=CompetitionFactory(
            name="绍兴市焊工比武", level="shaoxing", held_on=datetime.date(2024, 11, 5)
        ),
        prize="",
    )
    # Someone else's record, never part of 张三's.
    TrainingRecordFactory(course=welding, hours=Decimal("3.0"))
    return {
        "worker": worker,
        "current": current,
        "former": former,
        "hr_current": _hr_of(current, "hr-current"),
        "hr_former": _hr_of(former, "hr-former"),
        "hr_other": _hr_of(EnterpriseFactory(name="丙企业"), "hr-other"),
    }


def test_hours_per_year_are_summed_exactly(record, staff_user):
    learning = learning_record_of(user=staff_user, worker=record["worker"])
    assert [(y.year, y.hours, y.completed_hours) for y in learning.years] == [
        (2025, Decimal("8.0"), Decimal("7.5")),
        (2024, Decimal("16.0"), Decimal("16.0")),
    ]
    assert str(learning.years[0].hours) == "8.0"  # 7.5 + 0.5, not 7.999…
    assert learning.hours == Decimal("24.0")
    courses = learning.years[0].courses
    assert [(c.course, c.institute, c.mode, c.is_completed) for c in courses] == [
        ("安全生产复训", "嵊州市安全培训中心", "线上", False),  # the record's own institute
        ("焊接工艺提升班", "剡湖街道职工学校", "线下", True),  # the course's
    ]
    assert [r.prize for r in learning.results] == ["二等奖", ""]


def _panel(page: str) -> str:
    found = re.search(r'<section id="learning-record".*?</section>', page, re.S)
    return found.group(0) if found else ""


@pytest.mark.parametrize("who", ["staff", "hr_current"])
def test_staff_and_the_current_employer_see_the_record(client, record, staff_user, who):
    user = staff_user if who == "staff" else record[who]
    client.force_login(user)
    page = client.get(reverse("workers:detail", args=[record["worker"].pk])).content.decode()
    panel = _panel(page)
    assert panel, "no 学习档案 on the page"
    years = re.findall(r'data-year="(\d+)"', panel)
    assert years == ["2025", "2024"]
    year_2025 = panel.split('data-year="2025"')[1].split("</table>")[0]
    assert re.findall(r'data-field="year-hours">([^<]+)<', year_2025) == ["8.0"]
    assert "其中结业 7.5" in year_2025
    assert year_2025.count("<tr data-course>") == 2
    for text in [*RECORD_TEXT, "高级工", "2025-05-20", "二等奖", "参赛", "线上线下"]:
        assert text in panel, text
    assert reverse("training:learning_record_export", args=[record["worker"].pk]) in panel


@pytest.mark.parametrize("who", ["hr_former", "union", "official"])
def test_no_record_for_a_former_employer_union_officers_or_officials(
    client, record, union_user, official_user, who
):
    user = {"union": union_user, "official": official_user}.get(who) or record[who]
    client.force_login(user)
    response = client.get(reverse("workers:detail", args=[record["worker"].pk]))
    # Union officers and the former employer open the worker page; officials see no worker.
    assert response.status_code == (403 if who == "official" else 200)
    page = response.content.decode()
    assert "学习档案" not in page
    for text in RECORD_TEXT:
        assert text not in page, text


def test_hr_of_another_enterprise_finds_no_worker(client, record):
    client.force_login(record["hr_other"])
    assert client.get(reverse("workers:detail", args=[record["worker"].pk])).status_code == 404


def _sheets(content: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {
        sheet.title: [row for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets
    }


@pytest.mark.parametrize("who", ["staff", "hr_current"])
def test_export_for_the_same_users_logged(client, record, staff_user, who):
    user = staff_user if who == "staff" else record[who]
    worker = record["worker"]
    client.force_login(user)
    response = client.get(reverse("training:learning_record_export", args=[worker.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "%E5%BC%A0%E4%B8%89" in disposition  # 张三, URL-encoded
    assert worker.id_number not in disposition
    sheets = _sheets(response.content)
    # The honours panel (issue 14) adds its sheet after the learning record's own.
    assert list(sheets) == ["培训记录", "学时汇总", "职业技能等级证书", "技能竞赛成绩", "荣誉"]
    courses = sheets["培训记录"]
    assert courses[0][0].startswith("张三的学习档案")
    assert courses[1] == (
        "年度",
        "培训项目",
        "培训机构",
        "开始日期",
        "结束日期",
        "培训方式",
        "学时",
        "是否结业",
    )
    assert [row[1] for row in courses[2:]] == ["安全生产复训", "焊接工艺提升班", "数控编程研修"]
    assert sheets["学时汇总"][2:] == [(2025, 2, 8, 7.5), (2024, 1, 16, 16)]
    assert sheets["职业技能等级证书"][2] == (
        "焊工",
        "高级工(三级)",
        "ZJ2025000123",
        datetime.datetime(2025, 5, 20),
        "嵊州市人力资源和社会保障局",
    )
    assert [row[3] for row in sheets["技能竞赛成绩"][2:]] == ["二等奖", "参赛"]
    text = repr(sheets)
    assert worker.id_number not in text and worker.masked_id_number not in text
    log = PersonalDataAccess.objects.get(actor=user)
    assert (log.action, log.object_type, log.object_id) == (
        PersonalDataAccess.Action.EXPORT,
        "workers.Worker",
        str(worker.pk),
    )


@pytest.mark.parametrize("who", ["hr_former", "hr_other", "union", "official"])
def test_export_is_not_found_for_everyone_else(client, record, union_user, official_user, who):
    user = {"union": union_user, "official": official_user}.get(who) or record[who]
    client.force_login(user)
    url = reverse("training:learning_record_export", args=[record["worker"].pk])
    assert client.get(url).status_code == 404
    assert not PersonalDataAccess.objects.filter(actor=user).exists()


def test_export_of_an_empty_record_and_of_no_worker(client, staff_user):
    client.force_login(staff_user)
    worker = WorkerFactory(name="李四")
    response = client.get(reverse("training:learning_record_export", args=[worker.pk]))
    assert response.status_code == 200
    assert [len(rows) for rows in _sheets(response.content).values()] == [2, 2, 2, 2, 2]
    missing = reverse("training:learning_record_export", args=[worker.pk + 1000])
    assert client.get(missing).status_code == 404


def test_a_later_panel_joins_the_page_and_the_download(client, record, staff_user):
    """The hook honours (issue 14) use: a panel registered after the 学习档案, with a sheet."""
    from imports.xlsx import Table
    from workers import panels

    def context(user, worker):
        return {"honours": ["嵊州工匠"]} if user.is_superuser or user == staff_user else None

    saved = dict(panels._PANELS)
    try:
        register_panel(
            "honours",
            template="training/learning_record_panel.html",  # any template will do here
            context=context,
            order=30,
            sheets=lambda ctx: [Table(title="荣誉", headers=["荣誉名称"], rows=[ctx["honours"]])],
        )
        shown = panels_for(staff_user, record["worker"])
        assert [p.key for p in shown] == ["learning_record", "honours"]
        assert isinstance(shown[1], ShownPanel)
        assert panels_for(record["hr_current"], record["worker"])[-1].key == "learning_record"
        client.force_login(staff_user)
        url = reverse("training:learning_record_export", args=[record["worker"].pk])
        sheets = _sheets(client.get(url).content)
        assert sheets["荣誉"] == [("荣誉名称",), ("嵊州工匠",)]
    finally:
        panels._PANELS.clear()
        panels._PANELS.update(saved)


def _grow(worker):
    """n more courses attended, certificates and competition results for `worker`."""
    counter = iter(range(10_000))

    def add(n):
        institute = TrainingInstituteFactory()
        for _ in range(n):
            i = next(counter)
            course = CourseFactory(
                starts_on=datetime.date(2000 + i % 25, 1, 1), ends_on=None, institute=institute
            )
            TrainingRecordFactory(course=course, worker=worker, hours=Decimal("1.5"))
            SkillCertificateFactory(worker=worker, enterprise=EnterpriseFactory())
            CompetitionResultFactory(worker=worker)

    return add


@pytest.mark.parametrize("who", ["staff", "hr_current"])
def test_page_and_export_queries_do_not_grow_with_the_record(client, record, staff_user, who):
    user = staff_user if who == "staff" else record[who]
    worker = record["worker"]
    assert_queries_do_not_grow(
        client,
        user,
        reverse("workers:detail", args=[worker.pk]),
        _grow(worker),
        lambda response: response.content.decode().count("<tr data-course>"),
    )
    assert_queries_do_not_grow(
        client,
        user,
        reverse("training:learning_record_export", args=[worker.pk]),
        _grow(worker),
        lambda response: len(_sheets(response.content)["培训记录"]),
    )
