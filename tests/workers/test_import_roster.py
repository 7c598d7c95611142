"""import_roster against INTERFACES.md and DOMAIN.md, on real .xlsx files built in each test."""

import datetime
import io
import json
from functools import partial
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.choices import PoliticalStatus, Sex, SkillLevel
from tests import spreadsheets
from tests.commands import run_json_command
from tests.factories import EmploymentFactory, EnterpriseFactory, WorkerFactory, make_id_number
from workers.importers import ROSTER_DATASET
from workers.models import Employment, Worker

pytestmark = pytest.mark.django_db

HEADER = [
    "姓名",
    "身份证号",
    "岗位",
    "是否一线职工",
    "职业技能等级",
    "政治面貌",
    "是否工会会员",
    "入职日期",
]


def person(n: int, *, sex: str = "M", birth=datetime.date(1985, 3, 9)) -> str:
    return make_id_number(n, birth, sex)


def row(n: int, **overrides) -> list:
    values = {
        "姓名": "职工%d" % n,
        "身份证号": person(n),
        "岗位": "操作工",
        "是否一线职工": "是",
        "职业技能等级": "",
        "政治面貌": "",
        "是否工会会员": "否",
        "入职日期": "2020-03-01",
        **overrides,
    }
    return [values.get(h) for h in HEADER] + [values[k] for k in overrides if k not in HEADER]


# A roster as users fill the template in: a title line, the header, then one row a worker.
ROSTER_LAYOUT = {"sheet": "花名册", "title_rows": [["某某公司职工花名册"]], "header": HEADER}
write_xlsx = partial(spreadsheets.write_xlsx, **ROSTER_LAYOUT)


def run(path: Path, enterprise, *args: str) -> tuple[int, dict]:
    return run_json_command("import_roster", str(path), "--enterprise", enterprise.uscc, *args)


@pytest.fixture
def enterprise():
    return EnterpriseFactory(name="本企业")


def test_first_upload_creates_workers_with_derived_sex_and_birth_date(tmp_path, enterprise):
    rows = [
        row(1, 政治面貌="党员", 职业技能等级="高级工（三级）", 是否工会会员="Y"),
        row(2, 身份证号=person(2, sex="F", birth=datetime.date(1990, 7, 1)), 职业技能等级="五级"),
        row(3, 是否一线职工="否", 入职日期="2021年5月6日"),
    ]
    code, result = run(write_xlsx(tmp_path / "r.xlsx", rows), enterprise)

    assert code == 0, result
    assert result["counts"] == {
        "rows": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "departed": 0,
        "skipped": 0,
        "errors": 0,
    }
    first = Worker.objects.get(id_number=person(1))
    assert first.political_status == PoliticalStatus.PARTY_MEMBER
    assert first.skill_level == SkillLevel.SENIOR
    assert first.is_union_member is True
    second = Worker.objects.get(id_number=person(2, sex="F", birth=datetime.date(1990, 7, 1)))
    assert (second.sex, second.birth_date) == (Sex.FEMALE, datetime.date(1990, 7, 1))
    assert second.skill_level == SkillLevel.JUNIOR
    assert second.political_status == PoliticalStatus.MASSES  # blank is 群众
    third = Employment.objects.get(worker__id_number=person(3))
    assert third.is_frontline is False and third.hire_date == datetime.date(2021, 5, 6)
    assert third.enterprise == enterprise


def test_reupload_is_all_unchanged_and_changes_are_listed(tmp_path, enterprise):
    rows = [row(1), row(2), row(3)]
    write_xlsx(tmp_path / "a.xlsx", rows)
    assert run(tmp_path / "a.xlsx", enterprise)[0] == 0

    code, again = run(tmp_path / "a.xlsx", enterprise)
    assert code == 0 and again["counts"]["unchanged"] == 3

    rows[0] = row(1, 职业技能等级="技师")
    rows[1] = row(2, 岗位="班组长")
    write_xlsx(tmp_path / "b.xlsx", rows)
    code, changed = run(tmp_path / "b.xlsx", enterprise)
    assert code == 0
    assert (changed["counts"]["updated"], changed["counts"]["unchanged"]) == (2, 1)
    assert Worker.objects.get(id_number=person(1)).skill_level == SkillLevel.TECHNICIAN
    assert Employment.objects.get(worker__id_number=person(2)).position == "班组长"


