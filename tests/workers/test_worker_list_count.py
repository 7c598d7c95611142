"""The worker list's count: the whole list counted exactly per enterprise (cached) and paged
through those counts; a search counted up to a cap, "more than" past it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import EmploymentFactory, EnterpriseFactory, WorkerFactory
from workers import views
from workers.models import Employment
from workers.selectors import RowsByEnterprise, employment_rows_by_enterprise


@pytest.fixture
def small_cap(monkeypatch):
    # The real cap is 10,000 rows; three make the same point with a handful of rows.
    monkeypatch.setattr(views, "WORKER_LIST_COUNT_CAP", 3)


@pytest.fixture
def five_jobs():
    big = EnterpriseFactory(name="大企业")
    small = EnterpriseFactory(name="小企业")
    for n in range(4):
        EmploymentFactory(enterprise=big, worker=WorkerFactory(name="大厂职工%d" % n))
    EmploymentFactory(enterprise=small, worker=WorkerFactory(name="小厂职工"))
    return {"big": big, "small": small}


def test_a_search_past_the_cap_says_more_than_and_how_to_narrow_it(
    client, staff_user, small_cap, five_jobs
):
    client.force_login(staff_user)
    body = client.get(reverse("workers:list"), {"q": "职工"}).content.decode()
    assert "超过 3 条记录，只列出前 3 条；请按企业或姓名查询其余记录。" in body
    assert "共 5 条记录" not in body
    assert body.count('<td><a href="/workers/') == 3


def test_the_whole_list_is_counted_exactly_past_the_cap(client, staff_user, small_cap, five_jobs):
    client.force_login(staff_user)
    body = client.get(reverse("workers:list")).content.decode()
    assert "共 5 条记录" in body and "超过" not in body
    assert body.count('<td><a href="/workers/') == 5


def test_a_narrowed_list_under_the_cap_is_counted_exactly(client, staff_user, small_cap, five_jobs):
    client.force_login(staff_user)
    body = client.get(reverse("workers:list"), {"enterprise": five_jobs["small"].pk}).content
    assert "共 1 条记录" in body.decode()
    assert "超过" not in body.decode()
    found = client.get(reverse("workers:list"), {"q": "小厂"}).content.decode()
    assert "共 1 条记录" in found


def test_one_enterprises_list_past_the_cap_is_counted_exactly_and_paged(
    client, staff_user, hr_user, small_cap, five_jobs
):
    """Staff choosing a large enterprise, and that enterprise's HR, reach every row of its
    roster: only a search is capped."""
    big = five_jobs["big"]
    client.force_login(staff_user)
    body = client.get(reverse("workers:list"), {"enterprise": big.pk}).content.decode()
    assert "共 4 条记录" in body and "超过" not in body
    big.hr_users.add(hr_user)
    client.force_login(hr_user)
    body = client.get(reverse("workers:list")).content.decode()
    assert "共 4 条记录" in body and "超过" not in body
    assert body.count('<td><a href="/workers/') == 4


def test_the_cap_shows_with_thousands_separators(client, staff_user, five_jobs):
    client.force_login(staff_user)
    page = client.get(reverse("workers:list"), {"q": "职工"}).context["page"]
    assert page.paginator.count == 5
    assert not page.paginator.capped
    assert page.paginator.cap_display == "10,000"


def test_the_count_reads_at_most_one_row_past_the_cap(client, staff_user, small_cap, five_jobs):
    client.force_login(staff_user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("workers:list"), {"q": "职工"}).status_code == 200
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1
    assert "LIMIT 4" in counts[0]
    # Neither the list's ordering nor its skill-level annotation is part of the count.
    assert "ORDER BY" not in counts[0].upper()
    assert "skillcertificate" not in counts[0].lower()


def test_pages_of_the_whole_list_are_the_rows_of_the_ordered_list(
    client, staff_user, union_user, settings
):
    # Two enterprises of the same name share their place in the order: their rows interleave.
    same = [EnterpriseFactory(name="同名企业"), EnterpriseFactory(name="同名企业")]
    others = [EnterpriseFactory(name="甲企业"), EnterpriseFactory(name="乙企业")]
    EnterpriseFactory(name="空企业")  # no jobs: no rows
    for n in range(23):
        EmploymentFactory(
            enterprise=(same + others)[n % 4], worker=WorkerFactory(name="工%02d" % n)
        )
    EmploymentFactory(
        enterprise=others[0],
        worker=WorkerFactory(name="已离职"),
        departure_date=datetime.date(2024, 1, 1),
    )
    ordered = list(
        Employment.objects.filter(departure_date__isnull=True).order_by(
            "enterprise__name", "worker__name"
        )
    )
    rows = RowsByEnterprise(
        Employment.objects.filter(departure_date__isnull=True).order_by(
            "enterprise__name", "worker__name"
        ),
        employment_rows_by_enterprise(departed=False),
    )
    assert rows.count() == 23
    for start, stop in [(0, 5), (4, 9), (5, 6), (11, 17), (17, 23), (20, 40), (0, 23), (23, 30)]:
        assert rows[start:stop] == ordered[start:stop], (start, stop)
    assert len(employment_rows_by_enterprise(departed=True)) == 3  # 同名企业 once, 甲, 乙
    assert sum(n for _ids, n in employment_rows_by_enterprise(departed=True)) == 24

    settings.FIGURES_CACHE_SECONDS = 600  # kept in a shared cache until a write
    for user in (staff_user, union_user):
        client.force_login(user)
        page = client.get(reverse("workers:list")).context["page"]
        assert page.paginator.count == 23
        assert [e.pk for e in page.object_list] == [e.pk for e in ordered]
    EmploymentFactory(enterprise=others[1], worker=WorkerFactory(name="新来"))
    assert client.get(reverse("workers:list")).context["page"].paginator.count == 24
