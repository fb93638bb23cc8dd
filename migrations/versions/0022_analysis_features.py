"""What a theme analysis fitted (vocabularies, idf, LSA projection, vectors), for extending it

Revision ID: 0022_analysis_features
Revises: 0021_registration_language
Create Date: 2026-12-04 10:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_analysis_features'
down_revision = '0021_registration_language'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('analysis', schema=None) as batch_op:
        batch_op.add_column(sa.Column('features', sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table('analysis', schema=None) as batch_op:
        batch_op.drop_column('features')
