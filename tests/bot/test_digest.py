"""Digest and reminder text: data stays inert in every platform's markdown, dates carry the year."""

from __future__ import annotations

import re
from datetime import date

from bot.digest import Digest, Item, Reminder, digest_message, reminder_message
from bot.escape import inert
from tests.fakes.fixtures import MakeChannel
from tests.fakes.platforms import FakePlatforms

HOSTILE = "[点我](http://evil.example) <@all> **急** `x` #标题 @13800000000\n- 伪造行"
LINK = re.compile(r"\[[^\]]*\]\([^)]*\)")


def hostile_item(warning_id: int = 1) -> Item:
    return Item(warning_id, "S2", "超编", HOSTILE, "张三", f"机构{HOSTILE}超编", date(2027, 1, 8), False)


def test_data_cannot_make_links_mentions_or_emphasis():
    text = inert(HOSTILE)
    assert not LINK.search(text) and "<@" not in text and "**" not in text and "`" not in text
    assert "\n" not in text and "://" not in text and "@1380" not in text
    assert "点我" in text and "evil.example" in text, "the words stay readable"


def test_a_digest_and_a_reminder_carry_only_the_products_link():
    digest = digest_message(Digest(HOSTILE, [hostile_item()], new_ids={1}, link="https://portal.test/w"),
                            key="k", max_bytes=None)
    reminder = reminder_message(Reminder(HOSTILE, "soon", [hostile_item()], link="https://portal.test/w"),
                                key="r", max_bytes=None)
    for message in (digest, reminder):
        for text in (message.title, message.body):
            assert not LINK.search(text) and "<@all>" not in text and "**急**" not in text
            assert "\n- 伪造行" not in text


def test_due_dates_carry_the_year():
    body = digest_message(Digest("甲县财政局", [hostile_item()]), key="k", max_bytes=None).body
    assert "期限2027-01-08" in body


async def test_the_robot_receives_only_the_products_link(fakes: FakePlatforms, make_channel: MakeChannel) -> None:
    fakes.dingtalk.add_robot("tok-9")
    message = digest_message(Digest(HOSTILE, [hostile_item()], link="https://portal.test/w"), key="k",
                             max_bytes=20_000)
    await make_channel("dingtalk", access_token="tok-9").send(message)
    [sent] = fakes.dingtalk.delivered
    card = sent.payload["actionCard"]
    assert not LINK.search(card["text"] + card["title"]) and "http://" not in card["text"]
    assert card["singleURL"] == "https://portal.test/w"
