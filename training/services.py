"""Writes of training-fund declarations, the yearly rule and the notices to enterprises."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.roles import is_sub_district_staff
from core.services import audit_record
from enterprises.models import Enterprise
from enterprises.selectors import enterprises_acted_for
from training.importers import version_of
from training.models import (
    FIRST_YEAR,
    FundDeclaration,
    FundNotice,
    FundNoticeReceipt,
    FundRule,
    FundRuleChange,
)


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
