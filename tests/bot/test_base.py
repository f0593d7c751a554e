from __future__ import annotations

import pickle

import pytest

from bot.base import ChannelError, Message, json_cost, split_text
from tests.bot.helpers import digest, digest_body
from tests.fakes.fixtures import MakeChannel


def test_it_keeps_short_text_whole() -> None:
    assert split_text("一段话\n\n第二段", 100) == ["一段话\n\n第二段"]


def test_it_prefers_paragraph_breaks() -> None:
    paragraphs = ["甲" * 30, "乙" * 30, "丙" * 30]  # 90 bytes each
    assert split_text("\n\n".join(paragraphs), 200) == ["甲" * 30 + "\n\n" + "乙" * 30, "丙" * 30]


def test_it_falls_back_to_lines_inside_a_long_paragraph() -> None:
    lines = [f"第{i}行" + "字" * 20 for i in range(10)]
    chunks = split_text("\n".join(lines), 200)
    assert all(json_cost(chunk) <= 200 for chunk in chunks)
    assert [line for chunk in chunks for line in chunk.split("\n")] == lines


def test_it_cuts_an_overlong_line_on_character_boundaries() -> None:
    line = "编制" * 50 + "ab"  # 302 bytes in UTF-8, no break anywhere
    chunks = split_text(line, 31)
    assert "".join(chunks) == line
    assert all(json_cost(chunk) <= 31 for chunk in chunks)
    # 31 is not a multiple of 3: a byte-level cut would have split a character.
    assert [len(chunk.encode()) for chunk in chunks[:3]] == [30, 30, 30]


def test_it_counts_json_escapes() -> None:
    assert json_cost('引号"\n') == 6 + 2 + 2


def test_channel_error_flags() -> None:
    error = ChannelError("限流", rate_limited=True, permanent=True, retry_after=600, code="410100")
    assert (error.rate_limited, error.permanent, error.retry_after, str(error)) == (True, False, 600, "限流")


async def test_split_numbers_parts_and_keeps_mentions_on_the_first(make_channel: MakeChannel) -> None:
    channel = make_channel("wecom", key="k")
    parts = channel.split(digest(100, at_user_ids=("u1",), link="http://portal.test/d"))
    n = len(parts)
    assert n >= 3
    assert [p.title for p in parts] == ["超编预警汇总"] + [f"超编预警汇总（续 {k}/{n}）" for k in range(2, n + 1)]
    assert [p.idempotency_key for p in parts] == [f"digest-1-p{k}" for k in range(1, n + 1)]
    assert [p.at_user_ids for p in parts] == [("u1",)] + [()] * (n - 1)
    assert all(channel.measure(p) <= 4096 for p in parts)
    assert "\n".join(p.body for p in parts).split() == digest_body(100).split()


async def test_a_message_that_fits_is_not_touched(make_channel: MakeChannel) -> None:
    message = Message(title="t", body="b", idempotency_key="k")
    assert make_channel("wecom", key="k").split(message) == [message]


async def test_it_refuses_when_even_the_frame_is_too_big(make_channel: MakeChannel) -> None:
    with pytest.raises(ChannelError) as refused:
        make_channel("wecom", key="k").split(Message(title="长" * 1400, body="正文"))
    assert (refused.value.permanent, refused.value.code) == (True, "too_large")


def test_a_channel_error_survives_pickling() -> None:
    # arq pickles a failed job's exception into Redis; the flags must come back.
    error = pickle.loads(pickle.dumps(ChannelError("限流", rate_limited=True, retry_after=600, code="410100")))
    assert (error.rate_limited, error.retry_after, error.code) == (True, 600, "410100")
