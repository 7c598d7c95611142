"""The craftsman pool (工匠库, seed measure 7): who is in it as of a day, by each kind of
criterion and by hand, and who may see, change and download it."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog, PersonalDataAccess
from honors.models import CraftsmanCriterion, CraftsmanPoolChange
from honors.selectors import (
    craftsman_pool,
    craftsman_pool_by_group,
    craftsman_pool_entries,
    craftsman_pool_size,
    pool_entries,
)
from honors.services import (
    craftsman_criterion_deactivate,
    craftsman_criterion_save,
    craftsman_pool_add,
    craftsman_pool_remove,
)
from tests.factories import (
    CompetitionFactory,
    CompetitionResultFactory,
    CraftsmanCriterionFactory,
    EmploymentFactory,
    EnterpriseFactory,
    HonourFactory,
    IndustrialParkFactory,
    SkillCertificateFactory,
    VillageFactory,
    WorkerFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 6, 30)
LATER = DAY + datetime.timedelta(days=60)


def active_worker(enterprise=None, **fields):
    worker = WorkerFactory(**fields)
    EmploymentFactory(
        worker=worker,
        enterprise=enterprise or EnterpriseFactory(),
        hire_date=datetime.date(2020, 3, 1),
        position="数控车工",
    )
    return worker


def pool_on(day):
    return set(craftsman_pool(day).values_list("pk", flat=True))


# --- the default criteria (migration 0002) -----------------------------------------------------


def test_the_default_criteria_are_the_issues_examples():
    criteria = {
        (c.kind, c.min_skill_level, c.min_award_level, c.honour_name)
        for c in CraftsmanCriterion.objects.filter(is_active=True)
    }
    assert criteria == {
        ("skill_level", "technician", "", ""),
        ("competition_prize", "", "shengzhou", ""),
        ("honour", "", "", "craftsman"),
        ("honour", "", "", "outstanding_craftsman"),
    }


# --- skill level ---------------------------------------------------------------------------


def test_skill_level_by_roster_or_by_a_certificate_issued_by_the_day():
    by_roster = active_worker(skill_level="technician")
    below = active_worker(skill_level="senior")
    certified = active_worker(skill_level="senior")
    SkillCertificateFactory(worker=certified, level="senior_technician", issued_on=DAY)
    certified_later = active_worker(skill_level="senior")
    SkillCertificateFactory(
        worker=certified_later, level="technician", issued_on=DAY + datetime.timedelta(days=1)
    )
    pool = pool_on(DAY)
    assert by_roster.pk in pool and certified.pk in pool
    assert below.pk not in pool
    # A certificate issued after the day does not count on the day, but does afterwards.
    assert certified_later.pk not in pool
    assert certified_later.pk in pool_on(LATER)


# --- competition prizes --------------------------------------------------------------------


def test_a_prize_counts_at_the_minimum_level_or_higher_and_taking_part_does_not():
    at_city = active_worker()
    CompetitionResultFactory(
        worker=at_city, competition=CompetitionFactory(level="shengzhou", held_on=DAY)
    )
    at_province = active_worker()
    CompetitionResultFactory(
        worker=at_province,
        competition=CompetitionFactory(level="provincial", held_on=datetime.date(2024, 4, 1)),
        prize="第3名",
    )
    at_street = active_worker()
    CompetitionResultFactory(
        worker=at_street, competition=CompetitionFactory(level="subdistrict", held_on=DAY)
    )
    took_part = active_worker()
    CompetitionResultFactory(
        worker=took_part, competition=CompetitionFactory(level="national", held_on=DAY), prize=""
    )
    held_later = active_worker()
    CompetitionResultFactory(
        worker=held_later,
        competition=CompetitionFactory(level="national", held_on=DAY + datetime.timedelta(days=1)),
    )
    pool = pool_on(DAY)
    assert at_city.pk in pool and at_province.pk in pool
    assert at_street.pk not in pool  # 街道级 does not meet 嵊州市级
    assert took_part.pk not in pool  # 参赛 is not a prize
    assert held_later.pk not in pool
    assert held_later.pk in pool_on(LATER)


# --- honours -------------------------------------------------------------------------------


def test_an_honour_counts_from_its_year_by_name_and_level():
    craftsman = active_worker()
    HonourFactory(worker=craftsman, name="craftsman", level="shengzhou", year=2026)
    next_year = active_worker()
    HonourFactory(worker=next_year, name="outstanding_craftsman", level="shengzhou", year=2027)
    model_worker = active_worker()
    HonourFactory(worker=model_worker, name="model_worker", level="shengzhou", year=2020)
    pool = pool_on(DAY)
    assert craftsman.pk in pool
    assert next_year.pk not in pool  # an honour of a later year does not count
    assert next_year.pk in pool_on(datetime.date(2027, 1, 1))
    assert model_worker.pk not in pool  # the default criteria name the craftsman honours only

    # Any person honour at 省级 or higher: a 嵊州市级 劳动模范 still does not count.
    CraftsmanCriterionFactory(kind="honour", min_skill_level="", min_award_level="provincial")
    assert model_worker.pk not in pool_on(DAY)
    provincial = active_worker()
    HonourFactory(worker=provincial, name="excellent_worker", level="provincial", year=2025)
    assert provincial.pk in pool_on(DAY)


# --- who is active -------------------------------------------------------------------------


def test_only_active_workers_are_in_the_pool():
    departed = WorkerFactory(skill_level="chief_technician")
    EmploymentFactory(
        worker=departed,
        hire_date=datetime.date(2015, 1, 1),
        departure_date=datetime.date(2026, 5, 1),
    )
    leaves_on_the_day = WorkerFactory(skill_level="technician")
    EmploymentFactory(
        worker=leaves_on_the_day, hire_date=datetime.date(2015, 1, 1), departure_date=DAY
    )
    never_employed = WorkerFactory(skill_level="technician")
    pool = pool_on(DAY)
    assert departed.pk not in pool
    assert leaves_on_the_day.pk not in pool  # departed today is not active today
    assert never_employed.pk not in pool
    assert departed.pk in pool_on(datetime.date(2026, 4, 30))


# --- criteria staff keep -------------------------------------------------------------------


def test_a_deactivated_criterion_stops_counting(staff_user):
    technician = active_worker(skill_level="technician")
    assert technician.pk in pool_on(DAY)
    criterion = CraftsmanCriterion.objects.get(kind="skill_level", is_active=True)
    craftsman_criterion_deactivate(user=staff_user, criterion=criterion)
    criterion.refresh_from_db()
    assert not criterion.is_active
    assert technician.pk not in pool_on(DAY)
    assert AuditLog.objects.filter(action="honors.criterion.deactivated").exists()


def test_a_saved_criterion_keeps_only_the_fields_of_its_kind(staff_user):
    criterion = CraftsmanCriterion(
        kind="competition_prize", min_skill_level="technician", min_award_level="provincial"
    )
    craftsman_criterion_save(user=staff_user, criterion=criterion)
    criterion.refresh_from_db()
    assert (criterion.min_skill_level, criterion.min_award_level) == ("", "provincial")
    with pytest.raises(ValidationError):
        craftsman_criterion_save(user=staff_user, criterion=CraftsmanCriterion(kind="skill_level"))


# --- manual changes ------------------------------------------------------------------------


def test_staff_add_and_remove_by_hand_with_a_reason_and_the_latest_change_wins(staff_user):
    worker = active_worker(skill_level="senior")
    today = timezone.localdate()
    assert worker.pk not in pool_on(today)

    change = craftsman_pool_add(user=staff_user, worker=worker, reason="绝活传承人，街道推荐")
    assert worker.pk in pool_on(today)
    assert change.changed_by == staff_user and change.included
    audit = AuditLog.objects.get(action="honors.pool.added")
    assert audit.actor == staff_user and audit.detail["reason"] == "绝活传承人，街道推荐"

    craftsman_pool_remove(user=staff_user, worker=worker, reason="已调离技术岗位")
    assert worker.pk not in pool_on(today)
    assert AuditLog.objects.filter(action="honors.pool.removed").count() == 1
    # Nothing is deleted: both changes stay as the history.
    assert CraftsmanPoolChange.objects.filter(worker=worker).count() == 2

    craftsman_pool_add(user=staff_user, worker=worker, reason="重新聘为技术骨干")
    assert worker.pk in pool_on(today)


def test_a_removal_overrides_the_criteria(staff_user):
    technician = active_worker(skill_level="technician")
    craftsman_pool_remove(user=staff_user, worker=technician, reason="本人申请退出")
    assert technician.pk not in pool_on(timezone.localdate())


def test_a_change_made_after_the_day_does_not_count_on_the_day(staff_user):
    worker = active_worker()
    craftsman_pool_add(user=staff_user, worker=worker, reason="技术骨干")
    assert worker.pk in pool_on(timezone.localdate())
    assert worker.pk not in pool_on(timezone.localdate() - datetime.timedelta(days=1))


def test_a_manual_add_of_a_worker_who_left_no_longer_counts(staff_user):
    worker = active_worker()
    craftsman_pool_add(user=staff_user, worker=worker, reason="技术骨干")
    worker.employments.update(departure_date=timezone.localdate())
    assert worker.pk not in pool_on(timezone.localdate())


@pytest.mark.parametrize(
    ("employed", "reason", "message"), [(True, "  ", "理由"), (False, "技术骨干", "在职")]
)
def test_a_change_without_a_reason_or_of_a_worker_not_employed_is_refused(
    staff_user, employed, reason, message
):
    worker = active_worker() if employed else WorkerFactory()
    with pytest.raises(ValidationError) as refused:
        craftsman_pool_add(user=staff_user, worker=worker, reason=reason)
    assert message in " ".join(refused.value.messages)
    assert not CraftsmanPoolChange.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="honors.pool").exists()


def test_the_same_change_twice_is_refused(staff_user):
    worker = active_worker()
    craftsman_pool_add(user=staff_user, worker=worker, reason="技术骨干")
    with pytest.raises(ValidationError):
        craftsman_pool_add(user=staff_user, worker=worker, reason="再次纳入")
    assert CraftsmanPoolChange.objects.filter(worker=worker).count() == 1


@pytest.mark.parametrize("role", ["union_user", "hr_user", "official_user"])
def test_only_staff_change_the_pool(request, role):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        craftsman_pool_add(user=user, worker=active_worker(), reason="技术骨干")
    assert not CraftsmanPoolChange.objects.exists()


# --- figures for the report ---------------------------------------------------------------


def test_size_and_counts_per_village_and_park():
    north, south = VillageFactory(name="北村"), VillageFactory(name="南村")
    park = IndustrialParkFactory(name="剡湖园区")
    in_park = EnterpriseFactory(village=north, park=park)
    outside = EnterpriseFactory(village=south)
    a = active_worker(in_park, skill_level="technician")
    active_worker(in_park, skill_level="technician")
    active_worker(outside, skill_level="senior_technician")
    active_worker(outside, skill_level="senior")  # not in the pool
    # One person in two jobs counts once per village, once in the total.
    EmploymentFactory(worker=a, enterprise=outside, hire_date=datetime.date(2021, 1, 1))
    assert craftsman_pool_size(DAY) == 3
    groups = craftsman_pool_by_group(DAY)
    villages = {row["name"]: row["count"] for row in groups["village"]}
    parks = {row["name"]: row["count"] for row in groups["park"]}
    assert villages["北村"] == 2 and villages["南村"] == 2
    assert parks == {"剡湖园区": 2}


def test_entries_say_why_each_worker_is_in(staff_user):
    worker = active_worker(skill_level="senior")
    SkillCertificateFactory(worker=worker, level="technician", issued_on=datetime.date(2025, 1, 1))
    HonourFactory(worker=worker, name="craftsman", level="shengzhou", year=2025)
    manual = active_worker()
    craftsman_pool_add(user=staff_user, worker=manual, reason="非遗技艺传承")
    criteria = list(CraftsmanCriterion.objects.filter(is_active=True))
    entries = {
        e.name: e
        for e in pool_entries(craftsman_pool_entries(None, staff_user, criteria=criteria), criteria)
    }
    assert entries[worker.name].skill_level == "技师(二级)"
    assert len(entries[worker.name].reasons) == 2
    assert entries[worker.name].employer and entries[worker.name].post == "数控车工"
    assert entries[manual.name].reasons == ["人工纳入：非遗技艺传承"]


# --- the pages -----------------------------------------------------------------------------


@pytest.fixture
def craftsman(db):
    return active_worker(skill_level="technician", name="王巧手")


def test_staff_see_the_pool_with_change_buttons(client, staff_user, craftsman):
    client.force_login(staff_user)
    response = client.get(reverse("honors:craftsmen"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "王巧手" in text and reverse("workers:detail", args=[craftsman.pk]) in text
    assert "职业技能等级达到技师(二级)及以上" in text
    assert reverse("honors:craftsmen_change") in text


def test_union_officers_see_names_never_an_id_number(client, union_user, craftsman):
    client.force_login(union_user)
    response = client.get(reverse("honors:craftsmen"))
    text = response.content.decode()
    assert response.status_code == 200 and "王巧手" in text
    assert craftsman.id_number not in text and craftsman.id_number[-4:] not in text
    assert craftsman.phone not in text
    assert reverse("honors:craftsmen_change") not in text
    assert (
        client.post(
            reverse("honors:craftsmen_change"),
            {"worker": craftsman.pk, "action": "remove", "reason": "试图移出"},
        ).status_code
        == 403
    )
    assert not CraftsmanPoolChange.objects.exists()


@pytest.mark.parametrize("role", ["hr_user", "official_user"])
def test_hr_and_officials_are_refused(client, request, role, craftsman):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("honors:craftsmen")).status_code == 403
    assert client.get(reverse("honors:craftsmen_export")).status_code == 403


def test_filters_by_village_reason_and_name(client, staff_user, craftsman):
    other = active_worker(name="李能人")
    HonourFactory(worker=other, name="outstanding_craftsman", level="shaoxing", year=2024)
    client.force_login(staff_user)
    url = reverse("honors:craftsmen")
    names = lambda response: [e.name for e in response.context["entries"]]  # noqa: E731
    assert set(names(client.get(url))) >= {"王巧手", "李能人"}
    assert names(client.get(url, {"reason": "honour"})) == ["李能人"]
    assert names(client.get(url, {"q": "巧手"})) == ["王巧手"]
    village = craftsman.employments.get().enterprise.village_id
    assert names(client.get(url, {"village": village})) == ["王巧手"]


def test_staff_add_by_hand_from_the_page(client, staff_user):
    worker = active_worker(name="赵新人")
    client.force_login(staff_user)
    found = client.get(reverse("honors:craftsmen"), {"candidate": "赵新"})
    assert [w.pk for w in found.context["candidates"]] == [worker.pk]
    response = client.post(
        reverse("honors:craftsmen_change"),
        {"worker": worker.pk, "action": "add", "reason": "市级技能大师工作室骨干"},
    )
    assert response.status_code == 302
    assert worker.pk in pool_on(timezone.localdate())
    # Without a reason nothing changes.
    client.post(
        reverse("honors:craftsmen_change"), {"worker": worker.pk, "action": "remove", "reason": ""}
    )
    assert worker.pk in pool_on(timezone.localdate())


def test_the_export_opens_and_holds_no_id_number(client, union_user, craftsman):
    client.force_login(union_user)
    response = client.get(reverse("honors:craftsmen_export"))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = [[c for c in row] for row in book.active.iter_rows(values_only=True)]
    header = next(row for row in rows if row and row[0] == "姓名")
    assert list(header) == ["姓名", "工作单位", "岗位", "职业技能等级（含证书）", "入库依据"]
    assert any(row[0] == "王巧手" and row[3] == "技师(二级)" for row in rows)
    flat = " ".join(str(c) for row in rows for c in row if c is not None)
    assert craftsman.id_number not in flat and craftsman.phone not in flat
    logged = PersonalDataAccess.objects.get(actor=union_user)
    assert logged.action == PersonalDataAccess.Action.EXPORT and logged.record_count == 1


def test_the_page_queries_do_not_grow_with_rows(client, staff_user):
    client.force_login(staff_user)
    url = reverse("honors:craftsmen")

    def add(n):
        for _ in range(n):
            worker = active_worker(skill_level="technician")
            HonourFactory(worker=worker, name="craftsman", year=2024)
            craftsman_pool_add(user=staff_user, worker=worker, reason="骨干")

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), len(response.context["entries"])

    add(3)
    client.get(url)
    few, shown_few = count()
    add(12)
    client.get(url)  # as above: with a shared cache the first view after a write counts anew
    many, shown_many = count()
    assert (shown_few, shown_many) == (3, 15)
    assert many == few


# --- the admin -----------------------------------------------------------------------------


def test_the_admin_adds_a_change_through_the_service_and_keeps_it_read_only(client, staff_user):
    worker = active_worker()
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:honors_craftsmanpoolchange_add"),
        {"worker": worker.pk, "included": "on", "reason": "技术骨干"},
    )
    assert response.status_code == 302
    change = CraftsmanPoolChange.objects.get(worker=worker)
    assert change.changed_by == staff_user
    assert AuditLog.objects.filter(action="honors.pool.added", object_id=str(change.pk)).exists()
    # Read-only afterwards, never deleted.
    page = client.get(reverse("admin:honors_craftsmanpoolchange_change", args=[change.pk]))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    delete = reverse("admin:honors_craftsmanpoolchange_delete", args=[change.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert CraftsmanPoolChange.objects.filter(pk=change.pk).exists()


def test_deleting_a_criterion_in_the_admin_deactivates_it(client, staff_user):
    criterion = CraftsmanCriterion.objects.get(kind="skill_level")
    client.force_login(staff_user)
    delete = reverse("admin:honors_craftsmancriterion_delete", args=[criterion.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    criterion.refresh_from_db()
    assert not criterion.is_active


def test_the_page_count_is_kept_until_the_pool_can_have_changed(
    client, staff_user, craftsman, settings
):
    settings.FIGURES_CACHE_SECONDS = 600  # a shared cache (Redis in production)
    client.force_login(staff_user)
    url = reverse("honors:craftsmen")

    def view(**query):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, query)
        counts = [q for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
        return response.context["page"].paginator.count, len(counts)

    assert view()[0] == 1
    assert view() == (1, 0)  # from the cache: no COUNT over every active worker
    assert view(q="没有这个人")[0] == 0  # each filter is counted apart
    worker = active_worker(name="赵新人")
    craftsman_pool_add(user=staff_user, worker=worker, reason="市级技能大师工作室骨干")
    assert view()[0] == 2  # a manual change
    criterion = CraftsmanCriterion.objects.get(kind="skill_level", is_active=True)
    craftsman_criterion_deactivate(user=staff_user, criterion=criterion)
    assert view()[0] == 1  # a criterion (王巧手 was in as a technician)
    HonourFactory(worker=craftsman, name="outstanding_craftsman", level="shaoxing", year=2024)
    assert view()[0] == 2  # an honour
