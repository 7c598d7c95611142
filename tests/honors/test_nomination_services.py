"""The nomination round's workflow (issue 14): every allowed step and every refused one, each
allowed step leaving its NominationStep and its audit row, and the eligibility flags."""

import datetime
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import AuditLog
from honors.models import Honour, HonourSource, Nomination, NominationRound, NominationStep
from honors.selectors import nomination_flags, publicity_list, rounds_of_period
from honors.services import (
    nomination_object,
    nomination_review,
    nomination_round_approve,
    nomination_round_open,
    nomination_round_publicity_start,
    nomination_round_update,
    nomination_submit,
    nomination_update,
    nomination_withdraw,
)
from tests.factories import (
    CollectiveWageContractFactory,
    EmploymentFactory,
    EnterpriseFactory,
    HonourFactory,
    LabourInspectionFactory,
    NominationFactory,
    NominationRoundFactory,
    UnionCoverageFactory,
    WorkerFactory,
    WorkersCongressSessionFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% deeds of a model worker\n"


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def actions(round: NominationRound) -> list[str]:
    return list(round.steps.order_by("at", "pk").values_list("action", flat=True))


def audited(action: str, target) -> bool:
    return AuditLog.objects.filter(
        action=action, object_type=target._meta.label, object_id=str(target.pk)
    ).exists()


def move(round: NominationRound, **dates) -> NominationRound:
    """The clock moves on: the round's dates are set in the past directly (no sleeping)."""
    NominationRound.objects.filter(pk=round.pk).update(**dates)
    round.refresh_from_db()
    return round


@pytest.fixture
def enterprise(hr_user):
    enterprise = EnterpriseFactory(name="剡湖机械有限公司")
    enterprise.hr_users.add(hr_user)
    return enterprise


@pytest.fixture
def employee(enterprise):
    return EmploymentFactory(enterprise=enterprise, position="钳工").worker


@pytest.fixture
def round_(staff_user):
    return nomination_round_open(
        user=staff_user,
        title="2026年度剡湖街道基层劳模推评",
        honour_name="model_worker",
        level="subdistrict",
        year=2026,
        quota=2,
        opens_on=day(-5),
        closes_on=day(5),
        criteria="爱岗敬业，业绩突出。",
        awarding_body="剡湖街道办事处",
        document_number="剡街〔2026〕18号",
    )


def submit(user, round, enterprise, worker, **extra) -> Nomination:
    return nomination_submit(
        user=user,
        round=round,
        enterprise=enterprise,
        worker=worker,
        post="钳工",
        summary="扎根一线十年。",
        deeds="该同志扎根一线十年，带徒八名。",
        **extra,
    )


def accepted_in_publicity(staff_user, hr_user, round_, enterprise, employee) -> Nomination:
    nomination = submit(hr_user, round_, enterprise, employee)
    nomination_review(user=staff_user, nomination=nomination, accept=True)
    move(round_, opens_on=day(-20), closes_on=day(-1))
    nomination_round_publicity_start(
        user=staff_user, round=round_, starts_on=day(0), ends_on=day(6)
    )
    return nomination


# --- opening and changing a round ---------------------------------------------------------


def test_staff_open_a_round_with_a_step_and_an_audit_row(round_, staff_user):
    assert round_.status == NominationRound.Status.OPEN
    assert round_.created_by == staff_user
    assert actions(round_) == ["round_opened"]
    assert round_.steps.get().actor == staff_user
    assert audited("honors.round.opened", round_)


def test_hr_cannot_open_or_change_a_round(hr_user, round_):
    with pytest.raises(PermissionDenied):
        nomination_round_open(
            user=hr_user,
            title="自己开的推评",
            honour_name="model_worker",
            level="subdistrict",
            year=2026,
            quota=1,
            opens_on=day(0),
            closes_on=day(1),
            criteria="x",
        )
    with pytest.raises(PermissionDenied):
        nomination_round_update(user=hr_user, round=round_, quota=9)


def test_quota_and_window_change_only_while_open(staff_user, hr_user, round_, enterprise, employee):
    nomination_round_update(user=staff_user, round=round_, quota=5, closes_on=day(7))
    round_.refresh_from_db()
    assert (round_.quota, round_.closes_on) == (5, day(7))
    assert actions(round_) == ["round_opened", "round_changed"]
    assert audited("honors.round.changed", round_)

    accepted_in_publicity(staff_user, hr_user, round_, enterprise, employee)
    with pytest.raises(ValidationError, match="不能再修改"):
        nomination_round_update(user=staff_user, round=round_, quota=9)
    round_.refresh_from_db()
    assert round_.quota == 5
    # The criteria text is not what HR nominated under: it may still be corrected.
    nomination_round_update(user=staff_user, round=round_, criteria="爱岗敬业。")


def test_quota_cannot_drop_below_the_live_nominations(
    staff_user, hr_user, round_, enterprise, employee
):
    submit(hr_user, round_, enterprise, employee)
    other = EmploymentFactory(enterprise=enterprise).worker
    submit(hr_user, round_, enterprise, other)
    with pytest.raises(ValidationError, match="名额不能少于"):
        nomination_round_update(user=staff_user, round=round_, quota=1)


# --- nominating -----------------------------------------------------------------------------


def test_hr_nominate_their_worker_with_an_attachment(hr_user, round_, enterprise, employee):
    upload = SimpleUploadedFile("张三事迹材料.pdf", PDF, content_type="application/pdf")
    nomination = submit(hr_user, round_, enterprise, employee, attachment=upload)
    assert nomination.status == Nomination.Status.SUBMITTED
    assert nomination.submitted_by == hr_user
    assert nomination.attachment_name == "张三事迹材料.pdf"
    # Stored under a neutral name (the original may carry the person's name), content intact.
    assert "张三" not in nomination.attachment.name
    assert nomination.attachment.name.endswith(".pdf")
    with nomination.attachment.open("rb") as stored:
        assert stored.read() == PDF
    assert actions(round_) == ["round_opened", "nominated"]
    step = round_.steps.get(action="nominated")
    assert (step.nomination, step.actor) == (nomination, hr_user)
    assert audited("honors.nomination.submitted", nomination)


def _docx(word: bool) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml" if word else "data.csv", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("事迹.pdf", b"just some text pretending to be a PDF"),
        ("事迹.exe", b"MZ\x90\x00"),
        ("事迹.png", PDF),  # a PDF named as a picture
        ("事迹.docx", _docx(word=False)),  # any zip is not a Word document
        ("事迹", PDF),
    ],
)
def test_attachment_whose_content_is_not_an_allowed_type_is_refused(
    hr_user, round_, enterprise, employee, name, content
):
    with pytest.raises(ValidationError) as caught:
        submit(hr_user, round_, enterprise, employee, attachment=SimpleUploadedFile(name, content))
    assert "attachment" in caught.value.message_dict
    assert not Nomination.objects.exists()


