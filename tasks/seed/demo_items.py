"""Approval items (事项) for the demo, one in every state, so a newcomer sees the flow at once and the
demo logins can act on them: 待初审 (officer), 待终审 (leader), 退回 (steward2 resubmits), 暂缓审批,
已批准 (with an 入编 drawing on it, waiting for 科室初审), 不同意 and 已撤回.

Everything goes through the engine and writes its notices, as the portal does: the people who sign
get personal work notices (the ``log`` channel, ``var/outbox/``). The 暂缓 item is honest: the most
flawed unit's warnings are found as of a month ago (:func:`backdate_flawed_unit`, before the first
full scan), so its severe ones are overdue today and its new 用编 are held.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import models.approvals.kinds  # noqa: F401  (registers the item kinds)
from models.accounts.store import get_account
from models.approvals.engine import decide, submit
from models.approvals.kind import Application
from models.approvals.kinds.person_payload import enter_payload
from models.approvals.kinds.quota import quota_room
from models.approvals.outcome import Outcome
from models.core.db import transaction
from models.core.decision import Actor
from models.core.enums import EstType, label
from models.core.runtime import Runtime, session_cipher
from models.notify.audience import steward_units
from models.notify.marks import scan_and_mark
from models.notify.targets import TargetSpec, create_target
from models.staffing.ids import id_check_char
from models.staffing.unit_writer import unit_code_map
from models.staffing.units import quota_vs_actual
from tasks.notify.item_notices import write_item_notices

HISTORY_DAYS = 30
SIGNERS = ("officer", "leader", "org", "hr", "finance")


async def backdate_flawed_unit(rt: Runtime, today: date) -> None:
    """Find steward1's unit's warnings as of a month ago (a targeted scan), before the first full scan."""
    people = await _people(rt)
    if "steward1" in people:
        async with transaction(rt.sessions) as session:
            await scan_and_mark(session, as_of=today - timedelta(days=HISTORY_DAYS),
                                units=[people["steward1"]["unit_id"]])


async def _people(rt: Runtime) -> dict[str, dict[str, Any]]:
    """The demo logins that file and sign: their actor, and a steward's unit."""
    async with rt.sessions() as session:
        codes = await unit_code_map(session)
        units = {s.account_id: codes[s.code] for s in await steward_units(session)}
        people: dict[str, dict[str, Any]] = {}
        for login in ("steward1", "steward2", *SIGNERS):
            account = await get_account(session, login=login)
            if account is not None and account.id is not None:
                people[login] = {"actor": Actor(login, account.role, account.display_name), "id": account.id,
                                 "unit_id": units.get(account.id)}
    return people


async def _signer_targets(rt: Runtime, people: dict[str, dict[str, Any]]) -> None:
    """A personal work notice (log channel) for each demo signer, open at any hour like the others."""
    async with transaction(rt.sessions) as session:
        for login in SIGNERS:
            if login in people:
                name = people[login]["actor"].name
                target = await create_target(session, rt.cipher, TargetSpec(
                    f"{name}工作通知", "log", {}, ("review", "escalation"), None, account_id=people[login]["id"]),
                    actor="demo")
                target.quiet_start = target.quiet_end = "00:00"
                target.quiet_on_holidays = False


async def _roomy_type(rt: Runtime, unit_id: int, wanted: int) -> str | None:
    """The unit's first establishment type with room for ``wanted`` more."""
    async with rt.sessions() as session:
        for est_type in await quota_vs_actual(session, unit_id=unit_id):
            if (await quota_room(session, unit_id, est_type)).room >= wanted:
                return est_type
    return None


