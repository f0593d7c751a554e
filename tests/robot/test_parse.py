"""Reading commands and checking webhooks and signatures, on their own (no database, no server)."""

from __future__ import annotations

import pytest

from bot.robot_message import expected_sign, parse_message, signature_problem, webhook_allowed
from tasks.robot.parse import Command, parse_command, warning_id

BASES = ("https://oapi.dingtalk.com", "https://api.dingtalk.com")


@pytest.mark.parametrize(("typed", "command"), [
    (" 待办", Command("todo")), ("我的待办", Command("todo")), ("确认 W12", Command("ack", "W12")),
    ("确认：12", Command("ack", "12")), ("查 欧阳 娜娜", Command("find", "欧阳娜娜")),
    ("查询张三", Command("find", "张三")),
    ("帮助", Command("help")), ("随便说点什么", Command("help")), ("", Command("help")),
])
def test_commands_are_read_as_people_type_them(typed, command):
    assert parse_command(typed) == command


@pytest.mark.parametrize(("arg", "number"), [("W12", 12), ("w12", 12), ("#12", 12), ("12", 12), ("１２", 12),
                                             ("W", None), ("X12", None), ("1234567890", None), ("", None)])
def test_warning_numbers(arg, number):
    assert warning_id(arg) == number


@pytest.mark.parametrize(("webhook", "allowed"), [
    ("https://oapi.dingtalk.com/robot/sendBySession?session=abc", True),
    ("https://api.dingtalk.com/v1.0/robot/x", True),
    ("http://oapi.dingtalk.com/robot/sendBySession?session=abc", False),  # not the configured scheme
    ("https://oapi.dingtalk.com.evil.example/robot/sendBySession", False),
    ("https://oapi.dingtalk.com@evil.example/robot/sendBySession", False),
    ("https://oapi.dingtalk.com:8443/robot/sendBySession", False),
    ("/robot/sendBySession", False), ("not a url", False),
])
def test_replies_go_only_to_the_configured_dingtalk_hosts(webhook, allowed):
    assert webhook_allowed(webhook, BASES) is allowed


def test_the_signature_window_is_one_hour_either_way():
    now, secret = 1_700_000_000_000, "app-secret"
    for skew, problem in ((0, None), (3_600_000, None), (-3_600_000, None), (3_600_001, "stale"),
                          (-3_600_001, "stale")):
        timestamp = str(now + skew)
        assert signature_problem(secret, timestamp, expected_sign(secret, timestamp), now) == problem
    assert signature_problem(secret, str(now), "签名", now) == "mismatch"  # non-ASCII never crashes the compare


def test_a_body_without_id_or_webhook_is_no_message():
    bodies: list[object] = [{}, {"msgId": "m1"}, {"sessionWebhook": "https://x"}, [], "text"]
    for body in bodies:
        with pytest.raises(ValueError):
            parse_message(body)
    message = parse_message({"msgId": "m1", "sessionWebhook": "https://x", "msgtype": "picture"})
    assert message.text == "" and not message.group and message.webhook_expires_ms == 0
