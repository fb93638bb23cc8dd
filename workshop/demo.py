"""Demo data: staff accounts for each role and an open consultation with comments.

Only for trying machikoe out; the accounts and passwords are listed in the README.
"""

from __future__ import annotations

import csv
from datetime import datetime, time, timedelta
from importlib import resources

import click
from flask.cli import AppGroup
from sqlalchemy import select

from workshop import jobs
from workshop.auth import services as auth_services
from workshop.consultations import services
from workshop.demo_data import survey
from workshop.extensions import db
from workshop.labels import AGE_GROUP_ALIASES
from workshop.models import (
    Channel,
    Comment,
    Consultation,
    JobKind,
    Question,
    Role,
    User,
    Workshop,
    WorkshopFormat,
)
from workshop.questionnaires.services import (
    AnswerInput,
    apply_questionnaire,
    check_answers,
    parse_file,
    raw_from_cell,
    store_answers,
)
from workshop.summaries.services import save_summaries
from workshop.timeutil import TOKYO, today_tokyo
from workshop.transaction import transaction
from workshop.workshops.services import access, events

DEMO_USERS = (
    ("admin@example.jp", "管理者（デモ）", Role.ADMIN, "demo-admin-2026"),
    ("planner@example.jp", "企画 花子（デモ）", Role.PLANNER, "demo-planner-2026"),
    ("facilitator@example.jp", "進行 太郎（デモ）", Role.FACILITATOR, "demo-facilitator-2026"),
)
DEMO_SLUG = "dx-plan-2026"
DISTRICTS = ("中央地区", "駅前地区", "北山地区", "南浜地区", "東台地区", "西川地区")
SECTIONS = (
    "第1章 計画の目的と位置づけ",
    "第2章 みどり市のデジタル化の現状と課題",
    "第3章 基本目標1 誰一人取り残されないデジタル化",
    "第4章 基本目標2 便利で速い行政サービス",
    "第5章 基本目標3 デジタルでつながる地域づくり",
    "第6章 推進体制と進め方",
)
BODY = """\
みどり市は、市民の皆さんの暮らしをより便利で安心なものにするため、
「みどり市DX推進計画（素案）」をまとめました。計画を決める前に、皆さんのご意見をお聞かせください。

## 計画のポイント

- **誰一人取り残されないデジタル化**: スマホ教室や地域の相談窓口を増やし、紙や対面の手続きも残します。
- **便利で速い行政サービス**: 「書かない窓口」と電子申請で、市役所に来なくても済む手続きを増やします。
- **デジタルでつながる地域づくり**: 自治会の連絡や防災の情報を、デジタルでも届くようにします。

## ご意見の出し方

このページのフォームのほか、郵送、ファクス、市役所1階の窓口でも受け付けます。
いただいたご意見は、個人が特定される情報を除いて、市の考え方とあわせて公表します。
"""
CHANNEL_CYCLE = (Channel.WEB,) * 6 + (Channel.LINE,) * 3 + (Channel.PAPER, Channel.COUNTER)


def load_users() -> None:
    for email, name, role, password in DEMO_USERS:
        if auth_services.find_user(email) is None:
            auth_services.create_user(email, password, role, name)


DRAFT_OUTLINE_SLUG = "dx-outline-2026"


def create_round(data: services.ConsultationInput) -> Consultation | None:
    """A demo consultation, created by the demo planner; None if its slug is already there."""
    stmt = select(Consultation).where(Consultation.slug == data.slug)
    if db.session.scalars(stmt).first():
        return None
    planner = auth_services.find_user("planner@example.jp")
    consultation, _ = services.create_consultation(data, staff_id=planner.id if planner else None)
    return consultation


def load_consultation() -> Consultation | None:
    """The open 素案 round, where residents can try commenting."""
    today = today_tokyo()
    return create_round(
        services.ConsultationInput(
            slug=DEMO_SLUG,
            title="みどり市DX推進計画（素案）への意見募集",
            opens_on=today - timedelta(days=14),
            closes_on=today + timedelta(days=16),
            summary="市のデジタル化の進め方を定める計画の素案です。スマホが苦手な方のご意見もお待ちしています。",
            body=BODY,
            receipt_prefix="DX",
            districts=DISTRICTS,
            sections=SECTIONS,
        )
    )


