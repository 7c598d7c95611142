"""Pages of honours: HR's nominations, staff's review of a round and its 公示 list, the craftsman
pool and the innovation studios. Thin: selectors read, services write."""

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from core.db_router import replica_reads
from core.http import xlsx_response
from core.models import PersonalDataAccess
from core.pagination import CountedPaginator
from core.roles import Role, has_role, is_sub_district_staff
from core.services import personal_data_access_record
from enterprises.filters import group_filters_from
from enterprises.models import IndustrialPark, Village
from enterprises.selectors import enterprises_acted_for
from enterprises.views import enterprise_acted_for_or_404, require_enterprise_actor
from honors.forms import (
    CraftsmanPoolChangeForm,
    NominationForm,
    NominationReviewForm,
    ObjectionForm,
    PublicityStartForm,
    StudioYearForm,
)
from honors.models import Nomination, NominationRound
from honors.pool import active_criteria
from honors.selectors import (
    POOL_REASONS,
    craftsman_pool_candidates,
    craftsman_pool_changes_recent,
    craftsman_pool_entries,
    criterion_description,
    may_see_craftsman_pool,
    nomination_candidates,
    nomination_flags,
    nomination_rounds_visible_to,
    nominations_visible_to,
    pool_entries,
    publicity_list,
    studio_list,
)
from honors.services import (
    craftsman_pool_add,
    craftsman_pool_remove,
    nomination_object,
    nomination_review,
    nomination_round_approve,
    nomination_round_publicity_start,
    nomination_submit,
    nomination_update,
)
from honors.services import nomination_withdraw as nomination_withdraw_service
from honors.workbook import honour_template, honour_template_filename
from imports.xlsx import Table, table_workbook
from workers.figures import figures_cached
from workers.models import Worker
from workers.selectors import workers_visible_to

# --- the honour register ----------------------------------------------------------------------


@login_required
def honours_template(request: HttpRequest) -> HttpResponse:
    """The 荣誉 template for staff, who load the city's lists with import_honours (a
    sub-district-wide data set, no enterprise page)."""
    if not is_sub_district_staff(request.user):
        raise PermissionDenied
    return xlsx_response(honour_template(), honour_template_filename())


# --- nomination rounds ------------------------------------------------------------------------


