"""import_competition_results against INTERFACES.md and DOMAIN.md, on real .xlsx files."""

import datetime
import io
from functools import partial
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from imports.models import ImportRecord
from tests import spreadsheets
from tests.commands import counts, errors, run_json_command
from tests.dates import resolved, tomorrow
from tests.factories import (
    CompetitionFactory,
    CompetitionResultFactory,
    WorkerFactory,
    make_id_number,
)
from training.models import Competition, CompetitionResult

pytestmark = pytest.mark.django_db

HEADER = ["竞赛名称", "竞赛级别", "举办日期", "身份证号", "姓名", "获奖等次", "职业（工种）"]
ID_1 = make_id_number(21, datetime.date(1988, 8, 8))
ID_2 = make_id_number(22, datetime.date(1993, 3, 3), sex="F")
ID_3 = make_id_number(23, datetime.date(1975, 5, 5))  # valid, but nobody registered has it
CONTEST = "嵊州市数控车工技能大赛"
HELD_ON = "2026-05-20"

write_xlsx = partial(spreadsheets.write_xlsx, sheet="技能竞赛成绩", header=HEADER)


def run(path: Path, *args: str) -> tuple[int, dict]:
    return run_json_command("import_competition_results", str(path), *args)


@pytest.fixture
def workers():
    return {
        "zhang": WorkerFactory(name="张三", id_number=ID_1),
        "li": WorkerFactory(name="李四", id_number=ID_2),
    }


def row(**overrides: object) -> list[object]:
    values = {
        "竞赛名称": CONTEST,
        "竞赛级别": "嵊州市级",
        "举办日期": HELD_ON,
        "身份证号": ID_1,
        "姓名": "张三",
        "获奖等次": "一等奖",
        "职业（工种）": "数控车工",
        **overrides,
    }
    return [values[name] for name in HEADER]


def result_of(worker, name: str = CONTEST) -> CompetitionResult:
    return CompetitionResult.objects.get(worker=worker, competition__name=name)


def test_results_and_their_competitions_are_created(workers, tmp_path):
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [
            row(),
            row(身份证号=ID_2, 姓名="李四", 获奖等次="第3名"),
            row(
                竞赛名称="绍兴市电工职业技能竞赛",
                竞赛级别="绍兴市",
                举办日期="2026/4/9",
                获奖等次=None,
            ),
            row(竞赛名称="全国职工技能大赛", 竞赛级别="国家级", 获奖等次="第十名"),
            row(
                竞赛名称="剡湖街道岗位练兵",
                竞赛级别="街道",
                获奖等次="参赛",
                **{"职业（工种）": None},
            ),
        ],
        title_rows=[["2026年技能竞赛成绩汇总"]],
    )
    code, result = run(path)
    assert code == 0, result
    assert counts(result) == (5, 0, 0)
    assert dict(Competition.objects.values_list("name", "level")) == {
        CONTEST: "shengzhou",
        "绍兴市电工职业技能竞赛": "shaoxing",
        "全国职工技能大赛": "national",
        "剡湖街道岗位练兵": "subdistrict",
    }
    first = result_of(workers["zhang"])
    assert (first.prize, first.is_prize, first.held_on, first.occupation, first.source) == (
        "一等奖",
        True,
        datetime.date(2026, 5, 20),
        "数控车工",
        "command",
    )
    assert (result_of(workers["li"]).prize, result_of(workers["li"]).is_prize) == ("第3名", True)
    took_part = result_of(workers["zhang"], "绍兴市电工职业技能竞赛")
    assert (took_part.prize, took_part.is_prize, took_part.held_on) == (
        "",
        False,
        datetime.date(2026, 4, 9),
    )
    assert result_of(workers["zhang"], "全国职工技能大赛").is_prize
    assert not result_of(workers["zhang"], "剡湖街道岗位练兵").is_prize


@pytest.mark.parametrize(
    ("typed", "level"),
    [
        ("全国", "national"),
        ("国家级", "national"),
        ("省级", "provincial"),
        ("浙江省", "provincial"),
        ("绍兴市级", "shaoxing"),
        ("绍兴市", "shaoxing"),
        ("嵊州市级", "shengzhou"),
        ("嵊州市", "shengzhou"),
        ("县级", "shengzhou"),
        ("街道级", "subdistrict"),
        ("剡湖街道", "subdistrict"),
        ("街道", "subdistrict"),
    ],
)
def test_level_variants(workers, tmp_path, typed, level):
    code, result = run(write_xlsx(tmp_path / "r.xlsx", [row(竞赛级别=typed)]))
    assert code == 0, result
    assert Competition.objects.get().level == level


