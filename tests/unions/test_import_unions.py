"""import_unions against INTERFACES.md, on real .xlsx files built in each test."""

import datetime
from functools import partial
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enterprises.models import Village
from imports.models import ImportRecord
from imports.services import dataset_import
from tests import spreadsheets
from tests.commands import run_json_command
from tests.factories import EnterpriseFactory, UserFactory, VillageFactory, make_uscc
from unions.importers import UNIONS, parse_union_kind
from unions.models import UnionCoverage, UnionOrganisation

pytestmark = pytest.mark.django_db

HEADER = ["工会名称", "类型", "覆盖企业", "成立日期", "工会主席", "所属村（社区）"]
FOUNDED = datetime.date(2021, 5, 1)


write_xlsx = partial(spreadsheets.write_xlsx, sheet="工会组织")


def run(path: Path, *args: str) -> tuple[int, dict]:
    return run_json_command("import_unions", str(path), *args)


def counts(result: dict) -> tuple[int, int, int]:
    c = result["counts"]
    return c["created"], c["updated"], c["unchanged"]


def coverage(union_name: str, *, open_only: bool = False) -> dict[str, tuple]:
    """uscc → (start, end) of a union's coverage."""
    found = UnionCoverage.objects.filter(union__name=union_name)
    if open_only:
        found = found.filter(end_date__isnull=True)
    return {c.enterprise.uscc: (c.start_date, c.end_date) for c in found}


@pytest.fixture
def register():
    """Eight enterprises of the register, make_uscc(1) … make_uscc(8), in two villages."""
    east = VillageFactory(name="城东社区（居委会）")
    hill = VillageFactory(name="鹿山村")
    return {
        n: EnterpriseFactory(uscc=make_uscc(n), village=east if n <= 4 else hill)
        for n in range(1, 9)
    }


def u(*numbers: int) -> list[str]:
    return [make_uscc(n) for n in numbers]


def good_rows() -> list[list]:
    return [
        ["甲公司工会", "单独建会", make_uscc(1), FOUNDED, "张三", "城东社区（居委会）"],
        ["城东社区联合工会", "联合工会", "、".join(u(2, 3, 4)), None, "李四", "城东社区（居委会）"],
        ["鹿山村联合工会", "联合工会", "\n".join(u(5, 6)), "2022-03-15", None, "鹿山村"],
    ]


def test_clean_file_creates_unions_and_coverage_from_founding_date(register, tmp_path):
    code, result = run(write_xlsx(tmp_path / "工会.xlsx", [HEADER, *good_rows()]))

    assert code == 0, result
    assert result["ok"] is True and result["applied"] is True and result["dry_run"] is False
    assert result["counts"] == {
        "rows": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "departed": 0,
        "skipped": 0,
        "errors": 0,
    }
    own = UnionOrganisation.objects.get(name="甲公司工会")
    assert own.kind == UnionOrganisation.Kind.SINGLE
    assert own.founded_on == FOUNDED and own.chair == "张三"
    assert own.village.name == "城东社区（居委会）"
    assert coverage("甲公司工会") == {make_uscc(1): (FOUNDED, None)}
    today = timezone.localdate()
    # No founding date: coverage starts on the day of the import.
    assert coverage("城东社区联合工会") == {code: (today, None) for code in u(2, 3, 4)}
    assert coverage("鹿山村联合工会") == {
        code: (datetime.date(2022, 3, 15), None) for code in u(5, 6)
    }
    assert UnionOrganisation.objects.get(name="鹿山村联合工会").chair == ""
    record = ImportRecord.objects.get()
    assert record.kind == UNIONS
    assert record.status == ImportRecord.Status.APPLIED


def test_codes_split_by_every_separator_in_one_cell(register, tmp_path):
    a, b, c, d, e, f = u(1, 2, 3, 4, 5, 6)
    cell = f"{a}、{b}，{c},{d}；{e}\n{f};{a} {b}\r\n"
    row = ["剡湖街道联合工会", "联合工会", cell, None, None, None]

    code, result = run(write_xlsx(tmp_path / "a.xlsx", [HEADER, row]))

    assert code == 0, result
    # The same code twice in one cell is covered once.
    assert set(coverage("剡湖街道联合工会")) == {a, b, c, d, e, f}
    assert UnionCoverage.objects.count() == 6


