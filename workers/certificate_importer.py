"""职业技能等级证书 (skill certificates) as a data set of the import engine (INTERFACES.md).

Certificates live with the workers: a worker's effective skill level, which the worker, union
and report layers all count, is the higher of the roster's level and their certificates
(DOMAIN.md). The key is 证书编号 (trimmed, upper-case), which belongs to one worker; a
re-import updates a certificate's occupation, level, date and issuer, and never deletes one.
"""

from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from core.choices import SKILL_LEVEL_RANK, SkillLevel
from core.identity import parse_resident_id
from imports.bulk import insert_rows, update_rows
from imports.cells import (
    parse_certificate_number,
    parse_past_date,
    parse_skill_level,
    parse_text,
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
    one_import_at_a_time,
)
from workers.matching import match_workers
from workers.models import RecordSource, SkillCertificate

ID_NUMBER = "身份证号"
NAME = "姓名"
OCCUPATION = "职业（工种）"
LEVEL = "技能等级"
NUMBER = "证书编号"
ISSUED_ON = "发证日期"
ISSUER = "发证机构"

# The data set's key in the imports registry and on its import records.
CERTIFICATES = "certificates"


def parse_certificate_level(value: object) -> str:
    """技能等级 of a certificate: any level a roster accepts except 学徒工, which no
    职业技能等级证书 is issued for (the classic grades start at 初级工, 五级)."""
    level = parse_skill_level(value)
    if level == SkillLevel.APPRENTICE:
        raise ValidationError(
            gettext(
                "学徒工不是职业技能等级证书的等级。证书的等级从初级工（五级）到首席技师，"
                "请照证书填写。"
            ),
            code="apprentice",
        )
    return level


CERTIFICATE_DATASET = DataSet(
    name="职业技能等级证书",
    sheet_name="职业技能等级证书",
    columns=(
        Column(
            ID_NUMBER,
            parse_resident_id,
            required=True,
            variants=("身份证号码", "公民身份号码", "居民身份证号"),
        ),
        Column(NAME, partial(parse_text, max_length=50, label=NAME), required=True),
        Column(
            OCCUPATION,
            partial(parse_text, max_length=50, label=OCCUPATION),
            required=True,
            variants=("职业", "工种"),
        ),
        Column(LEVEL, parse_certificate_level, required=True, variants=("职业技能等级", "等级")),
        Column(NUMBER, parse_certificate_number, required=True),
        Column(ISSUED_ON, partial(parse_past_date, label=ISSUED_ON), required=True),
        Column(ISSUER, partial(parse_text, max_length=100, label=ISSUER)),
    ),
)

# Column → field a re-import may change (the number is the key, the worker its owner).
FIELDS = {OCCUPATION: "occupation", LEVEL: "level", ISSUED_ON: "issued_on", ISSUER: "issuer"}

_INSERT_FIELDS = (
    "worker_id",
    "number",
    "occupation",
    "level",
    "level_rank",
    "issued_on",
    "issuer",
    "enterprise_id",
    "source",
    "created_at",
    "updated_at",
)
_UPDATE_FIELDS = ("occupation", "level", "level_rank", "issued_on", "issuer", "updated_at")


def _owned_by_another(number: str) -> str:
    # The same words for everyone: HR may not learn who holds the number, nor where they work.
    return gettext(
        "证书编号%(number)s已登记在另一名职工名下，一个证书编号只属于一名职工。"
        "请核对证书编号和身份证号；如原登记有误，请联系街道工作人员更正。"
    ) % {"number": number}