@pytest.mark.parametrize(
    ("overrides", "column", "words"),
    [
        ({"竞赛级别": "市级"}, "竞赛级别", "绍兴市级"),
        ({"竞赛级别": "区级"}, "竞赛级别", "不能填"),
        ({"获奖等次": "金奖"}, "获奖等次", "一等奖、二等奖、三等奖、优秀奖或第N名"),
        ({"获奖等次": "第名"}, "获奖等次", "留空"),
        ({"举办日期": tomorrow}, "举办日期", "晚于今天"),
        ({"举办日期": "下个月"}, "举办日期", "不是日期"),
        ({"竞赛名称": None}, "竞赛名称", "不能为空"),
        ({"身份证号": "330683880808211"}, "身份证号", "15位"),
        ({"身份证号": 3.30683198808082e17}, "身份证号", "文本"),
        ({"身份证号": ID_1[:-1] + ("0" if ID_1[-1] != "0" else "1")}, "身份证号", "校验位"),
        ({"身份证号": ID_3, "姓名": "王五"}, "身份证号", "不在职工登记"),
        ({"姓名": "张 叁"}, "姓名", "不一致"),
    ],
)
def test_each_bad_row_is_an_error_and_nothing_is_written(
    workers, tmp_path, overrides, column, words
):
    path = write_xlsx(
        tmp_path / "r.xlsx", [row(身份证号=ID_2, 姓名="李四"), row(**resolved(overrides))]
    )
    code, result = run(path)
    assert code == 1, result
    assert not result["ok"] and not result["applied"]
    [(line, found_column, message)] = errors(result)
    assert (line, found_column) == (3, column)
    assert words in message
    assert not Competition.objects.exists() and not CompetitionResult.objects.exists()
    assert ImportRecord.objects.get().status == ImportRecord.Status.INVALID


def test_the_same_person_twice_in_one_competition_is_an_error_on_the_later_row(workers, tmp_path):
    rows = [
        row(),
        row(举办日期="2026-05-21"),  # another competition: same name, another day
        row(竞赛名称="另一项竞赛"),
        row(获奖等次="二等奖", 举办日期="2026年5月20日"),
    ]
    code, result = run(write_xlsx(tmp_path / "r.xlsx", rows))
    assert code == 1
    [(line, column, message)] = errors(result)
    assert (line, column) == (5, "身份证号")
    assert "第2行" in message
    assert not CompetitionResult.objects.exists()


def test_rows_of_one_competition_must_agree_on_its_level(workers, tmp_path):
    rows = [row(), row(身份证号=ID_2, 姓名="李四", 竞赛级别="绍兴市级")]
    code, result = run(write_xlsx(tmp_path / "r.xlsx", rows))
    assert code == 1
    [(line, column, message)] = errors(result)
    assert (line, column) == (3, "竞赛级别")
    assert "第2行" in message and "嵊州市级" in message and "绍兴市级" in message


def test_a_file_that_changes_a_stored_competitions_level_updates_it_and_its_rows(workers, tmp_path):
    competition = CompetitionFactory(
        name=CONTEST, held_on=datetime.date(2026, 5, 20), level="subdistrict"
    )
    CompetitionResultFactory(
        competition=competition, worker=workers["zhang"], prize="一等奖", occupation="数控车工"
    )
    code, result = run(
        write_xlsx(tmp_path / "r.xlsx", [row(), row(身份证号=ID_2, 姓名="李四", 获奖等次=None)])
    )
    assert code == 0, result
    # The existing result is the same, but its competition changed: updated, not unchanged.
    assert counts(result) == (1, 1, 0)
    competition.refresh_from_db()
    assert competition.level == "shengzhou"
    assert Competition.objects.count() == 1


def test_a_reimport_updates_changed_results_and_deletes_none(workers, tmp_path):
    run(
        write_xlsx(
            tmp_path / "a.xlsx",
            [row(), row(身份证号=ID_2, 姓名="李四", 获奖等次="优秀奖"), row(竞赛名称="另一项竞赛")],
        )
    )
    code, result = run(
        write_xlsx(
            tmp_path / "b.xlsx",
            [row(), row(身份证号=ID_2, 姓名="李四", 获奖等次=None, **{"职业（工种）": "车工"})],
        )
    )
    assert code == 0, result
    assert counts(result) == (0, 1, 1)
    li = result_of(workers["li"])
    assert (li.prize, li.is_prize, li.occupation) == ("", False, "车工")
    assert CompetitionResult.objects.count() == 3, "a result the file omits stays"
    assert Competition.objects.count() == 2


