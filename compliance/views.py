"""Pages of democratic management (seed measure 9, issue 15): HR enter their enterprise's 职代会
sessions, 厂务公开 items and wage contracts, which wait for staff confirmation; staff confirm
them on the review list; union officers read both pages. Thin: selectors read, services write."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from compliance.forms import (
    CollectiveWageContractForm,
    FactoryAffairsDisclosureForm,
    WorkersCongressSessionForm,
)
from compliance.selectors import (
    RECORD_KINDS,
    democratic_records_of_enterprise,
    democratic_records_pending,
    democratic_records_visible_to,
)
from compliance.services import (
    collective_wage_contract_delete,
    collective_wage_contract_enter,
    collective_wage_contract_save,
    democratic_record_confirm,
    factory_affairs_disclosure_delete,
    factory_affairs_disclosure_enter,
    factory_affairs_disclosure_save,
    workers_congress_session_delete,
    workers_congress_session_enter,
    workers_congress_session_save,
)
from core.roles import Role, acts_for_enterprises, has_role, is_sub_district_staff
from enterprises.models import Enterprise
from enterprises.selectors import enterprises_visible_to
from enterprises.views import enterprise_acted_for_or_404, enterprise_home


@dataclass(frozen=True)
class _Kind:
    label: Any
    form: type[forms.ModelForm]
    enter: Callable[..., Any]
    save: Callable[[Any, Any], Any]
    delete: Callable[[Any, Any], None]


KINDS = {
    "congress": _Kind(
        _("职代会"),
        WorkersCongressSessionForm,
        workers_congress_session_enter,
        lambda user, record: workers_congress_session_save(user=user, session=record),
        lambda user, record: workers_congress_session_delete(user=user, session=record),
    ),
    "disclosure": _Kind(
        _("厂务公开"),
        FactoryAffairsDisclosureForm,
        factory_affairs_disclosure_enter,
        lambda user, record: factory_affairs_disclosure_save(user=user, disclosure=record),
        lambda user, record: factory_affairs_disclosure_delete(user=user, disclosure=record),
    ),
    "wage_contract": _Kind(
        _("工资集体协商合同"),
        CollectiveWageContractForm,
        collective_wage_contract_enter,
        lambda user, record: collective_wage_contract_save(user=user, contract=record),
        lambda user, record: collective_wage_contract_delete(user=user, contract=record),
    ),
}
assert set(KINDS) == set(RECORD_KINDS)  # nosec B101 # an internal invariant


PENDING_PER_PAGE = 50  # rows of each kind on one page of the staff review list


def _kind_or_404(kind: str) -> _Kind:
    if kind not in KINDS:
        raise Http404
    return KINDS[kind]


def _is_reader(user: Any) -> bool:
    """Union officers read every enterprise's records (DOMAIN.md: democratic-management data
    read-only); they never enter or confirm any."""
    return has_role(user, Role.UNION_OFFICER)


def _record_or_404(request: HttpRequest, kind: str, pk: int) -> Any:
    record = democratic_records_visible_to(request.user, kind).filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


def _form_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's error on the form: on its field when the form has it, else on the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _enterprise_url(enterprise_id: int) -> str:
    return reverse("compliance:enterprise", args=[enterprise_id])


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """HR land on their enterprise's page; staff find an enterprise by name or code; union
    officers the same, to read its records."""
    if acts_for_enterprises(request.user) or not _is_reader(request.user):
        return enterprise_home(
            request,
            enterprise_url_name="compliance:enterprise",
            template="compliance/enterprise_home.html",
        )
    enterprises = enterprises_visible_to(request.user).order_by("name", "pk")
    query = request.GET.get("q", "").strip()
    if query:
        enterprises = enterprises.filter(Q(name__contains=query) | Q(uscc__iexact=query))
    page = Paginator(enterprises, 50).get_page(request.GET.get("page"))
    return render(request, "compliance/enterprise_home.html", {"page": page, "query": query})


def _enterprise_or_404(request: HttpRequest, enterprise_id: int) -> Enterprise:
    """HR their own (another enterprise is not found), staff any, union officers any (read)."""
    if acts_for_enterprises(request.user):
        return enterprise_acted_for_or_404(request, enterprise_id)
    if not _is_reader(request.user):
        raise PermissionDenied
    enterprise = enterprises_visible_to(request.user).filter(pk=enterprise_id).first()
    if enterprise is None:
        raise Http404
    return enterprise


@login_required
def enterprise(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    """An enterprise's 职代会 sessions, 厂务公开 items and wage contracts, each 待确认 or 已确认;
    HR and staff add, HR change or withdraw their unconfirmed ones, staff confirm."""
    company = _enterprise_or_404(request, enterprise_id)
    records = democratic_records_of_enterprise(request.user, company)
    sections = [
        {"kind": kind, "label": KINDS[kind].label, "records": list(queryset)}
        for kind, queryset in records.items()
    ]
    return render(
        request,
        "compliance/enterprise_records.html",
        {
            "enterprise": company,
            "sections": sections,
            "may_enter": acts_for_enterprises(request.user),
            "may_confirm": is_sub_district_staff(request.user),
        },
    )


@login_required
def record_add(request: HttpRequest, enterprise_id: int, kind: str) -> HttpResponse:
    """Enter a record of the enterprise (HR: it waits for staff confirmation)."""
    spec = _kind_or_404(kind)
    if not acts_for_enterprises(request.user):
        raise PermissionDenied
    company = enterprise_acted_for_or_404(request, enterprise_id)
    form = spec.form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            spec.enter(user=request.user, enterprise=company, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                gettext("已登记%(kind)s。") % {"kind": spec.label}
                if is_sub_district_staff(request.user)
                else gettext("已提交%(kind)s，待街道工作人员确认后计入统计。")
                % {"kind": spec.label},
            )
            return redirect(_enterprise_url(company.pk))
    return render(
        request,
        "compliance/record_form.html",
        {"enterprise": company, "form": form, "kind_label": spec.label, "record": None},
    )


@login_required
def record_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Change a record: HR only their enterprise's unconfirmed ones (the service says so)."""
    spec = _kind_or_404(kind)
    if not acts_for_enterprises(request.user):
        raise PermissionDenied
    record = _record_or_404(request, kind, pk)
    form = spec.form(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        try:
            spec.save(request.user, form.instance)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, gettext("已保存修改。"))
            return redirect(_enterprise_url(record.enterprise_id))
    return render(
        request,
        "compliance/record_form.html",
        {"enterprise": record.enterprise, "form": form, "kind_label": spec.label, "record": record},
    )


