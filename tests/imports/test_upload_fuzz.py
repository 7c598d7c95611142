"""Malformed and hostile spreadsheets, generated: whatever is uploaded, the answer is a refusal
or a clean preview (INTERFACES.md), never a server error, never a change to the data, within a
bounded time and memory.

Each example goes through HR's roster upload page and through `import_roster --dry-run --json`.
The files start from ordinary rosters (tests.spreadsheets, the builders of
tests.imports.test_reading) and are then cut, flipped or rebuilt part by part: random bytes,
truncated archives, entity bombs and external entities, cells past Excel's limit, absurd used
ranges, formulas, hidden sheets, merged headers, encrypted and macro-enabled workbooks. The
subprocess test of tests.imports.test_long_cells measures a whole process's memory (calamine's
allocations are invisible to tracemalloc); here Python's own allocations are measured.
"""

import csv
import datetime
import io
import re
import time
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imports.models import ImportRecord
from tests.commands import run_json_command
from tests.factories import EmploymentFactory, EnterpriseFactory
from tests.imports.test_reading import build_cfb, build_ods, build_xls, ods_cell, ods_row
from tests.spreadsheets import fill_sheet, workbook_bytes, xlsx_bytes
from tests.workers.test_import_roster import HEADER, ROSTER_LAYOUT, row
from workers.models import Employment, Worker

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
SECONDS = 10  # per example, both paths together
PYTHON_PEAK = 200 * 1024 * 1024  # bytes Python allocates at most for one upload

# ---------------------------------------------------------------------------------------------
# Ordinary files to start from


def _roster_xlsx() -> bytes:
    return xlsx_bytes([row(1), row(2), row(3)], **ROSTER_LAYOUT)


def _roster_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows([row(1), row(2)])
    return out.getvalue().encode()


def _roster_ods() -> bytes:
    cells = "".join(ods_cell(h) for h in HEADER)
    data = "".join(ods_row("".join(ods_cell(v) for v in row(n) if v is not None)) for n in (1, 2))
    return build_ods('<table:table table:name="花名册">%s%s</table:table>' % (ods_row(cells), data))


def _roster_xls() -> bytes:
    cells = [(0, c, h) for c, h in enumerate(HEADER)]
    cells += [(1, c, v) for c, v in enumerate(row(1)) if v]
    return build_xls([("花名册", 0, cells)])


BASES = {
    "xlsx": _roster_xlsx(),
    "csv": _roster_csv(),
    "ods": _roster_ods(),
    "xls": _roster_xls(),
}

# ---------------------------------------------------------------------------------------------
# Hostile parts and whole files


def _lol_doctype(root: str, depth: int) -> str:
    entities = '<!ENTITY e0 "lollollollollollollollollollol">' + "".join(
        '<!ENTITY e%d "%s">' % (i, ("&e%d;" % (i - 1)) * 10) for i in range(1, depth + 1)
    )
    return '<?xml version="1.0"?><!DOCTYPE %s [%s]>' % (root, entities)


_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_XXE = '<!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>'


def _shared(text: str, head: str = '<?xml version="1.0"?>') -> bytes:
    return (
        '%s<sst %s count="1" uniqueCount="1"><si><t>%s</t></si></sst>' % (head, _NS, text)
    ).encode()


def _sheet(rows: str, head: str = '<?xml version="1.0"?>', dimension: str = "A1:N5") -> bytes:
    return (
        '%s<worksheet %s><dimension ref="%s"/><sheetData>%s</sheetData></worksheet>'
        % (head, _NS, dimension, rows)
    ).encode()


_HEADER_ROW = '<row r="2">%s</row>' % "".join(
    '<c r="%s2" t="inlineStr"><is><t>%s</t></is></c>' % (chr(65 + i), h)
    for i, h in enumerate(HEADER)
)

