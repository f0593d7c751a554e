"""A fake DingTalk custom robot endpoint (``POST /robot/send``) that behaves like platforms.md §1.

It checks 加签 exactly (written from the doc, not imported from ``bot``), keywords, the
20,000-byte limit and 20 msgs/min per robot with a 10-minute penalty; it answers every
refusal with the platform's errcode in HTTP 200, de-duplicates on ``msgUuid`` and records what
it delivered. Magic inputs: token ``removed`` (400106) or ``disabled`` (400102); ``__500__``
in the body gives HTTP 500, ``__busy__`` errcode -1.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.fakes.common import FakeClock, RateWindow, json_reply, server_error

MAX_BYTES = 20_000
TIMESTAMP_WINDOW_MS = 3_600_000
MSGTYPES = ("text", "link", "markdown", "actionCard", "feedCard")
Refusal = tuple[int, str]


@dataclass
class Robot:
    token: str
    secret: str | None = None
    keyword: str | None = None


@dataclass
class Delivered:
    token: str
    payload: dict[str, Any]

    @property
    def msgtype(self) -> str:
        return str(self.payload["msgtype"])

    @property
    def readable(self) -> str:
        return readable(self.text)

    @property
    def text(self) -> str:
        """Everything a reader sees: title and text of whichever msgtype was sent."""
        return content_text(self.payload)


def content_text(payload: Mapping[str, Any]) -> str:
    """Title, text and the buttons (title and URL) of whichever msgtype was sent."""
    inner = payload.get(str(payload.get("msgtype")), {})
    if not isinstance(inner, dict):
        return ""
    buttons = [f"{b.get('title')} {b.get('actionURL')}" for b in inner.get("btns", []) if isinstance(b, dict)]
    return "\n".join([*(str(v) for v in inner.values() if isinstance(v, str)), *buttons])


def readable(text: str) -> str:
    """What a person reads: markdown link targets (signed tokens, URLs) removed."""
    return re.sub(r"\]\([^)]*\)|https?://\S+", "]", text)


def expected_sign(secret: str, timestamp: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class FakeDingTalk:
    def __init__(self, clock: FakeClock) -> None:
        self.robots: dict[str, Robot] = {}
        self.delivered: list[Delivered] = []
        self.duplicates = 0
        self.rate = RateWindow(limit=20, window=60.0, penalty=600.0, clock=clock)
        self.rate_errcode = 410100  # set to 130101 to act like older servers
        self.clock_skew_ms = 0  # how far the "server clock" is ahead of ours
        self._seen: set[tuple[str, str]] = set()

    @property
    def rate_violations(self) -> int:
        return self.rate.violations

    def add_robot(self, token: str, *, secret: str | None = None, keyword: str | None = None) -> Robot:
        self.robots[token] = Robot(token, secret, keyword)
        return self.robots[token]

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/robot/send", self.send)
        return app

    async def send(self, request: web.Request) -> web.Response:
        raw = await request.read()
        if b"__500__" in raw:
            return server_error()
        token = request.query.get("access_token", "")
        refusal = self._check_robot(token) or self._check_sign(self.robots[token], request.query)
        if refusal:
            return _errcode(*refusal)
        payload = _parse(raw, self.robots[token])
        if isinstance(payload, tuple):
            return _errcode(*payload)
        if not self.rate.allow(token):
            return _errcode(self.rate_errcode, "send too fast, exceed 20 times per minute")
        return self._deliver(token, payload)

    def _deliver(self, token: str, payload: dict[str, Any]) -> web.Response:
        key = payload.get("msgUuid")
        if key and (token, key) in self._seen:  # a retry of something already delivered
            self.duplicates += 1
            return _errcode(0, "ok")
        if key:
            self._seen.add((token, key))
        self.delivered.append(Delivered(token, payload))
        return _errcode(0, "ok")

    def _check_robot(self, token: str) -> Refusal | None:
        if token == "removed":
            return 400106, "robot 不存在"
        if token == "disabled":
            return 400102, "robot is disabled"
        return None if token in self.robots else (400101, "token is not exist")

    def _check_sign(self, robot: Robot, query: Mapping[str, str]) -> Refusal | None:
        if robot.secret is None:
            return None
        timestamp, sign = query.get("timestamp", ""), query.get("sign", "")
        if not timestamp.isdigit():
            return 310000, "sign not match"
        if abs(int(time.time() * 1000) + self.clock_skew_ms - int(timestamp)) > TIMESTAMP_WINDOW_MS:
            return 310000, "invalid timestamp"
        if not hmac.compare_digest(expected_sign(robot.secret, timestamp), sign):
            return 310000, "sign not match"
        return None


def _parse(raw: bytes, robot: Robot) -> dict[str, Any] | Refusal:
    """The body, or the refusal the platform would answer it with."""
    if len(raw) > MAX_BYTES:
        return 460101, "message too long, exceed 20000 bytes"
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return 400105, "invalid json"
    if not isinstance(payload, dict) or payload.get("msgtype") not in MSGTYPES:
        return 400105, "不支持的消息类型"
    text = content_text(payload)
    if "__busy__" in text:
        return -1, "系统繁忙"
    if robot.keyword and robot.keyword not in text:
        return 310000, "keywords not in content"
    return payload


def _errcode(code: int, message: str) -> web.Response:
    return json_reply({"errcode": code, "errmsg": message})
