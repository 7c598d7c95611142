"""imports.bulk writes what it is given, byte for byte, on SQLite and on PostgreSQL's COPY."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from core.choices import Sex
from imports.bulk import insert_rows, update_rows
from tests.factories import WorkerFactory, make_id_number
from workers.models import Worker

pytestmark = pytest.mark.django_db


class _Day(datetime.date):
    pass


AWKWARD = [
    "a\tb",
    "line\nbreak\r",
    "back\\slash",
    "\\N",
    "",
    "张三（更名）",
    "=1+1",
    'say "hi", then go',
    '""',
    "a,b\r\nc",
]


def test_update_rows_round_trips_awkward_text() -> None:
    workers = [WorkerFactory() for _ in AWKWARD]
    now = timezone.now()
    update_rows(
        Worker,
        ("remarks", "phone", "updated_at"),
        [(w.pk, text, text, now) for w, text in zip(workers, AWKWARD, strict=True)],
    )
    for worker, text in zip(workers, AWKWARD, strict=True):
        worker.refresh_from_db()
        assert (worker.remarks, worker.phone) == (text, text)


def test_insert_rows_round_trips_types() -> None:
    now = timezone.now()
    born = datetime.date(1990, 5, 6)
    rows = []
    for i, text in enumerate(AWKWARD):
        number = make_id_number(i + 1, born, "F")
        rows.append([number, text, Sex.FEMALE, born, text, i % 2 == 0, None, now, now, text])
    # A date subclass is written as its date (SQLite's driver takes only plain dates).
    rows[2][6] = (
        _Day(2020, 1, 1) if connection.vendor == "postgresql" else datetime.date(2020, 1, 1)
    )
    insert_rows(
        Worker,
        (
            "id_number",
            "name",
            "sex",
            "birth_date",
            "remarks",
            "is_union_member",
            "union_joined_on",
            "created_at",
            "updated_at",
            "phone",
            "education",
            "political_status",
            "skill_level",
            "union_left_on",
        ),
        [[*row, "", "masses", "", None] for row in rows],
    )
    stored = {w.id_number: w for w in Worker.objects.all()}
    assert len(stored) == len(AWKWARD)
    for number, text, sex, birth, remarks, member, joined, _c, _u, phone in rows:
        worker = stored[number]
        assert (worker.name, worker.sex, worker.birth_date) == (text, sex, birth)
        assert (worker.remarks, worker.is_union_member, worker.union_joined_on) == (
            remarks,
            member,
            joined,
        )
        assert (worker.created_at, worker.phone) == (now, phone)


def test_copy_as_csv_only_where_empty_text_and_null_stay_apart() -> None:
    """COPY's CSV path reads an empty value of a nullable column as NULL: it is taken only when
    no nullable column holds text; other column types (JSON) go through psycopg's write_row."""
    from core.models import AuditLog
    from imports.bulk import _csv_plan

    nulls = _csv_plan(Worker, ("name", "remarks", "union_joined_on", "union_left_on"))
    assert nulls == [
        connection.ops.quote_name("union_joined_on"),
        connection.ops.quote_name("union_left_on"),
    ]
    assert _csv_plan(Worker, ("name", "remarks")) == []
    assert _csv_plan(AuditLog, ("action", "detail")) is None
