"""Admin: the working-day calendar. A year's holidays, make-up days and overrides, each with its
source (法定(库) / 管理员设置 / 估算); admins set or restore a day, upload the State Council notice
file (``models.core.schedule``) and mark a year entered. Officers and leaders read it (they decide
on deadlines counted on it), auditors too (they check them). Every change moves the deadlines it
moves and is audited, in one transaction (``models.warnings.calendar_change``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiohttp import web
from aiohttp.web_request import FileField

from models.accounts.permissions import Action, can
from models.core.calendar import (
    FIRST_YEAR,
    LAST_YEAR,
    CalendarChange,
    CalendarError,
    DayEntry,
    last_change,
    load_calendar,
    year_days,
)
from models.core.db import transaction
from models.core.schedule import ScheduleError, import_year, parse_schedule
from models.core.workdays import SOURCE_LABELS, WEEKDAYS, YEAR_LABELS
from models.warnings.calendar_change import change_calendar
from portal.auth import requires
from portal.context import actor, today
from portal.flash import MAX_TEXT, flash, redirect_with_message
from portal.keys import ACCOUNT, RUNTIME
from portal.render import render

MAX_FILE = 64 * 1024  # a year's notice is a few hundred bytes
KINDS = {"holiday": False, "workday": True}
NOTICES = {"day": "已保存，相关预警的整改期限已重算。",
           "import": "国务院安排已导入，该年不再估算；相关预警的整改期限已重算。",
           "year": "已更新该年的录入标记，相关预警的整改期限已重算。"}
CHANGES = {"set": "设置了某一天", "unset": "取消了某一天的设置", "import": "导入了国务院安排",
           "year": "更新了年份的录入标记"}


def _year(text: Any, default: int) -> int:
    raw = str(text or "").strip()
    return int(raw) if raw.isdigit() and FIRST_YEAR <= int(raw) <= LAST_YEAR else default


def _page(year: int, notice: str | None = None) -> str:
    return f"/admin/holidays?year={year}" + (f"&notice={notice}" if notice else "")


@requires(Action.VIEW_CALENDAR)
async def holiday_list(request: web.Request) -> web.StreamResponse:
    year = _year(request.query.get("year"), today(request).year)
    async with request.app[RUNTIME].sessions() as session:
        source = (await load_calendar(session)).year_source(year)
        days = await year_days(session, year=year)
        last = await last_change(session)
    context = {"year": year, "source": source, "status": YEAR_LABELS[source], "days": days, "last": last,
               "sources": SOURCE_LABELS, "weekdays": WEEKDAYS, "changes": CHANGES, "error": flash(request),
               "notice": NOTICES.get(request.query.get("notice", "")),
               "editable": can(request[ACCOUNT].role, Action.EDIT_CALENDAR)}  # type: ignore[union-attr]
    return render(request, "holidays/list.html", context)


@requires(Action.EDIT_CALENDAR)
async def holiday_day(request: web.Request) -> web.StreamResponse:
    """POST one day: kind = holiday (休), workday (班) or unset (back to the packages)."""
    form = await request.post()
    back = _page(_year(form.get("year"), today(request).year))
    try:
        day = date.fromisoformat(str(form.get("day", "")).strip())
    except ValueError:
        raise redirect_with_message(request, back, "请填写日期，如 2027-02-14") from None
    kind, note = str(form.get("kind", "")), str(form.get("note", "")).strip()
    if kind == "unset":
        change = CalendarChange("unset", unset_days=(day,))
    elif kind in KINDS:
        change = CalendarChange("set", set_days=(DayEntry(day, KINDS[kind], note),))
    else:
        raise redirect_with_message(request, back, "请选择“休息”“上班”或“恢复默认”")
    await _apply(request, change, back)
    raise web.HTTPSeeOther(_page(day.year, "day"))


@requires(Action.EDIT_CALENDAR)
async def holiday_import(request: web.Request) -> web.StreamResponse:
    """POST the notice file (multipart ``file``; optional ``year``): all of it, or nothing."""
    form = await request.post()
    back = _page(_year(form.get("back"), today(request).year))
    field = form.get("file")
    if not isinstance(field, FileField) or not field.filename:
        raise redirect_with_message(request, back, "请选择要上传的文件")
    data = field.file.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        raise redirect_with_message(request, back, "文件太大：节假日安排文件不应超过 64KB")
    try:
        schedule = parse_schedule(data)
        year = import_year(schedule, _year(form.get("year"), 0) or None)
    except ScheduleError as error:
        raise redirect_with_message(request, back, error.brief(MAX_TEXT)) from None
    await _apply(request, CalendarChange("import", set_days=schedule.entries, entered={year: True}), back)
    raise web.HTTPSeeOther(_page(year, "import"))


@requires(Action.EDIT_CALENDAR)
async def holiday_year(request: web.Request) -> web.StreamResponse:
    """POST ``year`` with ``entered`` = on (the notice is fully entered) or off (estimate again)."""
    form = await request.post()
    year = _year(form.get("year"), 0)
    if not year:
        raise redirect_with_message(request, _page(today(request).year), "年份不正确")
    change = CalendarChange("year", entered={year: form.get("entered") == "on"})
    await _apply(request, change, _page(year))
    raise web.HTTPSeeOther(_page(year, "year"))


async def _apply(request: web.Request, change: CalendarChange, back: str) -> None:
    who = actor(request)
    try:
        async with transaction(request.app[RUNTIME].sessions) as session:
            await change_calendar(session, change=change, actor=who.login, ip=who.ip)
    except CalendarError as error:
        raise redirect_with_message(request, back, str(error)) from None
