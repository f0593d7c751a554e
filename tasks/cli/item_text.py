"""Items as the CLI prints them: one line per item, and a detail page — names and Chinese labels,
never logins or codes; times in the office's time zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from models.approvals.labels import MODE_SHORT, MOVE_LABELS, TIMELINESS_LABELS
from models.approvals.query import ItemDetail, ItemRow
from models.approvals.rows import StepView
from models.approvals.words import figure_lines


def _day(value: date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "—"


def _time(value: datetime | None, tz: str) -> str:
    return value.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M") if value else "—"


def row_line(row: ItemRow) -> str:
    step = f"{row.step_name}（{MODE_SHORT.get(row.step_mode or 'any', '')}）" if row.step_name else "—"
    if row.nobody:
        step += " 无人可审批"
    due = f"{_day(row.due_on)}到期 {TIMELINESS_LABELS.get(row.timeliness or '', '')}".strip() if row.due_on else ""
    line = f"#{row.id:<6} {row.kind_label:<8} {row.status_label:<6} {row.unit_name}  {row.title}  {step}  {due}"
    return line.rstrip()


def detail_lines(detail: ItemDetail, tz: str) -> list[str]:
    row = detail.row
    lines = [f"事项 #{row.id} {row.kind_label}：{row.title}", f"单位：{row.unit_name}    申请人：{row.applicant_name}",
             f"状态：{row.status_label}    提交：{_time(row.submitted_at, tz)}    办结：{_time(row.decided_at, tz)}"]
    if detail.hold_reason:
        lines.append(f"暂缓原因：{detail.hold_reason}")
    if detail.doc_no:
        lines.append(f"文号：{detail.doc_no}")
    lines += [f"数字：{line}" for line in figure_lines(detail.figures)]
    lines.append("流程：" + " → ".join(f"{s.name}（{MODE_SHORT.get(s.mode, '')}）" for s in detail.flow))
    lines += ["环节："] + [_step_line(step) for step in detail.steps]
    lines += ["时间线："] + [f"  {_time(e.at, tz)} {e.actor_name} {e.label}" + (f"：{e.note}" if e.note else "")
                            for e in detail.events]
    if detail.moves:
        lines.append("您可以：" + "、".join(MOVE_LABELS[m] for m in MOVE_LABELS if m in detail.moves))
    return lines


def _step_line(step: StepView) -> str:
    signers = "、".join(f"{s.name}{s.decision_label}" for s in step.signers) or "无人可审批"
    timely = TIMELINESS_LABELS.get(step.timeliness or "", "")
    return (f"  {step.step_no + 1}. {step.name}（{step.mode_label}，第{step.round}轮）{step.status_label} "
            f"期限{_day(step.due_on)} {timely}：{signers}")