def test_allowed_attachment_types(hr_user, round_, enterprise, employee):
    for name, content in (
        ("a.docx", _docx(word=True)),
        ("b.JPG", b"\xff\xd8\xff\xe0rest"),
        ("c.png", b"\x89PNG\r\n\x1a\nrest"),
        ("d.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"),
    ):
        worker = EmploymentFactory(enterprise=enterprise).worker
        move(round_, quota=10)
        nomination = submit(
            hr_user, round_, enterprise, worker, attachment=SimpleUploadedFile(name, content)
        )
        assert nomination.attachment_name == name


def test_attachment_over_20_mb_is_refused(hr_user, round_, enterprise, employee):
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (20 * 1024 * 1024))
    with pytest.raises(ValidationError, match="20 MB"):
        submit(hr_user, round_, enterprise, employee, attachment=big)


def test_nominating_after_the_window_closed_is_refused(hr_user, round_, enterprise, employee):
    move(round_, opens_on=day(-10), closes_on=day(-1))
    with pytest.raises(ValidationError, match="推荐已截止"):
        submit(hr_user, round_, enterprise, employee)
    assert actions(round_) == ["round_opened"]
    assert not AuditLog.objects.filter(action="honors.nomination.submitted").exists()


def test_nominating_on_the_closing_day_is_allowed(hr_user, round_, enterprise, employee):
    move(round_, closes_on=day(0))
    assert submit(hr_user, round_, enterprise, employee).pk


def test_nominating_before_the_window_opens_is_refused(hr_user, round_, enterprise, employee):
    move(round_, opens_on=day(1), closes_on=day(9))
    with pytest.raises(ValidationError, match="尚未开始"):
        submit(hr_user, round_, enterprise, employee)


