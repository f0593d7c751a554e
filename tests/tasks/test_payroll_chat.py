"""D4 lines in chat: a masked name beside "paid after leaving" is enough in a group of many people."""

from __future__ import annotations

import re

import pytest

from models.warnings.rules.catalogue import CATALOGUE
from models.warnings.rules.payroll import RULES
from tasks.notify.items import chat_summary

EVIDENCE = {"name": "章某某", "id": "3305**************", "month": "2026-11-01", "category": "参公人员（绩效）",
            "est_unit": "安吉县某某局", "units": 2, "status": "deceased", "exit": "2026-03-22"}


@pytest.mark.parametrize("code", [rule.code for rule in RULES])
def test_payroll_lines_name_no_date_unit_category_or_id(code):
    portal_line = CATALOGUE[code].summary(EVIDENCE)  # the portal, behind login, says more
    line = chat_summary(code, EVIDENCE)
    assert line and line != portal_line
    assert not re.search(r"\d{4}-\d{2}-\d{2}", line), line
    for secret in ("安吉县某某局", "参公", "3305", "死亡", "章某某"):
        assert secret not in line, line
