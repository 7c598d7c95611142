"""The annotated download: the user's own sheet back with its errors marked, to fix and upload."""

import datetime
import io
import zipfile
from functools import partial

import openpyxl
import pytest

from imports.annotate import annotated_workbook
from imports.engine import run_import
from imports.reading import read_sheet
from tests.factories import EnterpriseFactory, make_id_number
from tests.imports.test_reading import build_ods, build_xls, ods_cell, ods_row
from tests.spreadsheets import xlsx_bytes
from workers.importers import ROSTER_DATASET, RosterImporter

HEADER = [
    "姓名",
    "身份证号",
    "出生日期",
    "手机号码",
    "是否一线职工",
    "是否工会会员",
    "入职日期",
    "备注",
]
BIRTH = datetime.date(1985, 3, 9)
FAULT = "FFFFC7CE"
RED = "FF9C0006"


def person(n: int) -> str:
    return make_id_number(n, BIRTH)


def data_row(n: int, **overrides: object) -> list:
    values = {
        "姓名": "职工%d" % n,
        "身份证号": person(n),
        "出生日期": BIRTH,
        "手机号码": "138%08d" % n,
        "是否一线职工": "是",
        "是否工会会员": "否",
        "入职日期": datetime.date(2020, 3, 1),
        "备注": None,
        **overrides,
    }
    return [values[h] for h in HEADER]


# A roster workbook from {Excel row number: values}; strings stored as text.
xlsx = partial(xlsx_bytes, sheet="花名册")


def annotate(content: bytes, errors: list[dict], filename: str = "upload.xlsx") -> bytes:
    return annotated_workbook(content, filename=filename, dataset=ROSTER_DATASET, errors=errors)


def load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def err(row: int | None, column: str | None, message: str) -> dict:
    return {"row": row, "column": column, "message": message}


def rows_read(data: bytes, filename: str = "annotated.xlsx", width: int | None = None) -> list:
    """What the import reads from a file: (Excel row, cells), cut to `width` columns."""
    sheet = read_sheet(data, filename=filename, preferred_sheet=ROSTER_DATASET.sheet_name)
    if width is None:
        return sheet.rows
    cut = []
    for number, cells in sheet.rows:
        kept = cells[:width]
        while kept and kept[-1] is None:  # the reader trims empty cells at the end of a row
            kept.pop()
        if kept:
            cut.append((number, kept))
    return cut


# Title rows, a blank row between header and data, a blank row inside the data, and a note
# under the table one column right of the header's last column.
LAYOUT = {
    1: ["某某公司职工花名册"],
    2: ["填报日期：2026年1月5日"],
    4: HEADER,
    5: data_row(1),
    7: data_row(2, 身份证号="330683198503090000"),
    8: data_row(3),
    10: data_row(4, 是否工会会员="也许"),
    12: [None] * 8 + ["制表人：张三"],
}
LAYOUT_ERRORS = [
    err(7, "身份证号", "身份证号的校验位不对，请核对。"),
    err(10, "是否工会会员", "“是否工会会员”请填写“是”或“否”。"),
    err(10, None, "该职工已在其他企业在职。"),
]


def test_rows_keep_their_excel_row_numbers_and_the_note_column_follows_the_last_column():
    original = xlsx(LAYOUT)
    result = annotate(original, LAYOUT_ERRORS)

    workbook = load(result)
    assert workbook.sheetnames == ["花名册", "错误清单"]
    sheet = workbook["花名册"]
    # Column I holds the note under the table, so 错误说明 goes to J, in the header row.
    assert sheet.max_column == 10
    assert sheet["J4"].value == "错误说明"
    assert sheet["J7"].value == "【身份证号】身份证号的校验位不对，请核对。"
    assert sheet["J10"].value == (
        "【是否工会会员】“是否工会会员”请填写“是”或“否”；该职工已在其他企业在职。"
    )
    for number in (1, 2, 3, 5, 6, 8, 9, 11, 12):
        assert sheet.cell(row=number, column=10).value is None
    assert sheet.freeze_panes == "A5"
    # The reader sees the same rows at the same numbers, plus the 错误说明 cells.
    assert rows_read(result, width=9) == rows_read(original, "upload.xlsx")


