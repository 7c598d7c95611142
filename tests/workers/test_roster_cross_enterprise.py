"""A roster row naming a person whom another enterprise employs (issue 12): the upload neither
names that enterprise nor shows or changes the person's identity data; a transfer request
waits for staff, who confirm or reject it through the services."""

import datetime
import itertools
import json

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.choices import PoliticalStatus
from core.roles import Role
from imports.engine import run_import
from imports.models import ImportRecord
from tests.commands import run_json_command
from tests.factories import EmploymentFactory, EnterpriseFactory, UserFactory, WorkerFactory
from tests.workers.test_import_roster import HEADER, person, row, write_xlsx
from tests.workers.test_roster_upload import latest, upload
from unions.models import UnionMembershipChange
from workers.importers import RosterImporter
from workers.models import Employment, Worker, WorkerTransfer
from workers.services import worker_transfer_confirm

pytestmark = pytest.mark.django_db

WITH_PHONE = [*HEADER, "手机号码"]
B_NAME = "乙方保密机械有限公司"
B_PHONE = "13800138001"
B_HIRED = datetime.date(2018, 1, 1)


@pytest.fixture
def own(hr_user):
    enterprise = EnterpriseFactory(name="甲方企业")
    enterprise.hr_users.add(hr_user)
    return enterprise


@pytest.fixture
def other():
    return EnterpriseFactory(name=B_NAME)


@pytest.fixture
def hr_of_other(roles, other):
    user = UserFactory(username="hr-b")
    user.groups.add(Group.objects.get(name=Role.HR))
    other.hr_users.add(user)
    return user


@pytest.fixture
def theirs(other):
    """B's worker as B recorded them: a party member and a union member."""
    worker = WorkerFactory(
        id_number=person(1),
        name="李四",
        phone=B_PHONE,
        political_status=PoliticalStatus.PARTY_MEMBER,
        education="大专",
        is_union_member=True,
        union_joined_on=datetime.date(2018, 2, 1),
    )
    EmploymentFactory(worker=worker, enterprise=other, hire_date=B_HIRED)
    return worker


def claim(n: int = 1, **overrides):
    """A's row for person n: another name and phone, 群众, not a member."""
    values = {"姓名": "李思", "手机号码": "13900139002", "是否工会会员": "否", **overrides}
    return row(n, **values)


def roster(tmp_path, rows, name="a.xlsx"):
    return write_xlsx(tmp_path / name, rows, header=WITH_PHONE)


def identity(worker: Worker) -> tuple:
    worker.refresh_from_db()
    return (
        worker.name,
        worker.phone,
        worker.political_status,
        worker.education,
        worker.is_union_member,
        worker.union_left_on,
    )


