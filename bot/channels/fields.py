"""Lenient input for channel config forms: pasted webhook URLs and comma-separated lists."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator
from yarl import URL

_LIST_SEPARATORS = re.compile(r"[,，;；\s]+")


def token_from_url(value: object, param: str) -> object:
    """Keep only the token when a whole webhook URL is pasted: the host always comes from settings."""
    if not isinstance(value, str):
        return value
    value = value.strip()
    if not value.lower().startswith(("http://", "https://")):
        return value
    token = URL(value).query.get(param)
    if not token:
        raise ValueError(f"Webhook 地址中没有 {param} 参数")
    return token


def split_list(value: object) -> object:
    """Accept "a, b；c" (Chinese or ASCII separators, spaces, newlines) as well as a list."""
    if isinstance(value, str):
        return [item for item in _LIST_SEPARATORS.split(value) if item]
    return value


# A list of strings that a form may also submit as one comma-separated text field.
StrList = Annotated[list[str], BeforeValidator(split_list)]
