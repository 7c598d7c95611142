"""Officials' reports page: the periodic reports with their downloads, the latest frozen
figures with trends over every quarter, village/park drill-down, and a live quarter table.
Aggregates only, never a named worker."""

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from core.db_router import replica_reads
from core.periods import Quarter
from core.roles import Role, has_role, is_sub_district_staff
from reports.docx import progress_docx
from reports.forms import NarrativeForm
from reports.models import ReportNarrative, ReportRun
from reports.narrative import (
    SECTIONS,
    narrative_versions,
    narrative_visible_to,
    workbook_with_narrative,
)
from reports.narrative import sections as narrative_sections
from reports.selectors import (
    FIGURE_KEYS,
    FIGURE_LABELS,
    RATE_KEYS,
    current_quarterly_reports,
    quarter_report,
    report_period,
    report_runs_visible_to,
    round_rows,
    trend_chart,
)
from reports.services import (
    finished_periods,
    report_download_log,
    report_narrative_publish,
    report_narrative_save,
    report_request,
)
from reports.targets import quarter_comparisons, stored_comparisons, with_comparisons
from reports.workbook import TREND_KEYS

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
@replica_reads()
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
    quarters = [str(q) for q in Quarter.recent(today)]
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
            # Each figure beside its target, the baseline and the year before (issue 15).
            "rows": with_comparisons(_rows(report["kpis"]), quarter_comparisons(report)),
            # The nomination rounds of the quarter shown: rounds and counts, nobody named.
            "rounds": round_rows(shown.start, shown.end),
            "quarters": quarters,
            "error": error,
            "latest": latest,
            # As frozen with the run; a run frozen before issue 15 shows "—".
            "latest_rows": (
                with_comparisons(_rows(latest.figures["kpis"]), latest.figures.get("comparisons"))
                if latest
                else []
            ),
            "trend": trend_chart([(r.period, r.figures) for r in quarterly], TREND_KEYS),
            "runs": page,
            "kinds": ReportRun.Kind.choices,
            "default_period": default,
            # Officials pick a period that has ended (issue 16); staff type any started one.
            "finished": [
                (kind, label, [str(p) for p in finished_periods(kind, today, count)])
                for (kind, label), count in zip(ReportRun.Kind.choices, (8, 12), strict=True)
            ],
            # The quarter's newest published progress section (issue 15).
            "narrative_sections": _published_sections(
                request, ReportRun.Kind.QUARTERLY, report["quarter"]
            ),
        },
    )


def _published_sections(request: HttpRequest, kind: str, period: str) -> dict[str, Any] | None:
    narrative = narrative_visible_to(request.user, kind, period)
    if narrative is None:
        return None
    return {"narrative": narrative, "sections": narrative_sections(narrative)}


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
            # With the comparison frozen with the run (issue 15); none before it: "—".
            "rows": with_comparisons(_rows(figures.get("kpis", {})), figures.get("comparisons")),
            # Frozen with the run (issue 14); a run frozen before has none: "—".
            "honours": figures.get("honours"),
            # The newest published progress section of the period (issue 15); never a draft.
            "narrative_sections": _published_sections(request, run.kind, run.period),
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
@replica_reads()
def run_download(request: HttpRequest, pk: int) -> FileResponse:
    """The report's workbook; every download is logged. Its 进展情况 sheet holds the newest
    published progress section at download time (one published after the build too)."""
    _require_reports(request)
    run = _run_or_404(request, pk)
    if run.status != ReportRun.Status.DONE or not run.file:
        raise Http404
    with run.file.open("rb") as stored:
        data = workbook_with_narrative(
            stored.read(), narrative_visible_to(request.user, run.kind, run.period)
        )
    report_download_log(user=request.user, run=run)
    name = gettext("剡湖街道产改%(kind)s%(period)s-v%(version)s.xlsx") % {
        "kind": run.get_kind_display(),
        "period": run.period,
        "version": run.version,
    }
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=name, content_type=XLSX_TYPE)