def test_title_rows_header_variants_and_kind_spellings(register, tmp_path):
    header = [
        " 工会组织名称 ",
        "建会方式",
        "覆盖企业统一社会信用代码",
        "建会日期",
        "主席",
        "所属村居",
    ]
    rows = [
        [
            "甲公司工会",
            "单建",
            "'" + make_uscc(1).lower(),
            "2021年5月1日",
            "张三",
            "城东社区(居委会)",
        ],
        [
            "城东联合工会",
            "联合工会（村居）",
            "、".join(u(2, 3)),
            "2021/5/1",
            None,
            "城东社区 （居委会）",
        ],
        ["开发区联合工会", "园区联合工会", make_uscc(7), 20210501, None, "鹿山村"],
    ]
    title_rows = [["剡湖街道工会组织统计表"], ["填报日期：2026年11月1日"], []]
    path = write_xlsx(tmp_path / "a.xlsx", [header, *rows], title_rows=title_rows)

    code, result = run(path)

    assert code == 0, result
    assert counts(result) == (3, 0, 0)
    kinds = dict(UnionOrganisation.objects.values_list("name", "kind"))
    assert kinds == {"甲公司工会": "single", "城东联合工会": "joint", "开发区联合工会": "joint"}
    assert set(UnionOrganisation.objects.values_list("founded_on", flat=True)) == {FOUNDED}
    # Village names with other brackets or spaces are the register's village, not new ones.
    assert Village.objects.count() == 2
    assert UnionOrganisation.objects.filter(village__name="城东社区（居委会）").count() == 2


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("单独建会", "single"),
        ("单建", "single"),
        ("独立建会", "single"),
        (" 单独建会 ", "single"),
        ("联合工会", "joint"),
        ("联合", "joint"),
        ("联合工会（村居）", "joint"),
        ("联合工会(村居)", "joint"),
        ("园区联合工会", "joint"),
        ("村居联合工会", "joint"),
    ],
)
def test_kind_spellings(text, kind):
    assert parse_union_kind(text) == kind


@pytest.mark.parametrize("text", ["基层工会", "工会", "单独联合工会", "其他"])
def test_kind_that_names_neither_or_both_is_refused_not_guessed(text):
    with pytest.raises(ValidationError) as info:
        parse_union_kind(text)
    assert "单独建会" in info.value.messages[0] and "联合工会" in info.value.messages[0]


def test_unknown_enterprise_is_a_row_error_and_nothing_is_written(register, tmp_path):
    stranger = make_uscc(99)
    rows = [
        *good_rows(),
        ["外村联合工会", "联合工会", f"{make_uscc(7)}、{stranger}", None, None, None],
    ]
    path = write_xlsx(tmp_path / "a.xlsx", [HEADER, *rows], title_rows=[["工会组织"]])

    code, result = run(path)

    assert code == 1
    assert result["ok"] is False and result["applied"] is False
    # Title row 1, header row 2, data rows from Excel row 3: the fourth data row is row 6.
    assert [(e["row"], e["column"]) for e in result["errors"]] == [(6, "覆盖企业")]
    assert stranger in result["errors"][0]["message"]
    assert "企业名录" in result["errors"][0]["message"]
    assert result["counts"]["errors"] == 1 and result["counts"]["rows"] == 4
    assert UnionOrganisation.objects.count() == 0
    assert UnionCoverage.objects.count() == 0
    assert ImportRecord.objects.get().status == ImportRecord.Status.INVALID


def test_invalid_check_character_names_the_code(register, tmp_path):
    good = make_uscc(2)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows = [["城东联合工会", "联合工会", f"{make_uscc(1)}、{bad}", None, None, None]]

    code, result = run(write_xlsx(tmp_path / "a.xlsx", [HEADER, *rows]))

    assert code == 1
    assert [(e["row"], e["column"]) for e in result["errors"]] == [(2, "覆盖企业")]
    assert bad in result["errors"][0]["message"]
    assert "校验位" in result["errors"][0]["message"]
    assert UnionOrganisation.objects.count() == 0


def test_code_stored_as_a_number_tells_to_format_as_text(register, tmp_path):
    rows = [["甲公司工会", "单独建会", 9.13306830000001e17, None, None, None]]

    code, result = run(write_xlsx(tmp_path / "a.xlsx", [HEADER, *rows]))

    assert code == 1
    assert result["errors"][0]["column"] == "覆盖企业"
    assert "文本" in result["errors"][0]["message"]


