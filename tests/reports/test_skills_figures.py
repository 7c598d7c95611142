"""The report keys of issue 13 (DOMAIN.md "Report figures": trained_workers … competition_awardees)
on a hand-counted fixture, the 技能培训 and 六个有 sheets, and reports frozen before these keys
existed."""

import datetime
import io
import json
from decimal import Decimal
from unittest import mock

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from core.choices import ContractType, SkillLevel
from enterprises.models import IndustrialPark, Village
from reports.models import ReportRun
from reports.selectors import FIGURE_KEYS, report_figures
from reports.services import report_build, report_request
from tests.factories import (
    CompetitionResultFactory,
    CourseFactory,
    EmploymentFactory,
    EnterpriseFactory,
    InstituteCheckFactory,
    ReportRunFactory,
    SkillCertificateFactory,
    TrainingInstituteFactory,
    TrainingRecordFactory,
    WorkerFactory,
)
from tests.reports.summary import summary_by_key
from training.models import InstituteCriterion

AS_OF = datetime.date(2026, 6, 30)
NEW_KEYS = (
    "trained_workers",
    "training_rate",
    "frontline_trained_workers",
    "frontline_training_rate",
    "training_hours",
    "technicians_stable_contract",
    "technicians_stable_contract_rate",
    "competition_awardees",
)


def record(worker, started, hours, *, completed=True):
    return TrainingRecordFactory(
        worker=worker,
        course=CourseFactory(starts_on=started, ends_on=None),
        hours=Decimal(hours),
        is_completed=completed,
    )


def result(worker, held, prize):
    return CompetitionResultFactory(worker=worker, competition__held_on=held, prize=prize)


@pytest.fixture
def skills(db):
    """Each worker's comment says how it counts on 2026-06-30 (the 2026Q2 report)."""
    east, west = Village.objects.create(name="东村"), Village.objects.create(name="西村")
    park = IndustrialPark.objects.create(name="经济开发区")
    a = EnterpriseFactory(name="甲", village=east, park=park, is_above_scale=True)
    b = EnterpriseFactory(name="乙", village=west, park=None, is_above_scale=False)

    # w1: frontline at 甲 on a fixed-term contract; the roster says 高级工, a 技师 certificate
    # of 2025 makes a technician (stable). Two completed courses this year, 7.5 + 0.5 hours. A
    # first prize this year. A 高级工 certificate this year: one certificate issued this year.
    w1 = WorkerFactory(name="一", skill_level=SkillLevel.SENIOR)
    EmploymentFactory(
        worker=w1, enterprise=a, is_frontline=True, contract_type=ContractType.FIXED_TERM
    )
    SkillCertificateFactory(
        worker=w1, level=SkillLevel.TECHNICIAN, issued_on=datetime.date(2025, 3, 1)
    )
    SkillCertificateFactory(worker=w1, level=SkillLevel.SENIOR, issued_on=datetime.date(2026, 2, 1))
    record(w1, datetime.date(2026, 3, 2), "7.5")
    record(w1, datetime.date(2026, 5, 10), "0.5")
    result(w1, datetime.date(2026, 5, 20), "一等奖")

    # w2: two jobs, office work at 甲 (劳务派遣) and frontline at 乙 (无固定期限); a 技师 by the
    # roster: one technician, on a stable contract (through 乙), counted once. Trained on
    # 1 January (16 hours), frontline trained through 乙. Took part in a competition: no prize.
    w2 = WorkerFactory(name="二", skill_level=SkillLevel.TECHNICIAN)
    EmploymentFactory(
        worker=w2, enterprise=a, is_frontline=False, contract_type=ContractType.DISPATCHED
    )
    EmploymentFactory(
        worker=w2, enterprise=b, is_frontline=True, contract_type=ContractType.OPEN_ENDED
    )
    record(w2, datetime.date(2026, 1, 1), "16")
    result(w2, datetime.date(2026, 4, 1), "")

    # w3: frontline at 乙, contract not filled in; 初级工, and a 高级技师 certificate issued
    # after the date (not yet a technician on it). A course not completed (40 hours) and one
    # completed last year (10 hours): not trained this year. A prize after the date.
    w3 = WorkerFactory(name="三", skill_level=SkillLevel.JUNIOR)
    EmploymentFactory(worker=w3, enterprise=b, is_frontline=True, contract_type="")
    SkillCertificateFactory(
        worker=w3, level=SkillLevel.SENIOR_TECHNICIAN, issued_on=datetime.date(2026, 7, 15)
    )
    record(w3, datetime.date(2026, 3, 1), "40", completed=False)
    record(w3, datetime.date(2025, 12, 31), "10")
    result(w3, datetime.date(2026, 7, 10), "二等奖")

    # w4: departed from 甲 on 2026-05-01: a stable technician, trained (12 hours) and with a
    # prize this year, counted nowhere but in training_hours (any worker, DOMAIN.md).
    w4 = WorkerFactory(name="四", skill_level=SkillLevel.TECHNICIAN)
    EmploymentFactory(
        worker=w4,
        enterprise=a,
        contract_type=ContractType.OPEN_ENDED,
        departure_date=datetime.date(2026, 5, 1),
    )
    record(w4, datetime.date(2026, 2, 1), "12")
    result(w4, datetime.date(2026, 3, 1), "三等奖")

    # w5: office work at 甲, 劳务派遣: a 技师 by the roster, not on a stable contract. Trained
    # on the date itself (2000 hours). A 第3名 last year only.
    w5 = WorkerFactory(name="五", skill_level=SkillLevel.TECHNICIAN)
    EmploymentFactory(
        worker=w5, enterprise=a, is_frontline=False, contract_type=ContractType.DISPATCHED
    )
    record(w5, AS_OF, "2000")
    result(w5, datetime.date(2025, 11, 1), "第3名")

    # w6: frontline at 乙 (无固定期限); the roster says 学徒工, a 技师 certificate issued on the
    # date itself: a stable technician, and a certificate of this year. A course starting the
    # day after (5 hours) and a prize next year do not count.
    w6 = WorkerFactory(name="六", skill_level=SkillLevel.APPRENTICE)
    EmploymentFactory(
        worker=w6, enterprise=b, is_frontline=True, contract_type=ContractType.OPEN_ENDED
    )
    SkillCertificateFactory(worker=w6, level=SkillLevel.TECHNICIAN, issued_on=AS_OF)
    record(w6, datetime.date(2026, 7, 1), "5")
    result(w6, datetime.date(2027, 1, 15), "优秀奖")
    return {"a": a, "b": b, "east": east, "west": west, "park": park}


