"""Writes of honours (seed measures 3 and 7): the honour register, the nomination round with its
公示, the craftsman pool's manual changes and the innovation studios. Every write takes the acting
user, runs in one transaction and leaves an audit row (and a NominationStep for a round)."""

import datetime
import os
import uuid
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from core.roles import is_sub_district_staff
from core.services import audit_record, record_delete, record_save
from enterprises.models import Enterprise
from enterprises.selectors import enterprises_acted_for
from honors.models import (
    CraftsmanCriterion,
    CraftsmanPoolChange,
    Honour,
    HonourSource,
    InnovationStudio,
    Nomination,
    NominationRound,
    NominationStep,
    StudioYearResult,
)
from workers.models import Employment, Worker

# --- the honour register ----------------------------------------------------------------------


def _check_members(honour: Honour, members: list[Worker]) -> None:
    """Members belong to a team's honour; a person's honour names its one worker."""
    if members and not honour.is_team:
        raise ValidationError(
            {
                "members": gettext(
                    "“%(name)s”是授予个人的荣誉，不填集体成员；获奖职工请填在“获奖职工”中。"
                )
                % {"name": honour.get_name_display()}
            }
        )


def honour_create(
    *,
    user: Any,
    name: str,
    level: str,
    year: int,
    worker: Worker | None = None,
    enterprise: Enterprise | None = None,
    team_name: str = "",
    members: Iterable[Worker] = (),
    awarding_body: str = "",
    document_number: str = "",
    source: str = HonourSource.ADMIN,
) -> Honour:
    """Register one honour of a person (`worker`) or of a team of an enterprise (`enterprise`,
    `team_name`, `members`): DOMAIN.md's people vs. teams and the key (荣誉名称 + 级别 + 年度 +
    the holder) hold through the model's constraints, checked by full_clean."""
    honour = Honour(
        name=name,
        level=level,
        year=year,
        worker=worker,
        enterprise=enterprise,
        team_name=team_name,
        awarding_body=awarding_body,
        document_number=document_number,
        source=source,
    )
    members = list(members)
    _check_members(honour, members)
    with transaction.atomic():
        record_save(
            actor=user,
            instance=honour,
            action="honors.honour.created",
            m2m={"members": members},
        )
    return honour


def honour_update(*, user: Any, honour: Honour, members: Iterable[Worker] | None = None) -> Honour:
    """Save the changes made to `honour` (and its team's members when given); a change that
    changes nothing writes nothing. Where it came from (来源) is not changed."""
    members_list = None if members is None else list(members)
    _check_members(honour, members_list or [])
    with transaction.atomic():
        record_save(
            actor=user,
            instance=honour,
            action="honors.honour.changed",
            m2m=None if members_list is None else {"members": members_list},
        )
    return honour


# --- nomination rounds ------------------------------------------------------------------------

# Fields staff set when they open a round (the rest is the round's progress).
ROUND_FIELDS = (
    "title",
    "honour_name",
    "level",
    "year",
    "quota",
    "opens_on",
    "closes_on",
    "criteria",
    "awarding_body",
    "document_number",
    "require_active_employment",
    "require_union",
    "require_democratic_management",
    "require_no_open_inspection",
    "min_frontline_share",
)
# The honour, the quota and the window are what HR nominated under: fixed once 公示 starts.
ROUND_FIELDS_FIXED_AFTER_OPEN = ("honour_name", "level", "year", "quota", "opens_on", "closes_on")
LIVE_NOMINATION_STATUSES = (Nomination.Status.SUBMITTED, Nomination.Status.ACCEPTED)

ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
# Allowed attachment types, told apart by their first bytes (an extension alone proves nothing).
_ATTACHMENT_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "docx": (b"PK\x03\x04",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}


def _staff_only(user: Any) -> None:
    if not is_sub_district_staff(user):
        raise PermissionDenied


def _round_acting_for(user: Any, enterprise_id: int) -> None:
    """HR of the enterprise or staff; anyone else is refused."""
    if not enterprises_acted_for(user).filter(pk=enterprise_id).exists():
        raise PermissionDenied


def _round_actor(user: Any) -> Any:
    return user if getattr(user, "pk", None) else None


def _round_step(
    *,
    user: Any,
    round: NominationRound,
    action: str,
    nomination: Nomination | None = None,
    note: str = "",
) -> NominationStep:
    return NominationStep.objects.create(
        round=round, nomination=nomination, action=action, note=note, actor=_round_actor(user)
    )


