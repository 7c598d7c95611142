"""A cell longer than Excel's own limit (32,767 characters) makes a file unusable (issue 12).

One such cell can be hundreds of megabytes that compress to a few (a 15 MB upload once took the
web process from 124 to 877 MB). The pre-scans count a cell's characters as the text streams
past and stop at the limit, before calamine or Python holds any of it; the annotated file of an
upload is built once and then streamed from storage.
"""

import io
import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports import services
from imports.models import ImportRecord
from imports.reading import UnusableFile, read_sheet
from imports.reading.limits import MAX_CELL_CHARS
from tests.factories import EmploymentFactory, EnterpriseFactory
from tests.imports.test_reading import build_ods, build_xls, build_xlsx, sheet_xml
from tests.spreadsheets import long_cell_xlsx
from tests.workers.test_import_roster import HEADER, person, row, write_xlsx
from workers.models import Employment, Worker

LIMIT = MAX_CELL_CHARS
MESSAGE = "32,767"
BIG = 250_000_000  # the reported file: one 250 MB cell, a 7 MB upload


def outcome(data: bytes, name: str = "a.xlsx") -> str:
    """ "ok N" with the longest cell read, or the refusal."""
    try:
        sheet = read_sheet(data, filename=name, preferred_sheet="花名册")
    except UnusableFile as exc:
        return exc.message
    return "ok %d" % max(len(str(v)) for _, cells in sheet.rows for v in cells)


def xlsx_cell(cell: str) -> bytes:
    return build_xlsx([("花名册", sheet_xml('<row r="1">%s</row>' % cell))])


def xlsx_shared(item: str) -> bytes:
    rows = sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    return build_xlsx([("花名册", rows)], shared_xml="<sst><si>%s</si></sst>" % item)


def ods_cell(cell: str) -> bytes:
    return build_ods(
        '<table:table table:name="花名册"><table:table-row>%s</table:table-row></table:table>'
        % cell
    )


