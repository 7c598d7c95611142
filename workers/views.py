"""Workers' pages (list and detail, as the user may see them) and HR's roster pages; the
upload pages themselves are the imports platform's (imports.views)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext

from core.db_router import replica_reads
from core.http import xlsx_response
from core.models import PersonalDataAccess
from core.pagination import CappedPaginator, CountedPaginator
from core.roles import (
    Role,
    has_role,
    is_sub_district_staff,
    sees_personal_data,
)
from core.services import personal_data_access_record
from enterprises.models import Enterprise
from enterprises.selectors import enterprises_visible_to
from enterprises.views import enterprise_acted_for_or_404, enterprise_home, require_enterprise_actor
from imports.models import ImportRecord
from imports.selectors import uploads_visible_to
from imports.views import upload_form_handle
from workers.certificate_importer import CERTIFICATES
from workers.importers import ROSTER
from workers.models import Employment, Worker
from workers.panels import panels_for
from workers.roster_workbook import roster_workbook
from workers.selectors import (
    PERSONAL_FULL,
    PERSONAL_MASKED,
    PERSONAL_NONE,
    RowsByEnterprise,
    certificates_of_current_workers,
    employment_rows_by_enterprise,
    employments_visible_to,
    worker_detail,
    worker_personal_view,
)
from workers.skills import effective_skill, label_of_rank, with_effective_skill

# A search of the worker list counts this many rows at most (core.pagination): exact below
# it; past it "more than 10,000" and its first 200 pages, to be narrowed by enterprise or name.
# The whole list is counted exactly, per enterprise and cached
# (workers.selectors.employment_rows_by_enterprise); one enterprise's list and HR's own exactly.
WORKER_LIST_COUNT_CAP = 10_000


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
    show_id = sees_personal_data(request.user)
    if query:
        matches = Q(worker__name__contains=query)
        if show_id and len(query) == 18:
            # A whole ID number, exactly (the encrypted column answers exact lookups only).
            matches |= Q(worker__id_number=query.upper())
        employments = employments.filter(matches)
    counted = employments
    # The effective skill level today (DOMAIN.md), not only the roster's.
    employments = with_effective_skill(
        employments, timezone.localdate(), worker="worker_id", skill_field="worker__skill_level"
    )
    sees_every_job = is_sub_district_staff(request.user) or has_role(
        request.user, Role.UNION_OFFICER
    )
    if sees_every_job and not query and not enterprise_id.isdigit():
        # The whole list: counted exactly per enterprise (cached), each page read from the
        # enterprises it falls in, not a COUNT and a sort of every employment on each view.
        rows = RowsByEnterprise(
            employments,
            employment_rows_by_enterprise(departed=request.GET.get("departed") == "1"),
        )
        paginator: Paginator = Paginator(rows, 50)  # type: ignore[arg-type]
    elif not query:
        # One enterprise's jobs, or HR's own: counted exactly from the (enterprise, departure)
        # index, so HR of an enterprise of 20,000 reach every page of their roster.
        paginator = CountedPaginator(employments, 50, count_of=counted.count)
    else:
        paginator = CappedPaginator(employments, 50, cap=WORKER_LIST_COUNT_CAP, counted=counted)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for employment in page.object_list:
        # Annotated by workers.skills.with_effective_skill.
        employment.effective_skill_label = label_of_rank(  # type: ignore[attr-defined]
            employment.effective_skill_rank  # type: ignore[attr-defined]
        )
    return render(
        request,
        "workers/worker_list.html",
        {
            "page": page,
            "enterprises": enterprises,
            "enterprise_id": enterprise_id,
            "query": query,
            "show_departed": request.GET.get("departed") == "1",
            # Masked ID numbers for staff and HR; none at all for union officers (DOMAIN.md).
            "show_id": show_id,
        },
    )


@login_required
def worker_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A worker as the user may see them (workers.selectors.worker_personal_view); staff POST
    `reveal` (a form, so no personal data in URLs) to see one worker's full ID number and
    phone. Every view by staff or HR is logged (PersonalDataAccess)."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    _require_worker_access(request)
    try:
        worker = worker_detail(user=request.user, pk=pk)
    except Worker.DoesNotExist:
        raise Http404 from None
    reveal = request.method == "POST"
    view = worker_personal_view(request.user, worker, reveal=reveal)
    if reveal and view != PERSONAL_FULL:
        raise PermissionDenied
    if view != PERSONAL_NONE:
        personal_data_access_record(
            actor=request.user,
            action=PersonalDataAccess.Action.REVEAL if reveal else PersonalDataAccess.Action.VIEW,
            object_type=Worker,
            object_id=worker.pk,
            detail={"full": view == PERSONAL_FULL, "page": "workers:detail"},
        )
    employments = employments_visible_to(request.user).filter(worker=worker)
    staff = is_sub_district_staff(request.user)
    full = view == PERSONAL_FULL
    return render(
        request,
        "workers/worker_detail.html",
        {
            "worker": worker,
            "employments": employments,
            "show_id": view != PERSONAL_NONE,
            "id_number": worker.id_number if full else worker.masked_id_number,
            # Staff keep the masked phone; HR's former employees show none (issue 12).
            "show_phone": full or (view == PERSONAL_MASKED and staff),
            "phone": worker.phone if full else worker.masked_phone,
            # A masked ID number with the birth date is nearly the whole number (DOMAIN.md).
            "show_birth_date": full,
            "can_reveal": view == PERSONAL_MASKED
            and staff
            and request.user.has_perm("workers.view_full_id_number"),
            # Sections of the apps above (the 学习档案 …), each only for whom it allows.
            "panels": panels_for(request.user, worker),
            # DOMAIN.md: the roster's level or a higher certificate issued by today.
            "skill": effective_skill(worker, timezone.localdate()),
        },
    )


@login_required
@replica_reads()
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
    # Not by ID number: it is encrypted at rest, its order means nothing.
    employments = list(
        employments_visible_to(request.user)
        .filter(enterprise=enterprise, departure_date__isnull=True)
        .order_by("worker__name", "worker_id")
    )
    content = roster_workbook(
        title=gettext("%(name)s职工花名册") % {"name": enterprise.name}, employments=employments
    )
    personal_data_access_record(
        actor=request.user,
        action=PersonalDataAccess.Action.EXPORT,
        object_type=Enterprise,
        object_id=enterprise.pk,
        count=len(employments),
        detail={"export": "workers:roster_export"},
    )
    return xlsx_response(content, gettext("%(name)s花名册.xlsx") % {"name": enterprise.name})


# Roster uploads: HR's own pages (staff may act for any enterprise).


@login_required
def roster_home(request: HttpRequest) -> HttpResponse:
    """HR land here: their enterprise's page straight away when they have one."""
    return enterprise_home(
        request,
        enterprise_url_name="workers:roster_enterprise",
        template="workers/roster_home.html",
    )


