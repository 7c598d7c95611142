"""通知公告 pages (issue 16): HR see what is addressed to their enterprises, the training fund's
整改通知 among it; union officers and staff read them too, without counting as a reader."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from core.roles import Role, has_role, is_sub_district_staff
from notices.selectors import (
    notice_attachment_visible,
    notice_visible,
    notices_visible_to,
    reads_as_enterprise,
)
from notices.services import notice_read
from training.selectors import fund_notices_addressed_to


def _require_reader(request: HttpRequest) -> None:
    """Staff, HR and union officers; officials see reports only (DOMAIN.md)."""
    user = request.user
    if not (is_sub_district_staff(user) or has_role(user, Role.HR, Role.UNION_OFFICER)):
        raise PermissionDenied


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    notices = Paginator(notices_visible_to(request.user), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/notice_list.html",
        {
            "notices": notices,
            "fund_notices": list(fund_notices_addressed_to(request.user)),
            "is_staff_reader": is_sub_district_staff(request.user),
            "counts_reading": reads_as_enterprise(request.user),
        },
    )


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One notice; an HR user's first opening is their enterprise's read receipt."""
    _require_reader(request)
    notice = notice_visible(request.user, pk)
    if notice is None:
        raise Http404
    notice_read(user=request.user, notice=notice)
    return render(
        request,
        "notices/notice_detail.html",
        {
            "notice": notice,
            "attachments": list(notice.attachments.all()),
            "is_staff_reader": is_sub_district_staff(request.user),
        },
    )


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    _require_reader(request)
    found = notice_attachment_visible(request.user, pk)
    if found is None:
        raise Http404
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.original_name)
