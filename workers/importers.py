"""An enterprise's worker roster (花名册) as a data set of the import engine (INTERFACES.md).

A roster is the enterprise's full current list (DOMAIN.md): rows create or update the worker
(one per 身份证号, across enterprises) and their employment here; workers of this enterprise
missing from the file are marked departed with today's date, never deleted.
"""

import datetime
import json
from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from core.choices import ContractType, PoliticalStatus, Sex, SkillLevel
from core.crypto import blind_index, blind_indexer
from core.identity import ResidentId, mask_id_number, parse_resident_id
from enterprises.models import Enterprise
from imports.bulk import (
    allocate_ids,
    concrete_field,
    insert_rows,
    read_rows,
    timestamp_value,
    update_rows,
)
from imports.cells import (
    parse_contract_type,
    parse_date,
    parse_phone,
    parse_political_status,
    parse_skill_level,
    parse_text,
    parse_yes_no,
)
from imports.engine import (
    Column,
    DataSet,
    ImportContext,
    Importer,
    ImportRefused,
    ParsedRow,
    Plan,
    Report,
    lookup_in_chunks,
)
from workers.models import Employment, Worker, WorkerTransfer
from workers.rules import hire_date_error
from workers.signals import membership_changed

NAME = "姓名"
ID_NUMBER = "身份证号"
SEX = "性别"
BIRTH_DATE = "出生日期"
PHONE = "手机号码"
POSITION = "岗位"
FRONTLINE = "是否一线职工"
SKILL_LEVEL = "职业技能等级"
POLITICAL_STATUS = "政治面貌"
UNION_MEMBER = "是否工会会员"
HIRE_DATE = "入职日期"
CONTRACT_TYPE = "劳动合同类型"
EDUCATION = "学历"
REMARKS = "备注"

# The preview lists this many of the new workers and counts the rest ("另有 N 人").
NEW_WORKERS_SHOWN = 200

# DOMAIN.md: more than 20% of the active workers (with at least 10 active) departing at once
# needs the user's explicit confirmation.
DEPARTURE_GUARD_SHARE = 0.2
DEPARTURE_GUARD_MIN_ACTIVE = 10


def _parse_sex(value: object) -> str:
    text = parse_text(value, max_length=4, label=SEX)
    if text in ("男", "男性", "M", "m"):
        return Sex.MALE
    if text in ("女", "女性", "F", "f"):
        return Sex.FEMALE
    raise ValidationError(gettext("性别请填写“男”或“女”。"), code="sex")


# The data set's key in the imports registry and on its import records.
ROSTER = "roster"

ROSTER_DATASET = DataSet(
    name="花名册",
    sheet_name="花名册",
    columns=(
        # Names, ID numbers and phones differ row to row: parsed without a cache.
        Column(NAME, partial(parse_text, max_length=50, label=NAME), required=True, cached=False),
        Column(
            ID_NUMBER,
            parse_resident_id,
            required=True,
            variants=("身份证号码", "公民身份号码", "居民身份证号", "身份证"),
            cached=False,
        ),
        Column(SEX, _parse_sex),
        Column(BIRTH_DATE, partial(parse_date, label=BIRTH_DATE)),
        Column(PHONE, parse_phone, variants=("手机号", "联系电话"), cached=False),
        Column(
            POSITION, partial(parse_text, max_length=100, label=POSITION), variants=("工作岗位",)
        ),
        Column(FRONTLINE, parse_yes_no, required=True, variants=("一线职工", "是否一线")),
        Column(SKILL_LEVEL, parse_skill_level, variants=("技能等级",)),
        Column(POLITICAL_STATUS, parse_political_status),
        Column(UNION_MEMBER, parse_yes_no, required=True, variants=("工会会员", "是否会员")),
        Column(HIRE_DATE, partial(parse_date, label=HIRE_DATE), required=True),
        Column(CONTRACT_TYPE, parse_contract_type, variants=("合同类型",)),
        Column(EDUCATION, partial(parse_text, max_length=30, label=EDUCATION)),
        Column(REMARKS, partial(parse_text, max_length=200, label=REMARKS)),
    ),
)

