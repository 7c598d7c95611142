"""Activity summary per branch and quarter; representative figures (seed measures 1 and 9)."""

import datetime

import pytest

from party.models import PartyActivity, PartyBranch, WorkerRepresentative
from party.selectors import branch_activity_summary, representative_figures
from tests.factories import EmploymentFactory, EnterpriseFactory, WorkerFactory

pytestmark = pytest.mark.django_db

Kind = PartyActivity.Kind


def activity(branch, day, kind=Kind.GENERAL_MEETING):
    return PartyActivity.objects.create(
        branch=branch, held_on=day, kind=kind, topic="学习", attendance=12
    )


def test_activity_summary_for_a_quarter(django_assert_num_queries):
    active = PartyBranch.objects.create(name="甲党支部", kind=PartyBranch.Kind.SINGLE)
    quiet = PartyBranch.objects.create(name="乙党支部", kind=PartyBranch.Kind.SINGLE)
    PartyBranch.objects.create(name="丙党支部", kind=PartyBranch.Kind.JOINT)
    activity(active, datetime.date(2024, 3, 31))  # Q1
    activity(active, datetime.date(2024, 4, 1), Kind.GENERAL_MEETING)
    activity(active, datetime.date(2024, 5, 10), Kind.PARTY_LECTURE)
    activity(active, datetime.date(2024, 6, 30), Kind.THEMED_PARTY_DAY)
    activity(active, datetime.date(2024, 7, 1), Kind.OTHER)  # Q3
    activity(quiet, datetime.date(2023, 12, 1))

    with django_assert_num_queries(1):
        rows = {
            b.name: (
                b.activity_count,
                b.three_meetings_one_lesson_count,
                b.themed_party_day_count,
                b.last_activity_on,
            )
            for b in branch_activity_summary(year=2024, quarter=2)
        }

    assert rows == {
        "甲党支部": (3, 2, 1, datetime.date(2024, 6, 30)),
        "乙党支部": (0, 0, 0, datetime.date(2023, 12, 1)),
        "丙党支部": (0, 0, 0, None),
    }
    whole_year = {b.name: b.activity_count for b in branch_activity_summary(year=2024)}
    assert whole_year == {"甲党支部": 5, "乙党支部": 0, "丙党支部": 0}


AS_OF = datetime.date(2024, 6, 30)
Role = WorkerRepresentative.Role
Level = WorkerRepresentative.Level


def post(worker, role=Role.PEOPLES_CONGRESS, start=datetime.date(2022, 1, 1), end=None):
    return WorkerRepresentative.objects.create(
        worker=worker,
        role=role,
        body="嵊州市人大",
        level=Level.SHENGZHOU,
        term_start=start,
        term_end=end,
    )


def test_representative_figures_by_hand(django_assert_num_queries):
    factory, office = EnterpriseFactory(), EnterpriseFactory()

    # 1: frontline, holds two posts: counted once, frontline.
    w1 = EmploymentFactory(enterprise=factory, is_frontline=True).worker
    post(w1, end=datetime.date(2026, 12, 31))
    post(w1, role=Role.PARTY_CONGRESS)
    # 2: office worker: counted, not frontline.
    w2 = EmploymentFactory(enterprise=office, is_frontline=False).worker
    post(w2, role=Role.CPPCC)
    # 3: frontline, term ended the day before: not counted.
    w3 = EmploymentFactory(enterprise=factory).worker
    post(w3, end=datetime.date(2024, 6, 29))
    # 4: frontline, term starts the day after: not counted.
    w4 = EmploymentFactory(enterprise=factory).worker
    post(w4, start=datetime.date(2024, 7, 1))
    # 5: departed frontline worker still in office: counted, not frontline.
    w5 = EmploymentFactory(
        enterprise=factory, hire_date=datetime.date(2020, 1, 1), departure_date=AS_OF
    ).worker
    post(w5, role=Role.MASS_ORG_PART_TIME)
    # 6: term ends on the day and hired on the day: counted, frontline.
    w6 = EmploymentFactory(enterprise=factory, hire_date=AS_OF).worker
    post(w6, role=Role.MASS_ORG_SECONDED, end=AS_OF)
    # 7: office job here, frontline job there: frontline.
    w7 = EmploymentFactory(enterprise=office, is_frontline=False).worker
    EmploymentFactory(worker=w7, enterprise=factory, is_frontline=True)
    post(w7)
    # A representative without any employment: counted, not frontline.
    post(WorkerFactory(), role=Role.PARTY_CONGRESS)

    with django_assert_num_queries(1):
        figures = representative_figures(AS_OF)

    assert figures == {
        "representatives": 6,
        "frontline_representatives": 3,
        "frontline_representative_rate": 0.5,
    }


def test_representative_rate_rounds_and_is_null_without_representatives():
    assert representative_figures(AS_OF)["frontline_representative_rate"] is None
    for frontline in (True, False, False):
        post(EmploymentFactory(is_frontline=frontline).worker)
    assert representative_figures(AS_OF) == {
        "representatives": 3,
        "frontline_representatives": 1,
        "frontline_representative_rate": 0.3333,
    }
