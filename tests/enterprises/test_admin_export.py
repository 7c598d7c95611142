"""The enterprise register's Excel export in the admin (imports.admin.XlsxExportMixin): the
import's own columns, the admin's scoping and filters, and a fixed number of queries."""

import io

import openpyxl
import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditLog
from core.roles import Role
from enterprises.models import Enterprise
from imports.admin import XlsxExportMixin
from tests.commands import run_json_command
from tests.factories import (
    EnterpriseFactory,
    IndustrialParkFactory,
    UserFactory,
    VillageFactory,
    make_uscc,
)

HEADERS = (
    "统一社会信用代码",
    "企业名称",
    "所属村（社区）",
    "所属工业园区",
    "是否规上企业",
    "行业",
    "法定代表人",
    "联系电话",
)
CHANGELIST = "admin:enterprises_enterprise_changelist"
EXPORT = "admin:enterprises_enterprise_export_xlsx"


@pytest.fixture
def register(db):
    east, hill = VillageFactory(name="城东社区"), VillageFactory(name="鹿山村")
    park = IndustrialParkFactory(name="剡湖工业园区")
    return {
        "甲": EnterpriseFactory(
            uscc=make_uscc(1),
            name="嵊州市甲公司",
            village=east,
            park=park,
            is_above_scale=True,
            industry="纺织",
            legal_representative="张三",
            phone="0575-83001234",
        ),
        "乙": EnterpriseFactory(uscc=make_uscc(2), name="嵊州市乙公司", village=east),
        "丙": EnterpriseFactory(
            uscc=make_uscc(3), name="嵊州市丙公司", village=hill, industry="茶叶"
        ),
    }


def sheet_rows(response) -> list[tuple]:
    assert response.status_code == 200, response
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return list(openpyxl.load_workbook(io.BytesIO(response.content))["企业名录"].values)


def export_selected(client, enterprises):
    return client.post(
        reverse(CHANGELIST),
        {
            "action": "export_selected_xlsx",
            "_selected_action": [e.pk for e in enterprises],
            "select_across": "0",
            "index": "0",
        },
    )


def test_staff_export_the_selected_enterprises_with_the_imports_columns(
    client, staff_user, register
):
    client.force_login(staff_user)
    response = export_selected(client, [register["甲"], register["乙"]])
    rows = sheet_rows(response)
    assert rows == [
        HEADERS,
        (make_uscc(2), "嵊州市乙公司", "城东社区", None, "否", None, None, None),
        (
            make_uscc(1),
            "嵊州市甲公司",
            "城东社区",
            "剡湖工业园区",
            "是",
            "纺织",
            "张三",
            "0575-83001234",
        ),
    ]  # in the list's order (by name)
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert "%E4%BC%81%E4%B8%9A%E5%90%8D%E5%BD%95_" in response["Content-Disposition"]  # 企业名录_
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["企业名录"]
    assert sheet["A2"].data_type == "s" and sheet["A2"].number_format == "@"
    assert sheet["H3"].number_format == "@"  # a phone keeps its leading zero
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2"
    audit = AuditLog.objects.get(action="xlsx_export")
    assert audit.actor == staff_user
    assert audit.detail["model"] == "enterprises.Enterprise" and audit.detail["rows"] == 2


def test_the_list_button_exports_every_row_as_filtered_searched_and_sorted(
    client, staff_user, register
):
    client.force_login(staff_user)
    east = register["甲"].village
    page = client.get(reverse(CHANGELIST), {"village__id__exact": east.pk, "p": "1"})
    link = reverse(EXPORT) + "?village__id__exact=%d" % east.pk
    assert link.encode() in page.content and "导出当前列表（Excel）" in page.content.decode()
    assert "导出所选（Excel）" in page.content.decode()

    by_village = sheet_rows(client.get(link))
    assert [r[1] for r in by_village[1:]] == ["嵊州市乙公司", "嵊州市甲公司"]  # by name
    above = sheet_rows(client.get(reverse(EXPORT), {"is_above_scale__exact": "1"}))
    assert [r[1] for r in above[1:]] == ["嵊州市甲公司"]
    searched = sheet_rows(client.get(reverse(EXPORT), {"q": "丙"}))
    assert [r[1] for r in searched[1:]] == ["嵊州市丙公司"]
    by_uscc = sheet_rows(client.get(reverse(EXPORT), {"q": make_uscc(2).lower()}))
    assert [r[1] for r in by_uscc[1:]] == ["嵊州市乙公司"]
    everything = sheet_rows(client.get(reverse(EXPORT), {"o": "-2", "p": "9"}))
    assert len(everything) == 4 and everything[1][1] == "嵊州市丙公司"  # sorted by uscc, desc

    wrong = client.get(reverse(EXPORT), {"no_such_field": "1"})
    assert wrong.status_code == 302 and wrong["Location"].endswith("?e=1")


