from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from core.imports.annotate import annotated_workbook
from core.models import ImportRecord
from core.roles import Role, has_role, is_sub_district_staff, sees_personal_data
from core.services import import_progress
from enterprises.models import Enterprise
from enterprises.selectors import enterprises_visible_to
from workers.forms import RosterApplyForm, RosterUploadForm
from workers.importers import ROSTER_DATASET
from workers.models import Employment, Worker
from workers.roster_workbook import roster_workbook
from workers.selectors import (
    employments_visible_to,
    roster_enterprises_for,
    roster_upload_detail,
    roster_uploads_visible_to,
    worker_detail,
)
from workers.services import roster_upload_apply, roster_upload_preview, roster_upload_retry


def _require_worker_access(request: HttpRequest) -> None:
    """Officials see aggregate figures only; other roles reach workers through the selector."""
    if not (
        is_sub_district_staff(request.user) or has_role(request.user, Role.HR, Role.UNION_OFFICER)
    ):
        raise PermissionDenied


@login_required
def worker_list(request: HttpRequest) -> HttpResponse:
    """The roster as the user may see it: one line per employment, masked ID numbers."""
    _require_worker_access(request)
    employments = employments_visible_to(request.user).order_by("enterprise__name", "worker__name")
    enterprises = enterprises_visible_to(request.user)
    enterprise_id = request.GET.get("enterprise", "")
    if enterprise_id.isdigit():
        employments = employments.filter(enterprise_id=int(enterprise_id))
    if request.GET.get("departed") != "1":
        employments = employments.filter(departure_date__isnull=True)
    query = request.GET.get("q", "").strip()
    if query:
        employments = employments.filter(worker__name__contains=query)
    page = Paginator(employments, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "workers/worker_list.html",
        {
            "page": page,
            "enterprises": enterprises,
            "enterprise_id": enterprise_id,
            "query": query,
            "show_departed": request.GET.get("departed") == "1",
        },
    )


