"""Running scans from the CLI and the worker: one transaction per scan."""

from __future__ import annotations

import logging
from datetime import date

from models.core.db import transaction
from models.core.runtime import Runtime
from models.notify.marks import scan_and_mark
from models.warnings.scan import ScanOutcome

logger = logging.getLogger(__name__)


async def scan_now(rt: Runtime, *, as_of: date, full: bool = False) -> ScanOutcome:
    async with transaction(rt.sessions) as session:
        outcome = await scan_and_mark(session, as_of=as_of, full=full)
    logger.info("scan %s %s: %s hits, %s new, %s resolved in %.1fs", outcome.scan_id, outcome.kind, outcome.hits,
                outcome.new, outcome.resolved, outcome.seconds)
    return outcome
