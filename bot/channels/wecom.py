"""Enterprise WeChat (企业微信) group robot: platforms.md §5.

POST ``{wecom_api_url}/cgi-bin/webhook/send?key=…`` with a markdown body. The ``key`` is the
only credential (no signing). Errors come back in HTTP 200 as a non-zero ``errcode``. WeCom has
no idempotency key, so a retry after a timeout can deliver a message twice.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from bot.base import Channel, ChannelError, Message, Receipt
from bot.channels.fields import token_from_url
from bot.render import render

MAX_BYTES = 4096  # §5: markdown.content at most 4096 bytes, errcode 40058 above
RATE_RETRY_SECONDS = 60.0  # §5: 20 msgs/min per robot; the penalty length is not documented

_HINTS = {-1: "系统繁忙", 40008: "不支持的消息类型", 40058: "消息内容超长", 45009: "发送过快，接口调用超过限制",
          93000: "Webhook 地址无效（key 错误或机器人已被移除）"}
_RATE_CODES = frozenset({45009})  # UNCONFIRMED for robots, but the commonly reported code
# 93000 is not in platforms.md; it is WeCom's "invalid webhook url", seen in public clients.
_PERMANENT_CODES = frozenset({40008, 40058, 93000})


class WeComConfig(BaseModel):
    """One robot in one group. ``key`` also accepts the whole webhook URL as pasted."""

    model_config = ConfigDict(extra="forbid")

    key: SecretStr = Field(title="Webhook 地址或 key")

    @field_validator("key", mode="before")
    @classmethod
    def _key_from_webhook(cls, value: object) -> object:
        return token_from_url(value, "key")


def check_reply(reply: dict[str, Any], *, label: str) -> str:
    """Return errmsg of a successful reply; raise the classified ``ChannelError`` otherwise."""
    try:
        code = int(reply["errcode"])
    except (KeyError, TypeError, ValueError):
        raise ChannelError(f"{label}：响应中没有 errcode", code="bad_reply") from None
    errmsg = str(reply.get("errmsg", ""))
    if code == 0:
        return errmsg
    text = f"{label}返回错误 {code}（{_HINTS.get(code, '未知错误')}）：{errmsg}"
    if code in _RATE_CODES or "freq" in errmsg.lower():
        raise ChannelError(text, rate_limited=True, retry_after=RATE_RETRY_SECONDS, code=str(code))
    raise ChannelError(text, permanent=code in _PERMANENT_CODES, code=str(code))


class WeCom(Channel[WeComConfig]):
    """Markdown with the link as a line; @ by user id as ``<@userid>`` (mobiles cannot be @ in markdown)."""

    kind = "wecom"
    label = "企业微信群机器人"
    Config = WeComConfig
    max_bytes = MAX_BYTES

    async def send_part(self, part: Message) -> Receipt:
        url = f"{self.settings.wecom_api_url.rstrip('/')}/cgi-bin/webhook/send"
        reply = await self.http.request(self.kind, "POST", url, json_body=self.payload(part),
                                        params={"key": self.config.key.get_secret_value()})
        errmsg = check_reply(reply, label=self.label)
        return Receipt(key=part.idempotency_key, message_id=None, request_id=None, status=f"errcode=0 {errmsg}")

    def measure(self, part: Message) -> int:
        return len(self.content(part).encode())

    def content(self, part: Message) -> str:
        return render("wecom_message.md.j2", m=part)

    def payload(self, part: Message) -> dict[str, Any]:
        """The JSON body for one part."""
        return {"msgtype": "markdown", "markdown": {"content": self.content(part)}}
