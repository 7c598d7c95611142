"""The work list's admin writes through the worklist services as the page does: feedback,
attachments, tasks with milestones and owner units, each with one audit row; the page's
rules hold in the admin too."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditLog
from tests.admin_forms import admin_form_data
from tests.dates import today
from tests.factories import UserFactory
from worklist.models import FeedbackAttachment, Milestone, OwnerUnit, ReformTask, TaskFeedback
from worklist.services import MAX_ATTACHMENTS

pytestmark = pytest.mark.django_db


def feedback_data(client, task, **changes):
    page = client.get(reverse("admin:worklist_taskfeedback_add"))
    return admin_form_data(
        page,
        **{
            "task": str(task.pk),
            "reported_on": today().isoformat(),
            "percent": "30",
            "text": "  召开推进会  ",
            **changes,
        },
    )


def test_feedback_added_in_the_admin_is_the_staff_members_and_audited(client, staff_user):
    task = ReformTask.objects.get(code="1")
    client.force_login(staff_user)
    data = feedback_data(
        client,
        task,
        **{
            "attachments-TOTAL_FORMS": "1",
            "attachments-0-file": SimpleUploadedFile("会议纪要.txt", "纪要".encode()),
            "attachments-0-original_name": "会议纪要.txt",
        },
    )
    response = client.post(reverse("admin:worklist_taskfeedback_add"), data)
    assert response.status_code == 302
    feedback = TaskFeedback.objects.get()
    assert (feedback.author, feedback.text) == (staff_user, "召开推进会")
    assert feedback.attachments.get().original_name == "会议纪要.txt"
    assert sorted(AuditLog.objects.values_list("action", "actor")) == [
        ("worklist.attachment.saved", staff_user.pk),
        ("worklist.feedback.saved", staff_user.pk),
    ]


def test_feedback_dated_after_today_is_refused_as_on_the_page(client, staff_user):
    client.force_login(staff_user)
    tomorrow = (today() + datetime.timedelta(days=1)).isoformat()
    data = feedback_data(client, ReformTask.objects.get(code="1"), reported_on=tomorrow)
    response = client.post(reverse("admin:worklist_taskfeedback_add"), data)
    assert response.status_code == 200
    assert "反馈日期不能晚于今天" in response.content.decode()
    assert not TaskFeedback.objects.exists() and not AuditLog.objects.exists()


def test_a_report_keeps_at_most_the_pages_number_of_attachments(client, staff_user):
    feedback = TaskFeedback.objects.create(
        task=ReformTask.objects.get(code="2"), reported_on=today(), percent=10, text="x"
    )
    for n in range(MAX_ATTACHMENTS):
        FeedbackAttachment.objects.create(
            feedback=feedback,
            file=SimpleUploadedFile("%d.txt" % n, b"x"),
            original_name="%d.txt" % n,
        )
    client.force_login(staff_user)
    url = reverse("admin:worklist_taskfeedback_change", args=[feedback.pk])
    data = admin_form_data(
        client.get(url),
        **{
            "attachments-TOTAL_FORMS": str(MAX_ATTACHMENTS + 1),
            "attachments-%d-file" % MAX_ATTACHMENTS: SimpleUploadedFile("多余.txt", b"x"),
            "attachments-%d-original_name" % MAX_ATTACHMENTS: "多余.txt",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "附件最多 %d 个" % MAX_ATTACHMENTS in response.content.decode()
    assert feedback.attachments.count() == MAX_ATTACHMENTS and not AuditLog.objects.exists()


def test_a_task_with_owner_units_and_a_milestone_is_audited(client, staff_user):
    unit = OwnerUnit.objects.create(name="党建办")
    task = ReformTask.objects.get(code="3")
    client.force_login(staff_user)
    url = reverse("admin:worklist_reformtask_change", args=[task.pk])
    data = admin_form_data(
        client.get(url),
        **{
            "owner_units": [str(unit.pk)],
            "milestones-0-title": "出台实施细则",
            "milestones-0-due_on": "2025-06-30",
        },
    )
    assert client.post(url, data).status_code == 302
    assert list(task.owner_units.all()) == [unit]
    assert Milestone.objects.get(task=task).title == "出台实施细则"
    task_log = AuditLog.objects.get(action="worklist.task.saved")
    assert task_log.detail["changed"] == {"owner_units": [[], [unit.pk]]}
    assert AuditLog.objects.filter(action="worklist.milestone.saved", actor=staff_user).exists()


def test_owner_unit_members_change_through_the_service(client, staff_user):
    member = UserFactory(username="dangjian")
    client.force_login(staff_user)
    page = client.get(reverse("admin:worklist_ownerunit_add"))
    data = admin_form_data(page, name="党建办", members=[str(member.pk)])
    assert client.post(reverse("admin:worklist_ownerunit_add"), data).status_code == 302
    unit = OwnerUnit.objects.get()
    assert list(unit.members.all()) == [member]
    log = AuditLog.objects.get()
    assert (log.actor, log.action) == (staff_user, "worklist.owner_unit.saved")
    assert log.detail["changed"]["members"] == [[], [member.pk]]


def test_an_owner_unit_with_feedback_is_not_deleted(client, staff_user):
    unit = OwnerUnit.objects.create(name="党建办")
    TaskFeedback.objects.create(
        task=ReformTask.objects.get(code="1"), unit=unit, reported_on=today(), percent=5, text="x"
    )
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:worklist_ownerunit_changelist"),
        {"action": "delete_selected", "_selected_action": [unit.pk], "post": "yes"},
    )
    # Django's own check lists what protects it before anything is asked of the service.
    assert response.status_code == 200
    assert OwnerUnit.objects.exists() and not AuditLog.objects.exists()


def test_deleting_feedback_in_the_admin_is_audited(client, staff_user):
    feedback = TaskFeedback.objects.create(
        task=ReformTask.objects.get(code="1"), reported_on=today(), percent=5, text="x"
    )
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:worklist_taskfeedback_delete", args=[feedback.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not TaskFeedback.objects.exists()
    log = AuditLog.objects.get()
    assert (log.actor, log.action, log.object_id) == (
        staff_user,
        "worklist.feedback.deleted",
        str(feedback.pk),
    )
