"""The pages every per-enterprise upload data set shares (roster, training records,
certificates): who may use them and how a user lands on their enterprise."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.roles import acts_for_enterprises, is_sub_district_staff
from enterprises.models import Enterprise
from enterprises.selectors import enterprises_acted_for


def require_enterprise_actor(request: HttpRequest) -> None:
    """Union officers and officials never act for an enterprise: a plain 403."""
    if not acts_for_enterprises(request.user):
        raise PermissionDenied


def enterprise_acted_for_or_404(request: HttpRequest, enterprise_id: int) -> Enterprise:
    """No access looks like none: another enterprise's page is not found."""
    enterprise = enterprises_acted_for(request.user).filter(pk=enterprise_id).first()
    if enterprise is None:
        raise Http404
    return enterprise


def enterprise_home(
    request: HttpRequest, *, enterprise_url_name: str, template: str
) -> HttpResponse:
    """A data set's landing page: HR with one enterprise go straight to its page; staff (and HR
    of several) find an enterprise by name or code."""
    require_enterprise_actor(request)
    enterprises = enterprises_acted_for(request.user)
    query = request.GET.get("q", "").strip()
    if query:
        enterprises = enterprises.filter(Q(name__contains=query) | Q(uscc__iexact=query))
    elif not is_sub_district_staff(request.user) and len(enterprises[:2]) == 1:
        return redirect(enterprise_url_name, enterprise_id=enterprises[0].pk)
    page = Paginator(enterprises, 50).get_page(request.GET.get("page"))
    return render(request, template, {"page": page, "query": query})
