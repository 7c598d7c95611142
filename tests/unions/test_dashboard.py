"""The union officers' coverage dashboard: hand-counted figures that equal the report's, lists
behind the figures, Excel export, and who may see it."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.choices import PoliticalStatus
from enterprises.models import IndustrialPark, Village
from reports.selectors import report_figures
from tests.factories import EmploymentFactory, EnterpriseFactory, WorkerFactory
from unions.models import UnionCoverage, UnionOrganisation
from unions.selectors import coverage_dashboard, coverage_enterprises

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 9, 30)
HIRED = datetime.date(2020, 1, 1)


@pytest.fixture
def district():
    v1 = Village.objects.create(name="城东社区")
    v2 = Village.objects.create(name="城西村")
    park = IndustrialPark.objects.create(name="嵊州经济开发区")
    e1 = EnterpriseFactory(name="甲", village=v1, park=park, is_above_scale=True)
    e2 = EnterpriseFactory(name="乙", village=v1, park=None, is_above_scale=False)
    e3 = EnterpriseFactory(name="丙", village=v2, park=park, is_above_scale=False)
    own = UnionOrganisation.objects.create(name="甲工会", kind=UnionOrganisation.Kind.SINGLE)
    joint = UnionOrganisation.objects.create(name="园区联合工会", kind=UnionOrganisation.Kind.JOINT)
    UnionCoverage.objects.create(union=own, enterprise=e1, start_date=HIRED)
    UnionCoverage.objects.create(union=joint, enterprise=e3, start_date=HIRED)

    def job(enterprise, *, member, frontline, party=False):
        worker = WorkerFactory(
            is_union_member=member,
            union_joined_on=HIRED if member else None,
            political_status=PoliticalStatus.PARTY_MEMBER if party else PoliticalStatus.MASSES,
        )
        EmploymentFactory(
            worker=worker, enterprise=enterprise, is_frontline=frontline, hire_date=HIRED
        )

    job(e1, member=True, frontline=True, party=True)  # w1
    job(e1, member=False, frontline=True)  # w2
    job(e2, member=True, frontline=False)  # w3
    job(e3, member=False, frontline=False)  # w4
    job(e3, member=True, frontline=True)  # w5
    return {"v1": v1, "v2": v2, "park": park, "e1": e1, "e2": e2, "e3": e3}


def counts(row):
    return (row.enterprises, row.covered, row.workers, row.members)


def test_breakdowns_are_hand_counted(district):
    groups = coverage_dashboard(AS_OF).rows
    overall = groups["overall"][0]
    assert counts(overall) == (3, 2, 5, 3)
    assert overall.establishment_rate == 0.6667 and overall.membership_rate == 0.6
    assert (overall.frontline, overall.frontline_party, overall.frontline_party_rate) == (
        3,
        1,
        0.3333,
    )
    by_village = {row.label: counts(row) for row in groups["village"]}
    assert by_village == {"城东社区": (2, 1, 3, 2), "城西村": (1, 1, 2, 1)}
    by_park = {row.label: counts(row) for row in groups["park"]}
    assert by_park == {"嵊州经济开发区": (2, 2, 4, 2), "不在园区": (1, 0, 1, 1)}
    by_size = [(row.label, counts(row)) for row in groups["above_scale"]]
    assert by_size == [("规上企业", (1, 1, 2, 1)), ("规下企业", (2, 1, 3, 2))]


def test_dashboard_figures_equal_the_report_figures(district, client, union_user):
    figures = report_figures(as_of=AS_OF)
    overall = coverage_dashboard(AS_OF).rows["overall"][0]
    assert overall.establishment_rate == figures["union_establishment_rate"]
    assert overall.membership_rate == figures["union_membership_rate"]
    assert overall.frontline_party_rate == figures["frontline_party_member_rate"]
    client.force_login(union_user)
    body = client.get(reverse("unions:dashboard"), {"as_of": AS_OF.isoformat()}).content.decode()
    assert "66.67%" in body and "60.00%" in body and "33.33%" in body
    assert "<svg" in body, "charts are drawn by the portal"


def test_lists_behind_the_figures(district):
    uncovered = list(coverage_enterprises(AS_OF, covered=False))
    assert [e.name for e in uncovered] == ["乙"]
    low = coverage_enterprises(AS_OF, membership_below=Decimal("0.6"))
    assert {e.name for e in low} == {"甲", "丙"}
    assert not coverage_enterprises(AS_OF, membership_below=Decimal("0.5")).exists()
    in_village = coverage_enterprises(AS_OF, village=district["v1"].pk)
    assert [e.name for e in in_village] == ["甲", "乙"], "above-scale first"
    assert [e.name for e in coverage_enterprises(AS_OF, no_park=True)] == ["乙"]


def test_the_list_exports_to_excel(district, client, union_user):
    client.force_login(union_user)
    response = client.get(
        reverse("unions:enterprises"), {"as_of": AS_OF.isoformat(), "below": "60", "format": "xlsx"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert {r[0] for r in rows} == {"甲", "丙"}
    jia = next(r for r in rows if r[0] == "甲")
    assert jia[5] == "是" and jia[6] == "甲工会" and jia[7:] == (2, 1, 0.5)


def test_list_page_links_and_queries(district, client, union_user):
    client.force_login(union_user)
    url = reverse("unions:enterprises")
    with CaptureQueriesContext(connection) as few:
        body = client.get(url, {"as_of": AS_OF.isoformat(), "covered": "0"}).content.decode()
    assert "乙" in body and "甲" not in body
    for n in range(5):
        EnterpriseFactory(name="新企业%d" % n)
    with CaptureQueriesContext(connection) as more:
        client.get(url, {"as_of": AS_OF.isoformat(), "covered": "0"})
    assert len(more.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize(
    ("role", "status"),
    [("staff_user", 200), ("union_user", 200), ("hr_user", 403), ("official_user", 403)],
)
def test_who_sees_the_dashboard(client, request, role, status, district):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("unions:dashboard")).status_code == status
    assert client.get(reverse("unions:enterprises")).status_code == status


def test_no_personal_data_on_the_dashboard(district, client, union_user):
    client.force_login(union_user)
    body = client.get(reverse("unions:dashboard")).content.decode()
    body += client.get(reverse("unions:enterprises")).content.decode()
    for worker in WorkerFactory._meta.model.objects.all():
        assert worker.id_number not in body and worker.name not in body


def test_a_bad_date_or_threshold_is_explained(district, client, union_user):
    client.force_login(union_user)
    body = client.get(
        reverse("unions:dashboard"), {"as_of": "昨天", "below": "abc"}
    ).content.decode()
    assert "日期格式应为" in body and "入会率阈值" in body


def test_wage_contracts_expiring_and_missing_are_listed(district, client, union_user):
    from compliance.models import CollectiveWageContract

    CollectiveWageContract.objects.create(
        enterprise=district["e1"],
        signed_on=datetime.date(2024, 1, 1),
        start_date=datetime.date(2024, 1, 1),
        end_date=AS_OF + datetime.timedelta(days=30),
        # Entered (or confirmed) by staff: only confirmed records count (issue 15).
        confirmed_at=timezone.now(),
    )
    client.force_login(union_user)
    body = client.get(reverse("unions:dashboard"), {"as_of": AS_OF.isoformat()}).content.decode()
    expiring = body.split('id="expiring-contracts"')[1].split("</table>")[0]
    missing = body.split('id="without-contract"')[1].split("</table>")[0]
    assert "甲" in expiring
    assert "乙" in missing and "丙" in missing and "甲" not in missing


@pytest.mark.parametrize("below", ["NaN", "Infinity", "-5", "101"])
def test_a_threshold_outside_0_to_100_falls_back_to_80(district, client, union_user, below):
    client.force_login(union_user)
    response = client.get(reverse("unions:dashboard"), {"below": below})
    assert response.status_code == 200 and "入会率阈值" in response.content.decode()


def test_the_page_title_is_only_the_title(district, client, union_user):
    client.force_login(union_user)
    body = client.get(reverse("unions:dashboard")).content.decode()
    title = body.split("<title>")[1].split("</title>")[0]
    assert title.strip() == "工会覆盖情况"
