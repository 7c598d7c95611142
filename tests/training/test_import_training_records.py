"""import_training_records and HR's upload service against INTERFACES.md and DOMAIN.md, on real
.xlsx files: every row error the contract lists, keys, re-import, dry run, all-or-nothing."""

import datetime
from decimal import Decimal
from functools import partial
from pathlib import Path

import pytest
from django.utils import timezone

from imports.engine import COUNT_KEYS
from imports.models import ImportRecord
from imports.services import dataset_import, upload_apply, upload_preview
from tests import spreadsheets
from tests.commands import errors, run_json_command
from tests.dates import resolved, tomorrow
from tests.factories import (
    EmploymentFactory,
    EnterpriseFactory,
    TrainingInstituteFactory,
    WorkerFactory,
    make_id_number,
)
from training.models import Course, TrainingMode, TrainingRecord
from training.record_importer import TRAINING_RECORDS

pytestmark = pytest.mark.django_db

HEADER = [
    "身份证号",
    "姓名",
    "培训项目",
    "开始日期",
    "结束日期",
    "学时",
    "培训方式",
    "培训机构",
    "是否结业",
]
BIRTH = datetime.date(1985, 3, 9)
START = "2026-03-02"

write_xlsx = partial(spreadsheets.write_xlsx, sheet="培训记录", header=HEADER)


def person(n: int) -> str:
    return make_id_number(n, BIRTH)


def row(n: int, **overrides) -> list:
    """A good row for register worker n (tests' `people` fixture names them 职工n)."""
    values = {
        "身份证号": person(n),
        "姓名": "职工%d" % n,
        "培训项目": "数控车床操作培训",
        "开始日期": START,
        "结束日期": "2026-03-06",
        "学时": 16,
        "培训方式": "线下",
        "培训机构": "嵊州市职工培训学院",
        "是否结业": "是",
        **overrides,
    }
    return [values[h] for h in HEADER]


def run(path: Path, *args: str) -> tuple[int, dict]:
    return run_json_command("import_training_records", str(path), *args)


@pytest.fixture
def firms():
    return {"A": EnterpriseFactory(name="甲公司"), "B": EnterpriseFactory(name="乙公司")}


@pytest.fixture
def people(firms):
    """Workers 1–3 at 甲公司, 4 at 乙公司, 5 at both (two jobs)."""
    workers = {n: WorkerFactory(id_number=person(n), name="职工%d" % n) for n in range(1, 6)}
    for n in (1, 2, 3, 5):
        EmploymentFactory(worker=workers[n], enterprise=firms["A"])
    for n in (4, 5):
        EmploymentFactory(worker=workers[n], enterprise=firms["B"])
    return workers


def upload(enterprise, path: Path, *, dry_run: bool = False, user=None) -> dict:
    """HR's upload of one file for their enterprise, in one step (the service behind the page)."""
    result, _record = dataset_import(
        kind=TRAINING_RECORDS,
        user=user,
        filename=path.name,
        content=path.read_bytes(),
        dry_run=dry_run,
        enterprise=enterprise,
        source="web",
    )
    return result.as_dict()


def test_a_file_creates_courses_and_records_with_every_field(people, tmp_path):
    institute = TrainingInstituteFactory(name="嵊州市职工培训学院")
    rows = [
        row(1),
        row(2, 学时="7.5", 是否结业="否"),
        row(
            3,
            培训项目="安全生产培训",
            开始日期="2026/5/8",
            结束日期=None,
            学时=4,
            培训方式=None,
            培训机构="剡湖街道社区学校",
        ),
        row(1, 培训项目="网络安全讲座", 培训方式="线上线下", 学时="2学时", 培训机构=None),
    ]
    code, result = run(write_xlsx(tmp_path / "r.xlsx", rows))
    assert code == 0, result
    c = result["counts"]
    assert (c["rows"], c["created"], c["updated"], c["unchanged"], c["errors"]) == (4, 4, 0, 0, 0)

    lathe = Course.objects.get(name="数控车床操作培训")
    assert lathe.starts_on == datetime.date(2026, 3, 2)
    assert lathe.ends_on == datetime.date(2026, 3, 6)
    assert (lathe.institute, lathe.institute_name) == (institute, "")
    safety = Course.objects.get(name="安全生产培训")
    assert (safety.institute, safety.institute_name) == (None, "剡湖街道社区学校")
    assert safety.mode == TrainingMode.OFFLINE and safety.ends_on is None
    assert Course.objects.count() == 3

    first = TrainingRecord.objects.get(worker=people[1], course=lathe)
    assert (first.starts_on, first.ends_on, first.hours, first.mode, first.is_completed) == (
        datetime.date(2026, 3, 2),
        datetime.date(2026, 3, 6),
        Decimal("16.0"),
        TrainingMode.OFFLINE,
        True,
    )
    assert first.institute_name == "嵊州市职工培训学院"
    assert (first.source, first.enterprise) == ("command", None)
    second = TrainingRecord.objects.get(worker=people[2])
    assert (second.hours, second.is_completed) == (Decimal("7.5"), False)
    third = TrainingRecord.objects.get(worker=people[3])
    assert (third.mode, third.ends_on, third.starts_on) == (
        TrainingMode.OFFLINE,
        None,
        datetime.date(2026, 5, 8),
    )
    talk = TrainingRecord.objects.get(worker=people[1], course__name="网络安全讲座")
    assert (talk.mode, talk.hours, talk.institute_name) == (TrainingMode.MIXED, Decimal("2"), "")


