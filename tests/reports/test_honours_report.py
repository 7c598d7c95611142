"""The report keys of issue 14 in `build_report --json`, the quarterly workbook (汇总 and the
劳模工匠 sheet, frozen with the run) and the officials' page, on the hand-counted fixture of
tests/honors/test_figures.py; and reports frozen before these keys existed."""

import datetime
import io
import json
import re
from unittest import mock

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from reports.models import ReportRun
from reports.selectors import FIGURE_KEYS, report_figures
from reports.services import report_build, report_request
from reports.workbook import ReportContent, report_workbook
from tests.factories import ReportRunFactory
from tests.honors.test_figures import AS_OF, HONOUR_KEYS, honoured  # noqa: F401 # a fixture
from tests.reports.summary import summary_by_key

EXPECTED = {"honours_individual": 4, "honours_team": 1, "model_workers": 1, "craftsmen": 2}
WORKER_NAMES = ("张一", "张二", "张三", "张四", "张五", "张六")


def built(period: str) -> ReportRun:
    with mock.patch("reports.services.report_send"):
        run = report_request(kind="quarterly", period=period)
    report_build(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE, run.error
    return run


def rows_of(data: bytes, name: str) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return list(book[name].values)


def stored(run: ReportRun) -> bytes:
    with run.file.open("rb") as handle:
        return handle.read()


def test_the_keys_follow_the_skills_keys_in_the_domain_order(honoured):  # noqa: F811
    figures = report_figures(as_of=AS_OF)
    assert tuple(figures) == FIGURE_KEYS
    keys = list(FIGURE_KEYS)
    start = keys.index("competition_awardees") + 1
    assert tuple(keys[start : start + 4]) == HONOUR_KEYS
    assert {key: figures[key] for key in HONOUR_KEYS} == EXPECTED


def test_build_report_json_carries_the_keys(honoured):  # noqa: F811
    out = io.StringIO()
    call_command("build_report", "--quarter", "2026Q2", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["as_of"] == "2026-06-30"
    assert {key: report["kpis"][key] for key in HONOUR_KEYS} == EXPECTED


def sections(rows: list[tuple]) -> dict[str, list[tuple]]:
    """The 劳模工匠 sheet's rows under each section title (一、… 四、…), blank rows dropped."""
    found: dict[str, list[tuple]] = {}
    current = ""
    for row in rows:
        values = [v for v in row if v is not None]
        if not values:
            continue
        if isinstance(row[0], str) and re.match(r"^[一二三四]、", row[0]) and len(values) == 1:
            current = row[0][0]
            found[current] = []
        else:
            found[current].append(row)
    return found


def test_the_workbook_has_the_honours_sheet_with_the_figures_of_the_run(honoured):  # noqa: F811
    run = built("2026Q2")
    summary = summary_by_key(rows_of(stored(run), "汇总"))
    for key, value in EXPECTED.items():
        assert summary[key][2] == value == run.figures["kpis"][key]
    assert summary["honours_individual"][0] == "个人荣誉（本年度）"
    assert summary["craftsmen"][0] == "嵊州工匠/杰出工匠（在职）"
    # 2026Q1, never reported, computed live as of 03-31: the same honours of 2026.
    assert summary["honours_individual"][3:5] == (4, 0)
    # w2 left on 05-01: still an active model worker on 03-31.
    assert summary["model_workers"][3:5] == (2, -1)

    rows = rows_of(stored(run), "劳模工匠")
    assert rows[0][0] == "一、2026年度荣誉（按荣誉名称和级别）"
    parts = sections(rows)
    header, *names, total = parts["一"]
    assert header[:7] == ("荣誉名称", "授予对象", "全国", "省级", "绍兴市级", "嵊州市级", "街道级")
    assert header[7] == "合计"
    by_name = {row[0]: row[1:8] for row in names}
    assert by_name["劳动模范"] == ("个人", 0, 0, 1, 1, 1, 3)
    assert by_name["嵊州工匠"] == ("个人", 0, 0, 0, 1, 0, 1)
    assert by_name["工人先锋号"] == ("集体", 0, 0, 0, 1, 0, 1)
    assert total[:8] == ("合计", None, 0, 0, 1, 3, 1, 5)

    # w4 and w5 (w3's manual add was made after the day).
    assert parts["二"][0][:2] == ("工匠库人数", 2)

    header, *groups = parts["三"]
    assert header[:9] == (
        "分组",
        "名称",
        "劳动模范（在职）",
        "嵊州工匠/杰出工匠（在职）",
        "创新工作室数",
        "专利（项）",
        "工艺改进（项）",
        "创造效益/节约成本（元）",
        "带徒培训（人次）",
    )
    lines = {(row[0], row[1]): row[2:9] for row in groups}
    assert lines[("全街道", "全街道")] == (1, 2, 2, 3, 5, pytest.approx(120000.75), 34)
    assert lines[("村（社区）", "东村")] == (1, 1, 1, 2, 5, pytest.approx(120000.5), 30)
    assert lines[("村（社区）", "西村")] == (0, 1, 1, 1, 0, pytest.approx(0.25), 4)
    assert lines[("工业园区", "经济开发区")] == (1, 1, 1, 2, 5, pytest.approx(120000.5), 30)
    assert lines[("工业园区", "不在园区")] == (0, 1, 1, 1, 0, pytest.approx(0.25), 4)

    header, *rounds = parts["四"]
    assert header[0] == "推评名称" and header[9:13] == (
        "推荐数",
        "审核通过数",
        "公示异议取消数",
        "授予数",
    )
    assert len(rounds) == 1  # the round of 2025 is not of this period
    (spring,) = rounds
    assert spring[:4] == ("2026年度剡湖街道基层劳模推评", "劳动模范", "街道级", 2)
    assert spring[4].date() == datetime.date(2026, 4, 1)
    assert spring[7].date() == datetime.date(2026, 5, 20)
    # Four made, one withdrawn: 3; accepted and objected passed review: 2; none granted yet.
    assert spring[8:13] == ("公示中", 3, 2, 1, 0)

    # Counts, studios and rounds only: nobody is named in the sheet.
    text = "".join(str(v) for row in rows for v in row if v is not None)
    assert not any(name in text for name in WORKER_NAMES)


def test_a_frozen_report_renders_the_same_sheet_from_its_snapshot(honoured):  # noqa: F811
    run = built("2026Q2")
    content = ReportContent(
        title="",
        period=run.period,
        as_of=run.as_of,
        generated_at=run.finished_at,
        generated_by="",
        version=run.version,
        snapshot=run.figures,
        previous_period="2026Q1",
        previous=None,
        trend=[],
    )
    assert rows_of(report_workbook(content), "劳模工匠") == rows_of(stored(run), "劳模工匠")


def test_a_report_frozen_before_the_keys_shows_dashes(client, official_user, honoured):  # noqa: F811
    frozen = ReportRunFactory(period="2026Q1", as_of=datetime.date(2026, 3, 31))
    assert not set(HONOUR_KEYS) & set(frozen.figures["kpis"])
    client.force_login(official_user)
    page = client.get(reverse("reports:run", args=[frozen.pk])).content.decode()
    assert (
        '<tr data-key="model_workers"><td>劳动模范（在职）</td><td class="text-end">—</td>' in page
    )
    assert 'id="run-honours-missing"' in page

    # The next report compares what it can: the earlier one has no such figure.
    run = built("2026Q2")
    summary = summary_by_key(rows_of(stored(run), "汇总"))
    assert summary["craftsmen"][2:5] == (2, None, None)
    page = client.get(reverse("reports:run", args=[run.pk])).content.decode()
    assert (
        '<tr data-key="craftsmen"><td>嵊州工匠/杰出工匠（在职）</td><td class="text-end">2</td>'
        in page
    )
    assert 'id="run-honours"' in page and "2026年度剡湖街道基层劳模推评" in page

    # A workbook written from a snapshot without the honours says so instead of failing.
    content = ReportContent(
        title="",
        period=frozen.period,
        as_of=frozen.as_of,
        generated_at=frozen.finished_at,
        generated_by="",
        version=1,
        snapshot={**frozen.figures, "villages": [], "parks": [], "above_scale": []},
        previous_period="2025Q4",
        previous=None,
        trend=[],
    )
    assert rows_of(report_workbook(content), "劳模工匠") == [
        ("本报告生成时尚未统计劳模工匠数据。",)
    ]


def test_the_officials_page_shows_the_keys_and_the_rounds_of_the_quarter(
    client,
    official_user,
    honoured,  # noqa: F811
):
    client.force_login(official_user)
    page = client.get(reverse("reports:figures"), {"quarter": "2026Q2"})
    assert page.status_code == 200
    content = page.content.decode()
    for key, label in (
        ("honours_individual", "个人荣誉（本年度）"),
        ("honours_team", "集体荣誉（本年度）"),
        ("model_workers", "劳动模范（在职）"),
        ("craftsmen", "嵊州工匠/杰出工匠（在职）"),
    ):
        assert re.search(
            r'<tr data-key="%s"><td>%s</td>\s*<td class="text-end figure-value">%d</td>'
            % (key, label, EXPECTED[key]),
            content,
        ), key
    rounds = content[content.index('id="quarter-rounds"') :]
    rounds = rounds[: rounds.index("</table>")]
    assert "2026年度剡湖街道基层劳模推评" in rounds
    assert "2025年度剡湖街道基层劳模推评" not in rounds
    assert re.search(
        r'<td class="text-end">3</td><td class="text-end">2</td><td class="text-end">1</td>'
        r'<td class="text-end">0</td>',
        rounds,
    )
    # Aggregates only: no worker's name on the officials' page.
    assert not any(name in content for name in WORKER_NAMES)

    # Another quarter has no round.
    content = client.get(reverse("reports:figures"), {"quarter": "2026Q3"}).content.decode()
    rounds = content[content.index('id="quarter-rounds"') :]
    assert "本期没有推评活动。" in rounds[: rounds.index("</table>")]
