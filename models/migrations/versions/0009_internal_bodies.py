"""internal bodies (内设机构) and their posts

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.core.db

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('internal_body',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('grade', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('chief_posts', sa.Integer(), nullable=True),
    sa.Column('deputy_posts', sa.Integer(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('approval_doc', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', models.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', models.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unit_id', 'code', name='uq_internal_body_unit_code')
    )
    op.create_index(op.f('ix_internal_body_unit_id'), 'internal_body', ['unit_id'], unique=False)
    # Nullable, no default, the reference inline: SQLite adds it without copying the table (a copy
    # would have to drop person, which person_event refers to), PostgreSQL without rewriting it.
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_id', sa.Integer(), sa.ForeignKey('internal_body.id'), nullable=True),
                            inline_references=True)
        batch_op.create_index(batch_op.f('ix_person_body_id'), ['body_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_body_id'))
        batch_op.drop_column('body_id')  # its reference goes with it (SQLite: by copying the table)
    op.drop_index(op.f('ix_internal_body_unit_id'), table_name='internal_body')
    op.drop_table('internal_body')