UNKNOWN = make_id_number(300, datetime.date(1990, 1, 1))
WRONG_CHECK_DIGIT = person(1)[:-1] + ("0" if person(1)[-1] != "0" else "1")


@pytest.mark.parametrize(
    ("overrides", "column", "words"),
    [
        ({"身份证号": "330683850309123"}, "身份证号", "15位"),
        ({"身份证号": 3.30683198503091e17}, "身份证号", "文本"),
        ({"身份证号": WRONG_CHECK_DIGIT}, "身份证号", "校验位错误"),
        ({"身份证号": UNKNOWN}, "身份证号", "不在职工登记中"),
        ({"姓名": "张三"}, "姓名", "不一致"),
        ({"培训项目": None}, "培训项目", "不能为空"),
        ({"开始日期": tomorrow}, "开始日期", "晚于今天"),
        ({"开始日期": "2026-03-10", "结束日期": "2026-03-09"}, "结束日期", "早于开始日期"),
        ({"学时": 0}, "学时", "应大于0且不超过2000"),
        ({"学时": 2000.5}, "学时", "应大于0且不超过2000"),
        ({"学时": 7.55}, "学时", "最多保留一位小数"),
        ({"学时": "abc"}, "学时", "不是数字"),
        ({"培训方式": "函授"}, "培训方式", "不能填“函授”"),
        ({"是否结业": "也许"}, "是否结业", "无法识别"),
    ],
)
def test_each_bad_row_is_an_error_on_its_column_and_nothing_is_written(
    people, tmp_path, overrides, column, words
):
    code, result = run(
        write_xlsx(tmp_path / "r.xlsx", [row(2), row(1, **resolved(overrides)), row(3)])
    )
    assert code == 1, result
    assert not result["applied"]
    [(line, found_column, message)] = errors(result)
    assert (line, found_column) == (3, column)  # header on row 1, the bad row is Excel's row 3
    assert words in message
    assert result["counts"]["errors"] == 1
    assert not TrainingRecord.objects.exists()
    assert not Course.objects.exists()


def test_the_end_date_may_be_in_the_future_and_a_full_width_name_space_is_fine(people, tmp_path):
    later = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    rows = [row(1, 姓名="职工\u30001", 结束日期=later), row(2, 姓名=" 职工2 ")]
    code, result = run(write_xlsx(tmp_path / "r.xlsx", rows))
    assert code == 0, result
    assert TrainingRecord.objects.get(worker=people[1]).ends_on.isoformat() == later


def test_the_same_key_twice_is_an_error_on_the_later_row_naming_the_first(people, tmp_path):
    rows = [
        row(1),
        row(1, 开始日期="2026-04-01", 结束日期=None),  # another course: same name, other day
        row(2),
        row(1, 学时=8, 培训机构="另一个机构"),
    ]
    code, result = run(write_xlsx(tmp_path / "r.xlsx", rows))
    assert code == 1
    [(line, column, message)] = errors(result)
    assert (line, column) == (5, "身份证号")
    assert "第2行" in message and "重复" in message
    assert not TrainingRecord.objects.exists()


