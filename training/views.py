"""HR's training-fund pages (their enterprises) and staff's yearly compliance list."""

import datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext

from compliance.selectors import labour_inspections_overdue
from core.db_router import replica_reads
from core.http import xlsx_response
from core.models import PersonalDataAccess
from core.pagination import CountedPaginator
from core.roles import Role, has_role, is_sub_district_staff
from core.services import personal_data_access_record
from enterprises.filters import group_filters_from
from enterprises.models import IndustrialPark, Village
from enterprises.selectors import enterprises_acted_for
from enterprises.views import enterprise_acted_for_or_404, enterprise_home, require_enterprise_actor
from imports.forms import UploadForm
from imports.models import ImportRecord
from imports.selectors import uploads_visible_to
from imports.views import upload_form_handle
from imports.xlsx import Table, table_workbook
from training.competition_workbook import competition_template, competition_template_filename
from training.figures import (
    SKILLS_FIGURE_LABELS,
    skills_breakdown,
    skills_figures,
    technicians_without_stable_contract,
)
from training.forms import FundDeclarationForm, FundNoticeForm
from training.importers import TRAINING_FUNDS
from training.models import FundNotice
from training.record_importer import TRAINING_RECORDS
from training.rules import evaluate
from training.selectors import (
    SORTS,
    EnterpriseFundStatus,
    Status,
    enterprise_training_records,
    fund_compliance,
    fund_declarations_of,
    fund_notices_for,
    fund_rates_for,
    fund_statuses_of,
    institute_checklist,
    learning_record_of,
    school_enterprise_cooperations,
)
from training.services import (
    fund_declaration_submit,
    fund_notice_read,
    fund_notices_send,
)
from training.workbook import learning_record_filename
from workers.figures import figures_cached, worker_figures
from workers.models import Worker
from workers.panels import panels_for
from workers.selectors import worker_detail
from workers.skills import label_of_rank


def _require_declarer(request: HttpRequest) -> None:
    if not (is_sub_district_staff(request.user) or has_role(request.user, Role.HR)):
        raise PermissionDenied


def _require_staff(request: HttpRequest) -> None:
    if not is_sub_district_staff(request.user):
        raise PermissionDenied


@login_required
def funds_home(request: HttpRequest) -> HttpResponse:
    """HR land on their enterprise's page; staff on the year's compliance list."""
    _require_declarer(request)
    if is_sub_district_staff(request.user):
        return redirect("training:compliance")
    enterprises = enterprises_acted_for(request.user)
    if len(enterprises[:2]) == 1:
        return redirect("training:enterprise", enterprise_id=enterprises[0].pk)
    year = _year(request)
    return render(
        request,
        "training/funds_home.html",
        {"year": year, "statuses": fund_statuses_of(enterprises, year)},
    )


