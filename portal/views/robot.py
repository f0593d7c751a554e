"""``POST /callbacks/dingtalk/robot``: the DingTalk app robot's HTTP callback (platforms.md §2.1).

DingTalk signs only the ``timestamp`` header with the app secret. A missing, stale or wrong
signature, or a signature seen before with another message, is refused with 403 and an audit row.
A resent ``msgId`` is acknowledged and not answered again. The command runs (and commits) before
the 200; its answer goes to the conversation's session webhook in the background, so DingTalk
gets its reply at once. No cookie, no CSRF token: ``/callbacks/`` is exempt, the signature is
the credential.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from aiohttp import web

from bot.http import ApiClient
from bot.robot_message import RobotMessage, parse_message, signature_problem
from bot.robot_reply import Reply
from models.core import audit
from models.core.db import transaction
from models.core.settings import Settings
from portal.auth import client_ip
from portal.keys import ARQ, HTTP, RUNTIME, SETTINGS
from tasks.robot.handle import answer, deliver, sign_fits

logger = logging.getLogger(__name__)

ROBOT_PATH = "/callbacks/dingtalk/robot"
MAX_BODY = 64 * 1024  # a robot message is a few hundred bytes


@dataclass
class Replies:
    """Answers on their way to session webhooks; shutdown waits for them."""

    http: ApiClient
    pending: set[asyncio.Task[None]] = field(default_factory=set)

    def send(self, settings: Settings, message: RobotMessage, reply: Reply) -> None:
        task = asyncio.create_task(self._send(settings, message, reply))
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    async def _send(self, settings: Settings, message: RobotMessage, reply: Reply) -> None:
        try:
            await deliver(self.http, settings, message, reply)
        except Exception:  # a background task: nobody else would see it
            logger.exception("robot reply to message %s failed", message.msg_id)

    async def drain(self) -> None:
        if self.pending:
            await asyncio.gather(*self.pending, return_exceptions=True)


REPLIES = web.AppKey("robot_replies", Replies)


async def robot_replies(app: web.Application) -> AsyncIterator[None]:
    """Cleanup context, after the app's HTTP client: replies still on their way finish on shutdown."""
    app[REPLIES] = Replies(app[HTTP])
    yield
    await app[REPLIES].drain()


async def robot_callback(request: web.Request) -> web.StreamResponse:
    settings, sign = request.app[SETTINGS], request.headers.get("sign", "")
    problem = signature_problem(settings.dingtalk_app_secret.get_secret_value(), request.headers.get("timestamp"),
                                sign, int(time.time() * 1000))
    if problem:
        return await _refuse(request, problem)
    message = await _message(request)
    if message is None:
        return web.json_response({"errmsg": "请求体不是机器人消息"}, status=400)
    redis = request.app[ARQ]
    if not await sign_fits(redis, sign, message.msg_id):
        return await _refuse(request, "replayed")
    reply = await answer(request.app[RUNTIME], redis, message)
    if reply is not None:
        request.app[REPLIES].send(settings, message, reply)
    return web.json_response({})


async def _message(request: web.Request) -> RobotMessage | None:
    if (request.content_length or 0) > MAX_BODY:
        return None
    try:
        return parse_message(await request.json())
    except ValueError:  # not JSON, or not a robot message
        return None


async def _refuse(request: web.Request, reason: str) -> web.StreamResponse:
    ip = str(client_ip(request) or "")[:45] or None
    logger.warning("robot callback refused (%s) from %s", reason, ip)
    async with transaction(request.app[RUNTIME].sessions) as session:
        await audit.record(session, actor="dingtalk-robot", action="robot.refused", object_type="robot_callback",
                           detail={"reason": reason}, ip=ip)
    return web.json_response({"errmsg": "签名无效"}, status=403)