def test_each_new_key_matches_the_hand_count(skills):
    figures = report_figures(as_of=AS_OF)

    assert tuple(figures) == FIGURE_KEYS
    assert figures["workers_total"] == 5  # w1 w2 w3 w5 w6
    assert figures["frontline_workers"] == 4  # w1 w2 w3 w6
    assert figures["trained_workers"] == 3  # w1 w2 w5
    assert figures["training_rate"] == 0.6
    assert figures["frontline_trained_workers"] == 2  # w1 w2
    assert figures["frontline_training_rate"] == 0.5
    # 7.5 + 0.5 + 16 + 12 (departed w4) + 2000, exactly.
    assert figures["training_hours"] == "2036.0"
    # The effective level: w1 and w6 by certificate, w2 and w5 by the roster.
    assert figures["technicians_total"] == 4
    assert figures["skilled_workers"] == 5
    assert figures["high_skilled_workers"] == 4
    assert figures["technicians_stable_contract"] == 3  # w1 w2 w6
    assert figures["technicians_stable_contract_rate"] == 0.75
    assert figures["competition_awardees"] == 1  # w1


def test_later_in_the_year_more_count_and_a_new_year_starts_from_nothing(skills):
    later = report_figures(as_of=datetime.date(2026, 7, 20))
    assert later["technicians_total"] == 5  # w3's certificate of 07-15
    assert later["competition_awardees"] == 2  # w3's prize of 07-10
    assert later["trained_workers"] == 4  # w6's course started on 07-01
    assert later["frontline_trained_workers"] == 3
    assert later["training_hours"] == "2041.0"

    next_year = report_figures(as_of=datetime.date(2027, 3, 31))
    assert next_year["trained_workers"] == 0
    assert next_year["training_rate"] == 0.0
    assert next_year["training_hours"] == "0.0"
    assert next_year["competition_awardees"] == 1  # w6's prize of 2027-01-15


@pytest.mark.django_db
def test_empty_registers_give_null_rates_and_zero_hours():
    figures = report_figures(as_of=AS_OF)
    assert {key: figures[key] for key in NEW_KEYS} == {
        "trained_workers": 0,
        "training_rate": None,
        "frontline_trained_workers": 0,
        "frontline_training_rate": None,
        "training_hours": "0.0",
        "technicians_stable_contract": 0,
        "technicians_stable_contract_rate": None,
        "competition_awardees": 0,
    }


def test_build_report_json_prints_the_new_keys(skills):
    out = io.StringIO()
    call_command("build_report", "--quarter", "2026Q2", "--json", stdout=out)
    kpis = json.loads(out.getvalue())["kpis"]
    assert kpis["training_hours"] == "2036.0"
    assert (kpis["trained_workers"], kpis["technicians_stable_contract"]) == (3, 2 + 1)
    assert set(NEW_KEYS) <= set(kpis)


