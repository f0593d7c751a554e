"""Small request helpers shared by the views: today in the office's zone, the acting user."""

from __future__ import annotations

from datetime import date

from aiohttp import web

from models.accounts.tables import Account
from models.core.db import local_today
from models.core.decision import Actor
from portal.auth import client_ip
from portal.keys import ACCOUNT, SETTINGS

MAX_PAGE = 100_000  # past any real listing; bigger numbers would overflow the database's OFFSET


def today(request: web.Request) -> date:
    return local_today(request.app[SETTINGS].tz)


def account_of(request: web.Request) -> Account:
    """The signed-in account of a view that requires login."""
    account = request[ACCOUNT]
    assert account is not None, "views that act require login"
    return account


def actor(request: web.Request) -> Actor:
    account = request[ACCOUNT]
    assert account is not None, "views that act require login"
    return Actor(account.login, account.role, account.display_name, client_ip(request))


def page_number(request: web.Request) -> int:
    raw = request.query.get("page", "1")
    return min(max(int(raw), 1), MAX_PAGE) if raw.isdigit() and len(raw) < 8 else 1
