"""The DingTalk app robot on the wire (platforms.md §2): checking a callback's ``timestamp``/``sign``
headers, reading the message body (HTTP callbacks and Stream frames carry the same one) and
answering through the conversation's ``sessionWebhook``.

The signature covers only the timestamp, never the body, so the reply goes out only to a session
webhook on the configured DingTalk hosts: a forged body cannot make us POST anywhere else.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from yarl import URL

from bot.base import ChannelError
from bot.http import ApiClient
from bot.robot_reply import Reply

logger = logging.getLogger(__name__)

SIGN_WINDOW_MS = 3_600_000  # DingTalk: refuse a timestamp more than 1 hour from our clock
GROUP = "2"  # conversationType: "1" one-to-one, "2" group


@dataclass(frozen=True)
class RobotMessage:
    """What a command needs from one robot message."""

    msg_id: str
    text: str
    sender: str  # senderStaffId: the sender's userid in the organisation (accounts bind to it)
    group: bool
    webhook: str
    webhook_expires_ms: int  # 0 when the body did not say


def expected_sign(secret: str, timestamp: str) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signature_problem(secret: str, timestamp: str | None, sign: str | None, now_ms: int) -> str | None:
    """None for a request DingTalk signed; otherwise why not (the audit row's reason)."""
    if not secret:
        return "unconfigured"  # an empty key would make every signature computable by anyone
    if not timestamp or not sign:
        return "missing"
    if not timestamp.isdigit() or len(timestamp) > 16:
        return "malformed"
    if abs(now_ms - int(timestamp)) > SIGN_WINDOW_MS:
        return "stale"
    if not hmac.compare_digest(expected_sign(secret, timestamp).encode(), sign.encode()):
        return "mismatch"
    return None


def parse_message(body: Any) -> RobotMessage:
    """The message in a callback body or Stream frame; ``ValueError`` when it is not one."""
    if not isinstance(body, Mapping):
        raise ValueError("body is not an object")
    msg_id, webhook = body.get("msgId"), body.get("sessionWebhook")
    if not isinstance(msg_id, str) or not msg_id or not isinstance(webhook, str) or not webhook:
        raise ValueError("msgId or sessionWebhook missing")
    text = body.get("text") if body.get("msgtype") == "text" else None
    content = text.get("content") if isinstance(text, Mapping) else None
    expires = str(body.get("sessionWebhookExpiredTime") or "")
    return RobotMessage(msg_id=msg_id, text=content if isinstance(content, str) else "",
                        sender=str(body.get("senderStaffId") or ""), group=str(body.get("conversationType")) == GROUP,
                        webhook=webhook, webhook_expires_ms=int(expires) if expires.isdigit() else 0)


def webhook_allowed(webhook: str, bases: Iterable[str]) -> bool:
    """Whether ``webhook`` lies under one of the DingTalk base URLs (same scheme, host, port, path)."""
    try:
        url = URL(webhook)
    except ValueError:
        return False
    return url.is_absolute() and any(_under(url, URL(base)) for base in bases if base)


def _under(url: URL, base: URL) -> bool:
    prefix = base.path.rstrip("/") + "/"
    return (url.scheme, url.host, url.port) == (base.scheme, base.host, base.port) and url.path.startswith(prefix)


def _host(webhook: str) -> str:
    try:
        return URL(webhook).host or "?"
    except ValueError:
        return "?"


def reply_body(message: RobotMessage, reply: Reply) -> dict[str, Any]:
    """An ordinary robot markdown message; in a group it @-mentions the sender."""
    body: dict[str, Any] = {"msgtype": "markdown", "markdown": {"title": reply.title, "text": reply.text}}
    if message.group and message.sender:
        body["at"] = {"atUserIds": [message.sender]}
    return body


async def send_reply(http: ApiClient, message: RobotMessage, reply: Reply, *, bases: Iterable[str],
                     now_ms: int) -> bool:
    """POST ``reply`` to the message's session webhook; False (logged, never raised) when it did not go."""
    if not webhook_allowed(message.webhook, bases):
        logger.warning("robot reply refused: session webhook outside the DingTalk hosts (%s)", _host(message.webhook))
        return False
    if message.webhook_expires_ms and message.webhook_expires_ms < now_ms:
        logger.warning("robot reply dropped: the session webhook of message %s has expired", message.msg_id)
        return False
    try:
        answer = await http.request("dingtalk-robot", "POST", message.webhook, json_body=reply_body(message, reply))
    except ChannelError as error:
        logger.warning("robot reply to message %s failed: %s", message.msg_id, error)
        return False
    if answer.get("errcode", 0) != 0:
        logger.warning("robot reply to message %s refused: %s %s", message.msg_id, answer.get("errcode"),
                       answer.get("errmsg"))
        return False
    return True