def test_every_error_of_a_file_is_listed_in_row_order(people, tmp_path):
    rows = [
        row(1, 学时=0),
        row(2),
        row(3, 姓名="别人", 是否结业="不知道"),
        row(1, 开始日期=tomorrow()),
    ]
    code, result = run(write_xlsx(tmp_path / "r.xlsx", rows))
    assert code == 1
    assert [(e[0], e[1]) for e in errors(result)] == [
        (2, "学时"),
        (4, "是否结业"),
        (5, "开始日期"),
    ]
    # 姓名 is checked against the register only for rows whose own cells are good.
    assert result["counts"]["errors"] == 3


def test_header_variants_title_rows_and_another_column_order(people, tmp_path):
    header = [
        "培训名称",
        "姓名",
        "身份证号码",
        "培训学时",
        "培训开始日期",
        "培训结束日期",
        "是否结业",
    ]
    path = spreadsheets.write_xlsx(
        tmp_path / "r.xlsx",
        [["焊工培训", "职工1", person(1), 24, "2026-01-05", "2026-01-09", "是"]],
        sheet="培训记录",
        title_rows=[["甲公司2026年职工培训记录"], ["填报日期：2026年12月1日"]],
        header=header,
    )
    code, result = run(path)
    assert code == 0, result
    record = TrainingRecord.objects.get()
    assert (record.course.name, record.hours, record.starts_on) == (
        "焊工培训",
        Decimal("24"),
        datetime.date(2026, 1, 5),
    )
    # Columns the file lacks take their defaults: 线下, no institute.
    assert (record.mode, record.institute_name) == (TrainingMode.OFFLINE, "")


def test_other_header_variants_are_accepted(people, tmp_path):
    header = ["公民身份号码", "姓名", "课程名称", "开始日期", "学时", "是否结业"]
    other = ["居民身份证号", "姓名", "培训项目", "开始日期", "学时", "是否结业"]
    for index, names in enumerate((header, other)):
        path = spreadsheets.write_xlsx(
            tmp_path / ("r%d.xlsx" % index),
            [[person(1), "职工1", "课程%d" % index, START, 8, "是"]],
            sheet="培训记录",
            header=names,
        )
        code, result = run(path)
        assert code == 0, result
    assert TrainingRecord.objects.count() == 2


def test_full_width_digits_apostrophes_and_stray_spaces_are_normalised(people, tmp_path):
    full_width = person(1).translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    rows = [
        row(1, 身份证号=" " + full_width + " ", 开始日期="'2026-03-02", 学时="１６", 是否结业="Y"),
        row(2, 身份证号="'" + person(2), 学时=" 7.5 ", 是否结业="√"),
    ]
    code, result = run(write_xlsx(tmp_path / "r.xlsx", rows))
    assert code == 0, result
    assert TrainingRecord.objects.get(worker=people[1]).hours == Decimal("16")
    assert TrainingRecord.objects.get(worker=people[2]).hours == Decimal("7.5")


def test_a_missing_required_column_refuses_the_file_naming_it(people, tmp_path):
    header = [h for h in HEADER if h != "学时"]
    path = spreadsheets.write_xlsx(
        tmp_path / "r.xlsx",
        [[v for h, v in zip(HEADER, row(1), strict=True) if h != "学时"]],
        sheet="培训记录",
        header=header,
    )
    code, result = run(path)
    assert code == 2
    assert (result["ok"], result["applied"]) == (False, False)
    [error] = result["errors"]
    assert (error["row"], error["column"]) == (None, "学时")
    assert "学时" in error["message"]
    assert not TrainingRecord.objects.exists()


def test_a_template_without_data_rows_is_refused(people, tmp_path):
    code, result = run(write_xlsx(tmp_path / "r.xlsx", [], title_rows=[["职工培训记录"]]))
    assert code == 2
    assert result["errors"][0]["row"] is None
    assert "没有数据行" in result["errors"][0]["message"]


