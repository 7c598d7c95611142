"""Spreadsheets built inside the tests: one place that lays rows out in an .xlsx the way users'
files look (title lines, a header, data), so every import test writes its files alike.

    write_xlsx(tmp_path / "a.xlsx", rows, sheet="工会组织", title_rows=[["统计表"]], header=HEADER)
    xlsx_bytes({1: HEADER, 4: row}, sheet="花名册")  # a dict puts each row at its Excel row

A module binds its own layout once, e.g.
`write_xlsx = partial(spreadsheets.write_xlsx, sheet="花名册", header=HEADER)`.

Every string is stored as text: openpyxl would write "=1+1" as a formula, while a user typing
'=1+1 in Excel (or an import reading a text cell) gets the text.
"""

import io
import os
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

Rows = Iterable[Sequence[object]] | Mapping[int, Sequence[object]]


def fill_sheet(
    sheet: Worksheet,
    rows: Rows,
    *,
    title_rows: Iterable[Sequence[object]] = (),
    header: Sequence[object] | None = None,
) -> Worksheet:
    """Append `title_rows`, then `header`, then `rows` (or put a dict's rows at their Excel
    row numbers, leaving None cells empty)."""
    for values in title_rows:
        sheet.append(list(values))
    if header is not None:
        sheet.append(list(header))
    if isinstance(rows, Mapping):
        for number, values in rows.items():
            for column, value in enumerate(values, start=1):
                if value is not None:
                    sheet.cell(row=number, column=column, value=value)
    else:
        for values in rows:
            sheet.append(list(values))
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    return sheet


def xlsx_workbook(rows: Rows = (), *, sheet: str = "Sheet", **layout) -> openpyxl.Workbook:
    """A workbook whose one sheet, named `sheet`, holds the rows (`fill_sheet`'s layout)."""
    workbook = openpyxl.Workbook()
    workbook.active.title = sheet
    fill_sheet(workbook.active, rows, **layout)
    return workbook


def workbook_bytes(workbook: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_bytes(rows: Rows = (), *, sheet: str = "Sheet", **layout) -> bytes:
    return workbook_bytes(xlsx_workbook(rows, sheet=sheet, **layout))


def write_xlsx(path: Path, rows: Rows = (), *, sheet: str = "Sheet", **layout) -> Path:
    path.write_bytes(xlsx_bytes(rows, sheet=sheet, **layout))
    return path


def long_cell_xlsx(
    path: Path, length: int, *, header: Sequence[str], sheet: str = "Sheet", ratio: int = 20
) -> Path:
    """A hand-written .xlsx: `header` on row 1, and on row 2 one cell holding a shared string of
    `length` characters, streamed to disk (never held whole). The text is long runs of "A"
    with a little noise, so it compresses about `ratio` times: under the zip-bomb ratio limit,
    as a hostile file would be made."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    cells = "".join(
        '<c r="%s1" t="inlineStr"><is><t>%s</t></is></c>' % (chr(65 + i), text)
        for i, text in enumerate(header)
    )
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats'
        '.org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        'ContentType="%s"/></Types>' % main,
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="%s"><Relationship Id="rId1" '
        'Type="%s/officeDocument" Target="xl/workbook.xml"/></Relationships>' % (pkg, rel),
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="%s" xmlns:r="%s"><sheets>'
        '<sheet name="%s" sheetId="1" r:id="rId1"/></sheets></workbook>' % (ns, rel, sheet),
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="%s">'
        '<Relationship Id="rId1" Type="%s/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="%s/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>" % (pkg, rel, rel),
        "xl/worksheets/sheet1.xml": '<?xml version="1.0"?><worksheet xmlns="%s"><sheetData>'
        '<row r="1">%s</row><row r="2"><c r="A2" t="s"><v>0</v></c></row></sheetData>'
        "</worksheet>" % (ns, cells),
    }
    noise = max(1, 10_000 // ratio)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in parts.items():
            package.writestr(name, text)
        with package.open("xl/sharedStrings.xml", "w", force_zip64=True) as stream:
            stream.write(
                b'<?xml version="1.0"?><sst xmlns="%s" count="1" uniqueCount="1"><si><t>'
                % ns.encode()
            )
            written = 0
            while written < length:
                block = (os.urandom(noise // 2 + 1).hex()[:noise] + "A" * 10_000)[
                    : length - written
                ]
                stream.write(block.encode())
                written += len(block)
            stream.write(b"</t></si></sst>")
    return path