def _text(n: int) -> str:
    return "甲" * (n // 2) + "A" * (n - n // 2)  # three bytes and one byte a character


KINDS = {
    "xlsx shared string": lambda n: xlsx_shared("<t>%s</t>" % _text(n)),
    "xlsx rich shared string": lambda n: xlsx_shared(
        "<r><t>%s</t></r><r><t>%s</t></r>" % (_text(n // 2), _text(n - n // 2))
    ),
    "xlsx inline string": lambda n: xlsx_cell(
        '<c r="A1" t="inlineStr"><is><t>%s</t></is></c>' % _text(n)
    ),
    "xlsx rich inline string": lambda n: xlsx_cell(
        '<c r="A1" t="inlineStr"><is><r><t>%s</t></r><r><t>%s</t></r></is></c>'
        % (_text(n // 2), _text(n - n // 2))
    ),
    "xlsx formula text": lambda n: xlsx_cell('<c r="A1" t="str"><v>%s</v></c>' % _text(n)),
    "xlsx text split by markup": lambda n: xlsx_cell(
        '<c r="A1" t="str"><v>%s<x/>%s</v></c>' % (_text(n // 2), _text(n - n // 2))
    ),
    "ods text": lambda n: ods_cell(
        '<table:table-cell office:value-type="string"><text:p>%s</text:p></table:table-cell>'
        % _text(n)
    ),
    "ods spaces": lambda n: ods_cell(
        '<table:table-cell office:value-type="string"><text:p>a<text:s text:c="%d"/></text:p>'
        "</table:table-cell>" % (n - 1)
    ),
    "ods attribute": lambda n: ods_cell(
        '<table:table-cell office:value-type="string" office:string-value="%s"/>' % _text(n)
    ),
    "xls shared string": lambda n: build_xls(
        [("花名册", 0, [(0, 0, ("sst", 0))])], shared=[_text(n)]
    ),
}


@pytest.mark.parametrize("kind", KINDS)
def test_a_cell_at_the_limit_is_read_and_one_character_more_is_refused(kind):
    name = "a.ods" if kind.startswith("ods") else "a.xls" if kind.startswith("xls ") else "a.xlsx"
    assert outcome(KINDS[kind](LIMIT), name) == "ok %d" % LIMIT
    assert MESSAGE in outcome(KINDS[kind](LIMIT + 1), name)


def test_csv_field_over_the_limit_is_refused():
    assert outcome(("姓名,备注\n张三,%s\n" % _text(LIMIT)).encode(), "a.csv") == "ok %d" % LIMIT
    assert MESSAGE in outcome(("姓名,备注\n张三,%s\n" % _text(LIMIT + 1)).encode(), "a.csv")
    # Past the csv module's own field limit too: the same message, not "unreadable".
    assert MESSAGE in outcome(("姓名,备注\n张三,%s\n" % ("A" * 200_000)).encode(), "a.csv")


def test_huge_xml_token_is_refused_without_being_buffered():
    # A tag of 6 MB (random, so no zip-bomb check stops it): expat would hold it whole.
    noise = os.urandom(3_000_000).hex()
    sheet = sheet_xml('<row r="1"><c r="A1" foo="%s"><v>1</v></c></row>' % noise)
    assert "无法读取" in outcome(build_xlsx([("花名册", sheet)]))


@pytest.fixture(scope="module")
def huge_file(tmp_path_factory) -> Path:
    """The reported file: a roster header and one 250-million-character shared string."""
    path = tmp_path_factory.mktemp("huge") / "花名册.xlsx"
    return long_cell_xlsx(path, BIG, header=HEADER[:5], sheet="花名册")


_MEASURE = """
import json, resource, sys, django
django.setup()
from enterprises.models import Enterprise
from imports.engine import run_import
from workers.importers import RosterImporter
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with open(sys.argv[1], "rb") as handle:
    content = handle.read()
result = run_import(
    RosterImporter(enterprise=Enterprise(name="x")), content, filename="a.xlsx", dry_run=True
)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"growth_kb": peak - base, "result": result.as_dict(), "exit": result.exit_code}))
"""


def test_the_250_mb_cell_is_refused_in_a_bounded_process(huge_file):
    """The whole read path in a process of its own, so that Rust's allocations count too."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(huge_file)],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["exit"] == 2
    assert MESSAGE in report["result"]["errors"][0]["message"]
    # Before the pre-scan counted characters this grew by about 1 GB.
    assert report["growth_kb"] < 300 * 1024, report["growth_kb"]


@pytest.mark.django_db
def test_the_250_mb_cell_uploaded_through_the_web_page_changes_nothing(
    client, hr_user, huge_file, settings
):
    settings.IMPORT_ASYNC_FROM_BYTES = 1 << 30  # checked in the request, as a small file is
    enterprise = EnterpriseFactory()
    enterprise.hr_users.add(hr_user)
    EmploymentFactory(enterprise=enterprise)
    before = (list(Worker.objects.values()), list(Employment.objects.values()))
    client.force_login(hr_user)
    content = huge_file.read_bytes()

    tracemalloc.start()
    try:
        response = client.post(
            reverse("workers:roster_enterprise", args=[enterprise.pk]),
            {"file": SimpleUploadedFile("花名册.xlsx", content)},
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    record = ImportRecord.objects.get()
    assert response.status_code == 302
    assert record.status == ImportRecord.Status.REFUSED
    assert MESSAGE in record.errors[0]["message"] and record.errors[0]["row"] is None
    page = client.get(response.url).content.decode()
    assert "32,767" in page and "确认导入" not in page
    assert (list(Worker.objects.values()), list(Employment.objects.values())) == before
    # The upload itself (7 MB) is copied a few times; the 250 MB cell never is.
    assert peak < 100 * 1024 * 1024, peak


@pytest.mark.django_db
def test_annotated_file_is_built_once_and_streamed(client, hr_user, tmp_path, monkeypatch):
    enterprise = EnterpriseFactory()
    enterprise.hr_users.add(hr_user)
    client.force_login(hr_user)
    bad = row(2, 身份证号="330683198503091234")
    path = write_xlsx(tmp_path / "bad.xlsx", [row(1), bad])
    client.post(
        reverse("workers:roster_enterprise", args=[enterprise.pk]),
        {"file": SimpleUploadedFile("bad.xlsx", path.read_bytes())},
    )
    record = ImportRecord.objects.get()
    assert record.status == ImportRecord.Status.INVALID
    builds = []
    real = services.annotated_workbook_write

    def counting(*args, **kwargs):
        builds.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "annotated_workbook_write", counting)
    url = reverse("workers:roster_upload_annotated", args=[record.pk])

    first, second = client.get(url), client.get(url)

    assert len(builds) == 1
    assert first.streaming and second.streaming
    assert "attachment" in first["Content-Disposition"]
    assert first["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(first.streaming_content)
    assert content == b"".join(second.streaming_content)
    assert int(first["Content-Length"]) == len(content)
    sheet = openpyxl.load_workbook(io.BytesIO(content))["花名册"]
    notes = [c.value for c in sheet[4] if c.value and str(c.value).startswith("【身份证号】")]
    assert notes, [c.value for c in sheet[4]]
    assert record.file.storage.exists(services.annotated_name(record))
    assert person(1) in [c.value for c in sheet[3]]


@pytest.mark.django_db
def test_annotated_file_goes_with_the_original(client, hr_user, tmp_path):
    """Once the original is deleted (retention), the annotated copy is gone too: 404."""
    enterprise = EnterpriseFactory()
    enterprise.hr_users.add(hr_user)
    client.force_login(hr_user)
    path = write_xlsx(tmp_path / "bad.xlsx", [row(1, 身份证号="330683198503091234")])
    client.post(
        reverse("workers:roster_enterprise", args=[enterprise.pk]),
        {"file": SimpleUploadedFile("bad.xlsx", path.read_bytes())},
    )
    record = ImportRecord.objects.get()
    url = reverse("workers:roster_upload_annotated", args=[record.pk])
    assert client.get(url).status_code == 200
    storage, name = record.file.storage, services.annotated_name(record)
    assert storage.exists(name)

    record.file.delete(save=False)
    ImportRecord.objects.filter(pk=record.pk).update(file="")

    assert client.get(url).status_code == 404
    assert not storage.exists(name)