def test_json_output_shape_and_exit_codes(people, tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", [row(1)])
    code, result = run(good, "--dry-run")
    assert code == 0
    assert set(result) == {"ok", "applied", "dry_run", "counts", "errors", "warnings"}
    assert set(result["counts"]) == set(COUNT_KEYS)
    assert (result["ok"], result["applied"], result["dry_run"]) == (True, False, True)
    code, result = run(good)
    assert code == 0 and (result["ok"], result["applied"], result["dry_run"]) == (
        True,
        True,
        False,
    )
    code, result = run(write_xlsx(tmp_path / "bad.xlsx", [row(1, 学时=-1)]))
    assert code == 1 and (result["ok"], result["applied"]) == (False, False)
    assert result["errors"][0]["row"] == 2
    (tmp_path / "not.xlsx").write_bytes(b"just some text, not a workbook")
    code, result = run(tmp_path / "not.xlsx")
    assert code == 2 and result["errors"][0]["row"] is None


def test_re_import_is_unchanged_and_changed_hours_update_only_that_record(people, tmp_path):
    rows = [row(1), row(2), row(3, 培训项目="安全生产培训")]
    code, _ = run(write_xlsx(tmp_path / "a.xlsx", rows))
    assert code == 0
    before = {r.pk: r.updated_at for r in TrainingRecord.objects.all()}

    code, result = run(write_xlsx(tmp_path / "b.xlsx", rows))
    c = result["counts"]
    assert (code, c["created"], c["updated"], c["unchanged"]) == (0, 0, 0, 3)
    assert {r.pk: r.updated_at for r in TrainingRecord.objects.all()} == before

    rows[1] = row(2, 学时="20.5")
    rows.append(row(3))  # worker 3 on the lathe course as well: a new record
    code, result = run(write_xlsx(tmp_path / "c.xlsx", rows))
    c = result["counts"]
    assert (code, c["created"], c["updated"], c["unchanged"]) == (0, 1, 1, 2)
    assert TrainingRecord.objects.get(worker=people[2]).hours == Decimal("20.5")
    assert TrainingRecord.objects.get(worker=people[1]).hours == Decimal("16")
    assert TrainingRecord.objects.count() == 4
    assert Course.objects.count() == 2


def test_a_file_without_a_row_never_deletes_a_record(people, tmp_path):
    run(write_xlsx(tmp_path / "a.xlsx", [row(1), row(2)]))
    code, result = run(write_xlsx(tmp_path / "b.xlsx", [row(2)]))
    assert code == 0 and result["counts"]["unchanged"] == 1
    assert TrainingRecord.objects.count() == 2


def test_a_column_left_out_keeps_the_stored_value_a_blank_cell_clears_it(people, tmp_path):
    run(write_xlsx(tmp_path / "a.xlsx", [row(1, 培训方式="线上")]))
    short = ["身份证号", "姓名", "培训项目", "开始日期", "学时", "是否结业"]
    path = spreadsheets.write_xlsx(
        tmp_path / "b.xlsx",
        [[person(1), "职工1", "数控车床操作培训", START, 16, "是"]],
        sheet="培训记录",
        header=short,
    )
    code, result = run(path)
    assert (code, result["counts"]["unchanged"]) == (0, 1)
    record = TrainingRecord.objects.get()
    assert (record.mode, record.institute_name) == (TrainingMode.ONLINE, "嵊州市职工培训学院")

    code, result = run(write_xlsx(tmp_path / "c.xlsx", [row(1, 培训方式=None, 培训机构=None)]))
    assert (code, result["counts"]["updated"]) == (0, 1)
    record.refresh_from_db()
    assert (record.mode, record.institute_name) == (TrainingMode.OFFLINE, "")


def test_a_dry_run_reports_what_the_real_run_does_and_writes_nothing(people, tmp_path):
    run(write_xlsx(tmp_path / "a.xlsx", [row(1), row(2)]))
    rows = [row(1), row(2, 是否结业="否"), row(3), row(3, 培训项目="焊工培训")]
    path = write_xlsx(tmp_path / "b.xlsx", rows)
    before = list(TrainingRecord.objects.order_by("pk").values())
    code, dry = run(path, "--dry-run")
    assert code == 0
    assert list(TrainingRecord.objects.order_by("pk").values()) == before
    assert Course.objects.count() == 1
    code, real = run(path)
    assert code == 0
    assert dry["counts"] == real["counts"]
    assert (dry["errors"], dry["warnings"]) == (real["errors"], real["warnings"])
    c = real["counts"]
    assert (c["created"], c["updated"], c["unchanged"]) == (2, 1, 1)

    bad = write_xlsx(tmp_path / "c.xlsx", [row(1, 学时=0), row(4, 姓名="职工4")])
    code_dry, dry = run(bad, "--dry-run")
    code_real, real = run(bad)
    assert (code_dry, code_real) == (1, 1)
    assert dry["errors"] == real["errors"] and dry["counts"] == real["counts"]


def test_hr_may_name_only_their_own_current_workers_and_learn_nothing_else(
    people, firms, tmp_path, hr_user
):
    """Another enterprise's worker and a person the register lacks get the same message:
    the upload page is no oracle for who works where (issue 12)."""
    firms["A"].hr_users.add(hr_user)
    path = write_xlsx(tmp_path / "r.xlsx", [row(1), row(4), row(1, 身份证号=UNKNOWN, 姓名="某某")])
    result = upload(firms["A"], path, user=hr_user)
    assert not result["ok"]
    found = errors(result)
    assert [(e[0], e[1]) for e in found] == [(3, "身份证号"), (4, "身份证号")]
    assert found[0][2] == found[1][2]
    assert "甲公司" in found[0][2] and "乙公司" not in found[0][2]
    assert not TrainingRecord.objects.exists()


def test_a_departed_worker_is_not_the_enterprise_s_to_report(people, firms, tmp_path):
    from workers.models import Employment

    Employment.objects.filter(worker=people[2], enterprise=firms["A"]).update(
        departure_date=timezone.localdate() - datetime.timedelta(days=3)
    )
    result = upload(firms["A"], write_xlsx(tmp_path / "r.xlsx", [row(1), row(2)]))
    assert [(e[0], e[1]) for e in errors(result)] == [(3, "身份证号")]
    # The command loads any worker in the register, departed or not.
    code, _ = run(write_xlsx(tmp_path / "s.xlsx", [row(2)]))
    assert code == 0


def test_a_worker_with_jobs_in_two_enterprises_is_uploaded_by_each(people, firms, tmp_path):
    result = upload(firms["A"], write_xlsx(tmp_path / "a.xlsx", [row(5)]))
    assert result["ok"] and result["counts"]["created"] == 1
    record = TrainingRecord.objects.get()
    assert (record.enterprise, record.source) == (firms["A"], "upload")

    # 乙公司 reports the same course for the same person: one record, not two.
    result = upload(firms["B"], write_xlsx(tmp_path / "b.xlsx", [row(5), row(4)]))
    c = result["counts"]
    assert result["ok"] and (c["created"], c["updated"], c["unchanged"]) == (1, 0, 1)
    record.refresh_from_db()
    assert record.enterprise == firms["A"]

    result = upload(firms["B"], write_xlsx(tmp_path / "c.xlsx", [row(5, 学时=24)]))
    assert result["counts"]["updated"] == 1
    record.refresh_from_db()
    assert (record.hours, record.enterprise) == (Decimal("24"), firms["B"])
    assert TrainingRecord.objects.filter(worker=people[5]).count() == 1
    assert Course.objects.count() == 1


def test_the_two_step_upload_previews_the_changes_then_applies_them(
    people, firms, tmp_path, hr_user
):
    firms["A"].hr_users.add(hr_user)
    upload(firms["A"], write_xlsx(tmp_path / "a.xlsx", [row(1), row(2)]))
    path = write_xlsx(tmp_path / "b.xlsx", [row(1, 学时="8.5", 是否结业="否"), row(2), row(3)])
    record = upload_preview(
        kind=TRAINING_RECORDS,
        user=hr_user,
        enterprise=firms["A"],
        filename=path.name,
        content=path.read_bytes(),
    )
    assert record.status == ImportRecord.Status.VALIDATED
    c = record.counts
    assert (c["created"], c["updated"], c["unchanged"]) == (1, 1, 1)
    [change] = record.details["changes"]
    assert (change["row"], change["name"], change["course"]) == (2, "职工1", "数控车床操作培训")
    assert change["fields"] == {"学时": ["16.0", "8.5"], "是否结业": ["是", "否"]}
    assert person(1) not in str(record.details)
    assert TrainingRecord.objects.get(worker=people[1]).hours == Decimal("16")  # not yet

    record = upload_apply(user=hr_user, record=record)
    assert record.status == ImportRecord.Status.APPLIED
    assert TrainingRecord.objects.get(worker=people[1]).hours == Decimal("8.5")
    assert TrainingRecord.objects.get(worker=people[3]).enterprise == firms["A"]
