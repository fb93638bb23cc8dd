"""Japanese labels of the enums: what residents and staff read.

Staff pages, exports and imports read them as they are. The ones a resident can see are
marked with ``N_`` for the catalogues, and a resident's page shows them through ``_()``."""

from __future__ import annotations

from nlp.language import LANGUAGE_NAMES
from workshop.models import (
    AgeGroup,
    Audience,
    BoardStatus,
    Channel,
    ConsultationStatus,
    JobStatus,
    Need,
    NoteStatus,
    Outcome,
    ParticipationMode,
    RegistrationStatus,
    Relation,
    Role,
    WorkshopFormat,
)
from workshop.text import N_

AGE_GROUP = {
    AgeGroup.UNDER_20: N_("10代以下"),
    AgeGroup.AGE_20S: N_("20代"),
    AgeGroup.AGE_30S: N_("30代"),
    AgeGroup.AGE_40S: N_("40代"),
    AgeGroup.AGE_50S: N_("50代"),
    AgeGroup.AGE_60S: N_("60代"),
    AgeGroup.AGE_70S: N_("70代"),
    AgeGroup.AGE_80_PLUS: N_("80代以上"),
}

RELATION = {
    Relation.RESIDENT: N_("市内に住んでいる（在住）"),
    Relation.WORKER: N_("市内で働いている（在勤）"),
    Relation.STUDENT: N_("市内の学校に通っている（在学）"),
    Relation.OTHER: N_("その他"),
}

RELATION_SHORT = {
    Relation.RESIDENT: "在住",
    Relation.WORKER: "在勤",
    Relation.STUDENT: "在学",
    Relation.OTHER: "その他",
}

AUDIENCE = {
    Audience.PUBLIC: "だれでも（意見募集の一覧に載せます）",
    Audience.LINK: "リンクを受け取った人だけ（無作為抽出のパネル、学校など。一覧には載せません）",
    Audience.STAFF: "市の職員だけ（ログインして回答。一覧には載せません）",
}

CHANNEL = {
    Channel.WEB: N_("ウェブ"),
    Channel.PAPER: N_("紙（郵送・持参）"),
    Channel.FAX: N_("ファクス"),
    Channel.COUNTER: N_("窓口"),
    Channel.PHONE: N_("電話"),
    Channel.WORKSHOP: N_("ワークショップ"),
    Channel.LINE: N_("LINE"),
    Channel.IMPORT: N_("取り込み"),
}

STATUS = {
    ConsultationStatus.UPCOMING: N_("募集前"),
    ConsultationStatus.OPEN: N_("募集中"),
    ConsultationStatus.CLOSED: N_("募集終了"),
}

ROLE = {
    Role.ADMIN: "管理者",
    Role.PLANNER: "企画担当",
    Role.FACILITATOR: "ファシリテーター",
}

WORKSHOP_FORMAT = {
    WorkshopFormat.IN_PERSON: N_("会場で開催"),
    WorkshopFormat.ONLINE: N_("オンライン"),
    WorkshopFormat.HYBRID: N_("会場とオンライン（ハイブリッド）"),
}

# the languages comments are told apart in (Comment.language), as staff read them
LANGUAGE = dict(LANGUAGE_NAMES)

PARTICIPATION_MODE = {
    ParticipationMode.VENUE: N_("会場"),
    ParticipationMode.ONLINE: N_("オンライン"),
}

REGISTRATION_STATUS = {
    RegistrationStatus.CONFIRMED: N_("申込完了"),
    RegistrationStatus.WAITLISTED: N_("キャンセル待ち"),
    RegistrationStatus.CANCELLED: N_("取り消し済み"),
}

NEED = {
    Need.CHILDCARE: N_("託児"),
    Need.SIGN_LANGUAGE: N_("手話通訳"),
    Need.CAPTIONING: N_("要約筆記"),
    Need.WHEELCHAIR: N_("車椅子"),
    Need.OTHER: N_("その他"),
}

JOB_STATUS = {
    JobStatus.QUEUED: "順番待ち",
    JobStatus.RUNNING: "処理中",
    JobStatus.DONE: "完了",
    JobStatus.FAILED: "失敗",
}

OUTCOME = {
    Outcome.REFLECTED: N_("反映"),
    Outcome.PARTLY: N_("一部反映"),
    Outcome.ALREADY: N_("既に記載"),
    Outcome.NOTED: N_("参考"),
    Outcome.OTHER: N_("その他"),
}

BOARD_STATUS = {
    BoardStatus.DRAFT: N_("準備中"),
    BoardStatus.OPEN: N_("受付中"),
    BoardStatus.CLOSED: N_("終了"),
}

NOTE_STATUS = {
    NoteStatus.PENDING: "確認待ち",
    NoteStatus.APPROVED: "表示中",
    NoteStatus.HIDDEN: "非表示",
}

# accepted in imports: the Japanese label, the short forms people type, or the stored value
AGE_GROUP_ALIASES = {label: group for group, label in AGE_GROUP.items()} | {
    "10代": AgeGroup.UNDER_20,
    "10歳代": AgeGroup.UNDER_20,
    "10代未満": AgeGroup.UNDER_20,
    "80代": AgeGroup.AGE_80_PLUS,
    "80歳以上": AgeGroup.AGE_80_PLUS,
    "90代": AgeGroup.AGE_80_PLUS,
    "90代以上": AgeGroup.AGE_80_PLUS,
}

RELATION_ALIASES = {label: relation for relation, label in RELATION_SHORT.items()} | {
    label: relation for relation, label in RELATION.items()
}

CHANNEL_ALIASES = {label: channel for channel, label in CHANNEL.items()}


def labels() -> dict[str, object]:
    return {
        "AGE_GROUP": AGE_GROUP,
        "AUDIENCE": AUDIENCE,
        "RELATION": RELATION,
        "RELATION_SHORT": RELATION_SHORT,
        "LANGUAGE": LANGUAGE,
        "CHANNEL": CHANNEL,
        "STATUS": STATUS,
        "ROLE": ROLE,
        "JOB_STATUS": JOB_STATUS,
        "OUTCOME": OUTCOME,
        "WORKSHOP_FORMAT": WORKSHOP_FORMAT,
        "PARTICIPATION_MODE": PARTICIPATION_MODE,
        "REGISTRATION_STATUS": REGISTRATION_STATUS,
        "NEED": NEED,
        "BOARD_STATUS": BOARD_STATUS,
        "NOTE_STATUS": NOTE_STATUS,
    }
