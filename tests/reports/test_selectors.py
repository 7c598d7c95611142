import datetime
import io
import json

import pytest
from django.core.management import call_command

from core.choices import PoliticalStatus, SkillLevel
from reports.selectors import FIGURE_KEYS, quarter_report, rate, report_figures
from tests.factories import EmploymentFactory, EnterpriseFactory, WorkerFactory

AS_OF = datetime.date(2026, 9, 30)


@pytest.fixture
def registers(db):
    """Hand-counted fixture; each worker's comment says how it counts on 2026-09-30."""
    above = EnterpriseFactory(is_above_scale=True)
    small = EnterpriseFactory(is_above_scale=False)
    EnterpriseFactory(is_above_scale=False)

    def worker(**fields):
        return WorkerFactory(**fields)

    # 1: active frontline party member, junior skill, union member → counts everywhere.
    w1 = worker(
        political_status=PoliticalStatus.PARTY_MEMBER,
        skill_level=SkillLevel.JUNIOR,
        is_union_member=True,
        union_joined_on=datetime.date(2019, 1, 1),
    )
    EmploymentFactory(worker=w1, enterprise=above, is_frontline=True)
    # 2: active frontline probationary member, technician (skilled, high-skilled, technician).
    w2 = worker(
        political_status=PoliticalStatus.PROBATIONARY_MEMBER, skill_level=SkillLevel.TECHNICIAN
    )
    EmploymentFactory(worker=w2, enterprise=above, is_frontline=True)
    # 3: active office worker, senior skill, joined the union after the date → not yet a member.
    w3 = worker(
        skill_level=SkillLevel.SENIOR,
        is_union_member=True,
        union_joined_on=datetime.date(2026, 10, 15),
    )
    EmploymentFactory(worker=w3, enterprise=small, is_frontline=False)
    # 4: transferred: departed from `above` and active at `small` → one worker, frontline at small.
    w4 = worker(skill_level=SkillLevel.APPRENTICE, is_union_member=True)
    EmploymentFactory(
        worker=w4,
        enterprise=above,
        hire_date=datetime.date(2018, 1, 1),
        departure_date=datetime.date(2021, 1, 1),
    )
    EmploymentFactory(worker=w4, enterprise=small, hire_date=datetime.date(2021, 2, 1))
    # 5: hired after the date → not counted.
    w5 = worker(political_status=PoliticalStatus.PARTY_MEMBER)
    EmploymentFactory(worker=w5, enterprise=small, hire_date=datetime.date(2026, 10, 1))
    # 6: departed on the date itself → not active on it.
    w6 = worker(skill_level=SkillLevel.CHIEF_TECHNICIAN)
    EmploymentFactory(worker=w6, enterprise=small, departure_date=AS_OF)
    # 7: two concurrent jobs (frontline at one) → counted once.
    w7 = worker(political_status=PoliticalStatus.LEAGUE_MEMBER)
    EmploymentFactory(worker=w7, enterprise=above, is_frontline=False)
    EmploymentFactory(worker=w7, enterprise=small, is_frontline=True)


def test_figures_match_hand_count(registers):
    figures = report_figures(as_of=AS_OF)

    assert tuple(figures) == FIGURE_KEYS
    assert figures["enterprises_total"] == 3
    assert figures["enterprises_above_scale"] == 1
    assert figures["enterprises_with_union"] == 0
    assert figures["union_establishment_rate"] == 0.0
    assert figures["workers_total"] == 5  # w1 w2 w3 w4 w7
    assert figures["frontline_workers"] == 4  # w1 w2 w4 w7
    assert figures["union_members"] == 2  # w1 w4
    assert figures["union_membership_rate"] == 0.4
    assert figures["frontline_party_members"] == 2  # w1 w2
    assert figures["frontline_party_member_rate"] == 0.5
    assert figures["skilled_workers"] == 3  # w1 w2 w3 (apprentice is not skilled)
    assert figures["skilled_worker_rate"] == 0.6
    assert figures["high_skilled_workers"] == 2  # w2 w3
    assert figures["technicians_total"] == 1  # w2
    assert figures["fund_declarations"] == 0


def test_later_date_counts_later_hires(registers):
    figures = report_figures(as_of=datetime.date(2026, 10, 20))
    assert figures["workers_total"] == 6  # w5 hired on 10-01
    assert figures["union_members"] == 3  # w3 joined on 10-15


def test_rates_round_half_up_and_null_over_empty_total():
    assert rate(2, 3) == 0.6667
    assert rate(1, 8) == 0.125
    assert rate(1, 20000) == 0.0001  # 0.00005 rounds up, not to even
    assert rate(0, 0) is None


@pytest.mark.django_db
def test_empty_registers_give_null_rates():
    figures = report_figures(as_of=AS_OF)
    assert figures["workers_total"] == 0
    assert figures["union_membership_rate"] is None
    assert figures["union_establishment_rate"] is None


def test_build_report_json_prints_the_interface_shape(registers):
    out = io.StringIO()
    call_command("build_report", "--quarter", "2026Q3", "--json", stdout=out)

    report = json.loads(out.getvalue())

    assert report["quarter"] == "2026Q3"
    assert report["as_of"] == "2026-09-30"
    assert report["kpis"] == quarter_report("2026Q3")["kpis"]
    assert set(report["kpis"]) == set(FIGURE_KEYS)
    assert report["kpis"]["workers_total"] == 5


def test_worker_representatives_join_the_report(db):
    from party.models import WorkerRepresentative

    frontline = WorkerFactory()
    EmploymentFactory(worker=frontline, is_frontline=True, hire_date=datetime.date(2020, 1, 1))
    office = WorkerFactory()
    EmploymentFactory(worker=office, is_frontline=False, hire_date=datetime.date(2020, 1, 1))
    for worker in (frontline, office):
        WorkerRepresentative.objects.create(
            worker=worker,
            role=WorkerRepresentative.Role.choices[0][0],
            body="嵊州市人大",
            level=WorkerRepresentative.Level.choices[0][0],
            term_start=datetime.date(2022, 1, 1),
        )
    kpis = report_figures(as_of=AS_OF)
    assert kpis["worker_representatives"] == 2
    assert kpis["frontline_representatives"] == 1
    assert kpis["frontline_representative_rate"] == 0.5
