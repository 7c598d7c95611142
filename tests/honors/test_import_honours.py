"""import_honours against INTERFACES.md and DOMAIN.md (the 荣誉 data set), on real .xlsx files."""

import datetime
import io
from functools import partial
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from honors.models import Honour
from imports.models import ImportRecord
from tests import spreadsheets
from tests.commands import counts, errors, run_json_command
from tests.dates import next_year, next_year_in_words, resolved
from tests.factories import (
    EnterpriseFactory,
    HonourFactory,
    TeamHonourFactory,
    WorkerFactory,
    make_id_number,
    make_uscc,
)

pytestmark = pytest.mark.django_db

HEADER = [
    "荣誉名称",
    "级别",
    "年度",
    "身份证号",
    "姓名",
    "统一社会信用代码",
    "集体名称",
    "授予单位",
    "文号",
]
ID_1 = make_id_number(31, datetime.date(1979, 9, 9))
ID_2 = make_id_number(32, datetime.date(1990, 2, 2), sex="F")
ID_3 = make_id_number(33, datetime.date(1975, 5, 5))  # valid, but nobody registered has it
USCC_A = make_uscc(801)
USCC_UNKNOWN = make_uscc(802)
BODY = "嵊州市人民政府"
DOC = "嵊政发〔2025〕12号"

write_xlsx = partial(spreadsheets.write_xlsx, sheet="荣誉", header=HEADER)


def run(path: Path, *args: str) -> tuple[int, dict]:
    return run_json_command("import_honours", str(path), *args)


@pytest.fixture
def register():
    return {
        "zhang": WorkerFactory(name="张三", id_number=ID_1),
        "li": WorkerFactory(name="李四", id_number=ID_2),
        "enterprise": EnterpriseFactory(name="嵊州甲机械有限公司", uscc=USCC_A),
    }


def person(**overrides: object) -> list[object]:
    values = {
        "荣誉名称": "劳动模范",
        "级别": "嵊州市级",
        "年度": 2025,
        "身份证号": ID_1,
        "姓名": "张三",
        "统一社会信用代码": None,
        "集体名称": None,
        "授予单位": BODY,
        "文号": DOC,
        **overrides,
    }
    return [values[name] for name in HEADER]


def team(**overrides: object) -> list[object]:
    values = {
        "荣誉名称": "工人先锋号",
        "级别": "绍兴市级",
        "年度": 2025,
        "身份证号": None,
        "姓名": None,
        "统一社会信用代码": USCC_A,
        "集体名称": "装配车间一班",
        "授予单位": "绍兴市总工会",
        "文号": "绍工〔2025〕3号",
        **overrides,
    }
    return [values[name] for name in HEADER]


def test_person_and_team_honours_are_created(register, tmp_path):
    path = write_xlsx(
        tmp_path / "h.xlsx",
        [
            person(),
            person(荣誉名称="嵊州工匠", 身份证号=ID_2, 姓名="李 四", 级别="嵊州市", 文号=None),
            team(),
            team(荣誉名称="优秀班组", 级别="街道", 集体名称="质检班", 授予单位=None),
        ],
        title_rows=[["2025年度荣誉名单"], ["填报单位：剡湖街道总工会"]],
    )
    code, result = run(path)
    assert code == 0, result
    assert counts(result) == (4, 0, 0)
    zhang = Honour.objects.get(worker=register["zhang"])
    assert (
        zhang.name,
        zhang.level,
        zhang.year,
        zhang.awarding_body,
        zhang.document_number,
        zhang.source,
        zhang.enterprise,
        zhang.team_name,
    ) == ("model_worker", "shengzhou", 2025, BODY, DOC, "command", None, "")
    li = Honour.objects.get(worker=register["li"])
    assert (li.name, li.level, li.document_number) == ("craftsman", "shengzhou", "")
    teams = {
        h.team_name: (h.name, h.level, h.worker, h.awarding_body)
        for h in Honour.objects.filter(enterprise=register["enterprise"])
    }
    assert teams == {
        "装配车间一班": ("worker_pioneer", "shaoxing", None, "绍兴市总工会"),
        "质检班": ("excellent_team", "subdistrict", None, ""),
    }


