"""Union coverage as of a date, hand-counted (DOMAIN.md: 工会组建率, own or joint union)."""

import datetime

import pytest

from reports.selectors import report_figures
from tests.factories import EnterpriseFactory
from unions.models import UnionCoverage, UnionOrganisation
from unions.selectors import enterprises_with_union_on

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 9, 30)


def union(name: str, kind: str = UnionOrganisation.Kind.JOINT) -> UnionOrganisation:
    return UnionOrganisation.objects.create(name=name, kind=kind)


def cover(union, enterprise, start, end=None) -> None:
    UnionCoverage.objects.create(union=union, enterprise=enterprise, start_date=start, end_date=end)


@pytest.fixture
def enterprises():
    e = {
        name: EnterpriseFactory(name=name, is_above_scale=above)
        for name, above in [
            ("own", True),
            ("joint", False),
            ("two_unions", False),
            ("left_before", True),
            ("joins_later", False),
            ("left_on_the_day", True),
            ("none", False),
        ]
    }
    cover(union("甲公司工会", UnionOrganisation.Kind.SINGLE), e["own"], datetime.date(2020, 1, 1))
    village_union = union("城东社区联合工会")
    park_union = union("经济开发区联合工会")
    cover(village_union, e["joint"], datetime.date(2021, 5, 1))
    cover(village_union, e["two_unions"], datetime.date(2021, 5, 1))
    cover(park_union, e["two_unions"], datetime.date(2022, 1, 1))
    cover(village_union, e["left_before"], datetime.date(2021, 5, 1), datetime.date(2026, 6, 30))
    cover(park_union, e["joins_later"], datetime.date(2026, 10, 1))
    cover(park_union, e["left_on_the_day"], datetime.date(2021, 1, 1), AS_OF)
    return e


def test_covered_enterprises_on_a_date(enterprises):
    covered = set(enterprises_with_union_on(AS_OF).values_list("name", flat=True))
    assert covered == {"own", "joint", "two_unions"}
    earlier = set(
        enterprises_with_union_on(datetime.date(2026, 6, 29)).values_list("name", flat=True)
    )
    assert earlier == {"own", "joint", "two_unions", "left_before", "left_on_the_day"}


def test_report_figures_count_each_covered_enterprise_once(enterprises):
    figures = report_figures(as_of=AS_OF)
    assert figures["enterprises_total"] == 7
    assert figures["enterprises_above_scale"] == 3
    assert figures["enterprises_with_union"] == 3  # own, joint, two_unions (once)
    assert figures["enterprises_above_scale_with_union"] == 1  # own
    assert figures["union_establishment_rate"] == 0.4286
    assert figures["union_establishment_rate_above_scale"] == 0.3333
