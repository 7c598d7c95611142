"""The report keys of issue 14 (DOMAIN.md "Report figures": honours_individual, honours_team,
model_workers, craftsmen) on a hand-counted fixture, and the counts behind the 劳模工匠 sheet."""

import datetime
from decimal import Decimal

import pytest

from enterprises.models import IndustrialPark, Village
from honors.figures import (
    honours_breakdown,
    honours_by_name_and_level,
    honours_counts,
    honours_figures,
)
from tests.factories import (
    CraftsmanPoolChangeFactory,
    EmploymentFactory,
    EnterpriseFactory,
    HonourFactory,
    InnovationStudioFactory,
    NominationFactory,
    NominationRoundFactory,
    StudioYearResultFactory,
    TeamHonourFactory,
    WorkerFactory,
)
from workers.figures import worker_figures

AS_OF = datetime.date(2026, 6, 30)
HONOUR_KEYS = ("honours_individual", "honours_team", "model_workers", "craftsmen")


def figures_on(day):
    workers = worker_figures(day, sets=True)
    return honours_figures(day, workers["overall"][None]), workers


@pytest.fixture
def honoured(db):
    """Each worker's comment says how they count on 2026-06-30 (the 2026Q2 report)."""
    east, west = Village.objects.create(name="东村"), Village.objects.create(name="西村")
    park = IndustrialPark.objects.create(name="经济开发区")
    a = EnterpriseFactory(name="甲", village=east, park=park)
    b = EnterpriseFactory(name="乙", village=west, park=None)

    # w1 at 甲: two 劳动模范 honours of 2026 (嵊州市级 and 绍兴市级): two individual honours,
    # one model worker.
    w1 = WorkerFactory(name="张一")
    EmploymentFactory(worker=w1, enterprise=a)
    HonourFactory(worker=w1, name="model_worker", level="shengzhou", year=2026)
    HonourFactory(worker=w1, name="model_worker", level="shaoxing", year=2026)

    # w2 left 乙 on 2026-05-01: a 劳动模范 of 2026 counts among the year's honours, not among
    # the active model workers.
    w2 = WorkerFactory(name="张二")
    EmploymentFactory(worker=w2, enterprise=b, departure_date=datetime.date(2026, 5, 1))
    HonourFactory(worker=w2, name="model_worker", level="subdistrict", year=2026)

    # w3 at 乙: a 劳动模范 of 2027, not yet one in 2026; a member of 乙's 工人先锋号 team of 2026
    # (a team's honour: not an individual one, and no model worker for it).
    w3 = WorkerFactory(name="张三")
    EmploymentFactory(worker=w3, enterprise=b)
    HonourFactory(worker=w3, name="model_worker", level="shengzhou", year=2027)
    team = TeamHonourFactory(enterprise=b, team_name="装配一班", year=2026, level="shengzhou")
    team.members.add(w3)
    TeamHonourFactory(enterprise=a, name="excellent_team", team_name="质检班", year=2025)

    # w4 at 甲: 嵊州工匠 of 2024 and 杰出工匠 of 2025: one craftsman, no honour this year.
    w4 = WorkerFactory(name="张四")
    EmploymentFactory(worker=w4, enterprise=a)
    HonourFactory(worker=w4, name="craftsman", level="shengzhou", year=2024)
    HonourFactory(worker=w4, name="outstanding_craftsman", level="shengzhou", year=2025)

    # w5 at 乙: 嵊州工匠 of 2026: a craftsman, and an individual honour of the year.
    w5 = WorkerFactory(name="张五")
    EmploymentFactory(worker=w5, enterprise=b)
    HonourFactory(worker=w5, name="craftsman", level="shengzhou", year=2026)

    # w6 at 甲: 优秀职工 of 2025 only: neither a model worker nor a craftsman.
    w6 = WorkerFactory(name="张六")
    EmploymentFactory(worker=w6, enterprise=a)
    HonourFactory(worker=w6, name="excellent_worker", level="subdistrict", year=2025)

    # The craftsman pool on the day (default criteria: 技师+, a prize at 嵊州市级+, 嵊州工匠 or
    # 杰出工匠): w4 and w5. w3 is added by hand today, after the day: not in it on the day.
    CraftsmanPoolChangeFactory(worker=w3, included=True)

    # Studios: one at 甲 (东村, in the park) with results of 2026 and 2025; one at 乙 (西村,
    # no park) named in March 2026; one at 乙 no longer running.
    s1 = InnovationStudioFactory(name="一号工作室", enterprise=a, leader=w1)
    StudioYearResultFactory(
        studio=s1,
        year=2026,
        patents=2,
        process_improvements=5,
        savings_yuan=Decimal("120000.50"),
        trainees=30,
    )
    StudioYearResultFactory(studio=s1, year=2025, patents=9)
    s2 = InnovationStudioFactory(
        name="二号工作室", enterprise=b, leader=w5, founded_on=datetime.date(2026, 3, 1)
    )
    StudioYearResultFactory(
        studio=s2,
        year=2026,
        patents=1,
        process_improvements=0,
        savings_yuan=Decimal("0.25"),
        trainees=4,
    )
    InnovationStudioFactory(name="三号工作室", enterprise=b, leader=w4, is_active=False)

    # Rounds: one at work in 2026Q2 with four nominations, one of 2025 long approved.
    spring = NominationRoundFactory(
        title="2026年度剡湖街道基层劳模推评",
        opens_on=datetime.date(2026, 4, 1),
        closes_on=datetime.date(2026, 4, 30),
        status="publicity",
        publicity_starts_on=datetime.date(2026, 5, 10),
        publicity_ends_on=datetime.date(2026, 5, 20),
        quota=2,
    )
    for worker, enterprise, status in (
        (w1, a, "accepted"),
        (w4, a, "objected"),
        (w5, b, "submitted"),
        (w3, b, "withdrawn"),
    ):
        NominationFactory(
            round=spring, worker=worker, enterprise=enterprise, status=status, employed=False
        )
    NominationRoundFactory(
        title="2025年度剡湖街道基层劳模推评",
        year=2025,
        opens_on=datetime.date(2025, 4, 1),
        closes_on=datetime.date(2025, 4, 30),
        status="approved",
        publicity_starts_on=datetime.date(2025, 5, 10),
        publicity_ends_on=datetime.date(2025, 5, 20),
    )
    return {"a": a, "b": b, "east": east, "west": west, "park": park, "w3": w3}


