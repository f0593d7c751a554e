"""One unit's moves on a task, each through the decision step (a double tap acts once):

- the unit (``Action.HANDLE_TASK``): 接收 (receive), 报告已落实 (done), 反馈 (feedback: text and files);
- the 编办 (``Action.PUBLISH_TASK``): 评价 (evaluate: grade 优/良/中/差 and points) or 退回重做 (return: a
  reason is required, the unit works on it again and feeds back anew).

The unit acts only while the task is published; an evaluation may follow after the task was
closed. ``version`` is what the person's form showed: a form older than the row is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.permissions import Action, require
from models.core.db import utcnow
from models.core.decision import Actor, Decision, DecisionError, Effect, Lifecycle, Move, decide
from models.unittasks.files import Upload, add_file
from models.unittasks.query import TargetView
from models.unittasks.tables import UNIT_TASK_EVENT, UNIT_TASK_TARGET
from models.unittasks.vocab import DEFAULT_POINTS, GRADES

FEEDBACK_MAX, NOTE_MAX = 2000, 500
UNIT_MOVES = ("receive", "done", "feedback")
OFFICE_MOVES = ("evaluate", "return")

LIFECYCLE = Lifecycle(
    table=UNIT_TASK_TARGET, timeline=UNIT_TASK_EVENT, key="target_id", object_type="unit_task_target",
    stale="该任务已被他人处理，请刷新后查看", wrong_state="该任务当前状态不能执行此操作，可能已经处理过",
    moves={"receive": Move(("published",), "received", "received"),
           "done": Move(("received",), "done", "done"),
           "feedback": Move(("received", "done"), "fed_back", "fed_back"),
           "evaluate": Move(("fed_back",), "evaluated", "evaluated"),
           "return": Move(("fed_back",), "received", "returned")})


def check_move(target: TargetView, move: str, actor: Actor) -> None:
    """Whether ``actor`` may make ``move`` on ``target`` now; raises with the reason (before any form is read)."""
    require(actor.role, Action.HANDLE_TASK if move in UNIT_MOVES else Action.PUBLISH_TASK)
    open_for = ("published", "closed") if move == "evaluate" else ("published",)
    if target.task_status not in open_for:
        raise DecisionError("任务已结束，不能再办理" if target.task_status == "closed" else "任务尚未发布")
    if not LIFECYCLE.allows(move, target.status):
        raise DecisionError(LIFECYCLE.wrong_state)


async def _move(session: AsyncSession, target: TargetView, move: str, actor: Actor, *, version: int | None,
                values: dict[str, Any] | None = None, note: str | None = None, detail: dict[str, Any] | None = None,
                effects: Sequence[Effect] = ()) -> None:
    check_move(target, move, actor)
    await decide(session, LIFECYCLE, Decision(move, target.id, target.version if version is None else version,
                                               target.status, actor, note=note, values=values or {}, detail=detail,
                                               effects=effects))


async def receive(session: AsyncSession, target: TargetView, actor: Actor, *, version: int | None = None) -> None:
    await _move(session, target, "receive", actor, version=version,
                values={"received_at": utcnow(), "received_by": actor.login})


async def report_done(session: AsyncSession, target: TargetView, actor: Actor, *, version: int | None = None,
                      note: str = "") -> None:
    await _move(session, target, "done", actor, version=version, values={"done_at": utcnow()},
                note=note.strip()[:NOTE_MAX] or None)


async def feed_back(session: AsyncSession, target: TargetView, actor: Actor, *, text: str,
                    version: int | None = None, upload: Upload | None = None, effects: Sequence[Effect] = ()) -> None:
    """The unit's report: what was done (required), optionally one file; reporting also means done."""
    text = text.strip()
    if len(text) < 2 or len(text) > FEEDBACK_MAX:
        raise DecisionError(f"请填写落实情况（2–{FEEDBACK_MAX}字）")
    now = utcnow()
    values = {"fed_back_at": now, "fed_back_by": actor.login, "feedback": text, "done_at": target.done_at or now}
    detail = {"file": upload.filename} if upload else None
    await _move(session, target, "feedback", actor, version=version, values=values, note=text, detail=detail,
                effects=effects)
    if upload is not None:
        await add_file(session, target_id=target.id, upload=upload, actor=actor)


def points_of(grade: str, points: str | int | None) -> int:
    """The points given with ``grade``: typed (0–100) or the grade's default."""
    if grade not in GRADES:
        raise DecisionError("请选择评价等次：优、良、中、差")
    if points is None or str(points).strip() == "":
        return DEFAULT_POINTS[grade]
    text = str(points).strip()
    if not text.isdigit() or int(text) > 100:
        raise DecisionError("评分应为0–100的整数")
    return int(text)


async def evaluate(session: AsyncSession, target: TargetView, actor: Actor, *, grade: str,
                   points: str | int | None = None, comment: str = "", version: int | None = None,
                   effects: Sequence[Effect] = ()) -> None:
    """Grade the unit's feedback; a 差 needs a comment, which the unit reads."""
    score, comment = points_of(grade, points), comment.strip()[:NOTE_MAX]
    if grade == "poor" and len(comment) < 2:
        raise DecisionError("评为“差”时请填写评价意见，单位会看到它")
    values = {"grade": grade, "points": score, "evaluation": comment or None, "evaluated_by": actor.login,
              "evaluated_at": utcnow()}
    await _move(session, target, "evaluate", actor, version=version, values=values, note=comment or None,
                detail={"grade": grade, "points": score}, effects=effects)


async def return_for_rework(session: AsyncSession, target: TargetView, actor: Actor, *, reason: str,
                            version: int | None = None, effects: Sequence[Effect] = ()) -> None:
    """Send the feedback back: the unit works on it again and feeds back anew."""
    reason = reason.strip()[:NOTE_MAX]
    if len(reason) < 2:
        raise DecisionError("退回时请填写理由，单位会看到它")
    values = {"return_note": reason, "returned_count": target.returned_count + 1, "fed_back_at": None}
    await _move(session, target, "return", actor, version=version, values=values, note=reason, effects=effects)