def _round_errors_onto(form: forms.Form, exc: ValidationError) -> None:
    """A service's refusal on the form: on its field when the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _round_staff_only(request: HttpRequest) -> None:
    if not is_sub_district_staff(request.user):
        raise PermissionDenied


@login_required
def nominations(request: HttpRequest) -> HttpResponse:
    """HR's nominations: the open rounds and their enterprise's nominations with status and
    reasons. HR of several enterprises (and staff acting for one) pick the enterprise first."""
    require_enterprise_actor(request)
    chosen = request.GET.get("enterprise", "")
    enterprise = None
    if chosen.isdigit():
        enterprise = enterprise_acted_for_or_404(request, int(chosen))
    else:
        enterprises = enterprises_acted_for(request.user)
        query = request.GET.get("q", "").strip()
        if query:
            enterprises = enterprises.filter(Q(name__contains=query) | Q(uscc__iexact=query))
        elif not is_sub_district_staff(request.user) and len(enterprises[:2]) == 1:
            enterprise = enterprises[0]
        if enterprise is None:
            page = Paginator(enterprises, 50).get_page(request.GET.get("page"))
            return render(
                request, "honors/nomination_enterprises.html", {"page": page, "query": query}
            )
    today = timezone.localdate()
    return render(
        request,
        "honors/nomination_list.html",
        {
            "enterprise": enterprise,
            "today": today,
            "open_rounds": NominationRound.objects.filter(
                status=NominationRound.Status.OPEN, closes_on__gte=today
            ).order_by("closes_on", "pk"),
            "nominations": nominations_visible_to(request.user)
            .filter(enterprise=enterprise)
            .order_by("-submitted_at", "-pk"),
        },
    )


def _nominations_url(enterprise_id: int) -> str:
    return "%s?enterprise=%d" % (reverse("honors:nominations"), enterprise_id)


@login_required
def nominate(request: HttpRequest, round_id: int, enterprise_id: int) -> HttpResponse:
    """HR put forward one of their current workers (or a team) in an open round."""
    require_enterprise_actor(request)
    enterprise = enterprise_acted_for_or_404(request, enterprise_id)
    round = (
        nomination_rounds_visible_to(request.user)
        .filter(pk=round_id, status=NominationRound.Status.OPEN)
        .first()
    )
    if round is None:
        raise Http404
    employees = nomination_candidates(request.user, enterprise, timezone.localdate())
    form = NominationForm(
        request.POST or None, request.FILES or None, is_team=round.is_team, employees=employees
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            nomination_submit(
                user=request.user,
                round=round,
                enterprise=enterprise,
                worker=data.get("worker"),
                team_name=data.get("team_name", ""),
                members=data.get("members") or (),
                post=data["post"],
                summary=data["summary"],
                deeds=data["deeds"],
                attachment=data.get("attachment"),
            )
        except ValidationError as exc:
            _round_errors_onto(form, exc)
        else:
            messages.success(request, gettext("推荐已提交，等待街道审核。"))
            return redirect(_nominations_url(enterprise.pk))
    return render(
        request,
        "honors/nomination_form.html",
        {"round": round, "enterprise": enterprise, "form": form, "nomination": None},
    )


def _nomination_or_404(request: HttpRequest, pk: int) -> Nomination:
    nomination = nominations_visible_to(request.user).filter(pk=pk).first()
    if nomination is None:
        raise Http404
    return nomination


@login_required
def nomination_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """HR change a nomination's materials while it awaits review within the window."""
    require_enterprise_actor(request)
    nomination = _nomination_or_404(request, pk)
    employees = nomination_candidates(request.user, nomination.enterprise, timezone.localdate())
    initial = {
        "team_name": nomination.team_name,
        "members": list(nomination.members.values_list("pk", flat=True)),
        "post": nomination.post,
        "summary": nomination.summary,
        "deeds": nomination.deeds,
    }
    form = NominationForm(
        request.POST or None,
        request.FILES or None,
        is_team=nomination.round.is_team,
        employees=employees,
        editing=True,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            nomination_update(
                user=request.user,
                nomination=nomination,
                post=data["post"],
                summary=data["summary"],
                deeds=data["deeds"],
                team_name=data.get("team_name"),
                members=data.get("members") if "members" in form.fields else None,
                attachment=data.get("attachment") or None,
            )
        except ValidationError as exc:
            _round_errors_onto(form, exc)
        else:
            messages.success(request, gettext("推荐材料已修改。"))
            return redirect(_nominations_url(nomination.enterprise_id))
    return render(
        request,
        "honors/nomination_form.html",
        {
            "round": nomination.round,
            "enterprise": nomination.enterprise,
            "form": form,
            "nomination": nomination,
        },
    )


@login_required
@require_POST
def nomination_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    require_enterprise_actor(request)
    nomination = _nomination_or_404(request, pk)
    try:
        nomination_withdraw_service(user=request.user, nomination=nomination)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, gettext("推荐已撤回。"))
    return redirect(_nominations_url(nomination.enterprise_id))


@login_required
def nomination_attachment(request: HttpRequest, pk: int) -> FileResponse:
    """The 事迹材料 attachment under its original name: staff and the nominating enterprise's
    HR; anyone else is told it does not exist."""
    nomination = nominations_visible_to(request.user).filter(pk=pk).exclude(attachment="").first()
    if nomination is None:
        raise Http404
    personal_data_access_record(
        actor=request.user,
        action=PersonalDataAccess.Action.DOWNLOAD_ORIGINAL,
        object_type=nomination,
        object_id=nomination.pk,
        detail={"file": nomination.attachment_name},
    )
    return FileResponse(
        nomination.attachment.open("rb"),
        as_attachment=True,
        filename=nomination.attachment_name or "attachment",
    )