def test_quota_full_is_refused_and_a_withdrawal_frees_a_place(
    hr_user, round_, enterprise, employee
):
    move(round_, quota=1)
    first = submit(hr_user, round_, enterprise, employee)
    second = EmploymentFactory(enterprise=enterprise).worker
    with pytest.raises(ValidationError, match="名额已满"):
        submit(hr_user, round_, enterprise, second)
    nomination_withdraw(user=hr_user, nomination=first)
    assert submit(hr_user, round_, enterprise, second).pk


def test_quota_counts_every_enterprise(hr_user, staff_user, round_, enterprise, employee):
    move(round_, quota=1)
    other = EnterpriseFactory()
    NominationFactory(round=round_, enterprise=other)
    with pytest.raises(ValidationError, match="名额已满"):
        submit(hr_user, round_, enterprise, employee)


def test_hr_nominating_another_enterprises_worker_is_refused_alike(hr_user, round_, enterprise):
    elsewhere = EmploymentFactory(enterprise=EnterpriseFactory()).worker
    nowhere = WorkerFactory()
    departed = EmploymentFactory(enterprise=enterprise, departure_date=day(-1)).worker
    messages = set()
    for worker in (elsewhere, nowhere, departed):
        with pytest.raises(ValidationError) as caught:
            submit(hr_user, round_, enterprise, worker)
        messages.add(tuple(caught.value.message_dict["worker"]))
    assert messages == {("只能推荐本企业的在职职工。",)}
    assert not Nomination.objects.exists()


def test_hr_cannot_nominate_for_another_enterprise(hr_user, round_):
    other = EnterpriseFactory()
    worker = EmploymentFactory(enterprise=other).worker
    with pytest.raises(PermissionDenied):
        submit(hr_user, round_, other, worker)


def test_the_same_person_twice_is_refused(hr_user, round_, enterprise, employee):
    submit(hr_user, round_, enterprise, employee)
    with pytest.raises(ValidationError, match="已在本次推评中被推荐"):
        submit(hr_user, round_, enterprise, employee)


def test_person_and_team_must_match_the_honour(hr_user, staff_user, enterprise, employee):
    team_round = NominationRoundFactory(honour_name="worker_pioneer")
    with pytest.raises(ValidationError, match="授予集体"):
        submit(hr_user, team_round, enterprise, employee)
    member = EmploymentFactory(enterprise=enterprise).worker
    team = nomination_submit(
        user=hr_user,
        round=team_round,
        enterprise=enterprise,
        team_name="装配一班",
        members=[employee, member],
        post="",
        summary="班组事迹",
        deeds="班组事迹材料",
    )
    assert set(team.members.all()) == {employee, member}
    person_round = NominationRoundFactory()
    with pytest.raises(ValidationError, match="授予个人"):
        nomination_submit(
            user=hr_user,
            round=person_round,
            enterprise=enterprise,
            team_name="装配一班",
            post="",
            summary="x",
            deeds="x",
        )
    outsider = EmploymentFactory(enterprise=EnterpriseFactory()).worker
    with pytest.raises(ValidationError, match="集体成员须是本企业"):
        nomination_submit(
            user=hr_user,
            round=team_round,
            enterprise=enterprise,
            team_name="装配二班",
            members=[outsider],
            post="",
            summary="x",
            deeds="x",
        )


# --- changing and withdrawing ---------------------------------------------------------------


def test_hr_edit_while_the_window_is_open(hr_user, round_, enterprise, employee):
    nomination = submit(hr_user, round_, enterprise, employee)
    nomination_update(
        user=hr_user,
        nomination=nomination,
        post="班组长",
        summary="新简介",
        deeds="新事迹",
        attachment=SimpleUploadedFile("补充材料.pdf", PDF),
    )
    nomination.refresh_from_db()
    assert (nomination.post, nomination.summary, nomination.attachment_name) == (
        "班组长",
        "新简介",
        "补充材料.pdf",
    )
    assert actions(round_)[-1] == "nomination_changed"
    assert audited("honors.nomination.changed", nomination)


