"""``bzops user create --dingtalk-userid/--zzd-userid`` and ``bzops user link``: one id, one account."""

from __future__ import annotations

import asyncio

from click.testing import CliRunner

from models.accounts.platform_ids import account_for
from models.core.audit import recent
from models.core.runtime import runtime
from portal.cli import cli

PASSWORD = "long-enough-1"


def invoke(settings, *args: str):
    return CliRunner().invoke(cli, list(args), obj=settings, catch_exceptions=False)


def create(settings, login: str, *extra: str):
    return invoke(settings, "user", "create", login, "--name", f"{login}同志", "--role", "officer",
                  "--password", PASSWORD, *extra)


def owner(settings, platform: str, user_id: str) -> str | None:
    async def _go() -> str | None:
        async with runtime(settings) as rt, rt.sessions() as session:
            account = await account_for(session, platform=platform, user_id=user_id)
            return account.login if account else None
    return asyncio.run(_go())


def test_create_links_both_platforms_and_list_says_so_without_the_ids(settings, rt):
    assert create(settings, "kz", "--dingtalk-userid", "ding-1", "--zzd-userid", "acc-1").exit_code == 0
    assert (owner(settings, "dingtalk", "ding-1"), owner(settings, "zzd", "acc-1")) == ("kz", "kz")
    listed = invoke(settings, "user", "list").output
    assert "已关联钉钉 已关联浙政钉" in listed and "ding-1" not in listed


def test_an_id_belongs_to_one_account(settings, rt):
    assert create(settings, "kz", "--dingtalk-userid", "ding-1").exit_code == 0
    taken = create(settings, "ly", "--dingtalk-userid", "ding-1")
    assert taken.exit_code == 1 and "已关联账号 kz" in taken.output
    assert owner(settings, "dingtalk", "ding-1") == "kz"
    assert "ly" not in invoke(settings, "user", "list").output, "the refused account was not created either"
    assert create(settings, "ly").exit_code == 0
    assert invoke(settings, "user", "link", "ly", "--dingtalk-userid", "ding-1").exit_code == 1


def test_link_sets_moves_and_clears(settings, rt):
    assert create(settings, "kz").exit_code == 0
    linked = invoke(settings, "user", "link", "kz", "--zzd-userid", "acc-9")
    assert linked.exit_code == 0 and "kz：已关联浙政钉" in linked.output
    assert owner(settings, "zzd", "acc-9") == "kz"
    cleared = invoke(settings, "user", "link", "kz", "--zzd-userid", "")
    assert cleared.exit_code == 0 and "已解除关联浙政钉" in cleared.output
    assert owner(settings, "zzd", "acc-9") is None
    assert invoke(settings, "user", "link", "kz").exit_code == 1
    assert invoke(settings, "user", "link", "nobody", "--zzd-userid", "x").exit_code == 1

    async def actions() -> list[str]:
        async with runtime(settings) as value, value.sessions() as session:
            return [row.action for row in await recent(session) if row.action.startswith("account.")]
    assert asyncio.run(actions())[:2] == ["account.unlink", "account.link"]
