"""ad-hoc tasks to units (任务流转)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25
"""

from __future__ import annotations

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder: filled by the capability that owns this revision


def downgrade() -> None:
    pass
