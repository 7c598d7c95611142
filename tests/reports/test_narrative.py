"""The written progress section (issue 15): the plain-text format, versions (a published version
is never changed; officials see only published ones), who may write and read it, the 进展情况
sheet of the workbook (also when published after the build) and the work list's latest
feedback text."""

import datetime
import io
from unittest import mock

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import AuditLog
from reports.models import ReportNarrative, ReportRun
from reports.narrative import Block, Item, lines, parse, task_feedback_texts
from reports.services import (
    report_build,
    report_narrative_publish,
    report_narrative_save,
    report_request,
)
from tests.factories import (
    EmploymentFactory,
    EnterpriseFactory,
    ReformTaskFactory,
    ReportNarrativeFactory,
    TaskFeedbackFactory,
    VillageFactory,
    WorkerFactory,
)

PERIOD = "2026Q2"
TEXT = {
    "work_done": "一、加强组织领导。\n召开推进会。\n\n- 更新花名册；\n- 新建联合工会2家。",
    "problems": "<script>alert(1)</script> 部分企业建会率偏低。",
    "next_steps": "=1+1\n1. 推进联合工会建设；\n2、开展技能比武。\n（3）完善经费制度。",
}


# --- the format -------------------------------------------------------------------------------


def test_blank_lines_separate_paragraphs_and_marked_lines_are_list_items():
    blocks = parse(
        "　　第一段第一行\n第一段第二行\r\n\r\n第二段\n- 甲\n• 乙\n"
        "1. 一\n2、二\n（3）三\n(4) 四\n\n1.5万元用于培训。\n-5%为降幅"
    )
    assert blocks == [
        Block("paragraph", text="第一段第一行\n第一段第二行"),
        Block("paragraph", text="第二段"),
        Block("bullets", items=[Item("", "甲"), Item("", "乙")]),
        Block(
            "numbers",
            items=[Item("1.", "一"), Item("2、", "二"), Item("（3）", "三"), Item("(4)", "四")],
        ),
        # A decimal and a negative number are text, not list items.
        Block("paragraph", text="1.5万元用于培训。\n-5%为降幅"),
    ]
    assert lines(blocks) == [
        "第一段第一行\n第一段第二行",
        "第二段",
        "• 甲",
        "• 乙",
        "1. 一",
        "2、 二",
        "（3） 三",
        "(4) 四",
        "1.5万元用于培训。\n-5%为降幅",
    ]


def test_markup_and_formulas_are_kept_as_text_and_control_characters_dropped():
    assert parse("<script>alert(1)</script>\n=1+1\x0b") == [
        Block("paragraph", text="<script>alert(1)</script>\n=1+1")
    ]
    assert parse("") == [] and parse("\n \n　\n") == []


# --- versions ---------------------------------------------------------------------------------


def test_staff_edit_the_draft_then_publishing_freezes_it_and_an_edit_makes_version_2(
    staff_user,
):
    first = report_narrative_save(user=staff_user, kind="quarterly", period=PERIOD, **TEXT)
    again = report_narrative_save(
        user=staff_user, kind="quarterly", period=PERIOD, **{**TEXT, "problems": "改过"}
    )
    assert again.pk == first.pk and again.version == 1 and again.status == "draft"
    published = report_narrative_publish(user=staff_user, narrative=again)
    assert (published.status, published.published_by) == ("published", staff_user)
    assert published.published_at is not None
    with pytest.raises(ValidationError):
        report_narrative_publish(user=staff_user, narrative=published)

    # The published text unchanged: no new version.
    same = report_narrative_save(
        user=staff_user, kind="quarterly", period=PERIOD, **{**TEXT, "problems": "改过"}
    )
    assert same.pk == published.pk and ReportNarrative.objects.count() == 1

    second = report_narrative_save(user=staff_user, kind="quarterly", period=PERIOD, **TEXT)
    assert (second.version, second.status) == (2, "draft")
    published.refresh_from_db()
    assert (published.problems, published.status) == ("改过", "published")
    assert list(
        AuditLog.objects.filter(action__startswith="report.narrative")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "report.narrative_saved",
        "report.narrative_saved",
        "report.narrative_published",
        "report.narrative_saved",
    ]


def test_only_staff_write_and_publish_and_an_empty_or_future_section_is_refused(
    staff_user, official_user, union_user, hr_user
):
    for user in (official_user, union_user, hr_user):
        with pytest.raises(PermissionDenied):
            report_narrative_save(user=user, kind="quarterly", period=PERIOD, **TEXT)
    empty = report_narrative_save(
        user=staff_user, kind="quarterly", period=PERIOD, work_done="", problems="", next_steps=""
    )
    with pytest.raises(PermissionDenied):
        report_narrative_publish(user=official_user, narrative=empty)
    with pytest.raises(ValidationError):
        report_narrative_publish(user=staff_user, narrative=empty)
    with pytest.raises(ValidationError):
        report_narrative_save(user=staff_user, kind="quarterly", period="2099Q1", **TEXT)


