"""Jinja2 rendering: one environment per app; HTMX requests get the partial, others the full page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from models.accounts.permissions import Action, can
from models.core.enums import LABELS, EstType, LeaderKind, Level, PersonStatus, Role, Sex, UnitKind, label
from portal.flash import FLASH_COOKIE
from portal.keys import ACCOUNT, CSRF, JINJA, RESTRICTION

SEVERITY_WORDS = {"S1": "严重", "S2": "一般", "S3": "提示"}

TEMPLATES = Path(__file__).parent / "templates"


def time_format(tz: str) -> Callable[[datetime | None], str]:
    """An aware UTC time as local ``YYYY-MM-DD HH:MM`` in the office's zone (``—`` for none)."""
    zone = ZoneInfo(tz)

    def fmt(value: datetime | None) -> str:
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else "—"
    return fmt


def make_environment(tz: str = "Asia/Shanghai") -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(label=label, LABELS=LABELS, Role=Role, UnitKind=UnitKind, Level=Level, Sex=Sex, EstType=EstType,
                       PersonStatus=PersonStatus, LeaderKind=LeaderKind)
    env.globals["fmt"] = time_format(tz)  # every page shows times in the office's zone, never UTC
    env.globals.update(permitted=can, Action=Action)  # menus ask the permission table, like the views
    env.filters["sev"] = lambda code: SEVERITY_WORDS.get(code, "")  # 严重 / 一般 / 提示, never S1/S2/S3
    env.filters["pct"] = lambda part, whole: f"{100 * part / whole:.0f}%" if whole else "—"
    return env


def is_htmx(request: web.Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def render(request: web.Request, page: str, context: dict[str, Any], *, partial: str | None = None,
           status: int = 200) -> web.Response:
    """Render ``page``, or only ``partial`` when HTMX asks (the page includes the same partial)."""
    name = partial if partial and is_htmx(request) else page
    env = request.app[JINJA]
    base = {"request": request, "account": request.get(ACCOUNT), "csrf": request.get(CSRF, ""),
            "restriction": request.get(RESTRICTION)}  # a steward's unit locked at month end: the banner
    html = env.get_template(name).render({**base, **context})
    response = web.Response(text=html, content_type="text/html", charset="utf-8", status=status)
    if FLASH_COOKIE in request.cookies:  # shown once: the page that could display it has been rendered
        response.del_cookie(FLASH_COOKIE, path="/")
    return response