@login_required
def funds_enterprise(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    """An enterprise's declarations by year with their evaluation, notices, form and upload."""
    _require_declarer(request)
    enterprise = enterprise_acted_for_or_404(request, enterprise_id)
    form = FundDeclarationForm(request.POST if "declare" in request.POST else None)
    if request.method == "POST" and "declare" in request.POST and form.is_valid():
        try:
            _declaration, changed = fund_declaration_submit(
                user=request.user, enterprise=enterprise, **form.cleaned_data
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                form.add_error(None, exc)
        else:
            if changed:
                messages.success(
                    request,
                    gettext("%(year)s年度申报已保存。") % {"year": form.cleaned_data["year"]},
                )
            else:
                messages.info(request, gettext("与上次申报相同，没有改动。"))
            return redirect("training:enterprise", enterprise_id=enterprise.pk)
    if request.method == "POST" and "upload" in request.POST:
        upload_form, uploaded = upload_form_handle(
            request, kind=TRAINING_FUNDS, enterprise=enterprise, label=gettext("经费申报表")
        )
        if uploaded is not None:
            return uploaded
    else:
        upload_form = UploadForm(label=gettext("经费申报表"))
    declarations = fund_declarations_of(enterprise)
    year = _year(request)
    # The year the sub-district checks now (last year's payroll is known): declared? passed?
    this_year = next((item for item in declarations if item.declaration.year == year), None)
    return render(
        request,
        "training/funds_enterprise.html",
        {
            "enterprise": enterprise,
            "declarations": declarations,
            "status_year": year,
            "status": EnterpriseFundStatus(enterprise, this_year),
            "notices": fund_notices_for(request.user, enterprise)[:20],
            "form": form,
            "upload_form": upload_form,
            # As the roster's page: every upload, its original to download (scoped and logged
            # by imports.views.upload_original), its counts and status.
            "history": Paginator(
                uploads_visible_to(request.user, TRAINING_FUNDS)
                .filter(enterprise=enterprise)
                .defer("errors", "warnings", "details"),
                20,
            ).get_page(request.GET.get("page")),
        },
    )


def fund_upload_details(request: HttpRequest, record: ImportRecord) -> dict[str, Any]:
    """What a fund upload will save (or saved), row by row, with the rates and verdicts the
    compliance list computes from it: its year's rule, else the defaults. One query for the
    rules, whatever the number of rows."""
    rows = record.details.get("rows", [])
    rates = fund_rates_for({row["year"] for row in rows})
    shown = [
        {
            **row,
            "evaluation": evaluate(
                payroll=Decimal(row["payroll"]),
                extracted=Decimal(row["extracted"]),
                spent=Decimal(row["spent"]),
                frontline_spent=Decimal(row["frontline_spent"]),
                extraction_rate=rates[row["year"]].extraction,
                frontline_rate=rates[row["year"]].frontline,
            ),
        }
        for row in rows
    ]
    return {
        "fund_rows": shown,
        "fund_rows_more": max(record.details.get("rows_total", 0) - len(shown), 0),
    }


@login_required
def fund_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """A notice to an enterprise; the first opening by one of its HR users is the receipt."""
    _require_declarer(request)
    notice = (
        FundNotice.objects.select_related("enterprise", "sent_by")
        .filter(pk=pk, enterprise__in=enterprises_acted_for(request.user))
        .first()
    )
    if notice is None:
        raise Http404
    fund_notice_read(user=request.user, notice=notice)
    return render(
        request,
        "training/fund_notice.html",
        {"notice": notice, "receipts": notice.receipts.select_related("user")},
    )


# --- Staff: a year's compliance across the register ------------------------------------------


def _year(request: HttpRequest) -> int:
    this_year = timezone.localdate().year
    value = request.GET.get("year", "")
    if value.isdigit() and 2000 <= int(value) <= this_year:
        return int(value)
    return this_year - 1


def _filters(request: HttpRequest) -> dict:
    filters = group_filters_from(request.GET)
    get = request.GET
    status = get.get("status", "")
    if status == "failing" or status in Status.LABELS:
        filters["status"] = status
    if get.get("sort") in SORTS:
        filters["sort"] = get["sort"]
    return filters


@login_required
@replica_reads()
def funds_compliance(request: HttpRequest) -> HttpResponse:
    """Which enterprises have not declared, which fail which rule and by how much; export and
    notices to the failing ones."""
    _require_staff(request)
    year = _year(request)
    filters = _filters(request)
    notice_form = FundNoticeForm(
        request.POST or None,
        initial={
            "message": gettext(
                "贵企业%(year)s年度教育培训经费提取或使用未达到规定比例（提取不低于职工工资总额的"
                "8%%，其中一线职工使用不低于60%%），请核实并整改。"
            )
            % {"year": year}
        },
    )
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("enterprise") if v.isdigit()]
        if notice_form.is_valid():
            try:
                notices = fund_notices_send(
                    user=request.user,
                    enterprise_ids=ids,
                    year=year,
                    message=notice_form.cleaned_data["message"],
                )
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(
                    request, gettext("已向%(count)s家企业发送通知。") % {"count": len(notices)}
                )
                return redirect(request.get_full_path())
    rows = fund_compliance(year, **filters)
    if request.GET.get("format") == "xlsx":
        return _compliance_export(year, rows)
    counts = {status: 0 for status in Status.LABELS}
    for row in rows:
        counts[row.status] += 1
    read = dict(
        FundNotice.objects.filter(year=year, receipts__isnull=False)
        .values("enterprise")
        .order_by()
        .annotate(n=Count("receipts__notice", distinct=True))
        .values_list("enterprise", "n")
    )
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "training/funds_compliance.html",
        {
            "year": year,
            "years": range(timezone.localdate().year, 2019, -1),
            "rates": fund_rates_for({year})[year],
            "page": page,
            "counts": counts,
            "labels": Status.LABELS,
            "total_shortfall": sum((r.shortfall for r in rows), Decimal(0)),
            "read": read,
            "villages": Village.objects.order_by("name"),
            "parks": IndustrialPark.objects.order_by("name"),
            "filters": request.GET,
            "query": query.urlencode(),
            "notice_form": notice_form,
            "overdue_inspections": labour_inspections_overdue(timezone.localdate())[:20],
        },
    )


