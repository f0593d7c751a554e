"""monthly scores, deductions, appeals and the published red/black list

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-25
"""

from __future__ import annotations

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder: filled by the capability that owns this revision


def downgrade() -> None:
    pass
