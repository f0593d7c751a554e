"""notification pipeline

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.core.db

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('notification_pref',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('quiet_start', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('quiet_end', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('sms_fallback', sa.Boolean(), nullable=False),
    sa.Column('updated_at', models.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ),
    sa.PrimaryKeyConstraint('account_id')
    )
    op.create_table('target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('config_enc', sa.LargeBinary(), nullable=False),
    sa.Column('purposes', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('subtree', sa.Boolean(), nullable=False),
    sa.Column('group_by', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('disabled_reason', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('paused_until', models.core.db.UTCDateTime(), nullable=True),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('last_error_at', models.core.db.UTCDateTime(), nullable=True),
    sa.Column('last_ok_at', models.core.db.UTCDateTime(), nullable=True),
    sa.Column('quiet_start', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('quiet_end', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('quiet_on_holidays', sa.Boolean(), nullable=False),
    sa.Column('s1_bypass', sa.Boolean(), nullable=False),
    sa.Column('group_wait_s', sa.Integer(), nullable=False),
    sa.Column('group_interval_s', sa.Integer(), nullable=False),
    sa.Column('repeat_workdays', sa.Integer(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('created_at', models.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', models.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_target_unit_id'), ['unit_id'], unique=False)

    op.create_table('digest_state',
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('group_key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('dirty', sa.Boolean(), nullable=False),
    sa.Column('dirty_since', models.core.db.UTCDateTime(), nullable=True),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('last_sent_at', models.core.db.UTCDateTime(), nullable=True),
    sa.Column('last_set', sa.JSON(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['target_id'], ['target.id'], ),
    sa.PrimaryKeyConstraint('target_id', 'group_key')
    )
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('group_key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('link', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', models.core.db.UTCDateTime(), nullable=False),
    sa.Column('claimed_at', models.core.db.UTCDateTime(), nullable=True),
    sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('sent_at', models.core.db.UTCDateTime(), nullable=True),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('warning_ids', sa.JSON(), nullable=False),
    sa.Column('created_at', models.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['target_id'], ['target.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key')
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_status_next', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_target_id'), ['target_id'], unique=False)

    op.create_table('delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=14), nullable=False),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('duration_ms', sa.Integer(), nullable=False),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('parts', sa.Integer(), nullable=False),
    sa.Column('receipt_status', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('receipt_at', models.core.db.UTCDateTime(), nullable=True),
    sa.Column('at', models.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], ),
    sa.ForeignKeyConstraint(['target_id'], ['target.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delivery_outbox_id'), ['outbox_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delivery_target_id'), ['target_id'], unique=False)

    with op.batch_alter_table('warning', schema=None) as batch_op:
        batch_op.add_column(sa.Column('escalation_level', sa.Integer(), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('warning', schema=None) as batch_op:
        batch_op.drop_column('escalation_level')

    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_target_id'))
        batch_op.drop_index(batch_op.f('ix_delivery_outbox_id'))
        batch_op.drop_index(batch_op.f('ix_delivery_message_id'))

    op.drop_table('delivery')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_target_id'))
        batch_op.drop_index('ix_outbox_status_next')

    op.drop_table('outbox')
    op.drop_table('digest_state')
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_target_unit_id'))

    op.drop_table('target')
    op.drop_table('notification_pref')