def _locked_round(round: NominationRound) -> NominationRound:
    return NominationRound.objects.select_for_update().get(pk=round.pk)


def _locked_nomination(nomination: Nomination) -> tuple[NominationRound, Nomination]:
    """The round first, then the nomination: every write of a round locks in this order."""
    locked_round = NominationRound.objects.select_for_update().get(pk=nomination.round_id)
    locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
    locked.round = locked_round
    return locked_round, locked


def _round_window_check(round: NominationRound, today: datetime.date) -> None:
    """HR nominate and change nominations only while the round is open and within its window."""
    if round.status != NominationRound.Status.OPEN or today > round.closes_on:
        raise ValidationError(
            gettext("推荐已截止（截止日期%(day)s）。") % {"day": round.closes_on.isoformat()}
        )
    if today < round.opens_on:
        raise ValidationError(
            gettext("推荐尚未开始（%(day)s开始）。") % {"day": round.opens_on.isoformat()}
        )


def nomination_attachment_check(upload: Any) -> str:
    """An attachment of 事迹材料: at most 20 MB, a PDF, Word document or JPG/PNG picture whose
    content is what its extension says. Returns the extension (lower case)."""
    if upload.size is not None and upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"attachment": gettext("附件不能超过20 MB。")})
    name = os.path.basename(getattr(upload, "name", "") or "")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    signatures = _ATTACHMENT_SIGNATURES.get(extension)
    refused = ValidationError(
        {
            "attachment": gettext(
                "附件只能是 PDF、Word（doc/docx）或 JPG/PNG 图片，且内容须与扩展名一致。"
            )
        }
    )
    if signatures is None:
        raise refused
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in signatures):
        raise refused
    if extension == "docx":
        # Any zip starts with PK: a Word document holds word/document.xml (names only are read).
        try:
            with zipfile.ZipFile(upload) as archive:
                is_word = "word/document.xml" in archive.namelist()
        except zipfile.BadZipFile:
            is_word = False
        upload.seek(0)
        if not is_word:
            raise refused
    return extension


def _round_attach(nomination: Nomination, upload: Any, extension: str) -> None:
    """Store the checked file under a neutral name (the original may carry a person's name)
    and keep the original name for the download. Called after validation, so a refused
    nomination leaves no file behind."""
    original = os.path.basename(upload.name)[:255]
    nomination.attachment.save("%s.%s" % (uuid.uuid4().hex, extension), upload, save=False)
    nomination.attachment_name = original


def _round_employed_today(enterprise: Enterprise, day: datetime.date) -> QuerySet[Employment]:
    return Employment.objects.active_on(day).filter(enterprise=enterprise)


def nomination_round_open(*, user: Any, **fields: Any) -> NominationRound:
    """Staff open a round (seed measure 3: 基层劳模推评) with its honour, quota, window,
    criteria and eligibility rules."""
    _staff_only(user)
    unknown = set(fields) - set(ROUND_FIELDS)
    if unknown:
        raise TypeError("unknown round fields: %s" % sorted(unknown))
    with transaction.atomic():
        round = NominationRound(**fields, created_by=_round_actor(user))
        round.full_clean()
        round.save()
        _round_step(user=user, round=round, action=NominationStep.Action.ROUND_OPENED)
        audit_record(
            actor=user,
            action="honors.round.opened",
            target=round,
            **{name: _round_audit_value(getattr(round, name)) for name in ROUND_FIELDS},
        )
    return round