def test_cells_at_fault_are_red_and_the_header_is_bold():
    rows = {**LAYOUT, 11: data_row(5, 身份证号=None, 入职日期=None)}
    errors = [
        *LAYOUT_ERRORS,
        err(11, "身份证号", "“身份证号”不能为空，请填写。"),
        err(11, "入职日期", "“入职日期”不能为空，请填写。"),
    ]
    sheet = load(annotate(xlsx(rows), errors))["花名册"]

    filled = {
        cell.coordinate
        for row in sheet.iter_rows()
        for cell in row
        if cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb == FAULT
    }
    assert filled == {"B7", "F10", "B11", "G11"}
    # A blank ID cell to fill in is text, so Excel keeps all 18 digits when the user types them.
    assert sheet["B11"].number_format == "@"
    assert sheet["G11"].number_format == "General"
    for coordinate in ("J7", "J10", "J11"):
        assert sheet[coordinate].font.color.rgb == RED
    assert all(sheet.cell(row=4, column=c).font.b for c in (*range(1, 9), 10))
    assert not any(sheet.cell(row=5, column=c).font.b for c in range(1, 10))
    assert not sheet["A1"].font.b


def test_text_that_looks_like_a_formula_stays_text():
    tricky = ["=1+1", "+8613800000000", "-5", "@home", "#N/A", '=HYPERLINK("x")']
    rows = {1: HEADER, **{n: data_row(n, 备注=text) for n, text in enumerate(tricky, start=2)}}
    result = annotate(xlsx(rows), [err(2, "备注", "备注太长。")])

    sheet = load(result)["花名册"]
    for n, text in enumerate(tricky, start=2):
        assert (sheet.cell(row=n, column=8).value, sheet.cell(row=n, column=8).data_type) == (
            text,
            "s",
        )
    with zipfile.ZipFile(io.BytesIO(result)) as package:
        assert b"<f>" not in package.read("xl/worksheets/sheet1.xml")
    # What the import reads back is exactly the text.
    assert [cells[7] for _, cells in rows_read(result)[1:]] == tricky


