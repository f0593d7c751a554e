"""``POST /callbacks/dingtalk/robot``: the DingTalk app robot's HTTP callback (platforms.md §2.1).

DingTalk signs only the ``timestamp`` header with the app secret. A missing, stale or wrong
signature, or a signature seen before with another message, is refused with 403 and an audit row.
A resent ``msgId`` is acknowledged and not answered again. A command that changes something (确认)
runs and commits before the 200; a reading command (待办, 查, 帮助) is worked out after it, so
DingTalk always gets its answer at once. Either way the reply goes to the conversation's session
webhook in the background. No cookie, no CSRF token: ``/callbacks/`` is exempt, the signature is
the credential.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Coroutine
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.http import ApiClient
from bot.robot_message import RobotMessage, parse_message, signature_problem
from bot.robot_reply import Reply
from models.core import audit
from models.core.db import transaction
from models.core.runtime import Runtime
from models.core.settings import Settings
from portal.auth import client_ip
from portal.keys import ARQ, HTTP, RUNTIME, SETTINGS
from tasks.robot.handle import acts, answer, deliver, sign_fits

logger = logging.getLogger(__name__)

ROBOT_PATH = "/callbacks/dingtalk/robot"
MAX_BODY = 64 * 1024  # a robot message is a few hundred bytes
READING_AT_ONCE = 2  # reading commands worked out at once per process (see Replies.reading)


@dataclass
class Replies:
    """Answers on their way to session webhooks; shutdown waits for them."""

    http: ApiClient
    pending: set[asyncio.Task[None]] = field(default_factory=set)
    # Reading commands are worked out a few at a time: a burst of city-wide 待办 (everyone opens the
    # chat at nine) would otherwise take every core at once and every callback would wait behind it;
    # queued, the burst's answers arrive a moment later and the callbacks stay fast.
    reading: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(READING_AT_ONCE))

    def send(self, settings: Settings, message: RobotMessage, reply: Reply) -> None:
        self._track(self._send(settings, message, reply))

    def answer_later(self, rt: Runtime, redis: Any, message: RobotMessage) -> None:
        """A reading command: worked out after DingTalk has its 200 (a province-wide 待办 reads every
        live warning), then sent like any reply."""
        self._track(self._answer(rt, redis, message))

    def _track(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    async def _answer(self, rt: Runtime, redis: Any, message: RobotMessage) -> None:
        try:
            async with self.reading:
                reply = await answer(rt, redis, message)
        except Exception:  # a background task: nobody else would see it
            logger.exception("robot command of message %s failed", message.msg_id)
            return
        if reply is not None:
            await self._send(rt.settings, message, reply)

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
    if not acts(message):
        request.app[REPLIES].answer_later(request.app[RUNTIME], redis, message)
        return web.json_response({})
    reply = await answer(request.app[RUNTIME], redis, message)  # a change commits before the 200
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
