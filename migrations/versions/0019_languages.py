"""Comments tagged with their language; the language groups of an analysis

Revision ID: 0019_languages
Revises: 0018_registration_line_user
Create Date: 2026-12-04 07:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_languages'
down_revision = '0018_registration_line_user'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))
    with op.batch_alter_table('analysis_theme', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table('analysis_theme', schema=None) as batch_op:
        batch_op.drop_column('language')
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_column('language')
