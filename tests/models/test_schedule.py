"""The holiday schedule file as people type it from the State Council notice."""

from __future__ import annotations

from datetime import date

import pytest

from models.core.calendar import DayEntry
from models.core.schedule import ScheduleError, import_year, parse_schedule


def test_it_reads_ranges_comments_a_header_and_several_date_spellings() -> None:
    text = ("# 通知\n\n日期,类型,备注\n2027-02-05 ～ 2027-02-07,休,春节 # 初一\n"
            "2027年2月14日，班\n2027/2/20\t补班\t春节\n")
    schedule = parse_schedule(text.encode())
    assert schedule.entries == (DayEntry(date(2027, 2, 5), False, "春节"), DayEntry(date(2027, 2, 6), False, "春节"),
                                DayEntry(date(2027, 2, 7), False, "春节"), DayEntry(date(2027, 2, 14), True, ""),
                                DayEntry(date(2027, 2, 20), True, "春节"))
    assert schedule.year == 2027


def test_the_notice_year_is_the_latest_and_can_be_named_when_present() -> None:
    schedule = parse_schedule("2018-12-29,班,元旦调休\n2018-12-30~2019-01-01,休,元旦\n".encode())
    assert schedule.year == 2019 and import_year(schedule, None) == 2019 and import_year(schedule, 2018) == 2018
    with pytest.raises(ScheduleError, match="文件中没有 2020 年的日期"):
        import_year(schedule, 2020)


def test_it_accepts_a_bom_and_gb18030() -> None:
    assert parse_schedule("\ufeff2027-01-01,休,元旦".encode()).entries[0].note == "元旦"
    assert parse_schedule("2027-01-01,休,元旦".encode("gb18030")).entries[0].note == "元旦"


@pytest.mark.parametrize(("line", "message"), [
    ("2027-02-06", "应为“日期,休或班,备注”"),
    ("2027-02-30,休", "没有这一天"),
    ("27-02-06,休", "日期应写成 2027-02-06"),
    ("2027-01-01~2027-03-01,休", "一个范围不能超过 31 天"),
    ("2027-01-01~2027-01-02~2027-01-03,休", "日期范围写法不对"),
    ("3027-01-01,休", "年份应在 1950 至 2100 之间"),
    ("2027-01-01,休," + "长" * 101, "备注不能超过 100 个字"),
])
def test_each_bad_line_is_named(line: str, message: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(f"2027-01-01,休\n{line}\n".encode())
    (error,) = caught.value.errors
    assert error.startswith("第 2 行：") and message in error


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(ScheduleError, match="文件中没有日期"):
        parse_schedule(b"# nothing\n\n")


def test_a_long_error_list_is_cut_for_a_page_message_with_the_count() -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_schedule("\n".join(f"2027-02-{d:02d},加班" for d in range(1, 29)).encode())
    brief = caught.value.brief(300)
    assert len(brief) <= 300 and "第 1 行" in brief and "第 28 行" not in brief and "（共 28 处错误）" in brief
