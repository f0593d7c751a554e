"""What the engine hands back: the outcome of a move and who must hear of it, and its refusals.

The engine writes the item, its steps, signers, timeline event and audit row in the caller's
transaction and returns an :class:`Outcome`. It sends nothing: the caller (portal, action link,
CLI) turns ``outcome.notices`` into outbox rows *in the same transaction* before it commits, so a
decision and its messages commit together or not at all::

    async with transaction(rt.sessions) as session:
        outcome = await engine.decide(session, item_id, actor, "approve", today=today, version=v)
        await write_item_notices(session, outcome)      # the caller's outbox rows (helper F)

Refusals are exceptions whose ``str()`` is the Chinese message to show: :class:`ItemError` (the move
is not possible now), its subclasses :class:`ItemNotFound` (missing or outside the reader's scope:
answer 404) and :class:`Stale` (someone else decided first: "已由 张三 于 … 审批"), the kind's
:class:`models.approvals.kind.ItemRefused` (with the figures) and
:class:`models.accounts.permissions.PermissionDenied`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from models.core.decision import Conflict, DecisionError

# Why a notice is owed: SIGN — a step now waits for this person's signature (new step, 转交, 加签);
# DECISION — the applicant hears a decision on their item (the outcome's ``event`` says which).
SIGN, DECISION = "sign", "decision"


class ItemError(DecisionError):
    """The move is not possible; ``str()`` is the Chinese message shown to the user."""


class ItemNotFound(ItemError):
    """No such item, or not in the reader's scope (the portal answers 404 for both)."""


class Stale(ItemError, Conflict):
    """Someone decided first (a double tap, two officers at once, a stale form); nothing was changed."""


@dataclass(frozen=True)
class Notice:
    """One person who must hear of the move, and why (``SIGN`` or ``DECISION``)."""

    login: str
    reason: str
    step_no: int | None = None


@dataclass(frozen=True)
class Outcome:
    """The result of :func:`models.approvals.engine.submit` or :func:`~models.approvals.engine.decide`."""

    item_id: int
    move: str                   # submit / approve / reject / return / transfer / add_signer / comment / …
    event: str                  # the timeline event written (labels.EVENT_LABELS)
    status: str                 # the item's status after the move (labels.STATUS_LABELS)
    step_no: int                # the item's current step after the move
    version: int                # the item's version after the move (for the next form)
    message: str                # a Chinese sentence for the actor: "已同意，转入分管领导终审"
    notices: tuple[Notice, ...] = ()
    unstaffed: bool = False     # the step now active has nobody to sign (无人可审批): tell an admin
    figures: dict[str, Any] = field(default_factory=dict)  # the kind's figures its check saw (before)
    figures_after: dict[str, Any] = field(default_factory=dict)  # what apply returned, on final approval

    @property
    def final(self) -> bool:
        return self.status in ("approved", "rejected", "withdrawn")
