"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.core.db

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('display_name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('mobile', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('dingtalk_userid', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('zzd_userid', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('locked', sa.Boolean(), nullable=False),
    sa.Column('lock_reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('last_login_at', models.core.db.UTCDateTime(), nullable=True),
    sa.Column('created_at', models.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', models.core.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_login'), ['login'], unique=True)

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', models.core.db.UTCDateTime(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('object_type', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('object_id', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.Column('ip', sqlmodel.sql.sqltypes.AutoString(length=45), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)

    op.create_table('holiday_override',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('is_workday', sa.Boolean(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('updated_at', models.core.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('day')
    )
    op.create_table('import_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('source_name', sqlmodel.sql.sqltypes.AutoString(length=260), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('mode', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('inserted', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('errors', sa.Integer(), nullable=False),
    sa.Column('started_at', models.core.db.UTCDateTime(), nullable=False),
    sa.Column('finished_at', models.core.db.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('path', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('depth', sa.Integer(), nullable=False),
    sa.Column('uscc', sqlmodel.sql.sqltypes.AutoString(length=18), nullable=True),
    sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=True),
    sa.Column('level', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('is_cangong', sa.Boolean(), nullable=False),
    sa.Column('funding', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('grade', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('internal_limit', sa.Integer(), nullable=True),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('approval_doc', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', models.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', models.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_code'), ['code'], unique=True)
        batch_op.create_index(batch_op.f('ix_unit_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_path'), ['path'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_updated_at'), ['updated_at'], unique=False)

    op.create_table('account_scope',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('subtree', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('account_id', 'unit_id')
    )
    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('id_hash', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('id_enc', sa.LargeBinary(), nullable=False),
    sa.Column('id_masked', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('id_status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('id_birth', sa.Date(), nullable=True),
    sa.Column('id_sex', sqlmodel.sql.sqltypes.AutoString(length=1), nullable=True),
    sa.Column('id_area', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=True),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('sex', sqlmodel.sql.sqltypes.AutoString(length=1), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('est_type', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=True),
    sa.Column('identity', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('in_est', sa.Boolean(), nullable=False),
    sa.Column('entry_date', sa.Date(), nullable=True),
    sa.Column('exit_date', sa.Date(), nullable=True),
    sa.Column('post_unit_id', sa.Integer(), nullable=True),
    sa.Column('post_title', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('leader_kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('appoint_date', sa.Date(), nullable=True),
    sa.Column('appoint_doc', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('education', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('pro_title', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('mobile_enc', sa.LargeBinary(), nullable=True),
    sa.Column('mobile_hash', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('mobile_masked', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('retire_age_months', sa.Integer(), nullable=True),
    sa.Column('retire_basis', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('created_batch_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', models.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', models.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['post_unit_id'], ['unit.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('id_hash', 'unit_id', name='uq_person_id_unit')
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_created_batch_id'), ['created_batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_id_hash'), ['id_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_mobile_hash'), ['mobile_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_post_unit_id'), ['post_unit_id'], unique=False)
        batch_op.create_index('ix_person_unit_status', ['unit_id', 'status', 'in_est'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_updated_at'), ['updated_at'], unique=False)

    op.create_table('postquota',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('rank', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('approved', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('unit_id', 'scope', 'rank')
    )
    op.create_table('quota',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('est_type', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
    sa.Column('approved', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('unit_id', 'est_type')
    )
    op.create_table('person_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('at', models.core.db.UTCDateTime(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('person_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_event_person_id'), ['person_id'], unique=False)
    _make_audit_log_append_only()


AUDIT_GUARD_PG = (
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
)


def _make_audit_log_append_only() -> None:
    """The audit log must survive a compromised admin account: refuse UPDATE/DELETE in the database."""
    if op.get_bind().dialect.name == "postgresql":
        for statement in AUDIT_GUARD_PG:
            op.execute(statement)
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;"
        )


def downgrade() -> None:
    with op.batch_alter_table('person_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_event_person_id'))

    op.drop_table('person_event')
    op.drop_table('quota')
    op.drop_table('postquota')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_updated_at'))
        batch_op.drop_index('ix_person_unit_status')
        batch_op.drop_index(batch_op.f('ix_person_post_unit_id'))
        batch_op.drop_index(batch_op.f('ix_person_mobile_hash'))
        batch_op.drop_index(batch_op.f('ix_person_id_hash'))
        batch_op.drop_index(batch_op.f('ix_person_created_batch_id'))

    op.drop_table('person')
    op.drop_table('account_scope')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_updated_at'))
        batch_op.drop_index(batch_op.f('ix_unit_path'))
        batch_op.drop_index(batch_op.f('ix_unit_parent_id'))
        batch_op.drop_index(batch_op.f('ix_unit_code'))

    op.drop_table('unit')
    op.drop_table('import_batch')
    op.drop_table('holiday_override')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))
        batch_op.drop_index(batch_op.f('ix_audit_log_action'))

    op.drop_table('audit_log')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_login'))

    op.drop_table('account')
