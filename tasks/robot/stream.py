"""Stream mode (platforms.md §2.2): the official ``dingtalk-stream`` SDK keeps an outbound WebSocket
to DingTalk, which pushes robot messages down it; each is answered by the same interpreter as the
HTTP callback, through the same session webhook, and then ACKed.

The SDK is used as it is (``DingTalkStreamClient.start``: ticket, WebSocket, frames, ACKs,
keepalive, reconnects) with two small overrides:

* ``open_connection``: the SDK posts to ``DINGTALK_OPENAPI_ENDPOINT``, fixed from the environment
  when it is imported; ours posts to ``settings.dingtalk_new_api_url`` (tests point it at the
  fake gateway) and gives up after a timeout instead of waiting forever.
* ``get_host_ip``: the SDK learns its own address by aiming a UDP socket at a public resolver;
  the gateway takes the field as information only, so we send it empty.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import platform
from typing import Any

import requests
from dingtalk_stream import AckMessage, CallbackMessage, ChatbotHandler, ChatbotMessage, Credential
from dingtalk_stream import DingTalkStreamClient as SdkClient
from dingtalk_stream.version import VERSION_STRING

from bot.http import ApiClient
from bot.robot_message import parse_message
from models.core.runtime import Runtime
from models.core.settings import Settings
from tasks.robot.handle import answer, deliver

logger = logging.getLogger(__name__)

OPEN_PATH = "/v1.0/gateway/connections/open"
OPEN_TIMEOUT = 10.0  # seconds; the SDK itself sets none


class StreamClient(SdkClient):  # type: ignore[misc]  # the SDK ships no type hints
    def __init__(self, credential: Credential, *, api_url: str) -> None:
        sdk_logger = logging.getLogger("tasks.robot.stream.sdk")
        sdk_logger.setLevel(logging.WARNING)  # at INFO the SDK logs each connection's ticket
        super().__init__(credential, sdk_logger)
        self.open_url = api_url.rstrip("/") + OPEN_PATH

    def open_connection(self) -> dict[str, Any] | None:
        """Ask the gateway for an endpoint and a ticket, as the SDK does, at our configured host."""
        body = {"clientId": self.credential.client_id, "clientSecret": self.credential.client_secret,
                "subscriptions": self._subscriptions(), "ua": f"dingtalk-sdk-python/v{VERSION_STRING}-union",
                "localIp": self.get_host_ip()}
        headers = {"Accept": "application/json",
                   "User-Agent": f"DingTalkStream/1.0 SDK/{VERSION_STRING} Python/{platform.python_version()}"}
        try:
            response = requests.post(self.open_url, json=body, headers=headers, timeout=OPEN_TIMEOUT)
            response.raise_for_status()
            connection = response.json()
        except (requests.RequestException, ValueError) as error:
            self.logger.error("open connection failed: %s", error)
            return None
        return connection if isinstance(connection, dict) else None

    def _subscriptions(self) -> list[dict[str, str]]:
        topics = [{"type": "EVENT", "topic": "*"}] if self._is_event_required else []
        return topics + [{"type": "CALLBACK", "topic": topic} for topic in self.callback_handler_map]

    def get_host_ip(self) -> str:
        return ""


class CommandHandler(ChatbotHandler):  # type: ignore[misc]
    """Robot messages from the Stream: answered once per msgId, then ACKed. An error leaves the
    frame un-ACKed, so DingTalk delivers it again."""

    def __init__(self, rt: Runtime, redis: Any, http: ApiClient) -> None:
        super().__init__()
        self.rt, self.redis, self.http = rt, redis, http

    async def process(self, callback: CallbackMessage) -> tuple[int, str]:
        try:
            message = parse_message(callback.data)
        except ValueError:
            return AckMessage.STATUS_BAD_REQUEST, "not a robot message"
        reply = await answer(self.rt, self.redis, message)
        if reply is not None:
            await deliver(self.http, self.rt.settings, message, reply)
        return AckMessage.STATUS_OK, "OK"


def stream_client(settings: Settings, handler: CommandHandler) -> StreamClient:
    credential = Credential(settings.dingtalk_app_key, settings.dingtalk_app_secret.get_secret_value())
    client = StreamClient(credential, api_url=settings.dingtalk_new_api_url)
    client.register_callback_handler(ChatbotMessage.TOPIC, handler)
    return client


async def run_until(client: StreamClient, stop: asyncio.Event) -> None:
    """Run the SDK's connect-and-reconnect loop until ``stop`` is set."""
    task = asyncio.create_task(client.start())
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    # The SDK's loop takes one cancellation for a dropped connection (it logs a network error,
    # sleeps, reconnects): silence it and keep cancelling until it has really ended.
    client.logger.disabled = True
    while not task.done():
        task.cancel()
        await asyncio.wait({task}, timeout=0.1)
    if client.websocket is not None:
        with contextlib.suppress(Exception):
            await client.websocket.close()
    with contextlib.suppress(asyncio.CancelledError):
        task.result()
