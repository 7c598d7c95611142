"""Writes of the periodic reports: request (idempotent per period), build (a Celery task's
body), the sweeper that re-sends requests the broker did not take, and logged downloads."""

import datetime
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext

from core.db_router import replica_reads
from core.periods import Period, Quarter
from core.rates import rate
from core.roles import Role, has_role, is_sub_district_staff
from core.services import audit_record, record_save
from enterprises.models import Enterprise
from reports.cache import warm_started
from reports.docx import progress_docx
from reports.models import (
    BaselinePeriod,
    FigureTarget,
    ReportDownload,
    ReportNarrative,
    ReportRun,
)
from reports.narrative import clean_text, narrative_published, task_feedback_texts
from reports.selectors import (
    fund_year_of,
    last_complete_period,
    quarter_report,
    report_figures,
    report_period,
    report_snapshot,
)
from reports.targets import (
    baseline_period_check,
    figure_comparisons,
    quarter_comparisons,
    target_keys,
    target_value_check,
)
from reports.workbook import ReportContent, report_workbook
from training.selectors import fund_compliance, institutes_falling_short
from unions.models import UnionCoverage
from workers.figures import worker_figures
from worklist.selectors import worklist_for_report

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
TITLES = {
    ReportRun.Kind.QUARTERLY: "剡湖街道产业工人队伍建设改革季度进展报告",
    ReportRun.Kind.MONTHLY: "剡湖街道产业工人队伍建设改革月度进展报告",
}


def _not_started_message(period: Period) -> str:
    if isinstance(period, Quarter):
        return gettext("%(year)s年第%(number)s季度尚未开始，不能生成进展报告。") % {
            "year": period.year,
            "number": period.number,
        }
    return gettext("%(year)s年%(number)s月尚未开始，不能生成进展报告。") % {
        "year": period.year,
        "number": period.number,
    }


def report_period_open(*, kind: str, period: str, today: datetime.date | None = None) -> Period:
    """The period a report may be built for: one that has started (INTERFACES.md: a quarter
    that has not started yet is refused), so no report of the future becomes the officials'
    latest. Raises ValidationError with a Chinese message, for a malformed period too."""
    try:
        requested = report_period(kind, period)
    except ValueError as exc:
        raise ValidationError(str(exc), code="period") from exc
    if requested.start > (today or timezone.localdate()):
        raise ValidationError(_not_started_message(requested), code="period_not_started")
    return requested


def report_figures_warm(*, today: datetime.date | None = None) -> None:
    """What the officials' page shows when it opens, computed into the cache (reports.cache):
    the current quarter's live figures and those of its comparison periods that have no built
    report. A Celery worker runs it after writes; without a shared cache it does nothing."""
    if not settings.FIGURES_CACHE_SECONDS:
        return
    warm_started()
    today = today or timezone.localdate()
    quarter_comparisons(quarter_report(str(Quarter.of(today)), today))


def _not_ended_message(period: Period) -> str:
    if isinstance(period, Quarter):
        return gettext(
            "%(year)s年第%(number)s季度尚未结束，只能为已结束的季度或月份申请生成报告。"
        ) % {"year": period.year, "number": period.number}
    return gettext("%(year)s年%(number)s月尚未结束，只能为已结束的季度或月份申请生成报告。") % {
        "year": period.year,
        "number": period.number,
    }


def report_request_check(*, user: Any, requested: Period, today: datetime.date) -> None:
    """Who may ask for a report (issue 16): staff for any period that has started, officials
    for a period that has ended (its figures are final), nobody else. `user` None is the
    scheduled job."""
    if user is None or is_sub_district_staff(user):
        return
    if not has_role(user, Role.OFFICIAL):
        raise PermissionDenied
    if requested.end >= today:
        raise ValidationError(_not_ended_message(requested), code="period_not_ended")


def finished_periods(kind: str, today: datetime.date, count: int) -> list[Period]:
    """The `count` periods of `kind` that ended most recently, newest first: what officials
    may pick for a report."""
    periods = [last_complete_period(kind, today)]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return periods


