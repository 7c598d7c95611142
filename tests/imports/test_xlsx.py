"""imports.xlsx.table_workbook: the one helper every plain-table download is written with."""

import datetime
import io
import tracemalloc

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from imports.xlsx import SHEET_TITLE_MAX, Table, sheet_title, table_workbook

FORBIDDEN = set("\\/?*[]:")


def load(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def test_text_columns_are_text_cells_whatever_the_value():
    rows = [
        ["91330683MA2T00000W", 330683199005034123, "057583001234", 3],
        [None, 330683.0, "", 4],
    ]
    book = load(
        table_workbook(
            [Table("企业", ["统一社会信用代码", "身份证号", "联系电话", "人数"], rows, {0, 1, 2})]
        )
    )
    sheet = book["企业"]
    first, second = sheet[2], sheet[3]
    assert [c.value for c in first] == [
        "91330683MA2T00000W",
        "330683199005034123",
        "057583001234",
        3,
    ]
    assert all(c.data_type == "s" and c.number_format == "@" for c in first[:3])
    assert first[3].data_type == "n" and first[3].number_format == "General"
    assert second[0].value is None and second[1].value == "330683"
    # A value typed later into a text column stays text too.
    assert sheet.column_dimensions["B"].number_format == "@"


def test_header_is_bold_and_frozen_below_the_notes():
    book = load(
        table_workbook(
            [
                Table("甲", ["名称"], [["a"]]),
                Table("乙", ["名称"], [["b"]], notes=["截至 2025-06-30"]),
            ]
        )
    )
    plain, noted = book["甲"], book["乙"]
    assert plain.freeze_panes == "A2" and plain["A1"].font.b and not plain["A2"].font.b
    assert noted.freeze_panes == "A3"
    assert [r for r in noted.values] == [("截至 2025-06-30",), ("名称",), ("b",)]
    assert noted["A2"].font.b and not noted["A1"].font.b


def test_widths_given_or_from_the_header():
    sheet = load(table_workbook([Table("t", ["统一社会信用代码", "人数", "x"], [], widths=[22])]))[
        "t"
    ]
    assert sheet.column_dimensions["A"].width == 22
    assert sheet.column_dimensions["B"].width == 8  # two wide characters + 2, at least 8
    assert sheet.column_dimensions["C"].width == 8


def test_text_is_never_a_formula_and_control_characters_go():
    sheet = load(
        table_workbook(
            [Table("t", ["名称", "代码"], [['=HYPERLINK("x")', "=1+1"], ["甲\x0b公司", 1]], {1})]
        )
    )["t"]
    assert sheet["A2"].value == '=HYPERLINK("x")' and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == "=1+1" and sheet["B2"].data_type == "s"
    assert sheet["A3"].value == "甲公司"


def test_values_keep_their_type_and_aware_times_become_local(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    moment = datetime.datetime(2025, 1, 1, 0, 30, tzinfo=datetime.UTC)
    sheet = load(
        table_workbook(
            [Table("t", ["日期", "时间", "金额"], [[datetime.date(2025, 6, 30), moment, 1.25]])]
        )
    )["t"]
    assert sheet["A2"].value == datetime.datetime(2025, 6, 30)
    assert sheet["B2"].value == datetime.datetime(2025, 1, 1, 8, 30)
    assert sheet["C2"].value == 1.25


@pytest.mark.parametrize(
    ("title", "taken", "expected"),
    [
        ("2024年度经费达标情况", [], "2024年度经费达标情况"),
        ("企业/园区:名录?", [], "企业／园区：名录？"),
        ("[甲]*乙\\丙", [], "［甲］＊乙＼丙"),
        ("'引号'", [], "引号"),
        ("' 'x' ", [], "x"),
        ("   ", [], "Sheet"),
        ("History", [], "History(2)"),
        ("企业名录", ["企业名录"], "企业名录(2)"),
        ("Sheet", ["sheet", "SHEET(2)"], "Sheet(3)"),
        ("很" * 40, [], "很" * 31),
        ("很" * 40, ["很" * 31], "很" * 28 + "(2)"),
        ("a" * 30 + "\U0001f600", [], "a" * 30),
    ],
)
def test_sheet_titles_follow_excels_rules(title, taken, expected):
    assert sheet_title(title, taken) == expected


@given(st.text(max_size=60), st.lists(st.text(max_size=40), max_size=5))
def test_any_title_becomes_a_valid_new_sheet_name(title, taken):
    name = sheet_title(title, taken)
    assert 0 < len(name.encode("utf-16-le")) // 2 <= SHEET_TITLE_MAX
    assert not FORBIDDEN & set(name)
    assert not name.startswith("'") and not name.endswith("'")
    assert name.casefold() not in {t.casefold() for t in taken} | {"history"}


def test_tables_with_clashing_titles_get_distinct_sheets():
    content = table_workbook([Table("名录", ["a"], []), Table("名录", ["a"], [])])
    assert load(content).sheetnames == ["名录", "名录(2)"]


def test_large_tables_stream_in_little_memory():
    """Rows are pulled one at a time and written to a temporary file: 10,000 rows in normal
    mode take about 11 MB; streamed, memory holds little more than the compressed result."""
    count = 10_000
    pulled = 0

    def rows():
        nonlocal pulled
        for n in range(count):
            pulled += 1
            yield ["91330683MA2T%06d" % n, "测试企业%d有限公司" % n, n]

    tracemalloc.start()
    try:
        content = table_workbook(
            [Table("企业", ["统一社会信用代码", "企业名称", "序号"], rows(), {0})]
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert pulled == count
    assert peak < 4 * 1024 * 1024, peak
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    written = list(book["企业"].iter_rows(values_only=True))
    book.close()
    assert len(written) == count + 1
    n = count - 1
    assert written[-1] == ("91330683MA2T%06d" % n, "测试企业%d有限公司" % n, n)


def test_refusals():
    with pytest.raises(ValueError):
        table_workbook([])
    with pytest.raises(ValueError):
        table_workbook([Table("t", ["a"], [], text_columns={1})])
