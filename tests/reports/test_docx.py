"""The Word progress report (issue 15), opened with python-docx: title, date line, the three
published sections (paragraphs, bulleted and numbered lists, text kept as text), the figures of
the same run with their comparisons, the signature block; who may download it; and
`build_report --docx`."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from reports.models import ReportDownload, ReportRun
from reports.services import report_narrative_publish, report_narrative_save
from reports.targets import display
from tests.factories import FigureTargetFactory, ReportRunFactory
from tests.reports.test_narrative import PERIOD, TEXT, built, district  # noqa: F401 # a fixture

TITLE = "剡湖街道产业工人队伍建设改革工作进展情况（2026年第二季度）"


def _publish(user, **text):
    return report_narrative_publish(
        user=user,
        narrative=report_narrative_save(
            user=user, kind="quarterly", period=PERIOD, **{**TEXT, **text}
        ),
    )


def _document(data: bytes):
    return Document(io.BytesIO(data))


def _download(client, run: ReportRun):
    response = client.get(reverse("reports:run_docx", args=[run.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    return _document(b"".join(response.streaming_content))


def _table(document) -> dict[str, list[str]]:
    table = document.tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["指标", "数值", "目标", "基期", "上年同期"]
    return {row[0]: row[1:] for row in rows[1:]}


def test_the_document_has_every_section_and_the_figures_of_the_run(
    client,
    district,  # noqa: F811
    official_user,
    staff_user,
):
    FigureTargetFactory(key="union_membership_rate", year=2026, value="0.8500")
    run = built()
    _publish(staff_user)
    # A later draft never reaches the document.
    report_narrative_save(
        user=staff_user, kind="quarterly", period=PERIOD, **{**TEXT, "work_done": "草稿内容"}
    )
    client.force_login(official_user)
    document = _download(client, run)
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    texts = [text for _style, text in paragraphs]
    assert texts[0] == TITLE
    assert texts[1].startswith("（数据截至2026年6月30日")
    headings = [text for style, text in paragraphs if style == "Heading 1"]
    assert headings == ["一、工作开展情况", "二、存在问题", "三、下步打算", "四、主要指标"]
    assert ("Normal", "一、加强组织领导。\n召开推进会。") in paragraphs
    assert ("List Bullet", "更新花名册；") in paragraphs
    assert ("List Bullet", "新建联合工会2家。") in paragraphs
    assert ("Normal", "<script>alert(1)</script> 部分企业建会率偏低。") in paragraphs
    assert ("Normal", "=1+1") in paragraphs
    assert ("List Paragraph", "（3） 完善经费制度。") in paragraphs
    assert "草稿内容" not in "\n".join(texts)
    assert texts[-2:] == [
        "单位（盖章）：中共嵊州市剡湖街道工作委员会",
        "日期：　　　　年　　月　　日",
    ]

    # Every figure of the run, as frozen, with its target.
    table = _table(document)
    kpis = run.figures["kpis"]
    assert len(table) == len(kpis)
    assert table["在职职工数"][0] == "3" == str(kpis["workers_total"])
    for row in run.figures["comparisons"]:
        assert table[row["label"]][0].startswith(display(row["key"], row["value"]))
    assert table["入会率"][1] == "85.00%"

    # Chinese text has its own font, for Word to show it properly.
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋"
    assert ReportDownload.objects.get(run=run).user == official_user


def test_without_a_published_section_the_document_has_the_figures_only(
    client,
    district,  # noqa: F811
    staff_user,
    official_user,
):
    run = built()
    report_narrative_save(user=staff_user, kind="quarterly", period=PERIOD, **TEXT)  # a draft
    for user in (staff_user, official_user):
        client.force_login(user)
        document = _download(client, run)
        headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
        assert headings == ["一、主要指标"]
        assert "<script>" not in "\n".join(p.text for p in document.paragraphs)


def test_a_run_frozen_before_the_comparisons_shows_dashes(client, official_user):
    run = ReportRunFactory(period="2025Q4", as_of=datetime.date(2025, 12, 31))
    client.force_login(official_user)
    table = _table(_download(client, run))
    assert table["入会率"] == ["80.00%", "—", "—", "—"]


def test_only_staff_and_officials_download_and_only_a_built_run(
    client, hr_user, union_user, official_user
):
    run = ReportRunFactory()
    url = reverse("reports:run_docx", args=[run.pk])
    assert client.get(url).status_code == 302  # to the login page
    for user in (hr_user, union_user):
        client.force_login(user)
        assert client.get(url).status_code == 403
    failed = ReportRunFactory(status=ReportRun.Status.FAILED, is_current=False)
    client.force_login(official_user)
    assert client.get(reverse("reports:run_docx", args=[failed.pk])).status_code == 404
    assert not ReportDownload.objects.exists()


def test_build_report_writes_the_word_document(district, staff_user, tmp_path):  # noqa: F811
    _publish(staff_user)
    path = tmp_path / "进展.docx"
    out = io.StringIO()
    call_command("build_report", "--quarter", PERIOD, "--docx", str(path), "--json", stdout=out)
    assert out.getvalue().startswith('{"quarter": "2026Q2"')
    document = _document(path.read_bytes())
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == TITLE
    assert "<script>alert(1)</script> 部分企业建会率偏低。" in texts
    assert _table(document)["在职职工数"][0] == "3"


def test_build_report_refuses_a_future_quarter_for_the_document(db, tmp_path):
    path = tmp_path / "future.docx"
    with pytest.raises(CommandError) as error:
        call_command("build_report", "--quarter", "2099Q1", "--docx", str(path))
    assert error.value.returncode == 2
    assert not path.exists()
