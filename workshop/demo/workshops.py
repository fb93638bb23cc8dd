"""The demo's workshop: a hybrid one two weeks ahead, feeding the open round, run by the
demo facilitator."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from workshop.auth import services as auth_services
from workshop.demo.consultations import DEMO_SLUG
from workshop.extensions import db
from workshop.models import Consultation, Workshop, WorkshopFormat
from workshop.timeutil import TOKYO, today_tokyo
from workshop.transaction import transaction
from workshop.workshops.services import access, events

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
