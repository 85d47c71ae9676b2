"""handled updates: Telegram updates taken outside the residents' drafts

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 14:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'handled_updates',
        sa.Column('update_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('update_id', name=op.f('pk_handled_updates')),
    )


def downgrade() -> None:
    op.drop_table('handled_updates')