# the open round's summary in other languages, as a planner would write it: short and plain
SUMMARIES = {
    "easy": "市の デジタル化の 計画を 作っています。あなたの 考えを 教えて ください。"
    "スマホが 苦手な 人の 声も 大切です。",
    "en": "The city is writing its plan for going digital. Please tell us what you think. "
    "We especially want to hear from people who find smartphones hard to use.",
    "zh": "市政府正在制定数字化推进计划的草案。欢迎提出您的意见，"
    "也特别希望听到不擅长使用智能手机的市民的声音。",
    "ko": "시는 디지털화 추진 계획안을 만들고 있습니다. 의견을 보내 주십시오. "
    "스마트폰 사용이 어려운 분들의 의견도 기다립니다.",
    "vi": "Thành phố đang soạn kế hoạch chuyển đổi số. Hãy cho chúng tôi biết ý kiến của bạn. "
    "Chúng tôi cũng muốn nghe ý kiến của những người thấy khó dùng điện thoại thông minh.",
    "pt": "A prefeitura está preparando o seu plano de transformação digital. Dê a sua opinião. "
    "Queremos ouvir também quem tem dificuldade para usar o smartphone.",
}


def load_closed_round() -> Consultation | None:
    """The earlier 骨子案 round, closed, with the residents' comments: planners analyse and publish it."""
    today = today_tokyo()
    return create_round(
        services.ConsultationInput(
            slug=DRAFT_OUTLINE_SLUG,
            title="みどり市DX推進計画（骨子案）への意見募集",
            opens_on=today - timedelta(days=75),
            closes_on=today - timedelta(days=45),
            summary="計画の骨組み（骨子案）へのご意見を募集しました。いただいたご意見は素案づくりに生かしています。",
            body="計画の骨組みについて、市民の皆さんのご意見を募集しました。",
            receipt_prefix="DXK",
            districts=DISTRICTS,
            sections=SECTIONS[:3],
        )
    )


# comments foreign residents wrote in their own languages (ours, like every demo text): the
# analysis keeps them as a group per language, beside the Japanese themes
OTHER_LANGUAGE_COMMENTS = (
    ("V01", "Tôi muốn có lớp học dùng điện thoại thông minh bằng tiếng Việt ở nhà văn hóa.", "30代", "駅前地区"),
    ("V02", "Giấy tờ ở tòa thị chính rất khó hiểu. Xin hãy có hướng dẫn bằng tiếng Việt.", "20代", "南浜地区"),
    ("V03", "Tôi làm việc vào ngày thường nên muốn làm thủ tục trên mạng vào buổi tối.", "20代", "駅前地区"),
    ("E01", "Please make the city website readable in English, especially the garbage rules.", "40代", "中央地区"),
    ("E02", "I would like to apply for childcare online, with English help on each step.", "30代", "東台地区"),
    ("C01", "希望市政府的网站和通知也能提供中文版本，现在很多信息我们看不懂。", "30代", "駅前地区"),
    ("K01", "시청 창구에서 외국인을 위한 통역 서비스가 있으면 좋겠습니다.", "40代", "中央地区"),
    ("P01", "Gostaria que os avisos de desastre também fossem enviados em português pelo LINE.", "40代", "南浜地区"),
)  # fmt: skip