@pytest.mark.parametrize("typed", ["劳模", "基层劳模", " 劳动模范　", "劳动\u3000模范"])
def test_everyday_words_for_a_model_worker_are_accepted(register, tmp_path, typed):
    code, result = run(write_xlsx(tmp_path / "h.xlsx", [person(荣誉名称=typed)]))
    assert code == 0, result
    assert Honour.objects.get().name == "model_worker"


@pytest.mark.parametrize(
    ("typed", "level"),
    [
        ("全国", "national"),
        ("国家级", "national"),
        ("省级", "provincial"),
        ("浙江省", "provincial"),
        ("省", "provincial"),
        ("绍兴市", "shaoxing"),
        ("嵊州市", "shengzhou"),
        ("县级", "shengzhou"),
        ("剡湖街道", "subdistrict"),
        ("街道级", "subdistrict"),
    ],
)
def test_level_spellings(register, tmp_path, typed, level):
    code, result = run(write_xlsx(tmp_path / "h.xlsx", [person(级别=typed)]))
    assert code == 0, result
    assert Honour.objects.get().level == level


@pytest.mark.parametrize("typed", [2025, "2025", "2025年", "２０２５", "２０２５年", 2025.0])
def test_year_spellings(register, tmp_path, typed):
    code, result = run(write_xlsx(tmp_path / "h.xlsx", [person(年度=typed)]))
    assert code == 0, result
    assert Honour.objects.get().year == 2025


@pytest.mark.parametrize(
    ("overrides", "column", "words"),
    [
        # 荣誉名称 and 级别
        (
            {"荣誉名称": "先进个人"},
            "荣誉名称",
            "劳动模范、嵊州工匠、杰出工匠、优秀职工、工人先锋号、优秀班组",
        ),
        ({"级别": "市级"}, "级别", "绍兴市级"),
        ({"级别": "区级"}, "级别", "不能填"),
        # 年度
        ({"年度": next_year}, "年度", "将来"),
        ({"年度": next_year_in_words}, "年度", "将来"),
        ({"年度": "去年"}, "年度", "四位年份"),
        ({"年度": None}, "年度", "不能为空"),
        # a person's honour
        ({"身份证号": None}, "身份证号", "个人"),
        ({"身份证号": "330683790909311"}, "身份证号", "15位"),
        ({"身份证号": 3.30683197909093e17}, "身份证号", "文本"),
        ({"身份证号": ID_1[:-1] + ("0" if ID_1[-1] != "0" else "1")}, "身份证号", "校验位"),
        ({"身份证号": ID_3, "姓名": "王五"}, "身份证号", "不在职工登记"),
        ({"姓名": "张叁"}, "姓名", "不一致"),
        ({"姓名": None}, "姓名", "姓名"),
        ({"集体名称": "装配车间一班"}, "集体名称", "个人"),
    ],
)
def test_each_bad_person_row_is_an_error_and_nothing_is_written(
    register, tmp_path, overrides, column, words
):
    path = write_xlsx(
        tmp_path / "h.xlsx", [person(身份证号=ID_2, 姓名="李四"), person(**resolved(overrides))]
    )
    code, result = run(path)
    assert code == 1, result
    assert not result["ok"] and not result["applied"]
    [(line, found_column, message)] = errors(result)
    assert (line, found_column) == (3, column)
    assert words in message
    assert not Honour.objects.exists()
    assert ImportRecord.objects.get().status == ImportRecord.Status.INVALID


@pytest.mark.parametrize(
    ("overrides", "column", "words"),
    [
        ({"统一社会信用代码": None}, "统一社会信用代码", "集体"),
        ({"统一社会信用代码": USCC_UNKNOWN}, "统一社会信用代码", "不在企业名录"),
        (
            {"统一社会信用代码": USCC_A[:-1] + ("0" if USCC_A[-1] != "0" else "1")},
            "统一社会信用代码",
            "校验",
        ),
        ({"集体名称": None}, "集体名称", "集体名称"),
        ({"身份证号": ID_1}, "身份证号", "集体"),
    ],
)
def test_each_bad_team_row_is_an_error_and_nothing_is_written(
    register, tmp_path, overrides, column, words
):
    path = write_xlsx(tmp_path / "h.xlsx", [team(集体名称="质检班"), team(**resolved(overrides))])
    code, result = run(path)
    assert code == 1, result
    [(line, found_column, message)] = errors(result)
    assert (line, found_column) == (3, column)
    assert words in message
    assert not Honour.objects.exists()


