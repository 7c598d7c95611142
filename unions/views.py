import datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext

from compliance.selectors import enterprises_without_wage_contract, wage_contracts_expiring
from core.db_router import replica_reads
from core.http import xlsx_response
from core.roles import Role, has_role, is_sub_district_staff
from enterprises.filters import group_filters_from
from imports.xlsx import Table, table_workbook
from unions.forms import MembershipCorrectionForm
from unions.models import UnionMembershipChange
from unions.selectors import (
    coverage_dashboard,
    coverage_enterprises,
    enterprise_worker_counts,
    union_names_by_enterprise,
    unions_covering_worker,
)
from unions.services import union_membership_correct
from workers.models import Worker
from workers.selectors import worker_detail


def _require_union_access(request: HttpRequest) -> None:
    """Union officers review coverage (DOMAIN.md); staff see everything."""
    if not (is_sub_district_staff(request.user) or has_role(request.user, Role.UNION_OFFICER)):
        raise PermissionDenied


def _as_of(request: HttpRequest) -> tuple[datetime.date, str]:
    today = timezone.localdate()
    text = request.GET.get("as_of", "")
    try:
        day = datetime.date.fromisoformat(text) if text else today
    except ValueError:
        return today, gettext("日期格式应为 2026-09-30，已改用今天。")
    return day, ""


def _threshold(request: HttpRequest) -> tuple[Decimal, str]:
    """The membership-rate threshold an officer sets, in percent (default 80%)."""
    text = request.GET.get("below", "80").strip().rstrip("%") or "80"
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
        return Decimal(80), gettext("入会率阈值应为 0 到 100 之间的数字，已改用 80%。")
    return value, ""


@login_required
@replica_reads()
def dashboard(request: HttpRequest) -> HttpResponse:
    """Union coverage and membership as of a date, overall and by village, park and size."""
    _require_union_access(request)
    day, date_error = _as_of(request)
    threshold, threshold_error = _threshold(request)
    dashboard = coverage_dashboard(day)
    groups = dashboard.rows
    counts = dashboard.enterprise_counts
    low = coverage_enterprises(day, membership_below=threshold / 100, worker_counts=counts)
    uncovered = coverage_enterprises(day, covered=False)
    without_contract = enterprises_without_wage_contract(day)
    return render(
        request,
        "unions/coverage_dashboard.html",
        {
            "as_of": day,
            "threshold": threshold,
            "errors": [e for e in (date_error, threshold_error) if e],
            "overall": groups["overall"][0],
            "groups": [
                (gettext("按村（社区）"), groups["village"]),
                (gettext("按工业园区"), groups["park"]),
                (gettext("规上与规下企业"), groups["above_scale"]),
            ],
            "uncovered": _with_counts(uncovered[:20], counts),
            "uncovered_count": uncovered.count(),
            "low": _with_counts(low[:20], counts),
            "low_count": low.count(),
            "base_query": urlencode({"as_of": day.isoformat()}),
            "expiring": wage_contracts_expiring(day)[:20],
            "without_contract": without_contract[:20],
            "without_contract_count": without_contract.count(),
        },
    )


_NO_WORKERS = {"workers": 0, "members": 0}


def _with_counts(enterprises, counts: dict) -> list:
    """(enterprise, its worker counts) pairs for a template."""
    return [(e, counts.get(e.pk, _NO_WORKERS)) for e in enterprises]


def _list_filters(request: HttpRequest) -> dict:
    filters = group_filters_from(request.GET)
    get = request.GET
    if get.get("covered") in ("0", "1"):
        filters["covered"] = get["covered"] == "1"
    return filters


@login_required
@replica_reads()
def enterprise_list(request: HttpRequest) -> HttpResponse:
    """The enterprises behind a dashboard figure; `?format=xlsx` exports the whole list."""
    _require_union_access(request)
    day, date_error = _as_of(request)
    filters = _list_filters(request)
    threshold = None
    if "below" in request.GET:
        threshold, _error = _threshold(request)
        filters["membership_below"] = threshold / 100
    counts = enterprise_worker_counts(day)
    enterprises = coverage_enterprises(day, worker_counts=counts, **filters)
    if request.GET.get("format") == "xlsx":
        return _export(day, enterprises, counts)
    page = Paginator(enterprises, 50).get_page(request.GET.get("page"))
    unions = union_names_by_enterprise(day, [e.pk for e in page])
    rows = [
        (enterprise, unions.get(enterprise.pk, []), counts.get(enterprise.pk, _NO_WORKERS))
        for enterprise in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "unions/coverage_enterprises.html",
        {
            "as_of": day,
            "page": page,
            "rows": rows,
            "threshold": threshold,
            "errors": [date_error] if date_error else [],
            "query": query.urlencode(),
        },
    )


def _export(day: datetime.date, enterprises, counts: dict) -> HttpResponse:
    header = [
        gettext("企业名称"),
        gettext("统一社会信用代码"),
        gettext("所属村（社区）"),
        gettext("所属工业园区"),
        gettext("是否规上企业"),
        gettext("是否建会（含联合工会覆盖）"),
        gettext("覆盖工会"),
        gettext("在职职工数"),
        gettext("工会会员数"),
        gettext("入会率"),
    ]
    enterprises = list(enterprises)
    unions = union_names_by_enterprise(day, [e.pk for e in enterprises])

    def rows():
        for e in enterprises:
            own = counts.get(e.pk, _NO_WORKERS)
            workers, members = own["workers"], own["members"]
            share = (members / workers) if workers else None
            yield [
                e.name,
                e.uscc,
                e.village.name,
                e.park.name if e.park else "",
                gettext("是") if e.is_above_scale else gettext("否"),
                gettext("是") if e.is_covered else gettext("否"),
                "、".join(unions.get(e.pk, [])),
                workers,
                members,
                round(share, 4) if share is not None else None,
            ]

    table = Table(
        title=gettext("企业工会覆盖"),
        notes=[gettext("截至 %(day)s") % {"day": day.isoformat()}],
        headers=header,
        rows=rows(),
        text_columns={1},
        widths=[30, 22],
    )
    return xlsx_response(
        table_workbook([table]), gettext("企业工会覆盖_%(day)s.xlsx") % {"day": day.isoformat()}
    )


@login_required
def membership(request: HttpRequest, worker_id: int) -> HttpResponse:
    """A worker's union membership, its history, and the union officer's correction form."""
    _require_union_access(request)
    try:
        worker = worker_detail(user=request.user, pk=worker_id)
    except Worker.DoesNotExist:
        raise Http404 from None
    unions = unions_covering_worker(worker, timezone.localdate())
    initial = {
        "is_member": worker.is_union_member,
        "joined_on": worker.union_joined_on,
        "union": unions.first(),
    }
    form = MembershipCorrectionForm(request.POST or None, initial=initial, unions=unions)
    if request.method == "POST" and form.is_valid():
        try:
            union_membership_correct(
                user=request.user,
                worker=worker,
                is_member=form.cleaned_data["is_member"],
                joined_on=form.cleaned_data["joined_on"],
                union=form.cleaned_data["union"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, gettext("会员信息已更正，变动已记录。"))
            return redirect("unions:membership", worker_id=worker.pk)
    return render(
        request,
        "unions/membership.html",
        {
            "worker": worker,
            "form": form,
            "changes": UnionMembershipChange.objects.filter(worker=worker).select_related(
                "union", "changed_by"
            )[:100],
        },
    )
