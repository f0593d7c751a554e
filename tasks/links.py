"""Acting from a card: resolving an action link to what its tapper may act on, and acting once.

Order of checks, each refusal a :class:`LinkRefused` the page explains (and the caller audits):
the token (genuine, unexpired: :func:`models.links.tokens.read`), the person (a personal card's
link works for its account only), the role (the permission table), the object (it exists; it is
in the tapper's scope; a group card's object lies in the group's scope), and, on POST only, the
``jti`` (unused). Acting claims the ``jti`` first, in the same transaction as the decisions and
the group's echo, so a double tap, a replay or two phones act exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.escape import inert
from models.accounts.permissions import Action, can
from models.core.decision import Actor
from models.links.ledger import claim
from models.links.tokens import LinkClaims, LinkRefused
from models.notify.cards import Card, card, echo, target_covers
from models.staffing.ids import mask_name
from models.staffing.scope import Scope
from models.warnings.actions import acknowledge
from models.warnings.query import WarningRow, get_warning, warning_unit, warnings_by_ids

PERMISSION = {"ack": Action.ACKNOWLEDGE_WARNING, "all": Action.ACKNOWLEDGE_WARNING, "walk": Action.VIEW_DATA,
              "fix": Action.CORRECT_RECORD, "note": Action.DISPUTE_WARNING}


@dataclass(frozen=True)
class Tapper:
    """Who opened the link: the account, its role and scope, as the decision step records it."""

    account_id: int
    actor: Actor
    scope: Scope


@dataclass(frozen=True)
class LinkObject:
    """What a link lets its tapper act on: one warning, or the warnings of a card they may see."""

    claims: LinkClaims
    warnings: list[WarningRow]
    card: Card | None = None

    @property
    def open(self) -> list[WarningRow]:
        return [w for w in self.warnings if w.status == "open"]


async def resolve(session: AsyncSession, claims: LinkClaims, tapper: Tapper, today: date) -> LinkObject:
    if claims.act not in PERMISSION:  # an item link (``/a/i/<token>``, tasks.item_links) on the warning path
        raise LinkRefused("tampered")
    if claims.account_id is not None and claims.account_id != tapper.account_id:
        raise LinkRefused("wrong_person")
    if not can(tapper.actor.role, PERMISSION[claims.act]):
        raise LinkRefused("not_allowed")
    if claims.warning_id is not None:
        return LinkObject(claims, [await _warning(session, claims, tapper, today)])
    return await _card(session, claims, tapper, today)


async def _warning(session: AsyncSession, claims: LinkClaims, tapper: Tapper, today: date) -> WarningRow:
    warning_id = claims.warning_id or 0
    warning = await get_warning(session, scope=tapper.scope, warning_id=warning_id, today=today)
    if warning is None:  # tell "not yours" from "no longer there" (one more query, on refusals only)
        raise LinkRefused("out_of_scope" if await warning_unit(session, warning_id=warning_id) else "gone")
    group = claims.target_id
    if group is not None and not await target_covers(session, target_id=group, unit_id=warning.unit_id):
        raise LinkRefused("out_of_scope")
    return warning


async def _card(session: AsyncSession, claims: LinkClaims, tapper: Tapper, today: date) -> LinkObject:
    found = await card(session, key=claims.obj)
    if found is None:
        raise LinkRefused("gone")
    if claims.target_id is not None and found.target_id != claims.target_id:
        raise LinkRefused("tampered")  # signed, so only a bug could get here: refuse rather than guess
    warnings = await warnings_by_ids(session, scope=tapper.scope, ids=found.listed, today=today)
    if found.listed and not warnings:
        raise LinkRefused("out_of_scope")
    return LinkObject(claims, warnings, found)


async def act(session: AsyncSession, obj: LinkObject, tapper: Tapper, now: datetime) -> int:
    """Claim the link and acknowledge what is still open; returns how many warnings changed."""
    targets = obj.open
    await claim(session, obj.claims, account_id=tapper.account_id, done=len(targets))
    for warning in targets:
        await acknowledge(session, warning, tapper.actor)
    if obj.claims.target_id is not None and targets:
        await echo(session, target_id=obj.claims.target_id, line=echo_line(tapper.actor, len(targets)), now=now)
    return len(targets)


def echo_line(actor: Actor, count: int) -> str:
    """What the group reads: the masked name (the group is many people) and how many."""
    return f"{inert(mask_name(actor.name or '同事'))}已确认 {count} 条预警"  # markdown: "**" would be bold


async def echo_walk(session: AsyncSession, *, card_key: str, warning_id: int, actor: Actor, now: datetime) -> None:
    """A 确认 while walking a group's card (逐条处理) tells that group too, as a button would."""
    found = await card(session, key=card_key)
    if found is not None and not found.personal and warning_id in found.listed:
        await echo(session, target_id=found.target_id, line=echo_line(actor, 1), now=now)
