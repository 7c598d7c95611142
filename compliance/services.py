"""Writes of democratic-management records (seed measure 9) and labour inspections (seed
measure 8). The rules are the models' own (constraints and `clean()`), checked by
`record_save` before anything is written."""

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from compliance.models import (
    CollectiveWageContract,
    EnteredRecord,
    FactoryAffairsDisclosure,
    LabourInspection,
    WorkersCongressSession,
)
from core.roles import is_sub_district_staff
from core.services import audit_record, record_delete, record_save
from enterprises.models import Enterprise
from enterprises.selectors import enterprises_acted_for

Record = TypeVar("Record", bound=EnteredRecord)
# The fields the entry services set themselves: never from a form or the caller's fields.
ENTRY_FIELDS = ("entered_by", "confirmed_by", "confirmed_at")


def _require_acts_for(user: Any, enterprise_id: int | None) -> None:
    """Staff act for any enterprise, HR for their own (DOMAIN.md); anyone else for none."""
    if enterprise_id is None or not enterprises_acted_for(user).filter(pk=enterprise_id).exists():
        raise PermissionDenied


def _democratic_save(user: Any, record: Record, action: str) -> Record:
    """Democratic-management records (issue 15): HR enter their own enterprise's, which wait
    for a staff member's confirmation; staff's new records are confirmed as they are saved.
    HR may change only a record of their enterprise that is not confirmed yet (and may not
    move it to another enterprise); staff may change any, and a change keeps its confirmation."""
    adding = record._state.adding or record.pk is None
    staff = is_sub_district_staff(user)
    if not staff:
        _require_acts_for(user, record.enterprise_id)  # type: ignore[attr-defined]
    with transaction.atomic():
        if adding:
            record.entered_by = user
            if staff:
                record.confirmed_by = user
                record.confirmed_at = timezone.now()
            else:
                record.confirmed_by = None
                record.confirmed_at = None
        elif not staff:
            stored = (
                type(record)
                ._default_manager.select_for_update()
                .filter(pk=record.pk)
                .values("enterprise_id", "confirmed_at")
                .first()
            )
            if stored is None:
                raise ValidationError(gettext("该记录已被删除，请返回列表刷新后重试。"))
            _require_acts_for(user, stored["enterprise_id"])
            if stored["confirmed_at"] is not None:
                raise ValidationError(
                    gettext("该记录已由街道确认，不能再修改；如需更正请联系街道工作人员。")
                )
        record_save(actor=user, instance=record, action=action, exclude=ENTRY_FIELDS)
    return record


def _democratic_delete(user: Any, record: EnteredRecord, action: str) -> None:
    """Staff delete any record; HR withdraw only their enterprise's unconfirmed ones."""
    if not is_sub_district_staff(user):
        _require_acts_for(user, record.enterprise_id)  # type: ignore[attr-defined]
        if record.confirmed_at is not None:
            raise ValidationError(
                gettext("该记录已由街道确认，不能撤回；如需更正请联系街道工作人员。")
            )
    record_delete(actor=user, instance=record, action=action)


def workers_congress_session_save(
    *, user: Any, session: WorkersCongressSession
) -> WorkersCongressSession:
    """Register a 职代会 session; an enterprise's session label is registered once."""
    return _democratic_save(user, session, "compliance.congress_session.saved")


def workers_congress_session_delete(*, user: Any, session: WorkersCongressSession) -> None:
    _democratic_delete(user, session, "compliance.congress_session.deleted")


def workers_congress_session_enter(
    *, user: Any, enterprise: Enterprise, **fields: Any
) -> WorkersCongressSession:
    """HR or staff enter a 职代会 session of `enterprise` (HR's waits for confirmation)."""
    session = WorkersCongressSession(enterprise=enterprise, **_entry_fields(fields))
    return workers_congress_session_save(user=user, session=session)


def factory_affairs_disclosure_save(
    *, user: Any, disclosure: FactoryAffairsDisclosure
) -> FactoryAffairsDisclosure:
    return _democratic_save(user, disclosure, "compliance.disclosure.saved")


def factory_affairs_disclosure_delete(*, user: Any, disclosure: FactoryAffairsDisclosure) -> None:
    _democratic_delete(user, disclosure, "compliance.disclosure.deleted")


def factory_affairs_disclosure_enter(
    *, user: Any, enterprise: Enterprise, **fields: Any
) -> FactoryAffairsDisclosure:
    """HR or staff enter a 厂务公开 item of `enterprise` (HR's waits for confirmation)."""
    disclosure = FactoryAffairsDisclosure(enterprise=enterprise, **_entry_fields(fields))
    return factory_affairs_disclosure_save(user=user, disclosure=disclosure)


def collective_wage_contract_save(
    *, user: Any, contract: CollectiveWageContract
) -> CollectiveWageContract:
    """Register a 工资集体协商 contract; it ends on or after the day it starts."""
    return _democratic_save(user, contract, "compliance.wage_contract.saved")


def collective_wage_contract_delete(*, user: Any, contract: CollectiveWageContract) -> None:
    _democratic_delete(user, contract, "compliance.wage_contract.deleted")


def collective_wage_contract_enter(
    *, user: Any, enterprise: Enterprise, **fields: Any
) -> CollectiveWageContract:
    """HR or staff enter a wage contract of `enterprise` (HR's waits for confirmation)."""
    contract = CollectiveWageContract(enterprise=enterprise, **_entry_fields(fields))
    return collective_wage_contract_save(user=user, contract=contract)


def _entry_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The caller's fields less those the services set (who entered and confirmed)."""
    return {
        name: value for name, value in fields.items() if name not in (*ENTRY_FIELDS, "enterprise")
    }


_CONFIRM_ACTIONS = {
    WorkersCongressSession: "compliance.congress_session.confirmed",
    FactoryAffairsDisclosure: "compliance.disclosure.confirmed",
    CollectiveWageContract: "compliance.wage_contract.confirmed",
}


def democratic_record_confirm(*, user: Any, record: EnteredRecord) -> bool:
    """Staff confirm an HR-entered record (issue 15): from then on it counts in the figures.
    Confirming a confirmed record changes nothing (returns False); one audit row a confirmation."""
    if not is_sub_district_staff(user):
        raise PermissionDenied
    model = type(record)
    with transaction.atomic():
        stored = model._default_manager.select_for_update().filter(pk=record.pk).first()
        if stored is None:
            raise ValidationError(gettext("该记录已被删除，请返回列表刷新后重试。"))
        if stored.confirmed_at is not None:
            return False
        stored.confirmed_by = user
        stored.confirmed_at = timezone.now()
        stored.save(update_fields=["confirmed_by", "confirmed_at"])
        audit_record(
            actor=user,
            action=_CONFIRM_ACTIONS[model],
            target=stored,
            enterprise=stored.enterprise_id,  # type: ignore[attr-defined]
            entered_by=stored.entered_by_id,  # type: ignore[attr-defined]
        )
    record.confirmed_by = stored.confirmed_by
    record.confirmed_at = stored.confirmed_at
    return True


def labour_inspection_save(*, user: Any, inspection: LabourInspection) -> LabourInspection:
    """Record an inspection or its correction: a deadline needs the corrections required, and
    销号 needs a date not before the inspection and not after today (LabourInspection.clean)."""
    record_save(actor=user, instance=inspection, action="compliance.inspection.saved")
    return inspection


def labour_inspection_delete(*, user: Any, inspection: LabourInspection) -> None:
    record_delete(actor=user, instance=inspection, action="compliance.inspection.deleted")
