"""The demo's アンケート: an open consultation with the questionnaire of demo_data/survey.py
and 2,000 answers made from it, each checked by the questionnaire's own rules."""

from __future__ import annotations

from datetime import timedelta

from workshop.auth import services as auth_services
from workshop.consultations import services
from workshop.demo.consultations import DISTRICTS, create_round
from workshop.demo_data import survey
from workshop.extensions import db
from workshop.models import Channel, Comment, Consultation, Question
from workshop.questionnaires.services import (
    apply_questionnaire,
    check_answers,
    parse_file,
    raw_from_cell,
)
from workshop.timeutil import today_tokyo
from workshop.transaction import transaction

SURVEY_SLUG = "dx-survey-2026"
SURVEY_ANSWERS = 2000
# how the demo's answers came: most on the web, some on paper typed in by staff, the rest
# from the city's LINE questionnaire (an import)
SURVEY_CHANNELS = (Channel.WEB,) * 12 + (Channel.PAPER,) * 3 + (Channel.LINE,) * 5


def load_survey() -> Consultation | None:
    """An open アンケート beside the free text, with 2,000 answers of our own making: the
    questionnaire's results page has charts, cross tabs and themes split by a choice."""
    today = today_tokyo()
    consultation = create_round(
        services.ConsultationInput(
            slug=SURVEY_SLUG,
            title="デジタル化についての市民アンケート",
            opens_on=today - timedelta(days=20),
            closes_on=today + timedelta(days=10),
            summary="スマートフォンの使い方や、市役所の手続きで困っていることをお聞きします。"
            "5分ほどで答えられます。",
            body="市のデジタル化を進めるうえで、皆さんの暮らしの様子や困りごとをお聞きします。"
            "答えたくない質問は空けたままで構いません。",
            receipt_prefix="ENQ",
            districts=DISTRICTS,
        )
    )
    if consultation is None:
        return None
    questions = apply_questionnaire(
        consultation.id, parse_file(survey.questionnaire(with_attributes=False))
    )
    load_survey_answers(consultation, questions, survey.generate(SURVEY_ANSWERS))
    return consultation


def load_survey_answers(
    consultation: Consultation, questions: list[Question], rows: list[list[str]]
) -> None:
    """Each generated row as a response: checked by the questionnaire's own rules."""
    column = {name: index for index, name in enumerate(survey.HEADER)}
    by_key = {question.key: question for question in questions}
    planner = auth_services.find_user("planner@example.jp")
    with transaction():
        numbers = services.next_receipt_numbers(consultation, len(rows), today_tokyo().year)
        made: list[tuple[Comment, services.CommentInput]] = []
        for index, (row, receipt_no) in enumerate(zip(rows, numbers, strict=True)):
            raw = {
                key: raw_from_cell(by_key[key], row[column[name]])
                for key, name in survey.QUESTION_COLUMNS.items()
                if key in by_key
            }
            checked = check_answers(questions, raw, enforce_required=False)
            assert not checked.problems, checked.problems  # our own rows fit our own questions
            channel = SURVEY_CHANNELS[index % len(SURVEY_CHANNELS)]
            data = services.CommentInput(
                body=row[column[survey.TEXT_COLUMN]],
                age_group=row[column["年代"]] or None,
                district=row[column["お住まいの地区"]] or None,
                answers=checked.answers,
            )
            comment = services.build_comment(
                consultation,
                data,
                channel=channel,
                received_on=consultation.opens_on + timedelta(days=index % 20),
                receipt_no=receipt_no,
            )
            if channel is Channel.PAPER and planner is not None:
                comment.entered_by_id = planner.id
            if channel is Channel.LINE:
                comment.external_id = row[column["回答ID"]]
            db.session.add(comment)
            made.append((comment, data))
        db.session.flush()
        for comment, data in made:
            services.store_comment_answers(comment.id, consultation, data)
