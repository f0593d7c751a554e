"""Small request helpers shared by the views: today in the office's zone, the acting user."""

from __future__ import annotations

from datetime import date

from aiohttp import web

from models.core.db import local_today
from models.warnings.actions import Actor
from portal.auth import client_ip
from portal.keys import ACCOUNT, SETTINGS


def today(request: web.Request) -> date:
    return local_today(request.app[SETTINGS].tz)


def actor(request: web.Request) -> Actor:
    account = request[ACCOUNT]
    assert account is not None, "views that act require login"
    return Actor(account.login, account.role, client_ip(request))


def page_number(request: web.Request) -> int:
    raw = request.query.get("page", "1")
    return max(int(raw), 1) if raw.isdigit() else 1