def report_request(*, kind: str, period: str, user: Any = None) -> ReportRun:
    """Ask for a period's report; the build runs in Celery after this transaction commits.

    While one request for the same period and kind is queued or running, asking again returns
    it (a unique constraint decides, so two beat processes or a double click make one run).
    A period that has not started is refused (`report_period_open`); who may ask for which
    period is `report_request_check`.
    """
    requested = report_period_open(kind=kind, period=period)
    report_request_check(
        user=user if getattr(user, "pk", None) else None,
        requested=requested,
        today=timezone.localdate(),
    )
    period, as_of = str(requested), requested.as_of()
    actor = user if getattr(user, "pk", None) else None
    try:
        with transaction.atomic():
            latest = ReportRun.objects.filter(kind=kind, period=period).aggregate(n=Max("version"))[
                "n"
            ]
            run = ReportRun.objects.create(
                kind=kind,
                period=period,
                as_of=as_of,
                version=(latest or 0) + 1,
                requested_by=actor,
            )
            audit_record(actor=actor, action="report.requested", target=run, period=period)
    except IntegrityError:
        active = ReportRun.objects.filter(
            kind=kind, period=period, status__in=ReportRun.ACTIVE
        ).first()
        if active is None:  # the other request finished meanwhile: ask again
            return report_request(kind=kind, period=period, user=user)
        return active
    transaction.on_commit(lambda: report_send(run.pk))
    return run


def report_send(run_id: int) -> bool:
    """Hand a requested run to Celery. With the broker down the run stays requested in the
    database and the sweeper sends it when the broker is back; the caller never waits."""
    from reports.tasks import report_build_task

    try:
        report_build_task.delay(run_id)
    except Exception:
        logger.warning("report %s not sent to the broker; the sweeper will", run_id, exc_info=True)
        return False
    return True


def reports_sweep(*, older_than: datetime.timedelta = datetime.timedelta(minutes=1)) -> int:
    """Send again what the broker never took, and give back runs whose worker vanished."""
    now = timezone.now()
    stale_running = now - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 300)
    ReportRun.objects.filter(status=ReportRun.Status.RUNNING, started_at__lt=stale_running).update(
        status=ReportRun.Status.REQUESTED
    )
    waiting = list(
        ReportRun.objects.filter(
            status=ReportRun.Status.REQUESTED, requested_at__lt=now - older_than
        ).values_list("pk", flat=True)
    )
    return sum(report_send(pk) for pk in waiting)


def _claim(run_id: int) -> ReportRun | None:
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status != ReportRun.Status.REQUESTED:
            return None  # gone, or another delivery has it, or done: nothing to do
        try:
            report_period_open(kind=run.kind, period=run.period)
        except ValidationError as exc:
            # Requested before such requests were refused: fail quietly, never build it.
            run.status = ReportRun.Status.FAILED
            run.error = " ".join(exc.messages)
            run.finished_at = timezone.now()
            run.save()
            return None
        run.attempts += 1
        if run.attempts > MAX_ATTEMPTS:
            run.status = ReportRun.Status.FAILED
            run.error = gettext("多次生成都未能完成，请检查后重新生成。")
            run.finished_at = timezone.now()
            run.save()
            return None
        run.status = ReportRun.Status.RUNNING
        run.started_at = timezone.now()
        run.stage = gettext("计算指标")
        run.save()
    return run


def _stage(run: ReportRun, text: str) -> None:
    if run.pk is not None:
        ReportRun.objects.filter(pk=run.pk).update(stage=text)