PART_PAYLOADS = {
    "billion laughs in shared strings": (
        "xl/sharedStrings.xml",
        lambda n: _shared("&e9;", _lol_doctype("sst", 9)),
    ),
    "external entity in shared strings": ("xl/sharedStrings.xml", lambda n: _shared("&x;", _XXE)),
    "billion laughs in the sheet": (
        "xl/worksheets/sheet1.xml",
        lambda n: _sheet(
            _HEADER_ROW + '<row r="3"><c r="A3" t="inlineStr"><is><t>&e9;</t></is></c></row>',
            _lol_doctype("worksheet", 9),
        ),
    ),
    "long shared string": ("xl/sharedStrings.xml", lambda n: _shared("甲" * n)),
    "long inline string": (
        "xl/worksheets/sheet1.xml",
        lambda n: _sheet(
            _HEADER_ROW
            + '<row r="3"><c r="A3" t="inlineStr"><is><t>%s</t></is></c></row>' % ("A" * n)
        ),
    ),
    "long value": (
        "xl/worksheets/sheet1.xml",
        lambda n: _sheet('<row r="1"><c r="A1" t="str"><v>%s</v></c></row>' % ("9" * n)),
    ),
    "huge declared dimension": (
        "xl/worksheets/sheet1.xml",
        lambda n: _sheet(_HEADER_ROW, dimension="A1:XFD1048576"),
    ),
    "cell in the last row": (
        "xl/worksheets/sheet1.xml",
        lambda n: _sheet(_HEADER_ROW + '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'),
    ),
    "cell in the last column": (
        "xl/worksheets/sheet1.xml",
        lambda n: _sheet(_HEADER_ROW + '<row r="3"><c r="XFD3"><v>1</v></c></row>'),
    ),
    "formulas": (
        "xl/worksheets/sheet1.xml",
        lambda n: _sheet(
            _HEADER_ROW
            + '<row r="3"><c r="A3" t="str"><f>CONCAT("张","三")</f><v>张三</v></c>'
            + '<c r="B3"><f>1+1</f><v>2</v></c><c r="C3" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
            + '<c r="D3"><f t="shared" ref="D3:D9" si="0">A1</f></c></row>'
        ),
    ),
    "deep nesting": (
        "xl/worksheets/sheet1.xml",
        lambda n: _sheet("<x>" * min(n, 100_000) + "</x>" * min(n, 100_000)),
    ),
    "not xml": ("xl/worksheets/sheet1.xml", lambda n: b"\x00\xff" * min(n, 10_000)),
    "empty workbook part": ("xl/workbook.xml", lambda n: b""),
}


def _replace_part(data: bytes, name: str, payload: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, payload if info.filename == name else source.read(info))
        if name not in source.namelist():
            target.writestr(name, payload)
    return out.getvalue()


def _hidden_sheets() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.title = "隐藏"
    fill_sheet(workbook.active, [row(9)], header=HEADER)
    workbook.active.sheet_state = "hidden"
    fill_sheet(workbook.create_sheet("花名册"), [row(1)], header=HEADER)
    fill_sheet(workbook.create_sheet("很隐藏"), [row(8)], header=HEADER).sheet_state = "veryHidden"
    return workbook_bytes(workbook)


def _merged_header() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "花名册"
    fill_sheet(sheet, [row(1), row(2)], title_rows=[["职工花名册"]], header=HEADER)
    sheet.merge_cells("A1:N1")
    sheet.merge_cells("A2:B2")  # the header's 姓名 and 身份证号 become one cell
    return workbook_bytes(workbook)


def _formula_cells() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "花名册"
    fill_sheet(sheet, [row(1)], header=HEADER)
    sheet["A3"] = "=1+1"  # a real formula: openpyxl writes <f>
    sheet["A4"] = '=HYPERLINK("http://example.invalid","点我")'
    return workbook_bytes(workbook)


def _ods_with_doctype() -> bytes:
    with zipfile.ZipFile(io.BytesIO(BASES["ods"])) as source:
        content = source.read("content.xml").decode()
    content = re.sub(r"^<\?xml[^>]*\?>", "", content)
    bomb = _lol_doctype("office:document-content", 9) + content.replace(
        "<text:p>是</text:p>", "<text:p>&e9;</text:p>", 1
    )
    return _replace_part(BASES["ods"], "content.xml", bomb.encode())


def _macro_enabled() -> bytes:
    return _replace_part(
        BASES["xlsx"], "xl/vbaProject.bin", build_cfb({"dir": b"\x01" * 100}, ("VBA",))
    )


def _encrypted() -> bytes:
    return build_cfb({"EncryptionInfo": b"\x04\x00\x04\x00" * 64, "EncryptedPackage": bytes(5000)})


WHOLE_FILES = {
    "hidden sheets": ("a.xlsx", _hidden_sheets()),
    "merged header": ("a.xlsx", _merged_header()),
    "formulas": ("a.xlsx", _formula_cells()),
    "macro-enabled": ("a.xlsm", _macro_enabled()),
    "password-protected": ("a.xlsx", _encrypted()),
    "ods with a huge row repeat": (
        "a.ods",
        build_ods(
            '<table:table table:name="花名册">%s</table:table>' % ods_row(ods_cell("x"), 1_048_576)
        ),
    ),
    "ods with an entity bomb": ("a.ods", _ods_with_doctype()),
    "csv with a long field": (
        "a.csv",
        ("%s\n张三,%s\n" % (",".join(HEADER), "A" * 200_000)).encode(),
    ),
    "csv in gbk": ("a.csv", _roster_csv().decode().encode("gbk")),
    "csv with nul bytes": ("a.csv", b"\x00".join(_roster_csv().split(b","))),
}

