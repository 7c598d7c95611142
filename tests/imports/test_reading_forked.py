"""imports.reading.forked: calamine's parse of a large .xlsx runs in a child while this process
scans the archive. The rows, the refusals and the process's safety must be those of the
in-process parse, whatever the child does."""

from __future__ import annotations

import datetime
import os
import pickle

import openpyxl
import psutil
import pytest

from imports.reading import forked, sheets
from imports.reading.forked import ForkedParse
from tests.imports.test_reading import build_xlsx, read, refused, sheet_xml
from tests.spreadsheets import workbook_bytes


@pytest.fixture
def children(monkeypatch: pytest.MonkeyPatch) -> list[ForkedParse]:
    """Every file forks (however small), and the children started are kept for inspection."""
    monkeypatch.setattr(forked, "FORK_ABOVE_BYTES", 0)
    started: list[ForkedParse] = []
    start = ForkedParse.start.__func__  # type: ignore[attr-defined]

    def recording(cls: type[ForkedParse], *args: object) -> ForkedParse | None:
        child = start(cls, *args)
        if child is not None:
            started.append(child)
        return child

    monkeypatch.setattr(ForkedParse, "start", classmethod(recording))
    return started


def in_process(data: bytes) -> sheets.Sheet:
    """The same read with the child switched off."""
    old = forked.FORK_ABOVE_BYTES
    forked.FORK_ABOVE_BYTES = 1 << 62
    try:
        return read(data)
    finally:
        forked.FORK_ABOVE_BYTES = old


def roster_workbook() -> bytes:
    """Values of every type calamine gives, a title above the header, data from column C,
    a hidden sheet and a second visible one."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "说明"
    ws.append(["请勿修改"])
    roster = wb.create_sheet("花名册")
    roster["C1"] = "某某公司职工花名册"
    rows = [
        ["姓名", "身份证号", "入职日期", "人数", "工资", "是否", "时间", "备注"],
        ["张三", "320102199001011234", datetime.date(2023, 1, 5), 3, 1234.5, True],
        [None] * 8,
        ["李四", " 3201", datetime.datetime(2023, 1, 5, 8, 30), 0, -1, False, None, "  "],
        ["王五", "", None, None, None, None, datetime.time(8, 15), "=SUM(A1)"],
    ]
    for number, row in enumerate(rows, start=3):
        for column, value in enumerate(row, start=3):
            roster.cell(row=number, column=column, value=value)
    wb.create_sheet("旧表").sheet_state = "hidden"
    return workbook_bytes(wb)


def assert_reaped(child: ForkedParse) -> None:
    """Gone, and reaped: no zombie is left (other tests' children, such as Playwright's
    driver, may be running)."""
    with pytest.raises(ChildProcessError):
        os.waitpid(child._pid, os.WNOHANG)
    assert child._pid not in {process.pid for process in psutil.Process().children()}


def test_a_child_parses_the_sheet_and_gives_exactly_the_rows_of_the_in_process_parse(children):
    data = roster_workbook()
    sheet = read(data)
    assert len(children) == 1 and children[0].peak_rss_kb > 0
    assert_reaped(children[0])
    expected = in_process(data)
    assert sheet == expected
    assert sheet.name == "花名册" and sheet.hidden_sheets == ["旧表"]
    assert sheet.other_visible_sheets == ["说明"]
    assert [number for number, _ in sheet.rows] == [1, 3, 4, 6, 7]
    assert sheet.rows[2][1][:5] == [
        None,
        None,
        "张三",
        "320102199001011234",
        datetime.date(2023, 1, 5),
    ]


def test_small_files_are_parsed_in_process_without_a_child(monkeypatch):
    started = []
    monkeypatch.setattr(os, "fork", lambda: started.append(1) or pytest.fail("forked"))
    assert read(roster_workbook()).name == "花名册"
    assert started == []


def test_a_file_the_scan_refuses_is_refused_the_same_and_its_child_killed(children):
    # calamine would try to allocate 17 × 10^9 cells for this sheet: it must not matter
    # what the child does meanwhile.
    rows = (
        '<row r="1"><c r="A1"><v>1</v></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'
    )
    data = build_xlsx([("花名册", sheet_xml(rows))])
    assert "使用范围异常" in refused(data)
    assert len(children) == 1
    assert_reaped(children[0])
    bomb = build_xlsx([("S", sheet_xml(rows))], shared=["x" * 30000])
    assert refused(bomb) == refused(bomb)  # and again: nothing is left behind
    assert len(children) == 3 and all(not child._finished for child in children)
    for child in children:
        assert_reaped(child)


def test_refusals_made_while_parsing_come_from_the_child_unchanged(children, monkeypatch):
    monkeypatch.setattr(sheets, "MAX_ROWS", 3)
    many = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 6))
    data = build_xlsx([("花名册", sheet_xml(many))])
    message = refused(data)
    assert "行数超过" in message and children and children[-1]._names is not None
    monkeypatch.setattr(forked, "FORK_ABOVE_BYTES", 1 << 62)
    assert refused(data) == message

    hidden = build_xlsx([("花名册", sheet_xml(many), "hidden")])
    monkeypatch.setattr(forked, "FORK_ABOVE_BYTES", 0)
    in_child = refused(hidden)
    monkeypatch.setattr(forked, "FORK_ABOVE_BYTES", 1 << 62)
    assert in_child == refused(hidden) and "没有可见" in in_child


def test_a_child_that_dies_leaves_the_parse_to_this_process(children, monkeypatch):
    def die(*args: object) -> None:
        os._exit(3)  # in the child: as if calamine aborted

    monkeypatch.setattr(forked, "calamine_rows", die)
    data = roster_workbook()
    assert read(data) == in_process(data)
    assert len(children) == 1 and children[0]._names is not None
    assert_reaped(children[0])


def test_a_child_cannot_allocate_more_than_its_budget(monkeypatch):
    monkeypatch.setattr(forked, "CHILD_DATA_BUDGET", 8 * 1024 * 1024)
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            forked._limit_data()
            try:
                bytearray(64 * 1024 * 1024)
            except MemoryError:
                code = 0
        finally:
            os._exit(code)
    _pid, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def parse_of(*messages: object) -> ForkedParse:
    """A ForkedParse reading `messages` as if a child had sent them."""
    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "wb") as out:
        for message in messages:
            pickle.dump(message, out)
    return ForkedParse(pid=-1, stream=os.fdopen(read_end, "rb"))


def test_the_childs_messages_may_hold_only_plain_values_and_dates():
    names = ("sheet", "花名册", [], [])
    good = [(1, [datetime.date(2024, 1, 1), 1.5, None, "张三", True])]
    parse = parse_of(names, ("rows", good), ("end", 1))
    assert parse.metadata() == ("花名册", [], [])
    assert parse.sheet() == sheets.Sheet("花名册", good, [], [])
    parse._stream.close()

    for bad in ([(2, [os.system])], [[2, ["不是一行"]]], [(2, "不是一行")]):
        parse = parse_of(names, ("rows", good), ("rows", bad), ("end", 2))
        assert parse.metadata() is not None
        assert parse.sheet() is None  # then this process parses the file itself
        parse._stream.close()
