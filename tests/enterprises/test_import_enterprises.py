"""import_enterprises against INTERFACES.md, on real .xlsx/.csv files built in each test."""

import io
from functools import partial
from pathlib import Path

import pytest
from django.core.management import call_command

from enterprises.models import Enterprise, IndustrialPark, Village
from imports.models import ImportRecord
from tests import spreadsheets
from tests.commands import run_json_command
from tests.factories import make_uscc

HEADER = ["统一社会信用代码", "企业名称", "所属村（社区）", "所属工业园区", "是否规上企业", "行业"]


def to_fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


write_xlsx = partial(spreadsheets.write_xlsx, sheet="企业名录")


def run(path: Path, *args: str) -> tuple[int, dict]:
    return run_json_command("import_enterprises", str(path), *args)


def good_rows() -> list[list]:
    return [
        [make_uscc(1), "嵊州市甲公司", "城东社区", "剡湖工业园区", "是", "纺织"],
        [make_uscc(2), "嵊州市乙公司", "城东社区", None, "否", "机械"],
        [make_uscc(3), "嵊州市丙公司", "鹿山村", "剡湖工业园区", "Y", None],
    ]


@pytest.mark.django_db
def test_clean_file_under_title_rows_is_applied(tmp_path):
    path = write_xlsx(
        tmp_path / "名录.xlsx",
        [HEADER, *good_rows()],
        title_rows=[["剡湖街道企业名录（2026年）"], ["填报日期：2026年11月1日"], []],
    )

    code, result = run(path)

    assert code == 0
    assert result["ok"] is True and result["applied"] is True and result["dry_run"] is False
    assert result["counts"] == {
        "rows": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "departed": 0,
        "skipped": 0,
        "errors": 0,
    }
    first = Enterprise.objects.get(uscc=make_uscc(1))
    assert first.name == "嵊州市甲公司"
    assert first.village.name == "城东社区"
    assert first.park.name == "剡湖工业园区"
    assert first.is_above_scale is True
    assert Enterprise.objects.get(uscc=make_uscc(2)).park is None
    assert Village.objects.count() == 2 and IndustrialPark.objects.count() == 1
    # New villages are announced as warnings so a typo is noticed.
    assert any("城东社区" in w["message"] for w in result["warnings"])
    assert ImportRecord.objects.get().status == ImportRecord.Status.APPLIED


@pytest.mark.django_db
def test_header_variants_any_order_full_width_and_stray_spaces(tmp_path):
    header = [" 企业名称 ", "是否规上企业", "所属村居", "统一社会信用代码", "工号"]
    rows = [
        ["　嵊州市甲公司　", "√", "城东社区 ", to_fullwidth(make_uscc(1)), "A1"],
        ["嵊州市乙公司", "×", "城东社区", "'" + make_uscc(2).lower(), "A2"],
    ]
    path = write_xlsx(tmp_path / "variants.xlsx", [header, *rows])

    code, result = run(path)

    assert code == 0, result
    assert result["counts"]["created"] == 2
    first = Enterprise.objects.get(uscc=make_uscc(1))
    assert first.name == "嵊州市甲公司"
    assert first.is_above_scale is True
    assert Enterprise.objects.get(uscc=make_uscc(2)).is_above_scale is False
    assert {"row": None, "column": "工号"} in [
        {"row": w["row"], "column": w["column"]} for w in result["warnings"]
    ]


@pytest.mark.django_db
def test_reimport_reports_updated_and_unchanged(tmp_path):
    write_xlsx(tmp_path / "a.xlsx", [HEADER, *good_rows()])
    assert run(tmp_path / "a.xlsx")[0] == 0

    code, again = run(tmp_path / "a.xlsx")
    assert code == 0
    assert again["counts"]["unchanged"] == 3 and again["counts"]["created"] == 0

    rows = good_rows()
    rows[1][4] = "是"
    rows[2][1] = "嵊州市丙公司（更名）"
    rows.append([make_uscc(4), "嵊州市丁公司", "鹿山村", None, "否", "茶叶"])
    write_xlsx(tmp_path / "b.xlsx", [HEADER, *rows])
    code, changed = run(tmp_path / "b.xlsx")

    assert code == 0
    counts = changed["counts"]
    assert (counts["created"], counts["updated"], counts["unchanged"]) == (1, 2, 1)
    assert Enterprise.objects.get(uscc=make_uscc(2)).is_above_scale is True
    assert Enterprise.objects.get(uscc=make_uscc(3)).name == "嵊州市丙公司（更名）"


@pytest.mark.django_db
def test_any_row_error_changes_nothing_and_lists_every_error(tmp_path):
    bad_check = make_uscc(5)[:-1] + ("0" if make_uscc(5)[-1] != "0" else "1")
    rows = [
        *good_rows(),
        [bad_check, "嵊州市错码公司", "城东社区", None, "是", None],
        [make_uscc(6), None, "城东社区", None, "否", None],
        [make_uscc(7), "嵊州市戊公司", "城东社区", None, "也许", None],
        [make_uscc(1), "嵊州市甲公司重复", "城东社区", None, "是", None],
    ]
    path = write_xlsx(tmp_path / "bad.xlsx", [HEADER, *rows], title_rows=[["企业名录"]])

    code, result = run(path)

    assert code == 1
    assert result["ok"] is False and result["applied"] is False
    by_row = {(e["row"], e["column"]) for e in result["errors"]}
    # Title row 1, header row 2, data rows start at Excel row 3.
    assert by_row == {
        (6, "统一社会信用代码"),
        (7, "企业名称"),
        (8, "是否规上企业"),
        (9, "统一社会信用代码"),
    }
    assert result["counts"]["errors"] == 4 and result["counts"]["rows"] == 7
    assert all(e["message"] for e in result["errors"])
    assert "第3行" in next(e["message"] for e in result["errors"] if e["row"] == 9)
    assert Enterprise.objects.count() == 0
    assert Village.objects.count() == 0


