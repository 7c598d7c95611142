"""A preview's checked rows survive the trip to storage and back exactly."""

import datetime
import gzip
import json
from decimal import Decimal

import pytest

from core.identity import ResidentId, parse_resident_id
from imports.engine import Issue, ParsedFile, ParsedRow
from imports.staging import dump_parsed, load_parsed
from tests.factories import make_id_number


def test_every_value_type_comes_back_equal():
    resident = ResidentId("33068319850309123X", datetime.date(1985, 3, 9), "M")
    parsed = ParsedFile(
        rows=[
            ParsedRow(
                row=3,
                values={
                    "身份证号": resident,
                    "入职日期": datetime.date(2020, 3, 1),
                    "金额": Decimal("1234567.89"),
                    "姓名": "=1+1",
                    "是否一线职工": True,
                    "年度": 2026,
                    "覆盖企业": ["A", "B"],
                    "备注": None,
                },
            ),
            ParsedRow(
                row=7,
                values={
                    "身份证号": resident,
                    "入职日期": None,
                    "金额": None,
                    "姓名": "李四",
                    "是否一线职工": False,
                    "年度": None,
                    "覆盖企业": [],
                    "备注": "",
                },
            ),
        ],
        skipped=2,
        columns=["身份证号", "入职日期", "姓名"],
        sheet_name="花名册",
        warnings=[Issue(None, "工号", "未识别的列“工号”，已忽略。"), Issue(9, None, "跳过")],
    )
    again = load_parsed(dump_parsed(parsed))
    assert again == parsed
    assert type(again.rows[0].values["入职日期"]) is datetime.date
    assert isinstance(again.rows[0].values["金额"], Decimal)


def test_a_file_without_rows():
    parsed = ParsedFile(rows=[], skipped=0, columns=["姓名"], sheet_name="Sheet1")
    assert load_parsed(dump_parsed(parsed)) == parsed


def test_an_unknown_format_is_not_guessed():
    with pytest.raises(ValueError, match="unknown staging format"):
        load_parsed(gzip.compress(b'{"version": 999}\n'))


def test_rows_a_preview_staged_before_the_number_alone_was_kept_still_load():
    # FORMAT_VERSION 2 as written until the ID number alone was staged: [number, birth, sex].
    lines = [
        {"version": 2, "sheet_name": "花名册", "skipped": 0, "columns_present": ["身份证号"]},
        [3],
        {"kind": "resident_id", "values": [["33068319850309123X", "1985-03-09", "M"]]},
    ]
    lines[0] |= {"warnings": [], "names": ["身份证号"]}
    data = gzip.compress(b"".join(json.dumps(line).encode() + b"\n" for line in lines))
    [row] = load_parsed(data).rows
    assert row.values["身份证号"] == ResidentId(
        "33068319850309123X", datetime.date(1985, 3, 9), "M"
    )


def test_a_staged_id_number_comes_back_as_the_parse_gave_it():
    numbers = [
        make_id_number(n, datetime.date(1966 + n, 2, 28), "M" if n % 2 else "F") for n in range(40)
    ]
    assert any(number.endswith("X") for number in numbers)
    parsed = ParsedFile(
        rows=[
            ParsedRow(row=n, values={"身份证号": parse_resident_id(number)})
            for n, number in enumerate(numbers, start=2)
        ],
        skipped=0,
        columns=["身份证号"],
        sheet_name="花名册",
    )
    again = load_parsed(dump_parsed(parsed))
    assert again == parsed
    assert [row.values["身份证号"].sex for row in again.rows] == ["F", "M"] * 20
