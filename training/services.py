"""Writes of training-fund declarations, the yearly rule and the notices to enterprises."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.roles import is_sub_district_staff
from core.services import audit_record, record_delete, record_save
from enterprises.models import Enterprise
from enterprises.selectors import enterprises_acted_for
from training.importers import version_of
from training.models import (
    FIRST_YEAR,
    Competition,
    CompetitionResult,
    Course,
    FundDeclaration,
    FundNotice,
    FundNoticeReceipt,
    FundRule,
    FundRuleChange,
    InstituteCheck,
    InstituteCriterion,
    SchoolEnterpriseCooperation,
    TrainingInstitute,
    TrainingRecord,
)
from training.rules import prize_of
from workers.models import RecordSource


def _may_declare_for(user: Any, enterprise_id: int | None) -> bool:
    return (
        enterprise_id is not None and enterprises_acted_for(user).filter(pk=enterprise_id).exists()
    )


def fund_declaration_submit(
    *,
    user: Any,
    enterprise: Enterprise,
    year: int,
    payroll: Decimal,
    extracted: Decimal,
    spent: Decimal,
    frontline_spent: Decimal,
    source: str = FundDeclaration.Source.FORM,
) -> tuple[FundDeclaration, bool]:
    """Declare or resubmit a year (form or admin). A resubmission with other figures becomes
    the newest version and keeps the earlier one; the same figures again change nothing.
    Returns (declaration, changed)."""
    if not _may_declare_for(user, enterprise.pk):
        raise PermissionDenied
    this_year = timezone.localdate().year
    if not FIRST_YEAR <= year <= this_year:
        raise ValidationError(
            {
                "year": gettext("年度应在%(first)s年到%(this)s年之间。")
                % {"first": FIRST_YEAR, "this": this_year}
            }
        )
    amounts = {
        "payroll": payroll,
        "extracted": extracted,
        "spent": spent,
        "frontline_spent": frontline_spent,
    }
    if any(value < 0 for value in amounts.values()):
        raise ValidationError(gettext("金额不能是负数。"))
    if frontline_spent > spent:
        raise ValidationError(
            {"frontline_spent": gettext("其中一线职工使用额不能大于教育培训经费使用额。")}
        )
    actor = user if getattr(user, "pk", None) else None
    with transaction.atomic():
        # One declaration change at a time per enterprise (the upload path locks the same row).
        Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()
        declaration = (
            FundDeclaration.objects.select_for_update()
            .filter(enterprise=enterprise, year=year)
            .first()
        )
        if declaration is not None and all(
            getattr(declaration, field) == value for field, value in amounts.items()
        ):
            return declaration, False
        if declaration is None:
            declaration = FundDeclaration(enterprise=enterprise, year=year, version=1)
        else:
            declaration.version += 1
        for field, value in amounts.items():
            setattr(declaration, field, value)
        declaration.source = source
        declaration.submitted_by = actor
        declaration.submitted_at = timezone.now()
        declaration.full_clean()
        declaration.save()
        version_of(declaration).save()
        audit_record(
            actor=user,
            action="training.declaration.submitted",
            target=declaration,
            year=year,
            version=declaration.version,
            **{field: format(value, "f") for field, value in amounts.items()},
        )
    return declaration, True


def fund_rule_save(
    *,
    user: Any,
    year: int,
    extraction_rate: Decimal,
    frontline_rate: Decimal,
    note: str = "",
) -> FundRule:
    """Set a year's rates (staff only); earlier settings stay in the rule's history and other
    years are untouched (DOMAIN.md: staff change 8% and 60% per year)."""
    if not is_sub_district_staff(user):
        raise PermissionDenied
    with transaction.atomic():
        rule = FundRule.objects.select_for_update().filter(year=year).first() or FundRule(year=year)
        rule.extraction_rate = extraction_rate
        rule.frontline_rate = frontline_rate
        rule.note = note
        rule.updated_by = user
        rule.full_clean()
        rule.save()
        FundRuleChange.objects.create(
            year=year,
            extraction_rate=extraction_rate,
            frontline_rate=frontline_rate,
            note=note,
            changed_by=user,
        )
        audit_record(
            actor=user,
            action="training.rule.saved",
            target=rule,
            extraction_rate=format(extraction_rate, "f"),
            frontline_rate=format(frontline_rate, "f"),
        )
    return rule


def fund_notices_send(
    *, user: Any, enterprise_ids: list[int], year: int, message: str
) -> list[FundNotice]:
    """Staff notify enterprises of a failed rule; their HR users see it on their page."""
    if not is_sub_district_staff(user):
        raise PermissionDenied
    message = message.strip()
    if not message:
        raise ValidationError({"message": gettext("请填写通知内容。")})
    enterprises = list(Enterprise.objects.filter(pk__in=enterprise_ids).order_by("name"))
    if not enterprises:
        raise ValidationError(gettext("请至少选择一家企业。"))
    with transaction.atomic():
        notices = FundNotice.objects.bulk_create(
            [
                FundNotice(enterprise=e, year=year, message=message, sent_by=user)
                for e in enterprises
            ]
        )
        audit_record(
            actor=user,
            action="training.notice.sent",
            year=year,
            enterprises=[e.pk for e in enterprises],
        )
    return notices


def fund_notice_read(*, user: Any, notice: FundNotice) -> FundNoticeReceipt | None:
    """An HR user of the enterprise opened the notice: the first opening is the receipt."""
    if not _may_declare_for(user, notice.enterprise_id) or is_sub_district_staff(user):
        return None  # staff looking at a notice do not count as the enterprise reading it
    receipt, _created = FundNoticeReceipt.objects.get_or_create(notice=notice, user=user)
    return receipt


# ----------------------------------------------------------------------------------------------
# The skills registers staff keep in the admin (seed measures 4–7). Each write checks the
# model's permission, validates, writes the changed fields and an audit row in one transaction
# (core.services.record_save / record_delete); the rules of the domain are checked here first.


def institute_criterion_save(*, user: Any, criterion: InstituteCriterion) -> InstituteCriterion:
    """Add, rename, reorder or retire a criterion of the "六个有" standard (DOMAIN.md: staff
    edit the list). A retired criterion keeps its checks but no longer counts."""
    record_save(actor=user, instance=criterion, action="training.criterion.saved")
    return criterion


def institute_criterion_delete(*, user: Any, criterion: InstituteCriterion) -> None:
    """Delete a criterion entered by mistake; one that institutes were checked against is
    refused (retire it instead, so that the checks stay on record)."""
    record_delete(actor=user, instance=criterion, action="training.criterion.deleted")


def training_institute_save(*, user: Any, institute: TrainingInstitute) -> TrainingInstitute:
    record_save(actor=user, instance=institute, action="training.institute.saved")
    return institute


def training_institute_delete(*, user: Any, institute: TrainingInstitute) -> None:
    """Delete an institute with its checks; one that courses or agreements name is refused."""
    record_delete(actor=user, instance=institute, action="training.institute.deleted")


def institute_check_save(*, user: Any, check: InstituteCheck) -> InstituteCheck:
    """Record an institute checked against one criterion; whoever saves it is the checker
    (never a form field), so a changed check names who changed it."""
    check.checked_by = user if getattr(user, "pk", None) else None
    record_save(actor=user, instance=check, action="training.institute_check.saved")
    return check


def institute_check_delete(*, user: Any, check: InstituteCheck) -> None:
    """Remove a check: the criterion counts as not checked again."""
    record_delete(actor=user, instance=check, action="training.institute_check.deleted")


def school_enterprise_cooperation_save(
    *, user: Any, cooperation: SchoolEnterpriseCooperation
) -> SchoolEnterpriseCooperation:
    """Add or change a 校企合作 agreement (seed measure 4); it ends on or after it starts."""
    record_save(actor=user, instance=cooperation, action="training.cooperation.saved")
    return cooperation


def school_enterprise_cooperation_delete(
    *, user: Any, cooperation: SchoolEnterpriseCooperation
) -> None:
    record_delete(actor=user, instance=cooperation, action="training.cooperation.deleted")


def _not_in_the_future(day: Any, field: str, message: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: message})


def course_save(*, user: Any, course: Course) -> Course:
    """Add or change a course. Its records carry its start date (the key of a training record
    is 培训项目 + 开始日期 + 身份证号, DOMAIN.md), so a new start date moves theirs with it; a
    course with records cannot start in the future or after one of its records ended."""
    with transaction.atomic():
        records = TrainingRecord.objects.filter(course_id=course.pk) if course.pk else None
        if records is not None and records.exists():
            _not_in_the_future(
                course.starts_on,
                "starts_on",
                gettext("已有培训记录的培训项目，开始日期不能晚于今天。"),
            )
            if course.starts_on and records.filter(ends_on__lt=course.starts_on).exists():
                raise ValidationError(
                    {
                        "starts_on": gettext(
                            "有培训记录的结束日期早于这个开始日期，请先核对培训记录。"
                        )
                    }
                )
        changes = record_save(actor=user, instance=course, action="training.course.saved")
        if records is not None and "starts_on" in changes:
            records.update(starts_on=course.starts_on)
    return course


def course_delete(*, user: Any, course: Course) -> None:
    """Delete a course entered by mistake; one with training records is refused."""
    record_delete(actor=user, instance=course, action="training.course.deleted")


def training_record_save(*, user: Any, record: TrainingRecord) -> TrainingRecord:
    """Add or change one worker's record of a course (staff, in the admin). The start date is
    the course's; a blank end date is the course's; a course that has not started yet has no
    records (DOMAIN.md: 开始日期 in the future is an error)."""
    with transaction.atomic():
        course = Course.objects.filter(pk=record.course_id).first()
        if course is not None:
            _not_in_the_future(
                course.starts_on,
                "course",
                gettext("这个培训项目的开始日期晚于今天，还不能登记培训记录。"),
            )
            record.starts_on = course.starts_on
            if record.ends_on is None:
                record.ends_on = course.ends_on
        if record.pk is None and not record.source:
            record.source = RecordSource.ADMIN
        record_save(actor=user, instance=record, action="training.record.saved")
    return record


def training_record_delete(*, user: Any, record: TrainingRecord) -> None:
    record_delete(actor=user, instance=record, action="training.record.deleted")


def competition_save(*, user: Any, competition: Competition) -> Competition:
    """Add or change a competition; its results carry its date, which moves with it. A
    competition with results cannot be dated in the future."""
    with transaction.atomic():
        results = (
            CompetitionResult.objects.filter(competition_id=competition.pk)
            if competition.pk
            else None
        )
        if results is not None and results.exists():
            _not_in_the_future(
                competition.held_on,
                "held_on",
                gettext("已有成绩的竞赛，举办日期不能晚于今天。"),
            )
        changes = record_save(actor=user, instance=competition, action="training.competition.saved")
        if results is not None and "held_on" in changes:
            results.update(held_on=competition.held_on)
    return competition


def competition_delete(*, user: Any, competition: Competition) -> None:
    """Delete a competition entered by mistake; one with results is refused."""
    record_delete(actor=user, instance=competition, action="training.competition.deleted")


def competition_result_save(*, user: Any, result: CompetitionResult) -> CompetitionResult:
    """Add or change a worker's result. 获奖等次 is one of DOMAIN.md's forms (一等奖 … 优秀奖,
    第N名), stored normalised; blank means took part (参赛), not a prize."""
    prize = prize_of(result.prize or "")
    if prize is None:
        raise ValidationError(
            {
                "prize": gettext(
                    "获奖等次应为特等奖、一等奖、二等奖、三等奖、优秀奖或第N名；只参赛未获奖请留空。"
                )
            }
        )
    with transaction.atomic():
        competition = Competition.objects.filter(pk=result.competition_id).first()
        if competition is not None:
            _not_in_the_future(
                competition.held_on,
                "competition",
                gettext("这项竞赛的举办日期晚于今天，还不能登记成绩。"),
            )
            result.held_on = competition.held_on
        # Set here, not only in save(): record_save writes the fields that changed.
        result.prize = prize
        result.is_prize = bool(prize)
        if result.pk is None and not result.source:
            result.source = RecordSource.ADMIN
        record_save(actor=user, instance=result, action="training.competition_result.saved")
    return result


def competition_result_delete(*, user: Any, result: CompetitionResult) -> None:
    record_delete(actor=user, instance=result, action="training.competition_result.deleted")