@pytest.mark.django_db
def test_dry_run_reports_the_same_and_writes_nothing(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [HEADER, *good_rows()])

    code, dry = run(path, "--dry-run")

    assert code == 0
    assert dry["dry_run"] is True and dry["applied"] is False and dry["ok"] is True
    assert Enterprise.objects.count() == 0 and Village.objects.count() == 0
    assert ImportRecord.objects.count() == 0
    code, real = run(path)
    assert real["counts"] == dry["counts"] and real["warnings"] == dry["warnings"]


@pytest.mark.django_db
def test_missing_required_column_is_exit_2_naming_it(tmp_path):
    header = ["统一社会信用代码", "企业名称", "所属村（社区）", "行业"]
    path = write_xlsx(tmp_path / "a.xlsx", [header, [make_uscc(1), "甲", "城东社区", "纺织"]])

    code, result = run(path)

    assert code == 2
    assert result["ok"] is False and result["applied"] is False
    assert [(e["row"], e["column"]) for e in result["errors"]] == [(None, "是否规上企业")]
    assert "是否规上企业" in result["errors"][0]["message"]
    assert Enterprise.objects.count() == 0


@pytest.mark.django_db
def test_not_a_spreadsheet_is_exit_2_whatever_the_extension(tmp_path):
    path = tmp_path / "名录.xlsx"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" * 20)

    code, result = run(path)

    assert code == 2
    assert result["errors"][0]["row"] is None
    assert result["errors"][0]["message"]


@pytest.mark.django_db
def test_numeric_cell_uscc_tells_to_format_as_text(tmp_path):
    path = write_xlsx(
        tmp_path / "a.xlsx", [HEADER, [9.13306830000001e17, "甲", "城东社区", None, "是", None]]
    )

    code, result = run(path)

    assert code == 1
    assert result["errors"][0]["column"] == "统一社会信用代码"
    assert "文本" in result["errors"][0]["message"]


@pytest.mark.django_db
def test_gbk_csv_is_read(tmp_path):
    lines = [",".join(HEADER)] + [",".join(str(c or "") for c in row) for row in good_rows()]
    path = tmp_path / "名录.csv"
    path.write_bytes("\r\n".join(lines).encode("gbk"))

    code, result = run(path)

    assert code == 0, result
    assert Enterprise.objects.count() == 3


@pytest.mark.django_db
def test_footer_rows_without_data_are_skipped_with_a_warning(tmp_path):
    rows = [*good_rows(), [None, None, None, None, None, None, "制表人：张三"]]
    path = write_xlsx(tmp_path / "a.xlsx", [HEADER, *rows])

    code, result = run(path)

    assert code == 0, result
    assert result["counts"]["rows"] == 4 and result["counts"]["skipped"] == 1
    assert any(w["row"] == 5 for w in result["warnings"])


@pytest.mark.django_db
def test_file_over_20_mb_is_refused(tmp_path):
    path = tmp_path / "big.csv"
    line = ",".join(HEADER).encode() + b"\n"
    path.write_bytes(line * (21 * 1024 * 1024 // len(line)))

    code, result = run(path)

    assert code == 2
    assert "20 MB" in result["errors"][0]["message"]
    assert Enterprise.objects.count() == 0


@pytest.mark.django_db
def test_missing_file_is_exit_2(tmp_path):
    code, result = run(tmp_path / "nope.xlsx")
    assert code == 2 and result["ok"] is False and result["errors"][0]["row"] is None


@pytest.mark.django_db
def test_human_output_lists_errors_with_row_and_column(tmp_path):
    rows = [[make_uscc(1), None, "城东社区", None, "是", None]]
    path = write_xlsx(tmp_path / "a.xlsx", [HEADER, *rows])
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_enterprises", str(path), stdout=out, stderr=err)
    assert exit_info.value.code == 1
    assert "第2行" in err.getvalue() and "企业名称" in err.getvalue()
    assert "没有任何改动" in err.getvalue()


@pytest.mark.django_db
def test_village_spelled_with_other_brackets_or_spaces_is_the_same_village(tmp_path):
    Village.objects.create(name="城东社区（居委会）")
    rows = [
        [make_uscc(1), "甲", "城东社区(居委会)", None, "是", None],
        [make_uscc(2), "乙", "城东社区 （居委会）", None, "否", None],
        [make_uscc(3), "丙", "新村(一)", None, "否", None],
        [make_uscc(4), "丁", "新村（一）", None, "否", None],
    ]
    code, result = run(write_xlsx(tmp_path / "a.xlsx", [HEADER, *rows]))

    assert code == 0, result
    assert sorted(Village.objects.values_list("name", flat=True)) == [
        "城东社区（居委会）",
        "新村(一)",
    ]
    assert Enterprise.objects.filter(village__name="城东社区（居委会）").count() == 2
