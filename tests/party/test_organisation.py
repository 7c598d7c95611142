"""Party organisation (seed measure 1, issue 15): enterprises covered by a branch as of a date,
branches with no 三会一课 or no 主题党日 in the quarter, in the report keys, the 党建 sheet and the
page for staff and union officers.

Hand-computed fixture, quarter 2026Q2 (2026-04-01 … 2026-06-30), five enterprises E1 … E5:

| branch     | founded    | serves  | activities                                          |
| 甲党支部   | 2018-07-01 | E1      | 党课 2026-05-10 only                                |
| 联合党支部 | 2019-07-01 | E2, E3  | 主题党日 2026-04-20, 支部党员大会 2026-06-30        |
| 丙党支部   | 2020-07-01 | E3      | 主题党日 2026-03-31 (Q1), 党小组会 2026-07-01 (Q3)   |
| 新建党支部 | 2026-07-15 | E4      | 主题党日 2026-07-20                                 |
| 筹建党支部 | (none)     | —       | 主题党日 2026-05-01                                 |

As of 2026-06-30: covered E1 E2 E3 (E3 once) = 3 of 5 = 0.6 (新建 not yet founded); without
三会一课: 丙, 筹建 (2); without 主题党日: 甲, 丙 (2); 新建 is not listed. As of 2026-09-30:
E1 … E4 = 0.8. One frontline party member of two frontline workers: 0.5.
"""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.periods import Quarter
from party.figures import party_figures, party_snapshot
from party.models import PartyActivity, PartyBranch
from reports.measure_sheets import party_sheet
from reports.selectors import FIGURE_KEYS, report_figures
from reports.services import report_file_for
from tests.factories import (
    EmploymentFactory,
    EnterpriseFactory,
    PartyActivityFactory,
    PartyBranchFactory,
    PartyMemberFactory,
)

Kind = PartyActivity.Kind
Q2_END = datetime.date(2026, 6, 30)
EXPECTED_Q2 = {
    "party_covered_enterprises": 3,
    "party_coverage_rate": 0.6,
    "branches_without_three_meetings": 2,
    "branches_without_themed_day": 2,
}


@pytest.fixture
def branches(db):
    e = [EnterpriseFactory(name="E%d" % n) for n in range(1, 6)]

    def branch(name, founded, serves, *activities, kind=PartyBranch.Kind.SINGLE):
        b = PartyBranchFactory(name=name, founded_on=founded, kind=kind, secretary="书记" + name)
        b.enterprises.set(serves)
        for held_on, activity in activities:
            PartyActivityFactory(branch=b, held_on=held_on, kind=activity)
        return b

    branch(
        "甲党支部",
        datetime.date(2018, 7, 1),
        [e[0]],
        (datetime.date(2026, 5, 10), Kind.PARTY_LECTURE),
    )
    branch(
        "联合党支部",
        datetime.date(2019, 7, 1),
        [e[1], e[2]],
        (datetime.date(2026, 4, 20), Kind.THEMED_PARTY_DAY),
        (datetime.date(2026, 6, 30), Kind.GENERAL_MEETING),
        kind=PartyBranch.Kind.JOINT,
    )
    branch(
        "丙党支部",
        datetime.date(2020, 7, 1),
        [e[2]],
        (datetime.date(2026, 3, 31), Kind.THEMED_PARTY_DAY),
        (datetime.date(2026, 7, 1), Kind.GROUP_MEETING),
    )
    branch(
        "新建党支部",
        datetime.date(2026, 7, 15),
        [e[3]],
        (datetime.date(2026, 7, 20), Kind.THEMED_PARTY_DAY),
    )
    branch("筹建党支部", None, [], (datetime.date(2026, 5, 1), Kind.THEMED_PARTY_DAY))
    # Frontline workers: one party member, one not.
    EmploymentFactory(worker=PartyMemberFactory(name="党员甲"), enterprise=e[0])
    EmploymentFactory(enterprise=e[1])
    return e


def test_a_branch_with_only_a_party_lecture_lacks_only_the_themed_day(branches):
    snapshot = party_snapshot(Q2_END)
    assert snapshot["quarter"] == "2026Q2"
    # (Sets: the order of Chinese names is the database's collation.)
    assert set(snapshot["without_three_meetings"]) == {"丙党支部", "筹建党支部"}
    assert set(snapshot["without_themed_day"]) == {"丙党支部", "甲党支部"}
    # 新建党支部 was founded after the date: neither counted nor listed.
    assert {b["name"] for b in snapshot["branches"]} == {
        "丙党支部",
        "甲党支部",
        "筹建党支部",
        "联合党支部",
    }
    jia = next(b for b in snapshot["branches"] if b["name"] == "甲党支部")
    assert (jia["three_meetings_one_lesson"], jia["themed_party_day"]) == (1, 0)


