"""DingTalk custom group robot (自定义机器人, webhook): platforms.md §1.

POST ``{dingtalk_api_url}/robot/send?access_token=…[&timestamp=…&sign=…]`` with a markdown or
actionCard body. Failures come back as HTTP 200 with a non-zero ``errcode``; they are classified
on the code and on the errmsg text, because public code tables disagree on some codes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from yarl import URL

from bot.base import Channel, ChannelError, Message, Receipt
from bot.channels.fields import token_from_url
from bot.http import Outbound, encode_json
from bot.render import render

MAX_BYTES = 20_000  # §1.4: bodies over 20,000 bytes are refused with errcode 460101
PENALTY_SECONDS = 600.0  # §1.4: going over 20 msgs/min throttles the robot for 10 minutes
QUOTA_RETRY_SECONDS = 6 * 3600.0  # 90030 monthly quota (UNCONFIRMED): retrying soon cannot help

_HINTS = {
    -1: "系统繁忙", 310000: "安全设置校验未通过：加签、关键词或 IP 白名单", 400013: "群已解散",
    400101: "access_token 不存在", 400102: "机器人已停用", 400105: "不支持的消息类型",
    400106: "机器人不存在或已被移出群", 410100: "发送过快，机器人被限流 10 分钟",
    130101: "发送过快，机器人被限流 10 分钟", 460101: "消息超过 20000 字节", 90030: "机器人消息额度已用完",
}
_RATE_CODES = frozenset({410100, 130101})
_PERMANENT_CODES = frozenset({310000, 400013, 400101, 400102, 400105, 400106, 460101,
                              430101, 430102, 430103, 430104})
_RATE_TEXT = ("too fast", "太快", "限流")
_PERMANENT_TEXT = ("sign not match", "keywords not in content", "invalid timestamp", "whitelist",
                   "not exist", "不存在", "disabled", "停用", "exceed 20000", "大小不合法")


class DingTalkConfig(BaseModel):
    """One robot in one group. ``access_token`` also accepts the whole webhook URL as pasted."""

    model_config = ConfigDict(extra="forbid")

    access_token: SecretStr = Field(title="Webhook 地址或 access_token")
    secret: SecretStr | None = Field(default=None, title="加签密钥（SEC 开头）")
    keyword: str | None = Field(default=None, max_length=20, title="自定义关键词")
    card: bool = Field(default=True, title="有链接时使用卡片按钮")

    @field_validator("access_token", mode="before")
    @classmethod
    def _token_from_webhook(cls, value: object) -> object:
        return token_from_url(value, "access_token")

    @field_validator("secret", mode="before")
    @classmethod
    def _secret_prefix(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        if not value.strip():
            return None  # an empty form field means "no 加签"
        if not value.strip().startswith("SEC"):
            raise ValueError("加签密钥应以 SEC 开头，请从机器人安全设置页复制")
        return value.strip()


def robot_signature(secret: str, timestamp_ms: int) -> str:
    """加签: Base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}")), not yet URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


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
    lowered = errmsg.lower()
    if code in _RATE_CODES or any(hint in lowered for hint in _RATE_TEXT):
        raise ChannelError(text, rate_limited=True, retry_after=PENALTY_SECONDS, code=str(code))
    if code == 90030:
        raise ChannelError(text, rate_limited=True, retry_after=QUOTA_RETRY_SECONDS, code=str(code))
    # Bad-token codes differ between sources (300001, 300005, 4001xx): all are configuration.
    token_code = 300000 <= code < 300100 or 400100 <= code < 400200
    permanent = code in _PERMANENT_CODES or token_code or any(hint in lowered for hint in _PERMANENT_TEXT)
    raise ChannelError(text, permanent=permanent, code=str(code))


def card_buttons(part: Message) -> dict[str, Any]:
    """actionCard buttons (§3.1): one ``singleURL``, or ``btns`` stacked vertically for a thumb."""
    buttons = part.all_buttons
    if len(buttons) == 1:
        return {"singleTitle": buttons[0].label, "singleURL": buttons[0].url}
    return {"btnOrientation": "0", "btns": [{"title": b.label, "actionURL": b.url} for b in buttons]}


class DingTalk(Channel[DingTalkConfig]):
    """Markdown, or an actionCard with its buttons when the message has any and no @."""

    kind = "dingtalk"
    label = "钉钉群机器人"
    Config = DingTalkConfig
    max_bytes = MAX_BYTES

    @property
    def base_url(self) -> str:
        return self.settings.dingtalk_api_url.rstrip("/")

    async def send_part(self, part: Message) -> Receipt:
        reply = await self.http.request(self.kind, "POST", f"{self.base_url}/robot/send",
                                        json_body=self.payload(part), sign=self._sign)
        errmsg = check_reply(reply, label=self.label)
        return Receipt(key=part.idempotency_key, message_id=None, request_id=None, status=f"errcode=0 {errmsg}")

    def measure(self, part: Message) -> int:
        return len(encode_json(self.payload(part)))

    def payload(self, part: Message) -> dict[str, Any]:
        """The JSON body for one part (markdown or actionCard, ``at``, ``msgUuid``)."""
        mentions = " ".join(f"@{who}" for who in (*part.at_mobiles, *part.at_user_ids))
        # The docs show ``at`` only with text/markdown, so a message that mentions people
        # stays markdown and carries its buttons as link lines.
        card = bool(part.all_buttons) and self.config.card and not mentions
        text = render("dingtalk_message.md.j2", m=part, buttons=() if card else part.all_buttons,
                      mentions=mentions, keyword=self._missing_keyword(part))
        body: dict[str, Any] = (
            {"msgtype": "actionCard", "actionCard": {"title": part.headline, "text": text, **card_buttons(part)}}
            if card else {"msgtype": "markdown", "markdown": {"title": part.headline, "text": text}})
        if mentions:  # DingTalk renders the mention only if "@who" is also in the text
            body["at"] = {"atMobiles": list(part.at_mobiles), "atUserIds": list(part.at_user_ids), "isAtAll": False}
        if part.idempotency_key:
            body["msgUuid"] = part.idempotency_key
        return body

    def _missing_keyword(self, part: Message) -> str:
        keyword = self.config.keyword
        return keyword if keyword and keyword not in part.title + part.body else ""

    def _sign(self, out: Outbound) -> None:
        query = {"access_token": self.config.access_token.get_secret_value()}
        if self.config.secret is not None:
            timestamp = int(time.time() * 1000)
            query |= {"timestamp": str(timestamp),
                      "sign": robot_signature(self.config.secret.get_secret_value(), timestamp)}
        # urlencode quotes with quote_plus, as the official sample does; "+" in a raw
        # Base64 sign would otherwise arrive as a space and fail the check.
        out.url = URL(f"{out.url}?{urlencode(query)}", encoded=True)


class ZzdRobot(DingTalk):
    """浙政钉 group robot: the stock DingTalk webhook on the 浙政钉 API host (platforms.md §4.3).

    Same payloads and 加签 as DingTalk; whether its limits and errcodes match is UNCONFIRMED.
    """

    kind = "zzd_robot"
    label = "浙政钉群机器人"

    @property
    def base_url(self) -> str:
        return self.settings.zzd_api_url.rstrip("/")
