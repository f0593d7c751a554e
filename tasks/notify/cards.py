"""Cards that act: the signed links a digest carries for its reader, and what its outbox row keeps.

A personal target's links name its account (``a<id>``); a group target's links name the target
(``t<id>``), so whoever taps must be allowed to act and the object must lie in the group's scope.
SMS carries no links (approved templates only). The outbox payload keeps the card's buttons
(the send job rebuilds the message from the row) and ``listed``: every warning the card was about,
which is exactly what 全部确认 acknowledges and 逐条处理 walks.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.base import Button, Message
from bot.digest import Item, LinkMaker
from models.core.settings import Settings
from models.links.tokens import link_key, mint
from models.notify.audience import TargetRef
from models.notify.tables import Target

NO_LINKS = frozenset({"sms"})


def link_subject(target: Target | TargetRef) -> str:
    return f"a{target.account_id}" if target.account_id else f"t{target.id}"


def link_maker(settings: Settings, target: Target | TargetRef, now: datetime) -> LinkMaker | None:
    """Signed action links for ``target``'s cards, valid ``action_link_hours`` from ``now``."""
    if target.kind in NO_LINKS:
        return None
    key, sub = link_key(settings.secret_key.get_secret_value()), link_subject(target)
    ttl, base = timedelta(hours=settings.action_link_hours), settings.public_url.rstrip("/")
    return lambda act, obj: f"{base}/a/{mint(key, sub=sub, act=act, obj=obj, now=now, ttl=ttl)}"


def card_payload(message: Message, items: list[Item]) -> dict[str, Any]:
    return {"template_params": message.template_params, "listed": [i.warning_id for i in items],
            "buttons": [[b.label, b.url] for b in message.buttons]}


def stored_buttons(payload: dict[str, Any]) -> tuple[Button, ...]:
    return tuple(Button(str(label), str(url)) for label, url in payload.get("buttons", []))