def _compliance_export(year: int, rows: list) -> HttpResponse:
    headers = [
        gettext("企业名称"),
        gettext("统一社会信用代码"),
        gettext("所属村（社区）"),
        gettext("所属工业园区"),
        gettext("是否规上企业"),
        gettext("状态"),
        gettext("职工工资总额"),
        gettext("教育培训经费提取额"),
        gettext("提取比例"),
        gettext("提取缺口（元）"),
        gettext("教育培训经费使用额"),
        gettext("其中一线职工使用额"),
        gettext("一线使用比例"),
        gettext("经费使用率"),
        gettext("已发通知数"),
    ]

    def values():
        for row in rows:
            d, e = row.declaration, row.evaluation
            enterprise = row.enterprise
            yield [
                enterprise.name,
                enterprise.uscc,
                enterprise.village.name,
                enterprise.park.name if enterprise.park else "",
                gettext("是") if enterprise.is_above_scale else gettext("否"),
                row.status_label,
                d.payroll if d else None,
                d.extracted if d else None,
                e.extraction_rate if e else None,
                row.shortfall if e else None,
                d.spent if d else None,
                d.frontline_spent if d else None,
                e.frontline_share if e else None,
                e.usage_rate if e else None,
                row.notices_sent,
            ]

    table = Table(
        title=gettext("%(year)s年度经费达标情况") % {"year": year},
        headers=headers,
        rows=values(),
        text_columns={1},
        widths=[30, 22],
    )
    return xlsx_response(
        table_workbook([table]), gettext("%(year)s年度教育培训经费达标情况.xlsx") % {"year": year}
    )


# --- Training records (培训记录): HR's upload and list, per enterprise --------------------------


@login_required
def records_home(request: HttpRequest) -> HttpResponse:
    """HR land on their enterprise's page straight away; staff find an enterprise by name or
    code."""
    return enterprise_home(
        request,
        enterprise_url_name="training:records_enterprise",
        template="training/records_home.html",
    )


