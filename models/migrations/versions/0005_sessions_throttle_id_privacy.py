"""server-side sessions, login throttling, ID numbers that cannot be rebuilt from clear columns

- ``web_session``: logout revokes on the server, idle sessions expire.
- ``login_throttle`` and ``account.locked_until``: wrong passwords lock for a while with growing
  delays, per account and per address, instead of until an admin intervenes.
- Persons: the clear area code keeps only the city (4 digits) and the masked form only the first
  4 characters. With the birth date and sex in clear, the old ``3301**********1234`` plus the full
  area code left a single candidate; now the county and the sequence stay unknown. Warning
  evidence that carries a masked ID is rewritten the same way, for numbers of every length.
  Masked mobiles keep only their last 4 digits, in person rows and in their history.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.core.db

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

STARS = "*" * 24  # longer than any stored masked form (id_masked holds 24 characters)


def upgrade() -> None:
    op.create_table('web_session',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('created_at', models.core.db.UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', models.core.db.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', models.core.db.UTCDateTime(), nullable=True),
    sa.Column('ip', sqlmodel.sql.sqltypes.AutoString(length=45), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_web_session_account_id'), 'web_session', ['account_id'], unique=False)
    op.create_table('login_throttle',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', models.core.db.UTCDateTime(), nullable=True),
    sa.Column('blocked_until', models.core.db.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('key')
    )
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked_until', models.core.db.UTCDateTime(), nullable=True))
    _hide_id_digits()


def _hide_id_digits() -> None:
    # Every length: 15-digit and malformed numbers had their last 4 characters shown too.
    op.execute("UPDATE person SET id_area = substr(id_area, 1, 4) WHERE length(id_area) > 4")
    op.execute(f"UPDATE person SET id_masked = substr(id_masked, 1, 4) || substr('{STARS}', 1, length(id_masked) - 4) "
               "WHERE length(id_masked) > 8")
    # Mobiles keep their last 4 digits only (the first 7 name the carrier block and its city).
    op.execute(f"UPDATE person SET mobile_masked = substr('{STARS}', 1, length(mobile_masked) - 4) || "
               "substr(mobile_masked, length(mobile_masked) - 3) WHERE length(mobile_masked) >= 8")
    _rewrite_evidence()
    _rewrite_event_mobiles()


def _mask_id(masked: str) -> str:
    return masked[:4] + "*" * (len(masked) - 4) if len(masked) > 8 else masked


def _mask_mobile(masked: object) -> object:
    if not isinstance(masked, str) or len(masked) < 8:
        return masked
    return "*" * (len(masked) - 4) + masked[-4:]


def _rewrite_evidence() -> None:
    warning = sa.table('warning', sa.column('id', sa.Integer()), sa.column('evidence', sa.JSON()))
    bind = op.get_bind()
    for row in bind.execute(sa.select(warning.c.id, warning.c.evidence)).all():
        evidence = dict(row.evidence or {})
        masked = evidence.get('id')
        if isinstance(masked, str) and _mask_id(masked) != masked:
            evidence['id'] = _mask_id(masked)
            bind.execute(warning.update().where(warning.c.id == row.id).values(evidence=evidence))


def _rewrite_event_mobiles() -> None:
    event = sa.table('person_event', sa.column('id', sa.Integer()), sa.column('changes', sa.JSON()))
    bind = op.get_bind()
    query = sa.select(event.c.id, event.c.changes).where(sa.cast(event.c.changes, sa.Text).like('%"mobile"%'))
    for row in bind.execute(query).all():
        changes = dict(row.changes or {})
        if isinstance(changes.get('mobile'), list):
            changes['mobile'] = [_mask_mobile(value) for value in changes['mobile']]
            bind.execute(event.update().where(event.c.id == row.id).values(changes=changes))


def downgrade() -> None:
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
    op.drop_table('login_throttle')
    op.drop_index(op.f('ix_web_session_account_id'), table_name='web_session')
    op.drop_table('web_session')
