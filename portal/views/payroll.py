"""财政's payroll roster (工资统发名单): the months imported, what the D4 rules found, the upload.

Finance and admins upload a month's file (``Action.IMPORT_PAYROLL``); officers, leaders and
auditors read the page. Every figure is the reader's scope: the rows a batch pays inside it, the
live D4 warnings of its units. The upload is checked and written by :mod:`tasks.importing.payroll`
(all of it or nothing, the units limited to the uploader's scope); the page then shows that
upload's outcome, read back from its batch row, so nothing from the query string is ever shown.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.web_request import FileField

from models.accounts.permissions import Action, can
from models.payroll.query import get_batch, latest_month, list_batches
from models.payroll.tables import month_label
from models.warnings.query import WarningFilter, count_warnings
from models.warnings.rules.payroll import RULES
from portal.attachments import clean_filename
from portal.auth import requires
from portal.context import actor, today
from portal.flash import flash, redirect_with_message
from portal.keys import ACCOUNT, RUNTIME, SCOPE, SETTINGS
from portal.render import render
from tasks.importing.payroll import MonthError, import_roster, parse_month

PAGE = "/payroll"
MAX_BYTES = 19 * 1024 * 1024  # under the app's request limit, with room for the form around the file
SUFFIXES = (".xlsx", ".csv")


@requires(Action.VIEW_PAYROLL)
async def roster_page(request: web.Request) -> web.StreamResponse:
    scope, login, day = request[SCOPE], actor(request).login, today(request)
    batch = request.query.get("batch", "")
    async with request.app[RUNTIME].sessions() as session:
        batches = await list_batches(session, scope=scope, viewer=login)
        latest = await latest_month(session)
        found = [(rule, await count_warnings(session, scope=scope, filters=WarningFilter(rule=rule.code), today=day))
                 for rule in RULES]
        shown = await get_batch(session, batch_id=int(batch), scope=scope, viewer=login) \
            if batch.isdigit() and len(batch) < 12 else None
    context = {"batches": batches, "latest": month_label(latest) if latest else None, "found": found,
               "shown": shown, "error": flash(request), "this_month": day.strftime("%Y-%m"),
               "can_import": can(request[ACCOUNT].role, Action.IMPORT_PAYROLL)}  # type: ignore[union-attr]
    return render(request, "payroll/list.html", context)


@requires(Action.IMPORT_PAYROLL)
async def roster_import(request: web.Request) -> web.StreamResponse:
    """POST multipart ``file`` and ``month`` (YYYY-MM): the month's roster, all of it or nothing."""
    form = await request.post()
    field, day = form.get("file"), today(request)
    if not isinstance(field, FileField) or not field.filename:
        raise redirect_with_message(request, PAGE, "请选择要上传的名单文件（.xlsx 或 .csv）")
    try:
        month = parse_month(str(form.get("month", "")), day)
    except MonthError as error:
        raise redirect_with_message(request, PAGE, str(error)) from None
    name = clean_filename(field.filename)
    path = _save(request, field, Path(name).suffix.lower())
    who = actor(request)
    try:
        result = await import_roster(request.app[RUNTIME].sessions, request.app[RUNTIME].cipher, path, month=month,
                                     actor=who.login, scope=request[SCOPE], today=day, source_name=name, ip=who.ip)
    finally:
        path.unlink(missing_ok=True)
    if result.batch_id is None:  # a conflict: nothing was recorded, the reason is the message
        raise redirect_with_message(request, PAGE, result.summary())
    raise web.HTTPSeeOther(f"{PAGE}?batch={result.batch_id}")


def _save(request: web.Request, field: FileField, suffix: str) -> Path:
    """The upload in a private file of its own under ``var/uploads`` (the reader needs a path)."""
    if suffix not in SUFFIXES:
        raise redirect_with_message(request, PAGE, "只能上传 .xlsx 或 .csv 文件（Excel 请另存为 .xlsx）")
    data: Any = field.file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise redirect_with_message(request, PAGE, "文件太大：网页上传上限为 19MB，更大的名单请由管理员用命令行导入")
    folder = request.app[SETTINGS].var_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"payroll-{secrets.token_hex(8)}{suffix}"
    path.write_bytes(data)
    path.chmod(0o600)  # ID numbers in clear: readable by the service only, removed after the import
    return path
