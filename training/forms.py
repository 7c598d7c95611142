from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from imports.cells import parse_amount
from training.importers import EXTRACTED, FRONTLINE, PAYROLL, SPENT


class AmountField(forms.CharField):
    """Yuan as people type them: 1234567.89, 1,234,567.89, ¥1234 (INTERFACES.md)."""

    def __init__(self, *, column: str, **kwargs):
        self.column = column
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value: str | None) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        return parse_amount(text, label=self.column)


class FundDeclarationForm(forms.Form):
    """Shape only; the service checks the rules (frontline within spent, year range)."""

    year = forms.IntegerField(label=_("年度"), min_value=2000)
    payroll = AmountField(label=_("职工工资总额（元）"), column=PAYROLL)
    extracted = AmountField(label=_("教育培训经费提取额（元）"), column=EXTRACTED)
    spent = AmountField(label=_("教育培训经费使用额（元）"), column=SPENT)
    frontline_spent = AmountField(label=_("其中一线职工使用额（元）"), column=FRONTLINE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].max_value = timezone.localdate().year
        self.fields["year"].widget.attrs["max"] = timezone.localdate().year
        self.fields["year"].initial = timezone.localdate().year - 1

    def clean(self):
        cleaned = super().clean()
        spent, frontline = cleaned.get("spent"), cleaned.get("frontline_spent")
        if spent is not None and frontline is not None and frontline > spent:
            raise ValidationError(
                {"frontline_spent": _("其中一线职工使用额不能大于教育培训经费使用额。")}
            )
        return cleaned


class FundNoticeForm(forms.Form):
    message = forms.CharField(
        label=_("通知内容"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )
