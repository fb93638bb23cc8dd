"""Forms for sign-up, the resident's changes, staff workshop editing, check-in and opinions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from workshop.formfields import JaRadioField, JaSelectField, email_field
from workshop.labels import AGE_GROUP, NEED, PARTICIPATION_MODE, WORKSHOP_FORMAT
from workshop.models import AgeGroup, Need, ParticipationMode, User, Workshop, WorkshopFormat
from workshop.text import clean_text
from workshop.timeutil import TOKYO, as_tokyo
from workshop.workshops.services.events import WorkshopInput
from workshop.workshops.services.opinions import OpinionBatch
from workshop.workshops.services.signup import Applicant

FURIGANA_MESSAGE = "ふりがなは、ひらがなかカタカナで入力してください。"


class JaCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: Any) -> None:
        values = [choice[0] for choice in self.choices or []]
        if any(value not in values for value in self.data or []):
            raise ValidationError("一覧から選んでください。")


def kana_only(_form: Any, field: Any) -> None:
    text = clean_text(field.data).replace(" ", "").replace("　", "")
    if text and not all(
        "ぁ" <= c <= "ゖ" or "ァ" <= c <= "ヺ" or c in "ー・ｰ" or "ｦ" <= c <= "ﾟ" for c in text
    ):
        raise ValidationError(FURIGANA_MESSAGE)


def tokyo_datetime(text: str | None) -> datetime | None:
    if not text or not text.strip():
        return None
    value = text.strip().replace("/", "-").replace("T", " ")
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(value, pattern).replace(tzinfo=TOKYO)
        except ValueError:
            continue
    raise ValidationError("日時は 2026-12-05 13:30 の形で入力してください。")


class TokyoDateTimeField(StringField):
    """A datetime-local input read as Asia/Tokyo time."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"type": "datetime-local"})
        super().__init__(*args, **kwargs)

    def moment(self) -> datetime | None:
        return tokyo_datetime(self.data)

    def pre_validate(self, form: Any) -> None:
        tokyo_datetime(self.data)

    def fill(self, moment: datetime | None) -> None:
        self.data = as_tokyo(moment).strftime("%Y-%m-%dT%H:%M") if moment else ""


class ApplicantFields(FlaskForm):
    name = StringField(
        "お名前",
        validators=[
            DataRequired("お名前を入力してください。"),
            Length(max=100, message="お名前は100文字以内で入力してください。"),
        ],
    )
    furigana = StringField(
        "ふりがな（任意）",
        validators=[
            Optional(),
            Length(max=100, message="ふりがなは100文字以内で入力してください。"),
            kana_only,
        ],
    )
    email = email_field(
        "メールアドレス",
        required_message="メールアドレスを入力してください。申込の確認をお送りします。",
        description="申込の確認と、内容の変更・取り消しのためのリンクをお送りします。",
    )
    phone = StringField(
        "電話番号（任意）",
        validators=[Optional(), Length(max=30, message="電話番号は30文字以内で入力してください。")],
        description="当日、急な変更があったときにご連絡します。",
        render_kw={"type": "tel", "autocomplete": "tel"},
    )
    age_group = JaSelectField("年代（任意）", validators=[Optional()])
    district = StringField(
        "お住まいの地区（任意）",
        validators=[Optional(), Length(max=100, message="地区は100文字以内で入力してください。")],
    )
    # no Optional(): it would clear pre_validate's error when the first value sent is empty
    needs = JaCheckboxField("必要な配慮（任意）")
    needs_other = StringField(
        "その他の配慮（任意）",
        validators=[Optional(), Length(max=500, message="500文字以内で入力してください。")],
    )

    def configure_choices(self) -> None:
        self.age_group.choices = [("", "選ばない")] + [
            (a.value, label) for a, label in AGE_GROUP.items()
        ]
        self.needs.choices = [(n.value, label) for n, label in NEED.items()]

    def applicant_fields(self) -> dict[str, Any]:
        return {
            "name": self.name.data or "",
            "furigana": self.furigana.data or "",
            "email": self.email.data or None,
            "phone": self.phone.data or "",
            "age_group": AgeGroup(self.age_group.data) if self.age_group.data else None,
            "district": self.district.data or "",
            "needs": tuple(Need(v) for v in self.needs.data or []),
            "needs_other": self.needs_other.data or "",
        }

    def fill_from(self, registration: Any) -> None:
        for name in ("name", "furigana", "email", "phone", "district", "needs_other"):
            getattr(self, name).data = getattr(registration, name) or ""
        self.age_group.data = registration.age_group.value if registration.age_group else ""
        self.needs.data = list(registration.needs)


