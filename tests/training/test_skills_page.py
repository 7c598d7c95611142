"""Staff's skills page (training:skills): the skills figures for any date, per group, and the
technicians not on a stable contract with its logged .xlsx export (seed measure 5)."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.choices import ContractType, SkillLevel
from core.models import PersonalDataAccess
from enterprises.models import Village
from tests.factories import (
    CourseFactory,
    EmploymentFactory,
    EnterpriseFactory,
    SkillCertificateFactory,
    TrainingRecordFactory,
    WorkerFactory,
)
from training.figures import technicians_without_stable_contract

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 6, 30)


@pytest.fixture
def technicians():
    village = Village.objects.create(name="南村")
    a = EnterpriseFactory(name="甲企业", village=village)
    b = EnterpriseFactory(name="乙企业", village=village)
    # Two jobs, neither stable: listed with both jobs (one technician, two rows).
    both = WorkerFactory(name="两份派遣", skill_level=SkillLevel.TECHNICIAN)
    EmploymentFactory(worker=both, enterprise=a, contract_type=ContractType.DISPATCHED)
    EmploymentFactory(worker=both, enterprise=b, contract_type="")
    # Two jobs, one stable: on a stable contract, not listed.
    one_stable = WorkerFactory(name="一份稳定", skill_level=SkillLevel.SENIOR_TECHNICIAN)
    EmploymentFactory(worker=one_stable, enterprise=a, contract_type=ContractType.PART_TIME)
    EmploymentFactory(worker=one_stable, enterprise=b, contract_type=ContractType.FIXED_TERM)
    # A technician by a certificate only, on a task contract: listed with the certificate level.
    certified = WorkerFactory(name="持证工", skill_level=SkillLevel.SENIOR)
    SkillCertificateFactory(
        worker=certified, level=SkillLevel.CHIEF_TECHNICIAN, issued_on=datetime.date(2026, 3, 1)
    )
    EmploymentFactory(worker=certified, enterprise=b, contract_type=ContractType.TASK_BASED)
    # A certificate issued after the day: not a technician on it.
    later = WorkerFactory(name="晚发证", skill_level=SkillLevel.SENIOR)
    SkillCertificateFactory(
        worker=later, level=SkillLevel.TECHNICIAN, issued_on=datetime.date(2026, 7, 2)
    )
    EmploymentFactory(worker=later, enterprise=a, contract_type="")
    # Departed before the day: not listed.
    gone = WorkerFactory(name="已离职", skill_level=SkillLevel.TECHNICIAN)
    EmploymentFactory(
        worker=gone, enterprise=a, contract_type="", departure_date=datetime.date(2026, 1, 5)
    )
    # Trained this year, 7.5 + 0.5 hours.
    for hours in ("7.5", "0.5"):
        TrainingRecordFactory(
            worker=certified,
            course=CourseFactory(starts_on=datetime.date(2026, 4, 1), ends_on=None),
            hours=Decimal(hours),
        )
    return {"a": a, "b": b}


def listed(user, day=DAY):
    return [
        (e.enterprise.name, e.worker.name)
        for e in technicians_without_stable_contract(user=user, day=day)
    ]


def test_the_technicians_without_any_stable_job_by_enterprise(technicians, staff_user):
    assert listed(staff_user) == [
        ("乙企业", "两份派遣"),
        ("乙企业", "持证工"),
        ("甲企业", "两份派遣"),
    ]
    later = listed(staff_user, datetime.date(2026, 7, 2))
    assert ("甲企业", "晚发证") in later


def test_only_staff_get_the_list(technicians, hr_user, union_user, official_user):
    for user in (hr_user, union_user, official_user):
        assert listed(user) == []


def test_the_page_shows_the_figures_groups_and_the_list(client, staff_user, technicians):
    client.force_login(staff_user)
    response = client.get(reverse("training:skills"), {"date": DAY.isoformat()})
    assert response.status_code == 200
    page = response.content.decode()
    figures = {f["key"]: f["value"] for f in response.context["figures"]}
    # Active technicians on the day: 两份派遣, 一份稳定, 持证工; one of them stable.
    assert figures["technicians_stable_contract"] == 1
    assert figures["technicians_stable_contract_rate"] == pytest.approx(0.3333)
    assert figures["trained_workers"] == 1 and figures["training_hours"] == "8.0"
    village = dict(response.context["breakdown"])["按村（社区）"][0]
    assert (village["label"], village["technicians"], village["technicians_stable"]) == (
        "南村",
        3,
        1,
    )
    assert village["training_hours"] == "8.0" and village["certificates"] == 1
    assert "<td>首席技师</td>" in page  # 持证工's level comes from the certificate
    assert "<td>未填写</td>" in page  # 两份派遣's job at 乙 has no contract type
    assert "晚发证" not in page and "已离职" not in page


def test_a_future_or_malformed_date_shows_today_with_a_message(client, staff_user):
    client.force_login(staff_user)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.get(reverse("training:skills"), {"date": tomorrow.isoformat()})
    assert response.status_code == 200
    assert response.context["day"] == timezone.localdate()
    assert "不能查看今天以后的日期" in response.context["error"]
    response = client.get(reverse("training:skills"), {"date": "2026/13/01"})
    assert response.context["day"] == timezone.localdate()
    assert "格式不对" in response.context["error"]


def test_the_list_pages_in_a_fixed_number_of_queries(client, staff_user, technicians):
    client.force_login(staff_user)
    url = reverse("training:skills")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"date": DAY.isoformat()}).status_code == 200
        return len(captured)

    before = queries()
    for _n in range(30):
        EmploymentFactory(
            worker=WorkerFactory(skill_level=SkillLevel.TECHNICIAN),
            enterprise=technicians["a"],
            contract_type=ContractType.DISPATCHED,
        )
    assert queries() == before


def test_the_export_lists_the_technicians_and_is_logged(client, staff_user, technicians):
    client.force_login(staff_user)
    response = client.get(reverse("training:skills_export"), {"date": DAY.isoformat()})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.active.values)
    header = rows.index(
        (
            "企业名称",
            "统一社会信用代码",
            "姓名",
            "职业技能等级（含证书）",
            "劳动合同类型",
            "入职日期",
        )
    )
    body = [row[:5] for row in rows[header + 1 :]]
    assert body == [
        ("乙企业", technicians["b"].uscc, "两份派遣", "技师(二级)", "未填写"),
        ("乙企业", technicians["b"].uscc, "持证工", "首席技师", "以完成一定工作任务为期限"),
        ("甲企业", technicians["a"].uscc, "两份派遣", "技师(二级)", "劳务派遣"),
    ]
    log = PersonalDataAccess.objects.get()
    assert (log.actor, log.action, log.record_count) == (
        staff_user,
        PersonalDataAccess.Action.EXPORT,
        3,
    )


@pytest.mark.parametrize("fixture", ["hr_user", "union_user", "official_user"])
def test_other_roles_are_refused(request, client, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("training:skills")).status_code == 403
    assert client.get(reverse("training:skills_export")).status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_the_list_count_is_kept_until_a_job_worker_or_certificate_changes(
    client, staff_user, technicians, settings
):
    settings.FIGURES_CACHE_SECONDS = 600  # a shared cache (Redis in production)
    client.force_login(staff_user)
    url = reverse("training:skills")

    def view():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"date": DAY.isoformat()})
        counts = [q for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
        return response.context["page"].paginator.count, len(counts)

    assert view()[0] == 3  # 两份派遣 twice, 持证工 once
    assert view() == (3, 0)  # from the cache: no COUNT over every active job
    worker = WorkerFactory(name="新技师", skill_level=SkillLevel.TECHNICIAN)
    job = EmploymentFactory(worker=worker, enterprise=technicians["a"], contract_type="")
    assert view()[0] == 4
    job.contract_type = ContractType.OPEN_ENDED
    job.save()
    assert view()[0] == 3
    SkillCertificateFactory(  # 晚发证 is a technician by a certificate issued before the day
        worker=type(worker).objects.get(name="晚发证"),
        level=SkillLevel.TECHNICIAN,
        issued_on=datetime.date(2026, 6, 1),
    )
    assert view()[0] == 4
