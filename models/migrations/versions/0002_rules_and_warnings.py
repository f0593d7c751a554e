"""rules and warnings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.core.db

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('config_entry',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('value', sa.JSON(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('updated_at', models.core.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('rule_setting',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('severity', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('deadline_days', sa.Integer(), nullable=True),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('updated_at', models.core.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('rule_version',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('changed_by', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('changed_at', models.core.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('code', 'version')
    )
    op.create_table('scan_hit',
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('rule_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('rule_version', sa.Integer(), nullable=False),
    sa.Column('severity', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('anchor', sa.Date(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('due_estimated', sa.Boolean(), nullable=False),
    sa.Column('due_from_anchor', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('scan_id', 'fingerprint')
    )
    op.create_table('scan_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('watermark', models.core.db.UTCDateTime(), nullable=True),
    sa.Column('started_at', models.core.db.UTCDateTime(), nullable=False),
    sa.Column('finished_at', models.core.db.UTCDateTime(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('scoped_units', sa.Integer(), nullable=True),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('rule_versions', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('scan_scope',
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('scan_id', 'unit_id')
    )
    op.create_table('unit_quality',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('computed_at', models.core.db.UTCDateTime(), nullable=False),
    sa.Column('persons', sa.Integer(), nullable=False),
    sa.Column('completeness', sa.Float(), nullable=True),
    sa.Column('accuracy', sa.Float(), nullable=True),
    sa.Column('timeliness', sa.Float(), nullable=True),
    sa.Column('indicators', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('unit_id')
    )
    op.create_table('warning',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('rule_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('rule_version', sa.Integer(), nullable=False),
    sa.Column('severity', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('anchor', sa.Date(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('due_estimated', sa.Boolean(), nullable=False),
    sa.Column('detected_at', models.core.db.UTCDateTime(), nullable=False),
    sa.Column('detected_on', sa.Date(), nullable=False),
    sa.Column('created_scan_id', sa.Integer(), nullable=False),
    sa.Column('resolved_at', models.core.db.UTCDateTime(), nullable=True),
    sa.Column('resolved_by', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('resolved_scan_id', sa.Integer(), nullable=True),
    sa.Column('reopened_scan_id', sa.Integer(), nullable=True),
    sa.Column('reopen_count', sa.Integer(), nullable=False),
    sa.Column('acknowledged_at', models.core.db.UTCDateTime(), nullable=True),
    sa.Column('acknowledged_by', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('snoozed_until', sa.Date(), nullable=True),
    sa.Column('snooze_reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', models.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('fingerprint')
    )
    with op.batch_alter_table('warning', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_warning_created_scan_id'), ['created_scan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_warning_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_warning_reopened_scan_id'), ['reopened_scan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_warning_resolved_scan_id'), ['resolved_scan_id'], unique=False)
        batch_op.create_index('ix_warning_rule_status', ['rule_code', 'status'], unique=False)
        batch_op.create_index('ix_warning_status_due', ['status', 'due_date'], unique=False)
        batch_op.create_index('ix_warning_unit_status', ['unit_id', 'status'], unique=False)

    op.create_table('warning_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('warning_id', sa.Integer(), nullable=False),
    sa.Column('at', models.core.db.UTCDateTime(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['warning_id'], ['warning.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('warning_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_warning_event_warning_id'), ['warning_id'], unique=False)

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retire_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_person_entry_date'), ['entry_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_retire_on'), ['retire_on'], unique=False)

    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('uscc_status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_column('uscc_status')

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_retire_on'))
        batch_op.drop_index(batch_op.f('ix_person_entry_date'))
        batch_op.drop_column('retire_on')

    with op.batch_alter_table('warning_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_warning_event_warning_id'))

    op.drop_table('warning_event')
    with op.batch_alter_table('warning', schema=None) as batch_op:
        batch_op.drop_index('ix_warning_unit_status')
        batch_op.drop_index('ix_warning_status_due')
        batch_op.drop_index('ix_warning_rule_status')
        batch_op.drop_index(batch_op.f('ix_warning_resolved_scan_id'))
        batch_op.drop_index(batch_op.f('ix_warning_reopened_scan_id'))
        batch_op.drop_index(batch_op.f('ix_warning_person_id'))
        batch_op.drop_index(batch_op.f('ix_warning_created_scan_id'))

    op.drop_table('warning')
    op.drop_table('unit_quality')
    op.drop_table('scan_scope')
    op.drop_table('scan_run')
    op.drop_table('scan_hit')
    op.drop_table('rule_version')
    op.drop_table('rule_setting')
    op.drop_table('config_entry')