@login_required
@require_POST
def run_request(request: HttpRequest) -> HttpResponse:
    """Staff, and officials for a period that has ended, ask for a report now; it is built in
    the background (the rule: reports.services.report_request_check)."""
    _require_reports(request)
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


# --- the written progress section and the Word document (issue 15) ----------------------------


def _narrative_period(kind: str, period: str) -> str:
    if kind not in ReportRun.Kind.values:
        raise Http404
    try:
        return str(report_period(kind, period))
    except ValueError as exc:
        raise Http404 from exc


@login_required
def narrative_edit(request: HttpRequest, kind: str, period: str) -> HttpResponse:
    """Staff write a period's progress section: the draft (or a new version once published),
    a preview rendered as officials will see it, the versions and the publish button."""
    if not is_sub_district_staff(request.user):
        raise PermissionDenied
    period = _narrative_period(kind, period)
    versions = narrative_versions(request.user, kind, period)
    latest = versions[0] if versions else None
    draft = latest if latest and latest.status == ReportNarrative.Status.DRAFT else None
    previewing = None
    if request.method == "POST":
        form = NarrativeForm(request.POST)
        if form.is_valid():
            if "preview" in request.POST:
                previewing = ReportNarrative(kind=kind, period=period, **form.cleaned_data)
            else:
                try:
                    saved = report_narrative_save(
                        user=request.user, kind=kind, period=period, **form.cleaned_data
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    if saved.status == ReportNarrative.Status.DRAFT:
                        messages.success(
                            request,
                            gettext("已保存为草稿（版本 v%(version)s），发布后领导才能看到。")
                            % {"version": saved.version},
                        )
                    else:
                        messages.info(request, gettext("内容与已发布版本相同，未生成新版本。"))
                    return redirect("reports:narrative", kind=kind, period=period)
    else:
        form = NarrativeForm(
            initial={key: getattr(latest, key) for key, _label in SECTIONS} if latest else None
        )
    shown = previewing or draft or latest
    return render(
        request,
        "reports/narrative_edit.html",
        {
            "kind": kind,
            "kind_label": ReportRun.Kind(kind).label,
            "period": period,
            "form": form,
            "draft": draft,
            "versions": versions,
            "preview": shown,
            "preview_sections": narrative_sections(shown) if shown else [],
            "previewing": previewing is not None,
            "runs": ReportRun.objects.filter(kind=kind, period=period, status=ReportRun.Status.DONE)
            .only("pk", "version")
            .order_by("-version")[:5],
        },
    )


@login_required
@require_POST
def narrative_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff publish a draft of the progress section."""
    if not is_sub_district_staff(request.user):
        raise PermissionDenied
    narrative = ReportNarrative.objects.filter(pk=pk).first()
    if narrative is None:
        raise Http404
    try:
        report_narrative_publish(user=request.user, narrative=narrative)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            gettext("已发布进展情况（版本 v%(version)s）。") % {"version": narrative.version},
        )
    return redirect("reports:narrative", kind=narrative.kind, period=narrative.period)


@login_required
@replica_reads()
def run_docx(request: HttpRequest, pk: int) -> FileResponse:
    """The report as a Word document: the run's frozen figures and the newest published
    progress section (none: no written sections; drafts never); logged like the workbook."""
    _require_reports(request)
    run = _run_or_404(request, pk)
    if run.status != ReportRun.Status.DONE or not run.figures:
        raise Http404
    data = progress_docx(
        kind=run.kind,
        period=report_period(run.kind, run.period),
        as_of=run.as_of,
        comparisons=stored_comparisons(run.figures.get("kpis", {}), run.figures.get("comparisons")),
        narrative=narrative_visible_to(request.user, run.kind, run.period),
        today=timezone.localdate(),
    )
    report_download_log(user=request.user, run=run)
    name = gettext("剡湖街道产改工作进展情况%(period)s-v%(version)s.docx") % {
        "period": run.period,
        "version": run.version,
    }
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=name, content_type=DOCX_TYPE)
