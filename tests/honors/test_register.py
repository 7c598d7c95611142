"""The honour register: staff keep honours in the admin through honors.services (rules, audit
row, nothing deleted); who sees which honours; the honours panel of the worker page and its
sheet in the worker's download."""

import datetime
import io
import re

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import AuditLog
from core.roles import Role
from honors.models import Honour
from honors.selectors import honours_of_worker, honours_visible_to
from honors.services import honour_create, honour_update
from tests.admin_forms import admin_form_data
from tests.factories import (
    EmploymentFactory,
    EnterpriseFactory,
    HonourFactory,
    TeamHonourFactory,
    UserFactory,
    WorkerFactory,
)
from tests.test_query_counts import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

ADD = "admin:honors_honour_add"


def _errors(response) -> str:
    return str(response.context["errors"]) if response.context else ""


def _hr_of(enterprise, username):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=Role.HR))
    enterprise.hr_users.add(user)
    return user


@pytest.fixture
def world(roles):
    """张三 works at 甲企业 today and worked at 乙企业 until 2023; 李四 works at 乙企业. 张三 is a
    劳动模范 (2024) and a member of 甲企业's 工人先锋号 team (2025); 李四 is a 嵊州工匠."""
    current = EnterpriseFactory(name="甲企业")
    former = EnterpriseFactory(name="乙企业")
    zhang = WorkerFactory(name="张三")
    li = WorkerFactory(name="李四")
    EmploymentFactory(worker=zhang, enterprise=current, hire_date=datetime.date(2023, 3, 1))
    EmploymentFactory(
        worker=zhang,
        enterprise=former,
        hire_date=datetime.date(2015, 1, 1),
        departure_date=datetime.date(2023, 2, 28),
    )
    EmploymentFactory(worker=li, enterprise=former, hire_date=datetime.date(2020, 1, 1))
    own = HonourFactory(
        worker=zhang, year=2024, awarding_body="嵊州市人民政府", document_number="嵊政发〔2024〕8号"
    )
    team = TeamHonourFactory(
        enterprise=current,
        team_name="装配车间一班",
        level="shaoxing",
        year=2025,
        awarding_body="绍兴市总工会",
    )
    team.members.add(zhang)
    craftsman = HonourFactory(worker=li, name="craftsman", year=2025)
    return {
        "zhang": zhang,
        "li": li,
        "current": current,
        "former": former,
        "own": own,
        "team": team,
        "craftsman": craftsman,
        "hr_current": _hr_of(current, "hr-current"),
        "hr_former": _hr_of(former, "hr-former"),
    }


# --- services ----------------------------------------------------------------------------------


def test_create_writes_an_audit_row_and_refuses_what_the_rules_forbid(staff_user, world):
    honour = honour_create(
        user=staff_user,
        name="outstanding_craftsman",
        level="shengzhou",
        year=2025,
        worker=world["zhang"],
        document_number="嵊政发〔2025〕1号",
    )
    log = AuditLog.objects.get(action="honors.honour.created", object_id=str(honour.pk))
    assert log.actor == staff_user
    assert log.detail["changed"]["document_number"] == [None, "嵊政发〔2025〕1号"]
    # The same honour again, a person's honour with a team, one with members, and a team's
    # honour without its enterprise are each refused with a Chinese message.
    refused = [
        {"name": "outstanding_craftsman", "worker": world["zhang"]},
        {"name": "model_worker", "worker": world["zhang"], "team_name": "一班"},
        {"name": "excellent_worker", "worker": world["zhang"], "members": [world["li"]]},
        {"name": "excellent_team", "team_name": "一班"},
    ]
    for kwargs in refused:
        with pytest.raises(ValidationError) as error:
            honour_create(user=staff_user, level="shengzhou", year=2025, **kwargs)
        assert re.search(r"[\u4e00-\u9fff]", " ".join(error.value.messages))
    assert Honour.objects.filter(worker=world["zhang"], year=2025).count() == 1


def test_update_writes_what_changed_and_a_team_keeps_its_members(staff_user, world):
    team = world["team"]
    team.document_number = "绍工〔2025〕3号"
    honour_update(user=staff_user, honour=team, members=[world["zhang"], world["li"]])
    log = AuditLog.objects.get(action="honors.honour.changed")
    assert log.detail["changed"]["document_number"] == ["", "绍工〔2025〕3号"]
    assert log.detail["changed"]["members"] == [
        [world["zhang"].pk],
        sorted([world["zhang"].pk, world["li"].pk]),
    ]
    honour_update(user=staff_user, honour=team)  # nothing changed: nothing written
    assert AuditLog.objects.filter(action="honors.honour.changed").count() == 1


