"""The ``log`` channel: writes what would be sent to ``<var_dir>/outbox/<time>-<key>.md``.

For development, the demo and tests that do not care about a platform: the whole pipeline
runs without any network. It never raises: a failed write is logged and reported in the
receipt's status, so the delivery row shows it.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from bot.base import Channel, Message, Receipt
from bot.render import render
from models.staffing.ids import mask_mobile

logger = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


class LogConfig(BaseModel):
    """Nothing to configure: files go under the ``var_dir`` setting."""

    model_config = ConfigDict(extra="forbid")


class LogChannel(Channel[LogConfig]):
    kind = "log"
    label = "本地文件（开发调试）"
    Config = LogConfig

    async def send_part(self, part: Message) -> Receipt:
        now = datetime.now(ZoneInfo(self.settings.tz))  # people read these files: the office's clock
        name = f"{now:%Y%m%dT%H%M%S%f}-{_safe(part.idempotency_key)}.md"
        path = self.settings.var_dir / "outbox" / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(self.render(part, now) + "\n", encoding="utf-8")
        except OSError as exc:
            logger.warning("log channel could not write %s: %s", path, exc)
            return Receipt(key=part.idempotency_key, message_id=None, request_id=None, status=f"write failed: {exc}")
        logger.info("log channel wrote %s (%s)", path, part.title)
        return Receipt(key=part.idempotency_key, message_id=name, request_id=None, status="written")

    def render(self, part: Message, now: datetime) -> str:
        """The file's text: a header an officer can read, then the Markdown body."""
        # Mobiles are masked: these files sit unencrypted on disk and get shared in bug reports.
        mentions = " ".join([*(f"@{mask_mobile(m)}" for m in part.at_mobiles), *(f"@{u}" for u in part.at_user_ids)])
        return render("log_message.md.j2", m=part, now=now, mentions=mentions)


def _safe(key: str) -> str:
    return _UNSAFE.sub("_", key)[:80] or "nokey"
