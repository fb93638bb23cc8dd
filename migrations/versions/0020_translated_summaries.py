"""A planner's summaries of a consultation or workshop in the residents' other languages

Revision ID: 0020_translated_summaries
Revises: 0019_languages
Create Date: 2026-12-04 09:30:00

"""
from alembic import op
import sqlalchemy as sa

from workshop.models.base import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0020_translated_summaries'
down_revision = '0019_languages'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'translated_summary',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('consultation_id', sa.Integer(), nullable=True),
        sa.Column('workshop_id', sa.Integer(), nullable=True),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            '(consultation_id IS NULL) <> (workshop_id IS NULL)',
            name=op.f('ck_translated_summary_one_subject'),
        ),
        sa.ForeignKeyConstraint(
            ['consultation_id'], ['consultation.id'],
            name=op.f('fk_translated_summary_consultation_id_consultation'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['workshop_id'], ['workshop.id'],
            name=op.f('fk_translated_summary_workshop_id_workshop'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_translated_summary')),
        sa.UniqueConstraint(
            'consultation_id', 'language', name=op.f('uq_translated_summary_consultation_id_language')
        ),
        sa.UniqueConstraint('workshop_id', 'language', name=op.f('uq_translated_summary_workshop_id_language')),
    )
    with op.batch_alter_table('translated_summary', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_translated_summary_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_translated_summary_workshop_id'), ['workshop_id'], unique=False)


def downgrade():
    op.drop_table('translated_summary')
