"""Chat lines carry no birth-derived dates: a retirement date is a birth date plus a fixed age."""

from __future__ import annotations

import re

import pytest

from models.warnings.rules.catalogue import CATALOGUE
from tasks.notify.items import chat_summary

EVIDENCE = {"name": "章某某", "birth_date": "1970-12-22", "retire_on": "2026-03-22", "retired_on": "2026-03-22",
            "reached": "2026-03-22", "due": "2026-03-22", "date": "2026-03-22", "retire_date": "2026-03-22"}
RETIREMENT_RULES = ("B2_RETIRE_SOON", "B3_OVERDUE_RETIRE", "B5_RETIRED_IN_EST")


@pytest.mark.parametrize("code", RETIREMENT_RULES)
def test_retirement_lines_in_groups_carry_no_date(code):
    assert code in CATALOGUE
    line = chat_summary(code, EVIDENCE)
    assert line and not re.search(r"\d{4}-\d{2}-\d{2}", line), line
