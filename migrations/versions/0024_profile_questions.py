"""年代・地区・市との関係 become ordinary choice questions of each consultation (question.profile),
their answers answer rows; comment.age_group, comment.district, comment.relation and
consultation.districts go

Every consultation gets three single-choice questions after its own, marked as attributes, with
the options it had: the eight age groups and four relations with their codes as before, its
listed districts as d1, d2, ... and any other district its comments named as hidden options.
Each comment's three values become answers to them. The downgrade puts them back.

Revision ID: 0024_profile_questions
Revises: 0023_question_themes
Create Date: 2026-12-04 19:30:00

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024_profile_questions'
down_revision = '0023_question_themes'
branch_labels = None
depends_on = None

AGE_GROUPS = (
    ('under_20', '10代以下'), ('20s', '20代'), ('30s', '30代'), ('40s', '40代'),
    ('50s', '50代'), ('60s', '60代'), ('70s', '70代'), ('80_plus', '80代以上'),
)
RELATIONS = (
    ('resident', '市内に住んでいる（在住）'), ('worker', '市内で働いている（在勤）'),
    ('student', '市内の学校に通っている（在学）'), ('other', 'その他'),
)
# profile, the key it prefers, its text
PROFILES = (
    ('age_group', 'age_group', '年代'),
    ('district', 'district', 'お住まいの地区'),
    ('relation', 'relation', '市との関係'),
)

consultation = sa.table('consultation', sa.column('id'), sa.column('districts', sa.JSON()))
comment = sa.table(
    'comment', sa.column('id'), sa.column('consultation_id'), sa.column('age_group'),
    sa.column('district'), sa.column('relation'),
)
question = sa.table(
    'question', sa.column('id'), sa.column('consultation_id'), sa.column('position'),
    sa.column('key'), sa.column('type'), sa.column('text'), sa.column('help_text'),
    sa.column('is_required'), sa.column('is_attribute'), sa.column('has_other'),
    sa.column('show_if_codes', sa.JSON()), sa.column('profile'),
)
option = sa.table(
    'question_option', sa.column('id'), sa.column('question_id'), sa.column('position'),
    sa.column('code'), sa.column('label'), sa.column('is_hidden'),
)
answer = sa.table(
    'answer', sa.column('id'), sa.column('comment_id'), sa.column('question_id'),
    sa.column('option_id'),
)


def free_key(taken, wanted):
    key, n = wanted, 1
    while key in taken:
        n += 1
        key = f'{wanted}_{n}'
    taken.add(key)
    return key


def options_of(conn, profile, consultation_id, listed):
    if profile == 'age_group':
        return [(code, label, False) for code, label in AGE_GROUPS]
    if profile == 'relation':
        return [(code, label, False) for code, label in RELATIONS]
    named = conn.execute(
        sa.select(comment.c.district).distinct()
        .where(comment.c.consultation_id == consultation_id, comment.c.district.is_not(None))
    ).scalars()
    others = sorted(set(named) - set(listed))
    return [
        (f'd{n}', label, n > len(listed))
        for n, label in enumerate([*listed, *others], start=1)
    ]


def upgrade():
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'profile', sa.Enum('age_group', 'district', 'relation', name='profile',
                               native_enum=False, length=32), nullable=True,
        ))
        batch_op.create_unique_constraint(
            batch_op.f('uq_question_consultation_id_profile'), ['consultation_id', 'profile']
        )
    conn = op.get_bind()
    for consultation_id, listed in conn.execute(sa.select(consultation.c.id, consultation.c.districts)):
        if isinstance(listed, str):
            listed = json.loads(listed)
        listed = [d for d in dict.fromkeys(listed or []) if d]
        rows = conn.execute(
            sa.select(question.c.key, question.c.position)
            .where(question.c.consultation_id == consultation_id)
        ).all()
        taken = {key for key, _ in rows}
        position = max((p for _, p in rows), default=-1)
        for profile, wanted, text in PROFILES:
            position += 1
            question_id = conn.execute(
                question.insert().values(
                    consultation_id=consultation_id, position=position,
                    key=free_key(taken, wanted), type='single', text=text, help_text='',
                    is_required=False, is_attribute=True, has_other=False, show_if_codes=[],
                    profile=profile,
                ).returning(question.c.id)
            ).scalar_one()
            for n, (code, label, hidden) in enumerate(
                options_of(conn, profile, consultation_id, listed)
            ):
                conn.execute(option.insert().values(
                    question_id=question_id, position=n, code=code, label=label, is_hidden=hidden,
                ))
            # each comment's value becomes its answer (districts by their name)
            value = comment.c.district if profile == 'district' else comment.c[profile]
            matched = option.c.label if profile == 'district' else option.c.code
            conn.execute(answer.insert().from_select(
                ['comment_id', 'question_id', 'option_id'],
                sa.select(comment.c.id, sa.literal(question_id), option.c.id)
                .join(option, sa.and_(option.c.question_id == question_id, matched == value))
                .where(comment.c.consultation_id == consultation_id)
                .order_by(comment.c.id),
            ))
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_column('relation')
        batch_op.drop_column('district')
        batch_op.drop_column('age_group')
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_column('districts')


def downgrade():
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('districts', sa.JSON(), nullable=True))
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'age_group', sa.Enum(*(code for code, _ in AGE_GROUPS), name='agegroup',
                                 native_enum=False, length=32), nullable=True,
        ))
        batch_op.add_column(sa.Column('district', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column(
            'relation', sa.Enum(*(code for code, _ in RELATIONS), name='relation',
                                native_enum=False, length=32), nullable=True,
        ))
    conn = op.get_bind()
    known = {
        'age_group': {code for code, _ in AGE_GROUPS},
        'relation': {code for code, _ in RELATIONS},
    }
    profiled = conn.execute(
        sa.select(question.c.id, question.c.consultation_id, question.c.profile)
        .where(question.c.profile.is_not(None))
    ).all()
    for question_id, consultation_id, profile in profiled:
        if profile == 'district':
            listed = conn.execute(
                sa.select(option.c.label).where(
                    option.c.question_id == question_id, option.c.is_hidden == sa.false()
                ).order_by(option.c.position)
            ).scalars().all()
            conn.execute(
                consultation.update().where(consultation.c.id == consultation_id)
                .values(districts=list(listed))
            )
        chosen = conn.execute(
            sa.select(answer.c.comment_id, option.c.code, option.c.label)
            .join(option, option.c.id == answer.c.option_id)
            .where(answer.c.question_id == question_id)
        ).all()
        for comment_id, code, label in chosen:
            if profile == 'district':
                value = label[:100]
            elif code in known[profile]:
                value = code
            else:
                continue  # an option the city added has no place in the old column
            conn.execute(
                comment.update().where(comment.c.id == comment_id).values({profile: value})
            )
    # row by row, not by the foreign keys' cascade: on SQLite they are off while migrating
    ids = [question_id for question_id, _, _ in profiled]
    conn.execute(answer.delete().where(answer.c.question_id.in_(ids)))
    conn.execute(option.delete().where(option.c.question_id.in_(ids)))
    conn.execute(question.delete().where(question.c.id.in_(ids)))
    conn.execute(
        consultation.update().where(consultation.c.districts.is_(None)).values(districts=[])
    )
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.alter_column('districts', existing_type=sa.JSON(), nullable=False)
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_question_consultation_id_profile'), type_='unique')
        batch_op.drop_column('profile')
