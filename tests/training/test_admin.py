"""The declaration changelist judges each row by its own year's rule, the defaults without one."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import EnterpriseFactory, FundDeclarationFactory, FundRuleFactory

pytestmark = pytest.mark.django_db


def _statuses(client) -> dict[str, tuple[str, str]]:
    """Enterprise name → (足额提取, 一线达标) as the changelist shows them."""
    page = client.get(reverse("admin:training_funddeclaration_changelist")).content.decode()
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        cells = {
            name: re.sub(r"<[^>]+>", "", text).strip()
            for name, text in re.findall(r'class="field-(\w+)[^"]*">(.*?)</t[dh]>', row, re.S)
        }
        if "extraction_status" in cells:
            rows[cells["enterprise"]] = (cells["extraction_status"], cells["frontline_status"])
    return rows


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
        "乙公司": ("缺口 10000.00", "不足"),
        "丙公司": ("达标", "不适用"),
    }
