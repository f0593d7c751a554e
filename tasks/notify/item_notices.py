"""Notices of approval items (事项), written as outbox rows in the transaction of the move itself.

The engine (``models.approvals.engine``) returns an :class:`~models.approvals.outcome.Outcome`
naming who must hear what; :func:`write_item_notices` turns it into outbox rows before the caller
commits, so a decision and its messages commit together or not at all:

* a signer (``SIGN``: a new step, 转交, 加签) gets a personal card with signed-link buttons — 同意
  (``iapprove``: a confirm page, then one approval) and 退回/不同意 (``iopen``: the item's decision
  form) — and the portal link as the fallback;
* the applicant (``DECISION``) hears every decision on their item, with the reason;
* a step nobody can sign (无人可审批) is told to the admins' targets.

People are reached through their personal targets (an account's own work-notice or SMS target);
each row's idempotency key names the item's version, the person and the target, so a retried
transaction adds nothing twice.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.base import Button, Message
from bot.escape import inert
from bot.item_notices import ItemNotice, item_decided, item_sign
from models.approvals.labels import MODE_SHORT
from models.approvals.outcome import SIGN, Notice, Outcome
from models.approvals.query import ItemDetail, item_detail
from models.approvals.words import figures_text
from models.core.db import utcnow
from models.core.decision import Actor
from models.core.settings import Settings
from models.links.tokens import link_key, mint
from models.notify.audience import TargetRef, personal_targets, targets_of
from models.notify.outbox import existing_keys, queue
from models.notify.tables import Outbox
from models.staffing.scope import Scope
from tasks.notify.cards import NO_LINKS

PURPOSE = "item"
EVERYWHERE = Scope(everything=True)  # the notice follows the item; who may read it was decided by the move


async def write_item_notices(session: AsyncSession, settings: Settings, outcome: Outcome, actor: Actor, *,
                             today: date, note: str = "", now: datetime | None = None) -> int:
    """Queue the outcome's notices; returns how many outbox rows were added."""
    if not outcome.notices and not outcome.unstaffed:
        return 0
    detail = await item_detail(session, outcome.item_id, scope=EVERYWHERE, today=today)
    if detail is None:
        return 0
    now = now or utcnow()
    rows: list[Outbox] = []
    for notice in outcome.notices:
        rows += await _rows_for(session, settings, detail, outcome, actor, notice, note, now)
    if outcome.unstaffed:
        rows += await _unstaffed_rows(session, settings, detail, outcome, now)
    return await queue_new(session, rows)


def item_notice(settings: Settings, detail: ItemDetail, *, actor: str, text: str, now: datetime,
                step_no: int | None = None) -> ItemNotice:
    """What every item message says about the item (the step: ``step_no``, else the current one)."""
    row, local = detail.row, now.astimezone(ZoneInfo(settings.tz))
    step = next((s for s in reversed(detail.steps) if s.step_no == step_no), None) if step_no is not None else None
    name, mode, due = (step.name, step.mode, step.due_on) if step else (row.step_name, row.step_mode, row.due_on)
    label = f"{name}（{MODE_SHORT.get(mode or 'any', '')}）" if name else None
    return ItemNotice(row.unit_name, row.kind_label, row.title, label, due.isoformat() if due else None,
                      figures_text(detail.figures), actor or "相关人员", f"{local:%Y-%m-%d %H:%M}", text.strip(),
                      f"{settings.public_url.rstrip('/')}/items/{row.id}?via=chat")


def step_id_of(detail: ItemDetail, step_no: int | None) -> int | None:
    """The running step's row id (the newest round of ``step_no``, else of the current step)."""
    wanted = detail.row.step_no if step_no is None else step_no
    step = next((s for s in reversed(detail.steps) if s.step_no == wanted and s.status == "active"), None)
    return step.id if step else None


def sign_buttons(settings: Settings, target: TargetRef, detail: ItemDetail, step_id: int | None,
                 now: datetime) -> tuple[Button, ...]:
    """同意 (confirm, then act once) and 退回或不同意 (the decision form), signed for this target's
    person, at ``/a/i/<token>`` (portal/views/item_links.py). SMS carries no links."""
    if target.kind in NO_LINKS or step_id is None or target.account_id is None:
        return ()
    key, base = link_key(settings.secret_key.get_secret_value()), settings.public_url.rstrip("/")
    ttl, sub, item = timedelta(hours=settings.action_link_hours), f"a{target.account_id}", detail.row.id

    def url(act: str, obj: str) -> str:
        return f"{base}/a/i/{mint(key, sub=sub, act=act, obj=obj, now=now, ttl=ttl)}"
    return Button("同意", url("iapprove", f"i{item}s{step_id}")), Button("退回或不同意", url("iopen", f"i{item}"))


async def _rows_for(session: AsyncSession, settings: Settings, detail: ItemDetail, outcome: Outcome, actor: Actor,
                    notice: Notice, note: str, now: datetime) -> list[Outbox]:
    n = item_notice(settings, detail, actor=actor.name, text=note, now=now, step_no=notice.step_no)
    rows = []
    for target in await personal_targets(session, login=notice.login):
        key = f"item{outcome.item_id}-v{outcome.version}-{notice.reason}-{notice.login}-t{target.id}"[:120]
        if notice.reason == SIGN:
            buttons = sign_buttons(settings, target, detail, step_id_of(detail, notice.step_no), now)
            message = item_sign(n, key=key, buttons=buttons)
        else:
            message = item_decided(n, key=key, outcome=outcome.message)
        rows.append(outbox_row(target.id, message, group_key=f"i{outcome.item_id}", now=now))
    return rows


async def _unstaffed_rows(session: AsyncSession, settings: Settings, detail: ItemDetail, outcome: Outcome,
                          now: datetime) -> list[Outbox]:
    """无人可审批: the admins' targets hear it (unit, kind and step only: they may be groups)."""
    row = detail.row
    title = f"{inert(row.unit_name)}：{row.kind_label}的「{inert(row.step_name or '')}」环节无人可审批"
    body = f"{title}。请管理员为该环节加签，或在流程设置中调整审批角色。"
    link = f"{settings.public_url.rstrip('/')}/items/{row.id}"
    rows = []
    for target in await targets_of(session, purpose="admin"):
        key = f"item{outcome.item_id}-v{outcome.version}-nobody-t{target.id}"
        message = Message(title=title, body=body, text=body, link=link, idempotency_key=key,
                          template_params={"unit": row.unit_name[:20], "count": "1"})
        rows.append(outbox_row(target.id, message, group_key=f"i{outcome.item_id}", now=now))
    return rows


def outbox_row(target_id: int, message: Message, *, group_key: str, now: datetime) -> Outbox:
    return Outbox(target_id=target_id, purpose=PURPOSE, group_key=group_key, title=message.title, body=message.body,
                  link=message.link, idempotency_key=message.idempotency_key, urgent=message.urgent,
                  next_attempt_at=now, warning_ids=[],
                  payload={"template_params": message.template_params,
                           "buttons": [[b.label, b.url] for b in message.buttons]})


async def queue_new(session: AsyncSession, rows: list[Outbox]) -> int:
    """Add the rows whose key no row has yet (a retried move adds nothing twice)."""
    done = await existing_keys(session, keys=[r.idempotency_key for r in rows]) if rows else set()
    fresh = [r for r in rows if r.idempotency_key not in done]
    for row in fresh:
        await queue(session, row=row)
    return len(fresh)
