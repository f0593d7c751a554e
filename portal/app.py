"""The aiohttp application factory. Tests and ``bzops web``/``run`` build the app the same way."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import ClientSession, web

from bot.http import ApiClient
from models.core.runtime import runtime
from models.core.settings import Settings
from portal.auth import csrf_middleware, session_middleware
from portal.errors import error_middleware
from portal.headers import security_headers
from portal.keys import ARQ, HTTP, JINJA, RUNTIME, SETTINGS
from portal.render import make_environment
from portal.routes import setup_routes
from portal.views.robot import robot_replies
from tasks.redis_check import redis_reachable

logger = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings) -> web.Application:
    app = web.Application(middlewares=[security_headers, error_middleware, csrf_middleware, session_middleware],
                          client_max_size=20 * 1024 * 1024)
    app[SETTINGS] = settings
    app[JINJA] = make_environment(settings.tz)
    app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(_queue)
    app.cleanup_ctx.append(_outbound)
    app.cleanup_ctx.append(robot_replies)  # after _outbound: replies finish before its session closes
    setup_routes(app, STATIC)
    return app


async def _database(app: web.Application) -> AsyncIterator[None]:
    async with runtime(app[SETTINGS], interactive=True) as rt:
        app[RUNTIME] = rt
        yield


async def _queue(app: web.Application) -> AsyncIterator[None]:
    """The arq pool for enqueueing jobs; the portal still serves pages when Redis is down."""
    from arq import create_pool

    from tasks.worker import redis_settings

    settings = app[SETTINGS]
    pool = None
    if await redis_reachable(settings.redis_url):
        pool = await create_pool(redis_settings(settings))
    else:
        logger.warning("Redis not reachable: jobs cannot be queued until it is")
    app[ARQ] = pool
    yield
    if pool is not None:
        await pool.aclose()


async def _outbound(app: web.Application) -> AsyncIterator[None]:
    """One HTTP client for calls to the platforms; it also caches their app tokens for the process."""
    async with ClientSession() as session:
        app[HTTP] = ApiClient(session, allow_private=app[SETTINGS].allow_private_urls)
        yield
