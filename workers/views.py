from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from core.roles import Role, has_role, is_sub_district_staff, sees_personal_data
from enterprises.selectors import enterprises_visible_to
from workers.models import Worker
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
