"""The words of tasks: states, grades, timeline events, and what a unit does next, in Chinese."""

from __future__ import annotations

TASK_STATUS = {"draft": "草稿", "published": "已发布", "closed": "已结束"}
TARGET_STATUS = {"published": "待接收", "received": "落实中", "done": "已落实", "fed_back": "已反馈",
                 "evaluated": "已评价"}
OPEN = ("published", "received", "done")  # the unit still owes its feedback
COMPLETED = ("fed_back", "evaluated")     # counted in the completion rate
GRADES = {"excellent": "优", "good": "良", "fair": "中", "poor": "差"}
DEFAULT_POINTS = {"excellent": 95, "good": 85, "fair": 75, "poor": 60}  # 0–100, the officer may change them
EVENTS = {"created": "创建任务", "published": "发布任务", "closed": "结束任务", "received": "接收任务",
          "done": "报告已落实", "fed_back": "提交反馈", "evaluated": "评价", "returned": "退回重做"}
NEXT_STEP = {"published": "请接收任务", "received": "落实后提交反馈", "done": "请提交反馈",
             "fed_back": "等待编办评价", "evaluated": "已评价"}


def grade_label(code: str | None) -> str:
    return GRADES.get(code or "", "")
