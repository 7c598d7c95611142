"""Unusable roster files are refused through the whole roster path (INTERFACES.md).

Every file goes through `import_roster FILE --enterprise USCC --json`: exit 2, `ok` and `applied`
false, a file-level error (row null) in Chinese saying what is wrong, and the enterprise's roster
exactly as it was. The last cases are traps that must *not* be refused: lying sheet dimensions,
hidden or extra sheets, and text that looks like a formula.

Files are built inside each test: ordinary workbooks with tests.spreadsheets, the hostile bytes
with the builders of tests.imports.test_reading.
"""

import csv
import io
import os
import random
import re
import time
import zipfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import openpyxl
import pytest

from enterprises.models import Enterprise
from imports.models import ImportRecord
from imports.reading import MAX_DATA_ROWS, MAX_FILE_BYTES
from tests.commands import run_json_command
from tests.factories import EnterpriseFactory
from tests.imports.test_reading import _CT, _MAIN, build_cfb, build_xlsx, sheet_xml
from tests.spreadsheets import fill_sheet, workbook_bytes, xlsx_bytes
from tests.workers.test_import_roster import HEADER, ROSTER_LAYOUT, person
from workers.models import Employment, Worker

pytestmark = pytest.mark.django_db

REQUIRED = ["姓名", "身份证号", "是否一线职工", "是否工会会员", "入职日期"]
CJK = re.compile(r"[\u4e00-\u9fff]")


# ---------------------------------------------------------------------------------------------
# Builders (tests/workers/test_import_roster.py's, with a choice of header)


def row(n: int, header: list[str] = HEADER, **overrides: object) -> list:
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
    return [values.get(h) for h in header]


# The roster layout (a title line, the header, the rows) on any sheet, or as a whole file.
fill_roster = partial(fill_sheet, title_rows=ROSTER_LAYOUT["title_rows"], header=HEADER)
roster_xlsx = partial(xlsx_bytes, **ROSTER_LAYOUT)


