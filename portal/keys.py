"""Typed application keys (aiohttp ``web.AppKey``): everything the handlers take from the app."""

from __future__ import annotations

from aiohttp import web
from arq.connections import ArqRedis
from jinja2 import Environment

from bot.http import ApiClient
from models.accounts.tables import Account
from models.core.runtime import Runtime
from models.core.settings import Settings
from models.locks.query import LockView
from models.staffing.scope import Scope

SETTINGS = web.AppKey("settings", Settings)
RUNTIME = web.AppKey("runtime", Runtime)
JINJA = web.AppKey("jinja", Environment)
ACCOUNT: web.RequestKey[Account | None] = web.RequestKey("account")
SCOPE = web.RequestKey("scope", Scope)
RESTRICTION: web.RequestKey[list[LockView]] = web.RequestKey("restriction")  # a steward's unit is locked
CSRF = web.RequestKey("csrf", str)
ARQ: web.AppKey[ArqRedis | None] = web.AppKey("arq")  # None when Redis is not reachable at start
HTTP = web.AppKey("http", ApiClient)  # outbound calls to the platforms (免登), one session per process
