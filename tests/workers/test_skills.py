"""A worker's effective skill level (DOMAIN.md): the higher of the roster's level and the best
certificate issued on or before the day, everywhere a worker's level is shown or counted."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from core.choices import SkillLevel
from imports.services import dataset_import
from tests.factories import (
    EmploymentFactory,
    EnterpriseFactory,
    SkillCertificateFactory,
    WorkerFactory,
    make_id_number,
)
from workers.figures import worker_figures
from workers.importers import ROSTER
from workers.models import Employment, Worker
from workers.skills import EFFECTIVE_RANK, effective_skill, label_of_rank, with_effective_skill

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 6, 30)


def levels_on(day):
    """Each worker's effective level by the queryset annotation, by name."""
    return {
        worker.name: label_of_rank(getattr(worker, EFFECTIVE_RANK))
        for worker in with_effective_skill(Worker.objects.all(), day)
    }


@pytest.fixture
def workers():
    above = WorkerFactory(name="证书高", skill_level=SkillLevel.SENIOR)
    SkillCertificateFactory(
        worker=above, level=SkillLevel.TECHNICIAN, issued_on=datetime.date(2025, 1, 10)
    )
    below = WorkerFactory(name="证书低", skill_level=SkillLevel.TECHNICIAN)
    SkillCertificateFactory(
        worker=below, level=SkillLevel.JUNIOR, issued_on=datetime.date(2024, 5, 1)
    )
    later = WorkerFactory(name="证书晚", skill_level="")
    SkillCertificateFactory(
        worker=later, level=SkillLevel.SENIOR, issued_on=DAY + datetime.timedelta(days=1)
    )
    plain = WorkerFactory(name="无证书", skill_level=SkillLevel.INTERMEDIATE)
    for worker in (above, below, later, plain):
        EmploymentFactory(worker=worker)
    return {"above": above, "below": below, "later": later, "plain": plain}


def test_a_certificate_above_the_roster_level_raises_it(workers):
    skill = effective_skill(workers["above"], DAY)
    assert skill.level == SkillLevel.TECHNICIAN and skill.from_certificate
    assert skill.roster_level == SkillLevel.SENIOR


def test_a_certificate_below_the_roster_level_changes_nothing(workers):
    skill = effective_skill(workers["below"], DAY)
    assert skill.level == SkillLevel.TECHNICIAN and not skill.from_certificate


def test_a_certificate_issued_after_the_day_counts_from_its_issue_date(workers):
    assert effective_skill(workers["later"], DAY).level == ""
    after = effective_skill(workers["later"], DAY + datetime.timedelta(days=1))
    assert after.level == SkillLevel.SENIOR and after.from_certificate


def test_the_annotation_agrees_with_the_helper_and_the_figures(workers):
    assert levels_on(DAY) == {
        "证书高": "技师(二级)",
        "证书低": "技师(二级)",
        "证书晚": "",
        "无证书": "中级工(四级)",
    }
    assert levels_on(DAY + datetime.timedelta(days=1))["证书晚"] == "高级工(三级)"
    # On employments too (the /workers/ list).
    employments = with_effective_skill(
        Employment.objects.all(), DAY, worker="worker_id", skill_field="worker__skill_level"
    )
    assert {e.worker.name: getattr(e, EFFECTIVE_RANK) for e in employments} == {
        "证书高": 5,
        "证书低": 5,
        "证书晚": 0,
        "无证书": 3,
    }
    counts = worker_figures(DAY, ("overall",))["overall"][None]
    assert (counts["skilled"], counts["high_skilled"], counts["technicians"]) == (3, 2, 2)
    later = worker_figures(DAY + datetime.timedelta(days=1), ("overall",))["overall"][None]
    assert (later["skilled"], later["high_skilled"], later["technicians"]) == (4, 3, 2)


def test_a_roster_uploaded_again_with_a_lower_level_never_hides_a_certificate(monkeypatch):
    enterprise = EnterpriseFactory()
    number = make_id_number(21, datetime.date(1988, 8, 8))

    def upload(level):
        result, _record = dataset_import(
            kind=ROSTER,
            user=None,
            enterprise=enterprise,
            filename="r.csv",
            content=(
                "姓名,身份证号,是否一线职工,是否工会会员,入职日期,职业技能等级\n"
                "张三,%s,是,否,2019-04-01,%s\n" % (number, level)
            ).encode(),
            dry_run=False,
        )
        assert result.ok, [e.as_dict() for e in result.errors]

    upload("技师")
    worker = Worker.objects.get()
    SkillCertificateFactory(
        worker=worker, level=SkillLevel.SENIOR_TECHNICIAN, issued_on=datetime.date(2025, 6, 1)
    )
    upload("初级工")  # the roster now says less
    worker.refresh_from_db()
    assert worker.skill_level == SkillLevel.JUNIOR
    today = timezone.localdate()
    assert effective_skill(worker, today).level == SkillLevel.SENIOR_TECHNICIAN
    counts = worker_figures(today, ("overall",))["overall"][None]
    assert counts["technicians"] == 1


