"""Issue acceptance, end to end in chromium: HR uploads a roster with errors, sees them, downloads
the annotated file, fixes it, uploads it again, confirms, and finds both uploads in the history."""

import datetime
import re

import openpyxl
import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from core.roles import Role, roles_setup
from imports.models import ImportRecord
from tests.factories import EnterpriseFactory, UserFactory
from tests.workers.test_import_roster import person, row, write_xlsx
from workers.models import Employment, Worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests"
GOOD_HIRE_DATE = "2020-03-01"
TOO_YOUNG_HIRE_DATE = "2000-06-01"  # person() is born 1985-03-09: 15 years old that day


def wrong_check_digit(id_number: str) -> str:
    last = id_number[-1]
    return id_number[:-1] + ("0" if last != "0" else "1")


@pytest.fixture
def hr_with_enterprise(transactional_db):
    roles_setup()
    user = UserFactory(username="hr1", password=PASSWORD)
    user.groups.add(Group.objects.get(name=Role.HR))
    enterprise = EnterpriseFactory(name="嵊州市花名册测试有限公司")
    enterprise.hr_users.add(user)
    return user, enterprise


def upload(page: Page, path) -> None:
    form = page.locator("#roster-upload-form")
    form.locator("input[type=file]").set_input_files(path)
    form.get_by_role("button", name="上传并预览").click()


def test_hr_fixes_a_roster_with_errors_through_the_annotated_file(
    page: Page, live_server, hr_with_enterprise, tmp_path
):
    user, enterprise = hr_with_enterprise
    enterprise_url = "%s/workers/roster/%d/" % (live_server.url, enterprise.pk)

    # 1. Log in through the form: HR land on the home page.
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("hr1")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    # From the home page (issue 16) to their enterprise's roster page.
    expect(page).to_have_url(live_server.url + "/")
    page.locator("#home [data-item=花名册上传]").click()
    expect(page).to_have_url(enterprise_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(enterprise.name)
    expect(page.locator("#upload-history")).to_contain_text("还没有上传过花名册。")

    # 2. A file with two bad rows (Excel rows 4 and 6: title row, header row, then data).
    rows = [
        row(1),
        row(2, 身份证号=wrong_check_digit(person(2))),
        row(3),
        row(4, 入职日期=TOO_YOUNG_HIRE_DATE),
        row(5),
    ]
    upload(page, write_xlsx(tmp_path / "roster.xlsx", rows))
    expect(page).to_have_url(re.compile(r"/workers/roster/uploads/\d+/$"))
    expect(page.locator("#upload-status")).to_have_text("有错误，未导入")
    errors = page.locator("#upload-errors tbody tr")
    expect(errors).to_have_count(2)
    expect(errors.nth(0).locator("td")).to_have_text(["4", "身份证号", re.compile("校验位错误")])
    expect(errors.nth(1).locator("td")).to_have_text(["6", "入职日期", re.compile("未满16周岁")])
    expect(page.locator("#upload-counts [data-count=errors]")).to_have_text("2")
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    expect(page.locator("#confirm-form")).to_have_count(0)

    # 3. The annotated file explains the two rows in a 错误说明 column.
    with page.expect_download() as download_info:
        page.locator("#download-annotated").click()
    download = download_info.value
    assert download.suggested_filename == "roster（错误说明）.xlsx"
    annotated = tmp_path / "download" / download.suggested_filename
    download.save_as(annotated)
    workbook = openpyxl.load_workbook(annotated)
    sheet = workbook["花名册"]
    header = [cell.value for cell in sheet[2]]
    assert "错误说明" in header
    note = header.index("错误说明") + 1
    id_column = header.index("身份证号") + 1
    hire_column = header.index("入职日期") + 1
    assert sheet.cell(row=4, column=note).value.startswith("【身份证号】")
    assert sheet.cell(row=6, column=note).value.startswith("【入职日期】")
    for good in (3, 5, 7):
        assert sheet.cell(row=good, column=note).value in (None, "")

    # 4. Fix the two red cells in the downloaded file itself and upload it as it is.
    sheet.cell(row=4, column=id_column).value = person(2)
    sheet.cell(row=6, column=hire_column).value = GOOD_HIRE_DATE
    workbook.save(annotated)
    page.goto(enterprise_url)
    upload(page, annotated)
    expect(page.locator("#upload-status")).to_have_text("已校验，待确认")
    counts = page.locator("#upload-counts")
    expect(counts.locator("[data-count=rows]")).to_have_text("5")
    expect(counts.locator("[data-count=created]")).to_have_text("5")
    expect(counts.locator("[data-count=updated]")).to_have_text("0")
    expect(counts.locator("[data-count=departed]")).to_have_text("0")
    expect(counts.locator("[data-count=errors]")).to_have_count(0)
    expect(page.locator("#upload-warnings")).to_contain_text("未识别的列“错误说明”，已忽略。")
    assert Worker.objects.count() == 0, "a preview writes nothing"

    # 5. Confirm: the roster is saved.
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("#applied")).to_be_visible()
    expect(page.locator("#upload-status")).to_have_text("已导入")
    numbers = [person(n) for n in range(1, 6)]
    assert Worker.objects.filter(id_number__in=numbers).count() == 5
    active = Employment.objects.filter(enterprise=enterprise, departure_date__isnull=True)
    assert sorted(active.values_list("worker__id_number", flat=True)) == sorted(numbers)
    assert active.get(worker__id_number=person(4)).hire_date == datetime.date(2020, 3, 1)
    applied = ImportRecord.objects.get(status=ImportRecord.Status.APPLIED)
    assert applied.applied_by == user and applied.original_name == annotated.name

    # 6. The history shows both uploads, newest first; the first one's file comes back.
    page.goto(enterprise_url)
    history = page.locator("#upload-history tbody tr")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("已导入")
    expect(history.nth(0)).to_contain_text(annotated.name)
    expect(history.nth(0)).to_contain_text("5 / 0 / 0 / 0")
    expect(history.nth(1)).to_contain_text("有错误，未导入")
    expect(history.nth(1)).to_contain_text("roster.xlsx")
    with page.expect_download() as original_info:
        history.nth(1).get_by_role("link", name="roster.xlsx").click()
    original = original_info.value
    assert original.suggested_filename == "roster.xlsx"
    saved = tmp_path / "original.xlsx"
    original.save_as(saved)
    assert saved.read_bytes() == (tmp_path / "roster.xlsx").read_bytes()
