"""Ad-hoc tasks from the 编办 to units (任务流转): 发布 → 接收 → 落实 → 反馈 → 评价.

A task (``unit_task``) is written once and published to a set of units, chosen as a subtree or as a
list; each unit gets a ``unit_task_target`` row that walks its own lifecycle through the decision
step (:mod:`models.core.decision`), so a double tap acts once and every move leaves a timeline
event and an audit row. The evaluation (grade and points) stays on the target row for the monthly
score (:func:`models.unittasks.reminders.evaluations`).
"""