class RegistrationForm(ApplicantFields):
    mode = JaRadioField("参加の方法", validators=[Optional()])

    def to_applicant(self, workshop: Workshop) -> Applicant:
        answers = {
            question: self[f"answer_{index}"].data or ""
            for index, question in enumerate(workshop.questions)
            if f"answer_{index}" in self
        }
        mode = ParticipationMode(self.mode.data) if self.mode.data else None
        return Applicant(**self.applicant_fields(), mode=mode, answers=answers)


def registration_form(
    workshop: Workshop, *, by_staff: bool = False, **kwargs: Any
) -> RegistrationForm:
    """The sign-up form with this workshop's own questions (staff may leave the e-mail empty)."""

    class WorkshopRegistrationForm(RegistrationForm):
        pass

    for index, question in enumerate(workshop.questions):
        setattr(
            WorkshopRegistrationForm,
            f"answer_{index}",
            TextAreaField(
                f"{question}（任意）",
                validators=[
                    Optional(),
                    Length(max=1000, message="1,000文字以内で入力してください。"),
                ],
            ),
        )
    if by_staff:
        WorkshopRegistrationForm.email = email_field(
            "メールアドレス（電話などでの申込は空欄でかまいません）"
        )
    form = WorkshopRegistrationForm(**kwargs)
    form.configure_choices()
    form.mode.choices = [(m.value, PARTICIPATION_MODE[m]) for m in workshop.modes]
    if workshop.is_hybrid:
        form.mode.validators = [InputRequired("参加の方法（会場・オンライン）を選んでください。")]
    return form


class DetailsForm(ApplicantFields):
    """The resident changes their details through their own link."""

    def to_applicant(self) -> Applicant:
        return Applicant(**self.applicant_fields())

    def with_choices(self) -> DetailsForm:
        self.configure_choices()
        return self


class WalkInForm(ApplicantFields):
    email = email_field("メールアドレス（任意）")
    mode = JaRadioField("参加の方法", validators=[Optional()])

    def to_applicant(self) -> Applicant:
        mode = ParticipationMode(self.mode.data) if self.mode.data else None
        return Applicant(**self.applicant_fields(), mode=mode)

    def configure(self, workshop: Workshop) -> WalkInForm:
        self.configure_choices()
        self.mode.choices = [(m.value, PARTICIPATION_MODE[m]) for m in workshop.modes]
        return self


class ConfirmForm(FlaskForm):
    """Only the CSRF token: cancelling, checking someone in by a button."""


class CheckInForm(FlaskForm):
    code = StringField(
        "受付コード（QRコードを読み取るか、入力してください）",
        validators=[
            DataRequired("受付コードを読み取るか、入力してください。"),
            Length(max=300, message="受付コードが長すぎます。"),
        ],
        render_kw={"autocomplete": "off", "autofocus": True},
    )


