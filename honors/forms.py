"""Forms of the honours pages: they check shape; honors.services checks the rules."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from workers.models import Worker

# --- nomination rounds ------------------------------------------------------------------------


class _EmployeeChoice(forms.ModelChoiceField):
    """A current employee by name and post, never by ID number."""

    def label_from_instance(self, obj: Worker) -> str:
        post = getattr(obj, "current_post", "") or ""
        return "%s（%s）" % (obj.name, post) if post else obj.name


class _EmployeesChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Worker) -> str:
        post = getattr(obj, "current_post", "") or ""
        return "%s（%s）" % (obj.name, post) if post else obj.name


class NominationForm(forms.Form):
    """A nomination's shape: a worker (person rounds) or a team name and members (team
    rounds), the post, a summary for the 公示 list, the deeds and an optional attachment."""

    worker = _EmployeeChoice(label=_("被推荐职工"), queryset=Worker.objects.none())
    team_name = forms.CharField(label=_("集体名称"), max_length=100)
    members = _EmployeesChoice(label=_("集体成员"), queryset=Worker.objects.none(), required=False)
    post = forms.CharField(label=_("岗位/职务"), max_length=100, required=False)
    summary = forms.CharField(
        label=_("事迹简介"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("用于公示名单，300字以内。"),
    )
    deeds = forms.CharField(label=_("事迹材料"), widget=forms.Textarea(attrs={"rows": 8}))
    attachment = forms.FileField(
        label=_("事迹材料附件"),
        required=False,
        help_text=_("PDF、Word 或 JPG/PNG 图片，不超过20 MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.doc,.docx,.jpg,.jpeg,.png"}),
    )

    def __init__(
        self, *args: Any, is_team: bool, employees: Any, editing: bool = False, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["worker"]
        else:
            cast(forms.ModelChoiceField, self.fields["worker"]).queryset = employees
        if is_team:
            cast(forms.ModelMultipleChoiceField, self.fields["members"]).queryset = employees
            self.fields.pop("worker", None)
        else:
            del self.fields["team_name"]
            del self.fields["members"]
            self.order_fields(["worker", "post"])


class NominationReviewForm(forms.Form):
    nomination = forms.IntegerField(widget=forms.HiddenInput)
    accept = forms.TypedChoiceField(
        label=_("审核结果"),
        choices=[("1", _("通过")), ("0", _("不通过"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("理由"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PublicityStartForm(forms.Form):
    starts_on = forms.DateField(
        label=_("公示开始日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("公示结束日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )


class ObjectionForm(forms.Form):
    nomination = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("异议理由"), widget=forms.Textarea(attrs={"rows": 2}))


# --- the craftsman pool and innovation studios ------------------------------------------------


class CraftsmanPoolChangeForm(forms.Form):
    """Staff add a worker to the pool or take one out: who, which, and why."""

    worker = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.ChoiceField(
        choices=[("add", _("人工纳入")), ("remove", _("人工移出"))], widget=forms.HiddenInput
    )
    reason = forms.CharField(label=_("理由"), max_length=500)


class StudioYearForm(forms.Form):
    """The studios page's optional year."""

    year = forms.IntegerField(label=_("年度"), required=False, min_value=1950, max_value=2100)
