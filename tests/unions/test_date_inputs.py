"""Date inputs render ISO dates (issue 16): an <input type="date"> shows nothing for
"2026/11/01", so a form saved again without touching the field would lose the date."""

import datetime
import importlib

import pytest
from django import forms
from django.utils import translation

from unions.forms import MembershipCorrectionForm

FORM_MODULES = ("unions.forms", "worklist.forms", "honors.forms", "compliance.forms")


def test_the_membership_form_renders_the_joined_date_as_iso():
    form = MembershipCorrectionForm(initial={"joined_on": datetime.date(2026, 11, 1)})
    with translation.override("zh-hans"):
        html = str(form["joined_on"])
    assert 'type="date"' in html
    assert 'value="2026-11-01"' in html


def _date_widgets():
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for attr in vars(module).values():
            if not (isinstance(attr, type) and issubclass(attr, forms.BaseForm)):
                continue
            if attr.__module__ != name:
                continue
            for field_name, field in attr.base_fields.items():
                widget = field.widget
                if isinstance(widget, forms.DateInput) and widget.input_type == "date":
                    yield "%s.%s.%s" % (name, attr.__name__, field_name), widget


@pytest.mark.parametrize("label,widget", list(_date_widgets()), ids=lambda v: str(v))
def test_every_date_input_of_the_project_uses_the_iso_format(label, widget):
    with translation.override("zh-hans"):
        html = widget.render("d", datetime.date(2026, 11, 1))
    assert 'value="2026-11-01"' in html, label