def test_only_a_user_with_the_permission_writes(union_user, hr_user, world):
    for user in (union_user, hr_user):
        with pytest.raises(PermissionDenied):
            honour_create(
                user=user, name="model_worker", level="national", year=2025, worker=world["li"]
            )
    assert not Honour.objects.filter(level="national").exists()


# --- the admin ---------------------------------------------------------------------------------


def test_staff_add_a_person_and_a_team_in_the_admin_through_the_service(client, staff_user, world):
    client.force_login(staff_user)
    add = reverse(ADD)
    page = client.get(add)
    assert world["zhang"].id_number not in page.content.decode()
    data = admin_form_data(
        page,
        name="excellent_worker",
        level="subdistrict",
        year="2025",
        worker=world["li"].pk,
        members=[],  # an empty multiple choice: a browser sends nothing
        awarding_body="剡湖街道办事处",
    )
    assert client.post(add, data).status_code == 302
    honour = Honour.objects.get(name="excellent_worker")
    assert (honour.worker, honour.source, honour.awarding_body) == (
        world["li"],
        "admin",
        "剡湖街道办事处",
    )
    assert AuditLog.objects.filter(
        action="honors.honour.created", actor=staff_user, object_id=str(honour.pk)
    ).exists()

    data = admin_form_data(
        client.get(add),
        name="excellent_team",
        level="shengzhou",
        year="2025",
        enterprise=world["former"].pk,
        team_name="质检班",
        members=[world["li"].pk],
    )
    assert client.post(add, data).status_code == 302
    team = Honour.objects.get(name="excellent_team")
    assert list(team.members.all()) == [world["li"]]
    assert AuditLog.objects.filter(action="honors.honour.created", object_id=str(team.pk)).exists()


def test_the_admin_shows_the_services_refusal_and_saves_nothing(client, staff_user, world):
    client.force_login(staff_user)
    add = reverse(ADD)
    data = admin_form_data(
        client.get(add),
        name="model_worker",
        level="shengzhou",
        year="2025",
        worker=world["li"].pk,
        members=[world["zhang"].pk],
    )
    response = client.post(add, data)
    assert response.status_code == 200
    assert "授予个人的荣誉，不填集体成员" in _errors(response)
    assert not Honour.objects.filter(name="model_worker", worker=world["li"]).exists()
    assert not AuditLog.objects.filter(action="honors.honour.created").exists()


def test_staff_change_an_honour_in_the_admin_and_delete_none(client, staff_user, world):
    client.force_login(staff_user)
    change = reverse("admin:honors_honour_change", args=[world["own"].pk])
    data = admin_form_data(client.get(change), document_number="嵊政发〔2024〕9号")
    assert client.post(change, data).status_code == 302
    world["own"].refresh_from_db()
    assert world["own"].document_number == "嵊政发〔2024〕9号"
    assert AuditLog.objects.filter(action="honors.honour.changed", actor=staff_user).exists()
    delete = reverse("admin:honors_honour_delete", args=[world["own"].pk])
    assert client.get(delete).status_code == 403
    assert Honour.objects.filter(pk=world["own"].pk).exists()


def test_the_changelist_links_the_template_and_searches_by_name_not_id(client, staff_user, world):
    client.force_login(staff_user)
    url = reverse("admin:honors_honour_changelist")
    page = client.get(url).content.decode()
    assert reverse("honors:honours_template") in page
    assert "装配车间一班（甲企业）" in page
    assert client.get(url, {"q": "张三"}).context["cl"].result_count == 1
    assert client.get(url, {"q": "装配车间"}).context["cl"].result_count == 1
    assert client.get(url, {"q": world["zhang"].id_number}).context["cl"].result_count == 0
    assert client.get(url, {"year": "2025"}).context["cl"].result_count == 2


def test_union_officers_read_the_register_and_change_nothing(client, union_user, world):
    client.force_login(union_user)
    page = client.get(reverse("admin:honors_honour_changelist"))
    assert page.status_code == 200 and page.context["cl"].result_count == 3
    assert world["zhang"].id_number not in page.content.decode()
    assert client.get(reverse(ADD)).status_code == 403


def test_the_changelists_queries_do_not_grow_with_people_and_teams(client, staff_user):
    def add(n):
        for _ in range(n):
            HonourFactory()
            TeamHonourFactory().members.add(WorkerFactory())

    assert_queries_do_not_grow(
        client,
        staff_user,
        reverse("admin:honors_honour_changelist"),
        add,
        lambda response: response.context["cl"].result_count // 2,
    )