# Worker fields filled from optional columns; a column absent from the file leaves them alone.
_WORKER_FIELDS = {
    PHONE: "phone",
    EDUCATION: "education",
    REMARKS: "remarks",
    POLITICAL_STATUS: "political_status",
    SKILL_LEVEL: "skill_level",
}
_EMPLOYMENT_FIELDS = {POSITION: "position", CONTRACT_TYPE: "contract_type"}
_EMPTY = {"political_status": "masses", "skill_level": "", "contract_type": ""}
# What the plan compares a row with, per stored worker.
_STORED_WORKER_FIELDS = (
    "pk",
    "name",
    "is_union_member",
    "union_joined_on",
    "union_left_on",
    *_WORKER_FIELDS.values(),
)

# Who the person is, as their current employer or staff recorded it (issue 12): a roster of
# another enterprise may not overwrite these while that employer employs them. Name, political
# status, education, skill level (the person's, certificates follow the person too), remarks
# and union membership (一次入会、动态接转) are kept on the transfer request for staff; the
# phone is identity data too but is never kept there (PIPL), so it is only withheld.
# Position, frontline, contract type and hire date belong to the employment here and update.
TRANSFER_FIELDS = (
    "name",
    "political_status",
    "education",
    "skill_level",
    "remarks",
    "is_union_member",
)
# Neutral on purpose: an HR user may not learn which enterprise employs the person.
TRANSFER_WARNING = gettext_lazy(
    "该职工目前在其他企业任职，本次导入不会修改其姓名、手机号码、政治面貌等个人信息；"
    "调动需由街道工作人员确认。"
)


# Field → the column a user knows it by, for the preview's list of changed fields.
_LABELS = {
    "name": NAME,
    "is_union_member": UNION_MEMBER,
    "is_frontline": FRONTLINE,
    "hire_date": HIRE_DATE,
    **{field: column for column, field in _WORKER_FIELDS.items()},
    **{field: column for column, field in _EMPLOYMENT_FIELDS.items()},
}
_CHOICE_LABELS: dict[str, dict[str, str]] = {
    "political_status": {str(v): str(label) for v, label in PoliticalStatus.choices},
    "skill_level": {str(v): str(label) for v, label in SkillLevel.choices},
    "contract_type": {str(v): str(label) for v, label in ContractType.choices},
}