NAMES = st.sampled_from(["花名册.xlsx", "花名册.xls", "花名册.ods", "花名册.csv", "花名册"])
PREFIXES = st.sampled_from(
    [
        b"",
        b"PK\x03\x04",
        b"PK\x05\x06",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\xef\xbb\xbf",
        b"<?xml",
    ]
)


@st.composite
def random_files(draw) -> tuple[str, bytes]:
    return draw(NAMES), draw(PREFIXES) + draw(st.binary(min_size=1, max_size=4096))


@st.composite
def damaged_files(draw) -> tuple[str, bytes]:
    """An ordinary roster, truncated or with a few bytes overwritten."""
    kind = draw(st.sampled_from(sorted(BASES)))
    data = bytearray(BASES[kind])
    if draw(st.booleans()):
        data = data[: draw(st.integers(1, len(data) - 1))]
    else:
        for _ in range(draw(st.integers(1, 8))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return "花名册.%s" % kind, bytes(data)


@st.composite
def hostile_parts(draw) -> tuple[str, bytes]:
    """An ordinary .xlsx roster with one part replaced by a hostile one."""
    part, build = PART_PAYLOADS[draw(st.sampled_from(sorted(PART_PAYLOADS)))]
    size = draw(st.sampled_from([32_767, 32_768, 1_000_000, 6_000_000]))
    return "花名册.xlsx", _replace_part(BASES["xlsx"], part, build(size))


CASES = st.one_of(
    random_files(),
    damaged_files(),
    hostile_parts(),
    st.sampled_from(sorted(WHOLE_FILES)).map(lambda key: WHOLE_FILES[key]),
)

# ---------------------------------------------------------------------------------------------


def _snapshot() -> tuple:
    return (
        Worker.objects.count(),
        Employment.objects.count(),
        Employment.objects.filter(departure_date__isnull=False).count(),
        ImportRecord.objects.filter(status=ImportRecord.Status.APPLIED).count(),
        ImportRecord.objects.filter(source="cli").count(),
    )


@pytest.fixture
def enterprise(hr_user, settings):
    settings.IMPORT_ASYNC_FROM_BYTES = 1 << 30  # every upload is checked in the request
    enterprise = EnterpriseFactory(name="本企业")
    enterprise.hr_users.add(hr_user)
    for _ in range(3):
        EmploymentFactory(enterprise=enterprise)
    return enterprise


def _assert_file_level(errors: list[dict]) -> None:
    file_level = [e for e in errors if e["row"] is None]
    assert file_level, errors
    assert all(CJK.search(e["message"]) for e in file_level), file_level


@settings(
    max_examples=40,
    derandomize=True,
    database=None,
    deadline=datetime.timedelta(seconds=SECONDS),
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(case=CASES)
def test_any_upload_is_refused_or_previewed_and_changes_nothing(
    client, hr_user, enterprise, tmp_path, case
):
    check_upload(client, hr_user, enterprise, tmp_path, *case)


NAMED = {
    **WHOLE_FILES,
    **{
        key: ("花名册.xlsx", _replace_part(BASES["xlsx"], part, build(40_000)))
        for key, (part, build) in PART_PAYLOADS.items()
    },
}


@pytest.mark.parametrize("key", sorted(NAMED))
def test_each_named_hostile_file(client, hr_user, enterprise, tmp_path, key):
    """Every hostile kind at least once, whatever the generated examples were."""
    check_upload(client, hr_user, enterprise, tmp_path, *NAMED[key])


def check_upload(client, hr_user, enterprise, tmp_path, name: str, data: bytes) -> None:
    client.force_login(hr_user)
    before = _snapshot()
    started = time.perf_counter()

    tracemalloc.start()
    try:
        response = client.post(
            reverse("workers:roster_enterprise", args=[enterprise.pk]),
            {"file": SimpleUploadedFile(name, data)},
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < PYTHON_PEAK, (name, peak)

    assert response.status_code in (200, 302), response.status_code  # 200: the form said no
    if response.status_code == 302:
        record = ImportRecord.objects.latest("pk")
        assert record.status in (
            ImportRecord.Status.REFUSED,
            ImportRecord.Status.INVALID,
            ImportRecord.Status.VALIDATED,
        ), (record.status, record.errors)
        if record.status == ImportRecord.Status.REFUSED:
            _assert_file_level(record.errors)
        assert client.get(response.url).status_code == 200

    path = tmp_path / name
    path.write_bytes(data)
    code, result = run_json_command(
        "import_roster", str(path), "--enterprise", enterprise.uscc, "--dry-run"
    )
    assert code in (0, 1, 2), code
    assert result["applied"] is False and result["dry_run"] is True
    assert result["ok"] is (code == 0)
    if code == 2:
        _assert_file_level(result["errors"])

    assert _snapshot() == before
    assert time.perf_counter() - started < SECONDS
