"""Issue 13 acceptance, end to end in chromium: HR downloads the 培训记录 template, uploads it with
one error, sees the error, fixes it in the file, uploads again, confirms, and finds the worker's
record on the enterprise's page."""

import re
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from core.roles import Role, roles_setup
from imports.models import ImportRecord
from tests.factories import EmploymentFactory, EnterpriseFactory, UserFactory, WorkerFactory
from tests.training.test_import_training_records import HEADER, person, row
from training.models import TrainingRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests"


@pytest.fixture
def hr_with_workers(transactional_db):
    roles_setup()
    user = UserFactory(username="hr1", password=PASSWORD)
    user.groups.add(Group.objects.get(name=Role.HR))
    enterprise = EnterpriseFactory(name="嵊州市培训记录测试有限公司")
    enterprise.hr_users.add(user)
    for n in (1, 2):
        EmploymentFactory(
            enterprise=enterprise, worker=WorkerFactory(id_number=person(n), name="职工%d" % n)
        )
    return user, enterprise


def upload(page: Page, path) -> None:
    form = page.locator("#records-upload-form")
    form.locator("input[type=file]").set_input_files(path)
    form.get_by_role("button", name="上传并预览").click()


def test_hr_uploads_training_records_fixes_an_error_and_sees_the_record(
    page: Page, live_server, hr_with_workers, tmp_path
):
    user, enterprise = hr_with_workers
    records_url = "%s/training/records/%d/" % (live_server.url, enterprise.pk)

    # 1. Log in; the navbar's 培训记录 leads HR straight to their enterprise's page.
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("hr1")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    # The training pages sit in the navbar's 培训与技能 menu.
    page.locator("nav").get_by_role("button", name="培训与技能").click()
    page.locator("nav").get_by_role("link", name="培训记录").click()
    expect(page).to_have_url(records_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(enterprise.name)
    expect(page.locator("#upload-history")).to_contain_text("还没有上传过培训记录。")
    expect(page.locator("#training-records")).to_contain_text("还没有在职职工的培训记录。")

    # 2. The template, filled in with two rows; the second has 学时 0 (Excel row 4).
    with page.expect_download() as download_info:
        page.locator("#records-template").click()
    download = download_info.value
    assert download.suggested_filename == "%s培训记录模板.xlsx" % enterprise.name
    filled = tmp_path / "培训记录.xlsx"
    download.save_as(filled)
    workbook = openpyxl.load_workbook(filled)
    sheet = workbook["培训记录"]
    assert [cell.value for cell in sheet[2]] == HEADER
    sheet.append(row(1))
    sheet.append(row(2, 学时=0))
    workbook.save(filled)

    upload(page, filled)
    expect(page).to_have_url(re.compile(r"/training/records/uploads/\d+/$"))
    expect(page.locator("#upload-status")).to_have_text("有错误，未导入")
    errors = page.locator("#upload-errors tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.nth(0).locator("td")).to_have_text(["4", "学时", re.compile("应大于0")])
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    assert not TrainingRecord.objects.exists()

    # 3. Fix the cell in the same file and upload it again: a clean preview.
    hours_column = HEADER.index("学时") + 1
    sheet.cell(row=4, column=hours_column).value = 8
    workbook.save(filled)
    page.goto(records_url)
    upload(page, filled)
    expect(page.locator("#upload-status")).to_have_text("已校验，待确认")
    counts = page.locator("#upload-counts")
    expect(counts.locator("[data-count=rows]")).to_have_text("2")
    expect(counts.locator("[data-count=created]")).to_have_text("2")
    expect(counts.locator("[data-count=errors]")).to_have_count(0)
    assert not TrainingRecord.objects.exists(), "a preview writes nothing"

    # 4. Confirm, then find the worker's record on the enterprise's page.
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("#applied")).to_be_visible()
    expect(page.locator("#upload-status")).to_have_text("已导入")
    assert ImportRecord.objects.get(status=ImportRecord.Status.APPLIED).applied_by == user
    record = TrainingRecord.objects.get(worker__name="职工2")
    assert (record.hours, record.course.name) == (Decimal("8"), "数控车床操作培训")

    page.locator("#records-link").click()
    expect(page).to_have_url(records_url)
    line = page.locator("#training-records tbody tr").filter(has_text="职工2")
    expect(line.locator("td")).to_have_text(
        [
            "职工2",
            "数控车床操作培训",
            "2026-03-02",
            "2026-03-06",
            "8.0",
            "线下",
            re.compile("."),
            "是",
        ]
    )
    expect(page.locator("#upload-history tbody tr")).to_have_count(2)
    expect(page.locator("body")).not_to_contain_text(person(2))

    # 5. The worker's page shows the course in their 学习档案 (learning record).
    line.get_by_role("link", name="职工2").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("职工2")
    learning = page.locator("#learning-record")
    expect(learning).to_contain_text("数控车床操作培训")
    expect(learning).to_contain_text("8.0")
