"""the home page's 任免文号 tip: a small partial index of leaders still missing their 任免文号

Without it the tip read every person of the reader's scope (a city: 233 ms; the province: a
sequential scan of a million rows, 584 ms) on every home page; the index holds only active leaders
whose 任免文号 is empty, so the tip reads those few rows.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX ix_person_appoint_doc_missing ON person (unit_id, appoint_date) "
               "WHERE leader_kind <> 'none' AND status = 'active' AND COALESCE(appoint_doc, '') = ''")


def downgrade() -> None:
    op.execute("DROP INDEX ix_person_appoint_doc_missing")
