"""the payroll roster (工资统发名单) from 财政

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.core.db

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('payroll_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('active_month', sa.Date(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('source_name', sqlmodel.sql.sqltypes.AutoString(length=260), nullable=False),
    sa.Column('file_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('uploaded_by', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('uploaded_at', models.core.db.UTCDateTime(), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('errors', sa.Integer(), nullable=False),
    sa.Column('problems', sa.JSON(), nullable=False),
    sa.Column('replaced_at', models.core.db.UTCDateTime(), nullable=True),
    sa.Column('replaced_by', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('active_month')
    )
    op.create_index(op.f('ix_payroll_batch_month'), 'payroll_batch', ['month'], unique=False)
    op.create_table('payroll_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('id_hash', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('id_masked', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('pay_category', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=True),
    sa.Column('source_row', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['payroll_batch.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('batch_id', 'unit_id', 'id_hash', name='uq_payroll_entry_person')
    )
    op.create_index('ix_payroll_entry_batch_hash', 'payroll_entry', ['batch_id', 'id_hash'], unique=False)
    op.create_index(op.f('ix_payroll_entry_unit_id'), 'payroll_entry', ['unit_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_payroll_entry_unit_id'), table_name='payroll_entry')
    op.drop_index('ix_payroll_entry_batch_hash', table_name='payroll_entry')
    op.drop_table('payroll_entry')
    op.drop_index(op.f('ix_payroll_batch_month'), table_name='payroll_batch')
    op.drop_table('payroll_batch')
