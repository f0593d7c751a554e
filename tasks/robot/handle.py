"""One robot message, whichever door it came through: answered once per ``msgId``, the answer
sent to the conversation's session webhook.

Redis only remembers which messages were answered (and, for HTTP callbacks, which message each
signature came with) for a while; when it is down, commands still work, only a resend may be
answered twice (and 确认 acts once anyway: the decision step refuses the second).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import time
from typing import Any

from redis.exceptions import RedisError

from bot.http import ApiClient
from bot.robot_message import RobotMessage, send_reply
from bot.robot_reply import Reply
from models.core.runtime import Runtime
from models.core.settings import Settings
from tasks.robot.commands import interpret
from tasks.robot.parse import parse_command

logger = logging.getLogger(__name__)

SEEN_TTL_S = 2 * 3600  # longer than the 1-hour signature window: a replay inside it is still caught


def _key(kind: str, value: str) -> str:
    return f"bzops:robot:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


async def _claim(redis: Any, key: str, value: str) -> bool | None:
    """SET NX: True when we claimed ``key``; None when Redis could not say."""
    if redis is None:
        return None
    try:
        return bool(await redis.set(key, value, nx=True, ex=SEEN_TTL_S))
    except (RedisError, OSError) as error:
        logger.warning("robot: Redis unavailable, answering without de-duplication (%s)", error)
        return None


async def sign_fits(redis: Any, sign: str, msg_id: str) -> bool:
    """False when this signature already came with another message: the signature covers only the
    timestamp, so a captured header pair must not carry a forged body."""
    key = _key("sign", sign)
    if await _claim(redis, key, msg_id) is not False:
        return True
    try:
        stored = await redis.get(key)
    except (RedisError, OSError):
        return True
    return (stored.decode() if isinstance(stored, bytes) else stored) in (None, msg_id)


def acts(message: RobotMessage) -> bool:
    """Whether the message's command changes something (and so must commit before it is answered)."""
    return parse_command(message.text).kind == "ack"


async def answer(rt: Runtime, redis: Any, message: RobotMessage) -> Reply | None:
    """The reply to a message not answered before; None for a resend or a replay."""
    key = _key("msg", message.msg_id)
    if await _claim(redis, key, "1") is False:
        logger.info("robot: message %s was answered already", message.msg_id)
        return None
    try:
        return await interpret(rt, message, redis)
    except Exception:
        await _forget(redis, key)  # let the platform's retry try again
        raise


async def _forget(redis: Any, key: str) -> None:
    if redis is not None:
        with contextlib.suppress(RedisError, OSError):
            await redis.delete(key)


def dingtalk_bases(settings: Settings) -> tuple[str, ...]:
    """Where a session webhook may point: the configured DingTalk API hosts."""
    return settings.dingtalk_api_url, settings.dingtalk_new_api_url


async def deliver(http: ApiClient, settings: Settings, message: RobotMessage, reply: Reply) -> bool:
    return await send_reply(http, message, reply, bases=dingtalk_bases(settings), now_ms=int(time.time() * 1000))
