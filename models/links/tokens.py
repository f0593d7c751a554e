"""Minting and reading action-link tokens (JWT, HS256, python-jose).

Claims are kept short because a digest carries dozens of links inside a platform's size limit:
``sub`` is ``a<account id>`` (a personal card) or ``t<target id>`` (a group card, bound to the
target's scope); ``act`` one of :data:`ACTIONS`; ``obj`` ``w<warning id>`` or a card key (the
outbox row's idempotency key); ``exp`` seconds since the epoch; ``jti`` 12 random characters.
Expiry is checked against the caller's clock, so tests and the bench control time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from jose import JWTError, jwt

ALGORITHM = "HS256"
ACTIONS = {"ack": "确认", "all": "全部确认", "walk": "逐条处理", "fix": "更正", "note": "情况说明",
           "iapprove": "同意", "iopen": "查看并审批"}  # 事项 (link_use.action: 10 chars): obj i<item>s<step> / i<item>
ONCE = frozenset({"ack", "all", "iapprove"})  # links that act; the others open a page or a form, which acts itself
ITEM_ACTIONS = frozenset({"iapprove", "iopen"})
REFUSALS = {
    "tampered": "这个链接不完整或被改动过，无法使用。请回到消息重新点击。",
    "expired": "这个链接已过期。请在门户中处理，或等待下一条提醒消息。",
    "used": "这个链接已经使用过，操作不会重复执行。",
    "wrong_person": "这个链接是发给其他同志的，不能由您使用。",
    "out_of_scope": "该事项不在您负责的单位范围内，无法处理。",
    "not_allowed": "您的角色不能执行这个操作。",
    "gone": "该事项已不存在或已处理完毕。",
}


class LinkRefused(Exception):
    """A link that cannot be used; ``reason`` is a key of :data:`REFUSALS`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    @property
    def message(self) -> str:
        return REFUSALS[self.reason]


@dataclass(frozen=True)
class LinkClaims:
    sub: str
    act: str
    obj: str
    exp: int
    jti: str

    @property
    def account_id(self) -> int | None:
        return _number(self.sub, "a")

    @property
    def target_id(self) -> int | None:
        return _number(self.sub, "t")

    @property
    def warning_id(self) -> int | None:
        return _number(self.obj, "w")

    @property
    def item_ref(self) -> tuple[int, int | None] | None:
        """(item id, step id or None) of an item link's ``obj`` (``i12s34`` / ``i12``), else None."""
        head, _, step = self.obj.partition("s")
        item = _number(head, "i")
        if item is None or (step and not step.isdigit()):
            return None
        return item, int(step) if step else None

    @property
    def once(self) -> bool:
        return self.act in ONCE


def _number(value: str, prefix: str) -> int | None:
    digits = value[1:]
    return int(digits) if value.startswith(prefix) and digits.isdigit() else None


def link_key(secret_key: str) -> str:
    """A key for links alone, derived from the secret key (a leaked link key signs nothing else)."""
    return hmac.new(secret_key.encode(), b"bzops action links", hashlib.sha256).hexdigest()


def mint(key: str, *, sub: str, act: str, obj: str, now: datetime, ttl: timedelta) -> str:
    if act not in ACTIONS:
        raise ValueError(f"unknown link action {act!r}")
    claims = {"sub": sub, "act": act, "obj": obj, "exp": int((now + ttl).timestamp()),
              "jti": secrets.token_urlsafe(9)}
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def read(key: str, token: str, *, now: datetime) -> LinkClaims:
    """The claims of a genuine, unexpired token; :class:`LinkRefused` otherwise."""
    try:
        data = jwt.decode(token, key, algorithms=[ALGORITHM], options={"verify_exp": False})
        claims = LinkClaims(str(data["sub"]), str(data["act"]), str(data["obj"]), int(data["exp"]), str(data["jti"]))
    except (JWTError, KeyError, TypeError, ValueError):
        raise LinkRefused("tampered") from None
    if claims.act not in ACTIONS or not (claims.account_id or claims.target_id):
        raise LinkRefused("tampered")
    if claims.exp <= now.timestamp():
        raise LinkRefused("expired")
    return claims