def test_the_worker_page_shows_the_effective_level_and_where_it_comes_from(
    client, staff_user, union_user, workers
):
    for user in (staff_user, union_user):
        client.force_login(user)
        page = client.get(reverse("workers:detail", args=[workers["above"].pk])).content.decode()
        assert '<dd class="col-sm-9" id="worker-skill-level">技师(二级)' in page
        assert "依据职业技能等级证书；花名册填报：高级工(三级)" in page
        page = client.get(reverse("workers:detail", args=[workers["below"].pk])).content.decode()
        assert '<dd class="col-sm-9" id="worker-skill-level">技师(二级)' in page
        assert "skill-from-certificate" not in page


def test_the_worker_list_shows_the_effective_level_today(client, union_user, workers):
    tomorrow = WorkerFactory(name="明天发证", skill_level="")
    SkillCertificateFactory(
        worker=tomorrow,
        level=SkillLevel.TECHNICIAN,
        issued_on=timezone.localdate() + datetime.timedelta(days=1),
    )
    EmploymentFactory(worker=tomorrow)
    client.force_login(union_user)
    page = client.get(reverse("workers:list")).content.decode()

    def cells(name):
        return page.split(">%s</a>" % name)[1].split("</tr>")[0]

    assert "<td>技师(二级)</td>" in cells("证书高")
    assert "技师" not in cells("明天发证") and "<td>—</td>" in cells("明天发证")


@pytest.mark.parametrize("user_fixture", ["staff_user", "union_user"])
def test_the_admin_filters_workers_by_their_effective_level(request, client, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    certified = WorkerFactory(name="持证技师", skill_level=SkillLevel.SENIOR)
    SkillCertificateFactory(worker=certified, level=SkillLevel.TECHNICIAN)
    WorkerFactory(name="花名册高级工", skill_level=SkillLevel.SENIOR)
    WorkerFactory(name="无等级", skill_level="")
    url = reverse("admin:workers_worker_changelist")

    def names(value):
        response = client.get(url, {"effective_skill": value})
        assert response.status_code == 200
        return sorted(w.name for w in response.context["cl"].result_list)

    assert names("technician") == ["持证技师"]
    assert names(SkillLevel.TECHNICIAN) == ["持证技师"]
    assert names(SkillLevel.SENIOR) == ["花名册高级工"]
    assert names("high_skilled") == ["持证技师", "花名册高级工"]
    assert names("none") == ["无等级"]
    page = client.get(url).content.decode()
    assert "职业技能等级（含证书）" in page
    listed = client.get(url, {"effective_skill": "technician"}).content.decode()
    assert "技师(二级)" in listed
    export = client.get(
        reverse("admin:workers_worker_export_xlsx"), {"effective_skill": "technician"}
    )
    rows = list(openpyxl.load_workbook(io.BytesIO(export.content)).active.values)
    header = next(row for row in rows if row and row[0] == "姓名")
    body = [dict(zip(header, row, strict=True)) for row in rows[rows.index(header) + 1 :]]
    assert [(r["姓名"], r["职业技能等级"], r["职业技能等级（含证书）"]) for r in body] == [
        ("持证技师", "高级工(三级)", "技师(二级)")
    ]


def test_the_union_dashboard_counts_by_the_effective_level(client, union_user):
    enterprise = EnterpriseFactory()
    certified = WorkerFactory(skill_level=SkillLevel.APPRENTICE)
    SkillCertificateFactory(worker=certified, level=SkillLevel.SENIOR_TECHNICIAN)
    EmploymentFactory(worker=certified, enterprise=enterprise)
    EmploymentFactory(worker=WorkerFactory(skill_level=SkillLevel.JUNIOR), enterprise=enterprise)
    EmploymentFactory(worker=WorkerFactory(skill_level=""), enterprise=enterprise)
    client.force_login(union_user)
    page = client.get(reverse("unions:dashboard")).content.decode()
    assert 'data-figure="skilled_worker_rate">66.67%' in page
    assert 'data-figure="high_skilled_worker_rate">33.33%' in page
    assert 'data-figure="technicians_total">1<' in page
