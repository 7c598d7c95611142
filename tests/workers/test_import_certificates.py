"""职业技能等级证书 imports against INTERFACES.md and DOMAIN.md: import_certificates on real .xlsx
files, and HR's upload pages (their own current workers only, no oracle)."""

import datetime
import io
from functools import partial
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.choices import SKILL_LEVEL_RANK
from imports.models import ImportRecord
from tests import spreadsheets
from tests.commands import counts, errors, run_json_command
from tests.dates import resolved, tomorrow
from tests.factories import (
    EmploymentFactory,
    EnterpriseFactory,
    ImportRecordFactory,
    SkillCertificateFactory,
    UserFactory,
    WorkerFactory,
    make_id_number,
)
from workers.models import SkillCertificate

pytestmark = pytest.mark.django_db

HEADER = ["身份证号", "姓名", "职业（工种）", "技能等级", "证书编号", "发证日期", "发证机构"]
ID_1 = make_id_number(11, datetime.date(1985, 3, 9))
ID_2 = make_id_number(12, datetime.date(1990, 7, 21), sex="F")
ID_3 = make_id_number(13, datetime.date(1979, 11, 2))  # valid, but nobody registered has it

write_xlsx = partial(spreadsheets.write_xlsx, sheet="职业技能等级证书", header=HEADER)


def run(path: Path, *args: str) -> tuple[int, dict]:
    return run_json_command("import_certificates", str(path), *args)


@pytest.fixture
def enterprise():
    return EnterpriseFactory(name="甲机械有限公司")


@pytest.fixture
def workers(enterprise):
    """Two current workers of the enterprise."""
    zhang = WorkerFactory(name="张三", id_number=ID_1)
    li = WorkerFactory(name="李四", id_number=ID_2)
    for worker in (zhang, li):
        EmploymentFactory(worker=worker, enterprise=enterprise)
    return {"zhang": zhang, "li": li}


def good(n: int = 1, **overrides: object) -> list[object]:
    values = {
        "身份证号": ID_1,
        "姓名": "张三",
        "职业（工种）": "车工",
        "技能等级": "高级工",
        "证书编号": "S3306832024%04d" % n,
        "发证日期": "2024-06-01",
        "发证机构": "嵊州市人力资源和社会保障局",
        **overrides,
    }
    return [values[name] for name in HEADER]


def test_certificates_are_created_with_their_level_rank_and_normalised_number(workers, tmp_path):
    path = write_xlsx(
        tmp_path / "c.xlsx",
        [
            good(1, 技能等级="高级工（三级）", 证书编号=" ｓ3306-832024 0001 "),
            good(2, 身份证号=ID_2, 姓名="李 四", 技能等级="四级", 发证日期="2023年5月6日"),
            good(3, 身份证号=ID_2, 姓名="李四", 技能等级="技师(二级)", 发证机构=None),
        ],
        title_rows=[["2024年职业技能等级证书登记表"]],
    )
    code, result = run(path)
    assert code == 0, result
    assert counts(result) == (3, 0, 0)
    first = SkillCertificate.objects.get(number="S3306-8320240001")
    assert (first.worker, first.level, first.level_rank) == (workers["zhang"], "senior", 4)
    assert first.level_rank == SKILL_LEVEL_RANK["senior"]
    assert first.source == "command" and first.enterprise is None
    second = SkillCertificate.objects.get(number=good(2)[4])
    assert (second.worker, second.level, second.level_rank, second.issued_on) == (
        workers["li"],
        "intermediate",
        3,
        datetime.date(2023, 5, 6),
    )
    third = SkillCertificate.objects.get(number=good(3)[4])
    assert (third.level, third.level_rank, third.issuer) == ("technician", 5, "")


