"""monthly scores, deductions, appeals and the published red/black list

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.core.db

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def _str(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table('score_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', _str(7), nullable=False),
    sa.Column('region_code', _str(6), nullable=False),
    sa.Column('level', _str(4), nullable=False),
    sa.Column('status', _str(10), nullable=False),
    sa.Column('weights', sa.JSON(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('preview_until', sa.Date(), nullable=True),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('created_by', _str(60), nullable=False),
    sa.Column('created_at', models.core.db.UTCDateTime(), nullable=False),
    sa.Column('published_by', _str(60), nullable=True),
    sa.Column('published_at', models.core.db.UTCDateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', models.core.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('month', 'region_code', 'level', name='uq_score_run_scope')
    )
    with op.batch_alter_table('score_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_run_month'), ['month'], unique=False)

    op.create_table('score_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('deducted', sa.Float(), nullable=False),
    sa.Column('s1_count', sa.Integer(), nullable=False),
    sa.Column('checks', sa.Integer(), nullable=False),
    sa.Column('persons', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('list_kind', _str(6), nullable=True),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['score_run.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('run_id', 'unit_id', name='uq_score_line_unit')
    )
    with op.batch_alter_table('score_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_line_run_id'), ['run_id'], unique=False)
        batch_op.create_index('ix_score_line_unit', ['unit_id', 'run_id'], unique=False)

    op.create_table('deduction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', _str(16), nullable=False),
    sa.Column('points', sa.Float(), nullable=False),
    sa.Column('ref_type', _str(16), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=False),
    sa.Column('note', _str(300), nullable=False),
    sa.Column('removed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['score_run.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('run_id', 'unit_id', 'kind', 'ref_type', 'ref_id', name='uq_deduction_ref')
    )
    with op.batch_alter_table('deduction', schema=None) as batch_op:
        batch_op.create_index('ix_deduction_run_unit', ['run_id', 'unit_id'], unique=False)

    op.create_table('appeal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deduction_id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('filed_by', _str(60), nullable=False),
    sa.Column('filed_at', models.core.db.UTCDateTime(), nullable=False),
    sa.Column('reason', _str(1000), nullable=False),
    sa.Column('status', _str(10), nullable=False),
    sa.Column('decided_by', _str(60), nullable=True),
    sa.Column('decided_at', models.core.db.UTCDateTime(), nullable=True),
    sa.Column('decision_note', _str(1000), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', models.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['deduction_id'], ['deduction.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['score_run.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('deduction_id')
    )
    with op.batch_alter_table('appeal', schema=None) as batch_op:
        batch_op.create_index('ix_appeal_status', ['status', 'run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appeal_unit_id'), ['unit_id'], unique=False)

    op.create_table('score_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('appeal_id', sa.Integer(), nullable=True),
    sa.Column('at', models.core.db.UTCDateTime(), nullable=False),
    sa.Column('kind', _str(20), nullable=False),
    sa.Column('actor', _str(60), nullable=False),
    sa.Column('note', _str(2000), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeal.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['score_run.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('score_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_event_appeal_id'), ['appeal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_score_event_run_id'), ['run_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('score_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_score_event_run_id'))
        batch_op.drop_index(batch_op.f('ix_score_event_appeal_id'))
    op.drop_table('score_event')
    with op.batch_alter_table('appeal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appeal_unit_id'))
        batch_op.drop_index('ix_appeal_status')
    op.drop_table('appeal')
    with op.batch_alter_table('deduction', schema=None) as batch_op:
        batch_op.drop_index('ix_deduction_run_unit')
    op.drop_table('deduction')
    with op.batch_alter_table('score_line', schema=None) as batch_op:
        batch_op.drop_index('ix_score_line_unit')
        batch_op.drop_index(batch_op.f('ix_score_line_run_id'))
    op.drop_table('score_line')
    with op.batch_alter_table('score_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_score_run_month'))
    op.drop_table('score_run')
