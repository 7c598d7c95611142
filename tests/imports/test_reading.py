"""imports.reading: every upload becomes rows or a clear refusal; no file harms the process.

Every file is built inside the test: openpyxl for ordinary workbooks, zipfile by hand for the
hostile ones (calamine would abort the whole test process if a guard failed), and a tiny OLE2 /
BIFF8 writer for .xls and encrypted files.
"""

from __future__ import annotations

import datetime
import io
import os
import struct
import time
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest

from imports.reading import MAX_FILE_BYTES, Sheet, UnusableFile, read_sheet
from tests.spreadsheets import workbook_bytes

# ---------------------------------------------------------------------------------------------
# Builders

_CT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="{main}"/>'
    "</Types>"
)
_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def sheet_xml(rows: str, *, dimension: str | None = None) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_SHEET_NS}">'
        f"{dim}<sheetData>{rows}</sheetData></worksheet>"
    )


def build_xlsx(
    sheets: list[tuple[str, str]] | list[tuple[str, str, str]],
    *,
    shared: list[str] | None = None,
    shared_xml: str | None = None,
    extra: dict[str, bytes] | None = None,
    main_type: str = _MAIN,
) -> bytes:
    """A minimal workbook: (name, sheet XML[, state]) per sheet, written by hand."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT.format(main=main_type))
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package'
            '/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        entries, rels = [], []
        for number, spec in enumerate(sheets, start=1):
            name, xml = spec[0], spec[1]
            state = f' state="{spec[2]}"' if len(spec) > 2 else ""
            entries.append(f'<sheet name="{name}" sheetId="{number}"{state} r:id="rId{number}"/>')
            rels.append(
                f'<Relationship Id="rId{number}" Type="{_REL}/worksheet" '
                f'Target="worksheets/sheet{number}.xml"/>'
            )
            z.writestr(f"xl/worksheets/sheet{number}.xml", xml)
        if shared is not None or shared_xml is not None:
            rels.append(
                f'<Relationship Id="rIdS" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
            )
            if shared_xml is None:
                items = "".join(f"<si><t>{s}</t></si>" for s in shared or [])
                shared_xml = (
                    f'<?xml version="1.0"?><sst xmlns="{_SHEET_NS}" count="{len(shared or [])}" '
                    f'uniqueCount="{len(shared or [])}">{items}</sst>'
                )
            z.writestr("xl/sharedStrings.xml", shared_xml)
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{_SHEET_NS}" xmlns:r="{_REL}"><sheets>'
            + "".join(entries)
            + "</sheets></workbook>",
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships">' + "".join(rels) + "</Relationships>",
        )
        for name, payload in (extra or {}).items():
            z.writestr(name, payload)
    return out.getvalue()


def build_ods(tables: str, *, styles: str = "", manifest_extra: str = "") -> bytes:
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
        f"<office:automatic-styles>{styles}</office:automatic-styles><office:body>"
        f"<office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:'
        'tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
        'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
        'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
        f'manifest:media-type="text/xml">{manifest_extra}</manifest:file-entry></manifest:manifest>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        # ODF wants the mimetype first and stored.
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def ods_cell(value: object, repeat: int = 1) -> str:
    rep = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    if value is None:
        return f"<table:table-cell{rep}/>"
    if isinstance(value, str):
        return (
            f'<table:table-cell office:value-type="string"{rep}><text:p>{value}</text:p>'
            "</table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="float" office:value="{value}"{rep}>'
        f"<text:p>{value}</text:p></table:table-cell>"
    )


def ods_row(cells: str, repeat: int = 1) -> str:
    rep = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{rep}>{cells}</table:table-row>"


_FREE, _END, _FAT_MARK = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def build_cfb(streams: dict[str, bytes], storages: tuple[str, ...] = ()) -> bytes:
    """A version-3 compound file; streams under 4096 bytes go to the mini stream, as Excel does."""
    ss = 512
    sectors: list[bytes] = []
    fat: list[int] = []

    def put(payload: bytes) -> int:
        count = max(1, -(-len(payload) // ss))
        first = len(sectors)
        for i in range(count):
            sectors.append(payload[i * ss : (i + 1) * ss].ljust(ss, b"\0"))
            fat.append(first + i + 1 if i < count - 1 else _END)
        return first

    mini_data, mini_fat, placed = b"", [], []
    for name, payload in streams.items():
        if len(payload) < 4096:
            count = max(1, -(-len(payload) // 64))
            first = len(mini_data) // 64
            mini_data += payload.ljust(count * 64, b"\0")
            mini_fat += [first + i + 1 if i < count - 1 else _END for i in range(count)]
            placed.append((name, 2, first, len(payload)))
        else:
            placed.append((name, 2, put(payload), len(payload)))
    placed += [(name, 1, 0, 0) for name in storages]
    root_start = put(mini_data) if mini_data else _END
    mini_fat_start = put(struct.pack(f"<{len(mini_fat)}I", *mini_fat)) if mini_fat else _END
    mini_fat_sectors = -(-len(mini_fat) * 4 // ss) if mini_fat else 0

    def entry(name: str, kind: int, start: int, size: int, child: int, right: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", _FREE, right, child)
            + b"\0" * 36
            + struct.pack("<II", start, size)
            + b"\0" * 4
        )

    directory = entry("Root Entry", 5, root_start, len(mini_data), 1 if placed else _FREE, _FREE)
    for i, (name, kind, start, size) in enumerate(placed):
        directory += entry(name, kind, start, size, _FREE, i + 2 if i + 1 < len(placed) else _FREE)
    dir_start = put(directory)
    # FAT sectors (128 entries each) cover every sector including themselves; past 109 of them
    # the list continues in DIFAT sectors (127 entries and a link each).
    fat_sectors, difat_sectors = 1, 0
    while True:
        total = len(sectors) + fat_sectors + difat_sectors
        need_fat = -(-total // (ss // 4))
        need_difat = max(0, -(-(need_fat - 109) // 127))
        if (need_fat, need_difat) == (fat_sectors, difat_sectors):
            break
        fat_sectors, difat_sectors = need_fat, need_difat
    fat_first = len(sectors)
    difat_first = fat_first + fat_sectors
    fat += [_FAT_MARK] * fat_sectors + [0xFFFFFFFC] * difat_sectors
    fat += [_FREE] * (fat_sectors * (ss // 4) - len(fat))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    for i in range(fat_sectors):
        sectors.append(fat_bytes[i * ss : (i + 1) * ss])
    fat_ids = [fat_first + i for i in range(fat_sectors)]
    for i in range(difat_sectors):
        chunk = fat_ids[109 + i * 127 : 109 + (i + 1) * 127]
        link = difat_first + i + 1 if i + 1 < difat_sectors else _END
        sectors.append(struct.pack("<128I", *(chunk + [_FREE] * (127 - len(chunk)) + [link])))
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIII", 0, fat_sectors, dir_start, 0)
        + struct.pack(
            "<IIIII",
            4096,
            mini_fat_start,
            mini_fat_sectors,
            difat_first if difat_sectors else _END,
            difat_sectors,
        )
        + struct.pack("<109I", *(fat_ids + [_FREE] * 109)[:109])
    )
    return header + b"".join(sectors)


def _record(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def sst_records(strings: list[str | tuple[str, int, bytes]]) -> bytes:
    """SST record plus CONTINUE records, splitting long strings the way Excel does (a split
    inside a string's characters starts the CONTINUE record with a fresh flags byte).

    A string may be (text, formatting runs, phonetic block) to exercise rich strings."""
    limit = 8224
    records = [bytearray(struct.pack("<II", len(strings), len(strings)))]
    for item in strings:
        text, runs, ext = (item, 0, b"") if isinstance(item, str) else item
        raw = text.encode("utf-16-le")
        flags = 1 | (8 if runs else 0) | (4 if ext else 0)
        head = struct.pack("<HB", len(text), flags)
        head += struct.pack("<H", runs) if runs else b""
        head += struct.pack("<I", len(ext)) if ext else b""
        if len(records[-1]) + len(head) + 2 > limit:
            records.append(bytearray())
        records[-1] += head
        done = 0
        while done < len(raw):
            room = (limit - len(records[-1])) // 2 * 2
            if room == 0:
                records.append(bytearray(b"\x01"))
                continue
            take = min(room, len(raw) - done)
            records[-1] += raw[done : done + take]
            done += take
        for byte in b"\x00\x00\x01\x00" * runs + ext:  # may split anywhere, no flags byte
            if len(records[-1]) >= limit:
                records.append(bytearray())
            records[-1].append(byte)
    return _record(0x00FC, bytes(records[0])) + b"".join(
        _record(0x003C, bytes(r)) for r in records[1:]
    )


def build_xls(
    sheets: list[tuple[str, int, list[tuple[int, int, object]]]],
    *,
    filepass: bool = False,
    dimensions: tuple[int, int, int, int] | None = None,
    extra_streams: dict[str, bytes] | None = None,
    storages: tuple[str, ...] = (),
    pad: bool = True,
    shared: list[str] | None = None,
) -> bytes:
    """BIFF8 workbook: (name, state 0 visible / 1 hidden, [(row, col, value)]) per sheet.

    A value is text (LABEL), a number (NUMBER), ("sst", index) for a shared string (LABELSST)
    or ("mulrk", [ints]) for a run of integers starting at col (MULRK).
    """

    def bof(kind: int) -> bytes:
        return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0))

    head = bof(0x0005) + (_record(0x002F, b"\x01\x00" + b"\0" * 52) if filepass else b"")
    if shared is not None:
        head += sst_records(shared)
    bound = [
        struct.pack("<BBBB", state, 0, len(name), 1) + name.encode("utf-16-le")
        for name, state, _ in sheets
    ]
    bodies = []
    for _, _, cells in sheets:
        body = bof(0x0010)
        if dimensions is not None:
            body += _record(0x0200, struct.pack("<IIHHH", *dimensions, 0))
        for row, col, value in cells:
            if isinstance(value, tuple) and value[0] == "sst":
                body += _record(0x00FD, struct.pack("<HHHI", row, col, 0, value[1]))
            elif isinstance(value, tuple) and value[0] == "chart":
                # an embedded chart substream: calamine skips whatever cells it holds
                body += bof(0x0020) + _record(0x0203, struct.pack("<HHHd", *value[1], 0, 1.0))
                body += _record(0x000A, b"")
            elif isinstance(value, tuple) and value[0] == "mulrk":
                numbers = value[1]
                rks = b"".join(struct.pack("<HI", 0, (n << 2) | 2) for n in numbers)
                body += _record(
                    0x00BD,
                    struct.pack("<HH", row, col) + rks + struct.pack("<H", col + len(numbers) - 1),
                )
            elif isinstance(value, str):
                body += _record(
                    0x0204,
                    struct.pack("<HHHHB", row, col, 0, len(value), 1) + value.encode("utf-16-le"),
                )
            else:
                body += _record(0x0203, struct.pack("<HHHd", row, col, 0, float(value)))
        bodies.append(body + _record(0x000A, b""))
    globals_size = len(head) + sum(8 + len(b) for b in bound) + 4
    stream, pos = head, globals_size
    for record, body in zip(bound, bodies, strict=True):
        stream += _record(0x0085, struct.pack("<I", pos) + record)
        pos += len(body)
    stream += _record(0x000A, b"") + b"".join(bodies)
    if pad:
        stream = stream.ljust(4096, b"\0")  # Excel keeps the Workbook stream out of the mini stream
    return build_cfb({"Workbook": stream, **(extra_streams or {})}, storages)


def read(data: bytes, name: str = "upload.xlsx", preferred: str = "花名册") -> Sheet:
    return read_sheet(data, filename=name, preferred_sheet=preferred)


def refused(data: bytes, name: str = "upload.xlsx") -> str:
    with pytest.raises(UnusableFile) as info:
        read(data, name)
    return info.value.message


# ---------------------------------------------------------------------------------------------
# Ordinary workbooks


def test_normal_xlsx_values_types_and_row_numbers():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(["姓名", "身份证号", "入职日期", "人数", "工资", "是否", "备注"])
    ws.append(["张三", "320102199001011234", datetime.date(2023, 1, 5), 3, 1234.5, True, None])
    ws.append([None, None, None, None, None, None, None])
    ws.append(["李四", "320102199001015678", datetime.datetime(2023, 1, 5, 8, 30), 0, -1, False])
    sheet = read(workbook_bytes(wb))
    assert sheet.name == "花名册"
    assert sheet.hidden_sheets == [] and sheet.other_visible_sheets == []
    assert [number for number, _ in sheet.rows] == [1, 2, 4]
    _, zhang = sheet.rows[1]
    assert zhang[:3] == ["张三", "320102199001011234", datetime.date(2023, 1, 5)]
    assert zhang[3] == 3 and zhang[4] == 1234.5 and zhang[5] is True
    assert len(zhang) == 6  # trailing empty cell trimmed
    _, li = sheet.rows[2]
    assert li[2] == datetime.datetime(2023, 1, 5, 8, 30)
    assert li[3:] == [0, -1, False]


def test_title_rows_above_header_keep_excel_row_numbers():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "某某公司职工花名册"
    ws["A2"] = "填报日期：2026年1月"
    ws["A4"], ws["B4"] = "姓名", "身份证号"
    ws["A5"], ws["B5"] = "张三", "320102199001011234"
    sheet = read(workbook_bytes(wb))
    assert [(n, r[0]) for n, r in sheet.rows] == [
        (1, "某某公司职工花名册"),
        (2, "填报日期：2026年1月"),
        (4, "姓名"),
        (5, "张三"),
    ]


def test_data_starting_at_c3_keeps_row_numbers_and_column_positions():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C3"], ws["D3"] = "姓名", "身份证号"
    ws["C4"], ws["D4"] = "张三", "1"
    ws["E6"] = "x"
    sheet = read(workbook_bytes(wb))
    assert sheet.rows == [
        (3, [None, None, "姓名", "身份证号"]),
        (4, [None, None, "张三", "1"]),
        (6, [None, None, None, None, "x"]),
    ]


def test_hidden_first_sheet_that_is_active_is_not_read():
    wb = openpyxl.Workbook()
    secret = wb.active
    secret.title = "说明"
    secret["A1"] = "隐藏的内容"
    secret.sheet_state = "hidden"
    data = wb.create_sheet("数据")
    data["A1"] = "姓名"
    very = wb.create_sheet("配置")
    very["A1"] = 1
    very.sheet_state = "veryHidden"
    wb.active = 0  # the workbook opens on the hidden sheet
    sheet = read(workbook_bytes(wb), preferred="企业名录")
    assert sheet.name == "数据"
    assert sheet.rows == [(1, ["姓名"])]
    assert sheet.hidden_sheets == ["说明", "配置"]
    assert sheet.other_visible_sheets == []


def test_preferred_sheet_chosen_among_visible_ones_ignoring_spaces():
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active["A1"] = "填表说明"
    roster = wb.create_sheet("\u3000花名册 ")
    roster["A1"] = "姓名"
    wb.create_sheet("其他")["A1"] = "x"
    sheet = read(workbook_bytes(wb), preferred="花名册")
    assert sheet.name == "\u3000花名册 "
    assert sheet.rows == [(1, ["姓名"])]
    assert sheet.other_visible_sheets == ["说明", "其他"]


def test_hidden_sheet_named_like_the_preferred_sheet_is_not_read():
    wb = openpyxl.Workbook()
    roster = wb.active
    roster.title = "花名册"
    roster["A1"] = "旧数据"
    roster.sheet_state = "hidden"
    wb.create_sheet("Sheet2")["A1"] = "新数据"
    sheet = read(workbook_bytes(wb), preferred="花名册")
    assert sheet.name == "Sheet2"
    assert sheet.rows == [(1, ["新数据"])]
    assert sheet.hidden_sheets == ["花名册"]


def test_workbook_with_only_hidden_sheets_is_refused():
    data = build_xlsx([("A", sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'), "hidden")])
    assert "没有可见的工作表" in refused(data)


def test_text_starting_with_formula_characters_comes_back_unchanged():
    wb = openpyxl.Workbook()
    ws = wb.active
    for row, text in enumerate(["=SUM(A1:A2)", "+86 138", "-5", "@张三"], start=1):
        cell = ws.cell(row=row, column=1, value=text)
        cell.data_type = "s"  # stored as text, the way a user typing '=… gets it
    sheet = read(workbook_bytes(wb))
    assert [r[0] for _, r in sheet.rows] == ["=SUM(A1:A2)", "+86 138", "-5", "@张三"]
    csv_sheet = read(b"=SUM(A1:A2),+1\n-2,@x\n", "a.csv")
    assert [r for _, r in csv_sheet.rows] == [["=SUM(A1:A2)", "+1"], ["-2", "@x"]]


def test_declared_dimension_smaller_than_real_rows_is_ignored():
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 101))
    sheet = read(build_xlsx([("S", sheet_xml(rows, dimension="A1:C11"))]))
    assert len(sheet.rows) == 100
    assert sheet.rows[-1] == (100, [100.0])


def test_declared_huge_dimension_with_three_real_rows_is_fast():
    rows = "".join(f'<row r="{i}"><c r="B{i}"><v>{i}</v></c></row>' for i in (1, 2, 5001))
    started = time.perf_counter()
    sheet = read(build_xlsx([("S", sheet_xml(rows, dimension="A1:XFD5001"))]))
    assert time.perf_counter() - started < 2
    assert sheet.rows == [(1, [None, 1.0]), (2, [None, 2.0]), (5001, [None, 5001.0])]


def test_cells_and_rows_without_r_attributes_follow_their_neighbours():
    rows = (
        "<row><c><v>1</v></c><c><v>2</v></c></row>"
        '<row r="5"><c/><c t="inlineStr"><is><t>x</t></is></c></row>'
        '<row><c r="C7"><v>3</v></c><c><v>4</v></c></row>'
    )
    sheet = read(build_xlsx([("S", sheet_xml(rows))]))
    assert sheet.rows == [
        (1, [1.0, 2.0]),
        (5, [None, "x"]),
        (6, [None, None, None, 4.0]),
        (7, [None, None, 3.0]),
    ]


def test_namespace_prefixed_cells_are_read():
    xml = (
        f'<?xml version="1.0"?><x:worksheet xmlns:x="{_SHEET_NS}"><x:sheetData>'
        '<x:row r="2"><x:c r="B2" t="s"><x:v>0</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    )
    sheet = read(build_xlsx([("S", xml)], shared=["姓名"]))
    assert sheet.rows == [(2, [None, "姓名"])]


def test_far_formatted_but_empty_cell_does_not_matter():
    rows = '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576" s="0"/></row>'
    sheet = read(build_xlsx([("S", sheet_xml(rows))]))
    assert sheet.rows == [(1, [1.0])]


# ---------------------------------------------------------------------------------------------
# Hostile .xlsx: each of these would abort or exhaust the process inside calamine.


def test_values_at_a1_and_xfd1048576_are_refused_and_the_process_survives():
    rows = (
        '<row r="1"><c r="A1"><v>1</v></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'
    )
    data = build_xlsx([("花名册", sheet_xml(rows))])
    assert len(data) < 5000
    assert "使用范围异常" in refused(data)
    assert read(build_xlsx([("S", sheet_xml(rows.split('<row r="1048576">')[0]))])).rows


def test_far_cell_hidden_behind_odd_markup_is_still_refused():
    far = '<row r="300000"><c r="A300000"><v>2</v></c></row>'
    # A '>' inside a quoted attribute: calamine still sees r="XFD1".
    quoted = f'<row r="1"><c foo=">" r="XFD1"><v>1</v></c></row>{far}'
    assert "使用范围异常" in refused(build_xlsx([("S", sheet_xml(quoted))]))
    # A second r attribute (calamine keeps the last one): not well-formed XML, refused as such.
    twice = f'<row r="1"><c r="A1" r="XFD1"><v>1</v></c></row>{far}'
    assert "无法读取" in refused(build_xlsx([("S", sheet_xml(twice))]))


def test_far_away_row_is_an_absurd_range_and_many_real_rows_are_too_many_rows():
    far = '<row r="1"><c r="A1"><v>1</v></c></row><row r="250000"><c r="A250000"><v>2</v></c></row>'
    assert "使用范围异常" in refused(build_xlsx([("S", sheet_xml(far))]))
    many = "".join(f'<row r="{i}"><c r="A{i}"><v>1</v></c></row>' for i in range(1, 201_100))
    assert "行数超过 200,000 行" in refused(build_xlsx([("S", sheet_xml(many))]))


def test_shared_strings_zip_bomb_is_refused_quickly_without_unpacking():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT.format(main=_MAIN))
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
            block = b"<si><t>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA</t></si>" * 20_000
            for _ in range(250):  # ~ 230 MB of shared strings
                fh.write(block)
    data = out.getvalue()
    assert len(data) < 1024 * 1024
    tracemalloc.start()
    started = time.perf_counter()
    try:
        message = refused(data)
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert "解压后体积异常巨大" in message
    assert time.perf_counter() - started < 2
    assert peak < 32 * 1024 * 1024


def test_entry_that_lies_about_its_size_is_refused_while_streaming():
    body = sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>' + "<!-- pad -->" * 200_000)
    data = bytearray(build_xlsx([("S", body)]))
    # Rewrite the sheet's declared size (local header and central directory) to 1 KB.
    name = b"xl/worksheets/sheet1.xml"
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = 0
        while (at := data.find(signature, at)) >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                struct.pack_into("<I", data, at + offset, 1024)
            at += 4
    assert "解压后体积异常巨大" in refused(bytes(data))


def test_shared_string_copied_into_many_cells_is_refused():
    # One 30,000-character string used by 10,000 cells: calamine would copy it 10,000 times.
    rows = "".join(f'<row r="{i}"><c r="A{i}" t="s"><v>0</v></c></row>' for i in range(1, 10_001))
    data = build_xlsx([("S", sheet_xml(rows))], shared=["x" * 30_000])
    assert "文字内容异常巨大" in refused(data)


def test_unusual_shared_strings_markup_is_measured_by_a_real_parser():
    # A comment could hide a fake </si> from a byte-level scan; the XML parser is not fooled.
    items = "<si><t>x<!-- </si><si> --></t></si><si><t>姓名</t></si>"
    sst = f'<?xml version="1.0"?><sst xmlns="{_SHEET_NS}" uniqueCount="2">{items}</sst>'
    rows = '<row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1" t="s"><v>0</v></c></row>'
    assert read(build_xlsx([("S", sheet_xml(rows))], shared_xml=sst)).rows == [(1, ["姓名", "x"])]
    long_sst = sst.replace("<t>x<!--", "<t>" + "x" * 30_000 + "<!--")
    many = "".join(f'<row r="{i}"><c r="A{i}" t="s"><v>0</v></c></row>' for i in range(1, 10_001))
    data = build_xlsx([("S", sheet_xml(many))], shared_xml=long_sst)
    assert "文字内容异常巨大" in refused(data)


def test_shared_string_amplification_is_caught_on_the_slow_path_too():
    # No r attributes: the sheet goes through the exact scan, which also counts copied text.
    rows = '<row><c t="s"><v>0</v></c></row>' * 10_000
    data = build_xlsx([("S", sheet_xml(rows))], shared=["x" * 30_000])
    assert "文字内容异常巨大" in refused(data)


def test_absurd_shared_string_count_is_refused():
    sst = (
        f'<?xml version="1.0"?><sst xmlns="{_SHEET_NS}" uniqueCount="100000000000">'
        "<si><t>x</t></si></sst>"
    )
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    assert "解压后体积异常巨大" in refused(build_xlsx([("S", sheet_xml(rows))], shared_xml=sst))


def test_macro_enabled_workbooks_are_refused():
    rows = sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>')
    with_vba = build_xlsx([("S", rows)], extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"})
    assert "宏" in refused(with_vba, "a.xlsx")
    macro_type = build_xlsx(
        [("S", rows)], main_type="application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    )
    assert "不含宏的 .xlsx" in refused(macro_type)


def test_xlsb_and_other_zips_are_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.bin", b"\x83\x01")
    assert ".xlsb" in refused(out.getvalue())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    assert "不是电子表格文件" in refused(out.getvalue(), "a.xlsx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("a.txt", "hello")
    assert "不是电子表格文件" in refused(out.getvalue(), "a.xlsx")


def test_too_many_zip_entries_are_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for i in range(1001):
            z.writestr(f"x/{i}", b"")
    assert "部件过多" in refused(out.getvalue())


def test_files_over_20_mb_are_refused(tmp_path: Path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", _CT.format(main=_MAIN))
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/media/image1.png", os.urandom(MAX_FILE_BYTES))  # incompressible, stored
    data = out.getvalue()
    assert len(data) > MAX_FILE_BYTES
    assert "超过 20 MB" in refused(data)
    path = tmp_path / "big.xlsx"
    path.write_bytes(data)
    with pytest.raises(UnusableFile, match="超过 20 MB"):
        read_sheet(path, filename="big.xlsx", preferred_sheet="花名册")
    with pytest.raises(UnusableFile, match="超过 20 MB"), path.open("rb") as fh:
        read_sheet(fh, filename="big.xlsx", preferred_sheet="花名册")


def test_path_and_file_object_sources(tmp_path: Path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "姓名"
    path = tmp_path / "名单.xlsx"
    wb.save(path)
    assert read_sheet(path, filename="名单.xlsx", preferred_sheet="x").rows == [(1, ["姓名"])]
    assert read_sheet(str(path), filename="x", preferred_sheet="x").rows == [(1, ["姓名"])]
    with path.open("rb") as fh:
        fh.read(10)  # a caller that already peeked
        assert read_sheet(fh, filename="x", preferred_sheet="x").rows == [(1, ["姓名"])]
    with pytest.raises(UnusableFile, match="找不到文件"):
        read_sheet(tmp_path / "missing.xlsx", filename="x", preferred_sheet="x")


def test_corrupt_archive_is_refused_not_crashing():
    wb = openpyxl.Workbook()
    wb.active["A1"] = "x"
    data = workbook_bytes(wb)
    assert "无法读取" in refused(data[: len(data) // 2])
    broken = build_xlsx([("S", "<worksheet><sheetData><row><c r='1A'><v>1</v></c></row>")])
    assert "无法读取" in refused(broken)


# ---------------------------------------------------------------------------------------------
# .ods


def test_ods_with_hidden_table_leading_and_trailing_repeats():
    styles = (
        '<style:style style:name="ta1" style:family="table">'
        '<style:table-properties table:display="true"/></style:style>'
        '<style:style style:name="ta2" style:family="table">'
        '<style:table-properties table:display="false"/></style:style>'
    )
    hidden = (
        '<table:table table:name="花名册" table:style-name="ta2">'
        + ods_row(ods_cell("旧"))
        + "</table:table>"
    )
    data_table = (
        '<table:table table:name="数据" table:style-name="ta1">'
        '<table:table-column table:number-columns-repeated="1024"/>'
        + ods_row(ods_cell(None, 1024), repeat=2)
        + ods_row(ods_cell(None, 2) + ods_cell("姓名") + ods_cell("年龄") + ods_cell(None, 1020))
        + ods_row(ods_cell(None, 2) + ods_cell("张三") + ods_cell(30))
        + ods_row(ods_cell(None, 1024), repeat=3)
        + ods_row(ods_cell(None, 2) + ods_cell("=李四") + ods_cell("-1"))
        + ods_row(ods_cell(None, 1024), repeat=1_048_000)
        + "</table:table>"
    )
    sheet = read(build_ods(hidden + data_table, styles=styles), "a.ods", preferred="花名册")
    assert sheet.name == "数据"
    assert sheet.hidden_sheets == ["花名册"]
    assert sheet.rows == [
        (3, [None, None, "姓名", "年龄"]),
        (4, [None, None, "张三", 30.0]),
        (8, [None, None, "=李四", "-1"]),
    ]


def test_ods_content_at_huge_repeated_position_is_refused():
    far_row = (
        '<table:table table:name="S">'
        + ods_row(ods_cell(None), repeat=1_000_000)
        + ods_row(ods_cell("x"))
        + "</table:table>"
    )
    assert "使用范围异常" in refused(build_ods(far_row), "a.ods")
    repeated = (
        '<table:table table:name="S">' + ods_row(ods_cell("x"), repeat=1_000_000) + "</table:table>"
    )
    assert "行数超过 200,000 行" in refused(build_ods(repeated), "a.ods")
    far_column = (
        '<table:table table:name="S">'
        + ods_row(ods_cell("x") + ods_cell(None, 15000) + ods_cell("y"))
        + "</table:table>"
    )
    assert "使用范围异常" in refused(build_ods(far_column), "a.ods")
    # Many rows of empty cells followed by one more cell: calamine materialises them all.
    padded = (
        '<table:table table:name="S">'
        + ods_row(ods_cell(None, 16000) + ods_cell(None)) * 700
        + "</table:table>"
    )
    assert "使用范围异常" in refused(build_ods(padded), "a.ods")


def test_ods_text_multiplied_by_repeats_is_refused():
    long_value = "x" * 30_000
    cell = (
        f'<table:table-cell office:value-type="string" office:string-value="{long_value}" '
        'table:number-columns-repeated="1000"/>'
    )
    table = '<table:table table:name="S">' + ods_row(cell, repeat=100) + "</table:table>"
    assert "文字内容异常巨大" in refused(build_ods(table), "a.ods")
    spaces = (
        '<table:table table:name="S"><table:table-row><table:table-cell '
        'office:value-type="string"><text:p>a<text:s text:c="2000000000"/></text:p>'
        "</table:table-cell></table:table-row></table:table>"
    )
    assert "文字内容异常巨大" in refused(build_ods(spaces), "a.ods")


def test_ods_with_password_is_refused():
    data = build_ods(
        '<table:table table:name="S">' + ods_row(ods_cell("x")) + "</table:table>",
        manifest_extra='<manifest:encryption-data manifest:checksum-type="SHA1"/>',
    )
    assert "密码" in refused(data, "a.ods")


# ---------------------------------------------------------------------------------------------
# .xls and other OLE2 files


def test_real_xls_with_hidden_sheet_and_data_at_c3():
    data = build_xls(
        [
            ("花名册", 1, [(0, 0, "旧")]),
            ("数据", 0, [(2, 2, "姓名"), (2, 3, "年龄"), (3, 2, "张三"), (3, 3, 30), (5, 3, "=x")]),
        ]
    )
    sheet = read(data, "a.xls")
    assert sheet.name == "数据"
    assert sheet.hidden_sheets == ["花名册"]
    assert sheet.rows == [
        (3, [None, None, "姓名", "年龄"]),
        (4, [None, None, "张三", 30.0]),
        (6, [None, None, None, "=x"]),
    ]


def test_xls_shared_strings_split_over_continue_records_and_mulrk():
    shared = ["姓名", "y" * 9000, "张三"]
    cells = [
        (0, 0, ("sst", 0)),
        (1, 0, ("sst", 2)),
        (1, 1, ("sst", 1)),
        (2, 1, ("mulrk", [7, 8, 9])),
    ]
    sheet = read(build_xls([("S", 0, cells)], shared=shared), "a.xls")
    assert sheet.rows == [(1, ["姓名"]), (2, ["张三", "y" * 9000]), (3, [None, 7, 8, 9])]


def test_xls_rich_shared_strings_keep_their_indexes():
    shared = [("粗体", 2, b"\x01" * 30), "y" * 9000, ("张三", 1, b"\x02" * 9000), "李四"]
    cells = [(0, 0, ("sst", 0)), (0, 1, ("sst", 2)), (0, 2, ("sst", 3)), (1, 0, ("sst", 1))]
    sheet = read(build_xls([("S", 0, cells)], shared=shared), "a.xls")
    assert sheet.rows == [(1, ["粗体", "张三", "李四"]), (2, ["y" * 9000])]
    # The long string sits behind rich ones: its size must still be found at its index.
    many = [(row, 0, ("sst", 3)) for row in range(3000)]
    shared[3] = "长" * 30_000
    assert "文字内容异常巨大" in refused(build_xls([("S", 0, many)], shared=shared), "a.xls")


def test_xls_cells_inside_an_embedded_chart_do_not_count():
    cells = [(0, 0, "姓名"), (0, 1, ("chart", (65000, 65000)))]
    assert read(build_xls([("S", 0, cells)]), "a.xls").rows == [(1, ["姓名"])]


def test_xls_shared_string_copied_into_many_cells_is_refused():
    cells = [(row, 0, ("sst", 1)) for row in range(3000)]
    data = build_xls([("S", 0, cells)], shared=["a", "长" * 30_000])
    assert "文字内容异常巨大" in refused(data, "a.xls")


def test_large_xls_with_difat_sectors_is_read():
    # Over ~7 MB a compound file lists its FAT sectors in DIFAT sectors.
    data = build_xls([("S", 0, [(0, 0, "姓名")])], extra_streams={"Pad": bytes(8 * 1024 * 1024)})
    assert len(data) > 8 * 1024 * 1024
    assert read(data, "a.xls").rows == [(1, ["姓名"])]


def test_small_xls_in_the_mini_stream_is_read():
    data = build_xls([("花名册", 0, [(0, 0, "姓名")])], pad=False)
    assert read(data, "a.xls").rows == [(1, ["姓名"])]


def test_xls_with_absurd_cells_or_dimensions_is_refused():
    far = build_xls([("名单", 0, [(0, 0, "a"), (65535, 65535, 1)])])
    assert "工作表“名单”的使用范围异常" in refused(far, "a.xls")
    for small in (True, False):
        dims = build_xls([("S", 0, [(0, 0, "a")])], dimensions=(0, 0xFFFFFFF0, 0, 255), pad=small)
        assert "使用范围异常" in refused(dims, "a.xls")


def test_xls_with_password_is_refused():
    assert "密码" in refused(build_xls([("S", 0, [(0, 0, "a")])], filepass=True), "a.xls")


def test_xls_with_macros_is_refused():
    data = build_xls([("S", 0, [(0, 0, "a")])], storages=("_VBA_PROJECT_CUR",))
    assert "宏" in refused(data, "a.xls")


def test_password_protected_xlsx_is_refused():
    # Excel encrypts an .xlsx into an OLE2 file holding EncryptionInfo and EncryptedPackage.
    data = build_cfb(
        {"EncryptionInfo": b"\x04\x00\x04\x00" * 64, "EncryptedPackage": os.urandom(5000)}
    )
    assert "密码" in refused(data, "a.xlsx")
    # Even when the container itself is damaged, the stream name gives it away.
    damaged = data[:512] + b"\xff" * 64 + data[576:]
    damaged = damaged[:30] + b"\x07\x00" + damaged[32:]  # impossible sector size
    assert "密码" in refused(damaged, "a.xlsx")


def test_cyclic_ole2_chains_are_refused_without_hanging():
    data = bytearray(build_xls([("S", 0, [(0, 0, "a")])]))
    (dir_start,) = struct.unpack_from("<I", data, 48)
    (fat_first,) = struct.unpack_from("<I", data, 76)
    struct.pack_into("<I", data, 512 * (fat_first + 1) + 4 * dir_start, dir_start)
    started = time.perf_counter()
    assert "无法读取" in refused(bytes(data), "a.xls")
    assert time.perf_counter() - started < 1


def test_word_document_is_not_a_spreadsheet():
    data = build_cfb({"WordDocument": b"\0" * 5000})
    assert "Word" in refused(data, "a.xls")


# ---------------------------------------------------------------------------------------------
# Not spreadsheets


@pytest.mark.parametrize(
    "payload",
    [
        b"<html><body><table><tr><td>1</td></tr></table></body></html>",
        b"\xef\xbb\xbf  \r\n<!DOCTYPE html><html></html>",
        '<meta charset="gbk"><table><tr><td>姓名</td></tr></table>'.encode("gbk"),
        b'MIME-Version: 1.0\r\nContent-Type: multipart/related; type="text/html"\r\n',
    ],
)
def test_html_saved_as_xls_is_refused(payload: bytes):
    assert refused(payload, "a.xls") == (
        "该文件是网页格式（HTML），不是真正的 Excel 文件，请用 Excel 打开后另存为 .xlsx。"
    )


def test_excel_2003_xml_is_refused():
    data = (
        b'<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?>'
        b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>'
    )
    assert "2003 XML" in refused(data, "a.xls")


@pytest.mark.parametrize(
    "payload",
    [
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
        bytes(range(256)) * 40,
        os.urandom(10_000),
    ],
)
def test_pdf_images_and_binary_are_not_spreadsheets(payload: bytes):
    assert "不是电子表格文件" in refused(payload, "a.xlsx")


def test_empty_file_is_refused():
    assert "空的" in refused(b"", "a.xlsx")


# ---------------------------------------------------------------------------------------------
# CSV and text


def test_gbk_csv_whatever_the_extension():
    data = "某某公司职工花名册\n姓名,身份证号\n张三,320102199001011234\n".encode("gbk")
    sheet = read(data, "upload.xls")
    assert sheet.name == "upload.xls"
    assert sheet.rows == [
        (1, ["某某公司职工花名册"]),
        (2, ["姓名", "身份证号"]),
        (3, ["张三", "320102199001011234"]),
    ]


def test_utf8_bom_csv_with_blank_rows_and_empty_cells():
    data = '\ufeff姓名,性别,备注\r\n,,\r\n张三,,\r\n \t, \r\n李四,男,"多行\n备注"\r\n'.encode()
    sheet = read(data, "a.csv")
    assert sheet.rows == [
        (1, ["姓名", "性别", "备注"]),
        (3, ["张三"]),
        (5, ["李四", "男", "多行\n备注"]),
    ]


def test_tab_and_semicolon_separated_text():
    tab = "姓名\t地址\n张三\t南京市,玄武区\n".encode()
    assert read(tab, "a.txt").rows == [(1, ["姓名", "地址"]), (2, ["张三", "南京市,玄武区"])]
    semi = "姓名;年龄\n张三;30\n".encode()
    assert read(semi, "a.csv").rows == [(1, ["姓名", "年龄"]), (2, ["张三", "30"])]


def test_utf16_unicode_text_export_is_read():
    data = "姓名\t年龄\r\n张三\t30\r\n".encode("utf-16")
    assert read(data, "a.txt").rows == [(1, ["姓名", "年龄"]), (2, ["张三", "30"])]


def test_csv_with_too_many_rows_is_refused():
    data = b"a,b\n" + b"1,2\n" * 201_001
    assert "超过 200,000 行" in refused(data, "a.csv")
    ok = read(b"a,b\n" + b"1,2\n" * 200_000, "a.csv")
    assert len(ok.rows) == 200_001


def test_text_in_no_known_encoding_is_refused():
    data = b"\xff\xff\xff\xfe abc,def\n" * 3
    assert "UTF-8" in refused(data, "a.csv")


# ---------------------------------------------------------------------------------------------
# The byte-level pre-scan: what it clears, and what it sends to the exact scan


_PLAIN_SHEET = (
    b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>\xe5\xbc\xa0</t></is></c>'
    b'<c r="B1"><v>3</v></c></row></sheetData></worksheet>'
)


@pytest.mark.parametrize(
    ("part", "suspicious"),
    [
        (_PLAIN_SHEET, False),
        # attribute syntax a textual scan could misread
        (_PLAIN_SHEET.replace(b'<c r="B1">', b'<c r = "B1">'), True),
        (_PLAIN_SHEET.replace(b'<c r="B1">', b"<c r='B1'>"), True),
        (_PLAIN_SHEET.replace(b'<c r="B1">', b'<c\tr="B1">'), True),
        # a run of text that does not end at its own end tag, or is longer than a cell holds
        (_PLAIN_SHEET.replace(b"<v>3</v>", b"<v>3<x/>4</v>"), True),
        (_PLAIN_SHEET.replace(b"<v>3</v>", b"<v>" + b"9" * 40000 + b"</v>"), True),
        (_PLAIN_SHEET.replace(b"<t>\xe5\xbc\xa0</t>", b"<t>" + b"a" * 32767 + b"</t>"), False),
        # rich text, a namespace prefix, a column beyond CV, a second r= in a cell
        (
            _PLAIN_SHEET.replace(b"<is><t>", b"<is><r><t>").replace(b"</t></is>", b"</t></r></is>"),
            True,
        ),
        (_PLAIN_SHEET.replace(b'<c r="B1"><v>', b'<x:c r="B1"><v>'), True),
        (_PLAIN_SHEET.replace(b'r="B1"', b'r="CW1"'), True),
        (_PLAIN_SHEET.replace(b'<c r="B1">', b'<c r="B1" r="Z9">'), True),
    ],
)
def test_the_pre_scan_clears_only_sheets_written_the_common_way(part: bytes, suspicious: bool):
    from imports.reading.xlsx import _fast_scan

    assert _fast_scan([part]).suspicious is suspicious
    # Split anywhere into chunks, the verdict is the same.
    assert _fast_scan([part[:37], part[37:90], part[90:]]).suspicious is suspicious
