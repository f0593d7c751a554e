"""Every channel kind, in one explicit dict: the portal's choices and config validation come from here.

Adding a channel touches its module, its template, one line below and its test
(see ``bot/channels/README.md``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, SecretStr, ValidationError

from bot.base import Channel, ChannelError
from bot.channels.dingtalk import DingTalk, ZzdRobot
from bot.channels.log import LogChannel
from bot.channels.sms import AliyunSms
from bot.channels.wecom import WeCom
from bot.channels.zzd import ZzdGroup, ZzdWork
from bot.http import ApiClient
from models.core.settings import Settings

CHANNELS: dict[str, type[Channel[Any]]] = {
    "dingtalk": DingTalk,
    "zzd_robot": ZzdRobot,
    "zzd_work": ZzdWork,
    "zzd_group": ZzdGroup,
    "wecom": WeCom,
    "sms": AliyunSms,
    "log": LogChannel,
}


def get(kind: str) -> type[Channel[Any]]:
    """The channel class for ``kind``. Raises a permanent ``ChannelError`` for an unknown kind."""
    try:
        return CHANNELS[kind]
    except KeyError:
        raise ChannelError(f"未知的通道类型：{kind}", permanent=True, code="unknown_kind") from None


def kind_choices() -> list[tuple[str, str]]:
    """``(kind, Chinese label)`` pairs in registry order, for the portal's channel form."""
    return [(kind, cls.label) for kind, cls in CHANNELS.items()]


def parse_config(kind: str, raw: dict[str, Any]) -> BaseModel:
    """Validate ``raw`` with the channel's ``Config``.

    Raises ``ChannelError`` (permanent) for an unknown kind and ``pydantic.ValidationError``
    (with field errors a form can show) for a bad config.
    """
    return get(kind).Config.model_validate(raw)


def stored_config(config: BaseModel) -> dict[str, Any]:
    """The JSON to store on the channel row: secrets revealed (``model_dump(mode="json")`` masks them)."""
    data = config.model_dump(mode="python")
    return {name: _reveal(value) for name, value in data.items()}


def build(kind: str, raw: dict[str, Any], *, http: ApiClient, settings: Settings) -> Channel[Any]:
    """A ready channel from a stored row, for the worker.

    Raises a permanent ``ChannelError`` for an unknown kind or a config that no longer
    validates, so the caller records it like any other failed delivery.
    """
    try:
        config = parse_config(kind, raw)
    except ValidationError as exc:
        fields = "、".join(".".join(str(p) for p in error["loc"]) for error in exc.errors())
        # Field names only: pydantic errors quote the input, which may hold a secret.
        raise ChannelError(f"通道配置无效：{fields}", permanent=True, code="bad_config") from None
    return get(kind)(config, http=http, settings=settings)


def _reveal(value: Any) -> Any:
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, list):
        return [_reveal(item) for item in value]
    return value