def test_header_variants_are_read_as_their_canonical_columns(workers, tmp_path):
    header = ["居民身份证号", "姓名", "工种", "等级", "证书编号", "发证日期"]
    path = spreadsheets.write_xlsx(
        tmp_path / "v.xlsx",
        [[ID_1, "张三", "电工", "初级工(五级)", "E-0001", datetime.date(2022, 1, 5)]],
        sheet="职业技能等级证书",
        header=header,
    )
    code, result = run(path)
    assert code == 0, result
    certificate = SkillCertificate.objects.get()
    assert (certificate.occupation, certificate.level, certificate.number) == (
        "电工",
        "junior",
        "E-0001",
    )


@pytest.mark.parametrize(
    ("overrides", "column", "words"),
    [
        ({"身份证号": "330683850309121"}, "身份证号", "15位"),
        ({"身份证号": 3.30683198503091e17}, "身份证号", "文本"),
        ({"身份证号": ID_1[:-1] + ("0" if ID_1[-1] != "0" else "1")}, "身份证号", "校验位"),
        ({"身份证号": ID_3, "姓名": "王五"}, "身份证号", "不在职工登记"),
        ({"姓名": "张叁"}, "姓名", "不一致"),
        ({"技能等级": "学徒工"}, "技能等级", "学徒工不是"),
        ({"技能等级": None}, "技能等级", "不能为空"),
        ({"技能等级": "大师"}, "技能等级", "不能填"),
        ({"职业（工种）": None}, "职业（工种）", "不能为空"),
        ({"发证日期": tomorrow}, "发证日期", "晚于今天"),
        ({"发证日期": "2024-02-30"}, "发证日期", "不存在"),
        ({"证书编号": "证书#1"}, "证书编号", "无法识别"),
    ],
)
def test_each_bad_row_is_an_error_and_nothing_is_written(
    workers, tmp_path, overrides, column, words
):
    path = write_xlsx(
        tmp_path / "c.xlsx", [good(1, 身份证号=ID_2, 姓名="李四"), good(2, **resolved(overrides))]
    )
    code, result = run(path)
    assert code == 1, result
    assert not result["ok"] and not result["applied"]
    [(row, found_column, message)] = errors(result)
    assert (row, found_column) == (3, column)
    assert words in message
    assert not SkillCertificate.objects.exists()
    assert ImportRecord.objects.get().status == ImportRecord.Status.INVALID


def test_the_same_number_twice_is_an_error_on_the_later_row(workers, tmp_path):
    rows = [
        good(1),
        good(2, 身份证号=ID_2, 姓名="李四"),
        good(1, 证书编号=" s3306832024 0001", 身份证号=ID_2, 姓名="李四"),
    ]
    code, result = run(write_xlsx(tmp_path / "c.xlsx", rows))
    assert code == 1
    [(row, column, message)] = errors(result)
    assert (row, column) == (4, "证书编号")
    assert "第2行" in message
    assert not SkillCertificate.objects.exists()


def test_a_number_registered_to_another_person_is_an_error_on_the_number(workers, tmp_path):
    other = WorkerFactory(name="赵六")
    SkillCertificateFactory(worker=other, number="S33068320240001")
    code, result = run(write_xlsx(tmp_path / "c.xlsx", [good(2), good(1)]))
    assert code == 1
    [(row, column, message)] = errors(result)
    assert (row, column) == (3, "证书编号")
    assert "另一名职工" in message
    assert "赵六" not in message  # never who holds it
    assert SkillCertificate.objects.get().worker == other


def test_a_reimport_updates_changed_certificates_and_deletes_none(workers, tmp_path):
    run(
        write_xlsx(
            tmp_path / "a.xlsx",
            [good(1), good(2, 身份证号=ID_2, 姓名="李四"), good(3, 身份证号=ID_2, 姓名="李四")],
        )
    )
    code, result = run(
        write_xlsx(
            tmp_path / "b.xlsx",
            [
                good(1),  # unchanged
                good(2, 身份证号=ID_2, 姓名="李四", 技能等级="高级技师", 发证日期="2025-01-02"),
            ],
        )
    )
    assert code == 0, result
    assert counts(result) == (0, 1, 1)
    changed = SkillCertificate.objects.get(number=good(2)[4])
    assert (changed.level, changed.level_rank, changed.issued_on) == (
        "senior_technician",
        SKILL_LEVEL_RANK["senior_technician"],
        datetime.date(2025, 1, 2),
    )
    assert SkillCertificate.objects.count() == 3, "a certificate the file omits stays"