def report_build(*, run_id: int) -> None:
    """Freeze the figures as of the period's end and write the workbook; a second delivery of
    the same run does nothing. Database errors give the run back for the retry."""
    run = _claim(run_id)
    if run is None:
        return
    try:
        # The period has ended: its figures are read from the replica when there is one.
        with replica_reads():
            content = _content(run)
        _stage(run, gettext("生成表格"))
        data = report_workbook(content)
        with transaction.atomic():
            ReportRun.objects.select_for_update().filter(
                kind=run.kind, period=run.period, is_current=True
            ).update(is_current=False)
            run.figures = content.snapshot
            run.file.save(
                "%s-%s-v%d.xlsx" % (run.kind, run.period, run.version),
                ContentFile(data),
                save=False,
            )
            run.status = ReportRun.Status.DONE
            run.is_current = True
            run.stage = ""
            run.error = ""
            run.finished_at = timezone.now()
            run.save()
            audit_record(actor=None, action="report.done", target=run, period=run.period)
    except (OperationalError, InterfaceError):
        ReportRun.objects.filter(pk=run_id).update(status=ReportRun.Status.REQUESTED)
        raise
    except Exception as exc:
        logger.exception("report %s failed", run_id)
        ReportRun.objects.filter(pk=run_id).update(
            status=ReportRun.Status.FAILED,
            error=gettext("生成失败：%(error)s") % {"error": exc},
            finished_at=timezone.now(),
        )


def _content(run: ReportRun) -> ReportContent:

    # The worker figures once for the snapshot and the per-enterprise sheet, computed for this
    # run where its reads go (the replica when there is one), not from or into the cache.
    workers = worker_figures(run.as_of, sets=True, uncached=True)
    period = report_period(run.kind, run.period)
    snapshot = report_snapshot(run.as_of, workers, start=period.start, end=period.end)
    # Each figure beside its target, the baseline and the year before, frozen with the run so
    # a stored report shows what was reported (issue 15).
    snapshot["comparisons"] = figure_comparisons(run.kind, period, snapshot["kpis"], run.as_of)
    before = period.previous()
    previous_run = ReportRun.objects.filter(
        kind=run.kind, period=str(before), is_current=True, status=ReportRun.Status.DONE
    ).first()
    if previous_run is not None:
        previous = previous_run.figures
    else:  # never reported: the same figures as of the previous period's end, live
        previous = {"kpis": report_figures(as_of=before.as_of())}
    trend = [
        (r.period, r.figures)
        for r in ReportRun.objects.filter(
            kind=run.kind, is_current=True, status=ReportRun.Status.DONE, period__lt=run.period
        ).order_by("period")
    ] + [(run.period, snapshot)]

    _stage(run, gettext("整理企业明细"))
    counts = workers["enterprise"]
    fund_year = fund_year_of(run.as_of)  # DOMAIN.md: the year before the period's year
    funds = {
        row.enterprise.pk: row for row in fund_compliance(fund_year, sort="name", as_of=run.as_of)
    }
    covered = Exists(UnionCoverage.objects.active_on(run.as_of).filter(enterprise=OuterRef("pk")))
    enterprises, uncovered = [], []
    zero = {"workers": 0, "members": 0, "frontline": 0, "frontline_party": 0, "skilled": 0}
    for e in (
        Enterprise.objects.select_related("village", "park")
        .annotate(is_covered=covered)
        .order_by("-is_above_scale", "name")
    ):
        c = counts.get(e.pk, zero)
        fund = funds.get(e.pk)
        yes, no = gettext("是"), gettext("否")
        park = e.park.name if e.park else ""
        enterprises.append(
            [
                e.name,
                e.uscc,
                e.village.name,
                park,
                yes if e.is_above_scale else no,
                yes if e.is_covered else no,
                c["workers"],
                c["members"],
                rate(c["members"], c["workers"]),  # 4 decimals, shown as a percent
                c["frontline"],
                c["frontline_party"],
                c["skilled"],
                fund.status_label if fund else "",
            ]
        )
        if not e.is_covered:
            uncovered.append(
                [
                    e.name,
                    e.uscc,
                    e.village.name,
                    park,
                    yes if e.is_above_scale else no,
                    c["workers"],
                ]
            )
    fund_rows = [
        [
            row.enterprise.name,
            row.enterprise.uscc,
            row.enterprise.village.name,
            row.status_label,
            row.declaration.payroll if row.declaration else None,
            row.declaration.extracted if row.declaration else None,
            row.evaluation.extraction_rate if row.evaluation else None,
            row.shortfall if row.evaluation else None,
            row.declaration.spent if row.declaration else None,
            row.declaration.frontline_spent if row.declaration else None,
            row.evaluation.frontline_share if row.evaluation else None,
        ]
        for row in sorted(funds.values(), key=lambda r: (-r.shortfall, r.enterprise.name))
        if row.status != "compliant"
    ]
    feedback = task_feedback_texts(run.as_of)
    tasks = [
        [
            row.task.title,
            row.task.code,
            row.owners,
            row.task.deadline,
            row.percent,
            row.last_reported_on,
            gettext("是") if row.overdue else "",
            gettext("是") if row.silent else "",
            feedback.get(row.task.pk, ""),
        ]
        for row in worklist_for_report(run.as_of)
    ]
    institutes = [
        [
            standing.institute.name,
            standing.institute.get_kind_display(),
            standing.institute.enterprise.name if standing.institute.enterprise else "",
            "、".join(s.criterion for s in standing.shortfalls if s.reason == "not_met"),
            "、".join(s.criterion for s in standing.shortfalls if s.reason == "not_checked"),
        ]
        for standing in institutes_falling_short()
    ]
    return ReportContent(
        title=TITLES[ReportRun.Kind(run.kind)],
        period=run.period,
        as_of=run.as_of,
        generated_at=timezone.localtime(),
        generated_by=(
            run.requested_by.get_full_name() or run.requested_by.username
            if run.requested_by
            else gettext("定时任务")
        ),
        version=run.version,
        snapshot=snapshot,
        previous_period=str(before),
        previous=previous,
        trend=trend,
        enterprises=enterprises,
        uncovered=uncovered,
        funds=fund_rows,
        fund_year=fund_year,
        tasks=tasks,
        institutes=institutes,
        # The newest published progress section (the download view puts in a later one).
        narrative=narrative_published(run.kind, run.period),
    )


