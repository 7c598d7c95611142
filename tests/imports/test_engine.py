"""The import engine on its own, with a small data set that records what it would apply."""

from functools import partial

import pytest

from imports import engine
from imports.cells import parse_text, parse_yes_no
from imports.engine import Column, DataSet, Importer, ImportRefused, Plan, run_import
from tests.spreadsheets import fill_sheet, workbook_bytes, xlsx_workbook

# Real runs apply inside a database transaction.
pytestmark = pytest.mark.django_db

DATASET = DataSet(
    name="测试数据",
    sheet_name="测试",
    columns=(
        Column("编号", partial(parse_text, max_length=10, label="编号"), required=True),
        Column(
            "名称",
            partial(parse_text, max_length=20, label="名称"),
            required=True,
            variants=("名字",),
        ),
        Column("是否有效", parse_yes_no),
    ),
)


class RecordingImporter(Importer):
    dataset = DATASET

    def __init__(self, refuse: str | None = None):
        self.applied: list = []
        self.refuse = refuse

    def plan(self, rows, report):
        if self.refuse:
            raise ImportRefused(self.refuse)
        return Plan(counts={"created": len(rows)}, data={"rows": rows})

    def apply(self, plan):
        self.applied.extend(r.values for r in plan.data["rows"])


def xlsx(rows, *, name="测试", extra_sheets=()):
    """`rows` on sheet `name`; each (title, state) of `extra_sheets` adds a sheet in that state
    holding a row the import must never read."""
    workbook = xlsx_workbook(rows, sheet=name)
    for title, state in extra_sheets:
        other = fill_sheet(workbook.create_sheet(title), [["编号", "名称"], ["X", "不应读取"]])
        other.sheet_state = state
    return workbook_bytes(workbook)


def run(content, importer=None, dry_run=False):
    importer = importer or RecordingImporter()
    return importer, run_import(importer, content, filename="data.xlsx", dry_run=dry_run)


def test_dry_run_plans_but_never_applies():
    importer, result = run(xlsx([["编号", "名字"], ["1", "甲"]]), dry_run=True)
    assert result.ok and not result.applied and result.exit_code == 0
    assert result.counts["created"] == 1
    assert importer.applied == []


def test_columns_absent_from_the_file_are_known_to_the_importer():
    importer, result = run(xlsx([["编号", "名称"], ["1", "甲"]]))
    assert result.ok
    assert importer.columns_present == frozenset({"编号", "名称"})
    assert importer.applied == [{"编号": "1", "名称": "甲"}]


def test_every_error_is_listed_and_nothing_applied():
    rows = [
        ["编号", "名称", "是否有效"],
        ["1", None, "是"],
        [None, "乙", "可能"],
        ["3", "丙", "否"],
    ]
    importer, result = run(xlsx(rows))
    assert result.exit_code == 1 and not result.applied
    assert [(e.row, e.column) for e in result.errors] == [(2, "名称"), (3, "编号"), (3, "是否有效")]
    assert importer.applied == []


def test_repeated_header_rows_are_skipped():
    rows = [["编号", "名称"], ["1", "甲"], ["编号", "名称"], ["2", "乙"]]
    importer, result = run(xlsx(rows))
    assert result.ok and result.counts["skipped"] == 1 and result.counts["rows"] == 3
    assert [v["编号"] for v in importer.applied] == ["1", "2"]


def test_a_column_given_twice_is_refused():
    _, result = run(xlsx([["编号", "名称", "名字"], ["1", "甲", "乙"]]))
    assert result.exit_code == 2
    assert result.errors[0].column == "名称"


def test_no_recognisable_header_is_refused():
    _, result = run(xlsx([["a", "b"], ["1", "2"]]))
    assert result.exit_code == 2 and result.errors[0].row is None
    assert "表头" in result.errors[0].message


def test_hidden_sheets_are_never_read_and_the_user_is_told():
    content = xlsx([["编号", "名称"], ["1", "甲"]], name="其他", extra_sheets=[("测试", "hidden")])
    importer, result = run(content)
    assert result.ok and result.sheet_name == "其他"
    assert importer.applied == [{"编号": "1", "名称": "甲"}]
    assert any("隐藏" in w.message for w in result.warnings)


def test_refusal_from_the_plan_is_exit_2():
    importer = RecordingImporter(refuse="规则不允许")
    _, result = run(xlsx([["编号", "名称"], ["1", "甲"]]), importer)
    assert result.exit_code == 2 and result.errors[0].message == "规则不允许"
    assert importer.applied == []


def test_more_data_rows_than_the_limit_are_refused(monkeypatch):
    monkeypatch.setattr(engine, "MAX_DATA_ROWS", 3)
    rows = [["编号", "名称"]] + [[str(i), "名"] for i in range(4)]
    importer, result = run(xlsx(rows))
    assert result.exit_code == 2 and importer.applied == []
    assert "上限" in result.errors[0].message


def test_formula_like_text_is_data():
    rows = [["编号", "名称"], ["1", "=1+1"], ["2", "@SUM(A1)"]]
    content = xlsx(rows)
    importer, result = run(content)
    assert result.ok
    assert [v["名称"] for v in importer.applied] == ["=1+1", "@SUM(A1)"]


@pytest.mark.parametrize("junk", [b"", b"\x00\x01\x02" * 100, b"PK\x03\x04garbage"])
def test_unusable_bytes_are_exit_2_never_an_exception(junk):
    _, result = run(junk)
    assert result.exit_code == 2 and result.errors and result.errors[0].row is None


class CollectorWatchingImporter(RecordingImporter):
    """Notes whether the cyclic collector runs while it plans, and can fail in apply."""

    def __init__(self, fail: bool = False):
        super().__init__()
        self.fail = fail
        self.collector_on_in_plan: bool | None = None

    def plan(self, rows, report):
        import gc

        self.collector_on_in_plan = gc.isenabled()
        return super().plan(rows, report)

    def apply(self, plan):
        if self.fail:
            raise RuntimeError("数据库断开")
        super().apply(plan)


def test_the_collector_is_paused_for_a_run_and_back_afterwards_even_after_a_failure():
    import gc

    assert gc.isenabled()
    content = xlsx([["编号", "名称"], ["1", "甲"]])
    importer, result = run(content, CollectorWatchingImporter())
    assert result.applied and importer.collector_on_in_plan is False
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        run(content, CollectorWatchingImporter(fail=True))
    assert gc.isenabled()
    # A run inside a caller that paused it already leaves it paused for that caller.
    gc.disable()
    try:
        run(content, CollectorWatchingImporter())
        assert not gc.isenabled()
    finally:
        gc.enable()
