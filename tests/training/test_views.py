"""HR's training-fund page and staff's compliance list, through the web as each role."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from imports.models import ImportRecord
from tests.dates import last_year
from tests.factories import EnterpriseFactory
from training.models import FundDeclaration, FundNotice, FundNoticeReceipt, FundRule
from training.workbook import fund_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def own(hr_user):
    enterprise = EnterpriseFactory(name="甲公司")
    enterprise.hr_users.add(hr_user)
    return enterprise


def declare(client, enterprise, **overrides):
    data = {
        "declare": "1",
        "year": last_year(),
        "payroll": "1,000,000.00",
        "extracted": "¥70,000",
        "spent": "50000",
        "frontline_spent": "30000",
        **overrides,
    }
    return client.post(reverse("training:enterprise", args=[enterprise.pk]), data)


def test_hr_declares_by_form_and_a_resubmission_keeps_the_earlier_version(client, hr_user, own):
    client.force_login(hr_user)
    assert client.get(reverse("training:home")).url == reverse("training:enterprise", args=[own.pk])
    response = declare(client, own)
    assert response.status_code == 302
    declaration = FundDeclaration.objects.get(enterprise=own, year=last_year())
    assert declaration.extracted == Decimal("70000") and declaration.submitted_by == hr_user

    page = client.get(reverse("training:enterprise", args=[own.pk])).content.decode()
    assert "不足" in page and "10,000.00" in page  # 8% of 1,000,000 − 70,000

    declare(client, own, extracted="80000")
    declaration.refresh_from_db()
    assert declaration.version == 2 and declaration.extracted == Decimal("80000")
    assert list(declaration.versions.values_list("version", "extracted").order_by("version")) == [
        (1, Decimal("70000.00")),
        (2, Decimal("80000.00")),
    ]
    declare(client, own, extracted="80,000.00")  # the same figures again
    declaration.refresh_from_db()
    assert declaration.version == 2


def test_form_errors_are_shown_and_nothing_is_saved(client, hr_user, own):
    client.force_login(hr_user)
    response = declare(client, own, frontline_spent="50000.01")
    assert response.status_code == 200
    assert "其中一线职工使用额不能大于教育培训经费使用额" in response.content.decode()
    response = declare(client, own, payroll="-5")
    assert "不能是负数" in response.content.decode()
    response = declare(client, own, year=timezone.localdate().year + 1)
    assert response.status_code == 200
    assert not FundDeclaration.objects.exists()


def test_hr_reaches_only_their_own_enterprises_and_other_roles_none(
    client, hr_user, union_user, official_user, own
):
    other = EnterpriseFactory()
    client.force_login(hr_user)
    assert client.get(reverse("training:enterprise", args=[other.pk])).status_code == 404
    assert declare(client, other).status_code == 404
    assert client.get(reverse("training:template", args=[other.pk])).status_code == 404
    assert client.get(reverse("training:compliance")).status_code == 403
    for user in (union_user, official_user):
        client.force_login(user)
        assert client.get(reverse("training:enterprise", args=[own.pk])).status_code == 403
        assert client.get(reverse("training:home")).status_code == 403
    assert not FundDeclaration.objects.exists()


def upload(client, enterprise, rows):
    workbook = openpyxl.load_workbook(io.BytesIO(fund_workbook(enterprises=[])))
    sheet = workbook["教育培训经费"]
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return client.post(
        reverse("training:enterprise", args=[enterprise.pk]),
        {"upload": "1", "file": SimpleUploadedFile("经费.xlsx", buffer.getvalue())},
    )


def test_upload_is_previewed_then_applied_on_confirmation(client, hr_user, own):
    client.force_login(hr_user)
    response = upload(client, own, [[own.uscc, last_year(), "1,000,000", 80000, 100, 60]])
    record = ImportRecord.objects.get()
    assert response.url == reverse("training:upload", args=[record.pk])
    assert record.status == ImportRecord.Status.VALIDATED
    assert not FundDeclaration.objects.exists()
    client.post(reverse("training:upload_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.APPLIED
    declaration = FundDeclaration.objects.get()
    assert declaration.source == FundDeclaration.Source.UPLOAD
    assert declaration.submitted_by == hr_user


def test_an_upload_with_another_enterprises_row_is_refused_row_by_row(client, hr_user, own):
    other = EnterpriseFactory()
    client.force_login(hr_user)
    upload(
        client,
        own,
        [[own.uscc, last_year(), 1000, 80, 0, 0], [other.uscc, last_year(), 1000, 80, 0, 0]],
    )
    record = ImportRecord.objects.get()
    assert record.status == ImportRecord.Status.INVALID
    assert [(e["row"], e["column"]) for e in record.errors] == [(4, "统一社会信用代码")]
    page = client.get(reverse("training:upload", args=[record.pk])).content.decode()
    assert "不是本企业" in page
    annotated = client.get(reverse("training:upload_annotated", args=[record.pk]))
    assert annotated.status_code == 200
    assert client.post(reverse("training:upload_confirm", args=[record.pk])).status_code == 302
    assert not FundDeclaration.objects.exists()


def test_staff_list_export_and_notices_that_hr_read(client, staff_user, hr_user, own):
    compliant = EnterpriseFactory(name="乙公司")
    undeclared = EnterpriseFactory(name="丙公司")
    client.force_login(hr_user)
    declare(client, own)  # 70,000 of 1,000,000: 10,000 short
    FundDeclaration.objects.create(
        enterprise=compliant,
        year=last_year(),
        payroll=100,
        extracted=8,
        spent=0,
        frontline_spent=0,
        source="admin",
        submitted_at=timezone.now(),
    )

    client.force_login(staff_user)
    url = reverse("training:compliance")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url, {"year": last_year()}).content.decode()
    assert "10,000.00" in page
    for n in range(10):
        EnterpriseFactory(name="丁%d" % n)
    with CaptureQueriesContext(connection) as more:
        client.get(url, {"year": last_year()})
    assert len(more) == len(queries)

    failing = client.get(url, {"year": last_year(), "status": "failing"}).content.decode()
    assert "甲公司" in failing and "乙公司" not in failing and "丙公司" not in failing
    missing = client.get(url, {"year": last_year(), "status": "not_declared"}).content.decode()
    assert "丙公司" in missing and "甲公司" not in missing

    export = client.get(url, {"year": last_year(), "status": "failing", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.values)
    assert rows[1][0] == "甲公司" and rows[1][9] == 10000 and len(rows) == 2

    client.post(
        url + "?year=%d" % last_year(),
        {"enterprise": [own.pk, undeclared.pk], "message": "请于月底前整改。"},
    )
    notice = FundNotice.objects.get(enterprise=own)
    assert notice.sent_by == staff_user and notice.year == last_year()
    client.get(reverse("training:notice", args=[notice.pk]))  # staff reading is no receipt
    assert not FundNoticeReceipt.objects.exists()

    client.force_login(hr_user)
    page = client.get(reverse("training:enterprise", args=[own.pk])).content.decode()
    assert "未读" in page
    assert (
        "请于月底前整改"
        in client.get(reverse("training:notice", args=[notice.pk])).content.decode()
    )
    assert FundNoticeReceipt.objects.get().user == hr_user
    assert "未读" not in client.get(reverse("training:enterprise", args=[own.pk])).content.decode()
    other_notice = FundNotice.objects.get(enterprise=undeclared)
    assert client.get(reverse("training:notice", args=[other_notice.pk])).status_code == 404


def test_staff_change_a_years_rule_in_the_admin_and_the_list_follows(client, staff_user, own):
    FundDeclaration.objects.create(
        enterprise=own,
        year=last_year(),
        payroll=1000,
        extracted=70,
        spent=0,
        frontline_spent=0,
        source="admin",
        submitted_at=timezone.now(),
    )
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:training_fundrule_add"),
        {"year": last_year(), "extraction_rate": "0.07", "frontline_rate": "0.6", "note": "试行"},
    )
    assert response.status_code == 302
    page = client.get(reverse("training:compliance"), {"year": last_year(), "status": "compliant"})
    assert "甲公司" in page.content.decode()
    change = client.get(
        reverse("admin:training_fundrule_change", args=[FundRule.objects.get().pk])
    ).content.decode()
    assert "7.00%" in change