def test_hr_preview_and_result_name_no_other_enterprise_and_change_nothing_of_theirs(
    client, hr_user, hr_of_other, own, other, theirs, tmp_path
):
    before = identity(theirs)
    client.force_login(hr_user)
    upload(client, own, roster(tmp_path, [claim(), row(2)]))
    record = latest()
    assert record.status == ImportRecord.Status.VALIDATED
    page = client.get(reverse("workers:roster_upload", args=[record.pk])).content.decode()
    stored = json.dumps(
        [record.counts, record.errors, record.warnings, record.details], ensure_ascii=False
    )
    for text in (page, stored):
        assert "其他企业任职" in text
        assert B_NAME not in text and B_PHONE not in text and "李四" not in text
    assert record.counts["created"] == 2

    client.post(reverse("workers:roster_upload_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.APPLIED
    page = client.get(reverse("workers:roster_upload", args=[record.pk])).content.decode()
    assert B_NAME not in page and B_PHONE not in page
    assert B_NAME not in json.dumps(record.warnings, ensure_ascii=False)

    assert identity(theirs) == before
    assert not UnionMembershipChange.objects.filter(worker=theirs).exists()
    assert Employment.objects.filter(worker=theirs, enterprise=own, departure_date=None).exists()
    assert Employment.objects.filter(worker=theirs, enterprise=other, departure_date=None).exists()
    transfer = WorkerTransfer.objects.get()
    assert transfer.status == WorkerTransfer.Status.PENDING
    assert (transfer.worker, transfer.to_enterprise, transfer.requested_by) == (
        theirs,
        own,
        hr_user,
    )
    assert transfer.from_enterprises == [{"id": other.pk, "name": B_NAME}]
    assert transfer.proposed["name"] == "李思"
    assert transfer.proposed["political_status"] == PoliticalStatus.MASSES
    assert "phone" not in transfer.proposed and "13900139002" not in json.dumps(transfer.proposed)
    assert transfer.employment == Employment.objects.get(worker=theirs, enterprise=own)

    # A's HR, now with an employment waiting for staff, learn neither B nor B's phone.
    detail = client.get(reverse("workers:detail", args=[theirs.pk])).content.decode()
    assert B_NAME not in detail and B_PHONE not in detail and theirs.id_number not in detail

    # B's HR still see the person as B recorded them.
    client.force_login(hr_of_other)
    detail = client.get(reverse("workers:detail", args=[theirs.pk])).content.decode()
    assert "李四" in detail and "李思" not in detail
    # Nobody but staff sees transfer requests.
    for user in (hr_user, hr_of_other):
        client.force_login(user)
        response = client.get(reverse("admin:workers_workertransfer_changelist"))
        assert response.status_code in (302, 403)


def test_staff_confirm_applies_the_row_and_ends_the_earlier_employment(
    client, staff_user, own, other, theirs, tmp_path
):
    run_json_command(
        "import_roster", str(roster(tmp_path, [claim(是否工会会员="是")])), "--enterprise", own.uscc
    )
    transfer = WorkerTransfer.objects.get()
    client.force_login(staff_user)
    listing = client.get(reverse("admin:workers_workertransfer_changelist")).content.decode()
    assert B_NAME in listing and "李四 → 李思" in listing and "确认调动" in listing

    client.post(
        reverse("admin:workers_workertransfer_changelist"),
        {"action": "confirm_transfers", "_selected_action": [transfer.pk]},
    )
    transfer.refresh_from_db()
    assert transfer.status == WorkerTransfer.Status.CONFIRMED
    assert transfer.decided_by == staff_user and transfer.decided_at is not None
    theirs.refresh_from_db()
    assert (theirs.name, theirs.political_status) == ("李思", PoliticalStatus.MASSES)
    # The phone is never taken from another enterprise's row; membership follows the person.
    assert theirs.phone == B_PHONE
    assert theirs.is_union_member and theirs.union_joined_on == datetime.date(2018, 2, 1)
    earlier = Employment.objects.get(worker=theirs, enterprise=other)
    assert earlier.departure_date == datetime.date(2020, 3, 1)  # the day A's employment began
    assert Employment.objects.get(worker=theirs, enterprise=own).departure_date is None

    # Decided once: a second confirmation is refused with a message, nothing changes.
    response = client.post(
        reverse("admin:workers_workertransfer_changelist"),
        {"action": "reject_transfers", "_selected_action": [transfer.pk]},
        follow=True,
    )
    assert "已处理" in response.content.decode()
    transfer.refresh_from_db()
    assert transfer.status == WorkerTransfer.Status.CONFIRMED

    # Now employed by A only: A's next roster updates the person as usual.
    code, result = run_json_command(
        "import_roster",
        str(roster(tmp_path, [claim(手机号码="13700137003")], "b.xlsx")),
        "--enterprise",
        own.uscc,
    )
    assert code == 0 and not result["warnings"]
    theirs.refresh_from_db()
    assert theirs.phone == "13700137003"
    assert WorkerTransfer.objects.count() == 1


def test_staff_reject_keeps_the_record_and_removes_the_employment_the_roster_opened(
    client, staff_user, own, other, theirs, tmp_path
):
    before = identity(theirs)
    run_json_command("import_roster", str(roster(tmp_path, [claim()])), "--enterprise", own.uscc)
    transfer = WorkerTransfer.objects.get()
    client.force_login(staff_user)
    client.post(
        reverse("admin:workers_workertransfer_changelist"),
        {"action": "reject_transfers", "_selected_action": [transfer.pk]},
    )
    transfer.refresh_from_db()
    assert transfer.status == WorkerTransfer.Status.REJECTED and transfer.employment is None
    assert identity(theirs) == before
    assert list(theirs.employments.values_list("enterprise", "departure_date")) == [
        (other.pk, None)
    ]


def test_the_command_follows_the_same_rule_and_asks_once(own, other, theirs, tmp_path):
    before = identity(theirs)
    path = roster(tmp_path, [claim(), row(2)])
    code, result = run_json_command("import_roster", str(path), "--enterprise", own.uscc)
    assert code == 0 and result["counts"]["created"] == 2
    assert [w["row"] for w in result["warnings"]] == [3]
    assert B_NAME not in json.dumps(result, ensure_ascii=False)
    assert identity(theirs) == before

    # Again, and with another name: the pending request is refreshed, not doubled.
    again = roster(tmp_path, [claim(姓名="李斯"), row(2)], "b.xlsx")
    code, result = run_json_command("import_roster", str(again), "--enterprise", own.uscc)
    assert code == 0 and result["counts"]["unchanged"] == 2
    assert identity(theirs) == before
    transfer = WorkerTransfer.objects.get()
    assert transfer.proposed["name"] == "李斯" and transfer.requested_by is None
    assert transfer.employment == Employment.objects.get(worker=theirs, enterprise=own)

    # The same data as the record once more: nothing left to decide, nothing new asked.
    WorkerTransfer.objects.update(status=WorkerTransfer.Status.REJECTED)
    same = roster(
        tmp_path,
        [claim(姓名="李四", 手机号码=B_PHONE, 政治面貌="中共党员", 是否工会会员="是"), row(2)],
        "c.xlsx",
    )
    code, result = run_json_command("import_roster", str(same), "--enterprise", own.uscc)
    assert code == 0 and not result["warnings"]
    assert WorkerTransfer.objects.filter(status=WorkerTransfer.Status.PENDING).count() == 0


def test_a_former_employee_of_another_enterprise_is_updated_as_usual(own, other, tmp_path):
    gone = WorkerFactory(id_number=person(1), name="李四", phone=B_PHONE)
    EmploymentFactory(
        worker=gone, enterprise=other, hire_date=B_HIRED, departure_date=datetime.date(2019, 1, 1)
    )
    code, result = run_json_command(
        "import_roster", str(roster(tmp_path, [claim()])), "--enterprise", own.uscc
    )
    assert code == 0 and not result["warnings"]
    gone.refresh_from_db()
    assert (gone.name, gone.phone) == ("李思", "13900139002")
    assert not WorkerTransfer.objects.exists()


def test_planning_and_applying_do_not_query_per_row(own, other, tmp_path):
    numbers = itertools.count(100)

    def queries(count: int, dry_run: bool) -> int:
        rows = []
        for n in itertools.islice(numbers, count):
            worker = WorkerFactory(id_number=person(n))
            EmploymentFactory(worker=worker, enterprise=other)
            rows.append(claim(n))
        path = roster(tmp_path, rows, "q%d%s.xlsx" % (count, dry_run))
        enterprise = EnterpriseFactory()
        with CaptureQueriesContext(connection) as captured:
            result = run_import(
                RosterImporter(enterprise=enterprise),
                path.read_bytes(),
                filename=path.name,
                dry_run=dry_run,
            )
        assert result.ok and result.counts["created"] == count
        return len(captured)

    assert queries(2, True) == queries(12, True)
    assert queries(2, False) == queries(12, False)
    assert WorkerTransfer.objects.count() == 14


def test_a_transfer_is_not_confirmed_once_the_enterprise_no_longer_employs_the_person(
    staff_user, hr_user, own, other, theirs, tmp_path
):
    run_json_command("import_roster", str(roster(tmp_path, [claim()])), "--enterprise", own.uscc)
    transfer = WorkerTransfer.objects.get()
    with pytest.raises(PermissionDenied):
        worker_transfer_confirm(user=hr_user, transfer=transfer)
    Employment.objects.filter(enterprise=own).update(departure_date=datetime.date(2024, 1, 1))
    with pytest.raises(ValidationError, match="已不在“甲方企业”任职"):
        worker_transfer_confirm(user=staff_user, transfer=transfer)
    transfer.refresh_from_db()
    assert transfer.status == WorkerTransfer.Status.PENDING
    assert theirs.employments.get(enterprise=other).departure_date is None
