"""The colour rules: red beats yellow beats green, each criterion a setting, each hit a reason.

Red: 严重预警 overdue at month end (≥ ``colour_red_overdue_s1``), an open 超编/超职 warning
(``colour_red_rules``), or a monthly score below ``colour_red_score_below`` (only when a score
exists). Yellow: open 严重预警 (≥ ``colour_yellow_open_s1``) or 编制使用率 (实有/核定) outside
[``colour_use_low``, ``colour_use_high``]. Green: none of these. A unit without 核定编制 has no
使用率, so that criterion is skipped for it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

from models.core.settings import Settings

COLOURS = ("red", "yellow", "green")
COLOUR_LABELS = {"red": "红色", "yellow": "黄色", "green": "绿色"}
COLOUR_MEANING = {"red": "新的用编、用职事项暂缓审批", "yellow": "进入观察期，请限期整改",
                  "green": "空编优先使用"}


@dataclass(frozen=True)
class ColourRules:
    red_overdue_s1: int
    red_rules: tuple[str, ...]
    red_score_below: int
    yellow_open_s1: int
    use_low: float
    use_high: float
    red_hold_days: int

    @classmethod
    def from_settings(cls, settings: Settings) -> ColourRules:
        return cls(settings.colour_red_overdue_s1, tuple(settings.colour_red_rules), settings.colour_red_score_below,
                   settings.colour_yellow_open_s1, settings.colour_use_low, settings.colour_use_high,
                   settings.colour_red_hold_days)

    @property
    def version(self) -> str:
        """A digest of the rules: rows computed under other rules say so."""
        text = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class UnitFigures:
    """What the rules read of one unit at month end (``score`` None: no score for the month)."""

    unit_id: int
    overdue_s1: int = 0
    open_s1: int = 0
    over_posts: int = 0
    approved: int = 0
    actual: int = 0
    score: float | None = None


def classify(rules: ColourRules, f: UnitFigures) -> tuple[str, list[dict[str, Any]]]:
    """The colour and every reason for it (red and yellow reasons both: the way out lists them all)."""
    reasons = _red_reasons(rules, f) + _yellow_reasons(rules, f)
    colour = next((c for c in COLOURS[:2] if any(r["colour"] == c for r in reasons)), "green")
    if colour == "green":
        reasons = [_reason("green", "all_clear", "无逾期严重预警、无超编超职，编制使用率在合理区间", "")]
    return colour, reasons


def _reason(colour: str, code: str, text: str, link: str) -> dict[str, Any]:
    return {"colour": colour, "code": code, "text": text, "link": link}


def _red_reasons(rules: ColourRules, f: UnitFigures) -> list[dict[str, Any]]:
    out = []
    if f.overdue_s1 >= rules.red_overdue_s1:
        out.append(_reason("red", "overdue_s1", f"{f.overdue_s1} 条严重预警逾期未整改",
                           f"/warnings?unit={f.unit_id}&severity=S1&overdue=1"))
    if f.over_posts:
        out.append(_reason("red", "over_limits", f"{f.over_posts} 条超编、超职数预警未整改",
                           f"/warnings?unit={f.unit_id}&severity=S1"))
    if f.score is not None and f.score < rules.red_score_below:
        out.append(_reason("red", "low_score", f"月度考核得分 {f.score:g} 分，低于 {rules.red_score_below} 分", ""))
    return out


def _yellow_reasons(rules: ColourRules, f: UnitFigures) -> list[dict[str, Any]]:
    out = []
    if f.open_s1 >= rules.yellow_open_s1:
        out.append(_reason("yellow", "open_s1", f"{f.open_s1} 条严重预警尚未整改",
                           f"/warnings?unit={f.unit_id}&severity=S1"))
    if f.approved > 0:
        use = f.actual / f.approved
        percent = f"编制使用率 {use:.0%}（实有 {f.actual} / 核定 {f.approved}）"
        if use < rules.use_low:
            out.append(_reason("yellow", "use_low", f"{percent}，低于 {rules.use_low:.0%}，空编闲置",
                               f"/units/{f.unit_id}"))
        elif use > rules.use_high:
            out.append(_reason("yellow", "use_high", f"{percent}，高于 {rules.use_high:.0%}", f"/units/{f.unit_id}"))
    return out


HOW_TO_FIX = {
    "overdue_s1": "完成逾期严重预警的整改并申请整改销号",
    "over_limits": "按核定编制和职数消化超编、超职数人员",
    "low_score": "下月按时自查、及时更新数据、处理预警，提高考核得分",
    "open_s1": "处理尚未整改的严重预警",
    "use_low": "合理使用空编（编制使用率达到合理区间），或申请收回闲置编制",
    "use_high": "控制进人，使实有人数回到核定编制以内",
}


def way_out(colour: str, reasons: list[dict[str, Any]]) -> dict[str, list[str]]:
    """{"yellow": steps to become yellow, "green": steps to become green} for the unit page."""
    red = [HOW_TO_FIX[r["code"]] for r in reasons if r["colour"] == "red" and r["code"] in HOW_TO_FIX]
    yellow = [HOW_TO_FIX[r["code"]] for r in reasons if r["colour"] == "yellow" and r["code"] in HOW_TO_FIX]
    if colour == "red":
        return {"yellow": red, "green": red + yellow}
    return {"yellow": [], "green": yellow} if colour == "yellow" else {"yellow": [], "green": []}
