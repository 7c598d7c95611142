from django import forms
from django.utils.translation import gettext_lazy as _

from unions.models import UnionOrganisation


class MembershipCorrectionForm(forms.Form):
    """Shape only; the service checks the rules (joined date for members, not in the future)."""

    is_member = forms.BooleanField(label=_("是工会会员"), required=False)
    joined_on = forms.DateField(
        label=_("入会日期"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    union = forms.ModelChoiceField(
        label=_("所在工会"), queryset=UnionOrganisation.objects.none(), required=False
    )
    note = forms.CharField(label=_("更正说明"), max_length=200)

    def __init__(self, *args, unions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if unions is not None:
            self.fields["union"].queryset = unions
