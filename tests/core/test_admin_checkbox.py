"""The admin's row checkbox is Django's markup, written without the template engine."""

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.utils import translation

from enterprises.models import Enterprise
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_the_row_checkbox_is_djangos_own_markup():
    enterprise = EnterpriseFactory(name="<甲&乙>企业")
    ours = admin.site._registry[Enterprise]
    with translation.override("zh-hans"):
        expected = ModelAdmin.action_checkbox(ours, enterprise)
        assert ours.action_checkbox(enterprise) == expected
    assert "选择" in expected and "&lt;甲&amp;乙&gt;企业" in expected
