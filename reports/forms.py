"""Forms of the reports pages: they check shape; reports.services checks the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

HELP = _(
    "纯文本：空一行另起一段；以“- ”或“• ”开头的行为项目符号列表，"
    "以“1.”“1、”“（1）”开头的行为编号列表。"
)


class NarrativeForm(forms.Form):
    """The written progress section of a report (工作开展情况, 存在问题, 下步打算)."""

    work_done = forms.CharField(
        label=_("工作开展情况"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=HELP,
    )
    problems = forms.CharField(
        label=_("存在问题"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    next_steps = forms.CharField(
        label=_("下步打算"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
