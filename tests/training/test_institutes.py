"""The "六个有" checklist (seed measure 6): which institutes fall short and on which criterion,
in the rule, the selectors, the admin and staff's page; the 校企合作 agreements beside it."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog
from tests.admin_forms import admin_form_data
from tests.factories import (
    EnterpriseFactory,
    InstituteCheckFactory,
    InstituteCriterionFactory,
    SchoolEnterpriseCooperationFactory,
    TrainingInstituteFactory,
)
from training.models import InstituteCheck, InstituteCriterion, TrainingInstitute
from training.rules import Shortfall, institute_shortfalls
from training.selectors import institute_checklist, institute_standings, institutes_falling_short

pytestmark = pytest.mark.django_db

SIX = ["有组织机构", "有固定场所", "有师资队伍", "有培训计划", "有经费保障", "有管理制度"]


def test_rule_not_met_and_not_checked_fall_short_in_the_criteria_order():
    criteria = [(1, "有组织机构"), (2, "有固定场所"), (3, "有师资队伍")]
    assert institute_shortfalls(criteria, {1: True, 2: True, 3: True}) == []
    assert institute_shortfalls(criteria, {3: False, 1: True}) == [
        Shortfall(2, "有固定场所", "not_checked"),
        Shortfall(3, "有师资队伍", "not_met"),
    ]
    # A check of a criterion no longer in the list (retired) counts for nothing either way.
    assert institute_shortfalls(criteria[:1], {1: True, 9: False}) == []


@pytest.fixture
def six():
    """The six criteria the migration seeds, by name."""
    criteria = {c.name: c for c in InstituteCriterion.objects.filter(is_active=True)}
    assert sorted(criteria) == sorted(SIX)
    return criteria


@pytest.fixture
def checked(six):
    """甲学院 meets all six; 乙学院 fails 有经费保障, was never checked on 有管理制度, and fails a
    retired criterion, which no longer counts; 丙学院 was never checked at all."""
    full = TrainingInstituteFactory(name="甲学院")
    short = TrainingInstituteFactory(name="乙学院", enterprise=EnterpriseFactory(name="乙企业"))
    never = TrainingInstituteFactory(name="丙学院")
    for name, criterion in six.items():
        InstituteCheckFactory(institute=full, criterion=criterion, is_met=True)
        if name == "有经费保障":
            InstituteCheckFactory(
                institute=short, criterion=criterion, is_met=False, evidence="经费未列入预算"
            )
        elif name != "有管理制度":
            InstituteCheckFactory(institute=short, criterion=criterion, is_met=True)
    retired = InstituteCriterionFactory(name="有实训基地", is_active=False)
    InstituteCheckFactory(institute=short, criterion=retired, is_met=False)
    InstituteCheckFactory(institute=full, criterion=retired, is_met=False)
    return {"full": full, "short": short, "never": never, "retired": retired}


def _short_on(standing) -> list[tuple[str, str]]:
    return [(s.criterion, s.reason) for s in standing.shortfalls]


def test_standings_name_each_criterion_short_and_ignore_a_retired_one(checked):
    standings = {s.institute.name: s for s in institute_standings()}
    assert standings["甲学院"].meets_standard
    assert _short_on(standings["乙学院"]) == [
        ("有经费保障", "not_met"),
        ("有管理制度", "not_checked"),
    ]
    assert _short_on(standings["丙学院"]) == [(name, "not_checked") for name in SIX]
    assert [s.institute.name for s in institutes_falling_short()] == ["丙学院", "乙学院"]


def test_a_new_criterion_makes_every_institute_short_until_checked(checked):
    new = InstituteCriterionFactory(name="有线上平台", order=99)
    assert {s.institute.name for s in institutes_falling_short()} == {"甲学院", "乙学院", "丙学院"}
    standing = next(s for s in institute_standings() if s.institute.name == "甲学院")
    assert _short_on(standing) == [("有线上平台", "not_checked")]

    InstituteCheckFactory(institute=checked["full"], criterion=new, is_met=True)
    assert [s.institute.name for s in institutes_falling_short()] == ["丙学院", "乙学院"]
    # Retiring it again: as before it existed.
    InstituteCriterion.objects.filter(pk=new.pk).update(is_active=False)
    assert "甲学院" not in {s.institute.name for s in institutes_falling_short()}


def test_checklist_cells_and_order_short_first(checked, staff_user):
    criteria, rows = institute_checklist(staff_user)
    assert [c.name for c in criteria] == SIX  # the retired one has no column
    # Short first, by name within each group (丙 before 乙 before 甲 in code point order).
    assert [row.institute.name for row in rows] == ["丙学院", "乙学院", "甲学院"]
    short = rows[1]
    cells = {cell.criterion.name: cell for cell in short.checks}
    assert (cells["有经费保障"].status, cells["有经费保障"].evidence) == (
        "not_met",
        "经费未列入预算",
    )
    assert cells["有经费保障"].checked_on == datetime.date(2026, 3, 1)
    assert cells["有管理制度"].status == "not_checked" and cells["有管理制度"].checked_on is None
    assert cells["有组织机构"].status == "met"


def test_checklist_is_staff_only(hr_user, union_user):
    from django.core.exceptions import PermissionDenied

    for user in (hr_user, union_user):
        with pytest.raises(PermissionDenied):
            institute_checklist(user)


# --- staff's page ----------------------------------------------------------------------------


def test_institutes_page_shows_standing_per_criterion_and_current_agreements(
    client, staff_user, checked
):
    today = timezone.localdate()
    current = SchoolEnterpriseCooperationFactory(
        school="嵊州市职业教育中心", starts_on=today - datetime.timedelta(days=30), ends_on=None
    )
    ended = SchoolEnterpriseCooperationFactory(
        school="绍兴职业技术学院",
        starts_on=datetime.date(2020, 9, 1),
        ends_on=datetime.date(2023, 8, 31),
    )
    client.force_login(staff_user)
    page = client.get(reverse("training:institutes")).content.decode()

    institutes = re.findall(r'data-institute="(\d+)" data-standard="(\w+)"', page)
    assert institutes == [
        (str(checked["never"].pk), "short"),
        (str(checked["short"].pk), "short"),
        (str(checked["full"].pk), "met"),
    ]
    row = page.split('data-institute="%d"' % checked["short"].pk)[1].split("</tr>")[0]
    assert re.findall(r'data-status="(\w+)"', row) == ["met"] * 4 + ["not_met", "not_checked"]
    assert "2026-03-01：经费未列入预算" in row
    assert reverse("admin:training_traininginstitute_change", args=[checked["short"].pk]) in row
    assert "有实训基地" not in page  # retired: not a column

    cooperations = re.findall(r'data-cooperation="(\d+)" data-current="(\d)"', page)
    assert cooperations == [(str(current.pk), "1"), (str(ended.pk), "0")]
    assert "2020-09-01 — 2023-08-31" in page


@pytest.mark.parametrize("role", ["hr_user", "union_user", "official_user"])
def test_institutes_page_is_refused_to_other_roles(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("training:institutes")).status_code == 403


# --- the admin -------------------------------------------------------------------------------


def _changelist_rows(client, query: str = "") -> dict[str, tuple[str, str]]:
    """Institute name → (是否达到, 未达到的标准) as the changelist shows them."""
    url = reverse("admin:training_traininginstitute_changelist") + query
    page = client.get(url).content.decode()
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        cells = {
            name: text
            for name, text in re.findall(r'class="field-(\w+)[^"]*">(.*?)</t[dh]>', row, re.S)
        }
        if "shortfalls" in cells:
            name = re.sub(r"<[^>]+>", "", cells["name"]).strip()
            met = re.search(r'alt="(\w+)"', cells["meets_standard"]).group(1)
            rows[name] = (met, re.sub(r"<[^>]+>", "", cells["shortfalls"]).strip())
    return rows


def test_admin_list_columns_and_filter(client, staff_user, checked):
    client.force_login(staff_user)
    assert _changelist_rows(client) == {
        "甲学院": ("True", "—"),
        "乙学院": ("False", "有经费保障、有管理制度（未核查）"),
        "丙学院": ("False", "、".join("%s（未核查）" % name for name in SIX)),
    }
    assert set(_changelist_rows(client, "?standard=0")) == {"乙学院", "丙学院"}
    assert set(_changelist_rows(client, "?standard=1")) == {"甲学院"}


def test_admin_adds_an_institute_with_checks_through_the_inline(client, staff_user, six):
    client.force_login(staff_user)
    url = reverse("admin:training_traininginstitute_add")
    form = client.get(url)
    # A blank row for each of the six, in their order, the criterion filled in.
    formset = next(
        f.formset for f in form.context["inline_admin_formsets"] if f.formset.prefix == "checks"
    )
    assert [f["criterion"].value() for f in formset.forms] == [six[name].pk for name in SIX]
    data = admin_form_data(
        form,
        name="剡湖街道职工学校",
        kind=TrainingInstitute.Kind.WORKER_COLLEGE,
        **{
            "checks-0-is_met": "on",
            "checks-0-evidence": "已成立培训工作领导小组",
            "checks-0-checked_on": "2026-03-01",
            "checks-1-checked_on": "2026-03-02",  # checked, not met
            "checks-1-evidence": "场地租赁合同已过期",
            # A forged checker is not a field of the form: ignored.
            "checks-0-checked_by": "999",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    institute = TrainingInstitute.objects.get(name="剡湖街道职工学校")
    checks = {c.criterion.name: c for c in InstituteCheck.objects.filter(institute=institute)}
    assert set(checks) == {"有组织机构", "有固定场所"}  # the untouched rows are not checks
    assert checks["有组织机构"].is_met and not checks["有固定场所"].is_met
    assert {c.checked_by for c in checks.values()} == {staff_user}
    assert checks["有固定场所"].checked_on == datetime.date(2026, 3, 2)
    actions = list(
        AuditLog.objects.filter(actor=staff_user).order_by("pk").values_list("action", flat=True)
    )
    assert actions == [
        "training.institute.saved",
        "training.institute_check.saved",
        "training.institute_check.saved",
    ]
    standing = next(s for s in institute_standings() if s.institute == institute)
    assert _short_on(standing) == [("有固定场所", "not_met")] + [
        (name, "not_checked") for name in SIX[2:]
    ]


def test_a_changed_check_names_who_changed_it(client, staff_user, six):
    from tests.factories import UserFactory

    first = UserFactory(username="first-checker")
    check = InstituteCheckFactory(criterion=six["有师资队伍"], is_met=False, checked_by=first)
    client.force_login(staff_user)
    url = reverse("admin:training_traininginstitute_change", args=[check.institute.pk])
    form = client.get(url)
    rows = next(
        f.formset for f in form.context["inline_admin_formsets"] if f.formset.prefix == "checks"
    )
    index = next(i for i, f in enumerate(rows.forms) if f.instance.pk == check.pk)
    data = admin_form_data(form, **{"checks-%d-is_met" % index: "on"})
    assert client.post(url, data).status_code == 302
    check.refresh_from_db()
    assert check.is_met and check.checked_by == staff_user


def test_a_criterion_with_checks_is_retired_not_deleted(client, staff_user, checked, six):
    client.force_login(staff_user)
    criterion = six["有管理制度"]
    url = reverse("admin:training_institutecriterion_delete", args=[criterion.pk])
    response = client.post(url, {"post": "yes"}, follow=True)
    assert InstituteCriterion.objects.filter(pk=criterion.pk).exists()
    assert "无法删除" in response.content.decode()  # the checks protect it

    # Retired from the list page (启用 unticked): it stops counting, its checks stay.
    changelist = reverse("admin:training_institutecriterion_changelist")
    page = client.get(changelist)
    data = {
        "form-TOTAL_FORMS": str(len(page.context["cl"].formset.forms)),
        "form-INITIAL_FORMS": str(len(page.context["cl"].formset.forms)),
        "_save": "保存",
    }
    for i, form in enumerate(page.context["cl"].formset.forms):
        data["form-%d-id" % i] = str(form.instance.pk)
        data["form-%d-order" % i] = str(form.instance.order)
        if form.instance.is_active and form.instance.pk != criterion.pk:
            data["form-%d-is_active" % i] = "on"
    assert client.post(changelist, data).status_code == 302
    criterion.refresh_from_db()
    assert not criterion.is_active
    assert AuditLog.objects.filter(
        action="training.criterion.saved", object_id=str(criterion.pk)
    ).exists()
    standings = {s.institute.name: s for s in institute_standings()}
    assert _short_on(standings["乙学院"]) == [("有经费保障", "not_met")]


def test_institutes_page_queries_do_not_grow(client, staff_user, six):
    from tests.test_query_counts import assert_queries_do_not_grow

    def add(n):
        for institute in TrainingInstituteFactory.create_batch(n, enterprise=EnterpriseFactory()):
            InstituteCheckFactory(institute=institute, criterion=six["有组织机构"])
            InstituteCheckFactory(institute=institute, criterion=six["有经费保障"], is_met=False)
            SchoolEnterpriseCooperationFactory(institute=institute)

    assert_queries_do_not_grow(
        client,
        staff_user,
        reverse("training:institutes"),
        add,
        lambda response: response.content.decode().count("data-institute="),
    )


def test_the_check_inline_offers_active_criteria_only(client, staff_user, checked):
    client.force_login(staff_user)
    params = {"term": "有", "app_label": "training", "field_name": "criterion"}
    offered = client.get(
        reverse("admin:autocomplete"), {**params, "model_name": "institutecheck"}
    ).json()["results"]
    assert [r["text"] for r in offered] == SIX  # not the retired 有实训基地