def test_a_file_without_the_issuer_column_keeps_the_stored_issuer(workers, tmp_path):
    SkillCertificateFactory(
        worker=workers["zhang"], number="A0001", occupation="车工", issuer="绍兴市技能鉴定中心"
    )
    header = HEADER[:-1]
    path = spreadsheets.write_xlsx(
        tmp_path / "c.xlsx",
        [[ID_1, "张三", "数控车工", "高级工", "a0001", "2024-06-01"]],
        sheet="职业技能等级证书",
        header=header,
    )
    code, result = run(path)
    assert code == 0, result
    assert counts(result) == (0, 1, 0)
    certificate = SkillCertificate.objects.get()
    assert (certificate.occupation, certificate.issuer) == ("数控车工", "绍兴市技能鉴定中心")


def test_a_dry_run_reports_what_the_real_run_does_and_writes_nothing(workers, tmp_path):
    SkillCertificateFactory(worker=workers["zhang"], number="S33068320240001", level="junior")
    rows = [good(1), good(2, 身份证号=ID_2, 姓名="李四"), [None] * len(HEADER)]
    path = write_xlsx(tmp_path / "c.xlsx", rows)
    dry_code, dry = run(path, "--dry-run")
    assert dry_code == 0 and dry["dry_run"] and not dry["applied"]
    assert SkillCertificate.objects.get().level == "junior"
    assert not ImportRecord.objects.exists()
    code, real = run(path)
    assert code == 0 and real["applied"] and not real["dry_run"]
    assert dry["counts"] == real["counts"]
    assert counts(real) == (1, 1, 0)
    assert dry["errors"] == real["errors"] and dry["warnings"] == real["warnings"]


def test_json_output_has_the_promised_shape(workers, tmp_path):
    code, result = run(write_xlsx(tmp_path / "c.xlsx", [good(1)]))
    assert code == 0
    assert set(result) == {"ok", "applied", "dry_run", "counts", "errors", "warnings"}
    assert result["counts"] == {
        "rows": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "departed": 0,
        "skipped": 0,
        "errors": 0,
    }


def test_a_missing_required_column_refuses_the_file(workers, tmp_path):
    path = spreadsheets.write_xlsx(
        tmp_path / "c.xlsx",
        [[ID_1, "张三", "车工", "高级工", "2024-06-01"]],
        sheet="职业技能等级证书",
        header=["身份证号", "姓名", "职业（工种）", "技能等级", "发证日期"],
    )
    code, result = run(path)
    assert code == 2
    assert not result["ok"] and not result["applied"]
    assert [(e["row"], e["column"]) for e in result["errors"]] == [(None, "证书编号")]
    assert "证书编号" in result["errors"][0]["message"]
    assert not SkillCertificate.objects.exists()


def test_a_file_with_no_data_rows_is_refused(workers, tmp_path):
    code, result = run(write_xlsx(tmp_path / "c.xlsx", []))
    assert code == 2
    assert result["errors"][0]["row"] is None
    assert "没有数据行" in result["errors"][0]["message"]


def test_the_template_has_text_columns_and_the_certificate_levels(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("workers:certificates_template"))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["职业技能等级证书"]
    assert [c.value for c in sheet[2]] == HEADER
    assert sheet.column_dimensions["A"].number_format == "@"
    assert sheet.column_dimensions["E"].number_format == "@"
    [validation] = sheet.data_validations.dataValidation
    assert "D3" in str(validation.sqref)
    assert "高级工(三级)" in validation.formula1 and "学徒工" not in validation.formula1


