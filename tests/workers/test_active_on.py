""" "Active on a day" has one definition (workers.models.employment_active_on): the queryset
filter and the raw SQL of workers.figures, compiled from it, pick the same employments as the
rule of DOMAIN.md, on SQLite and on PostgreSQL alike."""

import datetime

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import EmploymentFactory, EnterpriseFactory, WorkerFactory
from workers.figures import employment_active_sql
from workers.models import Employment

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 6, 30)
AROUND = [DAY + datetime.timedelta(days=n) for n in range(-3, 4)]
# Every day from before the first hire to after the last departure.
CHECKED = [DAY + datetime.timedelta(days=n) for n in range(-4, 9)]

# (hired, days until departure or None): departure is never before hire (a constraint).
employments = st.lists(
    st.tuples(st.sampled_from(AROUND), st.one_of(st.none(), st.integers(0, 4))),
    max_size=12,
)


def rule(hired: datetime.date, departed: datetime.date | None, day: datetime.date) -> bool:
    """DOMAIN.md: hired on or before the day, and not departed on or before it."""
    return hired <= day and (departed is None or departed > day)


def selected_by_sql(day: datetime.date) -> set[int]:
    condition, params = employment_active_sql(day)
    with connection.cursor() as cursor:
        sql = "SELECT e.id FROM workers_employment e WHERE " + condition  # noqa: S608 (compiled)
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(employments=employments)
def test_the_queryset_and_the_sql_select_the_same_employments(employments):
    with transaction.atomic():
        enterprise = EnterpriseFactory()
        dates = {}
        for hired, days in employments:
            departed = None if days is None else hired + datetime.timedelta(days=days)
            job = EmploymentFactory(
                worker=WorkerFactory(),
                enterprise=enterprise,
                hire_date=hired,
                departure_date=departed,
            )
            dates[job.pk] = (hired, departed)
        for day in CHECKED:
            expected = {pk for pk, (hired, departed) in dates.items() if rule(hired, departed, day)}
            assert set(Employment.objects.active_on(day).values_list("pk", flat=True)) == expected
            assert selected_by_sql(day) == expected
        transaction.set_rollback(True)


def test_the_sql_is_the_plain_predicate_on_the_alias():
    """No subquery, no function on a column: what the (hire_date, departure_date) indexes serve
    on the million-row pass of the figures."""
    condition, params = employment_active_sql(DAY)
    assert condition == (
        '("e"."hire_date" <= %s AND ("e"."departure_date" IS NULL OR "e"."departure_date" > %s))'
    )
    assert [str(p) for p in params] == ["2026-06-30", "2026-06-30"]
    assert employment_active_sql(DAY, alias="x")[0].count('"x".') == 3


def test_a_worker_who_departed_today_is_not_active_today():
    job = EmploymentFactory(hire_date=DAY - datetime.timedelta(days=10), departure_date=DAY)
    day_before = DAY - datetime.timedelta(days=1)
    assert list(Employment.objects.active_on(day_before)) == [job]
    assert selected_by_sql(day_before) == {job.pk}
    assert not Employment.objects.active_on(DAY).exists()
    assert selected_by_sql(DAY) == set()