@login_required
def rounds(request: HttpRequest) -> HttpResponse:
    """Staff: every round with its counts, each leading to its page. HR, union officers and
    officials: the rounds on 公示 (or approved), each leading to its 公示 list."""
    if not (
        is_sub_district_staff(request.user)
        or has_role(request.user, Role.HR, Role.UNION_OFFICER, Role.OFFICIAL)
    ):
        raise PermissionDenied
    visible = nomination_rounds_visible_to(request.user)
    if not is_sub_district_staff(request.user):
        visible = visible.exclude(status=NominationRound.Status.OPEN)
    statuses = Nomination.Status
    visible = visible.annotate(
        nominated=Count("nominations", filter=~Q(nominations__status=statuses.WITHDRAWN)),
        waiting=Count("nominations", filter=Q(nominations__status=statuses.SUBMITTED)),
        accepted=Count(
            "nominations", filter=Q(nominations__status__in=[statuses.ACCEPTED, statuses.APPROVED])
        ),
    ).order_by("-opens_on", "-pk")
    page = Paginator(visible, 50).get_page(request.GET.get("page"))
    return render(request, "honors/round_list.html", {"page": page})


def _round_action(
    request: HttpRequest, round: NominationRound
) -> tuple[dict[str, forms.Form], bool]:
    """The round page's forms, the posted one bound; True when its service accepted it."""
    action = request.POST.get("action", "") if request.method == "POST" else ""
    review = NominationReviewForm(request.POST if action == "review" else None, prefix="review")
    publicity = PublicityStartForm(
        request.POST if action == "publicity" else None, prefix="publicity"
    )
    objection = ObjectionForm(request.POST if action == "object" else None, prefix="object")
    approve = forms.Form(request.POST if action == "approve" else None)
    found = {"review": review, "publicity": publicity, "object": objection, "approve": approve}
    form = found.get(action)
    if form is None or not form.is_valid():
        return found, False
    data = form.cleaned_data
    nomination = None
    if "nomination" in data:
        nomination = round.nominations.filter(pk=data["nomination"]).first()
        if nomination is None:
            raise Http404
    try:
        if action == "review" and nomination is not None:
            nomination_review(
                user=request.user,
                nomination=nomination,
                accept=data["accept"],
                reason=data["reason"],
            )
            done = gettext("审核结果已保存。")
        elif action == "publicity":
            nomination_round_publicity_start(
                user=request.user,
                round=round,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
            )
            done = gettext("已开始公示。")
        elif action == "object" and nomination is not None:
            nomination_object(user=request.user, nomination=nomination, reason=data["reason"])
            done = gettext("异议已登记，该人选已取消。")
        elif action == "approve":
            honours = nomination_round_approve(user=request.user, round=round)
            done = gettext("已批准，授予%(count)d个荣誉。") % {"count": len(honours)}
        else:  # a form without its nomination: nothing to act on
            raise Http404
    except ValidationError as exc:
        _round_errors_onto(form, exc)
        return found, False
    messages.success(request, done)
    return found, True


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff's page of a round: its nominations with their eligibility flags, review,
    公示, objection and approval, and every step with who and when."""
    _round_staff_only(request)
    round = get_object_or_404(NominationRound.objects.select_related("approved_by"), pk=pk)
    found, done = _round_action(request, round)
    if done:
        return redirect("honors:round_detail", pk=round.pk)
    today = timezone.localdate()
    rows = list(
        round.nominations.select_related("enterprise", "worker", "submitted_by").order_by(
            "submitted_at", "pk"
        )
    )
    for row in rows:
        row.round = round  # the flags read the round's rules: no query per row
    flags = nomination_flags(rows, today)
    for row in rows:
        row.flags = flags[row.pk]  # type: ignore[attr-defined]
    steps = round.steps.select_related("actor", "nomination__worker").order_by("at", "pk")
    counts = {status: 0 for status in Nomination.Status.values}
    for row in rows:
        counts[row.status] += 1
    publicity_form = found["publicity"]
    if not publicity_form.is_bound:
        publicity_form.initial = {"starts_on": today, "ends_on": today + datetime.timedelta(days=6)}
    return render(
        request,
        "honors/round_detail.html",
        {
            "round": round,
            "rows": rows,
            "steps": steps,
            "today": today,
            "counts": counts,
            "live": counts["submitted"] + counts["accepted"],
            "review_form": found["review"],
            "publicity_form": publicity_form,
            "objection_form": found["object"],
            "approve_form": found["approve"],
            "action_forms": list(found.values()),
            "row_forms": [found["review"], found["object"]],
            "in_publicity": round.status == NominationRound.Status.PUBLICITY
            and round.publicity_starts_on is not None
            and round.publicity_ends_on is not None
            and round.publicity_starts_on <= today <= round.publicity_ends_on,
        },
    )


def _publicity_round_or_404(request: HttpRequest, pk: int) -> NominationRound:
    """A 公示 is a public notice: every logged-in role but the work list's reporters sees it
    once it has started; before that staff only."""
    round = nomination_rounds_visible_to(request.user).filter(pk=pk).first()
    if round is None or (
        round.status == NominationRound.Status.OPEN and not is_sub_district_staff(request.user)
    ):
        raise Http404
    return round


def publicity_title(round: NominationRound) -> str:
    """ "2026年度剡湖街道基层劳模推评" → "关于2026年度剡湖街道基层劳模推荐人选的公示"."""
    title = round.title.removesuffix("推评").removesuffix("活动")
    return gettext("关于%(title)s推荐人选的公示") % {"title": title}


def _publicity_rows(round: NominationRound) -> list[list[Any]]:
    return [
        [
            number,
            nomination.nominee_name,
            nomination.enterprise.name,
            nomination.post,
            nomination.summary,
        ]
        for number, nomination in enumerate(publicity_list(round), start=1)
    ]


@login_required
def publicity(request: HttpRequest, pk: int) -> HttpResponse:
    """The print-ready 公示 list: 序号, 姓名（集体名称）, 企业, 岗位, 事迹简介; never an ID
    number."""
    round = _publicity_round_or_404(request, pk)
    return render(
        request,
        "honors/round_publicity.html",
        {"round": round, "title": publicity_title(round), "rows": _publicity_rows(round)},
    )


@login_required
def publicity_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The 公示 list as a Chinese .xlsx with the page's columns."""
    round = _publicity_round_or_404(request, pk)
    notes = [publicity_title(round)]
    if round.publicity_starts_on and round.publicity_ends_on:
        notes.append(
            gettext("公示时间：%(start)s至%(end)s")
            % {
                "start": round.publicity_starts_on.isoformat(),
                "end": round.publicity_ends_on.isoformat(),
            }
        )
    content = table_workbook(
        [
            Table(
                title=gettext("公示名单"),
                headers=[
                    gettext("序号"),
                    gettext("姓名（集体名称）"),
                    gettext("企业"),
                    gettext("岗位"),
                    gettext("事迹简介"),
                ],
                rows=_publicity_rows(round),
                widths=[6, 24, 30, 18, 60],
                notes=notes,
            )
        ]
    )
    return xlsx_response(content, "%s.xlsx" % publicity_title(round))


