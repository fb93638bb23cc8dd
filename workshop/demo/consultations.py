"""The demo's two rounds of the DX plan, created by the demo planner: the open 素案 with its
summary in other languages, and the closed 骨子案 with residents' comments (comments.csv in
demo_data/, and a few in other languages), analysed as a planner's 分析する would."""

from __future__ import annotations

import csv
from datetime import timedelta
from importlib import resources

from sqlalchemy import select

from workshop import jobs
from workshop.auth import services as auth_services
from workshop.consultations import services
from workshop.extensions import db
from workshop.models import Channel, Consultation, JobKind
from workshop.timeutil import today_tokyo
from workshop.transaction import transaction

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
        made = []
        for index, (row, receipt_no) in enumerate(zip(rows, numbers, strict=True)):
            data = services.CommentInput(
                body=row["text"],
                age_group=row["age_group"] or None,
                district=row["district"] or None,
            )
            comment = services.build_comment(
                consultation,
                data,
                channel=CHANNEL_CYCLE[index % len(CHANNEL_CYCLE)],
                received_on=start + timedelta(days=index % 30),
                receipt_no=receipt_no,
            )
            comment.external_id = f"demo:{row['id']}"
            db.session.add(comment)
            made.append((comment, data))
        db.session.flush()
        for comment, data in made:  # 年代 and 地区, as answers
            services.store_comment_answers(comment.id, consultation, data)
    return len(rows)


def analyse(consultation: Consultation) -> None:
    """Tokenize and analyse a demo round here and now, as a planner's 分析する would: the
    comments, and each free-text question's answers on their own."""
    from workshop.themes.services import start_analysis, text_questions

    jobs.enqueue(JobKind.TOKENS, consultation_id=consultation.id, how="inline")
    start_analysis(consultation.id, how="inline")
    for question in text_questions(consultation.id):
        start_analysis(consultation.id, how="inline", question_id=question.id)