def test_a_file_without_the_occupation_column_keeps_the_stored_one(workers, tmp_path):
    competition = CompetitionFactory(name=CONTEST, held_on=datetime.date(2026, 5, 20))
    CompetitionResultFactory(
        competition=competition, worker=workers["zhang"], prize="二等奖", occupation="数控车工"
    )
    header = HEADER[:-1]
    path = spreadsheets.write_xlsx(
        tmp_path / "r.xlsx",
        [[CONTEST, "嵊州市级", HELD_ON, ID_1, "张三", "一等奖"]],
        sheet="技能竞赛成绩",
        header=header,
    )
    code, result = run(path)
    assert code == 0, result
    assert counts(result) == (0, 1, 0)
    zhang = result_of(workers["zhang"])
    assert (zhang.prize, zhang.occupation) == ("一等奖", "数控车工")


def test_a_dry_run_reports_what_the_real_run_does_and_writes_nothing(workers, tmp_path):
    competition = CompetitionFactory(name=CONTEST, held_on=datetime.date(2026, 5, 20))
    CompetitionResultFactory(competition=competition, worker=workers["zhang"], prize="三等奖")
    rows = [row(), row(竞赛名称="新竞赛", 竞赛级别="省级"), [None] * len(HEADER)]
    path = write_xlsx(tmp_path / "r.xlsx", rows)
    dry_code, dry = run(path, "--dry-run")
    assert dry_code == 0 and dry["dry_run"] and not dry["applied"]
    assert Competition.objects.count() == 1 and CompetitionResult.objects.count() == 1
    assert not ImportRecord.objects.exists()
    code, real = run(path)
    assert code == 0 and real["applied"]
    assert dry["counts"] == real["counts"]
    assert counts(real) == (1, 1, 0)
    assert dry["errors"] == real["errors"] and dry["warnings"] == real["warnings"]
    assert Competition.objects.get(name="新竞赛").level == "provincial"


def test_json_output_has_the_promised_shape(workers, tmp_path):
    code, result = run(write_xlsx(tmp_path / "r.xlsx", [row()]))
    assert code == 0
    assert set(result) == {"ok", "applied", "dry_run", "counts", "errors", "warnings"}
    assert result["counts"] == {
        "rows": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "departed": 0,
        "skipped": 0,
        "errors": 0,
    }


def test_a_missing_required_column_refuses_the_file(workers, tmp_path):
    path = spreadsheets.write_xlsx(
        tmp_path / "r.xlsx",
        [[CONTEST, HELD_ON, ID_1, "张三"]],
        sheet="技能竞赛成绩",
        header=["竞赛名称", "竞赛日期", "身份证号", "姓名"],
    )
    code, result = run(path)
    assert code == 2
    assert not result["ok"] and not result["applied"]
    assert [(e["row"], e["column"]) for e in result["errors"]] == [(None, "竞赛级别")]
    assert not Competition.objects.exists()


def test_a_file_with_no_data_rows_is_refused(workers, tmp_path):
    code, result = run(write_xlsx(tmp_path / "r.xlsx", []))
    assert code == 2
    assert result["errors"][0]["row"] is None
    assert "没有数据行" in result["errors"][0]["message"]


def test_the_template_is_for_staff_and_imports_once_filled_in(
    client, staff_user, hr_user, workers, tmp_path
):
    url = reverse("training:competitions_template")
    client.force_login(hr_user)
    assert client.get(url).status_code == 403
    client.force_login(staff_user)
    response = client.get(url)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["技能竞赛成绩"]
    assert [c.value for c in sheet[2]] == HEADER
    assert sheet.column_dimensions["D"].number_format == "@"
    levels = next(v for v in sheet.data_validations.dataValidation if "B3" in str(v.sqref))
    assert levels.formula1 == '"全国,省级,绍兴市级,嵊州市级,街道级"'
    for column, value in enumerate(row(), start=1):
        sheet.cell(row=3, column=column, value=value)
    path = tmp_path / "filled.xlsx"
    book.save(path)
    code, result = run(path)
    assert code == 0, result
    assert result_of(workers["zhang"]).prize == "一等奖"
