"""荣誉 (the honour register, seed measures 3 and 7) as a data set of the import engine.

Sub-district-wide: staff load the city's lists with `import_honours`. A row is one honour of a
person (劳动模范, 嵊州工匠, 杰出工匠, 优秀职工: 身份证号 and 姓名 of a registered worker) or of a
team of an enterprise (工人先锋号, 优秀班组: 统一社会信用代码 and 集体名称). The key is 荣誉名称 +
级别 + 年度 + 身份证号, or + 统一社会信用代码 + 集体名称 (INTERFACES.md). Honours are added and
updated, never deleted (DOMAIN.md).

身份证号, 姓名, 统一社会信用代码 and 集体名称 are each required for one kind of honour only, so the
data set declares them optional and `check` decides per row; 身份证号 and 统一社会信用代码 reach
`check` as the raw cell, parsed there only on the rows whose kind uses them (a code on a
person's row is ignored, whatever it holds).
"""

from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from core.choices import AwardLevel
from core.identity import parse_resident_id, parse_uscc
from enterprises.models import Enterprise
from honors.models import Honour, HonourName, HonourSource, is_team_honour
from imports.bulk import insert_rows, update_rows
from imports.cells import is_blank, parse_award_level, parse_choice, parse_text, parse_year
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

NAME = "荣誉名称"
LEVEL = "级别"
YEAR = "年度"
ID_NUMBER = "身份证号"
WORKER_NAME = "姓名"
USCC = "统一社会信用代码"
TEAM = "集体名称"
AWARDING_BODY = "授予单位"
DOCUMENT_NUMBER = "文号"

# The data set's key in the imports registry and on its import records.
HONOURS = "honours"

# The earliest 年度 the register holds (Honour.year's validator).
FIRST_YEAR = 1950

# DOMAIN.md's glossary: 劳模 and 基层劳模 are the everyday words for 劳动模范.
HONOUR_NAME_ALIASES = {
    "劳模": HonourName.MODEL_WORKER,
    "基层劳模": HonourName.MODEL_WORKER,
}


def parse_honour_name(value: object) -> str:
    """荣誉名称: one of HonourName's labels (or 劳模 / 基层劳模 for 劳动模范)."""
    return parse_choice(
        value, choices=HonourName, aliases=HONOUR_NAME_ALIASES, label=gettext("荣誉名称")
    )


def _raw(value: object) -> object:
    """The cell as read: parsed in `check`, on the rows whose kind of honour uses it."""
    return value


HONOUR_DATASET = DataSet(
    name="荣誉",
    sheet_name="荣誉",
    columns=(
        Column(NAME, parse_honour_name, required=True),
        Column(LEVEL, parse_award_level, required=True),
        Column(YEAR, partial(parse_year, first_year=FIRST_YEAR), required=True),
        Column(ID_NUMBER, _raw, variants=("身份证号码", "公民身份号码", "居民身份证号")),
        Column(WORKER_NAME, partial(parse_text, max_length=50, label=WORKER_NAME)),
        Column(USCC, _raw, variants=("社会信用代码", "信用代码")),
        Column(TEAM, partial(parse_text, max_length=100, label=TEAM)),
        Column(AWARDING_BODY, partial(parse_text, max_length=100, label=AWARDING_BODY)),
        Column(DOCUMENT_NUMBER, partial(parse_text, max_length=100, label=DOCUMENT_NUMBER)),
    ),
)

# Column → honour field a re-import may change.
FIELDS = {AWARDING_BODY: "awarding_body", DOCUMENT_NUMBER: "document_number"}

_INSERT_FIELDS = (
    "name",
    "level",
    "year",
    "worker_id",
    "enterprise_id",
    "team_name",
    "awarding_body",
    "document_number",
    "source",
    "created_at",
    "updated_at",
)
_UPDATE_FIELDS = ("awarding_body", "document_number", "updated_at")


def _label(name: str) -> str:
    return str(HonourName(name).label)


def _level_label(level: str) -> str:
    return str(AwardLevel(level).label)


def _filled(values: dict[str, Any], column: str) -> bool:
    value = values.get(column)
    return value is not None and not is_blank(value)


@dataclass
class CheckedRows:
    """What `check` learnt of each valid-looking row: the person rows' ID numbers (for the
    register match) and the team rows' codes, by Excel row."""

    people: list[ParsedRow]
    teams: dict[int, str]  # Excel row → USCC


