"""情况说明 through the approval inbox: a warning's dispute is also an item, and the warning page's
通过 / 退回 decide that item, so the warning and its item can never disagree.

* :func:`explain` records the 情况说明 on the warning (its lifecycle, its reviewers' notice) and
  files a 情况说明 item (``models.approvals.kinds.dispute``) in the same transaction, with the
  item's own notices to the signers of its first step.
* :func:`judge_item` is what 通过 / 退回 on the warning page do when the warning has an undecided
  item: the engine's approve / reject by the same person (a signer of the current step), which on
  the last step accepts or rejects the 情况说明 through the kind; the steward and the unit's review
  groups hear the verdict as before. A warning disputed before items existed has none and is
  judged directly, as it always was.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models.approvals.engine import decide, submit
from models.approvals.kind import Application
from models.approvals.kinds.dispute import DISPUTE
from models.approvals.outcome import SIGN, Outcome
from models.core.decision import Actor
from models.core.settings import Settings
from models.staffing.scope import Scope
from models.warnings.actions import WarningActionError, dispute
from models.warnings.query import WarningRow
from tasks.notify.item_notices import write_item_notices
from tasks.notify.reviews import review_decided_effect, review_requested_effect


async def explain(session: AsyncSession, settings: Settings, warning: WarningRow, actor: Actor, *, text: str,
                  attachment: dict[str, Any] | None, today: date, scope: Scope) -> Outcome:
    """The 情况说明 and its item, in the caller's transaction; returns the item's outcome."""
    await dispute(session, warning, actor, text=text, attachment=attachment)
    application = Application(DISPUTE, warning.unit_id, f"情况说明：{warning.title}"[:200],
                              {"text": text.strip()[:2000]}, warning_id=warning.id, person_id=warning.person_id)
    outcome = await submit(session, application, actor, today=today, scope=scope)
    await write_item_notices(session, settings, outcome, actor, today=today)
    signers = [notice.login for notice in outcome.notices if notice.reason == SIGN]
    await review_requested_effect(settings, warning, actor, text, carded=signers)(session)  # groups, not twice
    return outcome


async def judge_item(session: AsyncSession, settings: Settings, warning: WarningRow, actor: Actor, *,
                     item_id: int, accept: bool, note: str, today: date) -> Outcome:
    """通过 / 退回 of the warning page as the item's approve / reject (call it first in its transaction)."""
    if not accept and len(note.strip()) < 2:  # the warning page's own wording (judge's rule)
        raise WarningActionError("退回时请填写理由，专员会看到它")
    outcome = await decide(session, item_id, actor, "approve" if accept else "reject", today=today,
                           note=note.strip() or None, tz=settings.tz)
    await write_item_notices(session, settings, outcome, actor, today=today, note=note)
    if outcome.status in ("approved", "rejected"):
        await review_decided_effect(settings, warning, actor, note, accepted=accept)(session)
    return outcome
