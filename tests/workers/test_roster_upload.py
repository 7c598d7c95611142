"""HR's roster upload pages: preview, annotated errors, confirm, departures, history, scope."""

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imports.models import ImportRecord
from tests.factories import EmploymentFactory, EnterpriseFactory, WorkerFactory
from tests.workers.test_import_roster import person, row, write_xlsx
from workers.models import Employment, Worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def enterprise(hr_user):
    enterprise = EnterpriseFactory(name="本企业")
    enterprise.hr_users.add(hr_user)
    return enterprise


def upload(client, enterprise, path: Path):
    with path.open("rb") as handle:
        return client.post(
            reverse("workers:roster_enterprise", args=[enterprise.pk]),
            {"file": SimpleUploadedFile(path.name, handle.read())},
        )


def latest() -> ImportRecord:
    return ImportRecord.objects.latest("pk")


def test_hr_reach_their_enterprise_page_from_the_home_page(client, hr_user, enterprise):
    client.force_login(hr_user)
    # The home page (issue 16) links the roster pages, which open on HR's own enterprise.
    home = client.get("/").content.decode()
    assert 'href="%s"' % reverse("workers:roster_home") in home
    response = client.get(reverse("workers:roster_home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "workers:roster_enterprise", args=[enterprise.pk]
    )
    body = response.content.decode()
    assert "本企业" in body and "上传并预览" in body


def test_clean_upload_previews_then_applies_on_confirmation(client, hr_user, enterprise, tmp_path):
    client.force_login(hr_user)
    response = upload(client, enterprise, write_xlsx(tmp_path / "a.xlsx", [row(1), row(2)]))
    record = latest()
    assert response.url == reverse("workers:roster_upload", args=[record.pk])
    assert record.status == ImportRecord.Status.VALIDATED
    assert record.enterprise == enterprise and record.uploaded_by == hr_user
    assert record.counts["created"] == 2
    assert Worker.objects.count() == 0, "a preview writes nothing"
    page = client.get(response.url).content.decode()
    assert "确认导入" in page and "读取的工作表：“花名册”" in page

    client.post(reverse("workers:roster_upload_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.APPLIED
    assert record.applied_by == hr_user
    assert Employment.objects.filter(enterprise=enterprise, departure_date=None).count() == 2
    assert not record.staged_rows, "staged rows are dropped once applied"

    history = client.get(reverse("workers:roster_enterprise", args=[enterprise.pk]))
    assert "a.xlsx" in history.content.decode() and "已导入" in history.content.decode()


def test_errors_are_listed_with_rows_and_the_annotated_file_marks_them(
    client, hr_user, enterprise, tmp_path
):
    client.force_login(hr_user)
    bad = row(2, 身份证号="330683198503091234")
    path = write_xlsx(tmp_path / "bad.xlsx", [row(1), bad, row(3, 入职日期="明天")])
    upload(client, enterprise, path)
    record = latest()
    assert record.status == ImportRecord.Status.INVALID
    assert {(e["row"], e["column"]) for e in record.errors} == {(4, "身份证号"), (5, "入职日期")}
    page = client.get(reverse("workers:roster_upload", args=[record.pk])).content.decode()
    assert "下载带错误说明的文件" in page and "确认导入" not in page
    response = client.get(reverse("workers:roster_upload_annotated", args=[record.pk]))
    content = b"".join(response.streaming_content)  # streamed from storage
    sheet = openpyxl.load_workbook(io.BytesIO(content))["花名册"]
    explain = [c.value for c in sheet[2]].index("错误说明") + 1
    assert sheet.cell(row=4, column=explain).value.startswith("【身份证号】")
    assert sheet.cell(row=5, column=explain).value.startswith("【入职日期】")
    assert sheet.cell(row=3, column=explain).value in (None, "")
    # Nothing can be confirmed, nothing was written.
    client.post(reverse("workers:roster_upload_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.INVALID
    assert Worker.objects.count() == 0


def test_changed_fields_are_shown_with_column_names(client, hr_user, enterprise, tmp_path):
    client.force_login(hr_user)
    upload(client, enterprise, write_xlsx(tmp_path / "a.xlsx", [row(1), row(2)]))
    client.post(reverse("workers:roster_upload_confirm", args=[latest().pk]))
    upload(
        client,
        enterprise,
        write_xlsx(tmp_path / "b.xlsx", [row(1, 岗位="班组长", 是否工会会员="是"), row(2)]),
    )
    record = latest()
    assert record.counts["updated"] == 1 and record.counts["unchanged"] == 1
    (change,) = record.details["updated"]
    assert change["row"] == 3 and change["name"] == "职工1"
    assert change["changes"]["岗位"] == ["操作工", "班组长"]
    assert change["changes"]["是否工会会员"] == ["否", "是"]
    assert "*" in change["id_number"], "the preview masks ID numbers"
    page = client.get(reverse("workers:roster_upload", args=[record.pk])).content.decode()
    assert "班组长" in page and "操作工" in page


def test_departures_over_the_limit_need_the_second_confirmation(
    client, hr_user, enterprise, tmp_path
):
    client.force_login(hr_user)
    upload(client, enterprise, write_xlsx(tmp_path / "a.xlsx", [row(n) for n in range(10)]))
    client.post(reverse("workers:roster_upload_confirm", args=[latest().pk]))
    upload(client, enterprise, write_xlsx(tmp_path / "b.xlsx", [row(n) for n in range(7)]))
    record = latest()
    assert record.status == ImportRecord.Status.VALIDATED
    assert record.details["departures_need_confirmation"] is True
    assert len(record.details["departing"]) == 3
    page = client.get(reverse("workers:roster_upload", args=[record.pk])).content.decode()
    assert "超过 20%" in page and "职工9" in page

    response = client.post(reverse("workers:roster_upload_confirm", args=[record.pk]), follow=True)
    # The message names the checkbox by its exact label (issue 16).
    assert "请勾选“我已核对：名单中没有的这些职工确已离职”后再导入" in response.content.decode()
    assert "我已核对：名单中没有的这些职工确已离职</label>" in response.content.decode()
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.VALIDATED
    assert Employment.objects.filter(departure_date__isnull=False).count() == 0

    client.post(
        reverse("workers:roster_upload_confirm", args=[record.pk]), {"confirm_departures": "on"}
    )
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.APPLIED
    assert Employment.objects.filter(departure_date__isnull=False).count() == 3
    assert Worker.objects.count() == 10, "departed workers are kept"
    page = client.get(reverse("workers:roster_upload", args=[record.pk])).content.decode()
    assert "已标记离职的职工" in page and "职工9" in page


def history_status_of(client, enterprise, name: str) -> str:
    """The 状态 cell of the history row of the upload named `name`."""
    page = client.get(reverse("workers:roster_enterprise", args=[enterprise.pk])).content.decode()
    history = page[page.index('id="upload-history"') :]
    rows = history.split("<tr")
    (line,) = [r for r in rows if name in r]
    return line


def test_an_older_preview_is_shown_overtaken_at_once_and_cannot_overwrite_a_newer_upload(
    client, hr_user, enterprise, tmp_path
):
    client.force_login(hr_user)
    upload(client, enterprise, write_xlsx(tmp_path / "old.xlsx", [row(1)]))
    old = latest()
    assert "已校验，待确认" in history_status_of(client, enterprise, "old.xlsx")
    upload(client, enterprise, write_xlsx(tmp_path / "new.xlsx", [row(1, 岗位="班组长")]))
    new = latest()
    # Issue 16: the history says so at once, not 已校验，待确认 until someone tries to confirm.
    old.refresh_from_db()
    assert old.status == ImportRecord.Status.SUPERSEDED
    assert not old.staged_rows, "its staged rows (personal data) are dropped"
    assert "已被新的上传取代" in history_status_of(client, enterprise, "old.xlsx")
    assert "已校验，待确认" in history_status_of(client, enterprise, "new.xlsx")
    page = client.get(reverse("workers:roster_upload", args=[old.pk])).content.decode()
    assert "new.xlsx" in page and 'id="confirm-form"' not in page

    client.post(reverse("workers:roster_upload_confirm", args=[new.pk]))
    response = client.post(reverse("workers:roster_upload_confirm", args=[old.pk]), follow=True)
    assert "不能导入" in response.content.decode()
    old.refresh_from_db()
    assert old.status == ImportRecord.Status.SUPERSEDED
    assert Employment.objects.get().position == "班组长"


def test_an_apply_overtakes_the_previews_made_before_it(client, hr_user, enterprise, tmp_path):
    from imports.services import dataset_import
    from workers.importers import ROSTER

    client.force_login(hr_user)
    upload(client, enterprise, write_xlsx(tmp_path / "web.xlsx", [row(1)]))
    preview = latest()
    path = write_xlsx(tmp_path / "cli.xlsx", [row(1, 岗位="班组长")])
    dataset_import(
        kind=ROSTER,
        user=None,
        filename="cli.xlsx",
        content=path.read_bytes(),
        dry_run=False,
        enterprise=enterprise,
        source="cli",
    )
    preview.refresh_from_db()
    assert preview.status == ImportRecord.Status.SUPERSEDED
    assert "已被新的上传取代" in history_status_of(client, enterprise, "web.xlsx")
    assert "cli.xlsx" in preview.errors[0]["message"]


def test_the_confirm_step_still_refuses_a_preview_overtaken_in_a_race(
    client, hr_user, enterprise, tmp_path
):
    client.force_login(hr_user)
    upload(client, enterprise, write_xlsx(tmp_path / "old.xlsx", [row(1)]))
    old = latest()
    upload(client, enterprise, write_xlsx(tmp_path / "new.xlsx", [row(1, 岗位="班组长")]))
    client.post(reverse("workers:roster_upload_confirm", args=[latest().pk]))
    # As if the old preview had been confirmed before it was marked: the apply refuses it.
    ImportRecord.objects.filter(pk=old.pk).update(status=ImportRecord.Status.VALIDATED)
    client.post(reverse("workers:roster_upload_confirm", args=[old.pk]))
    old.refresh_from_db()
    assert old.status == ImportRecord.Status.REFUSED
    assert "new.xlsx" in old.errors[0]["message"]
    assert Employment.objects.get().position == "班组长"


def test_new_workers_are_listed_in_the_preview_with_masked_id_numbers(
    client, hr_user, enterprise, tmp_path
):
    client.force_login(hr_user)
    upload(
        client,
        enterprise,
        write_xlsx(tmp_path / "a.xlsx", [row(1, 岗位="焊工"), row(2, 岗位="班组长")]),
    )
    record = latest()
    page = client.get(reverse("workers:roster_upload", args=[record.pk])).content.decode()
    listing = page[page.index('id="upload-created"') :]
    listing = listing[: listing.index("</table>")]
    assert "职工1" in listing and "职工2" in listing
    assert "焊工" in listing and "班组长" in listing
    assert person(1) not in page, "ID numbers are masked"
    assert person(1)[:6] + "**********" + person(1)[-2:] in listing
    assert "另有" not in page


def test_a_large_preview_lists_the_first_new_workers_and_counts_the_rest(
    client, hr_user, enterprise, tmp_path, monkeypatch
):
    monkeypatch.setattr("workers.importers.NEW_WORKERS_SHOWN", 2)
    client.force_login(hr_user)
    upload(client, enterprise, write_xlsx(tmp_path / "a.xlsx", [row(n) for n in range(5)]))
    record = latest()
    assert len(record.details["created"]) == 2
    url = reverse("workers:roster_upload", args=[record.pk])
    with CaptureQueriesContext(connection) as five:
        page = client.get(url).content.decode()
    assert page.count("<tr><td>", page.index('id="upload-created"')) >= 2
    assert "另有 3 人未列出。" in page

    upload(client, enterprise, write_xlsx(tmp_path / "b.xlsx", [row(n) for n in range(9)]))
    with CaptureQueriesContext(connection) as nine:
        page = client.get(reverse("workers:roster_upload", args=[latest().pk])).content.decode()
    assert "另有 7 人未列出。" in page

    # The list comes from the record: no query of workers at all, none more for more rows
    # (the navbar's badges are the home page's business, not counted here).
    def queries_of(captured, table: str) -> list[str]:
        return [q["sql"] for q in captured.captured_queries if table in q["sql"]]

    assert not queries_of(five, '"workers_') and not queries_of(nine, '"workers_')
    assert len(queries_of(nine, "core_importrecord")) == len(queries_of(five, "core_importrecord"))


def test_hr_discards_a_preview_which_then_cannot_be_confirmed(
    client, hr_user, enterprise, tmp_path
):
    client.force_login(hr_user)
    upload(client, enterprise, write_xlsx(tmp_path / "a.xlsx", [row(1)]))
    record = latest()
    page = client.get(reverse("workers:roster_upload", args=[record.pk])).content.decode()
    assert 'id="discard-form"' in page and "放弃" in page
    discard = reverse("workers:roster_upload_discard", args=[record.pk])
    assert client.get(discard).status_code == 405, "a POST only"
    client.post(discard)
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.DISCARDED
    assert not record.staged_rows
    assert client.post(discard).status_code == 302, "discarding twice is harmless"
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.DISCARDED

    response = client.post(reverse("workers:roster_upload_confirm", args=[record.pk]), follow=True)
    assert "不能导入" in response.content.decode()
    assert Worker.objects.count() == 0
    assert "已放弃" in history_status_of(client, enterprise, "a.xlsx")
    page = client.get(reverse("workers:roster_upload", args=[record.pk])).content.decode()
    assert 'id="confirm-form"' not in page and 'id="discard-form"' not in page


def test_only_the_enterprises_hr_or_staff_may_discard(
    client, hr_user, enterprise, staff_user, union_user, tmp_path
):
    client.force_login(hr_user)
    upload(client, enterprise, write_xlsx(tmp_path / "a.xlsx", [row(1)]))
    record = latest()
    discard = reverse("workers:roster_upload_discard", args=[record.pk])
    other_hr = type(hr_user).objects.create_user("hr2", password="x")
    other_hr.groups.set(hr_user.groups.all())
    EnterpriseFactory(name="别的企业").hr_users.add(other_hr)
    client.force_login(other_hr)
    assert client.post(discard).status_code == 404
    client.force_login(union_user)
    assert client.post(discard).status_code == 403
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.VALIDATED
    client.force_login(staff_user)
    client.post(discard)
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.DISCARDED


def test_confirming_twice_applies_once(client, hr_user, enterprise, tmp_path):
    client.force_login(hr_user)
    upload(client, enterprise, write_xlsx(tmp_path / "a.xlsx", [row(1)]))
    record = latest()
    client.post(reverse("workers:roster_upload_confirm", args=[record.pk]))
    response = client.post(reverse("workers:roster_upload_confirm", args=[record.pk]), follow=True)
    assert "不能导入" in response.content.decode()
    assert Employment.objects.count() == 1


def test_unusable_file_is_refused_with_its_message(client, hr_user, enterprise, tmp_path):
    client.force_login(hr_user)
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(b"%PDF-1.4 not a spreadsheet")
    upload(client, enterprise, path)
    record = latest()
    assert record.status == ImportRecord.Status.REFUSED
    page = client.get(reverse("workers:roster_upload", args=[record.pk])).content.decode()
    assert "PDF" in page and "文件无法使用" in page


def test_hr_cannot_reach_another_enterprises_roster_or_uploads(
    client, hr_user, enterprise, staff_user, tmp_path
):
    other = EnterpriseFactory(name="别的企业")
    client.force_login(staff_user)
    upload(client, other, write_xlsx(tmp_path / "o.xlsx", [row(1)]))
    theirs = latest()
    assert theirs.enterprise == other and theirs.uploaded_by == staff_user

    client.force_login(hr_user)
    assert client.get(reverse("workers:roster_enterprise", args=[other.pk])).status_code == 404
    assert upload(client, other, write_xlsx(tmp_path / "x.xlsx", [row(2)])).status_code == 404
    for name in ("roster_upload", "roster_upload_progress", "roster_upload_original"):
        assert client.get(reverse("workers:" + name, args=[theirs.pk])).status_code == 404
    assert (
        client.post(reverse("workers:roster_upload_confirm", args=[theirs.pk])).status_code == 404
    )
    theirs.refresh_from_db()
    assert theirs.status == ImportRecord.Status.VALIDATED
    body = client.get(reverse("workers:roster_enterprise", args=[enterprise.pk])).content.decode()
    assert "o.xlsx" not in body


@pytest.mark.parametrize("role", ["union_user", "official_user"])
def test_union_officers_and_officials_do_not_upload_rosters(client, request, role, enterprise):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("workers:roster_home")).status_code == 403
    assert client.get(reverse("workers:roster_enterprise", args=[enterprise.pk])).status_code == 403


def test_original_file_downloads_unchanged(client, hr_user, enterprise, tmp_path):
    client.force_login(hr_user)
    path = write_xlsx(tmp_path / "原件.xlsx", [row(1)])
    upload(client, enterprise, path)
    response = client.get(reverse("workers:roster_upload_original", args=[latest().pk]))
    assert b"".join(response.streaming_content) == path.read_bytes()
    assert "attachment" in response["Content-Disposition"]


def test_transfer_is_warned_in_the_preview(client, hr_user, enterprise, tmp_path):
    other = EnterpriseFactory(name="原单位")
    worker = WorkerFactory(id_number=person(1))
    EmploymentFactory(worker=worker, enterprise=other)
    client.force_login(hr_user)
    upload(client, enterprise, write_xlsx(tmp_path / "a.xlsx", [row(1)]))
    page = client.get(reverse("workers:roster_upload", args=[latest().pk])).content.decode()
    # The other enterprise is not named to HR (issue 12).
    assert "其他企业任职" in page and "调动" in page and "原单位" not in page


def test_uploads_over_twenty_megabytes_are_refused_by_the_form(client, hr_user, enterprise):
    client.force_login(hr_user)
    big = SimpleUploadedFile("big.csv", b"a" * (20 * 1024 * 1024 + 1))
    response = client.post(
        reverse("workers:roster_enterprise", args=[enterprise.pk]), {"file": big}
    )
    assert response.status_code == 200 and "20 MB" in response.content.decode()
    assert not ImportRecord.objects.exists()


def test_staff_upload_a_roster_for_any_enterprise_from_the_admin(client, staff_user, tmp_path):
    enterprise = EnterpriseFactory(name="任一企业")
    client.force_login(staff_user)
    change = client.get(reverse("admin:enterprises_enterprise_change", args=[enterprise.pk]))
    url = reverse("admin:enterprises_enterprise_upload", args=[enterprise.pk, "roster"])
    assert url in change.content.decode()
    # The first address of this page still leads to it.
    old = reverse("admin:enterprises_enterprise_roster_upload", args=[enterprise.pk])
    assert "上传花名册" in client.get(old).content.decode()
    path = write_xlsx(tmp_path / "a.xlsx", [row(1)])
    with path.open("rb") as handle:
        response = client.post(url, {"file": SimpleUploadedFile("a.xlsx", handle.read())})
    record = latest()
    assert response.url == reverse("workers:roster_upload", args=[record.pk])
    assert record.enterprise == enterprise and record.status == ImportRecord.Status.VALIDATED
    client.post(reverse("workers:roster_upload_confirm", args=[record.pk]))
    assert Employment.objects.filter(enterprise=enterprise).count() == 1


def test_union_officers_cannot_upload_from_the_admin(client, union_user):
    enterprise = EnterpriseFactory()
    client.force_login(union_user)
    url = reverse("admin:enterprises_enterprise_roster_upload", args=[enterprise.pk])
    assert client.get(url).status_code == 403


def test_template_round_trip_through_the_upload_page(client, hr_user, enterprise):
    """Download the template, fill it in as HR would, upload it: it applies."""
    client.force_login(hr_user)
    template = client.get(reverse("workers:roster_template"))
    workbook = openpyxl.load_workbook(io.BytesIO(template.content))
    sheet = workbook["花名册"]
    header = [c.value for c in sheet[2]]
    values = {
        "姓名": "张三",
        "身份证号": person(7),
        "是否一线职工": "是",
        "是否工会会员": "是",
        "入职日期": "2021-06-01",
        "职业技能等级": "高级工（三级）",
        "政治面貌": "中共党员",
    }
    for column, value in values.items():
        sheet.cell(row=3, column=header.index(column) + 1, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.post(
        reverse("workers:roster_enterprise", args=[enterprise.pk]),
        {"file": SimpleUploadedFile("模板.xlsx", buffer.getvalue())},
    )
    record = latest()
    assert record.status == ImportRecord.Status.VALIDATED, record.errors
    assert record.warnings == [], "the template's own 填写说明 sheet is no cause for a warning"
    client.post(reverse("workers:roster_upload_confirm", args=[record.pk]))
    worker = Worker.objects.get()
    assert worker.name == "张三" and worker.skill_level and worker.is_union_member


def test_history_page_queries_do_not_grow_with_uploads(client, hr_user, enterprise, tmp_path):
    client.force_login(hr_user)
    for n in range(3):
        upload(client, enterprise, write_xlsx(tmp_path / ("%d.xlsx" % n), [row(n)]))
    url = reverse("workers:roster_enterprise", args=[enterprise.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    assert len(few.captured_queries) <= 12
    for n in range(3, 8):
        upload(client, enterprise, write_xlsx(tmp_path / ("%d.xlsx" % n), [row(n)]))
    with CaptureQueriesContext(connection) as more:
        body = client.get(url).content.decode()
    assert len(more.captured_queries) == len(few.captured_queries)
    # Each newer clean preview overtakes the older ones (issue 16): one is left to confirm.
    assert body.count("已校验，待确认") == 1
    assert body.count("已被新的上传取代") == 7


def test_an_expired_preview_says_so_and_cannot_be_confirmed(client, hr_user, enterprise, tmp_path):
    import datetime

    from imports.services import import_previews_expire

    client.force_login(hr_user)
    upload(client, enterprise, write_xlsx(tmp_path / "a.xlsx", [row(1)]))
    record = latest()
    import_previews_expire(older_than=datetime.timedelta(0))
    page = client.get(reverse("workers:roster_upload", args=[record.pk])).content.decode()
    assert "预览已过期" in page and "请重新上传" in page and "确认导入" not in page
    client.post(reverse("workers:roster_upload_confirm", args=[record.pk]))
    assert not Employment.objects.exists()


def test_a_discarded_or_overtaken_previews_staged_rows_leave_storage_once_committed(
    hr_user, enterprise, tmp_path, django_capture_on_commit_callbacks
):
    from imports.services import upload_discard, upload_preview
    from workers.importers import ROSTER

    def preview(name):
        content = write_xlsx(tmp_path / name, [row(1)]).read_bytes()
        return upload_preview(
            kind=ROSTER, user=hr_user, enterprise=enterprise, filename=name, content=content
        )

    first = preview("a.xlsx")
    storage, first_staged = first.staged_rows.storage, first.staged_rows.name
    with django_capture_on_commit_callbacks(execute=True):
        second = preview("b.xlsx")  # a newer clean roster preview overtakes the first
    assert not storage.exists(first_staged), "the overtaken preview's personal data is gone"

    second_staged = second.staged_rows.name
    with django_capture_on_commit_callbacks(execute=False) as pending:
        upload_discard(user=hr_user, record=second)
    assert storage.exists(second_staged), "nothing is deleted before the commit"
    for callback in pending:
        callback()
    assert not storage.exists(second_staged)
    second.refresh_from_db()
    assert second.status == ImportRecord.Status.DISCARDED and not second.staged_rows
