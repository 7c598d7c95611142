"""Membership per worker: from the roster and corrected by union officers, every change kept
with who and when (issue 4)."""

import datetime

import pytest
from django.urls import reverse

from core.models import AuditLog
from tests.commands import run_json_command
from tests.factories import EmploymentFactory, EnterpriseFactory, WorkerFactory
from tests.workers.test_import_roster import person, row, write_xlsx
from unions.models import UnionCoverage, UnionMembershipChange, UnionOrganisation
from workers.models import Worker

pytestmark = pytest.mark.django_db


def test_a_union_officer_corrects_membership_and_the_change_is_kept(client, union_user):
    enterprise = EnterpriseFactory()
    union = UnionOrganisation.objects.create(name="园区联合工会", kind=UnionOrganisation.Kind.JOINT)
    UnionCoverage.objects.create(
        union=union, enterprise=enterprise, start_date=datetime.date(2020, 1, 1)
    )
    worker = WorkerFactory(is_union_member=False)
    EmploymentFactory(worker=worker, enterprise=enterprise)
    client.force_login(union_user)
    url = reverse("unions:membership", args=[worker.pk])
    page = client.get(url).content.decode()
    assert "园区联合工会" in page and worker.id_number not in page

    response = client.post(
        url, {"is_member": "on", "joined_on": "2024-05-01", "union": union.pk, "note": "补登记"}
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.is_union_member and worker.union_joined_on == datetime.date(2024, 5, 1)
    change = UnionMembershipChange.objects.get()
    assert (change.source, change.changed_by, change.union, change.note) == (
        UnionMembershipChange.Source.CORRECTION,
        union_user,
        union,
        "补登记",
    )
    assert AuditLog.objects.filter(action="union.membership.corrected").exists()
    assert "补登记" in client.get(url).content.decode()


def test_a_member_needs_a_joined_date_not_in_the_future(client, union_user):
    worker = WorkerFactory(is_union_member=False)
    client.force_login(union_user)
    url = reverse("unions:membership", args=[worker.pk])
    body = client.post(url, {"is_member": "on", "joined_on": "", "note": "x"}).content.decode()
    assert "请填写入会日期" in body
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    body = client.post(url, {"is_member": "on", "joined_on": future, "note": "x"}).content.decode()
    assert "不能晚于今天" in body
    assert not UnionMembershipChange.objects.exists()
    worker.refresh_from_db()
    assert not worker.is_union_member


@pytest.mark.parametrize("role", ["hr_user", "official_user"])
def test_hr_and_officials_cannot_correct_membership(client, request, role):
    worker = WorkerFactory(is_union_member=False)
    client.force_login(request.getfixturevalue(role))
    url = reverse("unions:membership", args=[worker.pk])
    assert (
        client.post(url, {"is_member": "on", "joined_on": "2024-01-01", "note": "x"}).status_code
        == 403
    )
    worker.refresh_from_db()
    assert not worker.is_union_member


def test_roster_uploads_record_membership_changes(tmp_path, staff_user):
    enterprise = EnterpriseFactory()
    path = write_xlsx(tmp_path / "a.xlsx", [row(1, 是否工会会员="是"), row(2)])
    assert run_json_command("import_roster", str(path), "--enterprise", enterprise.uscc)[0] == 0
    joined = UnionMembershipChange.objects.get()
    assert joined.worker.id_number == person(1) and joined.is_member
    assert joined.source == UnionMembershipChange.Source.ROSTER

    path = write_xlsx(tmp_path / "b.xlsx", [row(1, 是否工会会员="否"), row(2, 是否工会会员="是")])
    run_json_command("import_roster", str(path), "--enterprise", enterprise.uscc)
    latest = {c.worker.id_number: c.is_member for c in UnionMembershipChange.objects.all()[:2]}
    assert latest == {person(1): False, person(2): True}
    # An unchanged re-upload records nothing.
    run_json_command("import_roster", str(path), "--enterprise", enterprise.uscc)
    assert UnionMembershipChange.objects.count() == 3
    assert Worker.objects.get(id_number=person(2)).is_union_member