# --- pages ------------------------------------------------------------------------------------


@pytest.fixture
def district(db):
    """On 2026-06-30: two enterprises (one named "=1+1"), three active workers."""
    village = VillageFactory(name="东村")
    for name, workers in (("=1+1", 2), ("甲公司", 1)):
        enterprise = EnterpriseFactory(name=name, village=village)
        for _ in range(workers):
            EmploymentFactory(
                worker=WorkerFactory(), enterprise=enterprise, hire_date=datetime.date(2020, 1, 1)
            )


def built(period: str = PERIOD) -> ReportRun:
    with mock.patch("reports.services.report_send"):
        run = report_request(kind="quarterly", period=period)
    report_build(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE, run.error
    return run


def test_staff_write_preview_and_publish_on_the_page(client, staff_user):
    client.force_login(staff_user)
    url = reverse("reports:narrative", args=["quarterly", PERIOD])
    assert client.get(url).status_code == 200

    preview = client.post(url, {**TEXT, "preview": "1"})
    assert preview.status_code == 200 and not ReportNarrative.objects.exists()
    html = preview.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert '<li class="cell-text">更新花名册；</li>' in html

    assert client.post(url, {**TEXT, "save": "1"}).status_code == 302
    draft = ReportNarrative.objects.get()
    assert (draft.version, draft.status, draft.created_by) == (1, "draft", staff_user)
    page = client.get(url).content.decode()
    assert reverse("reports:narrative_publish", args=[draft.pk]) in page

    client.post(reverse("reports:narrative_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == "published"
    # A malformed period or kind is not a page.
    assert client.get(reverse("reports:narrative", args=["quarterly", "2026Q9"])).status_code == 404
    assert client.get(reverse("reports:narrative", args=["yearly", PERIOD])).status_code == 404


def test_officials_never_reach_the_editor_nor_a_draft(
    client, official_user, union_user, hr_user, staff_user
):
    draft = report_narrative_save(user=staff_user, kind="quarterly", period=PERIOD, **TEXT)
    editor = reverse("reports:narrative", args=["quarterly", PERIOD])
    for user in (official_user, union_user, hr_user):
        client.force_login(user)
        assert client.get(editor).status_code == 403
        assert client.post(reverse("reports:narrative_publish", args=[draft.pk])).status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_officials_see_the_newest_published_version_until_the_next_is_published(
    client, district, official_user, staff_user
):
    run = built()
    v1 = report_narrative_save(user=staff_user, kind="quarterly", period=PERIOD, **TEXT)
    client.force_login(official_user)
    detail = reverse("reports:run", args=[run.pk])
    assert "narrative-published" not in client.get(detail).content.decode()  # a draft: hidden

    report_narrative_publish(user=staff_user, narrative=v1)
    v2 = report_narrative_save(
        user=staff_user, kind="quarterly", period=PERIOD, **{**TEXT, "problems": "第二版问题"}
    )
    html = client.get(detail).content.decode()
    assert 'data-version="1"' in html and "&lt;script&gt;" in html and "第二版问题" not in html
    assert "narrative-edit" not in html  # the writing link is for staff
    figures = client.get(reverse("reports:figures"), {"quarter": PERIOD}).content.decode()
    assert 'id="narrative-published" data-version="1"' in figures

    report_narrative_publish(user=staff_user, narrative=v2)
    html = client.get(detail).content.decode()
    assert 'data-version="2"' in html and "第二版问题" in html
    client.force_login(staff_user)
    assert "narrative-edit" in client.get(detail).content.decode()


# --- the workbook -----------------------------------------------------------------------------


def _book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _stored(run: ReportRun) -> bytes:
    with run.file.open("rb") as handle:
        return handle.read()


def test_the_progress_sheet_holds_the_published_sections_as_text(district, staff_user):
    report_narrative_publish(
        user=staff_user,
        narrative=report_narrative_save(user=staff_user, kind="quarterly", period=PERIOD, **TEXT),
    )
    # A later draft never reaches the workbook.
    report_narrative_save(
        user=staff_user, kind="quarterly", period=PERIOD, **{**TEXT, "work_done": "草稿"}
    )
    run = built()
    book = _book(_stored(run))
    assert book.sheetnames[:3] == ["封面", "汇总", "进展情况"]
    sheet = book["进展情况"]
    values = [row[0] for row in sheet.values]
    assert values[1:] == [
        "一、工作开展情况",
        "一、加强组织领导。\n召开推进会。",
        "• 更新花名册；",
        "• 新建联合工会2家。",
        "二、存在问题",
        "<script>alert(1)</script> 部分企业建会率偏低。",
        "三、下步打算",
        "=1+1",
        "1. 推进联合工会建设；",
        "2、 开展技能比武。",
        "（3） 完善经费制度。",
    ]
    assert values[0].startswith("版本 v1")
    formula_cell = sheet.cell(row=values.index("=1+1") + 1, column=1)
    assert formula_cell.data_type == "s"
    # An enterprise named "=1+1" is text in the per-enterprise sheet too.
    names = {row[0]: row for row in book["按企业"].values}
    assert "=1+1" in names
    assert next(c for c in book["按企业"]["A"] if c.value == "=1+1").data_type == "s"


def test_a_section_published_after_the_build_reaches_the_downloaded_workbook(
    client, district, official_user, staff_user
):
    run = built()
    assert [row[0] for row in _book(_stored(run))["进展情况"].values] == ["本期进展情况尚未发布。"]
    report_narrative_publish(
        user=staff_user,
        narrative=report_narrative_save(user=staff_user, kind="quarterly", period=PERIOD, **TEXT),
    )
    client.force_login(official_user)
    response = client.get(reverse("reports:download", args=[run.pk]))
    assert response.status_code == 200
    book = _book(b"".join(response.streaming_content))
    values = [row[0] for row in book["进展情况"].values]
    assert "<script>alert(1)</script> 部分企业建会率偏低。" in values
    assert book.sheetnames.index("进展情况") == 2
    # The rest is the stored report: its charts too.
    assert book["趋势"]._charts
    stored = _book(_stored(run))
    assert [list(r) for r in book["汇总"].values] == [list(r) for r in stored["汇总"].values]


def test_the_work_list_sheet_has_each_tasks_latest_feedback_text(
    district, django_assert_num_queries
):
    task = ReformTaskFactory(code="Z1", title="甲任务")
    TaskFeedbackFactory(task=task, reported_on=datetime.date(2026, 5, 1), text="五月反馈")
    later = TaskFeedbackFactory(task=task, reported_on=datetime.date(2026, 6, 1), text="旧的")
    TaskFeedbackFactory(task=task, reported_on=datetime.date(2026, 6, 1), text="=SUM(A1)")
    TaskFeedbackFactory(task=task, reported_on=datetime.date(2026, 7, 2), text="季度之后的反馈")
    assert later.pk  # the same day: the newer row (higher id) wins
    with django_assert_num_queries(1):
        texts = task_feedback_texts(datetime.date(2026, 6, 30))
    assert texts[task.pk] == "=SUM(A1)"

    run = built()
    sheet = _book(_stored(run))["工作清单"]
    rows = list(sheet.values)
    assert rows[0][8] == "最新反馈内容"
    row = next(r for r in rows if r[1] == "Z1")
    assert row[8] == "=SUM(A1)"
    assert all(r[8] is None for r in rows[1:] if r[1] != "Z1")  # the plan's tasks: no feedback


def test_a_stored_file_that_is_not_a_workbook_is_served_as_stored(
    client, official_user, staff_user
):
    from django.core.files.base import ContentFile

    from tests.factories import ReportRunFactory

    run = ReportRunFactory()
    run.file.save("报告.xlsx", ContentFile(b"report"))
    ReportNarrativeFactory(period=run.period)
    client.force_login(official_user)
    response = client.get(reverse("reports:download", args=[run.pk]))
    assert b"".join(response.streaming_content) == b"report"


# --- the admin: read-only -----------------------------------------------------------------------


def test_staff_read_the_versions_in_the_admin_and_change_nothing(client, staff_user):
    """The versions are listed by period with the author's name in Chinese order; a version
    opens read-only, and the admin neither adds, changes nor deletes one (the report pages write
    them through the services)."""
    from tests.factories import UserFactory

    author = UserFactory(username="wangfang", last_name="王", first_name="芳")
    published = ReportNarrativeFactory(period=PERIOD, version=1, created_by=author)
    draft = ReportNarrativeFactory(
        period=PERIOD, version=2, status="draft", published_at=None, created_by=author
    )
    client.force_login(staff_user)
    changelist = client.get(reverse("admin:reports_reportnarrative_changelist"))
    assert changelist.status_code == 200
    rows = changelist.content.decode()
    assert "王芳" in rows and "wangfang" not in rows
    assert "已发布" in rows and "草稿" in rows
    assert reverse("admin:reports_reportnarrative_add") not in rows

    change = reverse("admin:reports_reportnarrative_change", args=[draft.pk])
    detail = client.get(change).content.decode()
    assert "王芳" in detail and published.work_done.split("\n")[0] in detail
    assert 'name="work_done"' not in detail and 'type="submit"' not in detail.split("<main", 1)[-1]

    assert client.post(change, {"work_done": "改写"}).status_code == 403
    draft.refresh_from_db()
    assert draft.work_done == published.work_done
    assert client.get(reverse("admin:reports_reportnarrative_add")).status_code == 403
    delete = reverse("admin:reports_reportnarrative_delete", args=[draft.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ReportNarrative.objects.count() == 2
