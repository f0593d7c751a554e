"""self-checks (自查) of units

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.core.db

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table('self_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('open_unit', sa.Integer(), nullable=True),
    sa.Column('login', _text(60), nullable=False),
    sa.Column('month', _text(7), nullable=False),
    sa.Column('started_at', models.core.db.UTCDateTime(), nullable=False),
    sa.Column('finished_at', models.core.db.UTCDateTime(), nullable=True),
    sa.Column('status', _text(12), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('counts', sa.Boolean(), nullable=False),
    sa.Column('not_counted', _text(200), nullable=True),
    sa.Column('duration_s', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', models.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('open_unit')
    )
    with op.batch_alter_table('self_check', schema=None) as batch_op:
        batch_op.create_index('ix_self_check_unit_month', ['unit_id', 'month', 'counts'], unique=False)

    op.create_table('self_check_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('check_id', sa.Integer(), nullable=False),
    sa.Column('at', models.core.db.UTCDateTime(), nullable=False),
    sa.Column('kind', _text(20), nullable=False),
    sa.Column('actor', _text(60), nullable=False),
    sa.Column('note', _text(2000), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['check_id'], ['self_check.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('self_check_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_self_check_event_check_id'), ['check_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('self_check_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_self_check_event_check_id'))
    op.drop_table('self_check_event')
    with op.batch_alter_table('self_check', schema=None) as batch_op:
        batch_op.drop_index('ix_self_check_unit_month')
    op.drop_table('self_check')