def roster_csv(rows: list[list], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def rewrite_zip(
    data: bytes,
    *,
    change: dict[str, object] | None = None,
    add: dict[str, bytes] | None = None,
    stored: dict[str, bytes] | None = None,
) -> bytes:
    """Copy a workbook, passing the text of the parts in `change` through their function."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            payload = source.read(info)
            if change and info.filename in change:
                payload = change[info.filename](payload.decode()).encode()
            target.writestr(info.filename, payload, compress_type=zipfile.ZIP_DEFLATED)
        for name, payload in (add or {}).items():
            target.writestr(name, payload, compress_type=zipfile.ZIP_DEFLATED)
        for name, payload in (stored or {}).items():
            target.writestr(name, payload, compress_type=zipfile.ZIP_STORED)
    return out.getvalue()


def with_dimension(data: bytes, ref: str) -> bytes:
    """The same workbook with its first sheet declaring a false used range."""

    def lie(xml: str) -> str:
        replaced, count = re.subn(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', xml)
        assert count == 1
        return replaced

    return rewrite_zip(data, change={"xl/worksheets/sheet1.xml": lie})


def save(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def run(path: Path, enterprise: Enterprise, *args: str) -> tuple[int, dict]:
    return run_json_command("import_roster", str(path), "--enterprise", enterprise.uscc, *args)


def stored_roster() -> tuple[list[dict], list[dict]]:
    """Every field of every worker and employment (updated_at included: any write shows)."""
    return (
        list(Worker.objects.order_by("pk").values()),
        list(Employment.objects.order_by("pk").values()),
    )


@dataclass
class Seeded:
    enterprise: Enterprise
    before: tuple[list[dict], list[dict]]


@pytest.fixture
def enterprise() -> Enterprise:
    return EnterpriseFactory(name="本企业")


def seed_rows() -> list[list]:
    return [
        row(1, 职业技能等级="高级工", 政治面貌="党员", 是否工会会员="是"),
        row(2, 岗位="班组长"),
    ]


@pytest.fixture
def seeded(tmp_path, enterprise) -> Seeded:
    """The enterprise with two workers, imported through the same command."""
    code, result = run(save(tmp_path, "seed.xlsx", roster_xlsx(seed_rows())), enterprise)
    assert code == 0 and result["counts"]["created"] == 2, result
    return Seeded(enterprise, stored_roster())


def assert_refused(
    path: Path, seeded: Seeded, *needles: str, column: str | None = None, dry_run: bool = False
) -> dict:
    """Exit 2, the documented JSON shape, a Chinese file-level message, nothing changed."""
    code, result = run(path, seeded.enterprise, *(["--dry-run"] if dry_run else []))
    assert code == 2, result
    assert set(result) == {"ok", "applied", "dry_run", "counts", "errors", "warnings"}
    assert result["ok"] is False and result["applied"] is False
    assert result["dry_run"] is dry_run
    assert result["errors"], result
    assert result["counts"]["errors"] == len(result["errors"])
    assert result["counts"]["created"] == result["counts"]["updated"] == 0
    file_level = [e for e in result["errors"] if e["row"] is None]
    assert file_level, result["errors"]
    message = " ".join(e["message"] for e in file_level)
    assert CJK.search(message), message
    for needle in needles:
        assert needle in message, message
    if column is not None:
        assert column in {e["column"] for e in file_level}, file_level
    assert stored_roster() == seeded.before
    assert Worker.objects.get(id_number=person(1)).skill_level == "senior"
    assert Employment.objects.get(worker__id_number=person(2)).position == "班组长"
    if not dry_run:
        assert ImportRecord.objects.latest("pk").status == ImportRecord.Status.REFUSED
    return result


# ---------------------------------------------------------------------------------------------
# 1. Size


def test_csv_over_20_mb_is_refused_and_exactly_20_mb_is_read(tmp_path, seeded):
    body = roster_csv(seed_rows())
    padding = MAX_FILE_BYTES - len(body)
    # Lines of spaces are blank rows: the file stays a usable roster right up to the limit.
    exact = body + (b" " * 1023 + b"\n") * (padding // 1024) + b" " * (padding % 1024)
    assert len(exact) == MAX_FILE_BYTES

    assert_refused(save(tmp_path, "big.csv", exact + b" "), seeded, "20 MB")

    code, result = run(save(tmp_path, "limit.csv", exact), seeded.enterprise)
    assert code == 0, result
    assert result["counts"]["rows"] == 2 and result["counts"]["unchanged"] == 2


def test_xlsx_over_20_mb_is_refused(tmp_path, seeded):
    data = rewrite_zip(
        roster_xlsx(seed_rows()),
        stored={"xl/media/image1.png": os.urandom(MAX_FILE_BYTES)},  # incompressible
    )
    assert len(data) > MAX_FILE_BYTES
    assert_refused(save(tmp_path, "big.xlsx", data), seeded, "20 MB")


# ---------------------------------------------------------------------------------------------
# 2. Rows


def _short_rows(count: int) -> bytes:
    return b"".join(b"x%d,1\n" % i for i in range(count))


def test_one_data_row_over_the_limit_is_refused_by_the_engine(tmp_path, seeded):
    # Title rows and the header do not count: 200,001 rows under the header are one too many.
    head = "某某公司职工花名册\n填报日期：2026年1月\n%s\n" % ",".join(HEADER)
    data = head.encode() + _short_rows(MAX_DATA_ROWS + 1)
    result = assert_refused(save(tmp_path, "many.csv", data), seeded)
    message = result["errors"][0]["message"]
    assert re.search(r"200,?001", message), message  # the data rows, header excluded
    assert re.search(r"200,?000", message), message


def test_xlsx_one_data_row_over_the_limit_is_refused_by_the_engine(tmp_path, seeded):
    cells = "".join(
        f'<c r="{chr(65 + i)}2" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(HEADER)
    )
    rows = f'<row r="2">{cells}</row>' + "".join(
        f'<row r="{i}"><c r="A{i}"><v>1</v></c></row>' for i in range(3, MAX_DATA_ROWS + 4)
    )
    data = build_xlsx([("花名册", sheet_xml(rows))])
    result = assert_refused(save(tmp_path, "many.xlsx", data), seeded)
    assert re.search(r"200,?000", result["errors"][0]["message"]), result


def test_far_too_many_rows_are_refused_by_the_reader(tmp_path, seeded):
    data = ",".join(HEADER).encode() + b"\n" + _short_rows(MAX_DATA_ROWS + 1001)
    assert_refused(save(tmp_path, "many.csv", data), seeded, "200,000")


# ---------------------------------------------------------------------------------------------
# 3. Not a spreadsheet, whatever the extension


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr("_rels/.rels", "<Relationships/>")
        z.writestr("word/document.xml", "<w:document><w:body>姓名 身份证号</w:body></w:document>")
    return out.getvalue()


NOT_SPREADSHEETS = {
    "pdf": (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "PDF"),
    "png": (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(200), "不是电子表格"),
    "random": (random.Random(20260101).randbytes(10_000), "不是电子表格"),
    "docx": (_docx(), "Word"),
    "doc": (build_cfb({"WordDocument": b"\0" * 5000}), "Word"),
    "html": (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "HTML"),
    "empty": (b"", "空的"),
}


@pytest.mark.parametrize("kind", NOT_SPREADSHEETS)
def test_not_a_spreadsheet_saved_as_xlsx_is_refused(tmp_path, seeded, kind):
    data, needle = NOT_SPREADSHEETS[kind]
    result = assert_refused(save(tmp_path, "花名册.xlsx", data), seeded, needle)
    if kind not in ("html", "empty"):
        assert "不是电子表格" in result["errors"][0]["message"]


def test_refusal_is_the_same_in_a_dry_run(tmp_path, seeded):
    path = save(tmp_path, "花名册.xlsx", NOT_SPREADSHEETS["pdf"][0])
    assert_refused(path, seeded, "不是电子表格", dry_run=True)


# ---------------------------------------------------------------------------------------------
# 4. Password and macros


def test_password_protected_xlsx_is_refused(tmp_path, seeded):
    # Excel encrypts an .xlsx into an OLE2 file holding EncryptionInfo and EncryptedPackage.
    data = build_cfb(
        {"EncryptionInfo": b"\x04\x00\x04\x00" * 64, "EncryptedPackage": os.urandom(5000)}
    )
    assert_refused(save(tmp_path, "花名册.xlsx", data), seeded, "密码")


@pytest.mark.parametrize("name", ["花名册.xlsm", "花名册.xlsx"])
def test_valid_roster_with_a_vba_project_is_refused(tmp_path, seeded, name):
    data = rewrite_zip(
        roster_xlsx([row(1), row(2), row(3)]),
        add={"xl/vbaProject.bin": build_cfb({"dir": b"\x01" * 100}, ("VBA",))},
    )
    assert_refused(save(tmp_path, name, data), seeded, "宏")
    assert not Worker.objects.filter(id_number=person(3)).exists()


def test_macro_enabled_workbook_type_is_refused(tmp_path, seeded):
    rows = sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>')
    data = build_xlsx(
        [("花名册", rows)], main_type="application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    )
    assert_refused(save(tmp_path, "花名册.xlsx", data), seeded, "宏")


# ---------------------------------------------------------------------------------------------
# 5. Header


def test_sheet_of_random_text_has_no_header(tmp_path, seeded):
    rng = random.Random(5)
    words = ["会议纪要", "天气", "第三季度", "备忘", "abc", "2026", "张三", "说明"]
    workbook = openpyxl.Workbook()
    workbook.active.title = "花名册"
    for _ in range(40):
        workbook.active.append([rng.choice(words) + str(rng.randint(0, 99)) for _ in range(6)])
    result = assert_refused(save(tmp_path, "花名册.xlsx", workbook_bytes(workbook)), seeded, "表头")
    assert result["errors"][0]["column"] is None
    assert "身份证号" in result["errors"][0]["message"]  # it lists what the header needs


def test_header_missing_the_id_number_column_names_it(tmp_path, seeded):
    header = [h for h in HEADER if h != "身份证号"]
    data = roster_xlsx([row(1, header), row(2, header)], header=header)
    result = assert_refused(
        save(tmp_path, "花名册.xlsx", data), seeded, "身份证号", column="身份证号"
    )
    assert [e["column"] for e in result["errors"]] == ["身份证号"]
    assert "缺少" in result["errors"][0]["message"]


def test_missing_columns_are_each_named_by_their_canonical_name(tmp_path, seeded):
    # Variants for the columns that are there; 身份证号 and 入职日期 are absent.
    header = ["姓名", "工作岗位", "一线职工", "工会会员"]
    data = roster_xlsx([["职工1", "操作工", "是", "否"]], header=header)
    result = assert_refused(save(tmp_path, "花名册.xlsx", data), seeded)
    assert sorted(e["column"] for e in result["errors"]) == ["入职日期", "身份证号"]
    for error in result["errors"]:
        assert error["row"] is None and error["column"] in error["message"]


# ---------------------------------------------------------------------------------------------
# 6. Zip bombs


def test_shared_strings_zip_bomb_is_refused_quickly(tmp_path, seeded):
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
    path = save(tmp_path, "花名册.xlsx", data)
    started = time.perf_counter()
    assert_refused(path, seeded, "解压后体积异常巨大")
    assert time.perf_counter() - started < 3


def test_one_long_shared_string_in_every_cell_is_refused(tmp_path, seeded):
    # 10,000 cells × one 30,000-character string: 300 MB of text once unpacked.
    rows = "".join(f'<row r="{i}"><c r="A{i}" t="s"><v>0</v></c></row>' for i in range(1, 10_001))
    data = build_xlsx([("花名册", sheet_xml(rows))], shared=["x" * 30_000])
    assert_refused(save(tmp_path, "花名册.xlsx", data), seeded, "文字内容异常巨大")


# ---------------------------------------------------------------------------------------------
# 7. Absurd used range


def test_cells_at_a1_and_xfd1048576_are_refused_and_the_process_survives(tmp_path, seeded):
    rows = (
        '<row r="1"><c r="A1"><v>1</v></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'
    )
    data = build_xlsx([("花名册", sheet_xml(rows))])
    assert_refused(save(tmp_path, "a.xlsx", data), seeded, "使用范围异常")

    # A real roster with one stray value in the last cell of the sheet.
    workbook = openpyxl.Workbook()
    workbook.active.title = "花名册"
    fill_roster(workbook.active, [row(1), row(2), row(3)])
    workbook.active["XFD1048576"] = "x"
    path = save(tmp_path, "b.xlsx", workbook_bytes(workbook))
    assert_refused(path, seeded, "使用范围异常", "花名册")

    # Still alive, and still importing.
    code, result = run(
        save(tmp_path, "c.xlsx", roster_xlsx([*seed_rows(), row(3)])), seeded.enterprise
    )
    assert code == 0, result
    assert (result["counts"]["created"], result["counts"]["unchanged"]) == (1, 2)


# ---------------------------------------------------------------------------------------------
# 8. Lying dimensions are not refusals: the real rows are read


def test_dimension_smaller_than_the_data_still_reads_every_row(tmp_path, enterprise):
    data = with_dimension(roster_xlsx([row(n) for n in range(1, 101)]), "A1:N11")
    code, result = run(save(tmp_path, "花名册.xlsx", data), enterprise)
    assert code == 0, result
    assert (result["counts"]["rows"], result["counts"]["created"]) == (100, 100)
    assert Employment.objects.filter(enterprise=enterprise).count() == 100
    assert Worker.objects.filter(id_number=person(100)).exists()


def test_huge_declared_dimension_with_three_rows_reads_three_quickly(tmp_path, enterprise):
    workbook = openpyxl.Workbook()
    workbook.active.title = "花名册"
    fill_roster(workbook.active, [row(1), row(2)])
    for column, value in enumerate(row(3), start=1):
        workbook.active.cell(row=5001, column=column, value=value)
    data = with_dimension(workbook_bytes(workbook), "A1:XFD5001")
    path = save(tmp_path, "花名册.xlsx", data)
    started = time.perf_counter()
    code, result = run(path, enterprise)
    assert time.perf_counter() - started < 2
    assert code == 0, result
    assert (result["counts"]["rows"], result["counts"]["created"]) == (3, 3)
    assert Worker.objects.count() == 3


# ---------------------------------------------------------------------------------------------
# 9. Which sheet is read


def _open_on_first_sheet(xml: str) -> str:
    """Make the workbook open on its first sheet (openpyxl moves a hidden active sheet)."""
    xml = re.sub(r'\sactiveTab="\d+"', "", xml)
    return xml.replace("<workbookView ", '<workbookView activeTab="0" ', 1)


def test_hidden_active_sheet_is_never_read(tmp_path, enterprise):
    workbook = openpyxl.Workbook()
    old = workbook.active
    old.title = "花名册"
    fill_roster(old, [row(50), row(51)])
    old.sheet_state = "hidden"
    fill_roster(workbook.create_sheet("Sheet2"), [row(1), row(2), row(3)])
    secret = workbook.create_sheet("配置")
    fill_roster(secret, [row(52)])
    secret.sheet_state = "veryHidden"
    data = rewrite_zip(workbook_bytes(workbook), change={"xl/workbook.xml": _open_on_first_sheet})
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert 'activeTab="0"' in z.read("xl/workbook.xml").decode()

    code, result = run(save(tmp_path, "花名册.xlsx", data), enterprise)

    assert code == 0, result
    assert result["counts"]["created"] == 3
    assert set(Worker.objects.values_list("id_number", flat=True)) == {person(n) for n in (1, 2, 3)}
    hidden = [w["message"] for w in result["warnings"] if "隐藏" in w["message"]]
    assert len(hidden) == 1 and "花名册" in hidden[0] and "配置" in hidden[0], result["warnings"]


def test_sheet_named_like_the_template_is_read_among_visible_ones(tmp_path, enterprise):
    workbook = openpyxl.Workbook()
    workbook.active.title = "说明"
    workbook.active.append(["填表说明：身份证号列请设为文本格式。"])
    fill_roster(workbook.create_sheet("花名册"), [row(1), row(2)])
    fill_roster(workbook.create_sheet("其他"), [row(60)])
    workbook.active = 0

    code, result = run(save(tmp_path, "r.xlsx", workbook_bytes(workbook)), enterprise)

    assert code == 0, result
    assert result["counts"]["created"] == 2
    assert not Worker.objects.filter(id_number=person(60)).exists()
    ignored = [w["message"] for w in result["warnings"] if "未读取" in w["message"]]
    assert len(ignored) == 1 and "说明" in ignored[0] and "其他" in ignored[0], result["warnings"]


def test_first_visible_sheet_is_read_when_none_is_named_like_the_template(tmp_path, enterprise):
    workbook = openpyxl.Workbook()
    old = workbook.active
    old.title = "旧表"
    fill_roster(old, [row(70)])
    old.sheet_state = "hidden"
    fill_roster(workbook.create_sheet("Sheet1"), [row(1)])
    fill_roster(workbook.create_sheet("Sheet2"), [row(71)])

    code, result = run(save(tmp_path, "r.xlsx", workbook_bytes(workbook)), enterprise)

    assert code == 0, result
    assert list(Worker.objects.values_list("id_number", flat=True)) == [person(1)]
    messages = " ".join(w["message"] for w in result["warnings"])
    assert "旧表" in messages and "Sheet2" in messages


# ---------------------------------------------------------------------------------------------
# 10. Text that looks like a formula is data


FORMULA_HEADER = [*HEADER, "手机号码", "学历", "备注"]
FORMULA_ROWS = [
    row(1, FORMULA_HEADER, 姓名="=1+1", 岗位="-5", 备注="@SUM(A1)"),
    row(2, FORMULA_HEADER, 姓名="@张三", 学历="+1", 备注="+86 575 8301 2345"),
    row(3, FORMULA_HEADER, 姓名="-李四", 手机号码="+86 138 1234 5678", 备注="=cmd|' /C calc'!A0"),
    row(4, FORMULA_HEADER, 姓名="王五", 岗位='=HYPERLINK("http://x","点我")', 学历="=A1"),
]


def _assert_stored_as_text() -> None:
    workers = {w.id_number: w for w in Worker.objects.all()}
    jobs = {e.worker.id_number: e for e in Employment.objects.select_related("worker")}
    assert (workers[person(1)].name, workers[person(1)].remarks) == ("=1+1", "@SUM(A1)")
    assert jobs[person(1)].position == "-5"
    assert (workers[person(2)].name, workers[person(2)].education) == ("@张三", "+1")
    assert workers[person(2)].remarks == "+86 575 8301 2345"
    assert (workers[person(3)].name, workers[person(3)].remarks) == ("-李四", "=cmd|' /C calc'!A0")
    assert workers[person(3)].phone == "13812345678"  # a phone number, normalised, not summed
    assert jobs[person(4)].position == '=HYPERLINK("http://x","点我")'
    assert workers[person(4)].education == "=A1"


def test_formula_like_text_in_xlsx_is_stored_exactly(tmp_path, enterprise):
    data = roster_xlsx(FORMULA_ROWS, header=FORMULA_HEADER)
    cell = openpyxl.load_workbook(io.BytesIO(data))["花名册"]["A3"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")  # text in the file, not a formula

    code, result = run(save(tmp_path, "花名册.xlsx", data), enterprise)

    assert code == 0 and result["counts"]["created"] == 4, result
    _assert_stored_as_text()


def test_formula_like_text_in_csv_is_stored_exactly(tmp_path, enterprise):
    code, result = run(
        save(tmp_path, "花名册.csv", roster_csv(FORMULA_ROWS, FORMULA_HEADER)), enterprise
    )
    assert code == 0 and result["counts"]["created"] == 4, result
    _assert_stored_as_text()
