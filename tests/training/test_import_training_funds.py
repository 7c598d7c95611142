"""import_training_funds against INTERFACES.md and DOMAIN.md, on real .xlsx files."""

from decimal import Decimal
from functools import partial
from pathlib import Path

import pytest

from imports.models import ImportRecord
from tests import spreadsheets
from tests.commands import errors, run_json_command
from tests.factories import EnterpriseFactory, make_uscc
from training.models import FundDeclaration, FundDeclarationVersion

pytestmark = pytest.mark.django_db

HEADER = [
    "统一社会信用代码",
    "年度",
    "职工工资总额",
    "教育培训经费提取额",
    "教育培训经费使用额",
    "其中一线职工使用额",
]


write_xlsx = partial(spreadsheets.write_xlsx, sheet="教育培训经费", header=HEADER)


def run(path: Path, *args: str) -> tuple[int, dict]:
    return run_json_command("import_training_funds", str(path), *args)


@pytest.fixture
def register():
    return {n: EnterpriseFactory(uscc=make_uscc(n)) for n in range(1, 4)}


def test_amounts_as_numbers_or_text_with_commas_and_yen(register, tmp_path):
    path = write_xlsx(
        tmp_path / "f.xlsx",
        [
            [make_uscc(1), 2025, "1,234,567.89", "¥98,765.44", "￥50000", "30,000.00元"],
            [make_uscc(2), "2025年", 1000000, 80000, 0, 0],
            [make_uscc(3), "２０２５", " 2,000,000 ", "'160000", "1000.5", "600.3"],
        ],
        title_rows=[["某某街道2025年度教育培训经费申报表"]],
    )
    code, result = run(path)
    assert code == 0, result
    assert result["counts"]["created"] == 3
    first = FundDeclaration.objects.get(enterprise=register[1], year=2025)
    assert (first.payroll, first.extracted, first.spent, first.frontline_spent) == (
        Decimal("1234567.89"),
        Decimal("98765.44"),
        Decimal("50000"),
        Decimal("30000"),
    )
    assert FundDeclaration.objects.get(enterprise=register[3]).frontline_spent == Decimal("600.30")
    assert FundDeclarationVersion.objects.count() == 3


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ([make_uscc(1), 2025, "-100", 0, 0, 0], "职工工资总额", "负数"),
        ([make_uscc(1), 2025, 1000, "(80.00)", 0, 0], "教育培训经费提取额", "负数"),
        ([make_uscc(1), 2025, 1000, 80, 100, 100.01], "其中一线职工使用额", "大于"),
        ([make_uscc(99), 2025, 1000, 80, 0, 0], "统一社会信用代码", "不在企业名录"),
        ([make_uscc(1), 2025, "一百万", 80, 0, 0], "职工工资总额", "不是金额"),
        ([make_uscc(1), 2025, 1000.001, 80, 0, 0], "职工工资总额", "两位小数"),
        ([make_uscc(1), 1999, 1000, 80, 0, 0], "年度", "2000"),
        ([make_uscc(1), 2999, 1000, 80, 0, 0], "年度", "2999"),
        ([make_uscc(1), "去年", 1000, 80, 0, 0], "年度", "四位年份"),
    ],
)
def test_each_bad_row_is_an_error_and_nothing_is_written(register, tmp_path, row, column, words):
    good = [make_uscc(2), 2025, 1000, 80, 0, 0]
    code, result = run(write_xlsx(tmp_path / "f.xlsx", [good, row]))
    assert code == 1, result
    assert not result["applied"]
    [(line, found_column, message)] = errors(result)
    assert (line, found_column) == (3, column)
    assert words in message
    assert not FundDeclaration.objects.exists()


def test_the_same_enterprise_and_year_twice_is_an_error_on_the_second_row(register, tmp_path):
    rows = [
        [make_uscc(1), 2025, 1000, 80, 0, 0],
        [make_uscc(1), 2024, 1000, 80, 0, 0],
        [make_uscc(1), "2025年度", 2000, 160, 0, 0],
    ]
    code, result = run(write_xlsx(tmp_path / "f.xlsx", rows))
    assert code == 1
    assert [(e[0], e[1]) for e in errors(result)] == [(4, "年度")]
    assert "第2行" in errors(result)[0][2]
    assert not FundDeclaration.objects.exists()


def test_a_resubmission_keeps_the_earlier_version_and_unchanged_rows_stay(register, tmp_path):
    run(
        write_xlsx(
            tmp_path / "a.xlsx",
            [[make_uscc(1), 2025, 1000, 80, 10, 6], [make_uscc(2), 2025, 1000, 80, 0, 0]],
        )
    )
    code, result = run(
        write_xlsx(
            tmp_path / "b.xlsx",
            [[make_uscc(1), 2025, 1000, 90, 10, 6], [make_uscc(2), 2025, 1000, 80, 0, 0]],
        )
    )
    assert code == 0
    c = result["counts"]
    assert (c["created"], c["updated"], c["unchanged"]) == (0, 1, 1)
    declaration = FundDeclaration.objects.get(enterprise=register[1])
    assert declaration.extracted == Decimal("90") and declaration.version == 2
    assert list(declaration.versions.order_by("version").values_list("version", "extracted")) == [
        (1, Decimal("80.00")),
        (2, Decimal("90.00")),
    ]
    assert FundDeclaration.objects.get(enterprise=register[2]).versions.count() == 1


def test_dry_run_reports_the_same_counts_and_writes_nothing(register, tmp_path):
    path = write_xlsx(tmp_path / "f.xlsx", [[make_uscc(1), 2025, 1000, 80, 0, 0]])
    code, result = run(path, "--dry-run")
    assert code == 0 and result["dry_run"] and not result["applied"]
    assert result["counts"]["created"] == 1
    assert not FundDeclaration.objects.exists()
    assert not ImportRecord.objects.exists()


def test_a_missing_required_column_refuses_the_file(register, tmp_path):
    path = spreadsheets.write_xlsx(
        tmp_path / "f.xlsx", [[make_uscc(1), 2025, 1000, 80, 0]], header=HEADER[:-1]
    )
    code, result = run(path)
    assert code == 2
    assert any("其中一线职工使用额" in e["message"] for e in result["errors"])
    assert not FundDeclaration.objects.exists()
