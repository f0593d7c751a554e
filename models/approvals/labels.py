"""What people read for the engine's codes: roles in flows, 或签/会签, item states, timeline events.

Pages, cards and the CLI show these words, never the codes stored in the rows.
"""

from __future__ import annotations

from models.core.enums import Role

# A flow step names a role; people read the role as the office that signs.
ROLE_LABELS: dict[str, str] = {
    Role.OFFICER: "科室初审", Role.LEADER: "分管领导终审", Role.ORG: "组织部", Role.HR: "人社局",
    Role.FINANCE: "财政局",
}
FLOW_ROLES = frozenset(ROLE_LABELS)
MODE_LABELS = {"any": "或签（一人同意即可）", "all": "会签（全部同意）"}
MODE_SHORT = {"any": "或签", "all": "会签"}

STATUS_LABELS = {"pending": "审批中", "returned": "已退回", "held": "暂缓审批", "approved": "已批准",
                 "rejected": "不同意", "withdrawn": "已撤回"}
FINAL_STATES = frozenset({"approved", "rejected", "withdrawn"})
LIVE_STATES = frozenset({"pending", "returned", "held"})

STEP_STATUS_LABELS = {"active": "审批中", "done": "已通过", "returned": "已退回", "rejected": "不同意",
                      "cancelled": "已撤回"}
SIGNER_LABELS = {None: "待审批", "approve": "同意", "reject": "不同意", "return": "退回", "transfer": "已转交"}
UNDECIDED_CLOSED = "未审批"  # a signer who had not decided when the step ended (另一人同意、撤回、退回)

# Timeline events (item_event.kind) and audit actions (``item.<event>``).
EVENT_LABELS = {
    "submitted": "提交", "held": "暂缓审批", "lifted": "解除暂缓", "approved_step": "同意",
    "approved": "同意（审批通过）", "rejected": "不同意", "returned": "退回申请人", "returned_step": "退回到之前的环节",
    "transferred": "转交", "signer_added": "加签", "commented": "评论", "withdrawn": "撤回",
    "resubmitted": "重新提交", "step_started": "进入环节", "unstaffed": "无人可审批",
}

MOVES = ("approve", "reject", "return", "transfer", "add_signer", "comment", "withdraw", "resubmit")
MOVE_LABELS = {"approve": "同意", "reject": "不同意", "return": "退回", "transfer": "转交", "add_signer": "加签",
               "comment": "评论", "withdraw": "撤回", "resubmit": "重新提交", "lift": "解除暂缓"}

TIMELINESS_LABELS = {"on_time": "按时", "close": "临近", "overdue": "超期"}
NOBODY = "无人可审批"
WRONG_STEP_NOTE = "（该环节无人可审批，请联系管理员加签）"
OFFICE_TZ = "Asia/Shanghai"  # what messages and day counts use; every office we serve keeps China time