def test_missing_workers_depart_with_todays_date_and_are_kept(tmp_path, enterprise):
    write_xlsx(tmp_path / "a.xlsx", [row(n) for n in range(1, 6)])
    run(tmp_path / "a.xlsx", enterprise)
    write_xlsx(tmp_path / "b.xlsx", [row(n) for n in range(1, 5)])

    code, result = run(tmp_path / "b.xlsx", enterprise)

    assert code == 0 and result["counts"]["departed"] == 1
    gone = Employment.objects.get(worker__id_number=person(5))
    assert gone.departure_date == timezone.localdate()
    assert Worker.objects.filter(id_number=person(5)).exists()


def test_departing_more_than_a_fifth_needs_confirmation(tmp_path, enterprise):
    write_xlsx(tmp_path / "all.xlsx", [row(n) for n in range(1, 11)])
    run(tmp_path / "all.xlsx", enterprise)
    write_xlsx(tmp_path / "part.xlsx", [row(n) for n in range(1, 8)])

    code, refused = run(tmp_path / "part.xlsx", enterprise)
    assert code == 2 and refused["applied"] is False
    assert refused["errors"][0]["row"] is None and "3" in refused["errors"][0]["message"]
    assert not Employment.objects.filter(departure_date__isnull=False).exists()

    code, confirmed = run(tmp_path / "part.xlsx", enterprise, "--confirm-departures")
    assert code == 0 and confirmed["counts"]["departed"] == 3


def test_transfer_keeps_one_worker_and_both_employments(tmp_path, enterprise):
    other = EnterpriseFactory(name="原单位")
    moving = WorkerFactory(id_number=person(7))
    EmploymentFactory(worker=moving, enterprise=other)

    code, result = run(write_xlsx(tmp_path / "r.xlsx", [row(7)]), enterprise)

    assert code == 0 and result["counts"]["created"] == 1
    assert Worker.objects.filter(id_number=person(7)).count() == 1
    assert set(moving.employments.values_list("enterprise__name", flat=True)) == {
        "本企业",
        "原单位",
    }
    # Neutral: the other enterprise is not named (issue 12).
    assert any("其他企业任职" in w["message"] for w in result["warnings"])
    assert not any("原单位" in w["message"] for w in result["warnings"])


def test_bad_rows_are_all_listed_and_nothing_is_written(tmp_path, enterprise):
    header = [*HEADER, "性别", "出生日期"]
    born_2012 = person(20, birth=datetime.date(2012, 1, 1))
    rows = [
        [*row(1), "男", "1985-03-09"],
        [*row(2, 身份证号="330683850309123"), None, None],  # 15-digit old number
        [*row(3, 身份证号=3.30683198503091e17), None, None],  # numeric cell
        [*row(4), "女", None],  # sex contradicts the ID number
        [*row(5), None, "1985-03-10"],  # birth date contradicts it
        [*row(6, 身份证号=born_2012, 入职日期="2025-01-01"), None, None],  # hired at 13
        [*row(7, 身份证号=person(1)), None, None],  # duplicate of row 3
        [*row(8, 政治面貌="党外人士"), None, None],
    ]
    code, result = run(write_xlsx(tmp_path / "bad.xlsx", rows, header=header), enterprise)

    assert code == 1 and result["applied"] is False
    errors = {(e["row"], e["column"]) for e in result["errors"]}
    assert errors == {
        (4, "身份证号"),
        (5, "身份证号"),
        (6, "性别"),
        (7, "出生日期"),
        (8, "入职日期"),
        (9, "身份证号"),
        (10, "政治面貌"),
    }
    messages = {(e["row"]): e["message"] for e in result["errors"]}
    assert "15位" in messages[4]
    assert "文本" in messages[5]
    assert not Worker.objects.exists() and not Employment.objects.exists()