def _shown(field: str, value: Any) -> str:
    """A stored or wanted value as the roster writes it (是/否, choice labels, ISO dates)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if field in _CHOICE_LABELS:
        return _CHOICE_LABELS[field].get(value, str(value))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class RosterImporter(Importer):
    dataset = ROSTER_DATASET

    def __init__(
        self,
        *,
        enterprise: Enterprise,
        confirm_departures: bool = False,
        preview: bool = False,
        actor: Any = None,
    ):
        self.enterprise = enterprise
        self.actor = actor  # who uploaded or confirmed: kept on membership changes
        self.digests: dict[str, str] = {}  # ID number → keyed digest, filled by plan()
        self.confirm_departures = confirm_departures
        # A web preview reports that departures need the second confirmation instead of
        # refusing the file: the user confirms them on the preview page.
        self.preview = preview
        self.today = timezone.localdate()

    @classmethod
    def from_context(cls, context: ImportContext) -> "RosterImporter":
        assert context.enterprise is not None  # nosec B101 # type narrowing: a roster is always one enterprise's
        return cls(
            enterprise=context.enterprise,
            confirm_departures=context.confirm_departures,
            preview=context.preview,
            actor=context.actor,
        )

    def check(self, rows: list[ParsedRow], report: Report) -> None:
        first_row: dict[str, int] = {}
        for row in rows:
            values = row.values
            resident: ResidentId = values[ID_NUMBER]
            if resident.number in first_row:
                report.error(
                    row.row,
                    ID_NUMBER,
                    gettext("身份证号与第%(first)s行重复，同一职工只能填一行。")
                    % {"first": first_row[resident.number]},
                )
                continue
            first_row[resident.number] = row.row
            # The ID number is the authority (INTERFACES.md): the typed column is the error.
            if values.get(SEX) and values[SEX] != resident.sex:
                report.error(
                    row.row,
                    SEX,
                    gettext("性别与身份证号不符（身份证号显示为%(sex)s），请改正或留空。")
                    % {"sex": Sex(resident.sex).label},
                )
            if values.get(BIRTH_DATE) and values[BIRTH_DATE] != resident.birth_date:
                report.error(
                    row.row,
                    BIRTH_DATE,
                    gettext("出生日期与身份证号不符（身份证号显示为%(date)s），请改正或留空。")
                    % {"date": resident.birth_date.isoformat()},
                )
            error = hire_date_error(values[HIRE_DATE], birth=resident.birth_date, today=self.today)
            if error is not None:
                report.error(row.row, HIRE_DATE, error)

    def plan(self, rows: list[ParsedRow], report: Report) -> Plan:
        enterprise = self.enterprise
        numbers = [row.values[ID_NUMBER].number for row in rows]
        # Found by the keyed digest (core.crypto): the stored ID numbers are never decrypted.
        # Each number's digest is computed once per run and kept for apply (self.digests).
        index = blind_indexer()
        digest_of = {number: index(number) for number in numbers}
        self.digests = digest_of
        # This enterprise's open jobs by worker, as tuples (a dictionary each only for the
        # rows that need one): an enterprise of 100,000 workers holds them all here.
        job_fields = ("pk", "is_frontline", "hire_date", *_EMPLOYMENT_FIELDS.values())
        open_here = {
            worker_id: job
            for worker_id, *job in read_rows(
                Employment.objects.filter(
                    enterprise=enterprise, departure_date__isnull=True
                ).values_list("worker_id", *job_fields)
            )
        }
        transfers: list[dict[str, Any]] = []

        # (ID number, worker pk or None for a new worker, member, joined on) for every
        # membership the upload starts or ends.
        membership_changes: list[tuple[str, int | None, bool, datetime.date | None]] = []
        # Rows of new workers and jobs: apply builds what it writes from them as COPY reads it,
        # so a 100,000-row roster is not held a second time as dictionaries.
        new_workers: list[ParsedRow] = []
        worker_updates: list[tuple[int, dict[str, Any]]] = []
        new_employments: list[tuple[ParsedRow, int | None]] = []
        employment_updates: list[tuple[int, dict[str, Any]]] = []
        changes: list[dict[str, Any]] = []
        # The first NEW_WORKERS_SHOWN new workers, for the preview to list (issue 16).
        created_list: list[dict[str, Any]] = []
        seen_worker_ids: set[int] = set()
        created = updated = unchanged = 0

        same_worker, same_job = self._unchanged_tests()

        # Stored workers are looked up a chunk of rows at a time: a re-upload of 100,000 rows
        # never holds all of them at once.
        for start in range(0, len(rows), _PLAN_CHUNK):
            chunk = rows[start : start + _PLAN_CHUNK]
            workers, elsewhere = self._stored_workers(
                [digest_of[row.values[ID_NUMBER].number] for row in chunk]
            )
            for row in chunk:
                resident: ResidentId = row.values[ID_NUMBER]
                found = workers.get(digest_of[resident.number])
                row_changes: dict[str, list[str]] = {}
                if found is not None and found[0] not in elsewhere:
                    # Most rows of a re-upload are what is stored: told by comparing values
                    # in place, before any dictionary is built for the row.
                    open_job = open_here.get(found[0])
                    if (
                        open_job is not None
                        and same_worker(row.values, found)
                        and same_job(row.values, open_job)
                    ):
                        seen_worker_ids.add(found[0])
                        unchanged += 1
                        continue
                if found is None:
                    # A new worker and a new job: apply builds both from the row itself.
                    if row.values[UNION_MEMBER]:
                        membership_changes.append((resident.number, None, True, self.today))
                    new_workers.append(row)
                    new_employments.append((row, None))
                    created += 1
                    if len(created_list) < NEW_WORKERS_SHOWN:
                        created_list.append(self._created_entry(row, resident))
                    continue
                stored = dict(zip(_STORED_WORKER_FIELDS, found, strict=True))
                wanted_worker = self._wanted_worker(row, resident)
                wanted_job = self._wanted_employment(row)
                seen_worker_ids.add(stored["pk"])
                diff = {k: v for k, v in wanted_worker.items() if stored.get(k) != v}
                if stored["pk"] in elsewhere:
                    # Another enterprise employs this person now: this roster neither changes
                    # nor shows their identity data, nor names that enterprise (issue 12).
                    transfer = self._transfer(
                        stored,
                        wanted_worker,
                        diff,
                        employers=elsewhere[stored["pk"]],
                        hire_date=wanted_job["hire_date"],
                        employed_here=stored["pk"] in open_here,
                    )
                    if transfer is not None:
                        transfers.append(transfer)
                    if transfer is not None or diff:
                        report.warning(row.row, ID_NUMBER, str(TRANSFER_WARNING))
                    diff = {}
                if "is_union_member" in diff:
                    member = wanted_worker["is_union_member"]
                    membership_changes.append(
                        (
                            resident.number,
                            stored["pk"],
                            member,
                            self._membership(stored, member)["union_joined_on"] if member else None,
                        )
                    )
                if diff:
                    # Whole rows, so every update writes the same columns in one statement.
                    worker_updates.append(
                        (
                            stored["pk"],
                            {
                                **wanted_worker,
                                **self._membership(stored, wanted_worker["is_union_member"]),
                            },
                        )
                    )
                    row_changes.update(
                        {
                            _LABELS[k]: [_shown(k, stored.get(k)), _shown(k, v)]
                            for k, v in diff.items()
                        }
                    )
                stored_job = open_here.get(stored["pk"])
                job = dict(zip(job_fields, stored_job, strict=True)) if stored_job else None
                if job is None:
                    new_employments.append((row, stored["pk"]))
                    created += 1
                    if len(created_list) < NEW_WORKERS_SHOWN:
                        created_list.append(self._created_entry(row, resident))
                    continue
                job_diff = {k: v for k, v in wanted_job.items() if job.get(k) != v}
                if job_diff:
                    employment_updates.append((job["pk"], wanted_job))
                    row_changes.update(
                        {
                            _LABELS[k]: [_shown(k, job.get(k)), _shown(k, v)]
                            for k, v in job_diff.items()
                        }
                    )
                if row_changes:
                    updated += 1
                    changes.append(
                        {
                            "row": row.row,
                            "name": row.values[NAME],
                            "id_number": mask_id_number(resident.number),
                            "changes": row_changes,
                        }
                    )
                else:
                    unchanged += 1

        departing = [job[0] for wid, job in open_here.items() if wid not in seen_worker_ids]
        active = len(open_here)
        over_limit = bool(
            departing
            and active >= DEPARTURE_GUARD_MIN_ACTIVE
            and len(departing) > DEPARTURE_GUARD_SHARE * active
        )
        if over_limit and not self.confirm_departures and not self.preview:
            raise ImportRefused(
                gettext(
                    "本次导入将把%(departing)s名在职职工（共%(active)s名，超过20%%）标记为离职。"
                    "如确属离职，请确认后再导入（命令行加 --confirm-departures）；"
                    "否则请检查是否上传了不完整的花名册。"
                )
                % {"departing": len(departing), "active": active}
            )
        return Plan(
            counts={
                "created": created,
                "updated": updated,
                "unchanged": unchanged,
                "departed": len(departing),
            },
            data={
                "new_workers": new_workers,
                "worker_updates": worker_updates,
                "new_employments": new_employments,
                "employment_updates": employment_updates,
                "departing": departing,
                "membership_changes": membership_changes,
                "transfers": transfers,
            },
            details={
                "created": created_list,
                "updated": changes,
                "departing": self._departing_list(departing),
                "active": active,
                "departures_need_confirmation": over_limit,
            },
        )

    def _stored_workers(
        self, digests: list[str]
    ) -> tuple[dict[str, list[Any]], dict[int, list[dict[str, Any]]]]:
        """The stored workers with these digests (by digest; _STORED_WORKER_FIELDS' values),
        and the enterprises other than this one that employ any of them now (by worker pk)."""
        workers = {
            digest: values
            for digest, *values in lookup_in_chunks(
                Worker.objects.values_list("id_number_digest", *_STORED_WORKER_FIELDS),
                "id_number_digest",
                digests,
                fetch=read_rows,
            )
        }
        # Workers employed elsewhere right now: their identity data is not this roster's to
        # change; a transfer for staff to confirm is recorded instead (WorkerTransfer).
        elsewhere: dict[int, list[dict[str, Any]]] = {}
        for worker_id, other_id, other_name in lookup_in_chunks(
            Employment.objects.filter(departure_date__isnull=True)
            .exclude(enterprise=self.enterprise)
            .values_list("worker_id", "enterprise_id", "enterprise__name"),
            "worker_id",
            [values[0] for values in workers.values()],
            fetch=read_rows,
        ):
            elsewhere.setdefault(worker_id, []).append({"id": other_id, "name": other_name})
        return workers, elsewhere

    def _transfer(
        self,
        stored: dict[str, Any],
        wanted: dict[str, Any],
        diff: dict[str, Any],
        *,
        employers: list[dict[str, Any]],
        hire_date: datetime.date,
        employed_here: bool,
    ) -> dict[str, Any] | None:
        """The transfer request for staff when a row names a person another enterprise
        employs: one that starts working here, or whose row differs from the record in an
        identity field kept for staff (TRANSFER_FIELDS; a differing phone is withheld, not
        kept). None when there is nothing to decide (already employed here, same data)."""
        proposed = {k: v for k, v in wanted.items() if k in TRANSFER_FIELDS}
        if employed_here and not any(k in diff for k in proposed):
            return None
        return {
            "worker_id": stored["pk"],
            "from_enterprises": employers,
            "proposed": proposed,
            "hire_date": hire_date,
            "opens_employment": not employed_here,
        }

    def _record_transfers(self, transfers: list[dict[str, Any]], now: datetime.datetime) -> None:
        """Record the transfer requests of a roster, set-based: a pending request for the same
        person and enterprise is refreshed rather than asked twice (an apply runs safely twice),
        and each is linked to the employment this roster opened."""
        if not transfers:
            return
        actor_id = getattr(self.actor, "pk", None)
        pending = dict(
            lookup_in_chunks(
                WorkerTransfer.objects.filter(
                    to_enterprise=self.enterprise, status=WorkerTransfer.Status.PENDING
                ).values_list("worker_id", "pk"),
                "worker_id",
                [t["worker_id"] for t in transfers],
            )
        )
        opened = dict(
            lookup_in_chunks(
                Employment.objects.filter(
                    enterprise=self.enterprise, departure_date__isnull=True
                ).values_list("worker_id", "pk"),
                "worker_id",
                [t["worker_id"] for t in transfers if t["opens_employment"]],
            )
        )
        stamp = timestamp_value(now)
        created: list[tuple[Any, ...]] = []
        refreshed: list[tuple[Any, ...]] = []
        for t in transfers:
            values = (json.dumps(t["from_enterprises"]), t["hire_date"], json.dumps(t["proposed"]))
            pk = pending.get(t["worker_id"])
            if pk is None:
                created.append(
                    (
                        t["worker_id"],
                        self.enterprise.pk,
                        opened.get(t["worker_id"]),
                        WorkerTransfer.Status.PENDING.value,
                        "",
                        *values,
                        actor_id,
                        stamp,
                    )
                )
            else:  # a refreshed request keeps the employment it opened first
                refreshed.append((pk, *values, actor_id, stamp))
        # COPY and one UPDATE … FROM: bulk_update's CASE per row grows with the square of a
        # batch (a roster of 100,000 people employed elsewhere took a minute).
        refreshed_fields = [
            "from_enterprises",
            "hire_date",
            "proposed",
            "requested_by",
            "requested_at",
        ]
        if created:
            insert_rows(
                WorkerTransfer,
                ["worker", "to_enterprise", "employment", "status", "note", *refreshed_fields],
                created,
            )
        if refreshed:
            update_rows(WorkerTransfer, refreshed_fields, refreshed)

    def _departing_list(self, employment_ids: list[int]) -> list[dict[str, Any]]:
        """Who would be marked departed, for the preview (masked ID numbers)."""
        found = lookup_in_chunks(
            Employment.objects.values_list(
                "pk", "worker__name", "worker__id_number", "hire_date", "position"
            ),
            "pk",
            employment_ids,
        )
        return [
            {
                "name": name,
                "id_number": mask_id_number(number),
                "hire_date": hired.isoformat(),
                "position": position,
            }
            for _pk, name, number, hired, position in sorted(found, key=lambda f: f[1])
        ]

    def _membership(self, stored: dict[str, Any] | None, member: bool) -> dict[str, Any]:
        """A new member joins today; a member stays one since the date recorded; a member the
        roster no longer lists as one leaves today, keeping the joined date for history."""
        was_member = bool(stored and stored["is_union_member"])
        if member:
            joined = stored["union_joined_on"] if stored and was_member else self.today
            return {"union_joined_on": joined, "union_left_on": None}
        if stored is None:
            return {"union_joined_on": None, "union_left_on": None}
        left = self.today if was_member else stored["union_left_on"]
        return {"union_joined_on": stored["union_joined_on"], "union_left_on": left}

    def _unchanged_tests(
        self,
    ) -> tuple[Callable[[dict[str, Any], list[Any]], bool], Callable[[dict[str, Any], Any], bool]]:
        """Two tests of a row against what is stored, true when the plan would find no
        difference: the row's worker against the stored worker's values (_stored_workers),
        its job against the open job here (pk, then the plan's job fields). They compare what
        _wanted_worker and _wanted_employment would give, field by field, without building
        them."""
        worker_fields: list[tuple[str, str, Any]] = [
            (NAME, "name", None),
            (UNION_MEMBER, "is_union_member", None),
        ]
        worker_fields += [
            (column, field, _EMPTY.get(field, ""))
            for column, field in _WORKER_FIELDS.items()
            if column in self.columns_present
        ]
        worker_checks = [
            (column, _STORED_WORKER_FIELDS.index(field), empty)
            for column, field, empty in worker_fields
        ]
        job_fields = ("pk", "is_frontline", "hire_date", *_EMPLOYMENT_FIELDS.values())
        job_checks: list[tuple[str, int, Any]] = [(FRONTLINE, 1, None), (HIRE_DATE, 2, None)]
        job_checks += [
            (column, job_fields.index(field), _EMPTY.get(field, ""))
            for column, field in _EMPLOYMENT_FIELDS.items()
            if column in self.columns_present
        ]

        def same(checks: list[tuple[str, int, Any]], values: dict[str, Any], stored: Any) -> bool:
            for column, position, empty in checks:
                value = values.get(column)
                if value is None and empty is not None:
                    value = empty
                if stored[position] != value:
                    return False
            return True

        return partial(same, worker_checks), partial(same, job_checks)

    def _created_entry(self, row: ParsedRow, resident: ResidentId) -> dict[str, Any]:
        """A worker the roster starts employing here, as the preview lists them."""
        wanted_job = self._wanted_employment(row)
        return {
            "row": row.row,
            "name": row.values[NAME],
            "id_number": mask_id_number(resident.number),
            "position": wanted_job.get("position", ""),
            "hire_date": _shown("hire_date", wanted_job["hire_date"]),
        }

    def _wanted_worker(self, row: ParsedRow, resident: ResidentId) -> dict[str, Any]:
        values = row.values
        wanted: dict[str, Any] = {"name": values[NAME], "is_union_member": values[UNION_MEMBER]}
        for column, field_name in _WORKER_FIELDS.items():
            if column in self.columns_present:
                value = values.get(column)
                wanted[field_name] = value if value is not None else _EMPTY.get(field_name, "")
        return wanted

    def _wanted_employment(self, row: ParsedRow) -> dict[str, Any]:
        values = row.values
        wanted: dict[str, Any] = {
            "is_frontline": values[FRONTLINE],
            "hire_date": values[HIRE_DATE],
        }
        for column, field_name in _EMPLOYMENT_FIELDS.items():
            if column in self.columns_present:
                value = values.get(column)
                wanted[field_name] = value if value is not None else _EMPTY.get(field_name, "")
        return wanted

    def _record_membership_changes(
        self,
        changes: list[tuple[str, int | None, bool, datetime.date | None]],
        new_ids: dict[str, int],
        now: datetime.datetime,
    ) -> None:
        """Keep each membership a roster starts or ends, with who uploaded it (issue 4)."""
        if not changes:
            return
        # The unions app keeps the membership history (unions.receivers); inside this
        # transaction, so the history and the roster are written together or not at all.
        membership_changed.send(
            sender=Worker,
            changes=[
                (new_ids[number] if pk is None else pk, member, joined)
                for number, pk, member, joined in changes
            ],
            source="roster",
            note=self.enterprise.name[:200],
            actor_id=getattr(self.actor, "pk", None),
            at=now,
        )

    def _optional_columns(
        self, model: Any, fields: dict[str, str], order: tuple[str, ...]
    ) -> list[tuple[str | None, Any, Any]]:
        """For each field of `model` in `order` that a file column may fill (`fields`: column →
        field): (the column, or None when this file lacks it; the value a blank cell gives,
        as _wanted_worker/_wanted_employment give it; the model's default)."""
        column_of = {field: column for column, field in fields.items()}
        return [
            (
                column_of[field] if column_of[field] in self.columns_present else None,
                _EMPTY.get(field, ""),
                concrete_field(model, field).get_default(),
            )
            for field in order
        ]

    def lock(self) -> None:
        """One roster at a time per enterprise: a second upload waits here for the first."""
        Enterprise.objects.select_for_update().filter(pk=self.enterprise.pk).first()

    def apply(self, plan: Plan) -> None:
        now = timezone.now()
        stamp = timestamp_value(now)
        data = plan.data
        today = self.today
        digests = self.digests
        # The optional columns, in _WORKER_OPTIONAL order (see _optional_columns).
        worker_optional = self._optional_columns(Worker, _WORKER_FIELDS, _WORKER_OPTIONAL)

        def worker_row(row: ParsedRow) -> list[Any]:
            values = row.values
            resident: ResidentId = values[ID_NUMBER]
            number = resident.number
            member = values[UNION_MEMBER]
            # A new worker: a member joins today (self._membership(None, member)).
            return [
                number,
                digests[number],
                values[NAME],
                resident.sex,
                resident.birth_date,
                *_optional_values(values, worker_optional),
                member,
                today if member else None,
                None,
                stamp,
                stamp,
            ]

        def number(row: ParsedRow) -> str:
            return row.values[ID_NUMBER].number

        new_workers = data["new_workers"]
        worker_columns = (*_WORKER_NEW_COLUMNS, "created_at", "updated_at")
        # New workers' keys come from the table's sequence (PostgreSQL), so the rows that
        # point at them need no lookup; elsewhere they are found by digest after the insert.
        new_ids: dict[str, int] = {}
        allocated = allocate_ids(Worker, len(new_workers))
        if allocated is None:
            insert_rows(Worker, worker_columns, (worker_row(w) for w in new_workers))
            new_ids = _worker_ids([number(row) for row in new_workers], digests)
        else:
            insert_rows(
                Worker,
                ("id", *worker_columns),
                ([pk, *worker_row(w)] for pk, w in zip(allocated, new_workers, strict=True)),
            )
            new_ids = {number(row): pk for pk, row in zip(allocated, new_workers, strict=True)}
        _update(Worker, data["worker_updates"], stamp)

        job_optional = self._optional_columns(Employment, _EMPLOYMENT_FIELDS, _EMPLOYMENT_OPTIONAL)
        enterprise_id = self.enterprise.pk

        def job_row(row: ParsedRow, pk: int | None) -> list[Any]:
            values = row.values
            return [
                new_ids[values[ID_NUMBER].number] if pk is None else pk,
                enterprise_id,
                values[FRONTLINE],
                values[HIRE_DATE],
                *_optional_values(values, job_optional),
                stamp,
                stamp,
            ]

        insert_rows(
            Employment,
            (
                "worker_id",
                "enterprise_id",
                "is_frontline",
                "hire_date",
                *_EMPLOYMENT_OPTIONAL,
                "created_at",
                "updated_at",
            ),
            (job_row(*job) for job in data["new_employments"]),
        )
        _update(Employment, data["employment_updates"], stamp)

        self._record_membership_changes(data["membership_changes"], new_ids, now)
        self._record_transfers(data.get("transfers", []), now)
        for start in range(0, len(data["departing"]), 5000):
            Employment.objects.filter(pk__in=data["departing"][start : start + 5000]).update(
                departure_date=self.today, updated_at=now
            )


# Rows planned per lookup of stored workers.
_PLAN_CHUNK = 10000

# The columns apply writes for a new worker, in worker_row's order.
_WORKER_OPTIONAL = ("phone", "education", "political_status", "skill_level", "remarks")
_WORKER_NEW_COLUMNS = (
    "id_number",
    "id_number_digest",
    "name",
    "sex",
    "birth_date",
    *_WORKER_OPTIONAL,
    "is_union_member",
    "union_joined_on",
    "union_left_on",
)
_EMPLOYMENT_OPTIONAL = ("position", "contract_type")


def _optional_values(
    values: dict[str, Any], optional: list[tuple[str | None, Any, Any]]
) -> list[Any]:
    """A new row's optional fields (RosterImporter._optional_columns) from its parsed values."""
    return [
        default if column is None else (empty if (value := values.get(column)) is None else value)
        for column, empty, default in optional
    ]


def _worker_ids(numbers: list[str], digests: dict[str, str]) -> dict[str, int]:
    """ID number → worker pk, looked up by the keyed digest without decrypting anything
    (`digests`: those the plan already computed)."""
    by_digest = {digests.get(number) or blind_index(number): number for number in numbers}
    return {
        by_digest[digest]: pk
        for digest, pk in lookup_in_chunks(
            Worker.objects.values_list("id_number_digest", "pk"),
            "id_number_digest",
            list(by_digest),
        )
    }


def _update(model: Any, updates: list[tuple[int, dict[str, Any]]], now: Any) -> None:
    """Write whole changed rows; all rows of one import carry the same fields."""
    if not updates:
        return
    fields = sorted(updates[0][1])
    update_rows(
        model, (*fields, "updated_at"), ([pk, *(f[n] for n in fields), now] for pk, f in updates)
    )
