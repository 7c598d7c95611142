"""Rows of the skills data sets (training records, certificates, competition results, honours)
name a worker by 身份证号 and 姓名: find them in the register, set-based.

DOMAIN.md: a worker who is not in the portal's register cannot receive a record (an error on
身份证号), and 姓名 must match the register after trimming spaces, full-width ones too (an error
on 姓名). An upload from an enterprise's page (HR's) may name only that enterprise's current
workers; any other ID number is the same error whether or not the person exists elsewhere, so
the page is no oracle for who works where (issue 12).
"""

from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext

from core.crypto import blind_index
from core.identity import ResidentId
from imports.engine import ParsedRow, Report, lookup_in_chunks
from workers.models import Employment, Worker, WorkerTransfer


def same_name(typed: str, registered: str) -> bool:
    """Names compared without any whitespace (half- or full-width)."""
    return "".join(typed.split()) == "".join(registered.split())


def match_workers(
    rows: list[ParsedRow],
    report: Report,
    *,
    id_column: str,
    name_column: str,
    enterprise: Any = None,
) -> dict[int, int]:
    """Excel row → worker pk for every row whose 身份证号 and 姓名 match the register (and,
    with `enterprise`, a worker that enterprise employs today); an error for each other row.
    Rows without a parsed ID number (its own cell error) are left out. Three queries at most."""
    numbers = {
        row.values[id_column].number
        for row in rows
        if isinstance(row.values.get(id_column), ResidentId)
    }
    digest_of = {number: blind_index(number) for number in numbers}
    registered: dict[str, tuple[int, str]] = {
        digest: (pk, name)
        for digest, pk, name in lookup_in_chunks(
            Worker.objects.order_by().values_list("id_number_digest", "pk", "name"),
            "id_number_digest",
            list(digest_of.values()),
        )
    }
    employed: set[int] | None = None
    if enterprise is not None:
        employed = _employed_today(enterprise, [pk for pk, _name in registered.values()])
    matched: dict[int, int] = {}
    for row in rows:
        resident = row.values.get(id_column)
        if not isinstance(resident, ResidentId):
            continue
        found = registered.get(digest_of[resident.number])
        if employed is not None and (found is None or found[0] not in employed):
            report.error(
                row.row,
                id_column,
                gettext(
                    "身份证号对应的职工不是本企业（%(enterprise)s）的在职职工，"
                    "在本页只能填报本企业在职职工的记录。请核对身份证号，"
                    "或先上传包含这名职工的花名册。"
                )
                % {"enterprise": enterprise.name},
            )
            continue
        if found is None:
            report.error(
                row.row,
                id_column,
                gettext(
                    "身份证号对应的职工不在职工登记中。请核对身份证号，"
                    "或先由所在企业上传包含这名职工的花名册。"
                ),
            )
            continue
        pk, name = found
        typed = row.values.get(name_column)
        if typed is not None and not same_name(str(typed), name):
            report.error(
                row.row,
                name_column,
                gettext(
                    "姓名“%(typed)s”与职工登记中这个身份证号的姓名不一致，请核对姓名和身份证号。"
                )
                % {"typed": typed},
            )
            continue
        matched[row.row] = pk
    return matched


def _employed_today(enterprise: Any, worker_pks: list[int]) -> set[int]:
    """The workers of `worker_pks` that `enterprise` employs today, the way HR's personal-data
    rule counts them (`workers.selectors.employed_by_hr_today`): an employment whose transfer
    still waits for staff does not count."""
    pending = WorkerTransfer.objects.filter(
        worker=OuterRef("worker"),
        to_enterprise=OuterRef("enterprise"),
        status=WorkerTransfer.Status.PENDING,
    )
    employments = (
        Employment.objects.active_on(timezone.localdate())
        .filter(enterprise=enterprise)
        .exclude(Exists(pending))
        .order_by()
        .values_list("worker_id", flat=True)
    )
    return set(lookup_in_chunks(employments, "worker_id", worker_pks))
