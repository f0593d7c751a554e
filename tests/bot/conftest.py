"""Channel tests run against the fake platforms; nothing here needs PostgreSQL or Redis."""

from __future__ import annotations

from tests.fakes.fixtures import api, bot_settings, fakes, make_channel

__all__ = ["api", "bot_settings", "fakes", "make_channel"]
