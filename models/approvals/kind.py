"""What an item kind is: its name, its default flow, its pre-check and what approving it does.

Each kind (用编, 入编, 出编, 核职, 任免, 解锁, 整改销号, 情况说明) registers one :class:`Kind`. The engine
(``models.approvals.engine``) knows nothing of quotas or persons: at submission it calls the kind's
``check`` (which refuses with the figures, or returns the figures it saw), and when the last step
approves it calls ``apply`` in the same transaction (which changes the records and returns the
figures after). A kind with ``review`` needs a second officer of the same office (二人复核) before
it applies; a ``holdable`` kind is held (暂缓审批) while its unit has overdue S1 rectifications.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from models.approvals.tables import Item
from models.core.decision import Actor

Figures = dict[str, Any]


class ItemRefused(ValueError):
    """The item cannot be filed or approved; ``str()`` is the Chinese reason, with the figures."""

    def __init__(self, message: str, figures: Figures | None = None) -> None:
        super().__init__(message)
        self.figures = figures or {}


@dataclass(frozen=True)
class Application:
    """What a unit files: the kind's own fields are in ``payload``."""

    kind: str
    unit_id: int
    title: str
    payload: dict[str, Any] = field(default_factory=dict)
    warning_id: int | None = None
    person_id: int | None = None
    basis_id: int | None = None  # 入编: the approved 用编 it draws on
    # Set when the engine checks an item already filed (final approval, resubmission): a check that
    # counts pending items must leave this one out, or it would count itself twice.
    item_id: int | None = None


@dataclass(frozen=True)
class Step:
    """One step of a flow: who signs (a role), how (或签 ``any`` / 会签 ``all``) and within how many
    working days."""

    name: str
    role: str
    mode: Literal["any", "all"] = "any"
    days: int = 2

    def as_data(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role, "mode": self.mode, "days": self.days}


Check = Callable[[AsyncSession, Application, date], Awaitable[Figures]]
Apply = Callable[[AsyncSession, Item, Actor], Awaitable[Figures]]


async def _nothing(_session: AsyncSession, _item: Item, _actor: Actor) -> Figures:
    return {}


@dataclass(frozen=True)
class Kind:
    code: str                       # stored in ``item.kind``: use_quota, enter, exit, posts, appoint …
    label: str                      # what people read: 用编申请, 入编, 出编 …
    steps: tuple[Step, ...]         # the default flow, shipped with the product
    check: Check                    # at submission (and again at final approval): figures or ItemRefused
    apply: Apply = _nothing         # on final approval, same transaction: figures after
    reject: Apply = _nothing        # on rejection (情况说明: the warning's dispute is rejected)
    withdraw: Apply = _nothing      # on withdrawal by the applicant (情况说明: the dispute is withdrawn)
    review: bool = False            # 二人复核 by a second officer of the same office
    holdable: bool = False          # 暂缓审批 while the unit has overdue S1 rectifications


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.code] = kind
    return kind


def kind_of(code: str) -> Kind:
    """The registered kind; a ``KeyError`` is a programming error (codes come from our own rows)."""
    return KINDS[code]