def test_editing_after_the_window_is_refused(hr_user, round_, enterprise, employee):
    nomination = submit(hr_user, round_, enterprise, employee)
    move(round_, opens_on=day(-10), closes_on=day(-1))
    with pytest.raises(ValidationError, match="推荐已截止"):
        nomination_update(user=hr_user, nomination=nomination, post="x", summary="x", deeds="x")
    nomination.refresh_from_db()
    assert nomination.post == "钳工"
    assert "nomination_changed" not in actions(round_)


def test_editing_after_review_is_refused(staff_user, hr_user, round_, enterprise, employee):
    nomination = submit(hr_user, round_, enterprise, employee)
    nomination_review(user=staff_user, nomination=nomination, accept=True)
    with pytest.raises(ValidationError, match="只有待审核的推荐可以修改"):
        nomination_update(user=hr_user, nomination=nomination, post="x", summary="x", deeds="x")


def test_hr_withdraw_before_review(hr_user, round_, enterprise, employee):
    nomination = submit(hr_user, round_, enterprise, employee)
    nomination_withdraw(user=hr_user, nomination=nomination)
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.WITHDRAWN
    assert actions(round_)[-1] == "withdrawn"
    assert audited("honors.nomination.withdrawn", nomination)


def test_withdrawing_after_review_is_refused(staff_user, hr_user, round_, enterprise, employee):
    nomination = submit(hr_user, round_, enterprise, employee)
    nomination_review(user=staff_user, nomination=nomination, accept=False, reason="材料不全")
    with pytest.raises(ValidationError, match="不能再撤回"):
        nomination_withdraw(user=hr_user, nomination=nomination)
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.REJECTED


def test_another_enterprises_hr_cannot_withdraw(hr_user, round_):
    nomination = NominationFactory(round=round_)
    with pytest.raises(PermissionDenied):
        nomination_withdraw(user=hr_user, nomination=nomination)


# --- review -------------------------------------------------------------------------------


def test_staff_accept_and_reject_with_a_reason(staff_user, hr_user, round_, enterprise, employee):
    accepted = submit(hr_user, round_, enterprise, employee)
    nomination_review(user=staff_user, nomination=accepted, accept=True)
    rejected = submit(hr_user, round_, enterprise, EmploymentFactory(enterprise=enterprise).worker)
    nomination_review(user=staff_user, nomination=rejected, accept=False, reason="事迹不够突出")
    accepted.refresh_from_db()
    rejected.refresh_from_db()
    assert accepted.status == Nomination.Status.ACCEPTED
    assert (rejected.status, rejected.reason) == (Nomination.Status.REJECTED, "事迹不够突出")
    assert actions(round_)[-3:] == ["accepted", "nominated", "rejected"]
    assert round_.steps.get(action="rejected").note == "事迹不够突出"
    assert audited("honors.nomination.accepted", accepted)
    assert audited("honors.nomination.rejected", rejected)


def test_rejecting_without_a_reason_is_refused(staff_user, hr_user, round_, enterprise, employee):
    nomination = submit(hr_user, round_, enterprise, employee)
    with pytest.raises(ValidationError) as caught:
        nomination_review(user=staff_user, nomination=nomination, accept=False, reason="  ")
    assert "reason" in caught.value.message_dict
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.SUBMITTED


def test_reviewing_a_withdrawn_nomination_is_refused(
    staff_user, hr_user, round_, enterprise, employee
):
    nomination = submit(hr_user, round_, enterprise, employee)
    nomination_withdraw(user=hr_user, nomination=nomination)
    with pytest.raises(ValidationError, match="已撤回"):
        nomination_review(user=staff_user, nomination=nomination, accept=True)
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.WITHDRAWN
    assert "accepted" not in actions(round_)


def test_hr_cannot_review(hr_user, round_, enterprise, employee):
    nomination = submit(hr_user, round_, enterprise, employee)
    with pytest.raises(PermissionDenied):
        nomination_review(user=hr_user, nomination=nomination, accept=True)


# --- 公示 -----------------------------------------------------------------------------------


def test_publicity_before_the_window_closes_is_refused(
    staff_user, hr_user, round_, enterprise, employee
):
    nomination = submit(hr_user, round_, enterprise, employee)
    nomination_review(user=staff_user, nomination=nomination, accept=True)
    with pytest.raises(ValidationError, match="推荐截止"):
        nomination_round_publicity_start(
            user=staff_user, round=round_, starts_on=day(0), ends_on=day(6)
        )
    round_.refresh_from_db()
    assert round_.status == NominationRound.Status.OPEN


