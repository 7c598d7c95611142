"""Posting to the admin as a browser would: the data a change (or add) page sends as shown."""

import datetime
from typing import Any

from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.forms import BaseForm


def _posted(value: Any) -> Any:
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value)


def _put(data: dict[str, Any], form: BaseForm) -> None:
    for name in form.fields:
        value = form[name].value()
        key = form.add_prefix(name)
        if isinstance(value, FieldFile):
            continue  # a kept file is not sent again
        if isinstance(value, bool):
            if value:
                data[key] = "on"  # an unticked box is not sent
        elif isinstance(value, list | tuple):
            data[key] = [_posted(v) for v in value]
        else:
            data[key] = _posted(value)


def admin_form_data(response, **changes: Any) -> dict[str, Any]:
    """What the admin page in `response` posts when saved as shown, with `changes` on top."""
    data: dict[str, Any] = {}
    _put(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        _put(data, formset.management_form)
        for form in formset.forms:
            _put(data, form)
    data.update(changes)
    return data
