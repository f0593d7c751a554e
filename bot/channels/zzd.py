"""浙政钉 app channels: work notifications to people, and messages into a group chat.

Work notifications (``POST /message/workNotification``, platforms.md §4.3) carry ``bizMsgId``:
the platform refuses a repeated id as a duplicate, which we count as delivered. Group
messages go through ``POST /chat/sendMsg`` (``chatType=2``); its parameters are UNCONFIRMED and
it has no documented idempotency key, so a retried group message may arrive twice.
Both limit ``msg`` (a JSON string in DingTalk's message format) to 2048 bytes.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, TypeVar

from pydantic import Field

from bot.base import Channel, ChannelError, Message, Receipt
from bot.channels.fields import StrList
from bot.channels.zzd_api import ZzdApi, ZzdAppConfig, ZzdReplyError
from bot.http import encode_json
from bot.render import render

MSG_MAX_BYTES = 2048  # §4.3: ``msg`` at most 2048 bytes

ZzdConfigT = TypeVar("ZzdConfigT", bound=ZzdAppConfig)


class ZzdWorkConfig(ZzdAppConfig):
    """Who receives the notification: accounts and/or whole departments (with sub-departments)."""

    receiver_ids: StrList = Field(default_factory=list, max_length=1000, title="接收人（accountId，逗号分隔）")
    organization_codes: StrList = Field(default_factory=list, max_length=20, title="接收部门（organizationCode）")


class ZzdGroupConfig(ZzdAppConfig):
    chat_id: str = Field(min_length=1, title="群会话 ID（chatId）")
    sender_id: str = Field(default="", title="发送人 accountId（可选）")


class _ZzdChannel(Channel[ZzdConfigT]):
    """Shared by the two app channels: the signed API, the message format and the size rule."""

    max_bytes = MSG_MAX_BYTES

    @property
    def api(self) -> ZzdApi:
        return ZzdApi(http=self.http, base_url=self.settings.zzd_api_url, config=self.config,
                      kind=self.kind, label=self.label)

    def measure(self, part: Message) -> int:
        return len(encode_json(self.msg(part)))

    @abstractmethod
    def msg(self, part: Message) -> dict[str, Any]:
        """The DingTalk-format message object that travels as the ``msg`` parameter."""

    def _markdown(self, part: Message, *, link_lines: bool) -> dict[str, Any]:
        text = render("zzd_message.md.j2", m=part, buttons=part.all_buttons if link_lines else ())
        return {"msgtype": "markdown", "markdown": {"title": part.headline, "text": text}}

    def _params(self, part: Message, **extra: str) -> dict[str, str]:
        return {"tenantId": self.config.tenant_id, "msg": encode_json(self.msg(part)).decode(), **extra}


class ZzdWork(_ZzdChannel[ZzdWorkConfig]):
    """工作通知 into each receiver's app notification chat; buttons become action_card buttons."""

    kind = "zzd_work"
    label = "浙政钉工作通知"
    Config = ZzdWorkConfig

    def msg(self, part: Message) -> dict[str, Any]:
        buttons = part.all_buttons
        if not buttons:
            return self._markdown(part, link_lines=False)
        text = render("zzd_message.md.j2", m=part, buttons=())
        card: dict[str, Any] = {"title": part.headline, "markdown": text}
        if len(buttons) == 1:
            card |= {"single_title": buttons[0].label, "single_url": buttons[0].url}
        else:  # the work-notification action_card of DingTalk's message format
            card |= {"btn_orientation": "0",
                     "btn_json_list": [{"title": b.label, "action_url": b.url} for b in buttons]}
        return {"msgtype": "action_card", "action_card": card}

    async def send_part(self, part: Message) -> Receipt:
        params = self._params(part, **self._receivers())
        if part.idempotency_key:
            params["bizMsgId"] = part.idempotency_key
        try:
            content = await self.api.call_with_token("/message/workNotification", params)
        except ZzdReplyError as exc:
            if exc.reason != "duplicate":
                raise
            # The same bizMsgId was accepted before (a retry after a timeout): already delivered.
            return Receipt(key=part.idempotency_key, message_id=None, request_id=None, status="duplicate")
        return _receipt(part, content)

    def _receivers(self) -> dict[str, str]:
        receivers = {"receiverIds": ",".join(self.config.receiver_ids),
                     "organizationCodes": ",".join(self.config.organization_codes)}
        receivers = {name: value for name, value in receivers.items() if value}
        if not receivers:
            raise ChannelError(f"{self.label}：没有配置接收人或接收部门", permanent=True, code="no_receivers")
        return receivers


class ZzdGroup(_ZzdChannel[ZzdGroupConfig]):
    """A message from the app into one group chat (markdown, buttons as link lines)."""

    kind = "zzd_group"
    label = "浙政钉群消息（应用）"
    Config = ZzdGroupConfig

    def msg(self, part: Message) -> dict[str, Any]:
        return self._markdown(part, link_lines=True)

    async def send_part(self, part: Message) -> Receipt:
        sender = {"senderId": self.config.sender_id} if self.config.sender_id else {}
        params = self._params(part, chatType="2", chatId=self.config.chat_id, **sender)
        return _receipt(part, await self.api.call_with_token("/chat/sendMsg", params))


def _receipt(part: Message, content: dict[str, Any]) -> Receipt:
    data = content.get("data")
    message_id = data.get("msgId") if isinstance(data, dict) else data if isinstance(data, str) else None
    request_id = content.get("requestId")
    return Receipt(key=part.idempotency_key, message_id=str(message_id) if message_id else None,
                   request_id=str(request_id) if request_id else None,
                   status=f"responseCode={content.get('responseCode', '')}")