def test_the_filled_in_template_imports(workers, tmp_path, client, staff_user):
    client.force_login(staff_user)
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("workers:certificates_template")).content)
    )
    sheet = book["职业技能等级证书"]
    for column, value in enumerate(good(1), start=1):
        sheet.cell(row=3, column=column, value=value)
    path = tmp_path / "filled.xlsx"
    book.save(path)
    code, result = run(path)
    assert code == 0, result
    assert SkillCertificate.objects.get().worker == workers["zhang"]


# --- HR's pages ---------------------------------------------------------------------------


@pytest.fixture
def own(enterprise, hr_user):
    enterprise.hr_users.add(hr_user)
    return enterprise


def upload(client, enterprise, path: Path):
    with path.open("rb") as handle:
        return client.post(
            reverse("workers:certificates_enterprise", args=[enterprise.pk]),
            {"file": SimpleUploadedFile(path.name, handle.read())},
        )


def test_hr_upload_previews_then_applies_on_confirmation(client, hr_user, own, workers, tmp_path):
    SkillCertificateFactory(worker=workers["li"], number="S33068320240002", level="junior")
    client.force_login(hr_user)
    response = upload(
        client,
        own,
        write_xlsx(tmp_path / "z.xlsx", [good(1), good(2, 身份证号=ID_2, 姓名="李四")]),
    )
    record = ImportRecord.objects.get(kind="certificates")
    assert response.url == reverse("workers:certificates_upload", args=[record.pk])
    assert record.status == ImportRecord.Status.VALIDATED and record.enterprise == own
    assert (record.counts["created"], record.counts["updated"]) == (1, 1)
    assert SkillCertificate.objects.count() == 1, "a preview writes nothing"
    page = client.get(response.url).content.decode()
    assert "确认导入" in page and "S33068320240002" in page and "高级工(三级)" in page

    client.post(reverse("workers:certificates_upload_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.APPLIED and record.applied_by == hr_user
    created = SkillCertificate.objects.get(number="S33068320240001")
    assert (created.source, created.enterprise) == ("upload", own)
    assert SkillCertificate.objects.get(number="S33068320240002").level == "senior"

    listing = client.get(reverse("workers:certificates_enterprise", args=[own.pk]))
    body = listing.content.decode()
    assert "S33068320240001" in body and "张三" in body and "z.xlsx" in body


def test_hr_may_name_only_their_current_workers_and_learn_nothing_else(
    client, hr_user, own, workers, tmp_path
):
    elsewhere = EnterpriseFactory(name="乙纺织有限公司")
    theirs = WorkerFactory(name="王五", id_number=ID_3)
    EmploymentFactory(worker=theirs, enterprise=elsewhere)
    departed = WorkerFactory(name="钱七")
    EmploymentFactory(
        worker=departed,
        enterprise=own,
        hire_date=datetime.date(2020, 1, 1),
        departure_date=datetime.date(2025, 1, 1),
    )
    SkillCertificateFactory(worker=theirs, number="S33068320240009")
    unknown = make_id_number(99, datetime.date(1992, 2, 2))
    client.force_login(hr_user)
    upload(
        client,
        own,
        write_xlsx(
            tmp_path / "c.xlsx",
            [
                good(1, 身份证号=ID_3, 姓名="王五"),  # another enterprise's worker
                good(2, 身份证号=unknown, 姓名="孙八"),  # nobody in the register
                good(3, 身份证号=departed.id_number, 姓名="钱七"),  # left this enterprise
                good(9),  # the number another enterprise's worker holds
            ],
        ),
    )
    record = ImportRecord.objects.get(kind="certificates")
    assert record.status == ImportRecord.Status.INVALID
    by_row = {e["row"]: e for e in record.errors}
    assert {(e["row"], e["column"]) for e in record.errors} == {
        (2, "身份证号"),
        (3, "身份证号"),
        (4, "身份证号"),
        (5, "证书编号"),
    }
    # The same words whether the person works elsewhere, left or does not exist: no oracle.
    assert by_row[2]["message"] == by_row[3]["message"] == by_row[4]["message"]
    text = " ".join(e["message"] for e in record.errors)
    assert "乙纺织" not in text and "王五" not in text
    assert SkillCertificate.objects.count() == 1
    # The file comes back with each row's error beside it, to fix in Excel.
    response = client.get(reverse("workers:certificates_upload_annotated", args=[record.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    explain = [c.value for c in sheet[1]].index("错误说明") + 1
    assert sheet.cell(row=5, column=explain).value.startswith("【证书编号】")


def test_the_page_lists_the_certificates_of_current_workers_only(client, hr_user, own, workers):
    departed = WorkerFactory(name="钱七")
    EmploymentFactory(
        worker=departed,
        enterprise=own,
        hire_date=datetime.date(2020, 1, 1),
        departure_date=datetime.date(2025, 1, 1),
    )
    SkillCertificateFactory(worker=workers["zhang"], number="KEEP0001")
    SkillCertificateFactory(worker=departed, number="GONE0001")
    elsewhere = EmploymentFactory(enterprise=EnterpriseFactory()).worker
    SkillCertificateFactory(worker=elsewhere, number="ELSE0001")
    client.force_login(hr_user)
    body = client.get(reverse("workers:certificates_enterprise", args=[own.pk])).content.decode()
    assert "KEEP0001" in body
    assert "GONE0001" not in body and "ELSE0001" not in body


def test_hr_land_on_their_enterprise_and_staff_pick_one(client, hr_user, staff_user, own):
    client.force_login(hr_user)
    response = client.get(reverse("workers:certificates_home"))
    assert response.url == reverse("workers:certificates_enterprise", args=[own.pk])
    client.force_login(staff_user)
    page = client.get(reverse("workers:certificates_home"), {"q": "甲机械"})
    assert page.status_code == 200 and "甲机械有限公司" in page.content.decode()


def test_hr_of_another_enterprise_gets_404_on_every_page(client, roles, own, hr_user):
    from django.contrib.auth.models import Group

    from core.roles import Role

    hr_b = UserFactory(username="hr-b")
    hr_b.groups.add(Group.objects.get(name=Role.HR))
    EnterpriseFactory(name="乙企业").hr_users.add(hr_b)
    validated = ImportRecordFactory(
        enterprise=own,
        uploaded_by=hr_user,
        kind="certificates",
        status=ImportRecord.Status.VALIDATED,
    )
    invalid = ImportRecordFactory(
        enterprise=own,
        uploaded_by=hr_user,
        kind="certificates",
        status=ImportRecord.Status.INVALID,
        errors=[{"row": 3, "column": "证书编号", "message": "错误"}],
    )
    client.force_login(hr_b)
    for url in (
        reverse("workers:certificates_enterprise", args=[own.pk]),
        reverse("workers:certificates_upload", args=[validated.pk]),
        reverse("workers:certificates_upload_progress", args=[validated.pk]),
        reverse("workers:certificates_upload_original", args=[validated.pk]),
        reverse("workers:certificates_upload_annotated", args=[invalid.pk]),
        reverse("imports:template", args=["certificates", own.pk]),
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        reverse("workers:certificates_upload_confirm", args=[validated.pk]),
        reverse("workers:certificates_upload_retry", args=[validated.pk]),
    ):
        assert client.post(url).status_code == 404, url
    assert (
        client.post(
            reverse("workers:certificates_enterprise", args=[own.pk]),
            {"file": SimpleUploadedFile("c.xlsx", b"x")},
        ).status_code
        == 404
    )
    validated.refresh_from_db()
    assert validated.status == ImportRecord.Status.VALIDATED
    assert not ImportRecord.objects.filter(uploaded_by=hr_b).exists()
