"""Acting on an item from a card: resolving an item link (``iapprove`` / ``iopen``) to what its tapper
may do, and approving once.

The checks follow :mod:`tasks.links`: the token (genuine, unexpired), the person (item cards are
personal: the link works for its account only), the role (``DECIDE_ITEM``), the object (the item
exists and lies in the tapper's scope); for 同意 also the step: the link names the step it was sent
for, and it approves only while that step runs and waits for the tapper. Acting claims the link's
``jti`` first, then makes the move and writes its notices, all in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.permissions import Action, can
from models.approvals.engine import decide
from models.approvals.outcome import Outcome
from models.approvals.query import ItemDetail, StepView, item_detail
from models.core.settings import Settings
from models.links.ledger import claim
from models.links.tokens import LinkClaims, LinkRefused
from models.staffing.scope import Scope
from tasks.links import Tapper
from tasks.notify.item_notices import write_item_notices


@dataclass(frozen=True)
class ItemLink:
    claims: LinkClaims
    detail: ItemDetail
    step_id: int | None

    @property
    def step(self) -> StepView | None:
        """The step the link was sent for, while it runs (None once it has finished)."""
        return next((s for s in self.detail.steps if s.id == self.step_id and s.status == "active"), None)

    @property
    def may_approve(self) -> bool:
        """The link's step still runs and waits for the tapper (whose moves include 同意)."""
        return self.step is not None and "approve" in self.detail.moves


async def resolve_item(session: AsyncSession, claims: LinkClaims, tapper: Tapper, today: date) -> ItemLink:
    ref = claims.item_ref
    if ref is None or claims.account_id is None:  # item links are minted for one person only
        raise LinkRefused("tampered")
    if claims.account_id != tapper.account_id:
        raise LinkRefused("wrong_person")
    if not can(tapper.actor.role, Action.DECIDE_ITEM):
        raise LinkRefused("not_allowed")
    who = tapper.actor
    detail = await item_detail(session, ref[0], scope=tapper.scope, today=today, login=who.login, role=who.role)
    if detail is None:  # tell "not yours" from "no longer there" (one more query, on refusals only)
        exists = await item_detail(session, ref[0], scope=Scope(everything=True), today=today)
        raise LinkRefused("out_of_scope" if exists else "gone")
    return ItemLink(claims, detail, ref[1])


async def approve_from_link(session: AsyncSession, settings: Settings, link: ItemLink, tapper: Tapper, *,
                            version: int | None, doc_no: str | None, today: date, now: datetime) -> Outcome:
    """Claim the link, then 同意 (the engine refuses a stale version or a decided step with who did it)."""
    await claim(session, link.claims, account_id=tapper.account_id, done=1)
    if link.step is None:
        raise LinkRefused("gone")
    outcome = await decide(session, link.detail.row.id, tapper.actor, "approve", today=today, version=version,
                           doc_no=doc_no)
    await write_item_notices(session, settings, outcome, tapper.actor, today=today, now=now)
    return outcome