@login_required
def records_enterprise(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    """An enterprise's training records: template, upload, upload history, and the records of
    the workers it employs today (names, never ID numbers)."""
    require_enterprise_actor(request)
    enterprise = enterprise_acted_for_or_404(request, enterprise_id)
    form, uploaded = upload_form_handle(
        request, kind=TRAINING_RECORDS, enterprise=enterprise, label=gettext("培训记录表")
    )
    if uploaded is not None:
        return uploaded
    history = Paginator(
        uploads_visible_to(request.user, TRAINING_RECORDS)
        .filter(enterprise=enterprise)
        .defer("errors", "warnings", "details"),
        10,
    ).get_page(request.GET.get("uploads"))
    records = enterprise_training_records(user=request.user, enterprise_id=enterprise.pk)
    query = request.GET.get("q", "").strip()
    if query:
        records = records.filter(Q(course__name__contains=query) | Q(worker__name__contains=query))
    return render(
        request,
        "training/records_enterprise.html",
        {
            "enterprise": enterprise,
            "form": form,
            "history": history,
            "records": Paginator(records, 50).get_page(request.GET.get("page")),
            "query": query,
            "keep": urlencode({"q": query}) if query else "",
        },
    )


@login_required
def competitions_template(request: HttpRequest) -> HttpResponse:
    """The 技能竞赛成绩 template for staff, who load the results with
    import_competition_results (a sub-district-wide data set, no enterprise page)."""
    _require_staff(request)
    return xlsx_response(competition_template(), competition_template_filename())


# --- Training institutes against the "六个有" standard, and 校企合作 (staff) -----------------


@login_required
def institutes(request: HttpRequest) -> HttpResponse:
    """Every institute against every active criterion (met, not met, not checked; evidence
    and date), those falling short first; and the school–enterprise agreements."""
    _require_staff(request)
    criteria, rows = institute_checklist(request.user)
    return render(
        request,
        "training/institutes.html",
        {
            "criteria": criteria,
            "rows": rows,
            "short_count": sum(1 for row in rows if not row.meets_standard),
            "cooperations": school_enterprise_cooperations(request.user),
        },
    )


# --- A worker's learning record (学习档案): a panel of the worker page, and its download ------

LEARNING_RECORD_PANEL = "learning_record"


def learning_record_panel(user: Any, worker: Worker) -> dict[str, Any] | None:
    """The 学习档案 panel of /workers/<id>/ (workers.panels): None for a user who may not see
    the record (training.selectors.learning_record_visible), so nothing of it reaches them."""
    record = learning_record_of(user=user, worker=worker)
    if record is None:
        return None
    return {
        "record": record,
        "export_url": reverse("training:learning_record_export", args=[worker.pk]),
    }


@login_required
def learning_record_export(request: HttpRequest, worker_id: int) -> HttpResponse:
    """The learning record as .xlsx, with the sheets other apps' worker panels add (honours,
    issue 14), for the users who see it on the worker page; for anyone else the worker does
    not exist. Each download is logged (PersonalDataAccess)."""
    try:
        worker = worker_detail(user=request.user, pk=worker_id)
    except Worker.DoesNotExist:
        raise Http404 from None
    panels = panels_for(request.user, worker)
    if not any(panel.key == LEARNING_RECORD_PANEL for panel in panels):
        raise Http404
    tables = [table for panel in panels for table in panel.tables()]
    content = table_workbook(tables)
    personal_data_access_record(
        actor=request.user,
        action=PersonalDataAccess.Action.EXPORT,
        object_type=Worker,
        object_id=worker.pk,
        detail={"export": "training:learning_record_export"},
    )
    return xlsx_response(content, learning_record_filename(worker.name))


# --- Staff: the skills figures for any date and the technicians' contracts (issue 13) --------


def _skills_day(request: HttpRequest) -> tuple[datetime.date, str]:
    """?date=YYYY-MM-DD, default today; a malformed or future date shows today with a
    message."""
    today = timezone.localdate()
    value = request.GET.get("date", "").strip()
    if not value:
        return today, ""
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return today, gettext("日期“%(value)s”格式不对，请按 年-月-日 填写（如 %(today)s）。") % {
            "value": value,
            "today": today.isoformat(),
        }
    if day > today:
        return today, gettext("不能查看今天以后的日期（%(day)s），下面是今天的数据。") % {
            "day": day.isoformat()
        }
    return day, ""


@login_required
@replica_reads()
def skills(request: HttpRequest) -> HttpResponse:
    """The skills figures as of a date (the report's keys, and per village/community, park
    and size) and the technicians not on a stable contract, by enterprise (seed measures 4–7)."""
    _require_staff(request)
    day, error = _skills_day(request)
    figures = worker_figures(day, ("overall", "village", "park", "above_scale"), sets=True)
    kpis = skills_figures(day, figures["overall"][None])
    technicians = technicians_without_stable_contract(user=request.user, day=day)
    # Counting them scans every active job (100 ms at 100,000 workers): kept under the worker
    # figures' version, which every write to jobs, workers and certificates moves.
    page = CountedPaginator(
        technicians,
        50,
        count_of=lambda: figures_cached(
            "training:technicians-unstable:%s" % day.isoformat(), technicians.count
        ),
    ).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for employment in page.object_list:
        # Annotated by workers.skills.with_effective_skill.
        employment.effective_skill_label = label_of_rank(  # type: ignore[attr-defined]
            employment.effective_skill_rank  # type: ignore[attr-defined]
        )
    return render(
        request,
        "training/skills.html",
        {
            "day": day,
            "error": error,
            "figures": [
                {
                    "key": key,
                    "label": label,
                    "value": kpis[key],
                    "is_rate": key.endswith("_rate"),
                }
                for key, label in SKILLS_FIGURE_LABELS.items()
            ],
            "breakdown": skills_breakdown(day, figures),
            "page": page,
            "query": urlencode({"date": day.isoformat()}),
        },
    )


@login_required
@replica_reads()
def skills_export(request: HttpRequest) -> HttpResponse:
    """The technicians not on a stable contract as .xlsx; names reach the file, so the
    download is logged with its count."""
    _require_staff(request)
    day, _error = _skills_day(request)
    rows = [
        [
            employment.enterprise.name,
            employment.enterprise.uscc,
            employment.worker.name,
            label_of_rank(employment.effective_skill_rank),  # type: ignore[attr-defined]
            employment.get_contract_type_display() or gettext("未填写"),
            employment.hire_date,
        ]
        for employment in technicians_without_stable_contract(user=request.user, day=day)
    ]
    personal_data_access_record(
        actor=request.user,
        action=PersonalDataAccess.Action.EXPORT,
        object_type=Worker,
        count=len(rows),
        detail={"export": "training:skills_export", "date": day.isoformat()},
    )
    table = Table(
        title=gettext("未签稳定合同的技师"),
        headers=[
            gettext("企业名称"),
            gettext("统一社会信用代码"),
            gettext("姓名"),
            gettext("职业技能等级（含证书）"),
            gettext("劳动合同类型"),
            gettext("入职日期"),
        ],
        rows=rows,
        text_columns={1},
        widths=[30, 22, 12, 18, 24, 12],
        notes=[gettext("截至 %(day)s") % {"day": day.isoformat()}],
    )
    return xlsx_response(
        table_workbook([table]),
        gettext("未签稳定合同的技师（截至%(day)s）.xlsx") % {"day": day.isoformat()},
    )
