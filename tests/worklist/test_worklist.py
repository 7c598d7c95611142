"""The reform work list: the plan's tasks, owners' feedback, what stands out (issue 6)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.periods import Quarter
from tests.dates import today
from tests.factories import UserFactory
from worklist.models import Milestone, OwnerUnit, ReformTask, TaskFeedback
from worklist.selectors import worklist_status
from worklist.services import task_feedback_post

pytestmark = pytest.mark.django_db


def test_the_plan_seeds_eleven_measures_and_three_organisational_items():
    tasks = list(ReformTask.objects.order_by("order"))
    assert len(tasks) == 14
    assert [t.code for t in tasks[:11]] == [str(n) for n in range(1, 12)]
    assert {t.section for t in tasks[11:]} == {ReformTask.Section.ORGANISATION}
    assert ReformTask.objects.get(code="11").title == "加强投入力度"


@pytest.fixture
def unit(staff_user):
    unit = OwnerUnit.objects.create(name="党建办")
    unit.members.add(staff_user)
    task = ReformTask.objects.get(code="1")
    task.owner_units.add(unit)
    return unit


def flags(user, code):
    row = next(r for r in worklist_status(user, today()) if r.task.code == code)
    return row.overdue, row.silent, row.percent


def test_overdue_and_silent_tasks_stand_out(staff_user, unit):
    task = ReformTask.objects.get(code="1")
    assert flags(staff_user, "1") == (False, True, None)  # no feedback at all yet
    task.deadline = today() - datetime.timedelta(days=1)
    task.save()
    assert flags(staff_user, "1")[0] is True
    task_feedback_post(
        user=staff_user, task=task, reported_on=today(), percent=60, text="已发展党员3名"
    )
    assert flags(staff_user, "1") == (True, False, 60)
    task_feedback_post(user=staff_user, task=task, reported_on=today(), percent=100, text="完成")
    assert flags(staff_user, "1") == (False, False, 100)

    other = ReformTask.objects.get(code="2")
    Milestone.objects.create(task=other, title="方案", due_on=today() - datetime.timedelta(days=3))
    assert flags(staff_user, "2")[0] is True
    last_quarter = Quarter.of(today()).previous().end
    TaskFeedback.objects.create(task=other, reported_on=last_quarter, percent=10, text="x")
    assert flags(staff_user, "2")[1] is True  # only last quarter's feedback


def test_only_owner_unit_members_post_feedback_and_dates_are_checked(staff_user, unit, roles):
    task = ReformTask.objects.get(code="1")
    outsider = UserFactory(is_staff=True)
    outsider.groups.add(*staff_user.groups.all())
    with pytest.raises(PermissionDenied):
        task_feedback_post(user=outsider, task=task, reported_on=today(), percent=5, text="x")
    # A task nobody owns yet: any staff may report on it.
    task_feedback_post(
        user=outsider,
        task=ReformTask.objects.get(code="2"),
        reported_on=today(),
        percent=5,
        text="x",
    )
    with pytest.raises(ValidationError):
        task_feedback_post(
            user=staff_user,
            task=task,
            reported_on=today() + datetime.timedelta(days=1),
            percent=5,
            text="x",
        )
    assert not TaskFeedback.objects.filter(task=task).exists()


def test_feedback_with_an_attachment_through_the_page(
    client, staff_user, unit, official_user, hr_user
):
    task = ReformTask.objects.get(code="1")
    client.force_login(staff_user)
    response = client.post(
        reverse("worklist:detail", args=[task.pk]),
        {
            "reported_on": today().isoformat(),
            "percent": "40",
            "text": "召开主题党日活动",
            "attachments": [SimpleUploadedFile("照片说明.txt", "活动记录".encode())],
        },
    )
    assert response.status_code == 302
    feedback = TaskFeedback.objects.get()
    assert (feedback.unit, feedback.author, feedback.percent) == (unit, staff_user, 40)
    attachment = feedback.attachments.get()

    client.force_login(official_user)
    page = client.get(reverse("worklist:list")).content.decode()
    assert "40%" in page
    detail = client.get(reverse("worklist:detail", args=[task.pk])).content.decode()
    assert "召开主题党日活动" in detail and "feedback-form" not in detail
    download = client.get(reverse("worklist:attachment", args=[attachment.pk]))
    assert b"".join(download.streaming_content).decode() == "活动记录"
    assert (
        client.post(
            reverse("worklist:detail", args=[task.pk]),
            {"reported_on": today().isoformat(), "percent": "1", "text": "x"},
        ).status_code
        == 403
    )

    client.force_login(hr_user)
    assert client.get(reverse("worklist:list")).status_code == 403
    assert client.get(reverse("worklist:attachment", args=[attachment.pk])).status_code == 403
