"""Message text lives in per-channel Jinja2 templates under ``bot/templates/``, not in f-strings."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot.base import Button, Message
from bot.escape import inert
from models.staffing.ids import mask_mobile, mask_name

TEMPLATES = Path(__file__).parent / "templates"

# Markdown, not HTML: autoescaping would turn "&" and "<@user>" into entities on the phone.
_ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=False, undefined=StrictUndefined,
                   trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)
_ENV.filters["mask_mobile"] = mask_mobile
_ENV.filters["mask_name"] = mask_name
_ENV.filters["md"] = inert  # data into markdown: every field that did not come from the product


def button_line(buttons: tuple[Button, ...] | list[Button], separator: str = "　|　") -> str:
    """Buttons as markdown links on one line, for platforms (or messages) without card buttons.
    Labels and URLs are the product's own, never data."""
    return separator.join(f"[{b.label}]({b.url})" for b in buttons)


_ENV.filters["button_line"] = button_line


def render(name: str, **context: Any) -> str:
    """Render ``bot/templates/<name>`` and strip surrounding blank lines."""
    return _ENV.get_template(name).render(**context).strip("\n")


def make_test_message(*, label: str, portal_url: str, now: datetime) -> Message:
    """The "send a test message" content for a channel of type ``label`` (e.g. 钉钉群机器人)."""
    body = render("test_message.md.j2", label=label, now=now)
    # SMS templates are approved with fixed variables; every BZOps message fills ${unit} and ${count}.
    return Message(title="BZOps 测试消息", body=body, text=body, link=portal_url, action_label="打开门户",
                   idempotency_key=f"test-{now:%Y%m%d%H%M%S}", template_params={"unit": "测试消息", "count": "0"})
