"""The holiday schedule file: the State Council notice typed as plain text, one line a day or range.

    # 国务院办公厅关于2027年部分节假日安排的通知
    2027-01-01,休,元旦
    2027-02-05~2027-02-11,休,春节
    2027-02-14,班,春节调休

Each line is ``日期[~日期],休|班[,备注]``; commas may be Chinese (，) or tabs, dates may be written
2027-2-6, 2027/2/6 or 2027年2月6日, a range joins two dates with ~, ～ or 至, and # starts a comment.
休 (also 假, 放假) is a day off, 班 (also 上班, 补班) a working day. The file is UTF-8 (a BOM is
fine; GB18030, what Windows Notepad once saved, is accepted too). A line 日期,类型,备注 before the
first day is a header and skipped.

Parsing is all or nothing: every bad line is reported with its number, and a file with any bad
line yields no days. The notice's *year* is the latest year among its days: a notice may list
the previous December's make-up days (2019's listed 2018-12-29), never the next year's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from models.core.calendar import FIRST_YEAR, LAST_YEAR, NOTE_MAX, DayEntry

MAX_RANGE_DAYS = 31
MAX_ERRORS_SHOWN = 20
_SPLIT = re.compile(r"[,，\t]")
_RANGE = re.compile(r"\s*(?:~|～|至)\s*")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_KINDS = {"休": False, "假": False, "放假": False, "休息": False, "班": True, "上班": True, "补班": True}
_HEADERS = {"日期", "date"}


class ScheduleError(ValueError):
    """The file was refused; ``errors`` holds one Chinese message per bad line."""

    def __init__(self, errors: list[str]) -> None:
        shown = errors[:MAX_ERRORS_SHOWN]
        more = f"\n……另有 {len(errors) - len(shown)} 处错误" if len(errors) > len(shown) else ""
        super().__init__("文件未导入，请改正后重试：\n" + "\n".join(shown) + more)
        self.errors = errors

    def brief(self, limit: int) -> str:
        """The message cut to ``limit`` characters at a line's end, saying how many errors there are."""
        text, total = "文件未导入，请改正后重试：", f"\n（共 {len(self.errors)} 处错误）"
        for error in self.errors:
            if len(text) + len(error) + 1 + len(total) > limit:
                return text + "\n……" + total
            text += "\n" + error
        return text


@dataclass(frozen=True)
class Schedule:
    entries: tuple[DayEntry, ...]
    year: int  # the notice's year (see the module docstring)


def parse_schedule(data: bytes) -> Schedule:
    """Parse a schedule file, or raise :class:`ScheduleError` naming every bad line."""
    errors: list[str] = []
    seen: dict[date, tuple[int, DayEntry]] = {}
    started = False  # a header may stand before the first day, after comments
    for number, line in enumerate(_decode(data).splitlines(), start=1):
        try:
            for entry in _parse_line(line, first=not started):
                _keep(seen, number, entry)
        except ValueError as error:
            errors.append(f"第 {number} 行：{error}")
        started = started or bool(line.split("#", 1)[0].strip())
    if not errors and not seen:
        errors.append("文件中没有日期")
    if errors:
        raise ScheduleError(errors)
    entries = tuple(entry for _, entry in sorted(seen.values(), key=lambda pair: pair[1].day))
    return Schedule(entries, max(e.day.year for e in entries))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ScheduleError(["文件不是 UTF-8 文本"]) from None


def _parse_line(line: str, *, first: bool) -> list[DayEntry]:
    content = line.split("#", 1)[0].strip()
    if not content:
        return []
    fields = [f.strip() for f in _SPLIT.split(content)]
    if first and fields[0].lower() in _HEADERS:
        return []
    if len(fields) < 2 or not fields[1]:
        raise ValueError("应为“日期,休或班,备注”，如 2027-02-06,休,春节")
    days, kind, note = _days(fields[0]), _kind(fields[1]), "，".join(f for f in fields[2:] if f)
    if len(note) > NOTE_MAX:
        raise ValueError(f"备注不能超过 {NOTE_MAX} 个字")
    return [DayEntry(day, kind, note) for day in days]


def _days(text: str) -> list[date]:
    parts = _RANGE.split(text)
    if len(parts) > 2:
        raise ValueError(f"日期范围写法不对：{text}")
    first, last = _date(parts[0]), _date(parts[-1])
    if last < first:
        raise ValueError(f"范围的结束日期早于开始日期：{text}")
    if (last - first).days >= MAX_RANGE_DAYS:
        raise ValueError(f"一个范围不能超过 {MAX_RANGE_DAYS} 天：{text}")
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _date(text: str) -> date:
    match = _DATE.fullmatch(text.strip())
    if not match:
        raise ValueError(f"日期应写成 2027-02-06：{text or '（空）'}")
    year, month, day = (int(part) for part in match.groups())
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"年份应在 {FIRST_YEAR} 至 {LAST_YEAR} 之间：{text}")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"没有这一天：{text}") from None


def _kind(text: str) -> bool:
    if text not in _KINDS:
        raise ValueError(f"第二项应为“休”或“班”，不是“{text}”")
    return _KINDS[text]


def _keep(seen: dict[date, tuple[int, DayEntry]], number: int, entry: DayEntry) -> None:
    earlier = seen.get(entry.day)
    if earlier is not None and earlier[1].is_workday != entry.is_workday:
        raise ValueError(f"{entry.day.isoformat()} 与第 {earlier[0]} 行矛盾（一行为休，一行为班）")
    if earlier is None:
        seen[entry.day] = (number, entry)


def import_year(schedule: Schedule, year: int | None) -> int:
    """The year an import marks as entered: ``year`` if given (it must be in the file), else the notice's."""
    if year is None:
        return schedule.year
    if all(e.day.year != year for e in schedule.entries):
        raise ScheduleError([f"文件中没有 {year} 年的日期"])
    return year
