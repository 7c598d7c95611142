"""Issue 16's training-fund pages: the upload preview shows what it will save with its rates
and verdicts, the uploads' history with their originals, HR's enterprises with their status,
and the compliance list links each name."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import PersonalDataAccess
from imports.models import ImportRecord
from tests.dates import last_year
from tests.factories import EnterpriseFactory, FundDeclarationFactory, UserFactory
from tests.training.test_views import upload
from training.models import FundDeclaration

pytestmark = pytest.mark.django_db


@pytest.fixture
def own(hr_user):
    enterprise = EnterpriseFactory(name="甲公司")
    enterprise.hr_users.add(hr_user)
    return enterprise


def cells_of(page: str, table_id: str) -> list[list[str]]:
    """The text of each body row's cells of the table `table_id`."""
    table = page[page.index('id="%s"' % table_id) :]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    return [
        [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]
        for cells in (
            re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in body.split("<tr")[1:]
        )
    ]


def test_the_upload_preview_shows_amounts_rates_and_verdicts(client, hr_user, own):
    FundDeclarationFactory(
        enterprise=own,
        year=last_year() - 1,
        payroll=Decimal("500000.00"),
        extracted=Decimal("40000.00"),
        spent=Decimal("0.00"),
        frontline_spent=Decimal("0.00"),
    )
    client.force_login(hr_user)
    upload(
        client,
        own,
        [
            [own.uscc, last_year(), "1,000,000", 79999, 1000, 600],  # 7.9999%: 不足, 60%: 达标
            [own.uscc, last_year() - 1, 500000, 40000, 0, 0],  # as stored: 不变, 8%: 达标
        ],
    )
    record = ImportRecord.objects.get()
    assert record.status == ImportRecord.Status.VALIDATED
    page = client.get(reverse("training:upload", args=[record.pk])).content.decode()
    assert "将保存的申报" in page
    first, second = cells_of(page, "upload-declarations")
    assert first == [
        "3",
        "甲公司",
        str(last_year()),
        "1,000,000.00",
        "79,999.00",
        "7.99%",
        "不足 缺口 1.00 元",
        "1,000.00",
        "600.00",
        "60.00%",
        "达标",
        "新增",
    ]
    assert second[:7] == [
        "4",
        "甲公司",
        str(last_year() - 1),
        "500,000.00",
        "40,000.00",
        "8.00%",
        "达标",
    ]
    assert second[-2:] == ["不适用", "不变"]

    client.post(reverse("training:upload_confirm", args=[record.pk]))
    page = client.get(reverse("training:upload", args=[record.pk])).content.decode()
    assert "已保存的申报" in page and "7.99%" in page
    assert FundDeclaration.objects.get(year=last_year()).extracted == Decimal("79999")


def test_the_fund_page_lists_uploads_with_their_originals_scoped_and_logged(
    client, hr_user, own, roles
):
    client.force_login(hr_user)
    upload(client, own, [[own.uscc, last_year(), 1000000, 80000, 0, 0]])
    record = ImportRecord.objects.get()
    page = client.get(reverse("training:enterprise", args=[own.pk])).content.decode()
    (row,) = cells_of(page, "upload-history")
    assert row[2] == "经费.xlsx" and row[3] == "1" and row[4] == "1 / 0 / 0"
    assert row[5] == "已校验，待确认"
    original = reverse("training:upload_original", args=[record.pk])
    assert original in page

    response = client.get(original)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"PK"
    log = PersonalDataAccess.objects.get(action=PersonalDataAccess.Action.DOWNLOAD_ORIGINAL)
    assert log.actor == hr_user and log.object_id == str(record.pk)

    other = UserFactory(username="hr-other")
    other.groups.set(hr_user.groups.all())
    EnterpriseFactory(name="乙公司").hr_users.add(other)
    client.force_login(other)
    assert client.get(original).status_code == 404
    assert PersonalDataAccess.objects.count() == 1


def test_hr_of_several_enterprises_see_each_ones_status_for_the_year(client, hr_user, own):
    short = EnterpriseFactory(name="乙公司")
    missing = EnterpriseFactory(name="丙公司")
    for enterprise in (short, missing):
        enterprise.hr_users.add(hr_user)
    FundDeclarationFactory(
        enterprise=own, year=last_year(), payroll=Decimal("1000000"), extracted=Decimal("80000")
    )
    FundDeclarationFactory(
        enterprise=short, year=last_year(), payroll=Decimal("1000000"), extracted=Decimal("79999")
    )
    FundDeclarationFactory(  # another year's declaration does not count for this one
        enterprise=missing,
        year=last_year() - 1,
        payroll=Decimal("1000000"),
        extracted=Decimal("80000"),
    )
    client.force_login(hr_user)
    page = client.get(reverse("training:home")).content.decode()
    statuses = {}
    for enterprise in (own, short, missing):
        item = page[page.index('data-enterprise="%d"' % enterprise.pk) :]
        item = item[item.index('data-field="status">') : item.index("</a>")]
        statuses[enterprise.name] = " ".join(re.sub(r"<[^>]+>", " ", item).split()[1:])
    assert statuses == {"甲公司": "已申报 达标", "乙公司": "已申报 不足", "丙公司": "未申报"}

    page = client.get(reverse("training:enterprise", args=[short.pk])).content.decode()
    status = page[page.index('id="fund-status">') + len('id="fund-status">') :]
    status = re.sub(r"<[^>]+>", " ", status[: status.index("</p>")])
    assert " ".join(status.split()) == "%d年度： 已申报 不足" % last_year()


def test_compliance_names_link_to_the_fund_page_and_rates_are_not_rounded_up(client, staff_user):
    enterprise = EnterpriseFactory(name="差一点公司")
    FundDeclarationFactory(
        enterprise=enterprise,
        year=last_year(),
        payroll=Decimal("1000000.00"),
        extracted=Decimal("79999.00"),
        spent=Decimal("0"),
        frontline_spent=Decimal("0"),
    )
    client.force_login(staff_user)
    page = client.get(reverse("training:compliance")).content.decode()
    link = '<a href="%s">差一点公司</a>' % reverse("training:enterprise", args=[enterprise.pk])
    assert link in page
    row = page[page.index('data-enterprise="%d"' % enterprise.pk) :]
    row = row[: row.index("</tr>")]
    assert "7.99%" in row and "8.00%" not in row and "提取不足" in row
    assert client.get(reverse("training:enterprise", args=[enterprise.pk])).status_code == 200


def test_a_newer_fund_preview_leaves_the_older_one_but_an_apply_overtakes_it(client, hr_user, own):
    """Declarations add and update (not a whole list like the roster): two previews may both
    wait; once one is applied the other shows at once that it was overtaken."""
    client.force_login(hr_user)
    upload(client, own, [[own.uscc, last_year(), 1000000, 80000, 0, 0]])
    upload(client, own, [[own.uscc, last_year() - 1, 1000000, 80000, 0, 0]])
    older, newer = ImportRecord.objects.order_by("pk")
    assert older.status == newer.status == ImportRecord.Status.VALIDATED
    client.post(reverse("training:upload_confirm", args=[newer.pk]))
    older.refresh_from_db()
    assert older.status == ImportRecord.Status.SUPERSEDED
    page = client.get(reverse("training:enterprise", args=[own.pk])).content.decode()
    assert [row[5] for row in cells_of(page, "upload-history")] == ["已导入", "已被新的上传取代"]
