"""The words and weights of the monthly score: deduction kinds, their Chinese labels, the weights
taken from settings (defaults in ``models/core/settings.py``) and snapshotted into each run.

Kinds, each one deduction row per object (so every deduction links to what caused it):

- ``s1`` / ``s2``: a warning of that severity open at the month's cut-off (detected by then and
  not resolved before it);
- ``overdue``: such an open warning past its deadline at the cut-off (on top of s1/s2);
- ``late``: 迟报 — a warning about a person resolved during the month after its deadline: the change
  that fixed it was recorded late; it points at that person's last event before the resolution;
- ``selfcheck``: each counting self-check missing from ``selfcheck_min_per_month`` (one row per
  missing check, ``ref_id`` = its number 1, 2 …);
- ``read``: 已读未办 — a warning opened from a chat link (a ``read`` event before the cut-off) and
  still open at the cut-off;
- ``item``: an approval item returned to the unit (退回补正) and not answered ``score_item_answer_days``
  days before the cut-off;
- ``task``: a task to units whose deadline fell in the month and that the unit did not feed back by
  the end of the deadline day.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from models.core.settings import Settings

KINDS = {"s1": "一级预警未处理", "s2": "二级预警未处理", "overdue": "预警逾期未处理", "late": "逾期更新数据",
         "selfcheck": "自查次数不足", "read": "已读未办", "item": "退回事项逾期未补正", "task": "任务逾期未反馈"}
REF_LABELS = {"warning": "预警", "person_event": "人员变动记录", "selfcheck": "月度自查", "item": "审批事项",
              "unit_task": "任务"}
RUN_STATUS = {"draft": "草稿", "preview": "公示中", "published": "已发布"}
APPEAL_STATUS = {"pending": "待处理", "accepted": "已采纳", "rejected": "已驳回"}
LIST_LABELS = {"red": "红榜", "black": "黑榜", "apart": "数据不足，不参与排名"}


def region_word(root_name: str) -> str:
    """The region's name from its root unit's (the seed's roots are 中共<region>委员会), else that name."""
    if root_name.startswith("中共") and root_name.endswith("委员会") and len(root_name) > 5:
        return root_name[2:-3]
    return root_name


@dataclass(frozen=True)
class Weights:
    s1: float = 5.0
    s2: float = 2.0
    overdue: float = 3.0
    late: float = 1.0
    selfcheck: float = 5.0
    read: float = 1.0
    item: float = 2.0
    task: float = 3.0
    selfcheck_required: int = 2
    item_answer_days: int = 10
    min_persons: int = 3
    list_size: int = 10

    @classmethod
    def from_settings(cls, settings: Settings) -> Weights:
        prices = {kind: float(getattr(settings, f"score_weight_{kind}")) for kind in KINDS}
        return cls(**prices, selfcheck_required=settings.selfcheck_min_per_month,
                   item_answer_days=settings.score_item_answer_days, min_persons=settings.score_min_persons,
                   list_size=settings.list_size)

    def points(self, kind: str) -> float:
        return float(getattr(self, kind))

    def snapshot(self) -> dict[str, Any]:
        return asdict(self)