def test_dates_stay_dates_numbers_stay_numbers_and_id_numbers_stay_text():
    rows = {
        1: HEADER,
        2: data_row(1, 手机号码=13800000001, 备注=True),
        3: data_row(2, 入职日期=datetime.datetime(2020, 3, 1, 8, 30)),
    }
    result = annotate(xlsx(rows), [err(2, "手机号码", "x"), err(3, "出生日期", "y")])
    sheet = load(result)["花名册"]

    for coordinate in ("C2", "G2", "C3"):  # C3 is at fault and still a date
        assert sheet[coordinate].is_date
        assert sheet[coordinate].number_format == "yyyy-mm-dd"
    assert sheet["C3"].fill.fgColor.rgb == FAULT
    assert sheet["G2"].value == datetime.datetime(2020, 3, 1)
    assert sheet["G3"].value == datetime.datetime(2020, 3, 1, 8, 30)
    assert sheet["G3"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert (sheet["B2"].value, sheet["B2"].data_type, sheet["B2"].number_format) == (
        person(1),
        "s",
        "@",
    )
    assert (sheet["D2"].value, sheet["D2"].data_type) == (13800000001, "n")
    assert (sheet["H2"].value, sheet["H2"].data_type) == (True, "b")
    assert (sheet["D3"].value, sheet["D3"].data_type) == ("13800000002", "s")
    read = dict(rows_read(result))
    assert read[2][2] == BIRTH and read[2][3] == 13800000001 and read[2][7] is True


def test_file_level_errors_go_to_the_header_row_and_the_error_list_is_complete():
    errors = [
        err(None, None, "离职人数超过在册职工的五分之一，请确认后再导入。"),
        err(None, "备注", "未识别的列。"),
        *LAYOUT_ERRORS,
    ]
    workbook = load(annotate(xlsx(LAYOUT), errors))
    header_note = workbook["花名册"]["J4"]
    assert header_note.value == (
        "错误说明：离职人数超过在册职工的五分之一，请确认后再导入；【备注】未识别的列。"
    )
    assert header_note.font.b and header_note.font.color.rgb == RED

    listing = workbook["错误清单"]
    assert [[c.value for c in row] for row in listing.iter_rows()] == [
        ["行号", "列", "错误说明"],
        [None, None, "离职人数超过在册职工的五分之一，请确认后再导入。"],
        [None, "备注", "未识别的列。"],
        *[[e["row"], e["column"], e["message"]] for e in LAYOUT_ERRORS],
    ]
    assert all(cell.font.b for cell in listing[1])
    assert listing.freeze_panes == "A2"


def test_without_a_header_the_note_column_ends_the_first_row():
    rows = {2: ["随手记的名单"], 3: ["张三", "李四", "王五"], 4: ["1", "2"]}
    message = "没有找到“花名册”的表头行。"
    sheet = load(annotate(xlsx(rows), [err(None, None, message)]))["花名册"]

    assert sheet["D2"].value == "错误说明：" + message
    assert sheet["D2"].font.color.rgb == RED
    third_row = [sheet.cell(row=3, column=c).value for c in range(1, 5)]
    assert third_row == ["张三", "李四", "王五", None]
    assert sheet.freeze_panes is None


def test_csv_upload():
    text = (
        "某某公司职工花名册\r\n"
        "\r\n"
        + ",".join(HEADER)
        + "\r\n"
        + "职工1,%s,1985-03-09,13800000001,是,否,2020-03-01,=cmd|' /C calc'!A0\r\n" % person(1)
        + ",,,,,,,\r\n"
        + '"职工\r\n2",330683198503090000,1985-03-09,13800000002,是,否,2020-03-01,'
        + "a<b&c\x01d_x0041_\r\n"
    )
    content = text.encode("gbk")
    result = annotate(content, [err(6, "身份证号", "校验位不对。")], filename="花名册[1].csv")

    workbook = load(result)
    assert workbook.sheetnames == ["花名册_1_.csv", "错误清单"]
    sheet = workbook.worksheets[0]
    assert sheet["I3"].value == "错误说明"
    assert sheet["I6"].value == "【身份证号】校验位不对。"
    assert sheet["B6"].fill.fgColor.rgb == FAULT
    assert (sheet["B4"].value, sheet["B4"].data_type, sheet["B4"].number_format) == (
        person(1),
        "s",
        "@",
    )
    assert (sheet["H4"].value, sheet["H4"].data_type) == ("=cmd|' /C calc'!A0", "s")
    # A control character XML cannot hold is dropped; everything else reads back the same,
    # carriage returns and text that looks like Excel's own _xHHHH_ escapes included.
    original = rows_read(content, "花名册[1].csv")
    assert original[-1][1][0] == "职工\r\n2"
    assert original[-1][1][7] == "a<b&c\x01d_x0041_"
    original[-1][1][7] = "a<b&cd_x0041_"
    assert rows_read(result, width=8) == original


def test_xls_upload():
    cells = [(0, 0, "职工花名册")]
    cells += [(2, c, h) for c, h in enumerate(HEADER)]
    cells += [(3, 0, "职工1"), (3, 1, person(1)), (3, 3, 13800000001.0), (3, 4, "是")]
    cells += [(3, 5, "否"), (3, 6, "2020-03-01")]
    cells += [(5, 0, "职工2"), (5, 1, "123"), (5, 4, "是"), (5, 5, "否"), (5, 6, "2020-03-01")]
    content = build_xls([("花名册", 0, cells)])
    result = annotate(content, [err(6, "身份证号", "身份证号应为18位。")], filename="a.xls")

    sheet = load(result)["花名册"]
    assert sheet["I3"].value == "错误说明"
    assert sheet["I6"].value == "【身份证号】身份证号应为18位。"
    assert sheet["B6"].fill.fgColor.rgb == FAULT
    assert sheet["D4"].value == 13800000001
    assert rows_read(result, width=8) == rows_read(content, "a.xls")


def test_ods_upload():
    header = "".join(ods_cell(h) for h in HEADER)
    first = "".join(ods_cell(v) for v in ["职工1", person(1), None, 13800000001, "是", "否"])
    second = "".join(ods_cell(v) for v in ["职工2", "1", None, None, "是", "否", "2020-03-01"])
    table = (
        '<table:table table:name="花名册">'
        + ods_row(ods_cell("职工花名册"))
        + ods_row(ods_cell(None, 8), repeat=2)
        + ods_row(header)
        + ods_row(first + ods_cell("2020-03-01"))
        + ods_row(ods_cell(None, 8))
        + ods_row(second)
        + "</table:table>"
    )
    content = build_ods(table)
    errors = [err(7, "身份证号", "身份证号应为18位。"), err(7, "出生日期", "x")]
    result = annotate(content, errors, filename="a.ods")

    sheet = load(result)["花名册"]
    assert sheet["I4"].value == "错误说明"
    assert sheet["I7"].value == "【身份证号】身份证号应为18位；【出生日期】x。"
    assert {sheet["B7"].fill.fgColor.rgb, sheet["C7"].fill.fgColor.rgb} == {FAULT}
    assert sheet.freeze_panes == "A5"
    assert rows_read(result, width=8) == rows_read(content, "a.ods")


@pytest.mark.django_db
def test_fixed_annotated_file_uploads_cleanly():
    enterprise = EnterpriseFactory(name="本企业")
    rows = {1: ["某某公司职工花名册"], 3: HEADER}
    rows.update({n: data_row(n) for n in range(4, 9)})
    rows[6] = data_row(6, 身份证号="330683198503090000")
    rows[8] = data_row(8, 是否一线职工="也许")
    rows[10] = data_row(10)
    original = xlsx(rows)

    def dry_run(content: bytes, filename: str):
        importer = RosterImporter(enterprise=enterprise)
        return run_import(importer, content, filename=filename, dry_run=True)

    first = dry_run(original, "roster.xlsx")
    assert not first.ok
    assert [(e.row, e.column) for e in first.errors] == [(6, "身份证号"), (8, "是否一线职工")]

    annotated = annotate(original, [e.as_dict() for e in first.errors], filename="roster.xlsx")
    # Uploaded as it is, the annotated file gives the same errors on the same rows.
    again = dry_run(annotated, "roster（错误说明）.xlsx")
    assert [e.as_dict() for e in again.errors] == [e.as_dict() for e in first.errors]
    assert again.counts == first.counts

    workbook = load(annotated)
    sheet = workbook["花名册"]
    assert sheet["B6"].fill.fgColor.rgb == FAULT and sheet["E8"].fill.fgColor.rgb == FAULT
    sheet["B6"] = person(6)
    sheet["E8"] = "是"
    fixed = io.BytesIO()
    workbook.save(fixed)

    result = dry_run(fixed.getvalue(), "roster（错误说明）.xlsx")
    assert result.ok, result.as_dict()
    assert result.errors == []
    assert result.counts["rows"] == 6 and result.counts["created"] == 6
    unknown = [w for w in result.warnings if w.column == "错误说明"]
    assert len(unknown) == 1 and "错误说明" in unknown[0].message
    # The portal's own 错误清单 sheet is skipped without a warning.
    others = [w.message for w in result.warnings if w.column != "错误说明"]
    assert others == []


def test_twenty_thousand_rows():
    lines = ["某某公司职工花名册", ",".join(HEADER)]
    errors = []
    for n in range(1, 20_001):
        number = n + 2
        bad = n % 97 == 0
        id_number = "330683198503090000" if bad else person(n)
        lines.append("职工%d,%s,1985-03-09,138%08d,是,否,2020-03-01," % (n, id_number, n))
        if bad:
            errors.append(err(number, "身份证号", "第%d行校验位不对。" % number))
        if n % 250 == 0:
            errors.append(err(number, "入职日期", "入职日期晚于今天。"))
    content = "\n".join(lines).encode()
    result = annotate(content, errors, filename="big.csv")

    parts: dict[int, list[str]] = {}
    for e in errors:
        parts.setdefault(e["row"], []).append("【%s】%s" % (e["column"], e["message"]))
    # Joined with "；", one "。" at the end, never "。；" (issue 16).
    notes = {row: "；".join(p.rstrip("。") for p in texts) + "。" for row, texts in parts.items()}
    read = rows_read(result)
    assert len(read) == 20_002
    assert rows_read(result, width=8) == rows_read(content, "big.csv")
    assert {number: cells[8] for number, cells in read[2:] if len(cells) > 8} == notes

    faults = {(e["row"], 2 if e["column"] == "身份证号" else 7) for e in errors}
    workbook = openpyxl.load_workbook(io.BytesIO(result), read_only=True)
    filled = set()
    for row in workbook["big.csv"].iter_rows():
        for cell in row:
            fill = getattr(cell, "fill", None)  # cells not in the file have none
            if fill is not None and fill.fill_type == "solid":
                filled.add((cell.row, cell.column))
    workbook.close()
    assert filled == faults


def test_a_rows_messages_are_joined_without_a_full_stop_before_the_semicolon():
    """Issue 16: a 错误说明 cell read "…留空。；【出生日期】…"."""
    errors = [
        err(7, "姓名", "姓名不能留空。"),
        err(7, "出生日期", "出生日期与身份证号不一致。"),
        err(10, "身份证号", "身份证号应为18位"),
    ]
    sheet = load(annotate(xlsx(LAYOUT), errors))["花名册"]
    assert sheet["J7"].value == "【姓名】姓名不能留空；【出生日期】出生日期与身份证号不一致。"
    assert "。；" not in sheet["J7"].value
    assert sheet["J10"].value == "【身份证号】身份证号应为18位。"