def test_exports_are_scoped_by_the_admins_get_queryset(client, roles, register):
    """An HR user with admin access would see their own enterprise only, so exports only it."""
    hr = UserFactory(username="hr-admin", is_staff=True)
    hr.groups.add(Group.objects.get(name=Role.HR))
    register["乙"].hr_users.add(hr)
    client.force_login(hr)
    rows = sheet_rows(client.get(reverse(EXPORT)))
    assert [r[1] for r in rows[1:]] == ["嵊州市乙公司"]
    selected = sheet_rows(export_selected(client, list(register.values())))
    assert [r[1] for r in selected[1:]] == ["嵊州市乙公司"]


@pytest.mark.parametrize("role", ["official_user", "hr_user"])
def test_roles_without_admin_access_get_no_file(client, request, register, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse(EXPORT))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert export_selected(client, [register["甲"]]).status_code == 302
    assert not AuditLog.objects.filter(action="xlsx_export").exists()


def test_admin_user_without_the_permission_is_refused(client, official_user, register):
    official_user.is_staff = True  # admin access, but no permission on the register
    official_user.save()
    client.force_login(official_user)
    assert client.get(reverse(EXPORT)).status_code == 403
    assert export_selected(client, [register["甲"]]).status_code == 403
    assert not AuditLog.objects.filter(action="xlsx_export").exists()


def test_union_officers_may_export_the_register_they_may_view(client, union_user, register):
    client.force_login(union_user)
    assert len(sheet_rows(client.get(reverse(EXPORT)))) == 4
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert "导出当前列表（Excel）" in page


def test_queries_do_not_grow_with_the_rows(client, staff_user, db):
    client.force_login(staff_user)
    parks = [IndustrialParkFactory(name="园区%d" % n) for n in range(3)]

    def grow_to(total: int) -> None:
        for n in range(Enterprise.objects.count(), total):
            EnterpriseFactory(
                uscc=make_uscc(100 + n),
                village=VillageFactory(name="村%d" % (n % 4)),
                park=parks[n % 3] if n % 2 else None,
            )

    counts = {}
    for total in (5, 50):
        grow_to(total)
        with CaptureQueriesContext(connection) as listed:
            rows = sheet_rows(client.get(reverse(EXPORT)))
        with CaptureQueriesContext(connection) as selected:
            chosen = sheet_rows(export_selected(client, Enterprise.objects.all()))
        assert len(rows) == len(chosen) == total + 1
        counts[total] = (len(listed), len(selected))
    assert counts[5] == counts[50], counts


def test_an_export_imports_back_unchanged_and_restores_the_register(
    client, staff_user, register, tmp_path
):
    client.force_login(staff_user)
    path = tmp_path / "企业名录.xlsx"
    path.write_bytes(client.get(reverse(EXPORT)).content)
    before = snapshot()

    code, result = run_json_command("import_enterprises", str(path))
    assert code == 0, result
    assert result["counts"]["unchanged"] == 3 and result["counts"]["rows"] == 3
    assert not result["warnings"], result["warnings"]

    Enterprise.objects.filter(pk=register["甲"].pk).update(
        name="改名", is_above_scale=False, park=None, phone=""
    )
    code, result = run_json_command("import_enterprises", str(path))
    assert code == 0, result
    assert result["counts"]["updated"] == 1
    assert snapshot() == before

    Enterprise.objects.all().delete()
    code, result = run_json_command("import_enterprises", str(path))
    assert code == 0, result
    assert result["counts"]["created"] == 3
    assert snapshot() == before


def test_rows_changed_in_different_columns_are_restored(client, staff_user, register, tmp_path):
    client.force_login(staff_user)
    path = tmp_path / "企业名录.xlsx"
    path.write_bytes(client.get(reverse(EXPORT)).content)
    before = snapshot()
    Enterprise.objects.filter(pk=register["甲"].pk).update(name="改名")
    Enterprise.objects.filter(pk=register["丙"].pk).update(industry="其他")
    code, result = run_json_command("import_enterprises", str(path))
    assert code == 0, result
    assert snapshot() == before


def snapshot() -> list[tuple]:
    return list(
        Enterprise.objects.order_by("uscc").values_list(
            "uscc",
            "name",
            "village__name",
            "park__name",
            "is_above_scale",
            "industry",
            "legal_representative",
            "phone",
        )
    )


def test_a_wrong_export_column_is_a_system_check_error():
    class Broken(XlsxExportMixin, admin.ModelAdmin):
        export_columns = [("名称", "name"), ("人事", "hr_users__username"), ("无", "nothing")]

    errors = Broken(Enterprise, admin.site).check()
    assert [e.id for e in errors] == ["imports.E001", "imports.E001"]
