"""三色管理: monthly red/yellow/green of units

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-25
"""

from __future__ import annotations

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder: filled by the capability that owns this revision


def downgrade() -> None:
    pass