def test_dry_run_writes_nothing(tmp_path, enterprise):
    code, dry = run(write_xlsx(tmp_path / "r.xlsx", [row(1), row(2)]), enterprise, "--dry-run")
    assert code == 0 and dry["dry_run"] is True and dry["counts"]["created"] == 2
    assert not Worker.objects.exists()


def test_unknown_enterprise_is_exit_2(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [row(1)])
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "import_roster",
            str(path),
            "--enterprise",
            "91330683MA2T99999X",
            "--json",
            stdout=out,
            stderr=io.StringIO(),
        )
    assert exit_info.value.code == 2
    result = json.loads(out.getvalue())
    assert result["ok"] is False and result["errors"][0]["row"] is None
    assert not Worker.objects.exists()


# Every column of the template but 性别 and 出生日期, which the ID number gives.
FULL_HEADER = [c.name for c in ROSTER_DATASET.columns if c.name not in ("性别", "出生日期")]


def full_row(n: int, **overrides) -> list:
    values = {
        "姓名": "职工%d" % n,
        "身份证号": person(n),
        "手机号码": "1390000%04d" % n,
        "岗位": "操作工",
        "是否一线职工": "是",
        "职业技能等级": "中级工",
        "政治面貌": "党员",
        "是否工会会员": "是",
        "入职日期": "2020-03-01",
        "劳动合同类型": "固定期限",
        "学历": "高中",
        "备注": "",
        **overrides,
    }
    return [values[h] for h in FULL_HEADER]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("姓名", "职工一"),
        ("手机号码", "13900009999"),
        ("手机号码", ""),
        ("岗位", "班组长"),
        ("是否一线职工", "否"),
        ("职业技能等级", "技师"),
        ("政治面貌", ""),
        ("是否工会会员", "否"),
        ("入职日期", "2020-03-02"),
        ("劳动合同类型", ""),
        ("学历", "大专"),
        ("备注", "调岗"),
    ],
)
def test_a_reupload_finds_each_changed_cell_and_only_that_row(tmp_path, enterprise, column, value):
    layout = {**ROSTER_LAYOUT, "header": FULL_HEADER}
    rows = [full_row(n) for n in range(1, 4)]
    spreadsheets.write_xlsx(tmp_path / "a.xlsx", rows, **layout)
    assert run(tmp_path / "a.xlsx", enterprise)[0] == 0
    code, again = run(tmp_path / "a.xlsx", enterprise)
    assert code == 0 and (again["counts"]["unchanged"], again["counts"]["updated"]) == (3, 0)

    rows[1] = full_row(2, **{column: value})
    spreadsheets.write_xlsx(tmp_path / "b.xlsx", rows, **layout)
    code, changed = run(tmp_path / "b.xlsx", enterprise, "--confirm-departures")
    assert code == 0, changed
    assert (changed["counts"]["updated"], changed["counts"]["unchanged"]) == (1, 2)
    _, listed = run(tmp_path / "b.xlsx", enterprise, "--dry-run")
    assert listed["counts"]["unchanged"] == 3  # applied: the same file again changes nothing


def test_a_file_without_the_optional_columns_leaves_their_stored_values_unchanged(
    tmp_path, enterprise
):
    layout = {**ROSTER_LAYOUT, "header": FULL_HEADER}
    spreadsheets.write_xlsx(tmp_path / "full.xlsx", [full_row(1), full_row(2)], **layout)
    assert run(tmp_path / "full.xlsx", enterprise)[0] == 0
    # Only the columns the template requires, and the same values in them.
    short = [
        h
        for h in FULL_HEADER
        if h in ("姓名", "身份证号", "是否一线职工", "是否工会会员", "入职日期")
    ]
    rows = [[dict(zip(FULL_HEADER, full_row(n), strict=True))[h] for h in short] for n in (1, 2)]
    spreadsheets.write_xlsx(tmp_path / "short.xlsx", rows, **{**ROSTER_LAYOUT, "header": short})
    code, result = run(tmp_path / "short.xlsx", enterprise)
    assert code == 0 and (result["counts"]["unchanged"], result["counts"]["updated"]) == (2, 0)
    worker = Worker.objects.get(id_number=person(1))
    assert (worker.phone, worker.education) == ("13900000001", "高中")
