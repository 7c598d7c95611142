"""Forms of HR's democratic-management pages (issue 15): they check shape; compliance.services
checks the rules (whose enterprise, confirmed or not)."""

from django import forms

from compliance.models import (
    CollectiveWageContract,
    FactoryAffairsDisclosure,
    WorkersCongressSession,
)


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class WorkersCongressSessionForm(forms.ModelForm):
    class Meta:
        model = WorkersCongressSession
        fields = ["held_on", "session", "delegates", "topics", "resolutions"]
        widgets = {
            "held_on": _DateInput(),
            "topics": forms.Textarea(attrs={"rows": 3}),
            "resolutions": forms.Textarea(attrs={"rows": 3}),
        }


class FactoryAffairsDisclosureForm(forms.ModelForm):
    class Meta:
        model = FactoryAffairsDisclosure
        fields = ["disclosed_on", "subject", "channel", "content"]
        widgets = {
            "disclosed_on": _DateInput(),
            "content": forms.Textarea(attrs={"rows": 4}),
        }


class CollectiveWageContractForm(forms.ModelForm):
    class Meta:
        model = CollectiveWageContract
        fields = [
            "signed_on",
            "start_date",
            "end_date",
            "wage_increase_percent",
            "covers_joint",
            "notes",
        ]
        widgets = {
            "signed_on": _DateInput(),
            "start_date": _DateInput(),
            "end_date": _DateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
