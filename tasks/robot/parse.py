"""Reading a command from what someone typed to the robot."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["todo", "ack", "find", "help"]

_SPACES = re.compile(r"[\s\u3000]+")  # full-width spaces come from Chinese input methods
_ACK = re.compile(r"^(?:确认|確認)[:：]?(.*)$")
_FIND = re.compile(r"^(?:查询|查找|查)[:：]?(.*)$")
_NUMBER = re.compile(r"^[Ww#＃]?(\d{1,9})$")  # 9 digits: stays inside the database's integer range
TODO = {"待办", "我的待办", "代办", "todo"}
MAX_NAME = 30


@dataclass(frozen=True)
class Command:
    kind: Kind
    arg: str = ""  # 确认: the number as typed; 查: the name


def parse_command(text: str) -> Command:
    """The command in ``text``; anything unknown is a request for help."""
    words = _SPACES.sub(" ", text).strip()
    compact = words.replace(" ", "")
    if compact.lower() in TODO:
        return Command("todo")
    if match := _ACK.match(compact):
        return Command("ack", match.group(1))
    if match := _FIND.match(compact):
        return Command("find", match.group(1))
    return Command("help")


def warning_id(arg: str) -> int | None:
    """The warning id in ``W123``, ``w123``, ``#123`` or ``123``; None when it is none of those."""
    match = _NUMBER.match(arg)
    return int(match.group(1)) if match else None
