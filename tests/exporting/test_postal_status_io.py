"""The post office's status file, read from rows as a sheet or a CSV gives them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tthc_desk.domain.errors import Problem
from tthc_desk.domain.postal import PostalState, StatusRow
from tthc_desk.exporting.postal_status_io import (
    COL_DATE,
    COL_STATUS,
    COL_WAYBILL,
    locate,
    parse_status_rows,
)
from tthc_desk.exporting.tabular import Row

HEADER = ["Số hiệu bưu gửi", "Trạng thái", "Ngày"]


def rows(*lines: list[object]) -> list[Row]:
    return list(enumerate(lines, start=1))


def one_date(value: object) -> tuple[list[StatusRow], list[Problem]]:
    return parse_status_rows(rows(HEADER, ["EB123456789VN", "delivered", value]))


def test_titles_and_blank_rows_above_the_header_and_extra_columns_are_skipped() -> None:
    out, problems = parse_status_rows(
        rows(
            ["BÁO CÁO PHÁT", None],
            [],
            ["Ghi chú", "Mã vận đơn", "Tình trạng", "Ngày phát"],
            ["", None, "", ""],
            ["x", "eb 123456789 vn", "Đã phát", "03/03/2026 10:15"],
        )
    )
    assert problems == []
    assert out == [
        StatusRow(5, "EB123456789VN", PostalState.DELIVERED, datetime(2026, 3, 3, 10, 15))
    ]


def test_without_a_header_every_column_is_missing() -> None:
    out, problems = parse_status_rows(rows(["a", "b"], ["EB123456789VN", "delivered"]))
    assert out == [] and [p.column for p in problems] == [COL_WAYBILL, COL_STATUS, COL_DATE]
    assert problems[0].message == "Không tìm thấy dòng tiêu đề có cột “Số hiệu bưu gửi”"


def test_a_missing_or_repeated_column_stops_or_is_reported() -> None:
    out, problems = parse_status_rows(rows(["waybill", "status"], ["EB123456789VN", "delivered"]))
    assert out == [] and [(p.row, p.column) for p in problems] == [(1, COL_DATE)]
    out, problems = parse_status_rows(
        rows(["waybill", "status", "date", "Số hiệu"], ["EB123456789VN", "failed", "04/03/2026"])
    )
    assert len(out) == 1 and problems[0].message == "Cột “Số hiệu bưu gửi” xuất hiện hai lần"


def test_a_header_with_nothing_below() -> None:
    assert parse_status_rows(rows(HEADER, [None, None, None])) == (
        [],
        [Problem("Tệp không có dòng trạng thái nào dưới dòng tiêu đề")],
    )


def test_each_bad_cell_is_reported_at_its_row_and_column() -> None:
    out, problems = parse_status_rows(
        rows(
            HEADER,
            ["EB-1", "lost", "31/02/2026"],
            ["EB123456789VN", "", ""],
            ["EB123456789VN", "failed", "04/03/2026"],
            ["EB100000001VN", "failed"],  # a short row: the date is missing
        )
    )
    assert out == []
    assert [(p.row, p.column) for p in problems] == [
        (2, COL_WAYBILL),
        (2, COL_STATUS),
        (2, COL_DATE),
        (3, COL_STATUS),
        (3, COL_DATE),
        (4, COL_WAYBILL),
        (5, COL_DATE),
    ]
    assert problems[5].message == "Số hiệu bưu gửi EB123456789VN trùng với dòng 3"
    assert problems[4].message == "Thiếu ngày"


@pytest.mark.parametrize(
    ("value", "moment", "date_only"),
    [
        (datetime(2026, 3, 3, 10, 15, 42), datetime(2026, 3, 3, 10, 15), False),
        (datetime(2026, 3, 3), datetime(2026, 3, 3), True),  # an Excel date cell at midnight
        (date(2026, 3, 3), datetime(2026, 3, 3), True),
        (46084, datetime(2026, 3, 3), True),  # a date serial in a cell not formatted as a date
        (46084.5, datetime(2026, 3, 3, 12, 0), False),
        ("3/3/2026", datetime(2026, 3, 3), True),
        ("03.03.2026 9h05", datetime(2026, 3, 3, 9, 5), False),
        ("03-03-2026, 09:05:30", datetime(2026, 3, 3, 9, 5), False),
        ("2026-03-03", datetime(2026, 3, 3), True),
        ("2026-03-03T09:05:30.250", datetime(2026, 3, 3, 9, 5), False),
    ],
)
def test_dates_in_every_shape_the_post_office_sends(
    value: object, moment: datetime, date_only: bool
) -> None:
    out, problems = one_date(value)
    assert problems == []
    assert (out[0].at, out[0].date_only) == (moment, date_only)


@pytest.mark.parametrize("value", ["31/02/2026", "hôm qua", "2026/03/03", 0.5, True])
def test_dates_refused(value: object) -> None:
    out, problems = one_date(value)
    assert out == [] and [p.column for p in problems] == [COL_DATE]
    assert "không hợp lệ" in problems[0].message


def test_problems_found_by_the_postal_rules_are_placed_at_their_column() -> None:
    assert locate(Problem("x", field="at", row=4)) == Problem("x", row=4, column=COL_DATE)
    assert locate(Problem("y", field="state", row=5)).column == COL_STATUS
    assert locate(Problem("z", field="waybill", row=6)).column == COL_WAYBILL
