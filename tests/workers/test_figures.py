"""Worker figures (workers.figures) count distinct active workers per group exactly, however the
employments overlap, and the cached figures follow every kind of write."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.choices import (
    HIGH_SKILLED_RANK,
    PARTY_STATUSES,
    SKILL_LEVEL_RANK,
    SKILLED_RANK,
    STABLE_CONTRACT_TYPES,
    TECHNICIAN_RANK,
    ContractType,
    PoliticalStatus,
    SkillLevel,
)
from demo.management.commands.seed_demo import Command as SeedDemo
from enterprises.models import Enterprise, IndustrialPark, Village
from imports.bulk import insert_rows
from imports.services import dataset_import
from tests.factories import (
    CompetitionResultFactory,
    CourseFactory,
    EmploymentFactory,
    EnterpriseFactory,
    HonourFactory,
    SkillCertificateFactory,
    TrainingRecordFactory,
    WorkerFactory,
    make_id_number,
)
from tests.workers.test_roster_tasks import wait_for
from workers.figures import COUNTS, GROUPS, count_names, worker_figures
from workers.importers import ROSTER
from workers.models import Employment

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 6, 30)
DATES = [
    datetime.date(2025, 1, 1),
    DAY - datetime.timedelta(days=1),
    DAY,
    DAY + datetime.timedelta(days=1),
]

jobs = st.lists(
    st.tuples(
        st.integers(0, 5),  # worker
        st.integers(0, 3),  # enterprise
        st.booleans(),  # frontline
        st.sampled_from(DATES),  # hired
        st.one_of(st.none(), st.sampled_from(DATES)),  # departed
        st.sampled_from(["", *(c.value for c in ContractType)]),  # contract
    ),
    max_size=14,
)
# Around the window of the year-to-date figures: last year, 1 January, the day, the day after.
WINDOW_DATES = [
    datetime.date(2025, 12, 31),
    datetime.date(2026, 1, 1),
    DAY,
    DAY + datetime.timedelta(days=1),
]
certificates = st.lists(
    st.tuples(
        st.sampled_from([s.value for s in SkillLevel]),
        st.sampled_from([datetime.date(2020, 5, 1), *WINDOW_DATES]),
    ),
    max_size=2,
)
records = st.lists(
    st.tuples(
        st.booleans(),  # completed
        st.sampled_from(WINDOW_DATES),  # started
        st.sampled_from([Decimal("0.1"), Decimal("7.5"), Decimal("2000.0")]),
    ),
    max_size=2,
)
results = st.lists(
    st.tuples(st.sampled_from(["一等奖", "第3名", ""]), st.sampled_from(WINDOW_DATES)), max_size=2
)
# A person's honours (name, 年度) around the day's year: the honours app's sets (model workers,
# craftsmen) count those of a year up to the day's.
PERSON_HONOUR_NAMES = ["model_worker", "craftsman", "outstanding_craftsman", "excellent_worker"]
honours = st.lists(
    st.tuples(
        st.sampled_from(PERSON_HONOUR_NAMES), st.sampled_from([2020, DAY.year, DAY.year + 1])
    ),
    max_size=3,
    unique=True,
)
people = st.lists(
    st.tuples(
        st.booleans(),  # member
        st.sampled_from([None, datetime.date(2020, 1, 1), DAY, DAY + datetime.timedelta(days=1)]),
        st.sampled_from([s.value for s in PoliticalStatus]),
        st.sampled_from([""] + [s.value for s in SkillLevel]),
        st.sampled_from(
            [None, DAY - datetime.timedelta(days=1), DAY, DAY + datetime.timedelta(days=1)]
        ),
        certificates,
        records,
        results,
        honours,
    ),
    min_size=6,
    max_size=6,
)


def in_window(day: datetime.date) -> bool:
    return datetime.date(DAY.year, 1, 1) <= day <= DAY


def expected(workers, enterprises, employments):
    """COUNT(DISTINCT worker) per group (and each worker's amounts once per group), the way
    DOMAIN.md says it, written out in Python."""
    names = count_names()
    sets: dict = {}
    amounts: dict = {}
    for worker_id, enterprise_id, frontline, hired, departed, contract in employments:
        if hired > DAY or (departed is not None and departed <= DAY):
            continue
        member, joined, political, skill, left, certs, trainings, prizes, held = workers[worker_id]
        rank = max(
            [SKILL_LEVEL_RANK.get(skill, 0)]
            + [SKILL_LEVEL_RANK[level] for level, issued in certs if issued <= DAY]
        )
        hours = [h for done, started, h in trainings if done and in_window(started)]
        trained = bool(hours)
        flags = {
            "workers": True,
            "frontline": frontline,
            "members": (joined is None or joined <= DAY)
            and (member or (left is not None and left > DAY)),
            "frontline_party": frontline and political in PARTY_STATUSES,
            "skilled": rank >= SKILLED_RANK,
            "high_skilled": rank >= HIGH_SKILLED_RANK,
            "technicians": rank >= TECHNICIAN_RANK,
            "technicians_stable": rank >= TECHNICIAN_RANK and contract in STABLE_CONTRACT_TYPES,
            "trained": trained,
            "frontline_trained": frontline and trained,
            "awardees": any(prize and in_window(day) for prize, day in prizes),
            "model_workers": any(n == "model_worker" and y <= DAY.year for n, y in held),
            "craftsmen": any(
                n in ("craftsman", "outstanding_craftsman") and y <= DAY.year for n, y in held
            ),
        }
        worker_amounts = {
            "certificates": sum(1 for _level, issued in certs if in_window(issued)),
            "training_hours_tenths": int(sum(hours, Decimal(0)) * 10),
        }
        enterprise = enterprises[enterprise_id]
        for group, attribute in GROUPS.items():
            key = getattr(enterprise, attribute) if attribute else None
            counted = sets.setdefault(group, {}).setdefault(key, {c: set() for c in flags})
            for name, flag in flags.items():
                if flag:
                    counted[name].add(worker_id)
            amounts.setdefault(group, {}).setdefault(key, {})[worker_id] = worker_amounts
    result = {
        group: {
            key: {
                **{c: len(s) for c, s in counted.items()},
                **{
                    name: sum(a[name] for a in amounts[group][key].values())
                    for name in ("certificates", "training_hours_tenths")
                },
            }
            for key, counted in keys.items()
        }
        for group, keys in sets.items()
    }
    result = {
        group: {key: {name: counts[name] for name in names} for key, counts in keys.items()}
        for group, keys in result.items()
    }
    result.setdefault("overall", {None: dict.fromkeys(names, 0)})
    for group in GROUPS:
        result.setdefault(group, {})
    return result


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=people, jobs=jobs)
def test_figures_equal_distinct_counts_of_active_workers(people, jobs):
    with transaction.atomic():
        village, other_village = (
            Village.objects.create(name="甲村"),
            Village.objects.create(name="乙村"),
        )
        park = IndustrialPark.objects.create(name="园区")
        enterprises = [
            EnterpriseFactory(village=village, park=park, is_above_scale=True),
            EnterpriseFactory(village=village, park=None),
            EnterpriseFactory(village=other_village, park=park),
            EnterpriseFactory(village=other_village, park=None, is_above_scale=True),
        ]
        workers = []
        for member, joined, political, skill, left, certs, trainings, prizes, held in people:
            worker = WorkerFactory(
                is_union_member=member,
                union_joined_on=joined,
                union_left_on=None if member else left,
                political_status=political,
                skill_level=skill,
            )
            for level, issued in certs:
                SkillCertificateFactory(worker=worker, level=level, issued_on=issued)
            for done, started, hours in trainings:
                TrainingRecordFactory(
                    worker=worker,
                    course=CourseFactory(starts_on=started, ends_on=None),
                    hours=hours,
                    is_completed=done,
                )
            for prize, held_on in prizes:
                CompetitionResultFactory(worker=worker, competition__held_on=held_on, prize=prize)
            for name, year in held:
                HonourFactory(worker=worker, name=name, year=year)
            workers.append(worker)
        kept = []
        for worker, enterprise, frontline, hired, departed, contract in jobs:
            if departed is not None and departed < hired:
                departed = hired
            if departed is None and any(
                k[0] == worker and k[1] == enterprise and k[4] is None for k in kept
            ):
                continue  # one open employment per worker and enterprise (a constraint)
            EmploymentFactory(
                worker=workers[worker],
                enterprise=enterprises[enterprise],
                is_frontline=frontline,
                hire_date=hired,
                departure_date=departed,
                contract_type=contract,
            )
            kept.append((worker, enterprise, frontline, hired, departed, contract))
        full = expected(people, enterprises, kept)
        assert worker_figures(DAY, sets=True) == full
        # Without the registered sets (the coverage dashboard): the same counts of its own.
        assert worker_figures(DAY) == {
            group: {key: {name: c[name] for name in COUNTS} for key, c in keys.items()}
            for group, keys in full.items()
        }
        transaction.set_rollback(True)


def test_a_worker_in_two_jobs_counts_once_where_both_are_and_once_in_each_elsewhere():
    village = Village.objects.create(name="甲村")
    a = EnterpriseFactory(village=village, is_above_scale=True)
    b = EnterpriseFactory(village=village, is_above_scale=False)
    worker = WorkerFactory(is_union_member=True, political_status=PoliticalStatus.PARTY_MEMBER)
    EmploymentFactory(worker=worker, enterprise=a, is_frontline=False)
    EmploymentFactory(worker=worker, enterprise=b, is_frontline=True)
    figures = worker_figures(DAY)
    assert figures["overall"][None]["workers"] == 1
    assert figures["overall"][None]["frontline"] == 1
    assert figures["overall"][None]["frontline_party"] == 1
    assert figures["village"][village.pk]["workers"] == 1
    assert figures["enterprise"][a.pk]["workers"] == figures["enterprise"][b.pk]["workers"] == 1
    assert figures["enterprise"][a.pk]["frontline"] == 0
    assert figures["above_scale"][True]["workers"] == figures["above_scale"][False]["workers"] == 1


@pytest.fixture
def cached(settings):
    settings.FIGURES_CACHE_SECONDS = 600


def workers_now():
    return worker_figures(DAY, ("overall",))["overall"][None]["workers"]


def test_cached_figures_follow_saves_bulk_writes_and_deletes(cached):
    enterprise = EnterpriseFactory()
    job = EmploymentFactory(enterprise=enterprise)
    assert workers_now() == 1
    assert workers_now() == 1  # from the cache

    EmploymentFactory(enterprise=enterprise)  # a save
    assert workers_now() == 2

    now = datetime.datetime.now(datetime.UTC)
    worker = WorkerFactory()
    insert_rows(  # COPY, as a roster upload writes
        Employment,
        (
            "worker_id",
            "enterprise_id",
            "position",
            "is_frontline",
            "contract_type",
            "hire_date",
            "created_at",
            "updated_at",
        ),
        [(worker.pk, enterprise.pk, "", True, "", DATES[0], now, now)],
    )
    assert workers_now() == 3

    Employment.objects.filter(pk=job.pk).update(departure_date=DATES[0])
    assert workers_now() == 3  # a bare QuerySet.update is not seen …
    job.refresh_from_db()
    job.save()  # … a save of the row is
    assert workers_now() == 2

    Employment.objects.get(worker=worker).delete()
    assert workers_now() == 1


def test_cached_figures_follow_an_enterprise_moving_village(cached):
    first, second = Village.objects.create(name="甲村"), Village.objects.create(name="乙村")
    enterprise = EnterpriseFactory(village=first)
    EmploymentFactory(enterprise=enterprise)
    assert set(worker_figures(DAY, ("village",))["village"]) == {first.pk}
    enterprise.village = second
    enterprise.save()
    assert set(worker_figures(DAY, ("village",))["village"]) == {second.pk}


def test_cached_figures_follow_a_roster_upload_and_the_demo_data(cached, roles):
    assert workers_now() == 0
    SeedDemo().handle(verbosity=0)
    active = Employment.objects.active_on(DAY).values("worker").distinct().count()
    assert active and workers_now() == active

    enterprise = Enterprise.objects.filter(employments__isnull=True).first() or EnterpriseFactory()
    result, _ = dataset_import(
        kind=ROSTER,
        user=None,
        enterprise=enterprise,
        filename="r.csv",
        content=(
            "姓名,身份证号,是否一线职工,是否工会会员,入职日期\n张三,%s,是,否,2019-04-01\n"
            % make_id_number(7, datetime.date(1990, 1, 2))
        ).encode(),
        dry_run=False,
    )
    assert result.ok, [e.as_dict() for e in result.errors]
    assert workers_now() == active + 1


def test_a_write_has_a_worker_compute_todays_figures_into_the_cache(worker_thread, settings):
    settings.FIGURES_CACHE_SECONDS = 600
    settings.FIGURES_WARM = True
    today = timezone.localdate()
    EmploymentFactory(hire_date=today)  # committed at once: a Celery task warms the cache

    def cached_today():
        version = cache.get("figures:version")
        return cache.get("figures:%s:%s" % (version, today.isoformat()))

    figures = wait_for(cached_today, timeout=30, what="today's figures in the cache")
    assert figures["overall"][None]["workers"] == 1


def csv_roster(*rows: tuple[str, str]) -> bytes:
    """姓名, 身份证号 and 是否工会会员 per row; everyone a frontline worker since 2019."""
    lines = ["姓名,身份证号,是否一线职工,是否工会会员,入职日期"]
    lines += ["%s,%s,是,%s,2019-04-01" % (name, number, member) for name, number, member in rows]
    return ("\n".join(lines) + "\n").encode()


def test_a_member_who_leaves_still_counts_on_earlier_days(db, monkeypatch):
    from workers.models import Worker

    enterprise = EnterpriseFactory()
    number = make_id_number(11, datetime.date(1985, 3, 4))
    joined, left = datetime.date(2024, 1, 10), datetime.date(2026, 5, 20)

    def upload(on, member):
        monkeypatch.setattr(timezone, "localdate", lambda *a: on)
        result, _ = dataset_import(
            kind=ROSTER,
            user=None,
            enterprise=enterprise,
            filename="r.csv",
            content=csv_roster(("张三", number, member)),
            dry_run=False,
        )
        assert result.ok, [e.as_dict() for e in result.errors]

    upload(joined, "是")
    upload(left, "否")
    worker = Worker.objects.get()
    assert (worker.is_union_member, worker.union_joined_on, worker.union_left_on) == (
        False,
        joined,
        left,
    )

    def members(day):
        return worker_figures(day, ("overall",))["overall"][None]["members"]

    assert members(joined - datetime.timedelta(days=1)) == 0
    assert members(joined) == 1
    assert members(left - datetime.timedelta(days=1)) == 1
    assert members(left) == 0  # left that day
    changes = worker.membership_changes.order_by("pk").values_list("is_member", "joined_on")
    assert list(changes) == [(True, joined), (False, None)]

    upload(datetime.date(2026, 8, 1), "是")  # rejoins: a new period from that day
    worker.refresh_from_db()
    assert (worker.union_joined_on, worker.union_left_on) == (datetime.date(2026, 8, 1), None)


def test_cached_figures_follow_certificates_training_records_and_results(cached):
    worker = WorkerFactory(skill_level=SkillLevel.SENIOR)
    EmploymentFactory(worker=worker)

    def overall():
        return worker_figures(DAY, ("overall",), sets=True)["overall"][None]

    assert overall()["technicians"] == 0
    certificate = SkillCertificateFactory(worker=worker, level=SkillLevel.TECHNICIAN)
    assert overall()["technicians"] == 1
    certificate.delete()
    assert overall()["technicians"] == 0

    course = CourseFactory(starts_on=datetime.date(2026, 3, 2), ends_on=None)
    record = TrainingRecordFactory(worker=worker, course=course, is_completed=False)
    assert overall()["trained"] == 0
    record.is_completed = True
    record.save()
    assert overall()["trained"] == 1
    version = cache.get("figures:version")
    course.occupation = "电工"
    course.save()
    assert cache.get("figures:version") != version

    result = CompetitionResultFactory(worker=worker, prize="", competition__held_on=DAY)
    assert overall()["awardees"] == 0
    result.prize = "一等奖"
    result.save()
    assert overall()["awardees"] == 1
    version = cache.get("figures:version")
    result.competition.save()
    assert cache.get("figures:version") != version