@login_required
def worker_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_worker_access(request)
    try:
        worker = worker_detail(user=request.user, pk=pk)
    except Worker.DoesNotExist:
        raise Http404 from None
    employments = employments_visible_to(request.user).filter(worker=worker)
    show_personal = sees_personal_data(request.user)
    return render(
        request,
        "workers/worker_detail.html",
        {
            "worker": worker,
            "employments": employments,
            "id_number": worker.id_number if show_personal else worker.masked_id_number,
            "phone": worker.phone if show_personal else worker.masked_phone,
        },
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%s" % quote(filename)
    return response


@login_required
def roster_template(request: HttpRequest) -> HttpResponse:
    """The empty roster template, for anyone who may upload rosters."""
    if not (is_sub_district_staff(request.user) or has_role(request.user, Role.HR)):
        raise PermissionDenied
    content = roster_workbook(title=gettext("职工花名册（请勿修改表头）"))
    return _xlsx_response(content, gettext("职工花名册模板.xlsx"))


@login_required
def roster_export(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    """The enterprise's current roster in the template's layout, to edit and upload again.

    Full ID numbers are in it, so only viewers who may see them get it (HR of the enterprise
    and staff); for anyone else the enterprise does not exist.
    """
    if not sees_personal_data(request.user):
        raise Http404
    enterprise = enterprises_visible_to(request.user).filter(pk=enterprise_id).first()
    if enterprise is None:
        raise Http404
    employments = (
        employments_visible_to(request.user)
        .filter(enterprise=enterprise, departure_date__isnull=True)
        .order_by("worker__name", "worker__id_number")
    )
    content = roster_workbook(
        title=gettext("%(name)s职工花名册") % {"name": enterprise.name}, employments=employments
    )
    return _xlsx_response(content, gettext("%(name)s花名册.xlsx") % {"name": enterprise.name})


# --- Roster uploads: HR's own pages (staff may act for any enterprise) -----------------------


def _require_roster_access(request: HttpRequest) -> None:
    if not (is_sub_district_staff(request.user) or has_role(request.user, Role.HR)):
        raise PermissionDenied


@login_required
def roster_home(request: HttpRequest) -> HttpResponse:
    """HR land here: their enterprise's page straight away when they have one."""
    _require_roster_access(request)
    enterprises = roster_enterprises_for(request.user)
    query = request.GET.get("q", "").strip()
    if query:
        enterprises = enterprises.filter(Q(name__contains=query) | Q(uscc__iexact=query))
    elif not is_sub_district_staff(request.user) and len(enterprises[:2]) == 1:
        return redirect("workers:roster_enterprise", enterprise_id=enterprises[0].pk)
    page = Paginator(enterprises, 50).get_page(request.GET.get("page"))
    return render(request, "workers/roster_home.html", {"page": page, "query": query})


def _enterprise_or_404(request: HttpRequest, enterprise_id: int) -> Enterprise:
    enterprise = roster_enterprises_for(request.user).filter(pk=enterprise_id).first()
    if enterprise is None:
        raise Http404
    return enterprise


def roster_upload_form(
    request: HttpRequest, enterprise: Enterprise
) -> tuple[RosterUploadForm, HttpResponse | None]:
    """The upload form of HR's page and of the admin: a valid upload is previewed and the
    answer is a redirect to its preview page; otherwise the form (with its errors)."""
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return form, None
    upload = form.cleaned_data["file"]
    record = roster_upload_preview(
        user=request.user, enterprise=enterprise, filename=upload.name, content=upload.read()
    )
    return form, redirect("workers:roster_upload", pk=record.pk)


@login_required
def roster_enterprise(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    """An enterprise's roster page: template and current roster downloads, upload, history."""
    _require_roster_access(request)
    enterprise = _enterprise_or_404(request, enterprise_id)
    form, uploaded = roster_upload_form(request, enterprise)
    if uploaded is not None:
        return uploaded
    history = Paginator(
        roster_uploads_visible_to(request.user)
        .filter(enterprise=enterprise)
        .defer("errors", "warnings", "details"),
        20,
    ).get_page(request.GET.get("page"))
    active = Employment.objects.filter(enterprise=enterprise, departure_date__isnull=True).count()
    return render(
        request,
        "workers/roster_enterprise.html",
        {"enterprise": enterprise, "form": form, "history": history, "active": active},
    )


def _upload_or_404(request: HttpRequest, pk: int) -> ImportRecord:
    try:
        return roster_upload_detail(user=request.user, pk=pk)
    except ImportRecord.DoesNotExist:
        raise Http404 from None


@login_required
def roster_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview of one upload: progress, or counts, changes, departures and every error."""
    _require_roster_access(request)
    record = _upload_or_404(request, pk)
    errors = Paginator(record.errors, 200).get_page(request.GET.get("errors"))
    changes = Paginator(record.details.get("updated", []), 100).get_page(request.GET.get("changes"))
    departing = Paginator(record.details.get("departing", []), 100).get_page(
        request.GET.get("departing")
    )
    return render(
        request,
        "workers/roster_upload.html",
        {
            "record": record,
            "enterprise": record.enterprise,
            "progress": import_progress(record),
            "errors": errors,
            "changes": changes,
            "departing": departing,
            "file_errors": [e for e in record.errors if e["row"] is None],
            "apply_form": RosterApplyForm(),
        },
    )


@login_required
def roster_upload_progress(request: HttpRequest, pk: int) -> JsonResponse:
    _require_roster_access(request)
    return JsonResponse(import_progress(_upload_or_404(request, pk)))


@login_required
@require_POST
def roster_upload_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    _require_roster_access(request)
    record = _upload_or_404(request, pk)
    form = RosterApplyForm(request.POST)
    form.is_valid()
    try:
        roster_upload_apply(
            user=request.user,
            record=record,
            confirm_departures=form.cleaned_data.get("confirm_departures", False),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("workers:roster_upload", pk=record.pk)


@login_required
@require_POST
def roster_upload_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_roster_access(request)
    record = _upload_or_404(request, pk)
    try:
        roster_upload_retry(user=request.user, record=record)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("workers:roster_upload", pk=record.pk)


@login_required
def roster_upload_annotated(request: HttpRequest, pk: int) -> HttpResponse:
    """The uploaded file back with a 错误说明 column, to fix in Excel and upload again."""
    _require_roster_access(request)
    record = _upload_or_404(request, pk)
    if record.status != ImportRecord.Status.INVALID:
        raise Http404
    with record.file.open("rb") as handle:
        content = annotated_workbook(
            handle.read(),
            filename=record.original_name,
            dataset=ROSTER_DATASET,
            errors=record.errors,
        )
    stem = record.original_name.rsplit(".", 1)[0]
    return _xlsx_response(content, gettext("%(name)s（错误说明）.xlsx") % {"name": stem})


@login_required
def roster_upload_original(request: HttpRequest, pk: int) -> FileResponse:
    """The file exactly as uploaded, for the enterprise's HR and staff only."""
    _require_roster_access(request)
    record = _upload_or_404(request, pk)
    return FileResponse(record.file.open("rb"), as_attachment=True, filename=record.original_name)
