"""month-end locks of units and their lifting

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-25
"""

from __future__ import annotations

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder: filled by the capability that owns this revision


def downgrade() -> None:
    pass