def test_publicity_with_unreviewed_nominations_is_refused(
    staff_user, hr_user, round_, enterprise, employee
):
    first = submit(hr_user, round_, enterprise, employee)
    nomination_review(user=staff_user, nomination=first, accept=True)
    submit(hr_user, round_, enterprise, EmploymentFactory(enterprise=enterprise).worker)
    move(round_, opens_on=day(-20), closes_on=day(-1))
    with pytest.raises(ValidationError, match="1个推荐未审核"):
        nomination_round_publicity_start(
            user=staff_user, round=round_, starts_on=day(0), ends_on=day(6)
        )


def test_publicity_without_an_accepted_nomination_is_refused(
    staff_user, hr_user, round_, enterprise, employee
):
    nomination = submit(hr_user, round_, enterprise, employee)
    nomination_review(user=staff_user, nomination=nomination, accept=False, reason="不符合条件")
    move(round_, opens_on=day(-20), closes_on=day(-1))
    with pytest.raises(ValidationError, match="没有审核通过"):
        nomination_round_publicity_start(
            user=staff_user, round=round_, starts_on=day(0), ends_on=day(6)
        )


@pytest.mark.parametrize(("starts", "ends", "field"), [(-1, 5, "starts_on"), (2, 1, "ends_on")])
def test_publicity_dates_are_checked(
    staff_user, hr_user, round_, enterprise, employee, starts, ends, field
):
    nomination = submit(hr_user, round_, enterprise, employee)
    nomination_review(user=staff_user, nomination=nomination, accept=True)
    move(round_, opens_on=day(-20), closes_on=day(-1))
    with pytest.raises(ValidationError) as caught:
        nomination_round_publicity_start(
            user=staff_user, round=round_, starts_on=day(starts), ends_on=day(ends)
        )
    assert field in caught.value.message_dict


def test_publicity_starts(staff_user, hr_user, round_, enterprise, employee):
    nomination = accepted_in_publicity(staff_user, hr_user, round_, enterprise, employee)
    round_.refresh_from_db()
    assert round_.status == NominationRound.Status.PUBLICITY
    assert (round_.publicity_starts_on, round_.publicity_ends_on) == (day(0), day(6))
    assert actions(round_)[-1] == "publicity_started"
    assert audited("honors.round.publicity_started", round_)
    assert list(publicity_list(round_)) == [nomination]
    # Review is over once the 公示 has started; a second start is refused.
    with pytest.raises(ValidationError):
        nomination_round_publicity_start(
            user=staff_user, round=round_, starts_on=day(0), ends_on=day(6)
        )


# --- objections -----------------------------------------------------------------------------


def test_an_objection_during_publicity_takes_the_candidate_out(
    staff_user, hr_user, round_, enterprise, employee
):
    nomination = accepted_in_publicity(staff_user, hr_user, round_, enterprise, employee)
    nomination_object(user=staff_user, nomination=nomination, reason="群众反映情况属实")
    nomination.refresh_from_db()
    assert (nomination.status, nomination.reason) == (
        Nomination.Status.OBJECTED,
        "群众反映情况属实",
    )
    assert actions(round_)[-1] == "objected"
    assert audited("honors.nomination.objected", nomination)
    assert list(publicity_list(round_)) == []


def test_an_objection_outside_the_publicity_is_refused(
    staff_user, hr_user, round_, enterprise, employee
):
    nomination = submit(hr_user, round_, enterprise, employee)
    nomination_review(user=staff_user, nomination=nomination, accept=True)
    with pytest.raises(ValidationError, match="公示期内"):
        nomination_object(user=staff_user, nomination=nomination, reason="x")
    move(round_, opens_on=day(-20), closes_on=day(-1))
    nomination_round_publicity_start(
        user=staff_user, round=round_, starts_on=day(1), ends_on=day(6)
    )
    with pytest.raises(ValidationError, match="公示期内"):  # not started yet
        nomination_object(user=staff_user, nomination=nomination, reason="x")
    move(round_, publicity_starts_on=day(-7), publicity_ends_on=day(-1))
    with pytest.raises(ValidationError, match="公示期内"):  # over
        nomination_object(user=staff_user, nomination=nomination, reason="x")
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.ACCEPTED
    assert "objected" not in actions(round_)


