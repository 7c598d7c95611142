"""The platform's upload pages serve every data set uploaded per enterprise: the template, the
staff's upload from the admin and the preview, each scoped by the data set's own rule."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports import registry
from imports.models import ImportRecord
from tests.dates import last_year
from tests.factories import EnterpriseFactory
from training.models import FundDeclaration

pytestmark = pytest.mark.django_db


def test_every_data_set_uploaded_per_enterprise_has_its_pages():
    per_enterprise = [r for r in registry.registered() if r.enterprises_for is not None]
    assert {r.kind for r in per_enterprise} >= {"roster", "training_funds"}
    for registration in per_enterprise:
        assert registration.upload_url("", 1) and registration.enterprise_url(1)


def test_the_template_of_a_data_set_for_ones_own_enterprise_only(client, hr_user):
    own, other = EnterpriseFactory(name="甲公司"), EnterpriseFactory(name="乙公司")
    own.hr_users.add(hr_user)
    client.force_login(hr_user)
    response = client.get(reverse("imports:template", args=["training_funds", own.pk]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["教育培训经费"]
    assert sheet.cell(row=3, column=1).value == own.uscc
    assert (
        client.get(reverse("imports:template", args=["training_funds", other.pk])).status_code
        == 404
    )


def test_union_officers_get_no_template_and_no_upload(client, union_user):
    enterprise = EnterpriseFactory()
    client.force_login(union_user)
    assert (
        client.get(reverse("imports:template", args=["roster", enterprise.pk])).status_code == 403
    )
    url = reverse("admin:enterprises_enterprise_upload", args=[enterprise.pk, "training_funds"])
    assert client.get(url).status_code == 403


def test_staff_upload_a_fund_declaration_from_the_admin(client, staff_user):
    enterprise = EnterpriseFactory(name="甲公司")
    client.force_login(staff_user)
    url = reverse("admin:enterprises_enterprise_upload", args=[enterprise.pk, "training_funds"])
    page = client.get(url).content.decode()
    assert reverse("imports:template", args=["training_funds", enterprise.pk]) in page
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "教育培训经费"
    sheet.append(["统一社会信用代码", "年度", "职工工资总额", "教育培训经费提取额",
                  "教育培训经费使用额", "其中一线职工使用额"])  # fmt: skip
    sheet.append([enterprise.uscc, last_year(), 1_000_000, 80_000, 50_000, 30_000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client.post(url, {"file": SimpleUploadedFile("经费.xlsx", buffer.getvalue())})
    record = ImportRecord.objects.get()
    assert response.url == reverse("training:upload", args=[record.pk])
    assert (record.kind, record.enterprise, record.status) == (
        "training_funds",
        enterprise,
        ImportRecord.Status.VALIDATED,
    )
    client.post(reverse("training:upload_confirm", args=[record.pk]))
    assert FundDeclaration.objects.get(enterprise=enterprise).year == last_year()


def test_an_unknown_data_set_is_not_found(client, staff_user):
    enterprise = EnterpriseFactory()
    client.force_login(staff_user)
    url = reverse("admin:enterprises_enterprise_upload", args=[enterprise.pk, "nothing"])
    assert client.get(url).status_code == 404
