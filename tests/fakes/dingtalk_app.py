"""A fake DingTalk enterprise-app robot (platforms.md §2): what the robot's commands talk to.

* ``POST /robot/sendBySession?session=…`` (oapi host, mounted into the fake DingTalk): the session
  webhook a robot message carries. It records the replies (``msgtype`` and the 20,000-byte limit
  checked as on ``/robot/send``); an expired or unknown session answers HTTP 500, as the real one
  does after about 90 minutes.
* ``POST /v1.0/gateway/connections/open``: Stream mode. Checks ``clientId``/``clientSecret`` (a
  wrong pair: HTTP 401 — the exact code is our guess) and answers ``{endpoint, ticket}``.
* ``GET /v1.0/gateway/connect?ticket=…``: the WebSocket. A ticket works once; queued frames go
  down it only for the topics the ticket subscribed to, and every ACK that comes back is recorded.
* :meth:`FakeDingTalkApp.callback`: the headers and body of an HTTP callback as DingTalk signs it.

The SDK's ``open_connection`` is blocking, so Stream tests run this fake on its own thread: the
queues here are plain lists (appends are atomic) and :func:`eventually` polls.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import WSMsgType, web
from yarl import URL

from tests.fakes.common import FakeClock, json_reply, server_error
from tests.fakes.dingtalk import MAX_BYTES, MSGTYPES, content_text, expected_sign

ROBOT_TOPIC = "/v1.0/im/bot/messages/get"
SESSION_MS = 90 * 60 * 1000


@dataclass
class SessionReply:
    session: str
    payload: dict[str, Any]

    @property
    def text(self) -> str:
        return content_text(self.payload)


@dataclass
class Ack:
    message_id: str
    code: int
    message: str


class FakeDingTalkApp:
    def __init__(self, clock: FakeClock, *, oapi: Callable[[], str], api: Callable[[], str],
                 app_key: str = "ding-app-key", app_secret: str = "ding-app-secret") -> None:
        self.clock, self.oapi, self.api = clock, oapi, api  # base URLs of the two hosts, once the server runs
        self.app_key, self.app_secret = app_key, app_secret
        self.sessions: dict[str, int] = {}  # session token -> expiry, epoch ms
        self.replies: list[SessionReply] = []
        self.refused_replies = 0
        self.tickets: dict[str, set[str]] = {}  # unused ticket -> subscribed topics
        self.frames: list[dict[str, Any]] = []  # waiting to be pushed
        self.acks: list[Ack] = []
        self.connections = 0

    def mount(self, oapi: web.Application) -> None:
        """Add the session webhook to the fake oapi host (``FakeDingTalk``'s app)."""
        oapi.router.add_post("/robot/sendBySession", self.send_by_session)

    def app(self) -> web.Application:
        """The api.dingtalk.com side: the Stream gateway."""
        app = web.Application()
        app.router.add_post("/v1.0/gateway/connections/open", self.open_connection)
        app.router.add_get("/v1.0/gateway/connect", self.connect)
        return app

    def now_ms(self) -> int:
        return int((time.time() + self.clock.offset) * 1000)

    # --- what tests build: messages, signed callbacks, Stream frames ---

    def robot_body(self, text: str, *, sender: str, group: bool = False, msg_id: str | None = None,
                   session_ms: int = SESSION_MS) -> dict[str, Any]:
        """A robot message as DingTalk sends it (callback body, or a Stream frame's data)."""
        session = secrets.token_hex(12)
        expires = self.now_ms() + session_ms
        self.sessions[session] = expires
        return {"msgtype": "text", "text": {"content": f" {text}"}, "msgId": msg_id or f"msg{secrets.token_hex(8)}",
                "createAt": self.now_ms(), "conversationType": "2" if group else "1",
                "conversationId": "cid-group" if group else "cid-single", "senderId": f"$:enc:{sender}",
                "senderStaffId": sender, "senderNick": "某人", "chatbotUserId": "bot", "robotCode": self.app_key,
                "sessionWebhook": f"{self.oapi()}/robot/sendBySession?session={session}",
                "sessionWebhookExpiredTime": expires, "isInAtList": True}

    def signed_headers(self, *, secret: str | None = None, at_ms: int | None = None) -> dict[str, str]:
        timestamp = str(at_ms if at_ms is not None else self.now_ms())
        return {"timestamp": timestamp, "sign": expected_sign(secret or self.app_secret, timestamp)}

    def callback(self, text: str, *, sender: str, **body: Any) -> tuple[dict[str, str], dict[str, Any]]:
        """Headers and body of one signed HTTP callback."""
        return self.signed_headers(), self.robot_body(text, sender=sender, **body)

    def push(self, body: dict[str, Any], *, topic: str = ROBOT_TOPIC) -> str:
        """Queue ``body`` as a CALLBACK frame for the Stream; returns the frame's messageId."""
        message_id = f"frame-{secrets.token_hex(6)}"
        headers = {"appId": "app", "connectionId": "conn", "contentType": "application/json",
                   "messageId": message_id, "time": str(self.now_ms()), "topic": topic}
        self.frames.append({"specVersion": "1.0", "type": "CALLBACK", "headers": headers,
                            "data": json.dumps(body, ensure_ascii=False)})
        return message_id

    # --- the platform ---

    async def send_by_session(self, request: web.Request) -> web.Response:
        raw = await request.read()
        expires = self.sessions.get(request.query.get("session", ""))
        if expires is None or expires < self.now_ms():
            self.refused_replies += 1
            return server_error()
        if len(raw) > MAX_BYTES:
            return json_reply({"errcode": 460101, "errmsg": "message too long, exceed 20000 bytes"})
        try:
            payload = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return json_reply({"errcode": 400105, "errmsg": "invalid json"})
        if not isinstance(payload, dict) or payload.get("msgtype") not in MSGTYPES:
            return json_reply({"errcode": 400105, "errmsg": "不支持的消息类型"})
        self.replies.append(SessionReply(request.query["session"], payload))
        return json_reply({"errcode": 0, "errmsg": "ok"})

    async def open_connection(self, request: web.Request) -> web.Response:
        body = await request.json()
        if (body.get("clientId"), body.get("clientSecret")) != (self.app_key, self.app_secret):
            return json_reply({"code": "InvalidAuthentication", "message": "clientId or clientSecret invalid"}, 401)
        ticket = secrets.token_urlsafe(16)
        subscriptions = body.get("subscriptions", [])
        self.tickets[ticket] = {s.get("topic", "") for s in subscriptions if s.get("type") == "CALLBACK"}
        endpoint = URL(self.api() + "/v1.0/gateway/connect").with_scheme("ws")
        return json_reply({"endpoint": str(endpoint), "ticket": ticket})

    async def connect(self, request: web.Request) -> web.StreamResponse:
        topics = self.tickets.pop(request.query.get("ticket", ""), None)
        if topics is None:
            return json_reply({"code": "InvalidTicket", "message": "ticket invalid or used"}, 401)
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.connections += 1
        while not ws.closed:
            await self._push_frames(ws, topics)
            try:
                msg = await ws.receive(timeout=0.05)
            except TimeoutError:
                continue
            if msg.type != WSMsgType.TEXT:
                break
            self._record_ack(json.loads(msg.data))
        return ws

    async def _push_frames(self, ws: web.WebSocketResponse, topics: set[str]) -> None:
        for frame in [f for f in self.frames if f["headers"]["topic"] in topics]:
            self.frames.remove(frame)
            await ws.send_str(json.dumps(frame, ensure_ascii=False))

    def _record_ack(self, ack: dict[str, Any]) -> None:
        headers = ack.get("headers") or {}
        self.acks.append(Ack(str(headers.get("messageId", "")), int(ack.get("code", 0)), str(ack.get("message", ""))))


async def eventually(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait until ``predicate()`` holds (it may be changed from another thread); fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)
