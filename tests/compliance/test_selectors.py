"""Democratic-management reads as of a date, hand-counted (seed measure 9; issue 4: contracts
expiring within 60 days, enterprises with none)."""

import datetime

import pytest

from compliance.models import (
    CollectiveWageContract,
    FactoryAffairsDisclosure,
    WorkersCongressSession,
)
from compliance.selectors import (
    democratic_management_summary,
    enterprises_without_wage_contract,
    wage_contracts_expiring,
    wage_contracts_visible_to,
    workers_congress_sessions_visible_to,
)
from enterprises.models import Enterprise
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 9, 30)
DAY_60 = datetime.date(2026, 11, 29)
# Entered or confirmed by staff: only confirmed records count (issue 15).
CONFIRMED_AT = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)


def day(iso: str) -> datetime.date:
    return datetime.date.fromisoformat(iso)


def contract(enterprise, start: str, end: str, **fields) -> CollectiveWageContract:
    return CollectiveWageContract.objects.create(
        enterprise=enterprise,
        signed_on=day(start),
        start_date=day(start),
        end_date=day(end),
        **{"confirmed_at": CONFIRMED_AT, **fields},
    )


def congress(enterprise, held_on: str, session: str) -> None:
    WorkersCongressSession.objects.create(
        enterprise=enterprise,
        held_on=day(held_on),
        session=session,
        delegates=30,
        topics="议题",
        confirmed_at=CONFIRMED_AT,
    )


def disclosure(enterprise, disclosed_on: str) -> None:
    FactoryAffairsDisclosure.objects.create(
        enterprise=enterprise,
        disclosed_on=day(disclosed_on),
        subject="年度工资调整方案",
        channel="公开栏",
        content="内容",
        confirmed_at=CONFIRMED_AT,
    )


def test_day_60_is_the_last_day_counted():
    assert AS_OF + datetime.timedelta(days=60) == DAY_60


@pytest.fixture
def contracts():
    e = {name: EnterpriseFactory(name=name) for name in ["A", "B", "C", "D", "E", "F", "G"]}
    return {
        "ends_today": contract(e["A"], "2023-10-01", "2026-09-30"),
        "starts_today": contract(e["B"], "2026-09-30", "2026-10-15"),
        "day_60": contract(e["C"], "2023-11-30", "2026-11-29"),
        "day_61": contract(e["D"], "2023-12-01", "2026-11-30"),
        "expired_yesterday": contract(e["E"], "2023-09-30", "2026-09-29"),
        "starts_tomorrow": contract(e["F"], "2026-10-01", "2026-10-31"),
        "far_off": contract(e["G"], "2025-01-01", "2027-12-31"),
    }


def test_contracts_expiring_within_60_days_soonest_first(contracts):
    expiring = list(wage_contracts_expiring(AS_OF))
    assert expiring == [contracts["ends_today"], contracts["starts_today"], contracts["day_60"]]


def test_the_window_is_a_parameter(contracts):
    expiring = set(wage_contracts_expiring(AS_OF, within_days=61))
    assert expiring == {
        contracts["ends_today"],
        contracts["starts_today"],
        contracts["day_60"],
        contracts["day_61"],
    }
    assert list(wage_contracts_expiring(AS_OF, within_days=0)) == [contracts["ends_today"]]


def test_expiring_contracts_come_with_their_enterprise_in_one_query(
    contracts, django_assert_num_queries
):
    with django_assert_num_queries(1):
        names = [c.enterprise.village.name for c in wage_contracts_expiring(AS_OF)]
    assert len(names) == 3


def test_enterprises_without_a_contract_in_force_above_scale_first():
    in_force = EnterpriseFactory(name="A有合同", is_above_scale=True)
    contract(in_force, "2024-01-01", "2026-12-31")
    ends_today = EnterpriseFactory(name="B今天到期")
    contract(ends_today, "2023-10-01", "2026-09-30")
    expired = EnterpriseFactory(name="C已到期")
    contract(expired, "2023-01-01", "2026-09-29")
    future = EnterpriseFactory(name="D尚未生效", is_above_scale=True)
    contract(future, "2026-10-01", "2029-09-30")
    none = EnterpriseFactory(name="E没有合同")
    renewed = EnterpriseFactory(name="F已续签")
    contract(renewed, "2023-01-01", "2025-12-31")
    contract(renewed, "2026-01-01", "2028-12-31")
    expired_above = EnterpriseFactory(name="G已到期规上", is_above_scale=True)
    contract(expired_above, "2020-01-01", "2022-12-31")

    without = list(enterprises_without_wage_contract(AS_OF))

    assert without == [future, expired_above, expired, none]


def test_enterprises_without_a_contract_can_be_narrowed():
    first, second = EnterpriseFactory(name="A"), EnterpriseFactory(name="B")
    narrowed = enterprises_without_wage_contract(
        AS_OF, enterprises=Enterprise.objects.filter(pk=second.pk)
    )
    assert list(narrowed) == [second]
    assert first in enterprises_without_wage_contract(AS_OF)


def test_summary_per_enterprise_hand_counted(django_assert_num_queries):
    busy = EnterpriseFactory(name="A忙", is_above_scale=False)
    congress(busy, "2026-03-15", "第三届第一次")
    congress(busy, "2026-12-31", "第三届第二次")
    congress(busy, "2025-12-31", "第二届第五次")
    for disclosed_on in ["2026-01-01", "2026-06-30", "2026-12-31", "2027-01-01"]:
        disclosure(busy, disclosed_on)
    contract(busy, "2024-10-01", "2026-09-30")

    quiet = EnterpriseFactory(name="B少", is_above_scale=True)
    congress(quiet, "2025-06-01", "第一届第一次")
    disclosure(quiet, "2026-01-01")
    contract(quiet, "2022-01-01", "2026-09-29")
    contract(quiet, "2026-10-01", "2029-09-30")

    nothing = EnterpriseFactory(name="C无", is_above_scale=False)

    with django_assert_num_queries(1):
        rows = [
            (e.name, e.congress_sessions, e.disclosures, e.has_wage_contract, e.village.name)
            for e in democratic_management_summary(AS_OF, 2026)
        ]

    assert [row[:4] for row in rows] == [
        (quiet.name, 0, 1, False),
        (busy.name, 2, 3, True),
        (nothing.name, 0, 0, False),
    ]
    earlier = {
        e.name: (e.congress_sessions, e.disclosures, e.has_wage_contract)
        for e in democratic_management_summary(day("2025-12-31"), 2025)
    }
    assert earlier == {
        busy.name: (1, 0, True),
        quiet.name: (1, 0, True),
        nothing.name: (0, 0, False),
    }


def test_records_visible_to_each_role(staff_user, union_user, hr_user, official_user):
    own, other = EnterpriseFactory(), EnterpriseFactory()
    own.hr_users.add(hr_user)
    for enterprise in (own, other):
        contract(enterprise, "2024-01-01", "2026-12-31")
        congress(enterprise, "2026-03-01", "第一届第一次")
    assert wage_contracts_visible_to(staff_user).count() == 2
    assert wage_contracts_visible_to(union_user).count() == 2
    assert {c.enterprise for c in wage_contracts_visible_to(hr_user)} == {own}
    assert not wage_contracts_visible_to(official_user).exists()
    assert workers_congress_sessions_visible_to(union_user).count() == 2
    assert not workers_congress_sessions_visible_to(official_user).exists()