@login_required
@require_POST
def record_withdraw(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Withdraw (delete) a record: HR only their enterprise's unconfirmed ones."""
    spec = _kind_or_404(kind)
    if not acts_for_enterprises(request.user):
        raise PermissionDenied
    record = _record_or_404(request, kind, pk)
    try:
        spec.delete(request.user, record)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, gettext("已撤回。"))
    return redirect(_enterprise_url(record.enterprise_id))


@login_required
def pending(request: HttpRequest) -> HttpResponse:
    """Records HR entered that staff have not confirmed yet: staff confirm them here; union
    officers read the list."""
    if not (is_sub_district_staff(request.user) or _is_reader(request.user)):
        raise PermissionDenied
    records = democratic_records_pending(request.user)
    # Each kind pages on its own parameter; a kind's pager keeps the others' pages.
    params = {kind: "%s_page" % kind for kind in records}
    pages = {
        kind: Paginator(queryset, PENDING_PER_PAGE).get_page(request.GET.get(params[kind]))
        for kind, queryset in records.items()
    }
    sections = [
        {
            "kind": kind,
            "label": KINDS[kind].label,
            "page": page,
            "param": params[kind],
            "keep": urlencode(
                {
                    params[other]: other_page.number
                    for other, other_page in pages.items()
                    if other != kind and other_page.number > 1
                }
            ),
        }
        for kind, page in pages.items()
    ]
    return render(
        request,
        "compliance/pending_list.html",
        {"sections": sections, "may_confirm": is_sub_district_staff(request.user)},
    )


@login_required
@require_POST
def record_confirm(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Staff confirm a record: from then on it counts in the figures."""
    _kind_or_404(kind)
    if not is_sub_district_staff(request.user):
        raise PermissionDenied
    record = _record_or_404(request, kind, pk)
    try:
        confirmed = democratic_record_confirm(user=request.user, record=record)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if confirmed:
            messages.success(request, gettext("已确认：%(record)s") % {"record": record})
        else:
            messages.info(request, gettext("该记录此前已确认。"))
    target = request.POST.get("next", "")
    if target == "enterprise":
        return redirect(_enterprise_url(record.enterprise_id))
    return redirect("compliance:pending")