def test_an_objection_needs_a_reason(staff_user, hr_user, round_, enterprise, employee):
    nomination = accepted_in_publicity(staff_user, hr_user, round_, enterprise, employee)
    with pytest.raises(ValidationError, match="异议理由"):
        nomination_object(user=staff_user, nomination=nomination, reason="")


# --- approval -------------------------------------------------------------------------------


def test_approving_before_the_publicity_ends_is_refused(
    staff_user, hr_user, round_, enterprise, employee
):
    accepted_in_publicity(staff_user, hr_user, round_, enterprise, employee)
    move(round_, publicity_starts_on=day(-6), publicity_ends_on=day(0))  # the last day
    with pytest.raises(ValidationError, match="公示结束后才能批准"):
        nomination_round_approve(user=staff_user, round=round_)
    assert not Honour.objects.exists()


def test_approving_an_open_round_is_refused(staff_user, round_):
    with pytest.raises(ValidationError, match="公示结束后才能批准"):
        nomination_round_approve(user=staff_user, round=round_)


def test_approval_after_the_publicity_creates_the_honours(
    staff_user, hr_user, round_, enterprise, employee
):
    nomination = accepted_in_publicity(staff_user, hr_user, round_, enterprise, employee)
    move(round_, publicity_starts_on=day(-7), publicity_ends_on=day(-1))
    (honour,) = nomination_round_approve(user=staff_user, round=round_)
    assert (honour.name, honour.level, honour.year, honour.worker) == (
        "model_worker",
        "subdistrict",
        2026,
        employee,
    )
    assert (honour.awarding_body, honour.document_number, honour.source) == (
        "剡湖街道办事处",
        "剡街〔2026〕18号",
        HonourSource.NOMINATION,
    )
    nomination.refresh_from_db()
    round_.refresh_from_db()
    assert (nomination.status, nomination.honour) == (Nomination.Status.APPROVED, honour)
    assert (round_.status, round_.approved_by) == (NominationRound.Status.APPROVED, staff_user)
    assert round_.approved_at is not None
    assert actions(round_)[-2:] == ["approved", "approved"]  # the nomination's, the round's
    assert audited("honors.round.approved", round_)
    assert list(publicity_list(round_)) == [nomination]


def test_a_second_approval_is_refused(staff_user, hr_user, round_, enterprise, employee):
    accepted_in_publicity(staff_user, hr_user, round_, enterprise, employee)
    move(round_, publicity_starts_on=day(-7), publicity_ends_on=day(-1))
    nomination_round_approve(user=staff_user, round=round_)
    with pytest.raises(ValidationError, match="不能重复批准"):
        nomination_round_approve(user=staff_user, round=round_)
    assert Honour.objects.count() == 1
    assert actions(round_).count("approved") == 2


def test_hr_cannot_approve(staff_user, hr_user, round_, enterprise, employee):
    accepted_in_publicity(staff_user, hr_user, round_, enterprise, employee)
    move(round_, publicity_starts_on=day(-7), publicity_ends_on=day(-1))
    with pytest.raises(PermissionDenied):
        nomination_round_approve(user=hr_user, round=round_)


def test_an_objected_candidate_gets_no_honour(staff_user, hr_user, round_, enterprise, employee):
    nomination = accepted_in_publicity(staff_user, hr_user, round_, enterprise, employee)
    other = NominationFactory(round=round_, status="accepted")
    nomination_object(user=staff_user, nomination=nomination, reason="属实")
    move(round_, publicity_starts_on=day(-7), publicity_ends_on=day(-1))
    honours = nomination_round_approve(user=staff_user, round=round_)
    assert [h.worker for h in honours] == [other.worker]


def test_a_frontline_share_too_low_is_refused_with_the_share(
    staff_user, hr_user, round_, enterprise, employee
):
    nomination = accepted_in_publicity(staff_user, hr_user, round_, enterprise, employee)
    office = EmploymentFactory(enterprise=enterprise, is_frontline=False).worker
    NominationFactory(
        round=round_, enterprise=enterprise, worker=office, status="accepted", employed=False
    )
    move(round_, publicity_starts_on=day(-7), publicity_ends_on=day(-1))
    round_.min_frontline_share = Decimal("0.6")
    round_.save(update_fields=["min_frontline_share"])
    with pytest.raises(
        ValidationError, match=re.escape("一线职工1人，占50.0%，低于本次推评要求的60.0%")
    ):
        nomination_round_approve(user=staff_user, round=round_)
    assert not Honour.objects.exists()
    # Exactly the share passes.
    round_.min_frontline_share = Decimal("0.5")
    round_.save(update_fields=["min_frontline_share"])
    assert len(nomination_round_approve(user=staff_user, round=round_)) == 2
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.APPROVED


