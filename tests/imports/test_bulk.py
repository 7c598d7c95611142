"""imports.bulk writes what it is given, byte for byte, on SQLite and on PostgreSQL's COPY."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from core.choices import Sex
from imports.bulk import allocate_ids, insert_rows, read_rows, timestamp_value, update_rows
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
        # The digest column was added from the ID number: the worker is found by it.
        assert Worker.objects.get(id_number=number).pk == worker.pk


def test_empty_text_and_null_stay_apart_and_json_is_written_as_json() -> None:
    from psycopg.types.json import Jsonb

    from core.models import AuditLog

    now = timezone.now()
    detail = {"说明": "a\tb\nc", "n": 1}
    if connection.vendor == "postgresql":
        detail_value: object = Jsonb(detail)
    else:
        import json

        detail_value = json.dumps(detail)
    insert_rows(
        AuditLog,
        ("action", "object_type", "object_id", "detail", "created_at"),
        [("a", "", "\\N", detail_value, now), ("b", "类型", "", detail_value, now)],
    )
    stored = {log.action: log for log in AuditLog.objects.filter(action__in=["a", "b"])}
    assert (stored["a"].object_type, stored["a"].object_id) == ("", "\\N")
    assert (stored["b"].object_type, stored["b"].object_id) == ("类型", "")
    assert stored["a"].detail == detail == stored["b"].detail
    born = datetime.date(1993, 4, 5)
    insert_rows(
        Worker,
        (*_PLAIN, "union_joined_on", "union_left_on", "created_at", "updated_at"),
        [(make_id_number(7, born, "M"), "王", born, *_BLANKS, born, None, now, now)],
    )
    worker = Worker.objects.get()
    assert (worker.phone, worker.union_joined_on, worker.union_left_on) == ("", born, None)


# A worker with nothing but a name, ID number and birth date (a man: make_id_number "M").
_PLAIN = (
    "id_number",
    "name",
    "birth_date",
    "sex",
    "phone",
    "education",
    "political_status",
    "skill_level",
    "remarks",
    "is_union_member",
)
_BLANKS = (Sex.MALE, "", "", "masses", "", "", False)


def test_a_timestamp_given_once_for_all_rows_reads_back_as_the_moment() -> None:
    """timestamp_value(now) is what a whole file's rows carry (text for COPY on PostgreSQL)."""
    now = timezone.now()
    stamp = timestamp_value(now)
    born = datetime.date(1991, 2, 3)
    insert_rows(
        Worker,
        (*_PLAIN, "created_at", "updated_at"),
        [
            (make_id_number(i + 1, born, "M"), "张%d" % i, born, *_BLANKS, stamp, stamp)
            for i in range(3)
        ],
    )
    assert {w.created_at for w in Worker.objects.all()} == {now}
    worker = Worker.objects.first()
    later = timezone.now() + datetime.timedelta(minutes=5)
    update_rows(Worker, ("remarks", "updated_at"), [(worker.pk, "改", timestamp_value(later))])
    worker.refresh_from_db()
    assert (worker.remarks, worker.updated_at, worker.created_at) == ("改", later, now)


def test_read_rows_gives_the_rows_the_orm_gives_with_phones_decrypted() -> None:
    workers = [
        WorkerFactory(phone="1380000%04d" % i, remarks=text) for i, text in enumerate(AWKWARD)
    ]
    workers[0].phone = ""
    workers[0].save()
    queryset = Worker.objects.values_list(
        "pk", "phone", "birth_date", "is_union_member", "union_joined_on", "remarks"
    ).order_by("pk")
    rows = read_rows(queryset)
    assert rows == list(queryset)
    assert rows[1][1] == "13800000001"
    assert rows[0][1] == ""
    assert read_rows(queryset.filter(pk__in=[])) == []


def test_allocated_keys_are_fresh_and_take_the_rows_even_when_the_sequence_skips() -> None:
    existing = WorkerFactory()
    ids = allocate_ids(Worker, 4)
    if connection.vendor != "postgresql":
        assert ids is None  # SQLite: rows are inserted without keys
        return
    assert ids is not None
    assert len(set(ids)) == 4 and min(ids) > existing.pk
    # Keys another session takes meanwhile leave gaps; a step of 3 makes every key a gap.
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER SEQUENCE %s INCREMENT BY 3" % connection.ops.quote_name("workers_worker_id_seq")
        )
    gapped = allocate_ids(Worker, 3)
    assert gapped is not None
    assert len(gapped) == 3 and min(gapped) > max(ids)
    assert gapped == sorted(gapped) and gapped[1] - gapped[0] == 3
    born = datetime.date(1992, 3, 4)
    now = timestamp_value(timezone.now())
    insert_rows(
        Worker,
        ("id", *_PLAIN, "created_at", "updated_at"),
        [
            (pk, make_id_number(50 + i, born, "M"), "李%d" % i, born, *_BLANKS, now, now)
            for i, pk in enumerate(ids + gapped)
        ],
    )
    assert set(Worker.objects.values_list("pk", flat=True)) == {existing.pk, *ids, *gapped}
