"""After an approved item changed records: the rules re-run on the units concerned, at once.

The targeted scan (as after a correction, ``tasks.corrections``) runs inside the decision's own
transaction, so the warnings it resolves (出编: 应退休未退休, 退休未出编) or raises (入编: 超编) commit
with the approval, together with the digest marks they owe. When a long scan holds the lock, the
targeted scan gives up before writing anything (``ScanBusy``): the approval stands and the next
scheduled scan settles the warnings.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from models.approvals.kind import Figures
from models.notify.marks import scan_and_mark
from models.warnings.scan import ScanBusy
from models.warnings.scope import units_of_persons


async def rescan_persons(session: AsyncSession, person_ids: Iterable[int], today: date,
                         also: Iterable[int] = ()) -> Figures:
    """A targeted scan of every unit the persons take part in (and ``also``); what it did, in figures."""
    units = await units_of_persons(session, person_ids=list(person_ids)) | set(also)
    try:
        outcome = await scan_and_mark(session, as_of=today, units=sorted(units))
    except ScanBusy:
        return {"rescan": "later"}
    return {"rescan": "done", "warnings_resolved": outcome.resolved, "warnings_new": outcome.new}
