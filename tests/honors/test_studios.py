"""劳模工匠创新工作室 (seed measure 7): led by an honoured worker, one row of results a year,
who sees which studios, and the figures per village and park."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog
from honors.models import InnovationStudio, StudioYearResult
from honors.selectors import studio_results_by_group
from honors.services import innovation_studio_save, studio_result_save
from tests.factories import (
    EnterpriseFactory,
    HonourFactory,
    IndustrialParkFactory,
    InnovationStudioFactory,
    StudioYearResultFactory,
    VillageFactory,
    WorkerFactory,
)

pytestmark = pytest.mark.django_db


def honoured_worker(**fields):
    worker = WorkerFactory(**fields)
    HonourFactory(worker=worker, name="model_worker", level="shaoxing", year=2023)
    return worker


def test_a_studio_led_by_an_honoured_worker_is_saved_with_its_members(staff_user):
    leader = honoured_worker()
    members = [WorkerFactory(), WorkerFactory()]
    studio = InnovationStudio(
        name="王师傅技能大师工作室",
        enterprise=EnterpriseFactory(),
        leader=leader,
        level="shaoxing",
        founded_on=datetime.date(2024, 5, 1),
    )
    innovation_studio_save(user=staff_user, studio=studio, members=members)
    assert set(studio.members.all()) == set(members)
    audit = AuditLog.objects.get(action="honors.studio.saved")
    assert audit.actor == staff_user and audit.detail["created"] is True


def test_a_leader_without_an_honour_is_refused(staff_user):
    studio = InnovationStudio(
        name="无荣誉工作室",
        enterprise=EnterpriseFactory(),
        leader=WorkerFactory(),
        level="shengzhou",
        founded_on=datetime.date(2024, 5, 1),
    )
    with pytest.raises(ValidationError) as refused:
        innovation_studio_save(user=staff_user, studio=studio)
    assert "leader" in refused.value.message_dict
    assert "荣誉" in refused.value.message_dict["leader"][0]
    assert not InnovationStudio.objects.exists()


def test_a_team_honour_does_not_make_a_leader(staff_user):
    from tests.factories import TeamHonourFactory

    member = WorkerFactory()
    TeamHonourFactory().members.add(member)
    studio = InnovationStudio(
        name="班组工作室",
        enterprise=EnterpriseFactory(),
        leader=member,
        level="shengzhou",
        founded_on=datetime.date(2024, 5, 1),
    )
    with pytest.raises(ValidationError):
        innovation_studio_save(user=staff_user, studio=studio)


def test_a_second_result_of_the_same_year_is_refused(staff_user):
    studio = InnovationStudioFactory(leader=honoured_worker())
    StudioYearResultFactory(studio=studio, year=2025)
    with pytest.raises(ValidationError) as refused:
        studio_result_save(
            user=staff_user, result=StudioYearResult(studio=studio, year=2025, patents=1)
        )
    assert "已登记" in " ".join(refused.value.messages)
    assert StudioYearResult.objects.filter(studio=studio).count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"year": timezone.localdate().year + 1}, "year"),
        ({"year": 2023}, "year"),  # before the studio was founded (2024)
        ({"year": 2025, "savings_yuan": Decimal("-1")}, "savings_yuan"),
    ],
)
def test_results_in_the_future_before_founding_or_negative_are_refused(staff_user, fields, field):
    studio = InnovationStudioFactory(leader=honoured_worker())
    with pytest.raises(ValidationError) as refused:
        studio_result_save(user=staff_user, result=StudioYearResult(studio=studio, **fields))
    assert field in refused.value.message_dict
    assert not StudioYearResult.objects.exists()


def test_figures_per_village_and_park():
    north, south = VillageFactory(name="北村"), VillageFactory(name="南村")
    park = IndustrialParkFactory(name="剡湖园区")
    a = InnovationStudioFactory(enterprise=EnterpriseFactory(village=north, park=park))
    b = InnovationStudioFactory(enterprise=EnterpriseFactory(village=north))
    InnovationStudioFactory(enterprise=EnterpriseFactory(village=south), is_active=False)
    InnovationStudioFactory(
        enterprise=EnterpriseFactory(village=south), founded_on=datetime.date(2026, 1, 1)
    )
    StudioYearResultFactory(studio=a, year=2025, patents=2, savings_yuan=Decimal("1000.50"))
    StudioYearResultFactory(studio=b, year=2025, patents=3, savings_yuan=Decimal("0.25"))
    StudioYearResultFactory(studio=b, year=2024, patents=9)
    figures = studio_results_by_group(2025)
    village = {row["name"]: row for row in figures["village"]}
    assert village["北村"]["studios"] == 2 and village["北村"]["patents"] == 5
    assert village["北村"]["savings_yuan"] == Decimal("1000.75")
    # Not running, or founded after the year: not counted.
    assert village["南村"]["studios"] == 0 and village["南村"]["patents"] == 0
    parks = {row["name"]: row for row in figures["park"]}
    assert parks["剡湖园区"]["studios"] == 1 and parks["剡湖园区"]["trainees"] == 30
    assert figures["total"]["studios"] == 2 and figures["total"]["patents"] == 5


# --- the page --------------------------------------------------------------------------------


@pytest.fixture
def two_studios(hr_user):
    own = EnterpriseFactory(name="甲企业")
    own.hr_users.add(hr_user)
    mine = InnovationStudioFactory(name="甲工作室", enterprise=own, leader=honoured_worker())
    theirs = InnovationStudioFactory(
        name="乙工作室", enterprise=EnterpriseFactory(name="乙企业"), leader=honoured_worker()
    )
    mine.members.add(WorkerFactory(), WorkerFactory())
    StudioYearResultFactory(studio=mine, year=2025, patents=4)
    StudioYearResultFactory(studio=mine, year=2024, patents=1)
    return mine, theirs


@pytest.mark.parametrize("role", ["staff_user", "union_user"])
def test_staff_and_union_officers_see_every_studio(client, request, role, two_studios):
    mine, _theirs = two_studios
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("honors:studios"))
    assert response.status_code == 200
    studios = {s.name: s for s in response.context["studios"]}
    assert set(studios) == {"甲工作室", "乙工作室"}
    assert studios["甲工作室"].member_count == 2
    assert [r.year for r in studios["甲工作室"].shown_results] == [2025, 2024]
    text = response.content.decode()
    assert mine.leader.name in text and mine.leader.id_number not in text


def test_hr_see_their_own_enterprises_studios_only(client, hr_user, two_studios):
    client.force_login(hr_user)
    response = client.get(reverse("honors:studios"))
    assert [s.name for s in response.context["studios"]] == ["甲工作室"]
    assert "乙工作室" not in response.content.decode()


def test_officials_are_refused(client, official_user, two_studios):
    client.force_login(official_user)
    assert client.get(reverse("honors:studios")).status_code == 403


def test_the_year_filter_shows_that_years_results(client, staff_user, two_studios):
    client.force_login(staff_user)
    response = client.get(reverse("honors:studios"), {"year": 2024})
    studios = {s.name: s for s in response.context["studios"]}
    assert [r.patents for r in studios["甲工作室"].shown_results] == [1]


def test_the_page_queries_do_not_grow_with_studios(client, staff_user):
    client.force_login(staff_user)

    def add(n):
        for _ in range(n):
            studio = InnovationStudioFactory(leader=honoured_worker())
            studio.members.add(WorkerFactory())
            StudioYearResultFactory(studio=studio)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("honors:studios")).status_code == 200
        return len(queries)

    add(2)
    client.get(reverse("honors:studios"))
    few = count()
    add(10)
    assert count() == few


# --- the admin -------------------------------------------------------------------------------


def test_the_admin_adds_a_studio_through_the_service(client, staff_user):
    leader = honoured_worker()
    member = WorkerFactory()
    enterprise = EnterpriseFactory()
    client.force_login(staff_user)
    prefix = "results"
    data = {
        "name": "创新工作室甲",
        "enterprise": enterprise.pk,
        "leader": leader.pk,
        "members": [member.pk],
        "level": "shengzhou",
        "founded_on": "2024-05-01",
        "is_active": "on",
        "notes": "",
        "%s-TOTAL_FORMS" % prefix: "1",
        "%s-INITIAL_FORMS" % prefix: "0",
        "%s-MIN_NUM_FORMS" % prefix: "0",
        "%s-MAX_NUM_FORMS" % prefix: "1000",
        "%s-0-year" % prefix: "2025",
        "%s-0-patents" % prefix: "2",
        "%s-0-process_improvements" % prefix: "3",
        "%s-0-savings_yuan" % prefix: "5000.00",
        "%s-0-trainees" % prefix: "12",
        "%s-0-notes" % prefix: "",
    }
    response = client.post(reverse("admin:honors_innovationstudio_add"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    studio = InnovationStudio.objects.get(name="创新工作室甲")
    assert list(studio.members.all()) == [member]
    assert studio.results.get().savings_yuan == Decimal("5000.00")
    assert AuditLog.objects.filter(
        action="honors.studio.saved", object_id=str(studio.pk), actor=staff_user
    ).exists()
    assert AuditLog.objects.filter(action="honors.studio_result.saved").exists()


def test_the_admin_refuses_a_leader_without_an_honour(client, staff_user):
    client.force_login(staff_user)
    data = {
        "name": "创新工作室乙",
        "enterprise": EnterpriseFactory().pk,
        "leader": WorkerFactory().pk,
        "level": "shengzhou",
        "founded_on": "2024-05-01",
        "results-TOTAL_FORMS": "0",
        "results-INITIAL_FORMS": "0",
        "results-MIN_NUM_FORMS": "0",
        "results-MAX_NUM_FORMS": "1000",
    }
    response = client.post(reverse("admin:honors_innovationstudio_add"), data)
    assert response.status_code == 200
    assert "领办人须是获得过荣誉" in response.content.decode()
    assert not InnovationStudio.objects.exists()
