"""ad-hoc tasks to units (任务流转)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.core.db

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table('unit_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', _text(200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('publisher', _text(60), nullable=False),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('status', _text(10), nullable=False),
    sa.Column('created_at', models.core.db.UTCDateTime(), nullable=False),
    sa.Column('published_at', models.core.db.UTCDateTime(), nullable=True),
    sa.Column('closed_at', models.core.db.UTCDateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', models.core.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('unit_task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_task_publisher'), ['publisher'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_task_status'), ['status'], unique=False)

    op.create_table('unit_task_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('status', _text(12), nullable=False),
    sa.Column('received_at', models.core.db.UTCDateTime(), nullable=True),
    sa.Column('received_by', _text(60), nullable=True),
    sa.Column('done_at', models.core.db.UTCDateTime(), nullable=True),
    sa.Column('fed_back_at', models.core.db.UTCDateTime(), nullable=True),
    sa.Column('fed_back_by', _text(60), nullable=True),
    sa.Column('feedback', _text(2000), nullable=True),
    sa.Column('returned_count', sa.Integer(), nullable=False),
    sa.Column('return_note', _text(500), nullable=True),
    sa.Column('grade', _text(10), nullable=True),
    sa.Column('points', sa.Integer(), nullable=True),
    sa.Column('evaluation', _text(500), nullable=True),
    sa.Column('evaluated_by', _text(60), nullable=True),
    sa.Column('evaluated_at', models.core.db.UTCDateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', models.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['unit_task.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('task_id', 'unit_id', name='uq_unit_task_target_unit')
    )
    with op.batch_alter_table('unit_task_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_task_target_task_id'), ['task_id'], unique=False)
        batch_op.create_index('ix_unit_task_target_unit_status', ['unit_id', 'status'], unique=False)

    op.create_table('unit_task_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('at', models.core.db.UTCDateTime(), nullable=False),
    sa.Column('kind', _text(20), nullable=False),
    sa.Column('actor', _text(60), nullable=False),
    sa.Column('note', _text(2000), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['target_id'], ['unit_task_target.id'], ),
    sa.ForeignKeyConstraint(['task_id'], ['unit_task.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('unit_task_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_task_event_target_id'), ['target_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_task_event_task_id'), ['task_id'], unique=False)

    op.create_table('unit_task_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('filename', _text(200), nullable=False),
    sa.Column('content_type', _text(100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', _text(64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by', _text(60), nullable=False),
    sa.Column('uploaded_at', models.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['target_id'], ['unit_task_target.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('unit_task_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_task_file_target_id'), ['target_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('unit_task_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_task_file_target_id'))
    op.drop_table('unit_task_file')
    with op.batch_alter_table('unit_task_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_task_event_task_id'))
        batch_op.drop_index(batch_op.f('ix_unit_task_event_target_id'))
    op.drop_table('unit_task_event')
    with op.batch_alter_table('unit_task_target', schema=None) as batch_op:
        batch_op.drop_index('ix_unit_task_target_unit_status')
        batch_op.drop_index(batch_op.f('ix_unit_task_target_task_id'))
    op.drop_table('unit_task_target')
    with op.batch_alter_table('unit_task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_task_status'))
        batch_op.drop_index(batch_op.f('ix_unit_task_publisher'))
    op.drop_table('unit_task')