def test_each_key_matches_the_hand_count(honoured):
    figures, _workers = figures_on(AS_OF)
    assert tuple(figures) == HONOUR_KEYS
    assert figures == {
        "honours_individual": 4,  # w1 twice, w2 (departed), w5
        "honours_team": 1,  # 乙's 工人先锋号 (the 优秀班组 is of 2025)
        "model_workers": 1,  # w1 once; w2 departed, w3's is of 2027
        "craftsmen": 2,  # w4 (both honours, once) and w5
    }


def test_a_later_year_counts_its_own_honours_and_the_later_model_worker(honoured):
    figures, _workers = figures_on(datetime.date(2027, 3, 31))
    assert figures == {
        "honours_individual": 1,  # w3's 劳动模范 of 2027
        "honours_team": 0,
        "model_workers": 2,  # w1 and w3
        "craftsmen": 2,
    }
    # An earlier quarter: the honours of 2026 are not held yet.
    earlier, _workers = figures_on(datetime.date(2025, 12, 31))
    assert earlier == {
        "honours_individual": 2,  # w4's 杰出工匠 and w6's 优秀职工 of 2025
        "honours_team": 1,  # the 优秀班组 of 2025
        "model_workers": 0,
        "craftsmen": 1,  # w4, since 2024
    }


def test_model_workers_and_craftsmen_by_village_and_park(honoured):
    _figures, workers = figures_on(AS_OF)
    breakdown = honours_breakdown(workers)
    assert [(r["label"], r["model_workers"], r["craftsmen"]) for r in breakdown["villages"]] == [
        ("东村", 1, 1),  # 甲: w1, w4
        ("西村", 0, 1),  # 乙: w5
    ]
    assert [(r["label"], r["model_workers"], r["craftsmen"]) for r in breakdown["parks"]] == [
        ("经济开发区", 1, 1),
        ("不在园区", 0, 1),
    ]


def test_honours_by_name_and_level_with_totals(honoured):
    table = honours_by_name_and_level(2026)
    levels = [code for code, _label in table["levels"]]
    assert levels == ["national", "provincial", "shaoxing", "shengzhou", "subdistrict"]
    rows = {row["label"]: row for row in table["rows"]}
    assert list(rows) == ["劳动模范", "嵊州工匠", "杰出工匠", "优秀职工", "工人先锋号", "优秀班组"]
    assert rows["劳动模范"]["counts"] == [0, 0, 1, 1, 1]
    assert rows["劳动模范"]["total"] == 3
    assert rows["嵊州工匠"]["counts"] == [0, 0, 0, 1, 0]
    assert rows["工人先锋号"]["counts"] == [0, 0, 0, 1, 0]
    assert rows["工人先锋号"]["team"] and not rows["劳动模范"]["team"]
    assert rows["杰出工匠"]["total"] == rows["优秀班组"]["total"] == 0
    assert table["totals"] == [0, 0, 1, 3, 1]
    assert table["total"] == 5 == sum(honours_counts(AS_OF).values())


@pytest.mark.django_db
def test_empty_registers_count_nothing():
    figures, _workers = figures_on(AS_OF)
    assert figures == dict.fromkeys(HONOUR_KEYS, 0)
    assert honours_by_name_and_level(2026)["total"] == 0


def test_cached_figures_follow_honours(honoured, settings):
    settings.FIGURES_CACHE_SECONDS = 600
    w6 = honoured["a"].employments.get(worker__name="张六").worker
    assert figures_on(AS_OF)[0]["model_workers"] == 1
    honour = HonourFactory(worker=w6, name="model_worker", level="subdistrict", year=2026)
    assert figures_on(AS_OF)[0]["model_workers"] == 2
    honour.delete()
    assert figures_on(AS_OF)[0]["model_workers"] == 1
