"""Writes of democratic-management records (seed measure 9) and labour inspections (seed
measure 8). The rules are the models' own (constraints and `clean()`), checked by
`record_save` before anything is written."""

from typing import Any

from compliance.models import (
    CollectiveWageContract,
    FactoryAffairsDisclosure,
    LabourInspection,
    WorkersCongressSession,
)
from core.services import record_delete, record_save


def workers_congress_session_save(
    *, user: Any, session: WorkersCongressSession
) -> WorkersCongressSession:
    """Register a 职代会 session; an enterprise's session label is registered once."""
    record_save(actor=user, instance=session, action="compliance.congress_session.saved")
    return session


def workers_congress_session_delete(*, user: Any, session: WorkersCongressSession) -> None:
    record_delete(actor=user, instance=session, action="compliance.congress_session.deleted")


def factory_affairs_disclosure_save(
    *, user: Any, disclosure: FactoryAffairsDisclosure
) -> FactoryAffairsDisclosure:
    record_save(actor=user, instance=disclosure, action="compliance.disclosure.saved")
    return disclosure


def factory_affairs_disclosure_delete(*, user: Any, disclosure: FactoryAffairsDisclosure) -> None:
    record_delete(actor=user, instance=disclosure, action="compliance.disclosure.deleted")


def collective_wage_contract_save(
    *, user: Any, contract: CollectiveWageContract
) -> CollectiveWageContract:
    """Register a 工资集体协商 contract; it ends on or after the day it starts."""
    record_save(actor=user, instance=contract, action="compliance.wage_contract.saved")
    return contract


def collective_wage_contract_delete(*, user: Any, contract: CollectiveWageContract) -> None:
    record_delete(actor=user, instance=contract, action="compliance.wage_contract.deleted")


def labour_inspection_save(*, user: Any, inspection: LabourInspection) -> LabourInspection:
    """Record an inspection or its correction: a deadline needs the corrections required, and
    销号 needs a date not before the inspection and not after today (LabourInspection.clean)."""
    record_save(actor=user, instance=inspection, action="compliance.inspection.saved")
    return inspection


def labour_inspection_delete(*, user: Any, inspection: LabourInspection) -> None:
    record_delete(actor=user, instance=inspection, action="compliance.inspection.deleted")