# --- who sees which honours --------------------------------------------------------------------


def test_honours_visible_to_each_role(staff_user, union_user, official_user, world):
    everything = {world["own"], world["team"], world["craftsman"]}
    assert set(honours_visible_to(staff_user)) == everything
    assert set(honours_visible_to(union_user)) == everything
    assert not honours_visible_to(official_user).exists()
    # HR: their current workers' honours and their enterprise's teams; a former worker's
    # honour is not theirs.
    assert set(honours_visible_to(world["hr_current"])) == {world["own"], world["team"]}
    assert set(honours_visible_to(world["hr_former"])) == {world["craftsman"]}


def test_honours_of_a_worker_are_their_own_and_their_teams_newest_first(world):
    assert honours_of_worker(world["zhang"]) == [world["team"], world["own"]]
    assert honours_of_worker(world["li"]) == [world["craftsman"]]
    assert honours_of_worker(WorkerFactory()) == []


# --- the worker page ---------------------------------------------------------------------------


def _panel(page: str) -> str:
    found = re.search(r'<section id="honours".*?</section>', page, re.S)
    return found.group(0) if found else ""


def _page(client, user, worker):
    client.force_login(user)
    return client.get(reverse("workers:detail", args=[worker.pk]))


@pytest.mark.parametrize("who", ["staff", "union", "hr_current"])
def test_the_panel_for_staff_union_officers_and_the_current_employer(
    client, staff_user, union_user, world, who
):
    user = {"staff": staff_user, "union": union_user}.get(who) or world[who]
    panel = _panel(_page(client, user, world["zhang"]).content.decode())
    assert panel, "no honours panel"
    rows = re.findall(r"<tr data-honour.*?</tr>", panel, re.S)
    assert len(rows) == 2
    assert "2025" in rows[0] and "工人先锋号" in rows[0] and "绍兴市级" in rows[0]
    assert "集体（装配车间一班）" in rows[0] and "绍兴市总工会" in rows[0]
    assert "2024" in rows[1] and "劳动模范" in rows[1] and "个人" in rows[1]
    assert "嵊政发〔2024〕8号" in rows[1]
    assert world["zhang"].id_number not in panel
    assert "嵊州工匠" not in panel, "another worker's honour"


def test_no_panel_for_a_former_employer_or_officials(client, official_user, world):
    response = _page(client, world["hr_former"], world["zhang"])
    assert response.status_code == 200
    page = response.content.decode()
    assert not _panel(page)
    assert "装配车间一班" not in page and "嵊政发〔2024〕8号" not in page
    # Officials see no worker at all.
    assert _page(client, official_user, world["zhang"]).status_code == 403


def test_a_team_honour_shows_on_each_members_page_and_an_empty_panel_says_so(
    client, staff_user, world
):
    member = WorkerFactory(name="王五")
    world["team"].members.add(member)
    panel = _panel(_page(client, staff_user, member).content.decode())
    assert "集体（装配车间一班）" in panel and "劳动模范" not in panel
    panel = _panel(_page(client, staff_user, WorkerFactory()).content.decode())
    assert "暂无荣誉记录" in panel


def test_the_worker_download_carries_the_honours_sheet(client, staff_user, world):
    client.force_login(staff_user)
    url = reverse("training:learning_record_export", args=[world["zhang"].pk])
    book = openpyxl.load_workbook(io.BytesIO(client.get(url).content))
    rows = list(book["荣誉"].iter_rows(values_only=True))
    assert rows[0][0].startswith("张三的荣誉")
    assert rows[1] == ("年度", "荣誉名称", "级别", "个人/集体", "授予单位", "文号")
    assert rows[2:] == [
        (2025, "工人先锋号", "绍兴市级", "集体（装配车间一班）", "绍兴市总工会", None),
        (2024, "劳动模范", "嵊州市级", "个人", "嵊州市人民政府", "嵊政发〔2024〕8号"),
    ]
    assert world["zhang"].id_number not in repr(rows)


def test_the_panels_queries_do_not_grow_with_honours(client, staff_user, world):
    worker = world["zhang"]
    years = iter(range(1960, 2020))

    def add(n):
        for _ in range(n):
            year = next(years)
            HonourFactory(worker=worker, name="excellent_worker", year=year)
            TeamHonourFactory(year=year).members.add(worker)

    assert_queries_do_not_grow(
        client,
        staff_user,
        reverse("workers:detail", args=[worker.pk]),
        add,
        lambda response: _panel(response.content.decode()).count("<tr data-honour") // 2,
    )
