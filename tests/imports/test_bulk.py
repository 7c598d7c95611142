"""imports.bulk writes what it is given, byte for byte, on SQLite and on PostgreSQL's COPY."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from core.choices import Sex
from imports.bulk import _copy_field, insert_rows, update_rows
from tests.factories import WorkerFactory, make_id_number
from workers.models import Worker

pytestmark = pytest.mark.django_db


class _Day(datetime.date):
    pass


AWKWARD = ["a\tb", "line\nbreak\r", "back\\slash", "\\N", "", "张三（更名）", "=1+1"]


def test_copy_field_formats_known_types_and_refuses_others() -> None:
    moment = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    assert _copy_field(None) == "\\N"
    assert _copy_field("a\tb\nc\\d\re") == "a\\tb\\nc\\\\d\\re"
    assert _copy_field(Sex.MALE) == "M"
    assert _copy_field(True) == "t"
    assert _copy_field(False) == "f"
    assert _copy_field(7) == "7"
    assert _copy_field(Decimal("1.50")) == "1.50"
    assert _copy_field(datetime.date(2026, 1, 2)) == "2026-01-02"
    assert _copy_field(moment) == "2026-01-02T03:04:05+00:00"
    for other in (1.5, b"x", datetime.datetime(2026, 1, 2), datetime.time(1, 2)):
        with pytest.raises(TypeError):
            _copy_field(other)


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


def test_insert_rows_round_trips_types_and_falls_back_for_others() -> None:
    now = timezone.now()
    born = datetime.date(1990, 5, 6)
    rows = []
    for i, text in enumerate(AWKWARD):
        number = make_id_number(i + 1, born, "F")
        rows.append([number, text, Sex.FEMALE, born, text, i % 2 == 0, None, now, now, text])
    # A date subclass is not in COPY's fast formatter: that row goes through psycopg's write_row
    # (SQLite's driver takes only plain dates).
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
