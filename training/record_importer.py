"""Training records (培训记录) as a data set of the import engine (INTERFACES.md, DOMAIN.md
"Skills, training and honours").

A row is one worker on one course: 培训项目 + 开始日期 name the course, 身份证号 the worker, and
the three together are the record's key. Imports add and update records, never delete them.
"""

from __future__ import annotations

import datetime
from functools import partial
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from core.identity import parse_resident_id
from enterprises.models import Enterprise
from imports.bulk import insert_rows, update_rows
from imports.cells import (
    is_blank,
    parse_choice,
    parse_date,
    parse_hours,
    parse_past_date,
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
    one_import_at_a_time,
)
from training.models import Course, TrainingInstitute, TrainingMode, TrainingRecord
from workers.matching import match_workers
from workers.models import RecordSource

TRAINING_RECORDS = "training_records"

ID_NUMBER = "身份证号"
NAME = "姓名"
COURSE = "培训项目"
START = "开始日期"
END = "结束日期"
HOURS = "学时"
MODE = "培训方式"
INSTITUTE = "培训机构"
COMPLETED = "是否结业"

# What people write for the three modes besides the labels themselves.
MODE_ALIASES = {
    "在线": TrainingMode.ONLINE,
    "网络": TrainingMode.ONLINE,
    "网上": TrainingMode.ONLINE,
    "面授": TrainingMode.OFFLINE,
    "现场": TrainingMode.OFFLINE,
    "线上+线下": TrainingMode.MIXED,
    "线上/线下": TrainingMode.MIXED,
    "线上、线下": TrainingMode.MIXED,
    "混合": TrainingMode.MIXED,
}


def parse_mode(value: object) -> str:
    """培训方式: 线上, 线下 or 线上线下; blank is 线下 (INTERFACES.md)."""
    if is_blank(value):
        return TrainingMode.OFFLINE.value
    return parse_choice(value, choices=TrainingMode, aliases=MODE_ALIASES, label=MODE)


TRAINING_RECORD_DATASET = DataSet(
    name="培训记录",
    sheet_name="培训记录",
    columns=(
        Column(
            ID_NUMBER,
            parse_resident_id,
            required=True,
            variants=("身份证号码", "公民身份号码", "居民身份证号"),
        ),
        Column(NAME, partial(parse_text, max_length=50, label=NAME), required=True),
        Column(
            COURSE,
            partial(parse_text, max_length=100, label=COURSE),
            required=True,
            variants=("培训名称", "课程名称"),
        ),
        Column(
            START, partial(parse_past_date, label=START), required=True, variants=("培训开始日期",)
        ),
        Column(END, partial(parse_date, label=END), variants=("培训结束日期",)),
        Column(HOURS, parse_hours, required=True, variants=("培训学时",)),
        Column(MODE, parse_mode),
        Column(INSTITUTE, partial(parse_text, max_length=100, label=INSTITUTE)),
        Column(COMPLETED, parse_yes_no, required=True),
    ),
)

# The record's fields a row sets, by column; compared to tell updated from unchanged.
RECORD_FIELDS = {
    END: "ends_on",
    HOURS: "hours",
    MODE: "mode",
    INSTITUTE: "institute_name",
    COMPLETED: "is_completed",
}
# A blank cell in a present column (the engine gives None for it) stores this.
_BLANK = {"ends_on": None, "mode": TrainingMode.OFFLINE.value, "institute_name": ""}
_COLUMN_OF = {field: column for column, field in RECORD_FIELDS.items()}
_STORED = ("pk", "course_id", "worker_id", *RECORD_FIELDS.values())
# New courses per INSERT (courses are few; records go through imports.bulk's COPY).
BATCH_SIZE = 2000
_MODE_LABELS = dict(TrainingMode.choices)


