from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from imports.reading import MAX_FILE_BYTES

ACCEPTED = ".xlsx,.xls,.ods,.csv"
# The second confirmation's checkbox; the message asking for it names it by this exact label.
CONFIRM_DEPARTURES_LABEL = _("我已核对：名单中没有的这些职工确已离职")


class UploadForm(forms.Form):
    """Shape only: one file, not too big. What is in it is the import's business."""

    file = forms.FileField(
        label=_("文件"),
        help_text=_("支持 .xlsx、.xls、.ods、.csv（UTF-8 或 GBK），不超过 20 MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED}),
    )

    def __init__(self, *args, label: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if label is not None:
            self.fields["file"].label = label

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                gettext(
                    "文件超过 20 MB，无法导入。请删除多余的工作表、图片或格式，或拆分后分批上传。"
                )
            )
        if upload.size == 0:
            raise forms.ValidationError(gettext("文件是空的（0 字节），请检查是否选错了文件。"))
        return upload


class ApplyForm(forms.Form):
    confirm_departures = forms.BooleanField(label=CONFIRM_DEPARTURES_LABEL, required=False)
