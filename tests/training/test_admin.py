"""The declaration changelist judges each row by its own year's rule, the defaults without one."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import EnterpriseFactory, FundDeclarationFactory, FundRuleFactory
from training.models import FundDeclarationVersion

pytestmark = pytest.mark.django_db


def _cells(client) -> dict[str, dict[str, str]]:
    """Enterprise name → the changelist's cells of its row, by field name."""
    page = client.get(reverse("admin:training_funddeclaration_changelist")).content.decode()
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        cells = {
            name: re.sub(r"<[^>]+>", "", text).strip()
            for name, text in re.findall(r'class="field-(\w+)[^"]*">(.*?)</t[dh]>', row, re.S)
        }
        if "extraction_status" in cells:
            rows[cells["enterprise"]] = cells
    return rows


def _statuses(client) -> dict[str, tuple[str, str]]:
    """Enterprise name → (足额提取, 一线达标) as the changelist shows them."""
    return {
        name: (cells["extraction_status"], cells["frontline_status"])
        for name, cells in _cells(client).items()
    }


def test_each_row_is_judged_by_its_years_rule(client, staff_user):
    FundRuleFactory(year=2024, extraction_rate=Decimal("0.0700"), frontline_rate=Decimal("0.5000"))
    for name, year, extracted, spent, frontline in [
        ("甲公司", 2024, "70000.00", "10000.00", "5000.00"),  # 7% and 50%: that year's rule
        ("乙公司", 2025, "70000.00", "10000.00", "5000.00"),  # the same figures, the defaults
        ("丙公司", 2025, "80000.00", "0.00", "0.00"),  # exactly 8%, nothing spent
    ]:
        FundDeclarationFactory(
            enterprise=EnterpriseFactory(name=name),
            year=year,
            payroll=Decimal("1000000.00"),
            extracted=Decimal(extracted),
            spent=Decimal(spent),
            frontline_spent=Decimal(frontline),
        )
    client.force_login(staff_user)

    assert _statuses(client) == {
        "甲公司": ("达标", "达标"),
        "乙公司": ("不足，缺口 10,000.00", "不足"),
        "丙公司": ("达标", "不适用"),
    }


def test_amounts_show_thousands_separators_in_the_list_and_the_versions(client, staff_user):
    """Issue 16: the admin showed 40000000.00 where the portal shows 40,000,000.00."""
    declaration = FundDeclarationFactory(
        enterprise=EnterpriseFactory(name="大公司"),
        year=2025,
        payroll=Decimal("40000000.00"),
        extracted=Decimal("3200000.00"),
        spent=Decimal("1000000.00"),
        frontline_spent=Decimal("600000.00"),
    )
    FundDeclarationVersion.objects.create(
        declaration=declaration,
        version=1,
        payroll=declaration.payroll,
        extracted=declaration.extracted,
        spent=declaration.spent,
        frontline_spent=declaration.frontline_spent,
        submitted_at=declaration.submitted_at,
    )
    client.force_login(staff_user)
    cells = _cells(client)["大公司"]
    assert cells["payroll_shown"] == "40,000,000.00"
    assert cells["extracted_shown"] == "3,200,000.00"
    assert cells["extraction_rate_shown"] == "8.00%"
    page = client.get(
        reverse("admin:training_funddeclaration_change", args=[declaration.pk])
    ).content.decode()
    assert "40,000,000.00" in page and "3,200,000.00" in page and "600,000.00" in page


def test_a_rate_just_under_the_rule_is_not_rounded_up_to_it(client, staff_user):
    """Issue 16: 7.9999% read 8.00% beside 不足."""
    FundDeclarationFactory(
        enterprise=EnterpriseFactory(name="差一点公司"),
        year=2025,
        payroll=Decimal("1000000.00"),
        extracted=Decimal("79999.00"),
        spent=Decimal("10000.00"),
        frontline_spent=Decimal("5999.99"),
    )
    client.force_login(staff_user)
    cells = _cells(client)["差一点公司"]
    assert cells["extraction_rate_shown"] == "7.99%"
    assert cells["extraction_status"].startswith("不足")
    assert cells["frontline_share_shown"] == "59.99%"
    assert cells["frontline_status"] == "不足"


def test_an_empty_rule_list_says_the_defaults_apply(client, staff_user):
    client.force_login(staff_user)
    page = client.get(reverse("admin:training_fundrule_changelist")).content.decode()
    assert "各年度均按默认比例判断" in page
    assert "职工工资总额的 8%" in page and "使用额的 60%" in page
    FundRuleFactory(year=2024, extraction_rate=Decimal("0.0850"), frontline_rate=Decimal("0.6"))
    page = client.get(reverse("admin:training_fundrule_changelist")).content.decode()
    assert "各年度均按默认比例判断" not in page
    assert ">8.5%<" in page and ">60%<" in page, "a rule's rates read as percentages"
