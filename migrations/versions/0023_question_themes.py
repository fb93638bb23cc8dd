"""Themes of a free-text question's answers: an analysis and a correction may belong to a
question; answers' tokens and masked texts are kept like the comments'

Revision ID: 0023_question_themes
Revises: 0022_analysis_features
Create Date: 2026-12-04 13:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023_question_themes'
down_revision = '0022_analysis_features'
branch_labels = None
depends_on = None


def upgrade():
    for table, column in (('answer_tokens', 'tokens'), ('answer_mask', 'text')):
        op.create_table(
            table,
            sa.Column('comment_id', sa.Integer(), nullable=False),
            sa.Column('question_id', sa.Integer(), nullable=False),
            sa.Column('cache_key', sa.String(length=64), nullable=False),
            sa.Column(column, sa.JSON() if column == 'tokens' else sa.Text(), nullable=False),
            sa.ForeignKeyConstraint(
                ['comment_id'], ['comment.id'],
                name=op.f(f'fk_{table}_comment_id_comment'), ondelete='CASCADE',
            ),
            sa.ForeignKeyConstraint(
                ['question_id'], ['question.id'],
                name=op.f(f'fk_{table}_question_id_question'), ondelete='CASCADE',
            ),
            sa.PrimaryKeyConstraint('comment_id', 'question_id', name=op.f(f'pk_{table}')),
        )
    with op.batch_alter_table('analysis', schema=None) as batch_op:
        batch_op.add_column(sa.Column('question_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_analysis_question_id'), ['question_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_analysis_question_id_question'), 'question', ['question_id'], ['id'],
            ondelete='CASCADE',
        )
    with op.batch_alter_table('correction', schema=None) as batch_op:
        batch_op.add_column(sa.Column('question_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_correction_question_id_question'), 'question', ['question_id'], ['id'],
            ondelete='CASCADE',
        )


def downgrade():
    with op.batch_alter_table('correction', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_correction_question_id_question'), type_='foreignkey')
        batch_op.drop_column('question_id')
    with op.batch_alter_table('analysis', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_analysis_question_id_question'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_analysis_question_id'))
        batch_op.drop_column('question_id')
    op.drop_table('answer_mask')
    op.drop_table('answer_tokens')
