"""The reform work list for staff, the owner units' reporters and, read-only, officials."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext

from core.roles import Role, has_role, is_sub_district_staff
from worklist.forms import TaskFeedbackForm
from worklist.models import FeedbackAttachment
from worklist.selectors import (
    may_post_feedback,
    worklist_status,
    worklist_task,
    worklist_visible_to,
)
from worklist.services import task_feedback_post


def _require_access(request: HttpRequest) -> None:
    if not (
        is_sub_district_staff(request.user) or has_role(request.user, Role.OFFICIAL, Role.WORKLIST)
    ):
        raise PermissionDenied


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    _require_access(request)
    today = timezone.localdate()
    rows = worklist_status(request.user, today)
    return render(
        request,
        "worklist/task_list.html",
        {
            "rows": rows,
            "today": today,
            "overdue": sum(r.overdue for r in rows),
            "silent": sum(r.silent for r in rows),
        },
    )


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_access(request)
    today = timezone.localdate()
    row = worklist_task(request.user, pk, today)
    if row is None:
        raise Http404
    may_post = may_post_feedback(request.user, row.task)
    form = TaskFeedbackForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not may_post:
            raise PermissionDenied
        if form.is_valid():
            try:
                task_feedback_post(user=request.user, task=row.task, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, gettext("进展反馈已提交。"))
                return redirect("worklist:detail", pk=pk)
    return render(
        request,
        "worklist/task_detail.html",
        {"row": row, "task": row.task, "form": form, "may_post": may_post, "today": today},
    )


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    _require_access(request)
    found = (
        FeedbackAttachment.objects.filter(
            pk=pk, feedback__task__in=worklist_visible_to(request.user)
        )
        .select_related("feedback")
        .first()
    )
    if found is None:
        raise Http404
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.original_name)