# --- the craftsman pool and innovation studios ------------------------------------------------


def _require_pool_viewer(request: HttpRequest) -> None:
    if not may_see_craftsman_pool(request.user):
        raise PermissionDenied


def _pool_filters(request: HttpRequest) -> dict[str, Any]:
    """?village=3&park=none&enterprise=名称&reason=honour&q=姓名 (a malformed value filters
    nothing, as the other lists do)."""
    groups = group_filters_from(request.GET)
    groups.pop("above_scale", None)
    reason = request.GET.get("reason", "")
    return {
        **groups,
        "enterprise": request.GET.get("enterprise", "").strip()[:100],
        "reason": reason if reason in POOL_REASONS else "",
        "search": request.GET.get("q", "").strip()[:50],
    }


def _pool_query(filters: dict[str, Any]) -> str:
    params = {
        "village": filters.get("village"),
        "park": "none" if filters.get("no_park") else filters.get("park"),
        "enterprise": filters["enterprise"],
        "reason": filters["reason"],
        "q": filters["search"],
    }
    return urlencode({key: value for key, value in params.items() if value not in (None, "")})


@login_required
@replica_reads()
def craftsmen(request: HttpRequest) -> HttpResponse:
    """The craftsman pool today (工匠库, seed measure 7) with why each worker is in it, the
    active criteria in words and the latest manual changes; staff add and remove by hand."""
    _require_pool_viewer(request)
    filters = _pool_filters(request)
    criteria = active_criteria()
    workers = craftsman_pool_entries(None, request.user, criteria=criteria, **filters)
    # Counting the pool scans every active worker (60 ms at 100,000): kept under the worker
    # figures' version, which writes to jobs, workers, certificates, competition results,
    # honours and the pool's criteria and manual changes move (honors.figures.register).
    counted = "honors:pool:%s:%s:%s" % (
        timezone.localdate().isoformat(),
        _pool_query(filters),
        ",".join(str(criterion.pk) for criterion in criteria),
    )
    page = CountedPaginator(
        workers, 50, count_of=lambda: figures_cached(counted, workers.count)
    ).get_page(request.GET.get("page"))
    is_staff = is_sub_district_staff(request.user)
    candidate = request.GET.get("candidate", "").strip()[:50] if is_staff else ""
    return render(
        request,
        "honors/craftsmen_list.html",
        {
            "page": page,
            "entries": pool_entries(page.object_list, criteria),
            "criteria": [criterion_description(criterion) for criterion in criteria],
            "changes": craftsman_pool_changes_recent(request.user, limit=10),
            "filters": filters,
            "query": _pool_query(filters),
            "villages": Village.objects.order_by("name"),
            "parks": IndustrialPark.objects.order_by("name"),
            "reasons": [(key, str(label)) for key, label in POOL_REASONS.items()],
            "can_change": is_staff,
            "candidate": candidate,
            "candidates": list(craftsman_pool_candidates(request.user, candidate)),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def craftsmen_change(request: HttpRequest) -> HttpResponse:
    """Staff add a worker to the pool or take one out, with a reason (honors.services)."""
    if not is_sub_district_staff(request.user):
        raise PermissionDenied
    form = CraftsmanPoolChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("请填写理由后再提交。"))
        return redirect("honors:craftsmen")
    worker = get_object_or_404(
        workers_visible_to(request.user).only("name"), pk=form.cleaned_data["worker"]
    )
    service = craftsman_pool_add if form.cleaned_data["action"] == "add" else craftsman_pool_remove
    try:
        service(user=request.user, worker=worker, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        done = (
            gettext("已将“%(name)s”人工纳入工匠库。")
            if form.cleaned_data["action"] == "add"
            else gettext("已将“%(name)s”移出工匠库。")
        )
        messages.success(request, done % {"name": worker.name})
    return redirect("honors:craftsmen")


@login_required
@replica_reads()
def craftsmen_export(request: HttpRequest) -> HttpResponse:
    """The pool today (with the page's filters) as .xlsx: names, employer, post, effective
    skill level and why, never an ID number; names reach the file, so the download is logged
    with its count (as training:skills_export)."""
    _require_pool_viewer(request)
    filters = _pool_filters(request)
    criteria = active_criteria()
    day = timezone.localdate()
    entries = pool_entries(
        craftsman_pool_entries(day, request.user, criteria=criteria, **filters).iterator(),
        criteria,
    )
    personal_data_access_record(
        actor=request.user,
        action=PersonalDataAccess.Action.EXPORT,
        object_type=Worker,
        count=len(entries),
        detail={"export": "honors:craftsmen_export", "date": day.isoformat()},
    )
    table = Table(
        title=gettext("工匠库"),
        headers=[
            gettext("姓名"),
            gettext("工作单位"),
            gettext("岗位"),
            gettext("职业技能等级（含证书）"),
            gettext("入库依据"),
        ],
        rows=([e.name, e.employer, e.post, e.skill_level, "；".join(e.reasons)] for e in entries),
        widths=[12, 30, 16, 18, 60],
        notes=[gettext("截至 %(day)s") % {"day": day.isoformat()}],
    )
    return xlsx_response(
        table_workbook([table]), gettext("工匠库（截至%(day)s）.xlsx") % {"day": day.isoformat()}
    )


@login_required
def studios(request: HttpRequest) -> HttpResponse:
    """劳模工匠创新工作室 with their yearly results: staff and union officers every studio, HR
    their own enterprises' (officials get the figures through the report)."""
    if not (
        is_sub_district_staff(request.user)
        or has_role(request.user, Role.UNION_OFFICER)
        or has_role(request.user, Role.HR)
    ):
        raise PermissionDenied
    form = StudioYearForm(request.GET or None)
    year = form.cleaned_data["year"] if form.is_valid() else None
    return render(
        request,
        "honors/studios_list.html",
        {"studios": studio_list(request.user, year=year), "form": form, "year": year},
    )
