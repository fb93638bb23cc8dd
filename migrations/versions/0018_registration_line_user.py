"""A registration made through LINE keeps who (the HMAC of the LINE id) and the id sealed
with the app's key, until the workshop is over

Revision ID: 0018_registration_line_user
Revises: 0017_job_result
Create Date: 2026-12-04 07:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_registration_line_user'
down_revision = '0017_job_result'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('line_user_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('line_user_sealed', sa.Text(), nullable=True))
        batch_op.create_unique_constraint(
            'uq_registration_workshop_id_line_user_hash', ['workshop_id', 'line_user_hash']
        )


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_constraint('uq_registration_workshop_id_line_user_hash', type_='unique')
        batch_op.drop_column('line_user_sealed')
        batch_op.drop_column('line_user_hash')
