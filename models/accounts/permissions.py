"""The one permission table: which role may do what.

Every check in the product asks :func:`can` (or :func:`require`): portal views, warning actions,
the CLI, and later action links, robot commands and approval steps. Object scope is the second
half of every check and is not repeated here: an action on a unit, person or warning applies only
to objects inside the account's scope (``models.accounts.scope``), which the scoped queries
enforce (an object outside the scope answers 404, never 403). Admins and auditors see every unit.

Adding an action: one member of :class:`Action`, one line per role that may take it, and the
route-walk test (``tests/portal/test_access.py``) names the expected answer for each persona.
"""

from __future__ import annotations

from enum import StrEnum

from models.core.enums import Role


class Action(StrEnum):
    VIEW_DATA = "data.view"                  # home, units, persons, warnings inside the scope
    ACKNOWLEDGE_WARNING = "warning.acknowledge"
    SNOOZE_WARNING = "warning.snooze"
    DISPUTE_WARNING = "warning.dispute"      # 情况说明 from the unit
    DECIDE_WARNING = "warning.decide"        # accept or reject a 情况说明
    VIEW_RULES = "rules.view"
    EDIT_RULES = "rules.edit"
    VIEW_TARGETS = "targets.view"            # notification targets and their delivery history
    EDIT_TARGETS = "targets.edit"            # add, edit, test, disable, enable
    OWN_SETTINGS = "me.settings"             # one's own notification settings
    VIEW_FULL_ID = "person.reveal_id"        # a person's full ID number or mobile, with a reason, audited
    VIEW_CALENDAR = "calendar.view"          # the working-day calendar deadlines are counted on
    EDIT_CALENDAR = "calendar.edit"          # set or restore a day, import a notice, mark a year entered
    MANAGE_ACCOUNTS = "accounts.manage"      # list accounts with their lock state, unlock them
    CORRECT_RECORD = "record.correct"        # 更正 a record a warning is about (sensitive fields wait for review)
    CONFIRM_CHANGE = "change.confirm"        # 二人复核: confirm or reject another person's sensitive correction
    SUBMIT_ITEM = "item.submit"              # file an approval item (事项) for a unit in scope
    DECIDE_ITEM = "item.decide"              # sign a step of an approval item (同意/退回/不同意/转交/加签)
    EDIT_FLOWS = "flows.edit"                # the steps of each item kind (flows as data)
    PUBLISH_TASK = "task.publish"            # 任务流转: publish, close, evaluate or return a unit's feedback
    HANDLE_TASK = "task.handle"              # 任务流转: a unit receives a task, reports it done, feeds back
    VIEW_PAYROLL = "payroll.view"            # 工资统发名单: months imported and the D4 warnings they raised
    IMPORT_PAYROLL = "payroll.import"        # upload a month's 工资统发名单 (财政), replacing that month
    SELF_CHECK = "selfcheck.run"             # 自查: a unit's steward makes the guided pass over its own data
    APPEAL_SCORE = "score.appeal"            # 申诉: a unit's steward appeals one deduction of its monthly score
    DECIDE_APPEAL = "score.decide_appeal"    # accept (the deduction is removed) or reject an appeal, with a reason
    PUBLISH_SCORES = "score.publish"         # draft a month's scores and publish the red/black list
    LIFT_LOCK = "lock.lift"                  # 锁定: lift a unit's month-end lock directly, with a reason


_EVERYONE = frozenset({Action.VIEW_DATA, Action.OWN_SETTINGS})
_DECIDERS = frozenset({Action.ACKNOWLEDGE_WARNING, Action.SNOOZE_WARNING, Action.DECIDE_WARNING, Action.VIEW_RULES,
                       Action.VIEW_CALENDAR})  # who decides on deadlines may see the days they count on

# Full ID numbers: the unit's steward (keeps its records and must check them against documents) and
# the 编办's officers (verify records); not leaders, other departments or auditors, whose work
# needs masked data only. Admins hold every action. Records are corrected by those who keep them
# (stewards) and verify them (officers); a sensitive correction is confirmed by a second officer.
# Tasks (任务流转): the 编办's officers publish and evaluate; only the unit's own steward receives and
# feeds back. Officers do not act for a unit: the feedback is the unit's answer and what they grade.
# The payroll roster is 财政's: finance (and admins) upload it; the 编办 and auditors read what it found.
GRANTS: dict[Role, frozenset[Action]] = {
    Role.STEWARD: _EVERYONE | {Action.ACKNOWLEDGE_WARNING, Action.DISPUTE_WARNING, Action.VIEW_FULL_ID,
                               Action.CORRECT_RECORD, Action.SUBMIT_ITEM, Action.HANDLE_TASK, Action.APPEAL_SCORE,
                               Action.SELF_CHECK},
    Role.OFFICER: _EVERYONE | _DECIDERS | {Action.VIEW_FULL_ID, Action.CORRECT_RECORD, Action.CONFIRM_CHANGE,
                                           Action.SUBMIT_ITEM, Action.DECIDE_ITEM, Action.PUBLISH_TASK,
                                           Action.VIEW_PAYROLL, Action.DECIDE_APPEAL, Action.LIFT_LOCK},
    Role.LEADER: _EVERYONE | _DECIDERS | {Action.DECIDE_ITEM, Action.VIEW_PAYROLL},
    Role.ORG: _EVERYONE | {Action.DECIDE_ITEM},
    Role.HR: _EVERYONE | {Action.DECIDE_ITEM},
    Role.FINANCE: _EVERYONE | {Action.DECIDE_ITEM, Action.VIEW_PAYROLL, Action.IMPORT_PAYROLL},
    Role.AUDITOR: _EVERYONE | {Action.VIEW_RULES, Action.VIEW_TARGETS, Action.VIEW_CALENDAR, Action.VIEW_PAYROLL},
    Role.ADMIN: frozenset(Action),
}

DENIED = "您的角色不能执行此操作"


class PermissionDenied(PermissionError):
    """The role may not take the action; ``str()`` is the Chinese message shown to the user."""


def can(role: str, action: Action) -> bool:
    """True when ``role`` may take ``action``; unknown roles may do nothing."""
    try:
        return action in GRANTS[Role(role)]
    except ValueError:
        return False


def require(role: str, action: Action) -> None:
    if not can(role, action):
        raise PermissionDenied(DENIED)
