"""An account blocked after wrong passwords: its owner hears it through the ordinary outbox pipeline."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from models.accounts.login import BlockNotice
from models.core.db import transaction, utcnow
from models.notify.tables import Outbox
from models.notify.targets import TargetSpec, create_target
from tasks.notify.security import tell_owner_of_block
from tasks.notify.sweep import sweep
from tests.factories import add_account
from tests.tasks.conftest import SECRET

LINK = "http://portal.test/login"
SMS = {"access_key_id": "ak", "access_key_secret": "sk", "sign_name": "某县编办", "template_code": "SMS_1",
       "phone_numbers": ["13900000001"]}


async def test_the_owner_is_told_on_a_personal_chat_target_not_by_sms(nrt, fakes, redis, run_worker):
    owner = await add_account(nrt, "kz", "officer", [], display_name="孔科长")
    fakes.dingtalk.add_robot("own-robot", secret=SECRET)
    async with transaction(nrt.sessions) as session:
        for name, kind, config in (("孔科长钉钉", "dingtalk", {"access_token": "own-robot", "secret": SECRET}),
                                   ("孔科长短信", "sms", SMS)):
            await create_target(session, nrt.cipher, TargetSpec(name, kind, config, account_id=owner.id),
                                actor="test")
    now = utcnow()
    notice = BlockNotice(owner.id or 0, "kz", "孔科长", now, now + timedelta(minutes=1), "10.0.0.7")
    async with transaction(nrt.sessions) as session:
        assert await tell_owner_of_block(session, notice=notice, tz="Asia/Shanghai", link=LINK) == 1
    async with transaction(nrt.sessions) as session:  # the same block again: no second message
        assert await tell_owner_of_block(session, notice=notice, tz="Asia/Shanghai", link=LINK) == 0
    assert (await sweep(nrt, redis, now + timedelta(seconds=1))).enqueued == 1
    await run_worker()
    [sent] = fakes.dingtalk.delivered
    assert "孔科长：您的账号于" in sent.text and "因多次密码错误被暂时锁定（来自地址 10.0.0.7）" in sent.text
    async with nrt.sessions() as session:
        [row] = (await session.scalars(select(Outbox))).all()
        assert row.status == "sent" and row.purpose == "security"


async def test_an_owner_without_personal_targets_gets_no_row(nrt):
    owner = await add_account(nrt, "kz", "officer", [])
    now = utcnow()
    notice = BlockNotice(owner.id or 0, "kz", "kz", now, now + timedelta(minutes=1), None)
    async with transaction(nrt.sessions) as session:
        assert await tell_owner_of_block(session, notice=notice, tz="Asia/Shanghai", link="/login") == 0