def test_a_code_on_a_persons_row_and_a_name_on_a_teams_row_are_ignored(register, tmp_path):
    rows = [person(统一社会信用代码="不是代码"), team(姓名="班长王五")]
    code, result = run(write_xlsx(tmp_path / "h.xlsx", rows))
    assert code == 0, result
    assert Honour.objects.get(worker=register["zhang"]).enterprise is None
    assert Honour.objects.get(team_name="装配车间一班").worker is None


def test_a_file_without_the_id_column_errs_on_each_persons_row(register, tmp_path):
    header = [h for h in HEADER if h != "身份证号"]
    path = spreadsheets.write_xlsx(
        tmp_path / "h.xlsx",
        [
            ["劳动模范", "嵊州市级", 2025, "张三", None, None, BODY, DOC],
            ["工人先锋号", "绍兴市级", 2025, None, USCC_A, "装配车间一班", None, None],
        ],
        sheet="荣誉",
        header=header,
    )
    code, result = run(path)
    assert code == 1
    assert [(e[0], e[1]) for e in errors(result)] == [(2, "身份证号")]
    assert not Honour.objects.exists()


def test_the_same_person_twice_is_an_error_on_the_later_row(register, tmp_path):
    rows = [
        person(),
        person(级别="绍兴市级"),  # another level: another honour
        person(年度=2024),  # another year
        person(荣誉名称="优秀职工"),  # another honour
        person(荣誉名称="劳模", 授予单位="另一单位"),  # the first row again
    ]
    code, result = run(write_xlsx(tmp_path / "h.xlsx", rows))
    assert code == 1
    [(line, column, message)] = errors(result)
    assert (line, column) == (6, "身份证号")
    assert "第2行" in message
    assert not Honour.objects.exists()


def test_the_same_team_twice_is_an_error_on_the_later_row(register, tmp_path):
    rows = [team(), team(集体名称="质检班"), team(集体名称=" 装配车间一班 ")]
    code, result = run(write_xlsx(tmp_path / "h.xlsx", rows))
    assert code == 1
    [(line, column, message)] = errors(result)
    assert (line, column) == (4, "集体名称")
    assert "第2行" in message


def test_a_reimport_updates_changed_honours_and_deletes_none(register, tmp_path):
    run(
        write_xlsx(
            tmp_path / "a.xlsx",
            [person(), person(身份证号=ID_2, 姓名="李四"), team(), person(年度=2024)],
        )
    )
    assert Honour.objects.count() == 4
    code, result = run(
        write_xlsx(
            tmp_path / "b.xlsx",
            [
                person(),
                person(身份证号=ID_2, 姓名="李四", 文号="嵊政发〔2025〕99号"),
                team(文号=None),
            ],
        )
    )
    assert code == 0, result
    assert counts(result) == (0, 2, 1)
    assert Honour.objects.get(worker=register["li"]).document_number == "嵊政发〔2025〕99号"
    assert Honour.objects.get(team_name="装配车间一班").document_number == ""
    assert Honour.objects.count() == 4, "an honour the file omits stays"


def test_a_file_without_the_document_column_keeps_the_stored_number(register, tmp_path):
    HonourFactory(worker=register["zhang"], awarding_body="旧单位", document_number=DOC)
    TeamHonourFactory(
        enterprise=register["enterprise"],
        team_name="装配车间一班",
        level="shaoxing",
        awarding_body="绍兴市总工会",
        document_number="绍工〔2025〕3号",
    )
    header = HEADER[:-1]
    path = spreadsheets.write_xlsx(
        tmp_path / "h.xlsx",
        [person()[:-1], team()[:-1]],
        sheet="荣誉",
        header=header,
    )
    code, result = run(path)
    assert code == 0, result
    assert counts(result) == (0, 1, 1)
    zhang = Honour.objects.get(worker=register["zhang"])
    assert (zhang.awarding_body, zhang.document_number, zhang.source) == (BODY, DOC, "admin")