class HonourImporter(Importer):
    dataset = HONOUR_DATASET

    @classmethod
    def from_context(cls, context: ImportContext) -> "HonourImporter":
        return cls()

    def _sort(self, rows: list[ParsedRow], report: Report) -> CheckedRows:
        """Each row against the rules of its kind of honour, and keys seen twice in the file."""
        people: list[ParsedRow] = []
        teams: dict[int, str] = {}
        first_row: dict[tuple[Any, ...], int] = {}
        for row in rows:
            values = row.values
            name = values[NAME]
            if name is None:
                continue  # its own cell error; which rules apply is unknown
            key: tuple[Any, ...] | None
            if is_team_honour(name):
                key = self._team(row, report, teams)
                duplicate_column = TEAM
            else:
                key = self._person(row, report, people)
                duplicate_column = ID_NUMBER
            if key is None or values[LEVEL] is None or values[YEAR] is None:
                continue
            key = (name, values[LEVEL], values[YEAR], *key)
            if key in first_row:
                report.error(
                    row.row,
                    duplicate_column,
                    gettext(
                        "%(year)s年度%(level)s“%(name)s”的这名%(holder)s与第%(first)s行重复，"
                        "同一荣誉只能填一行。"
                    )
                    % {
                        "year": values[YEAR],
                        "level": _level_label(values[LEVEL]),
                        "name": _label(name),
                        "holder": gettext("集体") if is_team_honour(name) else gettext("职工"),
                        "first": first_row[key],
                    },
                )
            else:
                first_row[key] = row.row
        return CheckedRows(people=people, teams=teams)

    @staticmethod
    def _person(row: ParsedRow, report: Report, people: list[ParsedRow]) -> tuple[str] | None:
        values = row.values
        label = _label(values[NAME])
        if _filled(values, TEAM):
            report.error(
                row.row,
                TEAM,
                gettext(
                    "“%(name)s”是授予个人的荣誉，不填集体名称；"
                    "集体荣誉请填写“工人先锋号”或“优秀班组”。"
                )
                % {"name": label},
            )
        if values.get(WORKER_NAME) is None:
            report.error(
                row.row,
                WORKER_NAME,
                gettext("“%(name)s”是授予个人的荣誉，请填写获奖职工的姓名。") % {"name": label},
            )
        if not _filled(values, ID_NUMBER):
            report.error(
                row.row,
                ID_NUMBER,
                gettext("“%(name)s”是授予个人的荣誉，请填写获奖职工的身份证号。") % {"name": label},
            )
            return None
        try:
            resident = parse_resident_id(values[ID_NUMBER])
        except ValidationError as exc:
            for message in exc.messages:
                report.error(row.row, ID_NUMBER, message)
            return None
        people.append(
            ParsedRow(
                row=row.row,
                values={ID_NUMBER: resident, WORKER_NAME: values.get(WORKER_NAME)},
            )
        )
        return (resident.number,)

    @staticmethod
    def _team(row: ParsedRow, report: Report, teams: dict[int, str]) -> tuple[str, str] | None:
        values = row.values
        label = _label(values[NAME])
        if _filled(values, ID_NUMBER):
            report.error(
                row.row,
                ID_NUMBER,
                gettext(
                    "“%(name)s”是授予集体的荣誉，不填身份证号（集体荣誉不落到个人）；"
                    "请删除身份证号，或改为个人荣誉的名称。"
                )
                % {"name": label},
            )
        team_name = values.get(TEAM)
        if team_name is None:
            report.error(
                row.row,
                TEAM,
                gettext("“%(name)s”是授予集体的荣誉，请填写集体名称（如 装配车间一班）。")
                % {"name": label},
            )
        if not _filled(values, USCC):
            report.error(
                row.row,
                USCC,
                gettext("“%(name)s”是授予集体的荣誉，请填写集体所在企业的统一社会信用代码。")
                % {"name": label},
            )
            return None
        try:
            code = parse_uscc(values[USCC])
        except ValidationError as exc:
            for message in exc.messages:
                report.error(row.row, USCC, message)
            return None
        teams[row.row] = code
        if team_name is None:
            return None
        return (code, team_name)

    @staticmethod
    def _enterprises(codes: set[str]) -> dict[str, int]:
        return dict(
            lookup_in_chunks(Enterprise.objects.order_by().values_list("uscc", "pk"), "uscc", codes)
        )

    def check(self, rows: list[ParsedRow], report: Report) -> None:
        checked = self._sort(rows, report)
        match_workers(checked.people, report, id_column=ID_NUMBER, name_column=WORKER_NAME)
        known = self._enterprises(set(checked.teams.values()))
        for line, code in checked.teams.items():
            if code not in known:
                report.error(
                    line,
                    USCC,
                    gettext(
                        "统一社会信用代码%(code)s不在企业名录中。请核对代码，"
                        "或先把这家企业导入企业名录。"
                    )
                    % {"code": code},
                )

    def lock(self) -> None:
        one_import_at_a_time(HONOURS)

    def plan(self, rows: list[ParsedRow], report: Report) -> Plan:
        # Checked again inside the transaction: the registers may have changed since the check.
        again = Report()
        checked = self._sort(rows, again)
        matched = match_workers(checked.people, again, id_column=ID_NUMBER, name_column=WORKER_NAME)
        enterprise_pks = self._enterprises(set(checked.teams.values()))
        if again.errors or not set(checked.teams.values()) <= set(enterprise_pks):
            raise ImportRefused(gettext("职工登记或企业名录刚刚发生了变化，请重新导入这个文件。"))
        stored: dict[tuple[Any, ...], tuple[int, str, str]] = {}
        for pk, name, level, year, worker_id, body, number in lookup_in_chunks(
            Honour.objects.order_by().values_list(
                "pk", "name", "level", "year", "worker_id", "awarding_body", "document_number"
            ),
            "worker_id",
            set(matched.values()),
        ):
            stored[(name, level, year, "worker", worker_id)] = (pk, body, number)
        for pk, name, level, year, enterprise_id, team_name, body, number in lookup_in_chunks(
            Honour.objects.order_by().values_list(
                "pk",
                "name",
                "level",
                "year",
                "enterprise_id",
                "team_name",
                "awarding_body",
                "document_number",
            ),
            "enterprise_id",
            set(enterprise_pks.values()),
        ):
            stored[(name, level, year, "team", enterprise_id, team_name)] = (pk, body, number)

        create, update, changes = [], [], []
        unchanged = 0
        for row in rows:
            values = row.values
            holder: dict[str, Any]
            if is_team_honour(values[NAME]):
                enterprise_id = enterprise_pks[checked.teams[row.row]]
                team_name = values.get(TEAM) or ""
                holder = {"enterprise_id": enterprise_id, "team_name": team_name}
                who: tuple[Any, ...] = ("team", enterprise_id, team_name)
                shown = team_name
            else:
                worker_id = matched[row.row]
                holder = {"worker_id": worker_id}
                who = ("worker", worker_id)
                shown = values.get(WORKER_NAME) or ""
            # A column the file lacks leaves the stored value alone; a blank cell clears it.
            fields = {
                field: values[column] or ""
                for column, field in FIELDS.items()
                if column in self.columns_present
            }
            key = (values[NAME], values[LEVEL], values[YEAR])
            current = stored.get((*key, *who))
            if current is None:
                create.append(
                    {
                        "name": values[NAME],
                        "level": values[LEVEL],
                        "year": values[YEAR],
                        "worker_id": None,
                        "enterprise_id": None,
                        "team_name": "",
                        "awarding_body": "",
                        "document_number": "",
                        **holder,
                        **fields,
                    }
                )
                continue
            pk, body, number = current
            was = {"awarding_body": body, "document_number": number}
            changed = {
                column: [was[field], fields[field]]
                for column, field in FIELDS.items()
                if field in fields and was[field] != fields[field]
            }
            if not changed:
                unchanged += 1
                continue
            update.append((pk, {**was, **fields}))
            changes.append(
                {
                    "row": row.row,
                    "name": shown,
                    "honour": "%s %s %s"
                    % (values[YEAR], _level_label(values[LEVEL]), _label(values[NAME])),
                    "fields": changed,
                }
            )
        return Plan(
            counts={"created": len(create), "updated": len(update), "unchanged": unchanged},
            data={"create": create, "update": update},
            details={"changes": changes[:500], "changes_total": len(changes)},
        )

    def apply(self, plan: Plan) -> None:
        now = timezone.now()
        source = str(HonourSource.COMMAND)  # a plain str for the COPY writer
        if plan.data["create"]:
            insert_rows(
                Honour,
                _INSERT_FIELDS,
                (
                    [
                        h["name"],
                        h["level"],
                        h["year"],
                        h["worker_id"],
                        h["enterprise_id"],
                        h["team_name"],
                        h["awarding_body"],
                        h["document_number"],
                        source,
                        now,
                        now,
                    ]
                    for h in plan.data["create"]
                ),
            )
        if plan.data["update"]:
            update_rows(
                Honour,
                _UPDATE_FIELDS,
                (
                    [pk, f["awarding_body"], f["document_number"], now]
                    for pk, f in plan.data["update"]
                ),
            )
