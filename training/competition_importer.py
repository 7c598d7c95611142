"""技能竞赛成绩 (skills-competition results, seed measure 7) as a data set of the import engine.

Sub-district-wide: staff load them with `import_competition_results`. A row is one worker's
result in one competition; the key is 竞赛名称 + 举办日期 + 身份证号 (INTERFACES.md).
Competitions are found or created by name and date; a file that gives a stored competition
another 竞赛级别 updates it. Results are added and updated, never deleted (DOMAIN.md).
"""

from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from core.choices import AwardLevel
from core.identity import parse_resident_id
from imports.bulk import insert_rows, update_rows
from imports.cells import normalise_text, parse_award_level, parse_past_date, parse_text
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
from training.models import Competition, CompetitionResult
from training.rules import is_prize, prize_of
from workers.matching import match_workers
from workers.models import RecordSource

NAME = "竞赛名称"
LEVEL = "竞赛级别"
HELD_ON = "举办日期"
ID_NUMBER = "身份证号"
WORKER_NAME = "姓名"
PRIZE = "获奖等次"
OCCUPATION = "职业（工种）"

# The data set's key in the imports registry and on its import records.
COMPETITION_RESULTS = "competition_results"


def parse_prize(value: object) -> str:
    """获奖等次: 一等奖, 二等奖, 三等奖, 优秀奖 or 第N名 is a prize; 参赛 (or a blank cell, which
    the engine hands over as None) means took part (DOMAIN.md)."""
    prize = prize_of(normalise_text(value))
    if prize is None:
        raise ValidationError(
            gettext(
                "获奖等次“%(value)s”无法识别，请填写一等奖、二等奖、三等奖、优秀奖或第N名"
                "（如第3名、第十名）；只参赛、未获奖的请留空。"
            )
            % {"value": normalise_text(value)[:40]},
            code="prize",
        )
    return prize


COMPETITION_DATASET = DataSet(
    name="技能竞赛成绩",
    sheet_name="技能竞赛成绩",
    columns=(
        Column(NAME, partial(parse_text, max_length=100, label=NAME), required=True),
        Column(LEVEL, parse_award_level, required=True),
        Column(
            HELD_ON, partial(parse_past_date, label=HELD_ON), required=True, variants=("竞赛日期",)
        ),
        Column(
            ID_NUMBER,
            parse_resident_id,
            required=True,
            variants=("身份证号码", "公民身份号码", "居民身份证号"),
        ),
        Column(WORKER_NAME, partial(parse_text, max_length=50, label=WORKER_NAME), required=True),
        Column(PRIZE, parse_prize, variants=("奖项", "名次")),
        Column(
            OCCUPATION,
            partial(parse_text, max_length=50, label=OCCUPATION),
            variants=("职业", "工种"),
        ),
    ),
)

# Column → result field a re-import may change.
FIELDS = {PRIZE: "prize", OCCUPATION: "occupation"}

_INSERT_FIELDS = (
    "competition_id",
    "worker_id",
    "prize",
    "is_prize",
    "occupation",
    "held_on",
    "source",
    "created_at",
    "updated_at",
)
_UPDATE_FIELDS = ("prize", "is_prize", "occupation", "held_on", "updated_at")


def _level_label(level: str) -> str:
    return str(AwardLevel(level).label)