def test_a_dry_run_reports_what_the_real_run_does_and_writes_nothing(register, tmp_path):
    HonourFactory(worker=register["zhang"], awarding_body="旧单位", document_number=DOC)
    rows = [person(), team(), [None] * len(HEADER)]
    path = write_xlsx(tmp_path / "h.xlsx", rows)
    dry_code, dry = run(path, "--dry-run")
    assert dry_code == 0 and dry["dry_run"] and not dry["applied"]
    assert Honour.objects.count() == 1
    assert Honour.objects.get().awarding_body == "旧单位"
    assert not ImportRecord.objects.exists()
    code, real = run(path)
    assert code == 0 and real["applied"]
    assert dry["counts"] == real["counts"]
    assert counts(real) == (1, 1, 0)
    assert dry["errors"] == real["errors"] and dry["warnings"] == real["warnings"]
    assert Honour.objects.count() == 2


def test_one_bad_row_changes_nothing(register, tmp_path):
    HonourFactory(worker=register["zhang"], awarding_body="旧单位", document_number=DOC)
    rows = [person(), person(身份证号=ID_2, 姓名="李四"), team(统一社会信用代码=USCC_UNKNOWN)]
    code, result = run(write_xlsx(tmp_path / "h.xlsx", rows))
    assert code == 1
    assert [(e[0], e[1]) for e in errors(result)] == [(4, "统一社会信用代码")]
    assert Honour.objects.count() == 1
    assert Honour.objects.get().awarding_body == "旧单位"


def test_formula_looking_text_is_stored_as_text(register, tmp_path):
    rows = [person(授予单位='=HYPERLINK("http://x")', 文号="+1-2"), team(集体名称="@班组")]
    code, result = run(write_xlsx(tmp_path / "h.xlsx", rows))
    assert code == 0, result
    zhang = Honour.objects.get(worker=register["zhang"])
    assert (zhang.awarding_body, zhang.document_number) == ('=HYPERLINK("http://x")', "+1-2")
    assert Honour.objects.get(enterprise=register["enterprise"]).team_name == "@班组"


def test_the_sheet_named_like_the_template_is_read(register, tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "说明"
    spreadsheets.fill_sheet(workbook.active, [["本表为2025年度荣誉名单"]])
    spreadsheets.fill_sheet(workbook.create_sheet("荣誉"), [person()], header=HEADER)
    path = tmp_path / "h.xlsx"
    path.write_bytes(spreadsheets.workbook_bytes(workbook))
    code, result = run(path)
    assert code == 0, result
    assert Honour.objects.get().worker == register["zhang"]


def test_a_missing_required_column_refuses_the_file(register, tmp_path):
    path = spreadsheets.write_xlsx(
        tmp_path / "h.xlsx",
        [["劳动模范", 2025, ID_1, "张三"]],
        sheet="荣誉",
        header=["荣誉名称", "年度", "身份证号", "姓名"],
    )
    code, result = run(path)
    assert code == 2
    assert [(e["row"], e["column"]) for e in result["errors"]] == [(None, "级别")]
    assert not Honour.objects.exists()


def test_the_template_is_for_staff_and_imports_once_filled_in(
    client, staff_user, hr_user, register, tmp_path
):
    url = reverse("honors:honours_template")
    client.force_login(hr_user)
    assert client.get(url).status_code == 403
    client.force_login(staff_user)
    response = client.get(url)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["荣誉"]
    assert [c.value for c in sheet[2]] == HEADER
    assert sheet.column_dimensions["D"].number_format == "@"
    assert sheet.column_dimensions["F"].number_format == "@"
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists["A3"] == '"劳动模范,嵊州工匠,杰出工匠,优秀职工,工人先锋号,优秀班组"'
    assert lists["B3"] == '"全国,省级,绍兴市级,嵊州市级,街道级"'
    assert "集体荣誉不填" in sheet["D2"].comment.text
    for line, values in enumerate([person(), team()], start=3):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=line, column=column, value=value)
    path = tmp_path / "filled.xlsx"
    book.save(path)
    code, result = run(path)
    assert code == 0, result
    assert counts(result) == (2, 0, 0)