class WorkshopForm(FlaskForm):
    title = StringField(
        "題名",
        validators=[
            DataRequired("題名を入力してください。"),
            Length(max=200, message="題名は200文字以内で入力してください。"),
        ],
    )
    description = TextAreaField("内容・プログラム", description="Markdownで書けます。")
    format = JaRadioField("開催形式", validators=[InputRequired("開催形式を選んでください。")])
    starts_at = TokyoDateTimeField(
        "開始日時", validators=[InputRequired("開始日時を入力してください。")]
    )
    ends_at = TokyoDateTimeField(
        "終了日時", validators=[InputRequired("終了日時を入力してください。")]
    )
    signup_deadline = TokyoDateTimeField(
        "申込締切（任意）", description="空欄なら開始時刻まで受け付けます。"
    )
    venue = StringField(
        "会場", validators=[Length(max=200, message="会場は200文字以内で入力してください。")]
    )
    map_url = StringField(
        "地図のリンク（任意）",
        validators=[Optional(), Length(max=500, message="リンクは500文字以内にしてください。")],
    )
    access = TextAreaField("交通・アクセス（任意）")
    accessibility = TextAreaField(
        "バリアフリー・配慮について（任意）", description="例: 車椅子用トイレあり、手話通訳あり"
    )
    online_url = StringField(
        "オンライン会議のURL（任意）",
        validators=[Optional(), Length(max=500, message="URLは500文字以内にしてください。")],
        description="申込が確定した方にだけ、メールと申込確認ページでお知らせします。",
    )
    capacity = IntegerField(
        "定員（会場。オンラインだけの開催ではオンラインの定員）",
        validators=[
            InputRequired("定員を入力してください。"),
            NumberRange(min=1, max=10_000, message="定員は1〜10,000人で入力してください。"),
        ],
    )
    online_capacity = IntegerField(
        "オンラインの定員（ハイブリッド開催のとき）",
        validators=[
            Optional(),
            NumberRange(min=0, max=10_000, message="定員は0〜10,000人で入力してください。"),
        ],
    )
    has_waitlist = BooleanField("定員を超えたらキャンセル待ちを受け付ける", default=True)
    questions = TextAreaField(
        "独自の質問（任意、1行に1つ、5つまで）",
        description="例: このワークショップで話したいこと",
    )
    consultation_id = JaSelectField("つながる意見募集（任意）", validators=[Optional()])
    # no Optional(): it would clear pre_validate's error when the first value sent is empty
    facilitator_ids = JaCheckboxField(
        "担当のファシリテーター",
        description="選んだファシリテーターだけが、このワークショップの名簿・受付・代理申込を使えます。",
    )

    def configure(
        self, consultations: list[Any], facilitators: list[User] | None = None
    ) -> WorkshopForm:
        """facilitators: whom a planner may assign; None drops the field (a facilitator's form)."""
        self.format.choices = [(f.value, label) for f, label in WORKSHOP_FORMAT.items()]
        self.consultation_id.choices = [("", "なし")] + [
            (str(c.id), c.title) for c in consultations
        ]
        if facilitators is None:
            del self.facilitator_ids
        else:
            self.facilitator_ids.choices = [
                (str(user.id), facilitator_label(user)) for user in facilitators
            ]
        return self

    def fill(self, workshop: Workshop) -> None:
        for name in (
            "title",
            "description",
            "venue",
            "map_url",
            "access",
            "accessibility",
            "online_url",
        ):
            getattr(self, name).data = getattr(workshop, name) or ""
        self.format.data = workshop.format.value
        self.starts_at.fill(workshop.starts_at)
        self.ends_at.fill(workshop.ends_at)
        self.signup_deadline.fill(workshop.signup_deadline)
        self.capacity.data = workshop.capacity
        self.online_capacity.data = workshop.online_capacity
        self.has_waitlist.data = workshop.has_waitlist
        self.questions.data = "\n".join(workshop.questions)
        self.consultation_id.data = str(workshop.consultation_id or "")
        if "facilitator_ids" in self:
            self.facilitator_ids.data = [str(user.id) for user in workshop.facilitators]

    def to_input(self) -> WorkshopInput:
        starts_at = self.starts_at.moment()
        ends_at = self.ends_at.moment()
        assert starts_at is not None and ends_at is not None
        return WorkshopInput(
            title=self.title.data or "",
            starts_at=starts_at,
            ends_at=ends_at,
            format=WorkshopFormat(self.format.data),
            capacity=self.capacity.data or 0,
            online_capacity=self.online_capacity.data or 0,
            description=self.description.data or "",
            access=self.access.data or "",
            accessibility=self.accessibility.data or "",
            venue=self.venue.data or "",
            map_url=clean_text(self.map_url.data) or None,
            online_url=clean_text(self.online_url.data) or None,
            has_waitlist=bool(self.has_waitlist.data),
            signup_deadline=self.signup_deadline.moment(),
            questions=tuple(clean_text(self.questions.data).split("\n"))
            if self.questions.data
            else (),
            consultation_id=int(self.consultation_id.data) if self.consultation_id.data else None,
            facilitator_ids=tuple(int(v) for v in self.facilitator_ids.data or [])
            if "facilitator_ids" in self
            else None,
        )


def facilitator_label(user: User) -> str:
    label = f"{user.display_name}（{user.email}）"
    return label if user.active else label + "（利用停止中）"


class OpinionForm(FlaskForm):
    text = TextAreaField(
        "当日の意見（付箋1枚を1行に）",
        validators=[DataRequired("意見を1行に1つずつ入力してください。")],
        description="模造紙や付箋の文字を、1行に1つずつ入力または貼り付けてください。行頭の「・」や番号は取り除きます。",
    )
    table = StringField(
        "テーブル・グループ名（任意）",
        validators=[Optional(), Length(max=100, message="100文字以内で入力してください。")],
    )
    age_group = JaSelectField(
        "このテーブルの年代（任意、全員が同じ年代のとき）", validators=[Optional()]
    )
    district = StringField(
        "地区（任意）",
        validators=[Optional(), Length(max=100, message="地区は100文字以内で入力してください。")],
    )
    attributes = StringField(
        "テーブルの特徴（任意）",
        validators=[Optional(), Length(max=200, message="200文字以内で入力してください。")],
        description="例: 20代〜70代の混合、子育て中の方が中心",
    )

    def configure(self) -> OpinionForm:
        self.age_group.choices = [("", "選ばない")] + [
            (a.value, label) for a, label in AGE_GROUP.items()
        ]
        return self

    def to_batch(self) -> OpinionBatch:
        return OpinionBatch(
            text=self.text.data or "",
            table=self.table.data or "",
            age_group=AgeGroup(self.age_group.data) if self.age_group.data else None,
            district=self.district.data or "",
            attributes=self.attributes.data or "",
        )