def report_download_log(*, user: Any, run: ReportRun) -> ReportDownload:
    return ReportDownload.objects.create(run=run, user=user if getattr(user, "pk", None) else None)


def report_file_for(*, kind: str, period: str) -> tuple[dict[str, Any], bytes]:
    """The figures and workbook of a period on demand (build_report --output), written the same
    way as a scheduled run but not recorded as one. A period that has not started is refused."""
    requested = report_period_open(kind=kind, period=period)
    period = str(requested)
    run = ReportRun(kind=kind, period=period, as_of=requested.as_of(), version=0)
    content = _content(run)
    # An ad-hoc export, not a stored run: the cover never claims a version or the scheduled
    # job made it (issue 16); the portal's versions are the stored runs.
    content.version = None
    content.generated_by = gettext("命令行导出（build_report）")
    return content.snapshot, report_workbook(content)


# --- the written progress section (issue 15) --------------------------------------------------


def report_narrative_save(
    *, user: Any, kind: str, period: str, work_done: str, problems: str, next_steps: str
) -> ReportNarrative:
    """Staff write a period's progress section: the draft is edited; when the newest version
    is published a new version is started as a draft (a published version is never changed).
    Saving the published text unchanged starts nothing."""
    if not is_sub_district_staff(user):
        raise PermissionDenied
    if kind not in ReportRun.Kind.values:
        raise ValidationError(gettext("报告类型不正确。"), code="kind")
    period = str(report_period_open(kind=kind, period=period))
    texts = {
        "work_done": clean_text(work_done).strip(),
        "problems": clean_text(problems).strip(),
        "next_steps": clean_text(next_steps).strip(),
    }
    with transaction.atomic():
        latest = (
            ReportNarrative.objects.select_for_update()
            .filter(kind=kind, period=period)
            .order_by("-version")
            .first()
        )
        if latest is not None and latest.status == ReportNarrative.Status.PUBLISHED:
            if all(getattr(latest, key) == value for key, value in texts.items()):
                return latest
        if latest is not None and latest.status == ReportNarrative.Status.DRAFT:
            narrative = latest
        else:
            narrative = ReportNarrative(
                kind=kind,
                period=period,
                version=(latest.version if latest else 0) + 1,
                status=ReportNarrative.Status.DRAFT,
                created_by=user,
            )
        for key, value in texts.items():
            setattr(narrative, key, value)
        narrative.full_clean()
        try:
            with transaction.atomic():
                narrative.save()
        except IntegrityError as exc:  # another editor started the same version meanwhile
            raise ValidationError(
                gettext("其他人刚刚保存了这一期的进展情况，请刷新后再试。"), code="conflict"
            ) from exc
        audit_record(
            actor=user,
            action="report.narrative_saved",
            target=narrative,
            period=period,
            version=narrative.version,
        )
    return narrative


