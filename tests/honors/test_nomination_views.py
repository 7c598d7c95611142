"""The nomination pages per role (issue 14): HR nominate for their own enterprise only, staff
review on the round's page, the 公示 list (page and .xlsx) never shows an ID number."""

import datetime
import io
from urllib.parse import quote

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from honors.models import Nomination, NominationRound, NominationStep
from tests.factories import (
    EmploymentFactory,
    EnterpriseFactory,
    NominationFactory,
    NominationRoundFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% deeds\n"


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


@pytest.fixture
def enterprise(hr_user):
    enterprise = EnterpriseFactory(name="剡湖机械有限公司")
    enterprise.hr_users.add(hr_user)
    return enterprise


@pytest.fixture
def employee(enterprise):
    return EmploymentFactory(enterprise=enterprise, position="数控车工").worker


@pytest.fixture
def round_():
    return NominationRoundFactory(title="2026年度剡湖街道基层劳模推评", quota=3)


@pytest.fixture
def theirs(round_):
    """Another enterprise's nomination, with an attachment."""
    nomination = NominationFactory(round=round_, enterprise=EnterpriseFactory(name="别家公司"))
    nomination.attachment.save("x.pdf", SimpleUploadedFile("x.pdf", PDF))
    nomination.attachment_name = "别家事迹.pdf"
    nomination.save()
    return nomination


def on_publicity(round_, *nominations):
    NominationRound.objects.filter(pk=round_.pk).update(
        opens_on=day(-20),
        closes_on=day(-2),
        status="publicity",
        publicity_starts_on=day(0),
        publicity_ends_on=day(6),
    )
    Nomination.objects.filter(pk__in=[n.pk for n in nominations]).update(status="accepted")
    round_.refresh_from_db()


# --- HR -------------------------------------------------------------------------------------


def test_hr_see_open_rounds_and_only_their_enterprises_nominations(
    client, hr_user, enterprise, employee, round_, theirs
):
    mine = NominationFactory(round=round_, enterprise=enterprise, worker=employee, employed=False)
    client.force_login(hr_user)
    response = client.get(reverse("honors:nominations"))
    assert response.status_code == 200
    body = response.content.decode()
    assert round_.title in body
    assert reverse("honors:nominate", args=[round_.pk, enterprise.pk]) in body
    assert 'data-nomination="%d"' % mine.pk in body
    assert 'data-nomination="%d"' % theirs.pk not in body
    assert "别家公司" not in body


def test_hr_of_several_enterprises_pick_one_and_never_anothers(client, hr_user, enterprise):
    second = EnterpriseFactory(name="剡湖纺织有限公司")
    second.hr_users.add(hr_user)
    stranger = EnterpriseFactory(name="陌生企业")
    client.force_login(hr_user)
    body = client.get(reverse("honors:nominations")).content.decode()
    assert "剡湖机械有限公司" in body and "剡湖纺织有限公司" in body
    assert "陌生企业" not in body
    url = reverse("honors:nominations")
    assert client.get(url, {"enterprise": second.pk}).status_code == 200
    assert client.get(url, {"enterprise": stranger.pk}).status_code == 404


def test_the_worker_picker_lists_current_employees_by_name_and_post_only(
    client, hr_user, enterprise, employee, round_
):
    gone = EmploymentFactory(enterprise=enterprise, departure_date=day(-3)).worker
    outsider = EmploymentFactory(enterprise=EnterpriseFactory()).worker
    client.force_login(hr_user)
    response = client.get(reverse("honors:nominate", args=[round_.pk, enterprise.pk]))
    assert response.status_code == 200
    choices = [label for _value, label in response.context["form"].fields["worker"].choices]
    assert choices[1:] == ["%s（数控车工）" % employee.name]
    body = response.content.decode()
    assert employee.id_number not in body
    assert outsider.name not in body
    assert gone.name not in body


def test_hr_nominate_with_an_attachment(client, hr_user, enterprise, employee, round_):
    client.force_login(hr_user)
    response = client.post(
        reverse("honors:nominate", args=[round_.pk, enterprise.pk]),
        {
            "worker": employee.pk,
            "post": "数控车工",
            "summary": "技术骨干",
            "deeds": "事迹材料全文",
            "attachment": SimpleUploadedFile("事迹材料.pdf", PDF),
        },
    )
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert (nomination.worker, nomination.enterprise) == (employee, enterprise)
    assert nomination.attachment_name == "事迹材料.pdf"
    download = client.get(reverse("honors:nomination_attachment", args=[nomination.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert quote("事迹材料.pdf") in download["Content-Disposition"]


def test_a_refusal_of_the_service_shows_on_the_form(client, hr_user, enterprise, employee, round_):
    NominationRound.objects.filter(pk=round_.pk).update(quota=1)
    NominationFactory(round=round_)
    client.force_login(hr_user)
    response = client.post(
        reverse("honors:nominate", args=[round_.pk, enterprise.pk]),
        {"worker": employee.pk, "post": "x", "summary": "x", "deeds": "x"},
    )
    assert response.status_code == 200
    assert "名额已满" in response.content.decode()
    assert Nomination.objects.count() == 1


def test_hr_get_404_for_another_enterprises_nomination(client, hr_user, enterprise, theirs):
    client.force_login(hr_user)
    for name in ("honors:nomination_edit", "honors:nomination_attachment"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404, name
    withdraw = reverse("honors:nomination_withdraw", args=[theirs.pk])
    assert client.post(withdraw).status_code == 404
    nominate = reverse("honors:nominate", args=[theirs.round_id, theirs.enterprise_id])
    assert client.get(nominate).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Nomination.Status.SUBMITTED


def test_hr_withdraw_by_post_only(client, hr_user, enterprise, employee, round_):
    mine = NominationFactory(round=round_, enterprise=enterprise, worker=employee, employed=False)
    client.force_login(hr_user)
    url = reverse("honors:nomination_withdraw", args=[mine.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    mine.refresh_from_db()
    assert mine.status == Nomination.Status.WITHDRAWN


def test_hr_edit_their_nomination(client, hr_user, enterprise, employee, round_):
    mine = NominationFactory(round=round_, enterprise=enterprise, worker=employee, employed=False)
    client.force_login(hr_user)
    url = reverse("honors:nomination_edit", args=[mine.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"post": "班组长", "summary": "新的简介", "deeds": "新的事迹"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.post, mine.summary) == ("班组长", "新的简介")


@pytest.mark.parametrize("role", ["union_user", "official_user", "worklist_user"])
def test_other_roles_cannot_nominate_or_download(request, client, role, enterprise, theirs):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("honors:nominations")).status_code == 403
    assert client.get(reverse("honors:nomination_attachment", args=[theirs.pk])).status_code in (
        403,
        404,
    )
    response = client.post(reverse("honors:nomination_withdraw", args=[theirs.pk]))
    assert response.status_code in (403, 404)
    theirs.refresh_from_db()
    assert theirs.status == Nomination.Status.SUBMITTED


# --- staff: the round's page ---------------------------------------------------------------


def test_staff_see_the_round_with_flags_and_history(client, staff_user, round_, theirs):
    theirs.worker.employments.update(departure_date=day(-1))
    client.force_login(staff_user)
    body = client.get(reverse("honors:round_detail", args=[round_.pk])).content.decode()
    assert theirs.worker.name in body
    assert "没有在街道企业的在职记录" in body
    assert "推评记录" in body
    assert theirs.worker.id_number not in body


def test_staff_review_on_the_page(client, staff_user, round_, theirs):
    client.force_login(staff_user)
    url = reverse("honors:round_detail", args=[round_.pk])
    response = client.post(
        url, {"action": "review", "review-nomination": theirs.pk, "review-accept": "0"}
    )
    assert response.status_code == 200
    assert "审核不通过，请填写理由" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.status == Nomination.Status.SUBMITTED
    response = client.post(
        url, {"action": "review", "review-nomination": theirs.pk, "review-accept": "1"}
    )
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.status == Nomination.Status.ACCEPTED


def test_staff_start_the_publicity_and_see_why_not(client, staff_user, round_, theirs):
    client.force_login(staff_user)
    url = reverse("honors:round_detail", args=[round_.pk])
    data = {
        "action": "publicity",
        "publicity-starts_on": day(0).isoformat(),
        "publicity-ends_on": day(6).isoformat(),
    }
    response = client.post(url, data)
    assert "推荐截止" in response.content.decode()
    NominationRound.objects.filter(pk=round_.pk).update(opens_on=day(-20), closes_on=day(-1))
    Nomination.objects.filter(pk=theirs.pk).update(status="accepted")
    assert client.post(url, data).status_code == 302
    round_.refresh_from_db()
    assert round_.status == NominationRound.Status.PUBLICITY


@pytest.mark.parametrize("role", ["hr_user", "union_user", "official_user"])
def test_other_roles_cannot_open_or_post_to_the_round_page(
    request, client, role, round_, theirs, enterprise
):
    client.force_login(request.getfixturevalue(role))
    url = reverse("honors:round_detail", args=[round_.pk])
    assert client.get(url).status_code == 403
    response = client.post(
        url, {"action": "review", "review-nomination": theirs.pk, "review-accept": "1"}
    )
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.status == Nomination.Status.SUBMITTED


# --- the 公示 list ------------------------------------------------------------------------


def test_the_publicity_is_staff_only_before_it_starts(
    client, staff_user, hr_user, union_user, round_
):
    for user, status in ((staff_user, 200), (hr_user, 404), (union_user, 404)):
        client.force_login(user)
        assert client.get(reverse("honors:publicity", args=[round_.pk])).status_code == status
        assert (
            client.get(reverse("honors:publicity_export", args=[round_.pk])).status_code == status
        )


@pytest.mark.parametrize("role", ["staff_user", "hr_user", "union_user", "official_user"])
def test_the_publicity_page_and_xlsx_show_no_id_number(request, client, role, round_, theirs):
    objected = NominationFactory(round=round_)
    on_publicity(round_, theirs, objected)
    Nomination.objects.filter(pk=objected.pk).update(status="objected", reason="属实")
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("honors:publicity", args=[round_.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "关于2026年度剡湖街道基层劳模推荐人选的公示" in body
    assert theirs.worker.name in body and "别家公司" in body
    assert objected.worker.name not in body  # an upheld objection takes them off the list
    assert theirs.worker.id_number not in body
    assert theirs.worker.masked_id_number not in body

    export = client.get(reverse("honors:publicity_export", args=[round_.pk]))
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert ["序号", "姓名（集体名称）", "企业", "岗位", "事迹简介"] == [
        str(c) for c in next(r for r in sheet.iter_rows(values_only=True) if r[0] == "序号")
    ]
    assert theirs.worker.name in cells
    assert objected.worker.name not in cells
    assert not any(theirs.worker.id_number in c for c in cells)


def test_the_work_list_role_never_sees_the_publicity(client, worklist_user, round_, theirs):
    on_publicity(round_, theirs)
    client.force_login(worklist_user)
    assert client.get(reverse("honors:publicity", args=[round_.pk])).status_code == 404
    assert client.get(reverse("honors:rounds")).status_code == 403


def test_the_rounds_list_per_role(client, staff_user, union_user, round_, theirs):
    on_publicity(round_, theirs)
    hidden = NominationRoundFactory(title="还在推荐中的推评")
    client.force_login(union_user)
    body = client.get(reverse("honors:rounds")).content.decode()
    assert round_.title in body and hidden.title not in body
    assert reverse("honors:publicity", args=[round_.pk]) in body
    client.force_login(staff_user)
    body = client.get(reverse("honors:rounds")).content.decode()
    assert round_.title in body and hidden.title in body


# --- the admin ------------------------------------------------------------------------------


def test_staff_open_a_round_in_the_admin_through_the_service(client, staff_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:honors_nominationround_add"),
        {
            "title": "2027年度剡湖街道基层劳模推评",
            "honour_name": "model_worker",
            "level": "subdistrict",
            "year": 2027,
            "quota": 5,
            "opens_on": day(0).isoformat(),
            "closes_on": day(30).isoformat(),
            "criteria": "条件",
            "require_active_employment": "on",
            "steps-TOTAL_FORMS": 0,
            "steps-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    round_ = NominationRound.objects.get()
    assert round_.created_by == staff_user
    assert NominationStep.objects.get(round=round_).action == "round_opened"


def test_the_admin_refuses_changing_the_quota_after_publicity(client, staff_user, round_, theirs):
    on_publicity(round_, theirs)
    client.force_login(staff_user)
    url = reverse("admin:honors_nominationround_change", args=[round_.pk])
    data = {
        "title": round_.title,
        "honour_name": round_.honour_name,
        "level": round_.level,
        "year": round_.year,
        "quota": 9,
        "opens_on": round_.opens_on.isoformat(),
        "closes_on": round_.closes_on.isoformat(),
        "criteria": round_.criteria,
        "steps-TOTAL_FORMS": 0,
        "steps-INITIAL_FORMS": 0,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "不能再修改" in response.content.decode()
    round_.refresh_from_db()
    assert round_.quota == 3


# --- queries do not grow with rows --------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _add(round_, enterprise, count):
    for _ in range(count):
        nomination = NominationFactory(round=round_, enterprise=enterprise)
        NominationStep.objects.create(round=round_, nomination=nomination, action="nominated")
    team_round = NominationRoundFactory(honour_name="worker_pioneer")
    for n in range(count):
        NominationFactory(
            round=team_round, enterprise=enterprise, worker=None, team_name="班%d" % n
        )


@pytest.mark.parametrize(
    ("role", "url_name"),
    [
        ("staff_user", "honors:round_detail"),
        ("hr_user", "honors:nominations"),
        ("union_user", "honors:publicity"),
        ("staff_user", "honors:rounds"),
    ],
)
def test_pages_queries_do_not_grow_with_rows(request, client, role, url_name, enterprise, round_):
    client.force_login(request.getfixturevalue(role))
    url = (
        reverse(url_name, args=[round_.pk])
        if url_name in ("honors:round_detail", "honors:publicity")
        else reverse(url_name)
    )

    def publish():
        on_publicity(round_, *round_.nominations.all())

    _add(round_, enterprise, 2)
    publish()
    few = _queries(client, url)
    NominationRound.objects.filter(pk=round_.pk).update(status="open")
    _add(round_, enterprise, 10)
    publish()
    assert _queries(client, url) == few