@login_required
def roster_enterprise(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    """An enterprise's roster page: template and current roster downloads, upload, history."""
    require_enterprise_actor(request)
    enterprise = enterprise_acted_for_or_404(request, enterprise_id)
    form, uploaded = upload_form_handle(
        request, kind=ROSTER, enterprise=enterprise, label=gettext("花名册文件")
    )
    if uploaded is not None:
        return uploaded
    history = Paginator(
        uploads_visible_to(request.user, ROSTER)
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


def roster_upload_details(request: HttpRequest, record: ImportRecord) -> dict[str, Any]:
    """The roster's own part of its upload page: new workers (the first ones the preview
    kept, and how many more), changed workers and those departing."""
    created = record.details.get("created", [])
    return {
        "created": created,
        "created_more": max((record.counts or {}).get("created", 0) - len(created), 0),
        "changes": Paginator(record.details.get("updated", []), 100).get_page(
            request.GET.get("changes")
        ),
        "departing": Paginator(record.details.get("departing", []), 100).get_page(
            request.GET.get("departing")
        ),
    }


# 职业技能等级证书: HR upload their current workers' certificates; staff for any enterprise.


@login_required
def certificates_home(request: HttpRequest) -> HttpResponse:
    """HR go straight to their enterprise's certificates when they have one; staff pick one."""
    return enterprise_home(
        request,
        enterprise_url_name="workers:certificates_enterprise",
        template="workers/certificate_home.html",
    )


@login_required
def certificates_enterprise(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    """An enterprise's certificates page: template, upload, upload history and the
    certificates its current workers hold."""
    require_enterprise_actor(request)
    enterprise = enterprise_acted_for_or_404(request, enterprise_id)
    form, uploaded = upload_form_handle(
        request, kind=CERTIFICATES, enterprise=enterprise, label=gettext("证书登记表")
    )
    if uploaded is not None:
        return uploaded
    history = (
        uploads_visible_to(request.user, CERTIFICATES)
        .filter(enterprise=enterprise)
        .defer("errors", "warnings", "details")[:10]
    )
    certificates = Paginator(
        certificates_of_current_workers(request.user, enterprise).order_by(
            "worker__name", "worker_id", "-issued_on", "pk"
        ),
        50,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "workers/certificate_enterprise.html",
        {
            "enterprise": enterprise,
            "form": form,
            "history": history,
            "certificates": certificates,
        },
    )
