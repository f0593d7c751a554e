"""三色管理: monthly red/yellow/green of units

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.core.db

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('unit_colour',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('month', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('colour', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('rule_version', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('hold_until', sa.Date(), nullable=True),
    sa.Column('computed_at', models.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unit_id', 'month', name='uq_unit_colour_month')
    )
    with op.batch_alter_table('unit_colour', schema=None) as batch_op:
        batch_op.create_index('ix_unit_colour_month', ['month'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('unit_colour', schema=None) as batch_op:
        batch_op.drop_index('ix_unit_colour_month')
    op.drop_table('unit_colour')
