"""The language a resident signed up for a workshop in, for the mails sent later

Revision ID: 0021_registration_language
Revises: 0020_translated_summaries
Create Date: 2026-12-04 10:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_registration_language'
down_revision = '0020_translated_summaries'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('language', sa.String(length=8), nullable=False, server_default='ja')
        )


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('language')
