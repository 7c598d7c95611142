"""The work list's own role (issue 12): a 线办/中心 member who reports progress on its tasks and
sees nothing else."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.roles import Role
from tests.dates import today
from tests.factories import WorkerFactory
from worklist.models import OwnerUnit, ReformTask, TaskFeedback
from worklist.services import task_feedback_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned_task(worklist_user):
    unit = OwnerUnit.objects.create(name="组织办")
    unit.members.add(worklist_user)
    task = ReformTask.objects.get(code="3")
    task.owner_units.add(unit)
    return task


def test_the_role_holds_only_work_list_permissions(worklist_user):
    granted = set(
        Group.objects.get(name=Role.WORKLIST).permissions.values_list(
            "content_type__app_label", flat=True
        )
    )
    assert granted == {"worklist"}
    assert not worklist_user.has_perm("worklist.change_reformtask")
    assert not worklist_user.has_perm("workers.view_worker")


def test_a_reporter_sees_the_work_list_and_posts_feedback_on_its_task(
    client, worklist_user, owned_task
):
    client.force_login(worklist_user)
    home = client.get("/")  # the home page (issue 16) links the work list
    assert home.status_code == 200 and 'href="%s"' % reverse("worklist:list") in home.text
    page = client.get(reverse("worklist:list"))
    assert page.status_code == 200 and owned_task.title in page.content.decode()

    response = client.post(
        reverse("worklist:detail", args=[owned_task.pk]),
        {"reported_on": today().isoformat(), "percent": "30", "text": "已召开推进会"},
    )

    assert response.status_code == 302
    feedback = TaskFeedback.objects.get()
    assert (feedback.task, feedback.author, feedback.percent) == (owned_task, worklist_user, 30)
    assert feedback.unit.name == "组织办"


def test_a_reporter_posts_only_on_its_units_tasks(client, worklist_user, owned_task):
    other = ReformTask.objects.get(code="4")
    other.owner_units.add(OwnerUnit.objects.create(name="经发办"))
    nobodys = ReformTask.objects.get(code="5")
    client.force_login(worklist_user)
    for task in (other, nobodys):
        assert client.get(reverse("worklist:detail", args=[task.pk])).status_code == 200
        response = client.post(
            reverse("worklist:detail", args=[task.pk]),
            {"reported_on": today().isoformat(), "percent": "30", "text": "x"},
        )
        assert response.status_code == 403
        with pytest.raises(PermissionDenied):
            task_feedback_post(
                user=worklist_user, task=task, reported_on=today(), percent=1, text="x"
            )
    assert not TaskFeedback.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/workers/",
        "/workers/roster/",
        "/unions/",
        "/unions/enterprises/",
        "/reports/",
        "/training/",
        "/admin/",
        "/admin/workers/worker/",
        "/admin/enterprises/enterprise/",
        "/admin/worklist/taskfeedback/",
    ],
)
def test_a_reporter_reaches_no_personal_data(client, worklist_user, path):
    worker = WorkerFactory()
    client.force_login(worklist_user)
    response = client.get(path)
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert "/login/" in response.headers["Location"]
    detail = client.get("/workers/%s/" % worker.pk)
    assert detail.status_code in (403, 404)
    admin_detail = client.get("/admin/workers/worker/%s/change/" % worker.pk)
    assert admin_detail.status_code == 302 and "/login/" in admin_detail.headers["Location"]
