"""Internal bodies (内设机构) and leadership posts (职数): the one definition of who holds a post.

Rule C5 (超职数, unit and body level), the unit page and the 核职 / 任免 pre-checks of approval items
all count holders with the predicates here, so a refusal and a warning never disagree:

- a unit-level or internal-total post is held by an active person whose ``leader_kind`` maps to
  (scope, rank) in :data:`LEADER_POSTS`, in the post unit (``post_unit_id``, defaulting to the own unit);
- a body's post is held by an active person with that ``body_id`` and an internal leader kind.

A body's ``chief_posts`` / ``deputy_posts`` may be None: not separately approved, so only the unit's
internal total applies to it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.staffing.records import BodyRecord
from models.staffing.tables import INTERNAL_BODY as BODY
from models.staffing.tables import PERSON, UNIT
from models.staffing.tables import POST_QUOTA as POSTS

# leader_kind → (post scope, rank): the vocabulary of PostQuota.
LEADER_POSTS: dict[str, tuple[str, str]] = {
    "unit_chief": ("unit", "chief"), "unit_deputy": ("unit", "deputy"),
    "internal_chief": ("internal", "chief"), "internal_deputy": ("internal", "deputy"),
}
RANKS = ("chief", "deputy")
RANK_LABELS = {"chief": "正职", "deputy": "副职"}
BODY_STATUS_LABELS = {"active": "存续", "abolished": "已撤销"}


def kinds_of(scope: str) -> dict[str, str]:
    """{leader_kind: rank} of one post scope ("unit" or "internal")."""
    return {kind: rank for kind, (s, rank) in LEADER_POSTS.items() if s == scope}


def holds_post() -> ColumnElement[bool]:
    """An active person in a leadership post of any scope (the holders C5 counts)."""
    return (PERSON.c.status == "active") & PERSON.c.leader_kind.in_(LEADER_POSTS)


def post_unit() -> ColumnElement[Any]:
    """The unit whose posts a leader occupies: the post unit, defaulting to the own unit."""
    return func.coalesce(PERSON.c.post_unit_id, PERSON.c.unit_id)


def holds_body_post() -> ColumnElement[bool]:
    """An active person in an internal post of a body (counted against the body's own 职数)."""
    return (PERSON.c.status == "active") & PERSON.c.body_id.is_not(None) & \
        PERSON.c.leader_kind.in_(kinds_of("internal"))


@dataclass(frozen=True)
class PostRoom:
    """Approved and held 正职/副职 posts of a unit scope or a body; approved None = not separately
    approved (only a body can say so), which never refuses nor warns."""

    chief_approved: int | None
    chief_held: int
    deputy_approved: int | None
    deputy_held: int

    def approved(self, rank: str) -> int | None:
        return self.chief_approved if rank == "chief" else self.deputy_approved

    def held(self, rank: str) -> int:
        return self.chief_held if rank == "chief" else self.deputy_held

    def room(self, rank: str) -> int | None:
        """Posts still free (negative when over); None when there is no separate approval."""
        approved = self.approved(rank)
        return None if approved is None else approved - self.held(rank)

    def exceeded_by(self, rank: str, adding: int = 1) -> bool:
        """Whether ``adding`` more holders of ``rank`` would go above the approved number."""
        room = self.room(rank)
        return room is not None and adding > room


async def _held(session: AsyncSession, where: ColumnElement[bool], ranks: dict[str, str]) -> dict[str, int]:
    rows = await session.execute(select(PERSON.c.leader_kind, func.count()).where(where)
                                 .group_by(PERSON.c.leader_kind))
    held = dict.fromkeys(RANKS, 0)
    for kind, n in rows:
        held[ranks[kind]] += n
    return held


async def unit_posts(session: AsyncSession, *, unit_id: int, scope: str) -> PostRoom:
    """Posts of a unit in ``scope`` "unit" (单位领导) or "internal" (内设机构领导, total of all bodies);
    a missing approval counts as 0, as in rule C5."""
    ranks = kinds_of(scope)
    where = holds_post() & PERSON.c.leader_kind.in_(ranks) & (post_unit() == unit_id)
    held = await _held(session, where, ranks)
    approved: dict[str, int] = dict((await session.execute(select(POSTS.c.rank, POSTS.c.approved).where(
        POSTS.c.unit_id == unit_id, POSTS.c.scope == scope))).all())
    return PostRoom(approved.get("chief", 0), held["chief"], approved.get("deputy", 0), held["deputy"])


async def body_posts(session: AsyncSession, *, body_id: int) -> PostRoom:
    """Posts of one internal body: its own approval (None = not separately approved) and holders.
    LookupError when there is no such body."""
    body = (await session.execute(select(BODY.c.chief_posts, BODY.c.deputy_posts)
                                  .where(BODY.c.id == body_id))).one_or_none()
    if body is None:
        raise LookupError(f"内设机构 {body_id} 不存在")
    held = await _held(session, holds_body_post() & (PERSON.c.body_id == body_id), kinds_of("internal"))
    return PostRoom(body.chief_posts, held["chief"], body.deputy_posts, held["deputy"])


@dataclass(frozen=True)
class BodyView:
    """An internal body as the unit page shows it: its approval and its holders."""

    id: int
    code: str
    name: str
    grade: str | None
    status: str
    approved_on: date | None
    approval_doc: str | None
    posts: PostRoom

    @property
    def over_ranks(self) -> tuple[str, ...]:
        """The ranks held above the body's own approval (rule C5_BODY_OVER_POSTS)."""
        return tuple(r for r in RANKS if self.status == "active" and self.posts.exceeded_by(r, 0))


async def list_bodies(session: AsyncSession, *, unit_id: int) -> list[BodyView]:
    """The unit's bodies, active first, then by code, each with its post figures."""
    rows = (await session.execute(select(BODY).where(BODY.c.unit_id == unit_id)
                                  .order_by(BODY.c.status, BODY.c.code))).all()
    held = await _held_per_body(session, [r.id for r in rows])
    return [BodyView(r.id, r.code, r.name, r.grade, r.status, r.approved_on, r.approval_doc,
                     PostRoom(r.chief_posts, held.get((r.id, "chief"), 0), r.deputy_posts,
                              held.get((r.id, "deputy"), 0))) for r in rows]


async def _held_per_body(session: AsyncSession, body_ids: list[int]) -> dict[tuple[int, str], int]:
    ranks = kinds_of("internal")
    rows = await session.execute(select(PERSON.c.body_id, PERSON.c.leader_kind, func.count())
                                 .where(holds_body_post(), PERSON.c.body_id.in_(body_ids))
                                 .group_by(PERSON.c.body_id, PERSON.c.leader_kind))
    return {(body_id, ranks[kind]): n for body_id, kind, n in rows}


async def body_counts(session: AsyncSession, *, unit_ids: list[int]) -> dict[int, int]:
    """{unit id: number of active bodies} (what rule C7 counts against 内设机构限额)."""
    rows = await session.execute(select(BODY.c.unit_id, func.count()).where(
        BODY.c.unit_id.in_(unit_ids), BODY.c.status == "active").group_by(BODY.c.unit_id))
    return {unit_id: n for unit_id, n in rows}


async def body_ids_of(session: AsyncSession, *, unit_ids: list[int] | None = None) -> dict[tuple[int, str], int]:
    """{(unit id, body code): body id} of the given units' bodies (all units when None), abolished
    ones included: a record may still name the section it held."""
    query = select(BODY.c.unit_id, BODY.c.code, BODY.c.id)
    if unit_ids is not None:
        query = query.where(BODY.c.unit_id.in_(unit_ids))
    return {(unit_id, code): body_id for unit_id, code, body_id in await session.execute(query)}


async def stream_bodies(session: AsyncSession) -> AsyncIterator[BodyRecord]:
    """Every body as a record, by unit code then body code (export)."""
    rows = await session.execute(select(BODY, UNIT.c.code.label("unit_code")).join(UNIT, UNIT.c.id == BODY.c.unit_id)
                                 .order_by(UNIT.c.code, BODY.c.code))
    for m in (row._mapping for row in rows):
        yield BodyRecord(m["unit_code"], m["code"], m["name"], m["grade"], m["chief_posts"], m["deputy_posts"],
                         m["approved_on"], m["approval_doc"], m["status"])
