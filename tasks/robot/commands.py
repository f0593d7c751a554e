"""The robot's command interpreter: who is asking, what they may see, and the answer.

The sender is the account bound to the message's DingTalk userid (``models.accounts.platform_ids``);
unknown senders and locked accounts get a polite refusal and nothing else. Every reading is
limited to the sender's scope, and a warning outside it is answered exactly like one that does
not exist. 确认 goes through ``models.warnings.actions.acknowledge``: the permission table, the
decision step (conditional update, timeline, audit row) and its Chinese refusals.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.robot_message import RobotMessage
from bot.robot_reply import Reply, ack_reply, help_reply, number, persons_reply, refusal, todo_reply
from models.accounts.permissions import Action, PermissionDenied, can
from models.accounts.platform_ids import account_for
from models.accounts.scope import scope_for
from models.accounts.tables import Account
from models.core.db import local_today, saved_id, transaction
from models.core.decision import Actor, Conflict, DecisionError
from models.core.enums import Role
from models.core.runtime import Runtime
from models.locks.query import restriction_for
from models.staffing.name_lookup import persons_named
from models.staffing.scope import Scope
from models.warnings.actions import acknowledge
from models.warnings.query import WarningFilter, WarningRow, counts_by_severity, get_warning, list_warnings
from tasks.robot.parse import MAX_NAME, Command, parse_command, warning_id

TODO_LINES = 5
TODO_CACHE_S = 60
MAX_PERSONS = 10


@dataclass(frozen=True)
class Asker:
    account: Account
    scope: Scope
    group: bool
    restricted: str = ""  # the lock's reason when the sender's unit is locked at month end (read only)

    @property
    def actor(self) -> Actor:
        return Actor(self.account.login, self.account.role, self.account.display_name)


async def interpret(rt: Runtime, message: RobotMessage, redis: Any = None) -> Reply:
    """The answer to ``message``; acting (确认) commits before this returns. ``redis`` keeps a
    person's 待办 for :data:`TODO_CACHE_S` (without it, every 待办 is worked out afresh)."""
    command = parse_command(message.text)
    asker = await _asker(rt, message)
    if isinstance(asker, Reply):
        return asker
    if command.kind == "help":
        return help_reply()
    if not can(asker.account.role, Action.VIEW_DATA):
        return refusal("denied")
    if command.kind == "todo":
        return await _todo_cached(rt, asker, redis)
    if command.kind == "ack" and asker.restricted:
        return refusal("restricted", detail=asker.restricted)
    if command.kind == "ack":
        await forget_todo(redis, asker.account)
        return await _ack(rt, asker, command)
    return await _find(rt, asker, command)


async def _asker(rt: Runtime, message: RobotMessage) -> Asker | Reply:
    async with rt.sessions() as session:
        account = await account_for(session, platform="dingtalk", user_id=message.sender) if message.sender else None
        if account is None:
            return refusal("unknown_sender")
        if account.locked:
            return refusal("locked")
        scope = await scope_for(session, account_id=saved_id(account), role=account.role)
        locks = await restriction_for(session, account_id=saved_id(account)) if account.role == Role.STEWARD else []
    return Asker(account, scope, message.group, locks[0].reason if locks else "")


async def _todo_cached(rt: Runtime, asker: Asker, redis: Any) -> Reply:
    """A province-wide 待办 reads every live warning (a few hundred milliseconds on a million
    persons): one person's answer is reused for a minute, and says when it was counted."""
    key = _todo_key(asker.account, asker.group)
    with contextlib.suppress(RedisError, OSError):
        if redis is not None and (cached := await redis.get(key)):
            title, text = json.loads(cached)
            return Reply(title, text)
    reply = await _todo(rt, asker)
    counted = datetime.now(ZoneInfo(rt.settings.tz))
    reply = Reply(reply.title, f"{reply.text}\n\n（{counted:%H:%M} 统计）")
    with contextlib.suppress(RedisError, OSError):
        if redis is not None:
            await redis.set(key, json.dumps([reply.title, reply.text], ensure_ascii=False), ex=TODO_CACHE_S)
    return reply


def _todo_key(account: Account, group: bool) -> str:
    return f"bzops:robot:todo:{account.id}:{int(group)}"


async def forget_todo(redis: Any, account: Account) -> None:
    """After a 确认 the person's next 待办 is counted afresh."""
    with contextlib.suppress(RedisError, OSError):
        if redis is not None:
            await redis.delete(_todo_key(account, False), _todo_key(account, True))


async def _todo(rt: Runtime, asker: Asker) -> Reply:
    today = local_today(rt.settings.tz)
    async with rt.sessions() as session:
        counts = await counts_by_severity(session, scope=asker.scope, today=today)
        rows = await list_warnings(session, scope=asker.scope, filters=WarningFilter(), today=today,
                                   limit=TODO_LINES)
    return todo_reply(name=asker.account.display_name, counts=counts, rows=rows, group=asker.group,
                      portal_url=rt.settings.public_url)


async def _ack(rt: Runtime, asker: Asker, command: Command) -> Reply:
    wanted = warning_id(command.arg)
    if wanted is None:
        return refusal("bad_number")
    try:
        async with transaction(rt.sessions) as session:
            warning = await get_warning(session, scope=asker.scope, warning_id=wanted,
                                        today=local_today(rt.settings.tz))
            if warning is None:  # outside the scope reads exactly like "no such warning"
                return refusal("not_found", asked=number(wanted))
            await _acknowledge(session, asker, warning)
    except _Refused as refused:
        return refused.reply
    return ack_reply(warning)


class _Refused(Exception):
    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.text)
        self.reply = reply


async def _acknowledge(session: AsyncSession, asker: Asker, warning: WarningRow) -> None:
    """Acknowledge, or raise :class:`_Refused` (leaving the transaction, so nothing is written)."""
    try:
        await acknowledge(session, warning, asker.actor)
    except PermissionDenied:
        raise _Refused(refusal("denied")) from None
    except Conflict:  # someone acted between our read and our update
        raise _Refused(refusal("conflict", asked=number(warning.id))) from None
    except DecisionError:  # acknowledged, snoozed, explained or closed already
        raise _Refused(refusal("state", asked=number(warning.id), detail=warning.status_label)) from None


async def _find(rt: Runtime, asker: Asker, command: Command) -> Reply:
    name = command.arg
    if not name:
        return refusal("no_name")
    hits = []
    if len(name) <= MAX_NAME:
        async with rt.sessions() as session:
            hits = await persons_named(session, scope=asker.scope, name=name, limit=MAX_PERSONS + 1)
    return persons_reply(asked=name, hits=hits[:MAX_PERSONS], more=len(hits) > MAX_PERSONS, group=asker.group)
