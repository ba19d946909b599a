"""search index, Vietnamese name order, fictional (sample) contacts

Revision ID: 8da0e74c9607
Revises: fd03c31fe433
Create Date: 2026-11-26 06:29:14.661740

"""
from alembic import op
import sqlalchemy as sa
import diaspora.models.base
from diaspora.collation import name_sort_key
from diaspora.search.backends import INDEX_TABLE, ddl


# revision identifiers, used by Alembic.
revision = '8da0e74c9607'
down_revision = 'fd03c31fe433'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('name_sort', sa.String(length=400), nullable=False, server_default='')
        )
        batch_op.create_index(batch_op.f('ix_contacts_name_sort'), ['name_sort'], unique=False)
        batch_op.add_column(
            sa.Column('fictional', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, full_name FROM contacts")).all()
    for contact_id, full_name in rows:
        connection.execute(
            sa.text("UPDATE contacts SET name_sort = :key WHERE id = :id"),
            {"key": name_sort_key(full_name), "id": contact_id},
        )
    # The index itself: FTS5 on SQLite, tsvector/GIN on PostgreSQL. It starts empty; the
    # `flask --app diaspora search rebuild` command (run by `make run`) fills it.
    for statement in ddl(connection.dialect.name):
        op.execute(statement)


def downgrade():
    op.execute(f"DROP TABLE IF EXISTS {INDEX_TABLE}")
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contacts_name_sort'))
        batch_op.drop_column('name_sort')
        batch_op.drop_column('fictional')

    # ### end Alembic commands ###