def _round_audit_value(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def nomination_round_update(*, user: Any, round: NominationRound, **fields: Any) -> NominationRound:
    """Staff change a round. The honour, quota and window change only while the round is open
    (what HR nominated under stays fixed from 公示 on); the quota never drops below the live
    nominations."""
    _staff_only(user)
    unknown = set(fields) - set(ROUND_FIELDS)
    if unknown:
        raise TypeError("unknown round fields: %s" % sorted(unknown))
    with transaction.atomic():
        locked = _locked_round(round)
        changed = {
            name: [_round_audit_value(getattr(locked, name)), _round_audit_value(value)]
            for name, value in fields.items()
            if getattr(locked, name) != value
        }
        if not changed:
            return locked
        if locked.status != NominationRound.Status.OPEN and set(changed) & set(
            ROUND_FIELDS_FIXED_AFTER_OPEN
        ):
            raise ValidationError(
                gettext("推评已进入公示或已批准，荣誉、级别、年度、名额和推荐时间不能再修改。")
            )
        if "quota" in changed:
            live = locked.nominations.filter(status__in=LIVE_NOMINATION_STATUSES).count()
            if fields["quota"] is not None and fields["quota"] < live:
                raise ValidationError(
                    {
                        "quota": gettext("已有%(count)d个有效推荐，名额不能少于这个数。")
                        % {"count": live}
                    }
                )
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean()
        locked.save(update_fields=[*changed, "updated_at"])
        _round_step(
            user=user,
            round=locked,
            action=NominationStep.Action.ROUND_CHANGED,
            note="、".join(
                str(getattr(NominationRound._meta.get_field(n), "verbose_name", n)) for n in changed
            ),
        )
        audit_record(actor=user, action="honors.round.changed", target=locked, changes=changed)
    return locked


def nomination_submit(
    *,
    user: Any,
    round: NominationRound,
    enterprise: Enterprise,
    worker: Worker | None = None,
    team_name: str = "",
    members: Iterable[Worker] = (),
    post: str,
    summary: str,
    deeds: str,
    attachment: Any = None,
) -> Nomination:
    """HR nominate a worker their enterprise employs today, or a team of it, within the
    window; the round's live nominations (submitted or accepted) stay within its quota."""
    _round_acting_for(user, enterprise.pk)
    team_name = (team_name or "").strip()
    members = list(members)
    today = timezone.localdate()
    with transaction.atomic():
        locked = _locked_round(round)
        _round_window_check(locked, today)
        if locked.is_team:
            if worker is not None or not team_name:
                raise ValidationError(
                    {"team_name": gettext("本次推评的荣誉授予集体，请填写集体名称。")}
                )
        elif worker is None or team_name or members:
            raise ValidationError({"worker": gettext("本次推评的荣誉授予个人，请选择被推荐职工。")})
        employed = _round_employed_today(enterprise, today)
        # The same answer whether the worker is employed elsewhere or not at all.
        if worker is not None and not employed.filter(worker=worker).exists():
            raise ValidationError({"worker": gettext("只能推荐本企业的在职职工。")})
        member_ids = {m.pk for m in members}
        if member_ids and employed.filter(worker__in=member_ids).values(
            "worker"
        ).distinct().count() != len(member_ids):
            raise ValidationError({"members": gettext("集体成员须是本企业的在职职工。")})
        live = locked.nominations.filter(status__in=LIVE_NOMINATION_STATUSES).count()
        if live >= locked.quota:
            raise ValidationError(
                gettext("名额已满（本次推评名额%(quota)d个）。") % {"quota": locked.quota}
            )
        nomination = Nomination(
            round=locked,
            enterprise=enterprise,
            worker=worker,
            team_name=team_name,
            post=post,
            summary=summary,
            deeds=deeds,
            submitted_by=_round_actor(user),
        )
        extension = nomination_attachment_check(attachment) if attachment is not None else ""
        nomination.full_clean(exclude=["attachment"])
        if attachment is not None:
            _round_attach(nomination, attachment, extension)
        nomination.save()
        if members:
            nomination.members.set(members)
        _round_step(
            user=user, round=locked, nomination=nomination, action=NominationStep.Action.NOMINATED
        )
        audit_record(
            actor=user,
            action="honors.nomination.submitted",
            target=nomination,
            round=locked.pk,
            enterprise=enterprise.pk,
            worker=worker.pk if worker else None,
            team_name=team_name,
            members=sorted(member_ids),
            attachment=nomination.attachment_name,
        )
    return nomination


def nomination_update(
    *,
    user: Any,
    nomination: Nomination,
    post: str,
    summary: str,
    deeds: str,
    team_name: str | None = None,
    members: Iterable[Worker] | None = None,
    attachment: Any = None,
) -> Nomination:
    """HR change their nomination's materials while it awaits review and the window is open.
    The nominee stays: to put someone else forward, withdraw and nominate again."""
    _round_acting_for(user, nomination.enterprise_id)
    today = timezone.localdate()
    with transaction.atomic():
        locked_round, locked = _locked_nomination(nomination)
        _round_window_check(locked_round, today)
        if locked.status != Nomination.Status.SUBMITTED:
            raise ValidationError(gettext("只有待审核的推荐可以修改。"))
        before = {"post": locked.post, "summary": locked.summary, "deeds": locked.deeds}
        locked.post, locked.summary, locked.deeds = post, summary, deeds
        if locked.worker_id is None and team_name is not None:
            before["team_name"] = locked.team_name
            locked.team_name = team_name.strip()
        if members is not None and locked.worker_id is None:
            members = list(members)
            member_ids = {m.pk for m in members}
            employed = _round_employed_today(locked.enterprise, today)
            if member_ids and employed.filter(worker__in=member_ids).values(
                "worker"
            ).distinct().count() != len(member_ids):
                raise ValidationError({"members": gettext("集体成员须是本企业的在职职工。")})
        extension = nomination_attachment_check(attachment) if attachment is not None else ""
        locked.full_clean(exclude=["attachment"])
        if attachment is not None:
            _round_attach(locked, attachment, extension)
        locked.save()
        if members is not None and locked.worker_id is None:
            locked.members.set(members)
        changed = sorted(k for k, v in before.items() if getattr(locked, k) != v)
        if attachment is not None:
            changed.append("attachment")
        _round_step(
            user=user,
            round=locked_round,
            nomination=locked,
            action=NominationStep.Action.NOMINATION_CHANGED,
        )
        audit_record(actor=user, action="honors.nomination.changed", target=locked, changed=changed)
    return locked


def nomination_withdraw(*, user: Any, nomination: Nomination) -> Nomination:
    """HR withdraw their nomination before it is reviewed; it stays on record as withdrawn."""
    _round_acting_for(user, nomination.enterprise_id)
    with transaction.atomic():
        locked_round, locked = _locked_nomination(nomination)
        if locked.status != Nomination.Status.SUBMITTED:
            raise ValidationError(gettext("推荐已审核，不能再撤回。"))
        locked.status = Nomination.Status.WITHDRAWN
        locked.save(update_fields=["status", "updated_at"])
        _round_step(
            user=user, round=locked_round, nomination=locked, action=NominationStep.Action.WITHDRAWN
        )
        audit_record(actor=user, action="honors.nomination.withdrawn", target=locked)
    return locked


def nomination_review(
    *, user: Any, nomination: Nomination, accept: bool, reason: str = ""
) -> Nomination:
    """Staff accept a nomination awaiting review, or reject it with a reason, while the round
    is open (also before the window closes)."""
    _staff_only(user)
    reason = (reason or "").strip()
    with transaction.atomic():
        locked_round, locked = _locked_nomination(nomination)
        if locked_round.status != NominationRound.Status.OPEN:
            raise ValidationError(gettext("推评已进入公示或已批准，不能再审核。"))
        if locked.status != Nomination.Status.SUBMITTED:
            raise ValidationError(
                gettext("只能审核待审核的推荐（这条推荐现在是“%(status)s”）。")
                % {"status": locked.get_status_display()}
            )
        if not accept and not reason:
            raise ValidationError({"reason": gettext("审核不通过，请填写理由。")})
        locked.status = Nomination.Status.ACCEPTED if accept else Nomination.Status.REJECTED
        locked.reason = reason
        locked.save(update_fields=["status", "reason", "updated_at"])
        _round_step(
            user=user,
            round=locked_round,
            nomination=locked,
            action=NominationStep.Action.ACCEPTED if accept else NominationStep.Action.REJECTED,
            note=reason,
        )
        audit_record(
            actor=user,
            action="honors.nomination.accepted" if accept else "honors.nomination.rejected",
            target=locked,
            reason=reason,
        )
    return locked


def nomination_round_publicity_start(
    *, user: Any, round: NominationRound, starts_on: datetime.date, ends_on: datetime.date
) -> NominationRound:
    """Staff put the accepted nominations on 公示: the window has closed, every nomination is
    reviewed, at least one is accepted; the 公示 starts today or later (a notice cannot be
    published in the past) and ends on or after it starts. Its length is not enforced."""
    _staff_only(user)
    today = timezone.localdate()
    with transaction.atomic():
        locked = _locked_round(round)
        if locked.status != NominationRound.Status.OPEN:
            raise ValidationError(gettext("这次推评已经开始过公示。"))
        if today <= locked.closes_on:
            raise ValidationError(
                gettext("推荐截止（%(day)s）后才能开始公示。")
                % {"day": locked.closes_on.isoformat()}
            )
        waiting = locked.nominations.filter(status=Nomination.Status.SUBMITTED).count()
        if waiting:
            raise ValidationError(
                gettext("还有%(count)d个推荐未审核，请先审核。") % {"count": waiting}
            )
        if not locked.nominations.filter(status=Nomination.Status.ACCEPTED).exists():
            raise ValidationError(gettext("没有审核通过的推荐，不能开始公示。"))
        if starts_on < today:
            raise ValidationError({"starts_on": gettext("公示开始日期不能早于今天。")})
        if ends_on < starts_on:
            raise ValidationError({"ends_on": gettext("公示结束日期不能早于开始日期。")})
        locked.status = NominationRound.Status.PUBLICITY
        locked.publicity_starts_on = starts_on
        locked.publicity_ends_on = ends_on
        locked.full_clean()
        locked.save(
            update_fields=["status", "publicity_starts_on", "publicity_ends_on", "updated_at"]
        )
        period = "%s—%s" % (starts_on.isoformat(), ends_on.isoformat())
        _round_step(
            user=user, round=locked, action=NominationStep.Action.PUBLICITY_STARTED, note=period
        )
        audit_record(
            actor=user,
            action="honors.round.publicity_started",
            target=locked,
            starts_on=starts_on.isoformat(),
            ends_on=ends_on.isoformat(),
        )
    return locked


def nomination_object(*, user: Any, nomination: Nomination, reason: str) -> Nomination:
    """An objection upheld during 公示 takes the candidate out, with its reason."""
    _staff_only(user)
    reason = (reason or "").strip()
    today = timezone.localdate()
    with transaction.atomic():
        locked_round, locked = _locked_nomination(nomination)
        starts, ends = locked_round.publicity_starts_on, locked_round.publicity_ends_on
        if (
            locked_round.status != NominationRound.Status.PUBLICITY
            or starts is None
            or ends is None
            or not starts <= today <= ends
        ):
            raise ValidationError(gettext("只有在公示期内才能登记异议。"))
        if locked.status != Nomination.Status.ACCEPTED:
            raise ValidationError(gettext("只有公示中的人选可以登记异议。"))
        if not reason:
            raise ValidationError({"reason": gettext("请填写异议理由。")})
        locked.status = Nomination.Status.OBJECTED
        locked.reason = reason
        locked.save(update_fields=["status", "reason", "updated_at"])
        _round_step(
            user=user,
            round=locked_round,
            nomination=locked,
            action=NominationStep.Action.OBJECTED,
            note=reason,
        )
        audit_record(actor=user, action="honors.nomination.objected", target=locked, reason=reason)
    return locked


def _round_frontline_check(
    round: NominationRound, accepted: list[Nomination], day: datetime.date
) -> None:
    """Seed measure 3: a round may require a minimum share of frontline workers among the
    people it honours; frontline = an active frontline employment at the nominating enterprise
    on the day. Exact decimals; a round honouring no person has nothing to check."""
    if round.min_frontline_share is None:
        return
    people = [n for n in accepted if n.worker_id is not None]
    if not people:
        return
    frontline_pairs = set(
        Employment.objects.active_on(day)
        .filter(is_frontline=True, worker__in=[n.worker_id for n in people])
        .values_list("worker", "enterprise")
    )
    frontline = sum(1 for n in people if (n.worker_id, n.enterprise_id) in frontline_pairs)
    if Decimal(frontline) < round.min_frontline_share * len(people):
        share = (Decimal(frontline) * 100 / len(people)).quantize(Decimal("0.1"))
        required = (round.min_frontline_share * 100).quantize(Decimal("0.1"))
        raise ValidationError(
            gettext(
                "入选个人中一线职工%(frontline)d人，占%(share)s%%，低于本次推评要求的"
                "%(required)s%%，不能批准。"
            )
            % {"frontline": frontline, "share": share, "required": required}
        )


def nomination_round_approve(*, user: Any, round: NominationRound) -> list[Honour]:
    """After the 公示 has ended staff approve the round: each accepted nomination becomes an
    honour (source: 推评产生); a round is approved once. An honour that already exists with the
    same key refuses the approval, naming who, rather than be registered twice."""
    _staff_only(user)
    today = timezone.localdate()
    with transaction.atomic():
        locked = _locked_round(round)
        if locked.status == NominationRound.Status.APPROVED:
            raise ValidationError(gettext("这次推评已经批准过，不能重复批准。"))
        if locked.status != NominationRound.Status.PUBLICITY or locked.publicity_ends_on is None:
            raise ValidationError(gettext("公示结束后才能批准，这次推评还没有开始公示。"))
        if today <= locked.publicity_ends_on:
            raise ValidationError(
                gettext("公示期到%(day)s结束，公示结束后才能批准。")
                % {"day": locked.publicity_ends_on.isoformat()}
            )
        # The round's lock serialises every write of its nominations (each locks it first).
        accepted = list(
            locked.nominations.filter(status=Nomination.Status.ACCEPTED)
            .select_related("worker", "enterprise")
            .prefetch_related("members")
            .order_by("submitted_at", "id")
        )
        _round_frontline_check(locked, accepted, today)
        key = {"name": locked.honour_name, "level": locked.level, "year": locked.year}
        existing = Honour.objects.filter(**key).filter(
            Q(worker__in=[n.worker_id for n in accepted if n.worker_id])
            | Q(
                enterprise__in=[n.enterprise_id for n in accepted if not n.worker_id],
                team_name__in=[n.team_name for n in accepted if not n.worker_id],
            )
        )
        existing_keys = set(existing.values_list("worker", "enterprise", "team_name"))
        clashes = [
            n.nominee_name
            for n in accepted
            if (n.worker_id, None, "") in existing_keys
            or (None, n.enterprise_id, n.team_name) in existing_keys
        ]
        if clashes:
            raise ValidationError(
                gettext("以下人选已登记过同一年度、同一级别的这项荣誉：%(names)s。请核对后再批准。")
                % {"names": "、".join(clashes)}
            )
        honours = []
        for nomination in accepted:
            honour = Honour(
                **key,
                worker=nomination.worker,
                enterprise=None if nomination.worker_id else nomination.enterprise,
                team_name="" if nomination.worker_id else nomination.team_name,
                awarding_body=locked.awarding_body,
                document_number=locked.document_number,
                source=HonourSource.NOMINATION,
            )
            honour.full_clean()
            honour.save()
            if not nomination.worker_id:
                honour.members.set(nomination.members.all())
            nomination.honour = honour
            nomination.status = Nomination.Status.APPROVED
            nomination.save(update_fields=["honour", "status", "updated_at"])
            _round_step(
                user=user,
                round=locked,
                nomination=nomination,
                action=NominationStep.Action.APPROVED,
            )
            honours.append(honour)
        locked.status = NominationRound.Status.APPROVED
        locked.approved_at = timezone.now()
        locked.approved_by = _round_actor(user)
        locked.save(update_fields=["status", "approved_at", "approved_by", "updated_at"])
        _round_step(
            user=user,
            round=locked,
            action=NominationStep.Action.APPROVED,
            note=gettext("授予%(count)d个荣誉。") % {"count": len(honours)},
        )
        audit_record(
            actor=user,
            action="honors.round.approved",
            target=locked,
            honours=[h.pk for h in honours],
            nominations=[n.pk for n in accepted],
        )
    return honours


# --- the craftsman pool and innovation studios ------------------------------------------------


def _pool_change(*, user: Any, worker: Worker, reason: str, included: bool) -> CraftsmanPoolChange:
    """One manual change of the pool (seed measure 7: staff add or remove with a reason). The
    latest change of a worker decides; earlier ones stay as the history."""
    _staff_only(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": gettext("请填写理由。")})
    today = timezone.localdate()
    with transaction.atomic():
        # One change of a worker at a time: the latest change is what decides.
        Worker.objects.select_for_update().filter(pk=worker.pk).first()
        if included and not Employment.objects.active_on(today).filter(worker=worker).exists():
            raise ValidationError(
                gettext("“%(name)s”目前没有在职记录：工匠库只收录在职职工。")
                % {"name": worker.name}
            )
        latest = (
            CraftsmanPoolChange.objects.filter(worker=worker).order_by("-changed_at", "-pk").first()
        )
        if latest is not None and latest.included == included:
            message = (
                gettext("“%(name)s”已经人工纳入工匠库。")
                if included
                else gettext("“%(name)s”已经人工移出工匠库。")
            )
            raise ValidationError(message % {"name": worker.name})
        change = CraftsmanPoolChange(
            worker=worker,
            included=included,
            reason=reason,
            changed_by=user if getattr(user, "pk", None) else None,
        )
        change.full_clean()
        change.save()
        audit_record(
            actor=user,
            action="honors.pool.added" if included else "honors.pool.removed",
            target=change,
            worker=worker.pk,
            reason=reason,
        )
    return change


def craftsman_pool_add(*, user: Any, worker: Worker, reason: str) -> CraftsmanPoolChange:
    """Staff add an active worker to the pool by hand, with a reason; they stay in it whatever
    the criteria say until a later change removes them (or they leave employment)."""
    return _pool_change(user=user, worker=worker, reason=reason, included=True)


def craftsman_pool_remove(*, user: Any, worker: Worker, reason: str) -> CraftsmanPoolChange:
    """Staff take a worker out of the pool by hand, with a reason, even if they meet a
    criterion, until a later change adds them again."""
    return _pool_change(user=user, worker=worker, reason=reason, included=False)


# Which fields each kind of criterion uses; the others are cleared on save.
_CRITERION_FIELDS: dict[str, tuple[str, ...]] = {
    CraftsmanCriterion.Kind.SKILL_LEVEL.value: ("min_skill_level",),
    CraftsmanCriterion.Kind.COMPETITION_PRIZE.value: ("min_award_level",),
    CraftsmanCriterion.Kind.HONOUR.value: ("honour_name", "min_award_level"),
}


def craftsman_criterion_save(*, user: Any, criterion: CraftsmanCriterion) -> CraftsmanCriterion:
    """Add or change a criterion of the pool (staff); the fields its kind does not use are
    cleared so that a criterion always reads as what it checks."""
    used = _CRITERION_FIELDS.get(str(criterion.kind), ())
    for name in ("min_skill_level", "min_award_level", "honour_name"):
        if name not in used:
            setattr(criterion, name, "")
    record_save(actor=user, instance=criterion, action="honors.criterion.saved")
    return criterion


def craftsman_criterion_deactivate(*, user: Any, criterion: CraftsmanCriterion) -> None:
    """Deleting a criterion deactivates it: it stops counting and stays on record."""
    criterion.is_active = False
    record_save(actor=user, instance=criterion, action="honors.criterion.deactivated")


def _studio_leader_check(studio: InnovationStudio) -> None:
    """劳模工匠创新工作室 are led by an honoured worker: the leader holds a person honour."""
    if studio.leader_id is None:
        return  # full_clean names the missing field
    if not Honour.objects.filter(worker_id=studio.leader_id).exists():
        raise ValidationError(
            {
                "leader": gettext(
                    "领办人须是获得过荣誉（劳动模范、嵊州工匠、杰出工匠或优秀职工）的职工，"
                    "请先在荣誉中登记其荣誉。"
                )
            }
        )


def innovation_studio_save(
    *, user: Any, studio: InnovationStudio, members: Iterable[Worker] | None = None
) -> InnovationStudio:
    """Add or change a studio (staff): led by an honoured worker, founded no later than today;
    `members` (workers), when given, replace its members."""
    _studio_leader_check(studio)
    if studio.founded_on and studio.founded_on > timezone.localdate():
        raise ValidationError({"founded_on": gettext("命名（成立）日期不能晚于今天。")})
    with transaction.atomic():
        record_save(
            actor=user,
            instance=studio,
            action="honors.studio.saved",
            m2m=None if members is None else {"members": list(members)},
        )
    return studio


def innovation_studio_delete(*, user: Any, studio: InnovationStudio) -> None:
    """Delete a studio entered by mistake; one with results is refused (mark it not running)."""
    record_delete(actor=user, instance=studio, action="honors.studio.deleted")


def studio_result_save(*, user: Any, result: StudioYearResult) -> StudioYearResult:
    """A studio's results of one year (one row a year): the year not in the future nor before
    the studio was founded; counts and amounts not negative (the model's validators)."""
    this_year = timezone.localdate().year
    if result.year is not None and result.year > this_year:
        raise ValidationError(
            {"year": gettext("年度不能晚于今年（%(year)d年）。") % {"year": this_year}}
        )
    studio = result.studio if result.studio_id else None
    if studio is not None and result.year is not None and result.year < studio.founded_on.year:
        raise ValidationError(
            {
                "year": gettext("年度不能早于工作室命名（成立）的年份（%(year)d年）。")
                % {"year": studio.founded_on.year}
            }
        )
    record_save(actor=user, instance=result, action="honors.studio_result.saved")
    return result


def studio_result_delete(*, user: Any, result: StudioYearResult) -> None:
    record_delete(actor=user, instance=result, action="honors.studio_result.deleted")