class CertificateImporter(Importer):
    """Certificates keyed by 证书编号 (DOMAIN.md). An upload from an enterprise's page may name
    only that enterprise's current workers (workers.matching)."""

    dataset = CERTIFICATE_DATASET

    def __init__(
        self,
        *,
        enterprise: Any = None,
        source: str = RecordSource.COMMAND,
    ):
        # The enterprise of an upload (from its page, never from the file): its current
        # workers are the only ones a row may name; None for a command.
        self.enterprise = enterprise
        self.source = str(source)  # a plain str for the COPY writer

    @classmethod
    def from_context(cls, context: ImportContext) -> "CertificateImporter":
        source = RecordSource.COMMAND if context.source == "cli" else RecordSource.UPLOAD
        return cls(enterprise=context.enterprise, source=source)

    def _match(self, rows: list[ParsedRow], report: Report) -> dict[int, int]:
        return match_workers(
            rows, report, id_column=ID_NUMBER, name_column=NAME, enterprise=self.enterprise
        )

    @staticmethod
    def _stored(numbers: set[str]) -> dict[str, dict[str, Any]]:
        return {
            c["number"]: c
            for c in lookup_in_chunks(
                SkillCertificate.objects.order_by().values(
                    "pk", "number", "worker_id", *FIELDS.values()
                ),
                "number",
                numbers,
            )
        }

    def check(self, rows: list[ParsedRow], report: Report) -> None:
        first_row: dict[str, int] = {}
        for row in rows:
            number = row.values[NUMBER]
            if number in first_row:
                report.error(
                    row.row,
                    NUMBER,
                    gettext("证书编号%(number)s与第%(first)s行重复，同一张证书只能填一行。")
                    % {"number": number, "first": first_row[number]},
                )
            else:
                first_row[number] = row.row
        matched = self._match(rows, report)
        stored = self._stored({row.values[NUMBER] for row in rows if row.row in matched})
        for row in rows:
            worker = matched.get(row.row)
            current = stored.get(row.values[NUMBER])
            if worker is not None and current is not None and current["worker_id"] != worker:
                report.error(row.row, NUMBER, _owned_by_another(row.values[NUMBER]))

    def lock(self) -> None:
        one_import_at_a_time(CERTIFICATES)

    def plan(self, rows: list[ParsedRow], report: Report) -> Plan:
        # Checked again inside the transaction: a roster may have changed who works where, or
        # another import registered a number, since the rows were checked.
        moved = Report()
        matched = self._match(rows, moved)
        if moved.errors:
            raise ImportRefused(gettext("职工登记刚刚发生了变化，请重新导入这个文件。"))
        stored = self._stored({row.values[NUMBER] for row in rows})
        create, update, changes = [], [], []
        unchanged = 0
        for row in rows:
            values = row.values
            worker = matched[row.row]
            number = values[NUMBER]
            # A column the file lacks (发证机构) leaves the stored value alone; a blank cell
            # of a column it has clears it.
            fields = {
                field: "" if values[column] is None else values[column]
                for column, field in FIELDS.items()
                if column in self.columns_present
            }
            current = stored.get(number)
            if current is None:
                create.append((worker, number, {"issuer": "", **fields}))
                continue
            if current["worker_id"] != worker:
                raise ImportRefused(_owned_by_another(number), column=NUMBER)
            changed = {
                column: [_shown(field, current[field]), _shown(field, fields[field])]
                for column, field in FIELDS.items()
                if field in fields and current[field] != fields[field]
            }
            if not changed:
                unchanged += 1
                continue
            update.append((current["pk"], {**{f: current[f] for f in FIELDS.values()}, **fields}))
            changes.append(
                {"row": row.row, "name": values[NAME], "number": number, "fields": changed}
            )
        return Plan(
            counts={"created": len(create), "updated": len(update), "unchanged": unchanged},
            data={"create": create, "update": update},
            details={"changes": changes[:500], "changes_total": len(changes)},
        )

    def apply(self, plan: Plan) -> None:
        # Bulk writes skip SkillCertificate.save(): the rank that figures compare is set here.
        now = timezone.now()
        if plan.data["create"]:
            self._insert(plan.data["create"], now)
        if plan.data["update"]:
            self._update(plan.data["update"], now)

    def _insert(self, create: list[tuple[int, str, dict[str, Any]]], now: Any) -> None:
        enterprise_id = getattr(self.enterprise, "pk", None)
        insert_rows(
            SkillCertificate,
            _INSERT_FIELDS,
            (
                [
                    worker,
                    number,
                    f["occupation"],
                    f["level"],
                    SKILL_LEVEL_RANK[f["level"]],
                    f["issued_on"],
                    f["issuer"],
                    enterprise_id,
                    self.source,
                    now,
                    now,
                ]
                for worker, number, f in create
            ),
        )

    @staticmethod
    def _update(update: list[tuple[int, dict[str, Any]]], now: Any) -> None:
        update_rows(
            SkillCertificate,
            _UPDATE_FIELDS,
            (
                [
                    pk,
                    f["occupation"],
                    f["level"],
                    SKILL_LEVEL_RANK[f["level"]],
                    f["issued_on"],
                    f["issuer"],
                    now,
                ]
                for pk, f in update
            ),
        )


def _shown(field: str, value: Any) -> str:
    """A stored or new value as the preview lists it: the level's label, the date's ISO form."""
    if field == "level":
        return str(SkillLevel(value).label) if value else ""
    if field == "issued_on":
        return value.isoformat()
    return str(value or "")