def built(period: str) -> ReportRun:
    with mock.patch("reports.services.report_send"):
        run = report_request(kind="quarterly", period=period)
    report_build(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE, run.error
    return run


def sheet(run: ReportRun, name: str) -> list[tuple]:
    with run.file.open("rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    return list(book[name].values)


def test_the_workbook_has_a_skills_sheet_by_village_park_and_size(skills):
    run = built("2026Q2")
    rows = sheet(run, "技能培训")
    header = rows[0]
    assert header[:4] == ("分组", "名称", "在职职工数", "本年培训结业职工数")
    lines = {(row[0], row[1]): dict(zip(header, row, strict=True)) for row in rows[1:] if row[1]}

    overall = lines[("全街道", "全街道")]
    assert overall["在职职工数"] == 5
    assert overall["本年培训结业职工数"] == 3
    assert overall["培训率"] == pytest.approx(0.6)
    # Active workers' hours (w4 departed): 8.0 + 16 + 2000.
    assert overall["在职职工本年结业学时"] == pytest.approx(2024.0)
    assert overall["本年取得职业技能等级证书数"] == 2  # w1's of February, w6's of the date
    assert overall["技师及以上人数"] == 4
    assert overall["其中签订固定期限或无固定期限合同"] == 3

    east = lines[("村（社区）", "东村")]  # 甲: w1, w2 (dispatched there), w5
    assert (east["在职职工数"], east["本年培训结业职工数"], east["在职职工本年结业学时"]) == (
        3,
        3,
        2024,
    )
    assert (east["技师及以上人数"], east["其中签订固定期限或无固定期限合同"]) == (3, 1)
    assert east["本年取得职业技能等级证书数"] == 1
    west = lines[("村（社区）", "西村")]  # 乙: w2 (stable there), w3, w6
    assert (west["在职职工数"], west["本年培训结业职工数"], west["在职职工本年结业学时"]) == (
        3,
        1,
        16,
    )
    assert (west["技师及以上人数"], west["其中签订固定期限或无固定期限合同"]) == (2, 2)
    assert west["本年取得职业技能等级证书数"] == 1
    assert lines[("工业园区", "经济开发区")]["在职职工数"] == 3
    assert lines[("工业园区", "不在园区")]["在职职工数"] == 3
    assert lines[("企业规模", "规上企业")]["在职职工本年结业学时"] == 2024
    assert lines[("企业规模", "规下企业")]["稳定劳动合同比例"] == pytest.approx(1.0)

    summary = summary_by_key(sheet(run, "汇总"))
    assert summary["training_hours"][2] == pytest.approx(2036.0)
    # 2026Q1, never reported, computed live as of 03-31: 7.5 (w1) + 16 (w2) + 12 (w4).
    assert summary["training_hours"][3] == pytest.approx(35.5)
    assert summary["training_hours"][4] == pytest.approx(2000.5)
    assert summary["technicians_stable_contract_rate"][2] == pytest.approx(0.75)


def test_the_workbook_lists_the_institutes_short_of_the_six_criteria(skills):
    criteria = list(InstituteCriterion.objects.filter(is_active=True))
    assert len(criteria) == 6  # seeded: 有组织机构 … 有管理制度
    complete = TrainingInstituteFactory(name="达标学院")
    short = TrainingInstituteFactory(name="欠缺学院", enterprise=skills["a"])
    for criterion in criteria:
        InstituteCheckFactory(institute=complete, criterion=criterion, is_met=True)
    for criterion in criteria[:4]:
        InstituteCheckFactory(institute=short, criterion=criterion, is_met=criterion != criteria[1])

    rows = sheet(built("2026Q2"), "六个有")
    assert rows[0] == ("培训机构", "类型", "所属企业", "未达到的标准", "未核查的标准")
    assert [row[0] for row in rows[1:]] == ["欠缺学院"]
    assert rows[1][2] == "甲"
    assert rows[1][3] == criteria[1].name
    assert rows[1][4] == "、".join(c.name for c in criteria[4:])


def test_a_report_frozen_before_the_new_keys_still_renders(client, official_user):
    frozen = ReportRunFactory()  # kpis without any of the new keys
    assert not set(NEW_KEYS) & set(frozen.figures["kpis"])
    client.force_login(official_user)

    page = client.get(reverse("reports:run", args=[frozen.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert '<tr data-key="training_rate"><td>职工培训率</td><td class="text-end">—</td>' in content
    assert (
        '<tr data-key="workers_total"><td>在职职工数</td><td class="text-end">120</td>' in content
    )

    landing = client.get(reverse("reports:figures"))
    assert landing.status_code == 200
    assert "本年培训学时合计" in landing.content.decode()


def test_a_new_report_after_a_frozen_one_compares_what_it_can(skills):
    ReportRunFactory(period="2026Q1", as_of=datetime.date(2026, 3, 31))  # no new keys
    summary = summary_by_key(sheet(built("2026Q2"), "汇总"))
    assert summary["trained_workers"][2:5] == (3, None, None)
    assert summary["training_hours"][3] is None
    assert summary["workers_total"][2:5] == (5, 120, -115)
