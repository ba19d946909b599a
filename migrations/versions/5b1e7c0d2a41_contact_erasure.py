"""contact erasure: contacts.erased_at

Revision ID: 5b1e7c0d2a41
Revises: 480a987a3b57
Create Date: 2026-11-26 09:45:00

"""
from alembic import op
import sqlalchemy as sa
import diaspora.models.base


# revision identifiers, used by Alembic.
revision = '5b1e7c0d2a41'
down_revision = '480a987a3b57'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('erased_at', diaspora.models.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
