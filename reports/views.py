"""Officials' reports page: the periodic reports with their downloads, the latest frozen
figures with trends over every quarter, village/park drill-down, and a live quarter table.
Aggregates only, never a named worker."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from core.periods import Quarter
from core.roles import Role, has_role, is_sub_district_staff
from reports.models import ReportRun
from reports.selectors import (
    FIGURE_KEYS,
    FIGURE_LABELS,
    RATE_KEYS,
    current_quarterly_reports,
    quarter_report,
    report_runs_visible_to,
    round_rows,
    trend_chart,
)
from reports.services import report_download_log, report_request
from reports.workbook import TREND_KEYS


def _display(value: float | int | str | None, *, is_rate: bool) -> str:
    if value is None:
        return "—"
    if is_rate:
        return "%.2f%%" % (float(value) * 100)
    return str(value)


def _require_reports(request: HttpRequest) -> None:
    if not (is_sub_district_staff(request.user) or has_role(request.user, Role.OFFICIAL)):
        raise PermissionDenied


def _rows(kpis: dict) -> list[dict]:
    """Every figure of today's table, in its order, then any other a frozen report holds: a
    report frozen before a figure existed shows "—" for it."""
    keys = [*FIGURE_KEYS, *(key for key in kpis if key not in FIGURE_KEYS)]
    return [
        {
            "key": key,
            "label": FIGURE_LABELS.get(key, key),
            "value": kpis.get(key),
            "display": _display(kpis.get(key), is_rate=key in RATE_KEYS),
        }
        for key in keys
    ]


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    """Officials' landing page: reports, latest figures with trends, and a live quarter."""
    _require_reports(request)
    today = timezone.localdate()
    current = Quarter.of(today)
    default = str(current)
    quarter = request.GET.get("quarter", default)
    try:
        report = quarter_report(quarter, today)
    except ValueError as exc:
        report = quarter_report(default, today)
        error = str(exc)
    else:
        error = ""
    # This year's quarters so far and the two years before, newest first.
    quarters = [
        str(Quarter(year, number))
        for year in range(today.year, today.year - 3, -1)
        for number in (4, 3, 2, 1)
        if Quarter(year, number) <= current
    ]
    runs = report_runs_visible_to(request.user)
    quarterly = current_quarterly_reports(request.user, today)
    latest = quarterly[-1] if quarterly else None
    page = Paginator(runs.defer("figures"), 20).get_page(request.GET.get("page"))
    shown = Quarter.parse(report["quarter"])
    return render(
        request,
        "reports/figures.html",
        {
            "report": report,
            "rows": _rows(report["kpis"]),
            # The nomination rounds of the quarter shown: rounds and counts, nobody named.
            "rounds": round_rows(shown.start, shown.end),
            "quarters": quarters,
            "error": error,
            "latest": latest,
            "latest_rows": _rows(latest.figures["kpis"]) if latest else [],
            "trend": trend_chart([(r.period, r.figures) for r in quarterly], TREND_KEYS),
            "runs": page,
            "kinds": ReportRun.Kind.choices,
            "default_period": default,
        },
    )


def _run_or_404(request: HttpRequest, pk: int) -> ReportRun:
    run = report_runs_visible_to(request.user).filter(pk=pk).first()
    if run is None:
        raise Http404
    return run


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One report's frozen figures, with the village/community and park breakdowns."""
    _require_reports(request)
    run = _run_or_404(request, pk)
    figures = run.figures or {}
    return render(
        request,
        "reports/run_detail.html",
        {
            "run": run,
            "rows": _rows(figures.get("kpis", {})),
            # Frozen with the run (issue 14); a run frozen before has none: "—".
            "honours": figures.get("honours"),
            "groups": [
                (gettext("按村（社区）"), figures.get("villages", [])),
                (gettext("按工业园区"), figures.get("parks", [])),
                (gettext("规上与规下企业"), figures.get("above_scale", [])),
            ],
        },
    )


@login_required
def run_status(request: HttpRequest, pk: int) -> JsonResponse:
    _require_reports(request)
    run = _run_or_404(request, pk)
    return JsonResponse(
        {"status": run.status, "status_label": run.get_status_display(), "stage": run.stage}
    )


@login_required
def run_download(request: HttpRequest, pk: int) -> FileResponse:
    """The report's workbook; every download is logged."""
    _require_reports(request)
    run = _run_or_404(request, pk)
    if run.status != ReportRun.Status.DONE or not run.file:
        raise Http404
    report_download_log(user=request.user, run=run)
    name = gettext("剡湖街道产改%(kind)s%(period)s-v%(version)s.xlsx") % {
        "kind": run.get_kind_display(),
        "period": run.period,
        "version": run.version,
    }
    return FileResponse(run.file.open("rb"), as_attachment=True, filename=name)


@login_required
@require_POST
def run_request(request: HttpRequest) -> HttpResponse:
    """Staff ask for a report now; it is built in the background."""
    if not is_sub_district_staff(request.user):
        raise PermissionDenied
    kind = request.POST.get("kind", ReportRun.Kind.QUARTERLY)
    if kind not in ReportRun.Kind.values:
        kind = ReportRun.Kind.QUARTERLY
    try:
        run = report_request(kind=kind, period=request.POST.get("period", ""), user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            gettext("已提交 %(period)s %(kind)s 的生成请求（版本 %(version)s）。")
            % {"period": run.period, "kind": run.get_kind_display(), "version": run.version},
        )
    return redirect("reports:figures")
