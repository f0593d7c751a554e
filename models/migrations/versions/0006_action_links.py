"""action links: the ledger that makes each card button act once; persons found by name

- ``link_use``: one row per used card-button token (its ``jti``), so a link acts once.
- ``ix_person_name``: the robot's ``查 <姓名>`` looks persons up by exact name among a million.
- ``ix_unit_path_prefix`` (PostgreSQL): every scoped query filters units by ``path LIKE 'prefix%'``;
  under a non-"C" collation the plain index cannot serve a prefix, so a steward's page, card button
  or 待办 read all 50,000 units (20 ms) before this index (0.2 ms).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.core.db

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('link_use',
    sa.Column('jti', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('object', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('used_at', models.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ),
    sa.PrimaryKeyConstraint('jti')
    )
    op.create_index(op.f('ix_link_use_account_id'), 'link_use', ['account_id'], unique=False)
    op.create_index(op.f('ix_person_name'), 'person', ['name'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_unit_path_prefix ON unit (path varchar_pattern_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_unit_path_prefix")
    op.drop_index(op.f('ix_person_name'), table_name='person')
    op.drop_index(op.f('ix_link_use_account_id'), table_name='link_use')
    op.drop_table('link_use')