def test_the_report_keys_as_of_a_date(branches):
    assert party_figures(Q2_END) == EXPECTED_Q2
    figures = report_figures(as_of=Q2_END)
    assert {key: figures[key] for key in EXPECTED_Q2} == EXPECTED_Q2
    assert set(EXPECTED_Q2) <= set(FIGURE_KEYS)
    # A quarter later 新建党支部 exists: E4 is covered; it held a 主题党日 but no 三会一课.
    q3 = party_figures(datetime.date(2026, 9, 30))
    assert q3["party_covered_enterprises"] == 4
    assert q3["party_coverage_rate"] == 0.8
    # Q3: 丙 held a 党小组会 (三会一课), nobody else did; only 新建 held a 主题党日.
    assert q3["branches_without_three_meetings"] == 4
    assert q3["branches_without_themed_day"] == 4


def test_no_enterprise_no_rate(db):
    assert party_figures(Q2_END) == {
        "party_covered_enterprises": 0,
        "party_coverage_rate": None,
        "branches_without_three_meetings": 0,
        "branches_without_themed_day": 0,
    }


def test_the_workbook_has_the_party_sheet(branches):
    snapshot, data = report_file_for(kind="quarterly", period="2026Q2")
    assert snapshot["party"] == party_snapshot(Q2_END)
    rows = [
        [v for v in row if v is not None]
        for row in openpyxl.load_workbook(io.BytesIO(data))["党建"].iter_rows(values_only=True)
    ]
    assert ["党组织覆盖企业数（含联合党组织）", 3] in rows
    assert ["党组织覆盖率", 0.6] in rows
    assert ["一线职工党员比例", 0.5] in rows
    at = rows.index(["二、本季度未开展“三会一课”的党组织（2个）"])
    assert sorted(rows[at + 1 : at + 3]) == [["丙党支部"], ["筹建党支部"]]
    at = rows.index(["三、本季度未开展主题党日的党组织（2个）"])
    assert sorted(rows[at + 1 : at + 3]) == [["丙党支部"], ["甲党支部"]]
    jia = next(row for row in rows if row and row[0] == "甲党支部" and len(row) > 1)
    assert jia[-4:] == [1, 1, 0, "2026-05-10"]
    # No person: neither a secretary nor a party member is named.
    text = repr(rows)
    assert "书记" not in text and "党员甲" not in text


def test_a_report_frozen_before_has_a_note(branches):
    book = openpyxl.Workbook()
    party_sheet(book, {"kpis": {}})
    assert [row for row in book["党建"].iter_rows(values_only=True)] == [
        ("本报告生成时尚未统计党建数据。",)
    ]


def test_the_page_for_staff_and_union_officers(client, staff_user, union_user, branches):
    for user in (staff_user, union_user):
        client.force_login(user)
        response = client.get(reverse("party:organisation"), {"quarter": "2026Q2"})
        assert response.status_code == 200
        page = response.content.decode()
        figures = page[page.index('id="party-figures"') :]
        assert (
            '<tr data-key="party_coverage_rate"><th>党组织覆盖率</th><td class="text-end">60.00%'
            in figures
        )
        assert (
            'data-key="frontline_party_member_rate"><th>一线职工党员比例</th>'
            '<td class="text-end">50.00%' in figures
        )
        missing = page[page.index('id="without-themed-day"') :]
        missing = missing[: missing.index("</ul>")]
        assert "甲党支部" in missing and "丙党支部" in missing and "联合党支部" not in missing
        missing = page[page.index('id="without-three-meetings"') :]
        missing = missing[: missing.index("</ul>")]
        assert "甲党支部" not in missing and "筹建党支部" in missing
        assert "新建党支部" not in page
        assert "书记甲党支部" not in page and "党员甲" not in page


def test_the_page_refuses_a_future_quarter_and_others(
    client, staff_user, hr_user, official_user, branches
):
    client.force_login(staff_user)
    current = str(Quarter.of(timezone.localdate()))
    future = str(Quarter.of(timezone.localdate()).next())
    page = client.get(reverse("party:organisation"), {"quarter": future}).content.decode()
    assert "%s 尚未开始" % future in page
    assert '<option value="%s" selected>' % current in page
    page = client.get(reverse("party:organisation"), {"quarter": "第二季度"}).content.decode()
    assert "季度格式应为 2026Q4" in page
    for user in (hr_user, official_user):
        client.force_login(user)
        assert client.get(reverse("party:organisation")).status_code == 403


def test_the_page_queries_do_not_grow_with_branches(client, staff_user, branches):
    client.force_login(staff_user)
    url = reverse("party:organisation")
    client.get(url, {"quarter": "2026Q2"})  # warm the session and caches
    with CaptureQueriesContext(connection) as before:
        client.get(url, {"quarter": "2026Q2"})
    for n in range(3):
        more = PartyBranchFactory(name="新增党支部%d" % n, founded_on=datetime.date(2020, 1, 1))
        more.enterprises.set(branches[:2])
        PartyActivityFactory(branch=more, held_on=datetime.date(2026, 5, 1))
    with CaptureQueriesContext(connection) as after:
        page = client.get(url, {"quarter": "2026Q2"}).content.decode()
    assert "新增党支部2" in page
    assert len(after) == len(before)