def test_every_rule_is_a_row_error_listed_together(register, tmp_path):
    rows = [
        *good_rows(),
        ["甲公司工会", "联合工会", make_uscc(7), None, None, None],  # row 5: name again
        ["乙公司工会", "单独建会", "、".join(u(7, 8)), None, None, None],  # row 6: single, two
        ["丙村联合工会", "联合工会", make_uscc(8), None, None, "丙村"],  # row 7: no such village
        ["丁公司工会", "单独建会", make_uscc(8), "2999-01-01", None, None],  # row 8: future
        ["戊联合工会", "什么工会", make_uscc(8), None, None, None],  # row 9: kind unknown
    ]

    code, result = run(write_xlsx(tmp_path / "a.xlsx", [HEADER, *rows]))

    assert code == 1
    assert [(e["row"], e["column"]) for e in result["errors"]] == [
        (5, "工会名称"),
        (6, "覆盖企业"),
        (7, "所属村（社区）"),
        (8, "成立日期"),
        (9, "类型"),
    ]
    messages = {e["row"]: e["message"] for e in result["errors"]}
    assert "第2行" in messages[5]
    assert "联合工会" in messages[6]
    assert "丙村" in messages[7] and "企业名录" in messages[7]
    assert UnionOrganisation.objects.count() == 0 and UnionCoverage.objects.count() == 0


def test_missing_required_column_is_exit_2_naming_it(register, tmp_path):
    header = ["工会名称", "类型", "成立日期"]
    path = write_xlsx(tmp_path / "a.xlsx", [header, ["甲公司工会", "单独建会", FOUNDED]])

    code, result = run(path)

    assert code == 2
    assert result["ok"] is False and result["applied"] is False
    assert [(e["row"], e["column"]) for e in result["errors"]] == [(None, "覆盖企业")]
    assert "覆盖企业" in result["errors"][0]["message"]
    assert UnionOrganisation.objects.count() == 0


def test_dry_run_reports_the_same_and_writes_nothing(register, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [HEADER, *good_rows()])

    code, dry = run(path, "--dry-run")

    assert code == 0
    assert dry["dry_run"] is True and dry["applied"] is False and dry["ok"] is True
    assert UnionOrganisation.objects.count() == 0 and UnionCoverage.objects.count() == 0
    assert ImportRecord.objects.count() == 0
    code, real = run(path)
    assert real["counts"] == dry["counts"] and real["warnings"] == dry["warnings"]

    rows = good_rows()
    rows[1][2] = "、".join(u(2, 3, 8))
    changed = write_xlsx(tmp_path / "b.xlsx", [HEADER, *rows])
    before = set(UnionCoverage.objects.values_list("pk", "end_date"))
    code, dry = run(changed, "--dry-run")
    assert code == 0 and counts(dry) == (0, 1, 2)
    assert set(UnionCoverage.objects.values_list("pk", "end_date")) == before
    assert run(changed)[1]["counts"] == dry["counts"]


def test_reimport_of_the_same_file_is_all_unchanged(register, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [HEADER, *good_rows()])
    assert run(path)[0] == 0
    before = list(UnionCoverage.objects.values_list("pk", "start_date", "end_date"))

    code, again = run(path)

    assert code == 0
    assert counts(again) == (0, 0, 3)
    assert list(UnionCoverage.objects.values_list("pk", "start_date", "end_date")) == before


def test_reimport_moves_coverage_and_keeps_the_history(register, tmp_path):
    old_start = datetime.date(2020, 1, 1)
    union = UnionOrganisation.objects.create(name="城东社区联合工会", kind="joint")
    for n in (2, 3, 4):
        UnionCoverage.objects.create(union=union, enterprise=register[n], start_date=old_start)
    rows = [["城东社区联合工会", "联合工会", "、".join(u(2, 3, 8)), None, None, None]]
    today = timezone.localdate()

    code, result = run(write_xlsx(tmp_path / "a.xlsx", [HEADER, *rows]))

    assert code == 0, result
    assert counts(result) == (0, 1, 0)
    assert coverage("城东社区联合工会") == {
        make_uscc(2): (old_start, None),
        make_uscc(3): (old_start, None),
        make_uscc(4): (old_start, today),  # no longer listed: ended today, kept
        make_uscc(8): (today, None),  # newly listed: starts today
    }
    assert UnionCoverage.objects.count() == 4
    # As of today the dropped enterprise is no longer covered, the new one is.
    active = set(UnionCoverage.objects.active_on(today).values_list("enterprise__uscc", flat=True))
    assert active == set(u(2, 3, 8))


