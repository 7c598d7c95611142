"""Labour inspections in the report (seed measure 8, issue 15): findings open and overdue at the
quarter's end and closed within the quarter, by kind; the 劳动监察 sheet; union officers read
inspections (never change them); staff record the kind.

Hand-computed fixture, quarter 2026Q2 (2026-04-01 … 2026-06-30), as of 2026-06-30:

| # | enterprise | kind     | inspected | deadline | closed | open | overdue | closed in Q2 |
| 1 | 甲企业     | contract | 03-01     | 04-30    | —      | yes  | yes     |              |
| 2 | 甲企业     | wages    | 05-01     | 06-30    | —      | yes  | no (the deadline day) |  |
| 3 | 乙企业     | wages    | 04-01     | 05-01    | 06-15  |      |         | yes          |
| 4 | 乙企业     | safety   | 01-10     | 02-10    | 07-10  | yes  | yes     | (Q3)         |
| 5 | <script>丙  | safety   | 02-01     | 03-01    | 03-31  |      |         | (Q1)         |
| 6 | <script>丙  | other    | 07-05     | —        | —      | (after the date)         |  |
| 7 | <script>丙  | social_insurance | 06-01 | — | —     | yes  | no      |              |

Totals: open 4, overdue 2, closed 1.
"""

import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from compliance.inspection_figures import inspection_figures, inspections_by_kind
from compliance.models import LabourInspection
from compliance.services import labour_inspection_save
from core.roles import ROLE_PERMISSIONS, Role
from reports.selectors import FIGURE_KEYS, report_figures
from reports.services import report_file_for
from tests.factories import EnterpriseFactory

AS_OF = datetime.date(2026, 6, 30)
Kind = LabourInspection.Kind


def inspection(enterprise, kind, inspected, deadline=None, closed=None, subject="检查事项"):
    return LabourInspection.objects.create(
        enterprise=enterprise,
        kind=kind,
        inspected_on=inspected,
        deadline=deadline,
        corrections_required="按期整改。" if deadline else "",
        is_closed=closed is not None,
        closed_on=closed,
        subject=subject,
        inspector="嵊州市劳动保障监察大队王某",
        findings="职工李某某未签订劳动合同。",
    )


@pytest.fixture
def inspections(db):
    jia = EnterpriseFactory(name="甲企业")
    yi = EnterpriseFactory(name="乙企业")
    bing = EnterpriseFactory(name="<script>丙企业")
    d = datetime.date
    inspection(jia, Kind.CONTRACT, d(2026, 3, 1), d(2026, 4, 30), subject="劳动合同签订")
    inspection(jia, Kind.WAGES, d(2026, 5, 1), d(2026, 6, 30), subject="=1+1工资发放")
    inspection(yi, Kind.WAGES, d(2026, 4, 1), d(2026, 5, 1), d(2026, 6, 15))
    inspection(yi, Kind.SAFETY, d(2026, 1, 10), d(2026, 2, 10), d(2026, 7, 10), subject="消防通道")
    inspection(bing, Kind.SAFETY, d(2026, 2, 1), d(2026, 3, 1), d(2026, 3, 31))
    inspection(bing, Kind.OTHER, d(2026, 7, 5))
    inspection(bing, Kind.SOCIAL_INSURANCE, d(2026, 6, 1), subject="社保缴纳")
    return {"jia": jia, "yi": yi, "bing": bing}


EXPECTED = {"inspections_open": 4, "inspections_overdue": 2, "inspections_closed": 1}


def test_figures_by_kind_as_of_the_quarter_end(inspections):
    rows = {r["kind"]: (r["open"], r["overdue"], r["closed"]) for r in inspections_by_kind(AS_OF)}
    assert rows == {
        "contract": (1, 1, 0),
        "wages": (1, 0, 1),
        "working_hours": (0, 0, 0),
        "social_insurance": (1, 0, 0),
        "safety": (1, 1, 0),
        "special_protection": (0, 0, 0),
        "other": (0, 0, 0),
    }
    assert [r["label"] for r in inspections_by_kind(AS_OF)][:2] == ["劳动合同", "工资支付"]
    assert inspection_figures(AS_OF) == EXPECTED
    # The same rules as the model's querysets.
    assert LabourInspection.objects.open_on(AS_OF).count() == 4
    assert LabourInspection.objects.overdue_on(AS_OF).count() == 2


