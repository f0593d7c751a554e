"""Account security notices: the real owner hears that their account was blocked after wrong passwords.

Written in the login's own transaction (an outbox row per personal target of the owner), and sent
by the sweeper like any other row. The requester never learns of it: the login page answers the
same for every name. SMS targets are skipped: an SMS may only carry its approved (warning)
template. An owner with no other personal target reads of the block at the next successful login
(:attr:`models.accounts.login.LoginOk.blocks`), which every owner sees anyway.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from models.accounts.login import BlockNotice
from models.notify.audience import TargetRef, personal_targets
from models.notify.outbox import existing_keys, queue
from models.notify.tables import Outbox

PURPOSE = "security"
TITLE = "账号安全提醒"


def block_text(notice: BlockNotice, tz: str) -> str:
    zone = ZoneInfo(tz)
    at, until = notice.at.astimezone(zone), notice.until.astimezone(zone)
    where = f"（来自地址 {notice.ip}）" if notice.ip else ""
    return (f"{notice.display_name}：您的账号于{at:%Y-%m-%d %H:%M}因多次密码错误被暂时锁定{where}，"
            f"{until:%Y-%m-%d %H:%M}后可再次登录。如果不是您本人在尝试登录，请尽快联系管理员并修改密码。")


async def tell_owner_of_block(session: AsyncSession, *, notice: BlockNotice, tz: str, link: str) -> int:
    """Queue the notice to the owner's personal targets; how many rows were queued (0: none reach them)."""
    targets = [t for t in await personal_targets(session, login=notice.login) if t.kind != "sms"]
    keys = {t.id: _key(notice, t) for t in targets}
    done = await existing_keys(session, keys=list(keys.values())) if keys else set()
    body = block_text(notice, tz)
    for target_id, key in keys.items():
        if key not in done:
            await queue(session, row=Outbox(target_id=target_id, purpose=PURPOSE, title=TITLE, body=body, link=link,
                                            idempotency_key=key, urgent=True, next_attempt_at=notice.at))
    return len(keys) - len(done)


def _key(notice: BlockNotice, target: TargetRef) -> str:
    stamp: datetime = notice.until
    return f"lock-a{notice.account_id}-{stamp:%Y%m%d%H%M%S}-t{target.id}"
