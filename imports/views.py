"""One set of upload pages for every data set uploaded per enterprise (roster, training fund, …).

An app mounts them with `imports.urls.upload_urlpatterns` under its own URLs and names; the
page is imports/upload_detail.html, which a data set extends with a block of its own details.
Who may see an upload is the data set's rule (`enterprises_for`): an upload of an enterprise the
user may not act for does not exist for them.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from core.http import XLSX, xlsx_response
from core.models import PersonalDataAccess
from core.roles import acts_for_enterprises
from core.services import personal_data_access_record
from imports import registry
from imports.forms import ApplyForm, UploadForm
from imports.models import ImportRecord
from imports.registry import DataSetRegistration
from imports.selectors import import_progress, upload_detail, upload_enterprises_for
from imports.services import (
    import_record_annotated,
    upload_apply,
    upload_discard,
    upload_preview,
    upload_retry,
)


def _require_uploader(request: HttpRequest) -> None:
    """Union officers and officials never upload: a plain 403, before any lookup."""
    if not acts_for_enterprises(request.user):
        raise PermissionDenied


def _record_or_404(request: HttpRequest, kind: str, pk: int) -> ImportRecord:
    _require_uploader(request)
    try:
        return upload_detail(user=request.user, kind=kind, pk=pk)
    except ImportRecord.DoesNotExist:
        raise Http404 from None


def upload_urls(registration: DataSetRegistration, record: ImportRecord) -> dict[str, str]:
    urls = {
        name or "page": registration.upload_url("_" + name if name else "", record.pk)
        for name in ("", "progress", "confirm", "discard", "retry", "annotated", "original")
    }
    if registration.enterprise_url_name and record.enterprise_id:
        urls["enterprise"] = registration.enterprise_url(record.enterprise_id)
    return urls


def upload_form_handle(
    request: HttpRequest, *, kind: str, enterprise: Any, label: str | None = None
) -> tuple[UploadForm, HttpResponse | None]:
    """The upload form of an enterprise's page (HR's or the admin's): a valid upload is kept and
    previewed and the answer is a redirect to its preview; otherwise the form with its errors."""
    posted = request.method == "POST"
    form = UploadForm(
        request.POST if posted else None, request.FILES if posted else None, label=label
    )
    if not posted or not form.is_valid():
        return form, None
    upload = form.cleaned_data["file"]
    record = upload_preview(
        kind=kind,
        user=request.user,
        enterprise=enterprise,
        filename=upload.name,
        content=upload.read(),
    )
    return form, redirect(registry.get(kind).upload_url("", record.pk))


@login_required
def upload_detail_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The preview of one upload: progress, or counts, changes and every error; confirm."""
    record = _record_or_404(request, kind, pk)
    registration = registry.get(kind)
    context = {
        "record": record,
        "registration": registration,
        "enterprise": record.enterprise,
        "urls": upload_urls(registration, record),
        "progress": import_progress(record),
        "errors": Paginator(record.errors, 200).get_page(request.GET.get("errors")),
        "file_errors": [e for e in record.errors if e["row"] is None],
        "apply_form": ApplyForm(),
    }
    if registration.detail_context is not None:
        context.update(registration.detail_context(request, record))
    return render(request, registration.detail_template, context)


@login_required
def upload_progress(request: HttpRequest, kind: str, pk: int) -> JsonResponse:
    return JsonResponse(import_progress(_record_or_404(request, kind, pk)))


@login_required
@require_POST
def upload_confirm(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = _record_or_404(request, kind, pk)
    form = ApplyForm(request.POST)
    form.is_valid()
    try:
        upload_apply(
            user=request.user,
            record=record,
            confirm_departures=form.cleaned_data.get("confirm_departures", False),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(registry.get(kind).upload_url("", record.pk))


@login_required
@require_POST
def upload_discard_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """放弃 a preview: it stays in the history as 已放弃 and can no longer be confirmed."""
    record = _record_or_404(request, kind, pk)
    try:
        upload_discard(user=request.user, record=record)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.info(request, gettext("已放弃这次上传，数据没有任何改动。"))
    return redirect(registry.get(kind).upload_url("", record.pk))


@login_required
@require_POST
def upload_retry_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = _record_or_404(request, kind, pk)
    try:
        upload_retry(user=request.user, record=record)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(registry.get(kind).upload_url("", record.pk))


@login_required
def upload_annotated(request: HttpRequest, kind: str, pk: int) -> HttpResponseBase:
    """The uploaded file back with a 错误说明 column, to fix in Excel and upload again."""
    record = _record_or_404(request, kind, pk)
    annotated = import_record_annotated(record=record)  # stored once, then streamed
    if annotated is None:
        raise Http404
    if not isinstance(annotated, File):
        # The worker is still building it, or it cannot be made: the page says which.
        return redirect(registry.get(kind).upload_url("", record.pk))
    _log_download(request, record, PersonalDataAccess.Action.DOWNLOAD_ANNOTATED)
    stem = record.original_name.rsplit(".", 1)[0]
    name = gettext("%(name)s（错误说明）.xlsx") % {"name": stem}
    return FileResponse(annotated, as_attachment=True, filename=name, content_type=XLSX)


@login_required
def upload_original(request: HttpRequest, kind: str, pk: int) -> FileResponse:
    """The file exactly as uploaded, for the enterprise's HR and staff only."""
    record = _record_or_404(request, kind, pk)
    if not record.file:  # deleted after the retention period (imports.ImportRetention)
        raise Http404
    _log_download(request, record, PersonalDataAccess.Action.DOWNLOAD_ORIGINAL)
    return FileResponse(record.file.open("rb"), as_attachment=True, filename=record.original_name)


def _log_download(request: HttpRequest, record: ImportRecord, action: str) -> None:
    """An uploaded file (a roster holds ID numbers and phones) left the portal: who, which."""
    personal_data_access_record(
        actor=request.user,
        action=action,
        object_type=ImportRecord,
        object_id=record.pk,
        count=(record.counts or {}).get("rows", 0),
        detail={"kind": record.kind},
    )


@login_required
def upload_template(
    request: HttpRequest, kind: str, enterprise_id: int | None = None
) -> HttpResponse:
    """The data set's template workbook, empty or filled in for one of the user's enterprises."""
    _require_uploader(request)
    registration = registry.get(kind)
    if registration.template is None or registration.template_filename is None:
        raise Http404
    enterprise = None
    if enterprise_id is not None:
        enterprises = upload_enterprises_for(request.user, kind)
        enterprise = (
            enterprises.filter(pk=enterprise_id).first() if enterprises is not None else None
        )
        if enterprise is None:
            raise Http404
    return xlsx_response(
        registration.template(enterprise), registration.template_filename(enterprise)
    )