def report_narrative_publish(*, user: Any, narrative: ReportNarrative) -> ReportNarrative:
    """Staff publish a draft: officials see it from now on (beside every report of its period,
    in the workbook and the Word document); it is never changed afterwards."""
    if not is_sub_district_staff(user):
        raise PermissionDenied
    with transaction.atomic():
        locked = ReportNarrative.objects.select_for_update().get(pk=narrative.pk)
        if locked.status != ReportNarrative.Status.DRAFT:
            raise ValidationError(gettext("这个版本已经发布。"), code="published")
        if not (locked.work_done or locked.problems or locked.next_steps):
            raise ValidationError(gettext("进展情况还没有内容，不能发布。"), code="empty")
        locked.status = ReportNarrative.Status.PUBLISHED
        locked.published_by = user
        locked.published_at = timezone.now()
        locked.full_clean()
        locked.save(update_fields=["status", "published_by", "published_at", "updated_at"])
        audit_record(
            actor=user,
            action="report.narrative_published",
            target=locked,
            period=locked.period,
            version=locked.version,
        )
    return locked


# --- targets and the baseline (issue 15) ------------------------------------------------------


def figure_target_save(*, user: Any, target: FigureTarget) -> FigureTarget:
    """Save a figure's target for a year, checked against its figure (a rate a fraction in
    [0, 1], a count a whole number ≥ 0), with an audit row."""
    if target.key not in dict(target_keys()):
        raise ValidationError({"key": gettext("请选择报告中的指标。")})
    try:
        target_value_check(target.key, target.value)
    except ValidationError as exc:
        raise ValidationError({"value": exc.messages}) from exc
    record_save(actor=user, instance=target, action="report.target_saved")
    return target


def baseline_period_save(*, user: Any, baseline: BaselinePeriod) -> BaselinePeriod:
    """Save a baseline period ("2021Q3", or a month "2021-07" for monthly reports); marking it
    current un-marks the previous current baseline of its kind in the same transaction. Audited."""
    try:
        baseline.period = baseline_period_check(baseline.kind, baseline.period)
    except ValidationError as exc:
        raise ValidationError({"period": exc.messages}) from exc
    with transaction.atomic():
        if baseline.is_current:
            replaced = list(
                BaselinePeriod.objects.select_for_update()
                .filter(kind=baseline.kind, is_current=True)
                .exclude(pk=baseline.pk)
            )
            for previous in replaced:
                previous.is_current = False
                record_save(actor=user, instance=previous, action="report.baseline_saved")
        record_save(actor=user, instance=baseline, action="report.baseline_saved")
    return baseline


def report_docx_for(*, period: Period, kpis: dict[str, Any], kind: str = "quarterly") -> bytes:
    """The Word progress report of a period on demand (build_report --docx): the figures given
    and the period's newest published progress section."""
    return progress_docx(
        kind=kind,
        period=period,
        as_of=period.as_of(),
        comparisons=figure_comparisons(kind, period, kpis, period.as_of()),
        narrative=narrative_published(kind, str(period)),
        today=timezone.localdate(),
    )