def test_q3_hand_counted(inspections):
    # As of 2026-09-30: open #1 #2 #6 #7 (4); overdue #1 #2 (2; #6 and #7 have no deadline);
    # closed in Q3: #4 (07-10).
    assert inspection_figures(datetime.date(2026, 9, 30)) == {
        "inspections_open": 4,
        "inspections_overdue": 2,
        "inspections_closed": 1,
    }


def test_the_report_keys(inspections):
    figures = report_figures(as_of=AS_OF)
    assert {key: figures[key] for key in EXPECTED} == EXPECTED
    assert set(EXPECTED) <= set(FIGURE_KEYS)


def test_the_workbook_sheet_lists_the_open_findings_without_people(inspections):
    snapshot, data = report_file_for(kind="quarterly", period="2026Q2")
    assert snapshot["inspections"]["totals"] == EXPECTED
    rows = [
        [v for v in row if v is not None]
        for row in openpyxl.load_workbook(io.BytesIO(data))["劳动监察"].iter_rows(values_only=True)
    ]
    assert ["劳动合同", 1, 1, 0] in rows
    assert ["工资支付", 1, 0, 1] in rows
    assert ["合计", 4, 2, 1] in rows
    at = rows.index(["二、期末未整改问题清单"])
    findings = rows[at + 2 :]
    yi, jia, bing = (e.uscc for e in (inspections["yi"], inspections["jia"], inspections["bing"]))
    # Nearest deadline first, those without one last; typed text stays text.
    assert findings == [
        ["乙企业", yi, "劳动安全卫生", "消防通道", "2026-01-10", "2026-02-10", "是"],
        ["甲企业", jia, "劳动合同", "劳动合同签订", "2026-03-01", "2026-04-30", "是"],
        ["甲企业", jia, "工资支付", "=1+1工资发放", "2026-05-01", "2026-06-30"],
        ["<script>丙企业", bing, "社会保险", "社保缴纳", "2026-06-01", "—"],
    ]
    text = repr(rows)
    assert "王某" not in text and "李某某" not in text


def test_union_officers_read_inspections_and_never_change_them(
    client, union_user, staff_user, inspections
):
    assert "compliance.view_labourinspection" in ROLE_PERMISSIONS[Role.UNION_OFFICER]
    assert union_user.has_perm("compliance.view_labourinspection")
    assert not union_user.has_perm("compliance.change_labourinspection")
    client.force_login(union_user)
    listing = client.get(reverse("admin:compliance_labourinspection_changelist"))
    assert listing.status_code == 200
    assert "消防通道" in listing.content.decode()
    assert client.get(reverse("admin:compliance_labourinspection_add")).status_code == 403
    row = LabourInspection.objects.get(subject="消防通道")
    response = client.post(
        reverse("admin:compliance_labourinspection_change", args=[row.pk]), {"subject": "x"}
    )
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.subject == "消防通道"
    row.kind = Kind.OTHER
    with pytest.raises(PermissionDenied):
        labour_inspection_save(user=union_user, inspection=row)
    assert (
        Group.objects.get(name=Role.UNION_OFFICER)
        .permissions.filter(codename="view_labourinspection")
        .exists()
    )


def test_staff_record_and_filter_by_kind(client, staff_user, inspections):
    client.force_login(staff_user)
    url = reverse("admin:compliance_labourinspection_add")
    page = client.get(url).content.decode()
    assert 'name="kind"' in page
    response = client.post(
        url,
        {
            "enterprise": str(inspections["jia"].pk),
            "inspected_on": "2026-11-02",
            "inspector": "监察大队",
            "kind": "working_hours",
            "subject": "加班时长",
            "findings": "",
            "corrections_required": "",
            "deadline": "",
            "closed_on": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert LabourInspection.objects.get(subject="加班时长").kind == Kind.WORKING_HOURS
    listing = client.get(
        reverse("admin:compliance_labourinspection_changelist"), {"kind__exact": "working_hours"}
    ).content.decode()
    assert "加班时长" in listing and "消防通道" not in listing