def _shown(field: str, value: Any) -> str:
    """A stored or planned value as the upload page shows a change."""
    if value is None or value == "":
        return "—"
    if field == "hours":
        return format(value, "f")
    if field == "mode":
        return str(_MODE_LABELS.get(value, value))
    if field == "is_completed":
        return gettext("是") if value else gettext("否")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class TrainingRecordImporter(Importer):
    """Records keyed by 身份证号 + 培训项目 + 开始日期. An upload from an enterprise's page may
    name only that enterprise's current workers; a command any worker in the register."""

    dataset = TRAINING_RECORD_DATASET

    def __init__(self, *, source: str = RecordSource.COMMAND, enterprise: Enterprise | None = None):
        self.source = source
        self.enterprise = enterprise
        self._workers: dict[int, int] = {}

    @classmethod
    def from_context(cls, context: ImportContext) -> TrainingRecordImporter:
        source = RecordSource.COMMAND if context.source == "cli" else RecordSource.UPLOAD
        return cls(source=source, enterprise=context.enterprise)

    def check(self, rows: list[ParsedRow], report: Report) -> None:
        first_row: dict[tuple[str, str, datetime.date], int] = {}
        for row in rows:
            values = row.values
            resident = values[ID_NUMBER]
            key = (resident.number, values[COURSE], values[START])
            if key in first_row:
                report.error(
                    row.row,
                    ID_NUMBER,
                    gettext(
                        "这名职工的“%(course)s”（开始日期%(start)s）与第%(first)s行重复，"
                        "同一职工同一培训项目只能填一行。"
                    )
                    % {
                        "course": values[COURSE],
                        "start": values[START].isoformat(),
                        "first": first_row[key],
                    },
                )
            else:
                first_row[key] = row.row
            ends_on = values.get(END)
            if ends_on is not None and ends_on < values[START]:
                report.error(
                    row.row,
                    END,
                    gettext("结束日期%(end)s早于开始日期%(start)s，请核对。")
                    % {"end": ends_on.isoformat(), "start": values[START].isoformat()},
                )
        # Kept for plan(): the engine checks and plans with the same importer, and the register
        # is read once (three queries at most, whatever the file's size).
        self._workers = match_workers(
            rows, report, id_column=ID_NUMBER, name_column=NAME, enterprise=self.enterprise
        )

    def lock(self) -> None:
        """Training-record imports one at a time. Per enterprise is not enough: courses are
        shared and a worker with jobs in two enterprises may be uploaded by both, so two
        imports could create the same course or record; the second waits here and then plans
        against what the first wrote."""
        if self.enterprise is not None:
            Enterprise.objects.select_for_update().filter(pk=self.enterprise.pk).first()
        one_import_at_a_time(TRAINING_RECORDS)

    def _fields(self, values: dict[str, Any]) -> dict[str, Any]:
        """The record's fields this row sets: only the file's columns (a column the file lacks
        leaves the stored value alone; a blank cell clears it, 培训方式 to 线下)."""
        fields = {}
        for column, field in RECORD_FIELDS.items():
            if column in self.columns_present:
                value = values.get(column)
                fields[field] = _BLANK.get(field) if value is None else value
        return fields

    def plan(self, rows: list[ParsedRow], report: Report) -> Plan:
        if any(row.row not in self._workers for row in rows):
            # check() matched every row or reported it; never write a row without its worker.
            raise ImportRefused(gettext("职工登记刚刚发生了变化，请重新导入这个文件。"))
        courses = self._courses({row.values[COURSE] for row in rows})
        stored: dict[tuple[int, int], tuple] = {}
        if courses:
            stored = {
                (record[1], record[2]): record
                for record in lookup_in_chunks(
                    TrainingRecord.objects.order_by().values_list(*_STORED),
                    "course_id",
                    set(courses.values()),
                )
            }
        new_courses: dict[tuple[str, datetime.date], dict[str, Any]] = {}
        create: list[tuple] = []
        update: list[tuple] = []
        changes: list[dict[str, Any]] = []
        unchanged = 0
        for row in rows:
            values = row.values
            worker_id = self._workers[row.row]
            course_key = (values[COURSE], values[START])
            fields = self._fields(values)
            course_id = courses.get(course_key)
            current = stored.get((course_id, worker_id)) if course_id is not None else None
            if current is None:
                if course_id is None and course_key not in new_courses:
                    new_courses[course_key] = {
                        "ends_on": values.get(END),
                        "mode": values.get(MODE) or TrainingMode.OFFLINE.value,
                        "institute": values.get(INSTITUTE) or "",
                    }
                create.append((course_id, course_key, worker_id, fields))
                continue
            current_fields = dict(zip(_STORED, current, strict=True))
            changed = {
                field: [_shown(field, current_fields[field]), _shown(field, value)]
                for field, value in fields.items()
                if current_fields[field] != value
            }
            if not changed:
                unchanged += 1
                continue
            update.append((current_fields["pk"], fields))
            if len(changes) < 500:  # the upload page lists the first ones
                changes.append(
                    {
                        "row": row.row,
                        "name": values[NAME],
                        "course": values[COURSE],
                        "start": values[START].isoformat(),
                        "fields": {_COLUMN_OF[f]: pair for f, pair in changed.items()},
                    }
                )
        return Plan(
            counts={"created": len(create), "updated": len(update), "unchanged": unchanged},
            data={
                "new_courses": new_courses,
                "institutes": self._institutes(
                    {course["institute"] for course in new_courses.values()}
                ),
                "create": create,
                "update": update,
            },
            details={
                "changes": changes,
                "changes_total": len(update),
                "courses_created": len(new_courses),
            },
        )

    @staticmethod
    def _courses(names: set[str]) -> dict[tuple[str, datetime.date], int]:
        """Stored courses of these names, by (name, start date)."""
        return {
            (name, starts_on): pk
            for name, starts_on, pk in lookup_in_chunks(
                Course.objects.order_by().values_list("name", "starts_on", "pk"), "name", names
            )
        }

    @staticmethod
    def _institutes(names: set[str]) -> dict[str, int]:
        """Registered institutes a new course names exactly."""
        names.discard("")
        if not names:
            return {}
        return dict(
            lookup_in_chunks(
                TrainingInstitute.objects.order_by().values_list("name", "pk"), "name", names
            )
        )

    def apply(self, plan: Plan) -> None:
        now = timezone.now()
        data = plan.data
        institutes = data["institutes"]
        made = Course.objects.bulk_create(
            [
                Course(
                    name=name,
                    starts_on=starts_on,
                    ends_on=course["ends_on"],
                    mode=course["mode"],
                    institute_id=institutes.get(course["institute"]),
                    institute_name="" if course["institute"] in institutes else course["institute"],
                )
                for (name, starts_on), course in data["new_courses"].items()
            ],
            batch_size=BATCH_SIZE,
        )
        course_ids = {(course.name, course.starts_on): course.pk for course in made}
        enterprise_id = self.enterprise.pk if self.enterprise is not None else None
        # 学时 and 是否结业 are required columns: every row has them; the others default.
        record_fields = tuple(RECORD_FIELDS.values())
        insert_rows(
            TrainingRecord,
            (
                "course_id",
                "worker_id",
                "starts_on",
                *record_fields,
                "enterprise_id",
                "source",
                "created_at",
                "updated_at",
            ),
            (
                (
                    course_id if course_id is not None else course_ids[course_key],
                    worker_id,
                    course_key[1],
                    *(fields[f] if f in fields else _BLANK[f] for f in record_fields),
                    enterprise_id,
                    self.source,
                    now,
                    now,
                )
                for course_id, course_key, worker_id, fields in data["create"]
            ),
        )
        if data["update"]:
            # Every update sets the same fields: those of the file's columns.
            updated_fields = list(data["update"][0][1])
            update_rows(
                TrainingRecord,
                (*updated_fields, "enterprise_id", "source", "updated_at"),
                (
                    (pk, *(fields[f] for f in updated_fields), enterprise_id, self.source, now)
                    for pk, fields in data["update"]
                ),
            )