def test_frontline_means_frontline_at_the_nominating_enterprise(
    staff_user, hr_user, round_, enterprise
):
    # Frontline elsewhere, office work at the nominating enterprise: not frontline here.
    worker = EmploymentFactory(enterprise=enterprise, is_frontline=False).worker
    EmploymentFactory(worker=worker, is_frontline=True)
    accepted_in_publicity(staff_user, hr_user, round_, enterprise, worker)
    move(round_, publicity_starts_on=day(-7), publicity_ends_on=day(-1))
    round_.min_frontline_share = Decimal("0.01")
    round_.save(update_fields=["min_frontline_share"])
    with pytest.raises(ValidationError, match=re.escape("占0.0%")):
        nomination_round_approve(user=staff_user, round=round_)


def test_an_honour_already_registered_refuses_the_approval(
    staff_user, hr_user, round_, enterprise, employee
):
    accepted_in_publicity(staff_user, hr_user, round_, enterprise, employee)
    HonourFactory(worker=employee, name="model_worker", level="subdistrict", year=2026)
    move(round_, publicity_starts_on=day(-7), publicity_ends_on=day(-1))
    with pytest.raises(ValidationError, match=employee.name):
        nomination_round_approve(user=staff_user, round=round_)
    assert Honour.objects.count() == 1
    round_.refresh_from_db()
    assert round_.status == NominationRound.Status.PUBLICITY


def test_a_team_round_honours_the_team_with_its_members(staff_user, hr_user, enterprise):
    team_round = NominationRoundFactory(honour_name="worker_pioneer", level="shengzhou")
    members = [EmploymentFactory(enterprise=enterprise).worker for _ in range(2)]
    nomination = nomination_submit(
        user=hr_user,
        round=team_round,
        enterprise=enterprise,
        team_name="装配一班",
        members=members,
        post="",
        summary="班组事迹",
        deeds="班组事迹材料",
    )
    nomination_review(user=staff_user, nomination=nomination, accept=True)
    move(
        team_round,
        opens_on=day(-30),
        closes_on=day(-20),
        status="publicity",
        publicity_starts_on=day(-10),
        publicity_ends_on=day(-1),
    )
    (honour,) = nomination_round_approve(user=staff_user, round=team_round)
    assert (honour.worker, honour.enterprise, honour.team_name) == (None, enterprise, "装配一班")
    assert set(honour.members.all()) == set(members)


# --- the report's rounds ------------------------------------------------------------------


def test_rounds_of_a_period():
    start, end = datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)
    window = NominationRoundFactory(opens_on=datetime.date(2026, 6, 20), closes_on=start)
    publicity = NominationRoundFactory(
        opens_on=datetime.date(2026, 3, 1),
        closes_on=datetime.date(2026, 3, 31),
        status="publicity",
        publicity_starts_on=datetime.date(2026, 6, 28),
        publicity_ends_on=datetime.date(2026, 7, 4),
    )
    NominationRoundFactory(opens_on=datetime.date(2026, 1, 1), closes_on=datetime.date(2026, 1, 31))
    NominationRoundFactory(
        opens_on=datetime.date(2026, 10, 1), closes_on=datetime.date(2026, 10, 9)
    )
    NominationFactory(round=window)
    NominationFactory(round=window, status="withdrawn")
    NominationFactory(round=window, status="accepted")
    rows = list(rounds_of_period(start, end))
    assert rows == [publicity, window]
    assert (rows[1].nominated, rows[1].passed, rows[1].honoured) == (2, 1, 0)


# --- eligibility flags ----------------------------------------------------------------------


@pytest.fixture
def team_round():
    return NominationRoundFactory(honour_name="worker_pioneer")


def team_nomination(team_round, enterprise) -> Nomination:
    return NominationFactory(round=team_round, enterprise=enterprise, worker=None, team_name="一班")


