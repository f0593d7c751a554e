"""self-checks (自查) of units

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25
"""

from __future__ import annotations

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder: filled by the capability that owns this revision


def downgrade() -> None:
    pass