def load_comments(consultation: Consultation) -> int:
    text = resources.files("workshop.demo_data").joinpath("comments.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines(keepends=True)))
    rows += [
        {"id": key, "text": body, "age_group": age, "district": district}
        for key, body, age, district in OTHER_LANGUAGE_COMMENTS
    ]
    with transaction():
        numbers = services.next_receipt_numbers(consultation, len(rows), today_tokyo().year)
        start = consultation.opens_on
        for index, (row, receipt_no) in enumerate(zip(rows, numbers, strict=True)):
            comment = services.build_comment(
                consultation,
                services.CommentInput(
                    body=row["text"],
                    age_group=AGE_GROUP_ALIASES.get(row["age_group"]),
                    district=row["district"] or None,
                ),
                channel=CHANNEL_CYCLE[index % len(CHANNEL_CYCLE)],
                received_on=start + timedelta(days=index % 30),
                receipt_no=receipt_no,
            )
            comment.external_id = f"demo:{row['id']}"
            db.session.add(comment)
    return len(rows)


SURVEY_SLUG = "dx-survey-2026"
SURVEY_ANSWERS = 2000
# how the demo's answers came: most on the web, some on paper typed in by staff, the rest
# from the city's LINE questionnaire (an import)
SURVEY_CHANNELS = (Channel.WEB,) * 12 + (Channel.PAPER,) * 3 + (Channel.LINE,) * 5


def analyse(consultation: Consultation) -> None:
    """Tokenize and analyse a demo round here and now, as a planner's 分析する would."""
    from workshop.themes.services import start_analysis

    jobs.enqueue(JobKind.TOKENS, consultation_id=consultation.id, how="inline")
    start_analysis(consultation.id, how="inline")


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
        made: list[tuple[Comment, tuple[AnswerInput, ...]]] = []
        for index, (row, receipt_no) in enumerate(zip(rows, numbers, strict=True)):
            raw = {
                key: raw_from_cell(by_key[key], row[column[name]])
                for key, name in survey.QUESTION_COLUMNS.items()
                if key in by_key
            }
            checked = check_answers(questions, raw, enforce_required=False)
            assert not checked.problems, checked.problems  # our own rows fit our own questions
            channel = SURVEY_CHANNELS[index % len(SURVEY_CHANNELS)]
            comment = services.build_comment(
                consultation,
                services.CommentInput(
                    body=row[column[survey.TEXT_COLUMN]],
                    age_group=AGE_GROUP_ALIASES.get(row[column["年代"]]),
                    district=row[column["お住まいの地区"]] or None,
                ),
                channel=channel,
                received_on=consultation.opens_on + timedelta(days=index % 20),
                receipt_no=receipt_no,
            )
            if channel is Channel.PAPER and planner is not None:
                comment.entered_by_id = planner.id
            if channel is Channel.LINE:
                comment.external_id = row[column["回答ID"]]
            db.session.add(comment)
            made.append((comment, checked.answers))
        db.session.flush()
        for comment, answers in made:
            store_answers(comment.id, questions, answers)


DEMO_WORKSHOP_TITLE = "みどり市DX推進計画 市民ワークショップ「スマホと行政のこれから」"


def load_workshop() -> bool:
    """One hybrid workshop two weeks ahead, feeding the demo consultation, run by the demo
    facilitator; once only."""
    facilitator = auth_services.find_user("facilitator@example.jp")
    existing = db.session.scalars(
        select(Workshop).where(Workshop.title == DEMO_WORKSHOP_TITLE)
    ).first()
    if existing is not None:
        # a demo database from before facilitators were assigned
        if facilitator is not None and facilitator not in existing.facilitators:
            with transaction():
                access.assign_facilitators(existing, [*existing.facilitators, facilitator])
        return False
    consultation = db.session.scalars(
        select(Consultation).where(Consultation.slug == DEMO_SLUG)
    ).first()
    starts = datetime.combine(today_tokyo() + timedelta(days=14), time(13, 30), tzinfo=TOKYO)
    events.create_workshop(
        events.WorkshopInput(
            title=DEMO_WORKSHOP_TITLE,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            format=WorkshopFormat.HYBRID,
            capacity=24,
            online_capacity=16,
            venue="みどり市役所 本庁舎3階 大会議室",
            online_url="https://meet.example.jp/midori-dx-workshop",
            description=(
                "## 当日の流れ\n\n1. 計画の素案の説明（20分）\n"
                "2. テーブルごとの話し合い「スマホで困ったこと・便利だったこと」（60分）\n"
                "3. 各テーブルからの発表とまとめ（30分）\n\n"
                "スマホやパソコンが苦手な方も大歓迎です。"
            ),
            access="みどり駅北口から徒歩7分。駐車場は台数に限りがあります。",
            accessibility=(
                "車椅子でお越しいただけます。手話通訳・要約筆記・託児をご希望の方は、"
                "申込のときにお知らせください。"
            ),
            signup_deadline=starts - timedelta(days=3),
            questions=("行政のデジタル化で、いちばん困っていること",),
            consultation_id=consultation.id if consultation else None,
            facilitator_ids=(facilitator.id,) if facilitator else (),
        )
    )
    return True


DEMO_BOARD_QUESTIONS = (
    "スマホや行政の手続きで、困ったこと・不安なことは？",
    "こんな市役所のデジタル化なら使ってみたい、というアイデアは？",
)
# (table, nickname, text, approved, likes): written for the demo, not real residents' words
DEMO_BOARD_NOTES = (
    (0, "さくら", "マイナンバーカードの暗証番号を忘れてしまい、窓口に行くしかなかった", True, 5),
    (0, "", "電子申請の画面の文字が小さくて、老眼だと読みづらい", True, 4),
    (1, "たろう", "どのサイトが本物の市役所なのか分からず、詐欺が心配になる", True, 3),
    (1, "", "子どもの保育園の書類が紙とネットで二度手間になっている", True, 2),
    (2, "みどり", "スマホ教室に行きたいが、平日の昼間しかやっていない", True, 3),
    (2, "", "ネットで予約したのに、窓口でまた同じことを書かされた", True, 1),
    (3, "", "市のLINEで届くお知らせが多すぎて、大事なものが埋もれる", True, 0),
    (3, "", "家にWi-Fiがないので、動画の説明は通信量が気になる", False, 0),
)
DEMO_PAPER_NOTES = "父の介護の手続きを、離れて住む私がネットでできると助かる"


def load_board() -> str | None:
    """An open board on the demo workshop with notes in it (some still 確認待ち); once only.
    Returns its code when it was added."""
    from workshop.boards.services import lookup as board_lookup
    from workshop.boards.services import moderation, notes, participants
    from workshop.boards.services.setup import BoardInput, create_board, table_names
    from workshop.models.boards import new_participant_token

    workshop = db.session.scalars(
        select(Workshop).where(Workshop.title == DEMO_WORKSHOP_TITLE)
    ).first()
    if workshop is None or board_lookup.boards_of(workshop.id):
        return None
    facilitator = auth_services.find_user("facilitator@example.jp")
    staff_id = facilitator.id if facilitator else None
    board = create_board(
        workshop.id,
        BoardInput(
            title="付箋ボード「スマホと行政のこれから」",
            questions=DEMO_BOARD_QUESTIONS,
            tables=table_names(4),
            is_open=True,
        ),
        staff_id=staff_id,
    )
    tokens = []
    for table, nickname, text, approved, _ in DEMO_BOARD_NOTES:
        token = new_participant_token()
        tokens.append(token)
        if nickname:
            participants.set_nickname(board.id, token, nickname)
        note = notes.post_note(board.id, token, text, board.tables[table].id)
        if approved:
            moderation.approve(board.id, note.id, staff_id=staff_id)
    moderation.enter_paper_notes(
        board.id,
        DEMO_PAPER_NOTES,
        question_id=None,
        table_id=board.tables[0].id,
        staff_id=staff_id,
    )
    for index, (*_, likes) in enumerate(DEMO_BOARD_NOTES):
        note_id = notes.notes_of(participants.find(board, tokens[index]))[0].id
        for liker in tokens[index + 1 : index + 1 + likes]:
            notes.like(board.id, liker, note_id)
    return board.code


@click.group(cls=AppGroup, help="デモデータ (demo data)")
def demo() -> None:
    pass


@demo.command("load")
def load() -> None:
    """Load demo accounts, an open and a closed consultation and a workshop, once; again: nothing."""
    load_users()
    opened = load_consultation()
    closed = load_closed_round()
    if load_workshop():
        click.echo("demo workshop added")
    code = load_board()
    if code:
        click.echo(f"demo board added: join at /b/{code}")
    if (survey_round := load_survey()) is not None:
        analyse(survey_round)  # its results page shows the themes split by a choice
        click.echo(
            f"demo questionnaire added: {SURVEY_ANSWERS:,} answers at /consultations/{SURVEY_SLUG}"
        )
    if opened is not None:
        save_summaries(opened, SUMMARIES)
    if opened is None and closed is None:
        click.echo("demo data already loaded")
        return
    count = 0
    if closed is not None:
        count = load_comments(closed)
        # the closed round comes analysed: its large themes and themes are there to read
        analyse(closed)
    users = db.session.scalars(select(User)).all()
    click.echo(f"demo data loaded: {len(users)} staff accounts, 3 consultations, {count} comments")