def test_a_team_meeting_every_rule_has_no_flag(team_round):
    today = timezone.localdate()
    good = EnterpriseFactory()
    UnionCoverageFactory(enterprise=good)
    WorkersCongressSessionFactory(enterprise=good, held_on=today - datetime.timedelta(days=330))
    CollectiveWageContractFactory(enterprise=good)
    LabourInspectionFactory(enterprise=good, is_closed=True, closed_on=today)
    nomination = team_nomination(team_round, good)
    assert nomination_flags([nomination], today) == {nomination.pk: []}


def test_a_team_missing_each_rule_is_flagged(team_round):
    today = timezone.localdate()
    bad = EnterpriseFactory()
    # A congress 13 months ago does not count; a contract that expired yesterday is none.
    WorkersCongressSessionFactory(enterprise=bad, held_on=today - datetime.timedelta(days=396))
    CollectiveWageContractFactory(
        enterprise=bad,
        signed_on=today - datetime.timedelta(days=1000),
        end_date=today - datetime.timedelta(days=1),
    )
    LabourInspectionFactory(enterprise=bad)
    nomination = team_nomination(team_round, bad)
    flags = nomination_flags([nomination], today)[nomination.pk]
    assert len(flags) == 4
    assert "没有工会组织覆盖" in flags[0]
    assert flags[1] == "企业近12个月没有召开职代会。"
    assert flags[2] == "企业没有在有效期内的工资集体协商合同。"
    assert flags[3] == "企业有1项劳动监察问题尚未整改销号。"


def test_the_rounds_rules_decide_which_team_flags_apply():
    lenient = NominationRoundFactory(
        honour_name="excellent_team",
        require_union=False,
        require_democratic_management=False,
        require_no_open_inspection=False,
    )
    bad = EnterpriseFactory()
    LabourInspectionFactory(enterprise=bad)
    nomination = team_nomination(lenient, bad)
    assert nomination_flags([nomination], timezone.localdate()) == {nomination.pk: []}


def test_person_flags(round_):
    today = timezone.localdate()
    enterprise = EnterpriseFactory()
    present = NominationFactory(round=round_, enterprise=enterprise)
    departed_worker = EmploymentFactory(enterprise=enterprise, departure_date=today).worker
    departed = NominationFactory(
        round=round_, enterprise=enterprise, worker=departed_worker, employed=False
    )
    moved_worker = EmploymentFactory(enterprise=EnterpriseFactory()).worker
    moved = NominationFactory(
        round=round_, enterprise=enterprise, worker=moved_worker, employed=False
    )
    flags = nomination_flags([present, departed, moved], today)
    assert flags[present.pk] == []
    assert flags[departed.pk] == ["被推荐人在%s没有在街道企业的在职记录。" % today.isoformat()]
    assert flags[moved.pk] == ["被推荐人已不在推荐企业在职。"]


def test_flags_take_a_fixed_number_of_queries(django_assert_max_num_queries, round_, team_round):
    rows = [NominationFactory(round=round_) for _ in range(5)]
    rows += [team_nomination(team_round, EnterpriseFactory()) for _ in range(5)]
    rows = list(Nomination.objects.select_related("round").filter(pk__in=[r.pk for r in rows]))
    with django_assert_max_num_queries(5):
        flags = nomination_flags(rows, timezone.localdate())
    assert len(flags) == 10


def test_steps_are_never_deleted_by_the_workflow(staff_user, hr_user, round_, enterprise, employee):
    nomination = accepted_in_publicity(staff_user, hr_user, round_, enterprise, employee)
    move(round_, publicity_starts_on=day(-7), publicity_ends_on=day(-1))
    nomination_round_approve(user=staff_user, round=round_)
    assert actions(round_) == [
        "round_opened",
        "nominated",
        "accepted",
        "publicity_started",
        "approved",
        "approved",
    ]
    assert NominationStep.objects.filter(nomination=nomination).count() == 3


def test_a_refused_nomination_leaves_no_file_behind(
    settings, hr_user, round_, enterprise, employee
):
    submit(hr_user, round_, enterprise, employee)
    with pytest.raises(ValidationError, match="已在本次推评中被推荐"):
        submit(hr_user, round_, enterprise, employee, attachment=SimpleUploadedFile("a.pdf", PDF))
    stored = settings.MEDIA_ROOT / "honors"
    assert not stored.exists() or not any(p.is_file() for p in stored.rglob("*"))
