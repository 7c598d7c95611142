"""Personal data by role and the personal-data access log (issue 12)."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from core.identity import mask_id_number, mask_phone
from core.models import PersonalDataAccess
from core.roles import Role
from tests.factories import (
    EmploymentFactory,
    EnterpriseFactory,
    ImportRecordFactory,
    UserFactory,
    WorkerFactory,
)
from workers.selectors import (
    PERSONAL_FULL,
    PERSONAL_MASKED,
    PERSONAL_NONE,
    worker_personal_view,
)

pytestmark = pytest.mark.django_db
Action = PersonalDataAccess.Action


@pytest.fixture
def people(hr_user):
    own = EnterpriseFactory(name="本企业")
    own.hr_users.add(hr_user)
    current = WorkerFactory(name="在职职工", phone="13911112222")
    EmploymentFactory(worker=current, enterprise=own)
    former = WorkerFactory(name="离职职工", phone="13933334444")
    EmploymentFactory(
        worker=former,
        enterprise=own,
        hire_date=datetime.date(2015, 1, 1),
        departure_date=datetime.date(2019, 12, 31),
    )
    # Re-hired elsewhere: the former employer must not get the new phone.
    EmploymentFactory(worker=former, enterprise=EnterpriseFactory(name="新企业"))
    return {"own": own, "current": current, "former": former}


def test_views_by_role(people, staff_user, hr_user, union_user, official_user):
    current, former = people["current"], people["former"]
    assert worker_personal_view(hr_user, current) == PERSONAL_FULL
    assert worker_personal_view(hr_user, former) == PERSONAL_MASKED
    assert worker_personal_view(staff_user, current) == PERSONAL_MASKED
    assert worker_personal_view(staff_user, current, reveal=True) == PERSONAL_FULL
    assert worker_personal_view(union_user, current) == PERSONAL_NONE
    assert worker_personal_view(official_user, current) == PERSONAL_NONE


def test_staff_role_holds_the_unmask_permission(staff_user, union_user, hr_user):
    assert staff_user.has_perm("workers.view_full_id_number")
    assert not union_user.has_perm("workers.view_full_id_number")
    assert not hr_user.has_perm("workers.view_full_id_number")


def test_hr_page_of_a_current_employee_is_full_and_logged(client, people, hr_user):
    client.force_login(hr_user)
    current = people["current"]
    body = client.get(reverse("workers:detail", args=[current.pk])).content.decode()
    assert current.id_number in body and current.phone in body
    log = PersonalDataAccess.objects.get()
    assert (log.actor, log.action, log.object_id) == (hr_user, Action.VIEW, str(current.pk))
    assert log.detail["full"] is True


def test_hr_page_of_a_former_employee_is_masked_without_phone(client, people, hr_user):
    client.force_login(hr_user)
    former = people["former"]
    body = client.get(reverse("workers:detail", args=[former.pk])).content.decode()
    assert former.id_number not in body and mask_id_number(former.id_number) in body
    assert former.phone not in body and mask_phone(former.phone) not in body
    assert former.birth_date.isoformat() not in body
    assert "新企业" not in body
    # HR cannot unmask.
    assert client.post(reverse("workers:detail", args=[former.pk])).status_code == 403


def test_staff_page_is_masked_until_unmasked_by_post(client, people, staff_user):
    client.force_login(staff_user)
    current = people["current"]
    url = reverse("workers:detail", args=[current.pk])
    body = client.get(url).content.decode()
    assert current.id_number not in body and mask_id_number(current.id_number) in body
    assert current.phone not in body and current.birth_date.isoformat() not in body
    assert "显示完整身份证号" in body
    revealed = client.post(url).content.decode()
    assert current.id_number in revealed and current.phone in revealed
    assert list(PersonalDataAccess.objects.values_list("action", flat=True)) == [
        Action.REVEAL,
        Action.VIEW,
    ]


def test_unmask_needs_csrf(people, staff_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    url = reverse("workers:detail", args=[people["current"].pk])
    assert client.post(url).status_code == 403
    admin_url = reverse("admin:workers_worker_reveal", args=[people["current"].pk])
    assert client.post(admin_url).status_code == 403
    assert not PersonalDataAccess.objects.filter(action=Action.REVEAL).exists()


def test_admin_change_page_logs_and_unmask_logs(client, people, staff_user):
    client.force_login(staff_user)
    current = people["current"]
    change = client.get(reverse("admin:workers_worker_change", args=[current.pk]))
    assert current.id_number not in change.content.decode()
    revealed = client.post(reverse("admin:workers_worker_reveal", args=[current.pk]))
    assert current.id_number in revealed.content.decode()
    assert current.phone in revealed.content.decode()
    actions = set(PersonalDataAccess.objects.values_list("action", flat=True))
    assert actions == {Action.VIEW, Action.REVEAL}


def test_roster_export_is_logged_with_its_count(client, people, hr_user):
    client.force_login(hr_user)
    url = reverse("workers:roster_export", args=[people["own"].pk])
    assert client.get(url).status_code == 200
    log = PersonalDataAccess.objects.get()
    assert (log.action, log.record_count) == (Action.EXPORT, 1)


def test_admin_export_with_personal_columns_is_logged(client, people, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("admin:workers_worker_export_xlsx")).status_code == 200
    log = PersonalDataAccess.objects.get()
    assert (log.action, log.object_type, log.record_count) == (Action.EXPORT, "workers.Worker", 2)
    assert "身份证号" in log.detail["columns"]


def test_union_export_has_no_personal_columns_and_no_log(client, people, union_user):
    client.force_login(union_user)
    assert client.get(reverse("admin:workers_worker_export_xlsx")).status_code == 200
    assert not PersonalDataAccess.objects.exists()


def test_downloads_are_logged(client, people, hr_user, staff_user):
    record = ImportRecordFactory(enterprise=people["own"], uploaded_by=hr_user)
    client.force_login(hr_user)
    assert (
        client.get(reverse("workers:roster_upload_original", args=[record.pk])).status_code == 200
    )
    client.force_login(staff_user)
    url = reverse("admin:imports_importrecord_download", args=[record.pk])
    assert client.get(url).status_code == 200
    assert list(PersonalDataAccess.objects.values_list("action", "object_id")) == [
        (Action.DOWNLOAD_ORIGINAL, str(record.pk)),
        (Action.DOWNLOAD_ORIGINAL, str(record.pk)),
    ]


def test_nobody_writes_the_access_log_in_the_admin(client, people, staff_user):
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    log = PersonalDataAccess.objects.create(actor=staff_user, action=Action.VIEW)
    for user in (staff_user, superuser):
        client.force_login(user)
        assert client.get(reverse("admin:core_personaldataaccess_changelist")).status_code == 200
        assert client.get(reverse("admin:core_personaldataaccess_add")).status_code == 403
        delete = reverse("admin:core_personaldataaccess_delete", args=[log.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        change = reverse("admin:core_personaldataaccess_change", args=[log.pk])
        assert client.post(change, {"action": Action.EXPORT}).status_code == 403
    log.refresh_from_db()
    assert log.action == Action.VIEW


def test_admin_lookups_on_personal_data_are_refused_for_everyone(client, people, staff_user):
    client.force_login(staff_user)
    url = reverse("admin:workers_worker_changelist")
    current = people["current"]
    for lookup in ({"id_number__startswith": "330683"}, {"birth_date__year": "1980"}):
        assert client.get(url, lookup).status_code == 400
    # The exact search by the whole number still works for staff.
    found = client.get(url, {"q": current.id_number})
    assert [w.pk for w in found.context["cl"].result_list] == [current.pk]
    # Columns cannot be sorted by ID number: no sortable personal column.
    cl = client.get(url, {"o": "2"}).context["cl"]
    assert not any("id_number" in str(field) for field in cl.get_ordering_field_columns().values())


def test_union_search_and_autocomplete_do_not_match_id_numbers(client, people, union_user):
    client.force_login(union_user)
    current = people["current"]
    url = reverse("admin:workers_worker_changelist")
    assert client.get(url, {"q": current.id_number}).context["cl"].result_count == 0
    assert client.get(url, {"q": current.name}).context["cl"].result_count == 1
    Group.objects.get(name=Role.UNION_OFFICER)  # the union role holds view on party members
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "party",
            "model_name": "partybranchmember",
            "field_name": "worker",
            "term": current.id_number,
        },
    )
    assert response.status_code == 200 and response.json()["results"] == []
