"""A fake WeCom group robot (``POST /cgi-bin/webhook/send?key=…``), platforms.md §5.

Unknown key → 93000; markdown content over 4,096 bytes (text over 2,048) → 40058; more than
20 msgs/min per robot → 45009 (the commonly reported code); ``__500__`` → HTTP 500.
WeCom has no idempotency key, so the fake delivers every accepted request.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.fakes.common import FakeClock, RateWindow, json_reply, server_error

LIMITS = {"markdown": 4096, "text": 2048}


@dataclass
class WeComMessage:
    key: str
    payload: dict[str, Any]

    @property
    def content(self) -> str:
        return str(self.payload[self.payload["msgtype"]]["content"])


class FakeWeCom:
    def __init__(self, clock: FakeClock) -> None:
        self.keys: set[str] = set()
        self.delivered: list[WeComMessage] = []
        self.rate = RateWindow(limit=20, window=60.0, penalty=0.0, clock=clock)

    @property
    def rate_violations(self) -> int:
        return self.rate.violations

    def add_robot(self, key: str) -> None:
        self.keys.add(key)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/cgi-bin/webhook/send", self.send)
        return app

    async def send(self, request: web.Request) -> web.Response:
        raw = await request.read()
        if b"__500__" in raw:
            return server_error()
        key = request.query.get("key", "")
        if key not in self.keys:
            return _errcode(93000, "invalid webhook url")
        refusal = _check(json.loads(raw.decode("utf-8")))
        if refusal:
            return _errcode(*refusal)
        if not self.rate.allow(key):
            return _errcode(45009, "api freq out of limit")
        self.delivered.append(WeComMessage(key, json.loads(raw)))
        return _errcode(0, "ok")


def _check(payload: dict[str, Any]) -> tuple[int, str] | None:
    msgtype = payload.get("msgtype", "")
    if msgtype not in LIMITS:
        return 40008, "invalid message type"
    content = str(payload.get(msgtype, {}).get("content", ""))
    if len(content.encode("utf-8")) > LIMITS[msgtype]:
        return 40058, f"{msgtype}.content exceed max length {LIMITS[msgtype]}"
    return None


def _errcode(code: int, message: str) -> web.Response:
    return json_reply({"errcode": code, "errmsg": message})
