from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from core.roles import Role, has_role, is_sub_district_staff, sees_personal_data
from enterprises.selectors import enterprises_visible_to
from workers.models import Worker
from workers.roster_workbook import roster_workbook
from workers.selectors import employments_visible_to, worker_detail


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