async def seed_demo_items(rt: Runtime, today: date) -> list[str]:
    """File and decide the demo items; one line per item, for the terminal."""
    people = await _people(rt)
    await _signer_targets(rt, people)
    made: list[str] = []
    clean, flawed = people["steward2"], people["steward1"]
    if (est := await _roomy_type(rt, clean["unit_id"], 4)) is not None:
        made += await _clean_unit_items(rt, people, clean["unit_id"], est, today)
    if (flawed_type := await _roomy_type(rt, flawed["unit_id"], 1)) is not None:
        held = await _file(rt, flawed, flawed["unit_id"], flawed_type, "补充护理人员", today)
        made.append(f"#{held.item_id} {'暂缓审批' if held.status == 'held' else '待初审'}（steward1 的单位）")
    return made


async def _clean_unit_items(rt: Runtime, people: dict[str, Any], unit_id: int, est: str, today: date) -> list[str]:
    steward, officer, leader = people["steward2"], people["officer"], people["leader"]
    first = await _file(rt, steward, unit_id, est, "补充一名退休人员空缺", today)
    second = await _file(rt, steward, unit_id, est, "新设岗位需增加人员", today)
    await _decide(rt, officer, second.item_id, "approve", today, note="人数合理")
    returned = await _file(rt, steward, unit_id, est, "补员", today)
    await _decide(rt, officer, returned.item_id, "return", today, note="请写明拟补岗位和招录方式")
    approved = await _file(rt, steward, unit_id, est, "补充办公室文秘岗位", today)
    await _decide(rt, officer, approved.item_id, "approve", today, note="同意")
    await _decide(rt, leader, approved.item_id, "approve", today, doc_no=f"安编办〔{today.year}〕8号")
    rejected = await _file(rt, steward, unit_id, est, "增加临时人员", today)
    await _decide(rt, officer, rejected.item_id, "approve", today)
    await _decide(rt, leader, rejected.item_id, "reject", today, note="临时性工作不宜占用编制，请通过购买服务解决")
    withdrawn = await _file(rt, steward, unit_id, est, "重复提交", today)
    await _decide(rt, steward, withdrawn.item_id, "withdraw", today)
    entry = await _enter(rt, steward, unit_id, est, approved.item_id, today)
    return [f"#{first.item_id} 待初审（officer 可审批）", f"#{second.item_id} 待终审（leader 可审批）",
            f"#{returned.item_id} 已退回（steward2 可重新提交）", f"#{approved.item_id} 已批准",
            f"#{rejected.item_id} 不同意", f"#{withdrawn.item_id} 已撤回", f"#{entry.item_id} 入编，待初审"]


async def _file(rt: Runtime, who: dict[str, Any], unit_id: int, est: str, reason: str, today: date) -> Outcome:
    application = Application("use_quota", unit_id, f"申请使用{label(EstType, est)}1名：{reason}"[:60],
                              {"est_type": est, "count": 1, "reason": reason})
    async with transaction(rt.sessions) as session:
        outcome = await submit(session, application, who["actor"], today=today)
        await write_item_notices(session, rt.settings, outcome, who["actor"], today=today)
    return outcome


async def _decide(rt: Runtime, who: dict[str, Any], item_id: int, move: str, today: date, **options: Any) -> None:
    async with transaction(rt.sessions) as session:
        outcome = await decide(session, item_id, who["actor"], move, today=today, **options)
        await write_item_notices(session, rt.settings, outcome, who["actor"], today=today,
                                 note=options.get("note") or "")


async def _enter(rt: Runtime, who: dict[str, Any], unit_id: int, est: str, basis: int, today: date) -> Outcome:
    birth = date(today.year - 26, 3, 14)
    body = f"330523{birth:%Y%m%d}128"
    values = {"name": "陈晓雨", "id_number": body + id_check_char(body), "sex": "F", "birth_date": birth,
              "est_type": est, "identity": "cadre", "entry_date": today, "post_title": "科员", "education": "本科"}
    async with transaction(rt.sessions) as session:
        payload = enter_payload(session_cipher(session), values)
        outcome = await submit(session, Application("enter", unit_id, "陈晓雨入编", payload, basis_id=basis),
                               who["actor"], today=today)
        await write_item_notices(session, rt.settings, outcome, who["actor"], today=today)
    return outcome