def test_a_union_that_left_and_comes_back_gets_a_new_coverage(register, tmp_path):
    union = UnionOrganisation.objects.create(name="城东社区联合工会", kind="joint")
    UnionCoverage.objects.create(
        union=union,
        enterprise=register[2],
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2022, 1, 1),
    )
    rows = [["城东社区联合工会", "联合工会", make_uscc(2), None, None, None]]

    code, result = run(write_xlsx(tmp_path / "a.xlsx", [HEADER, *rows]))

    assert code == 0, result
    assert counts(result) == (0, 1, 0)
    starts = sorted(UnionCoverage.objects.values_list("start_date", "end_date"))
    assert starts == [
        (datetime.date(2020, 1, 1), datetime.date(2022, 1, 1)),
        (timezone.localdate(), None),
    ]


def test_changed_fields_are_listed_and_absent_columns_left_alone(register, tmp_path):
    user = UserFactory(username="staff")
    first = write_xlsx(tmp_path / "a.xlsx", [HEADER, *good_rows()])
    dataset_import(
        kind=UNIONS, user=user, filename="a.xlsx", content=first.read_bytes(), dry_run=False
    )
    assert set(UnionCoverage.objects.values_list("created_by", flat=True)) == {user.pk}

    # No 成立日期 or 所属村（社区） column: those fields stay as they are.
    header = ["工会名称", "类型", "覆盖企业", "工会主席"]
    rows = [
        ["甲公司工会", "单独建会", make_uscc(1), "王五"],
        ["城东社区联合工会", "联合工会", "、".join(u(2, 3, 4)), "李四"],
        ["鹿山村联合工会", "联合工会", make_uscc(6), ""],
    ]
    second = write_xlsx(tmp_path / "b.xlsx", [header, *rows])
    result, record = dataset_import(
        kind=UNIONS, user=user, filename="b.xlsx", content=second.read_bytes(), dry_run=False
    )

    assert result.ok and (result.counts["updated"], result.counts["unchanged"]) == (2, 1)
    assert result.details["updated"] == [
        {
            "row": 2,
            "name": "甲公司工会",
            "changes": {"工会主席": ["张三", "王五"]},
            "added": [],
            "removed": [],
        },
        {
            "row": 4,
            "name": "鹿山村联合工会",
            "changes": {"覆盖企业": ["、".join(u(5, 6)), make_uscc(6)]},
            "added": [],
            "removed": [make_uscc(5)],
        },
    ]
    own = UnionOrganisation.objects.get(name="甲公司工会")
    assert own.chair == "王五" and own.founded_on == FOUNDED
    assert own.village.name == "城东社区（居委会）"
    assert record is not None and record.uploaded_by == user


def test_kind_change_is_an_update(register, tmp_path):
    first = write_xlsx(tmp_path / "a.xlsx", [HEADER, *good_rows()])
    assert run(first)[0] == 0
    rows = good_rows()
    rows[0][1] = "联合工会"

    code, result = run(write_xlsx(tmp_path / "b.xlsx", [HEADER, *rows]))

    assert code == 0 and counts(result) == (0, 1, 2)
    assert UnionOrganisation.objects.get(name="甲公司工会").kind == "joint"


def test_name_spelled_with_other_brackets_is_the_same_union(register, tmp_path):
    UnionOrganisation.objects.create(name="城东社区联合工会（一）", kind="joint")
    rows = [["城东社区联合工会(一)", "联合工会", make_uscc(2), None, None, None]]

    code, result = run(write_xlsx(tmp_path / "a.xlsx", [HEADER, *rows]))

    assert code == 0, result
    assert counts(result) == (0, 1, 0)
    assert list(UnionOrganisation.objects.values_list("name", flat=True)) == [
        "城东社区联合工会（一）"
    ]


def test_queries_do_not_grow_with_the_rows(register, tmp_path):
    extra = [
        EnterpriseFactory(uscc=make_uscc(n), village=register[1].village) for n in range(10, 40)
    ]

    def queries(name: str, prefix: str, count: int, chair: str) -> int:
        rows = [
            [
                "%s%d" % (prefix, i),
                "联合工会",
                f"{make_uscc(1)}、{extra[i].uscc}",
                FOUNDED,
                chair,
                "鹿山村",
            ]
            for i in range(count)
        ]
        path = write_xlsx(tmp_path / name, [HEADER, *rows])
        with CaptureQueriesContext(connection) as captured:
            assert run(path)[0] == 0
        return len(captured)

    # New unions with their coverage, then every union and its coverage changed.
    assert queries("a.xlsx", "甲", 3, "张三") == queries("b.xlsx", "乙", 30, "张三")
    UnionCoverage.objects.filter(enterprise=register[1]).update(end_date=FOUNDED)
    assert queries("c.xlsx", "甲", 3, "李四") == queries("d.xlsx", "乙", 30, "李四")