class CompetitionResultImporter(Importer):
    dataset = COMPETITION_DATASET

    def __init__(self, *, source: str = RecordSource.COMMAND):
        self.source = str(source)  # a plain str for the COPY writer

    @classmethod
    def from_context(cls, context: ImportContext) -> "CompetitionResultImporter":
        source = RecordSource.COMMAND if context.source == "cli" else RecordSource.UPLOAD
        return cls(source=source)

    @staticmethod
    def _match(rows: list[ParsedRow], report: Report) -> dict[int, int]:
        return match_workers(rows, report, id_column=ID_NUMBER, name_column=WORKER_NAME)

    def check(self, rows: list[ParsedRow], report: Report) -> None:
        first_row: dict[tuple[str, Any, str], int] = {}
        level_of: dict[tuple[str, Any], tuple[str, int]] = {}
        for row in rows:
            values = row.values
            competition = (values[NAME], values[HELD_ON])
            key = (*competition, values[ID_NUMBER].number)
            if key in first_row:
                report.error(
                    row.row,
                    ID_NUMBER,
                    gettext(
                        "这名职工在“%(name)s”（%(date)s）的成绩与第%(first)s行重复，"
                        "同一竞赛每人只能填一行。"
                    )
                    % {
                        "name": values[NAME],
                        "date": values[HELD_ON].isoformat(),
                        "first": first_row[key],
                    },
                )
            else:
                first_row[key] = row.row
            if competition not in level_of:
                level_of[competition] = (values[LEVEL], row.row)
            elif level_of[competition][0] != values[LEVEL]:
                level, first = level_of[competition]
                report.error(
                    row.row,
                    LEVEL,
                    gettext(
                        "“%(name)s”（%(date)s）在第%(first)s行填写的竞赛级别是“%(first_level)s”，"
                        "本行是“%(level)s”。同一竞赛只能有一个级别，请统一。"
                    )
                    % {
                        "name": values[NAME],
                        "date": values[HELD_ON].isoformat(),
                        "first": first,
                        "first_level": _level_label(level),
                        "level": _level_label(values[LEVEL]),
                    },
                )
        self._match(rows, report)

    def lock(self) -> None:
        one_import_at_a_time(COMPETITION_RESULTS)

    @staticmethod
    def _competitions(keys: set[tuple[str, Any]]) -> dict[tuple[str, Any], tuple[int, str]]:
        """(name, date) → (pk, level) of the stored competitions among `keys`."""
        found = lookup_in_chunks(
            Competition.objects.order_by().values_list("name", "held_on", "pk", "level"),
            "name",
            {name for name, _held_on in keys},
        )
        return {
            (name, held_on): (pk, level)
            for name, held_on, pk, level in found
            if (name, held_on) in keys
        }

    def plan(self, rows: list[ParsedRow], report: Report) -> Plan:
        # Checked again inside the transaction: the register may have changed since the check.
        moved = Report()
        matched = self._match(rows, moved)
        if moved.errors:
            raise ImportRefused(gettext("职工登记刚刚发生了变化，请重新导入这个文件。"))
        levels = {(r.values[NAME], r.values[HELD_ON]): r.values[LEVEL] for r in rows}
        stored = self._competitions(set(levels))
        relevelled = {
            key: (pk, levels[key]) for key, (pk, level) in stored.items() if level != levels[key]
        }
        results = {
            (competition_id, worker_id): (pk, prize, occupation)
            for pk, competition_id, worker_id, prize, occupation in lookup_in_chunks(
                CompetitionResult.objects.order_by().values_list(
                    "pk", "competition_id", "worker_id", "prize", "occupation"
                ),
                "competition_id",
                [pk for pk, _level in stored.values()],
            )
        }
        create, update, changes = [], [], []
        unchanged = 0
        for row in rows:
            values = row.values
            key = (values[NAME], values[HELD_ON])
            worker = matched[row.row]
            # A column the file lacks leaves the stored value alone; a blank cell clears it
            # (a blank 获奖等次 is "took part").
            fields = {
                field: values[column] or ""
                for column, field in FIELDS.items()
                if column in self.columns_present
            }
            competition = stored.get(key)
            current = results.get((competition[0], worker)) if competition else None
            if competition is None or current is None:
                create.append((key, worker, {"prize": "", "occupation": "", **fields}))
                continue
            pk, prize, occupation = current
            was = {"prize": prize, "occupation": occupation}
            changed = {
                column: [was[field], fields[field]]
                for column, field in FIELDS.items()
                if field in fields and was[field] != fields[field]
            }
            if key in relevelled:
                changed[LEVEL] = [_level_label(competition[1]), _level_label(levels[key])]
            if not changed:
                unchanged += 1
                continue
            update.append((pk, key, {**was, **fields}))
            changes.append(
                {
                    "row": row.row,
                    "name": values[WORKER_NAME],
                    "competition": values[NAME],
                    "fields": changed,
                }
            )
        return Plan(
            counts={"created": len(create), "updated": len(update), "unchanged": unchanged},
            data={
                "competitions": [key for key in levels if key not in stored],
                "levels": levels,
                "relevelled": list(relevelled.values()),
                "create": create,
                "update": update,
            },
            details={"changes": changes[:500], "changes_total": len(changes)},
        )

    def apply(self, plan: Plan) -> None:
        now = timezone.now()
        data = plan.data
        Competition.objects.bulk_create(
            [
                Competition(name=name, held_on=held_on, level=data["levels"][(name, held_on)])
                for name, held_on in data["competitions"]
            ],
            batch_size=1000,
        )
        Competition.objects.bulk_update(
            [Competition(pk=pk, level=level, updated_at=now) for pk, level in data["relevelled"]],
            ["level", "updated_at"],
            batch_size=1000,
        )
        competition_pk = {
            key: pk for key, (pk, _level) in self._competitions(set(data["levels"])).items()
        }
        # Bulk writes skip CompetitionResult.save(): is_prize and the competition's date, which
        # figures filter on, are set here.
        if data["create"]:
            insert_rows(
                CompetitionResult,
                _INSERT_FIELDS,
                (
                    [
                        competition_pk[key],
                        worker,
                        f["prize"],
                        is_prize(f["prize"]),
                        f["occupation"],
                        key[1],
                        self.source,
                        now,
                        now,
                    ]
                    for key, worker, f in data["create"]
                ),
            )
        if data["update"]:
            update_rows(
                CompetitionResult,
                _UPDATE_FIELDS,
                (
                    [pk, f["prize"], is_prize(f["prize"]), f["occupation"], key[1], now]
                    for pk, key, f in data["update"]
                ),
            )
