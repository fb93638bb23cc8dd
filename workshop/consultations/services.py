"""Consultations and their comments: every change is one transaction or a DomainError."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any, Protocol, TypeVar, cast

from sqlalchemy import Table, bindparam, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, joinedload

from workshop import audit, mail
from workshop.errors import (
    ConsultationNotOpen,
    DomainError,
    DuplicateSlug,
    InvalidUpload,
    NotFound,
    NotFromConfirmation,
)
from workshop.extensions import db
from workshop.models import (
    AgeGroup,
    Attachment,
    Channel,
    Comment,
    Consultation,
    ConsultationStatus,
    Relation,
    Section,
    utcnow,
)
from workshop.models.consultations import COMMENT_MAX_CHARS, new_token, period_status
from workshop.timeutil import format_date, today_tokyo
from workshop.validation import CHOICE_MESSAGE, email_problem

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")
PREFIX_PATTERN = re.compile(r"^[A-Z0-9]{1,10}$")
RECOMMENDED_PERIOD_DAYS = 30
T = TypeVar("T")
# C0 controls other than tab and newline: PostgreSQL refuses NUL, and none of them is text
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str | None) -> str:
    """Keep what the resident typed, minus control characters and Windows line ends."""
    if not text:
        return ""
    return CONTROL_CHARS.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


# ---------------------------------------------------------------- consultations


@dataclass(frozen=True)
class ConsultationInput:
    slug: str
    title: str
    opens_on: date
    closes_on: date
    summary: str = ""
    body: str = ""
    video_url: str | None = None
    receipt_prefix: str = "PC"
    districts: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()


CONSULTATION_NOT_FOUND = "この意見募集は見つかりません。"


def get_consultation(slug: str) -> Consultation:
    # the sections come in the same query: the comment form and its checks need them
    stmt = (
        select(Consultation)
        .where(Consultation.slug == slug)
        .options(joinedload(Consultation.sections))
    )
    consultation = db.session.scalars(stmt).unique().first()
    if consultation is None:
        raise NotFound(CONSULTATION_NOT_FOUND)
    return consultation


def get_consultation_by_id(consultation_id: int) -> Consultation:
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None:
        raise NotFound(CONSULTATION_NOT_FOUND)
    return consultation


def list_consultations(*statuses: ConsultationStatus) -> list[Consultation]:
    stmt = select(Consultation).order_by(Consultation.closes_on.desc(), Consultation.id.desc())
    consultations = list(db.session.scalars(stmt))
    if statuses:
        consultations = [c for c in consultations if c.status in statuses]
    return consultations


def period_warnings(opens_on: date, closes_on: date) -> list[str]:
    days = (closes_on - opens_on).days + 1
    if days >= RECOMMENDED_PERIOD_DAYS:
        return []
    return [
        f"募集期間が{days}日間です。行政手続法第39条は意見募集の期間を30日以上と定めています。"
        "短くする場合は、その理由を本文で示してください。"
    ]


def validate_consultation(data: ConsultationInput, *, current: Consultation | None = None) -> None:
    if not SLUG_PATTERN.match(data.slug):
        raise DomainError(
            "スラッグは半角の小文字英数字とハイフンで、2〜80文字にしてください（例: dx-plan-2026）。"
        )
    if not PREFIX_PATTERN.match(data.receipt_prefix):
        raise DomainError("受付番号の記号は半角の大文字英数字10文字以内にしてください（例: DX）。")
    if data.closes_on < data.opens_on:
        raise DomainError("締切日は開始日より後の日付にしてください。")
    if data.video_url and not data.video_url.startswith("https://"):
        raise DomainError("動画のリンクは https:// で始まるアドレスにしてください。")
    taken = db.session.scalars(select(Consultation).where(Consultation.slug == data.slug)).first()
    if taken is not None and taken is not current:
        raise DuplicateSlug()
    stmt = select(Consultation).where(Consultation.receipt_prefix == data.receipt_prefix)
    same_prefix = db.session.scalars(stmt).first()
    if same_prefix is not None and same_prefix is not current:
        raise DomainError(
            f"受付番号の記号「{data.receipt_prefix}」は「{same_prefix.title}」で使われています。"
            "受付番号が重ならないよう、別の記号にしてください（例: DX27）。"
        )


def create_consultation(
    data: ConsultationInput, *, staff_id: int | None = None
) -> tuple[Consultation, list[str]]:
    validate_consultation(data)
    consultation = Consultation(created_by_id=staff_id, receipt_seq=0)
    db.session.add(consultation)
    apply_and_commit(consultation, data)
    return consultation, period_warnings(data.opens_on, data.closes_on)


def update_consultation(
    consultation_id: int, data: ConsultationInput
) -> tuple[Consultation, list[str]]:
    consultation = get_consultation_by_id(consultation_id)
    validate_consultation(data, current=consultation)
    apply_and_commit(consultation, data)
    return consultation, period_warnings(data.opens_on, data.closes_on)


def apply_consultation(consultation: Consultation, data: ConsultationInput) -> None:
    consultation.slug = data.slug
    consultation.title = data.title
    consultation.summary = data.summary
    consultation.body = data.body
    consultation.video_url = data.video_url or None
    consultation.opens_on = data.opens_on
    consultation.closes_on = data.closes_on
    consultation.receipt_prefix = data.receipt_prefix
    consultation.districts = list(dict.fromkeys(d for d in data.districts if d))
    replace_sections(consultation, [h for h in data.sections if h])


def replace_sections(consultation: Consultation, headings: Sequence[str]) -> None:
    """Keep sections whose heading stays (comments point at them); refuse to drop used ones."""
    existing = {section.heading: section for section in consultation.sections}
    kept: list[Section] = []
    for position, heading in enumerate(dict.fromkeys(headings)):
        section = existing.pop(heading, None) or Section(heading=heading)
        section.position = position
        kept.append(section)
    for dropped in existing.values():
        if dropped.id is not None and count_comments(consultation.id, section_id=dropped.id):
            raise DomainError(
                f"「{dropped.heading}」には意見が寄せられているため、削除できません。"
                "見出しを変えずに残してください。"
            )
    consultation.sections = kept
    audit.record("consultation.save", f"consultation:{consultation.slug}")


def apply_and_commit(consultation: Consultation, data: ConsultationInput) -> None:
    """Apply and commit, or roll back: a refused change leaves nothing half-applied."""
    try:
        apply_consultation(consultation, data)
        db.session.commit()
    except IntegrityError as integrity:
        db.session.rollback()
        raise DuplicateSlug() from integrity
    except DomainError:
        db.session.rollback()
        raise


# ---------------------------------------------------------------- attachments

PDF_MAGIC = b"%PDF-"


def add_attachment(
    consultation_id: int,
    stream: IO[bytes],
    original_name: str,
    title: str,
    *,
    upload_folder: str,
    max_bytes: int,
) -> Attachment:
    consultation = get_consultation_by_id(consultation_id)
    if not original_name.lower().endswith(".pdf"):
        raise InvalidUpload("添付できるのはPDFファイルだけです。")
    content = stream.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise InvalidUpload(f"PDFファイルは{max_bytes // (1024 * 1024)}MB以内にしてください。")
    if not content.startswith(PDF_MAGIC):
        raise InvalidUpload(
            "PDFファイルとして読み取れませんでした。ファイルの中身をご確認ください。"
        )
    folder = Path(upload_folder)
    folder.mkdir(parents=True, exist_ok=True)
    # a generated name: the resident's file name never reaches the file system
    stored_name = f"{uuid.uuid4().hex}.pdf"
    (folder / stored_name).write_bytes(content)
    attachment = Attachment(
        consultation_id=consultation.id,
        title=clean_text(title)[:200] or clean_text(Path(original_name).stem)[:200] or "資料",
        original_name=Path(original_name).name[:255],
        stored_name=stored_name,
        size_bytes=len(content),
    )
    db.session.add(attachment)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        (folder / stored_name).unlink(missing_ok=True)
        raise
    return attachment


def get_attachment(consultation: Consultation, attachment_id: int) -> Attachment:
    attachment = next((a for a in consultation.attachments if a.id == attachment_id), None)
    if attachment is None:
        raise NotFound("この資料は見つかりません。")
    return attachment


# ---------------------------------------------------------------- comments


@dataclass(frozen=True)
class CommentInput:
    body: str
    section_id: int | None = None
    age_group: AgeGroup | None = None
    district: str | None = None
    relation: Relation | None = None
    name: str | None = None
    email: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


class SectionLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def heading(self) -> str: ...


class CommentDestination(Protocol):
    """A consultation as the comment form and its checks see it: the ORM row, or a
    CommentTarget on the resident's final submit."""

    @property
    def id(self) -> int: ...
    @property
    def receipt_prefix(self) -> str: ...
    @property
    def opens_on(self) -> date: ...
    @property
    def closes_on(self) -> date: ...
    @property
    def districts(self) -> Sequence[str]: ...
    @property
    def sections(self) -> Sequence[SectionLike]: ...
    @property
    def status(self) -> ConsultationStatus: ...
    @property
    def is_open(self) -> bool: ...
    def section(self, section_id: int | None) -> SectionLike | None: ...


@dataclass(frozen=True)
class SectionChoice:
    id: int
    heading: str


@dataclass(frozen=True)
class CommentTarget:
    """What the final submit needs of a consultation, read with one plain query: the busiest
    request of a round (the last evening) builds no ORM objects it would only read."""

    id: int
    receipt_prefix: str
    opens_on: date
    closes_on: date
    districts: tuple[str, ...]
    sections: tuple[SectionChoice, ...]

    @property
    def status(self) -> ConsultationStatus:
        return period_status(self.opens_on, self.closes_on, today_tokyo())

    @property
    def is_open(self) -> bool:
        return self.status is ConsultationStatus.OPEN

    def section(self, section_id: int | None) -> SectionChoice | None:
        return next((s for s in self.sections if s.id == section_id), None)


SECTION_TABLE = cast(Table, Section.__table__)
CONSULTATION_TABLE = cast(Table, Consultation.__table__)
COMMENT_TARGET = (
    select(
        CONSULTATION_TABLE.c.id,
        CONSULTATION_TABLE.c.receipt_prefix,
        CONSULTATION_TABLE.c.opens_on,
        CONSULTATION_TABLE.c.closes_on,
        CONSULTATION_TABLE.c.districts,
        SECTION_TABLE.c.id.label("section_id"),
        SECTION_TABLE.c.heading,
    )
    .select_from(CONSULTATION_TABLE)
    .outerjoin(SECTION_TABLE, SECTION_TABLE.c.consultation_id == CONSULTATION_TABLE.c.id)
    .where(CONSULTATION_TABLE.c.slug == bindparam("slug"))
    .order_by(SECTION_TABLE.c.position, SECTION_TABLE.c.id)
)


def get_comment_target(slug: str) -> CommentTarget:
    # Core statements go to the session's connection (same transaction): the ORM's execute
    # adds about a fifth to each of the submit's three statements and gives them nothing
    rows = db.session.connection().execute(COMMENT_TARGET, {"slug": slug}).all()
    if not rows:
        raise NotFound(CONSULTATION_NOT_FOUND)
    first = rows[0]
    return CommentTarget(
        id=first.id,
        receipt_prefix=first.receipt_prefix,
        opens_on=first.opens_on,
        closes_on=first.closes_on,
        districts=tuple(first.districts or ()),
        sections=tuple(
            SectionChoice(row.section_id, row.heading) for row in rows if row.section_id is not None
        ),
    )


CLOSED_MESSAGES = {
    ConsultationStatus.UPCOMING: "この意見募集はまだ始まっていません。{opens}から受け付けます。",
    ConsultationStatus.CLOSED: "この意見募集は{closes}で締め切りました。ご意見は受け付けていません。",
}


def closed_message(consultation: CommentDestination) -> str:
    return CLOSED_MESSAGES[consultation.status].format(
        opens=format_date(consultation.opens_on), closes=format_date(consultation.closes_on)
    )


def ensure_open(consultation: CommentDestination) -> None:
    if not consultation.is_open:
        raise ConsultationNotOpen(closed_message(consultation))


NAME_MAX_CHARS = 100
AGE_GROUPS = {age.value: age for age in AgeGroup}
RELATIONS = {relation.value: relation for relation in Relation}
# the fields of the resident's comment form, as posted
COMMENT_FIELDS = ("body", "section_id", "age_group", "district", "relation", "name", "email")


class CommentInvalid(DomainError):
    """What a resident typed does not pass; `problems` names each field with its message."""

    message = "入力内容をご確認ください。"
    status = 422

    def __init__(self, problems: Mapping[str, str]) -> None:
        # said alone (a flash, a log), the first problem is the message
        super().__init__(next(iter(problems.values()), None))
        self.problems = dict(problems)


def body_problem(body: str) -> str | None:
    cleaned = clean_text(body)
    if not cleaned:
        return "ご意見を入力してください。"
    if len(cleaned) > COMMENT_MAX_CHARS:
        return (
            f"ご意見は{COMMENT_MAX_CHARS:,}文字以内で入力してください"
            f"（いま{len(cleaned):,}文字です）。"
        )
    return None


def comment_problems(consultation: CommentDestination, data: CommentInput) -> dict[str, str]:
    """The checks every comment passes, whoever enters it: by field, in plain Japanese."""
    problems: dict[str, str] = {}
    if (problem := body_problem(data.body)) is not None:
        problems["body"] = problem
    if data.section_id is not None and consultation.section(data.section_id) is None:
        problems["section_id"] = CHOICE_MESSAGE
    if data.district and consultation.districts and data.district not in consultation.districts:
        problems["district"] = CHOICE_MESSAGE
    return problems


def validate_comment(consultation: CommentDestination, data: CommentInput) -> None:
    problems = comment_problems(consultation, data)
    if problems:
        raise CommentInvalid(problems)


def _chosen(
    posted: Mapping[str, str], name: str, allowed: Mapping[str, T], problems: dict[str, str]
) -> T | None:
    """The value of a select or radio field: nothing chosen, one of `allowed`, or a problem."""
    text = posted.get(name) or ""
    if text in ("", "None"):  # "None": the select's 選ばない option
        return None
    if text not in allowed:
        problems[name] = CHOICE_MESSAGE
        return None
    return allowed[text]


def read_comment(consultation: CommentDestination, posted: Mapping[str, str]) -> CommentInput:
    """A resident's comment from the posted form fields, checked: the same rules and words for
    the form, its confirmation page and the final submit, so the busiest POST needs no form
    object. Raises CommentInvalid naming every field that does not pass."""
    problems: dict[str, str] = {}
    sections = {str(section.id): section.id for section in consultation.sections}
    data = CommentInput(
        body=posted.get("body") or "",
        section_id=_chosen(posted, "section_id", sections, problems),
        age_group=_chosen(posted, "age_group", AGE_GROUPS, problems),
        district=_chosen(posted, "district", {d: d for d in consultation.districts}, problems),
        relation=_chosen(posted, "relation", RELATIONS, problems),
        name=posted.get("name") or None,
        email=(posted.get("email") or "").strip() or None,
    )
    problems = comment_problems(consultation, data) | problems
    if data.name is not None and len(data.name) > NAME_MAX_CHARS:
        problems["name"] = f"お名前は{NAME_MAX_CHARS}文字以内で入力してください。"
    if data.email is not None and (problem := email_problem(data.email)) is not None:
        problems["email"] = problem
    if problems:
        raise CommentInvalid(problems)
    return data


# the token of one confirmation page, which makes its final submit idempotent
SUBMISSION_TOKEN_CHARS = (16, 64)


# on the table, not the mapped class: a plain cached statement, and the session's copy of the
# consultation is not touched (its counter is never read from it)
RESERVE_RECEIPT_NUMBERS = (
    update(CONSULTATION_TABLE)
    .where(CONSULTATION_TABLE.c.id == bindparam("consultation_id"))
    .values(receipt_seq=CONSULTATION_TABLE.c.receipt_seq + bindparam("count"))
    .returning(CONSULTATION_TABLE.c.receipt_seq)
)


def next_receipt_numbers(consultation: CommentDestination, count: int, year: int) -> list[str]:
    """Reserve `count` receipt numbers; the UPDATE holds the row (SQLite: the database) lock."""
    params = {"consultation_id": consultation.id, "count": count}
    last = db.session.connection().execute(RESERVE_RECEIPT_NUMBERS, params).scalar_one()
    first = last - count + 1
    return [f"{consultation.receipt_prefix}-{year}-{seq:06d}" for seq in range(first, last + 1)]


def comment_values(
    consultation: CommentDestination,
    data: CommentInput,
    *,
    channel: Channel,
    received_on: date,
    receipt_no: str,
) -> dict[str, Any]:
    """The stored fields of a new comment, cleaned; one place for the form, staff and imports."""
    return {
        "consultation_id": consultation.id,
        "section_id": data.section_id,
        "body": clean_text(data.body),
        "age_group": data.age_group,
        "district": clean_text(data.district) or None,
        "relation": data.relation,
        "name": clean_text(data.name)[:100] or None,
        "email": clean_text(data.email)[:254] or None,
        "channel": channel,
        "received_on": received_on,
        "extra": dict(data.extra),
        "receipt_no": receipt_no,
    }


def build_comment(
    consultation: Consultation,
    data: CommentInput,
    *,
    channel: Channel,
    received_on: date,
    receipt_no: str,
) -> Comment:
    return Comment(
        **comment_values(
            consultation, data, channel=channel, received_on=received_on, receipt_no=receipt_no
        )
    )


def find_by_submission(submission_token: str) -> Comment | None:
    stmt = select(Comment).where(Comment.submission_token == submission_token)
    return db.session.scalars(stmt).first()


# the table's own INSERT: its compiled form is cached, and the column defaults still apply
COMMENT_TABLE = cast(Table, Comment.__table__)
INSERT_COMMENT = insert(COMMENT_TABLE).returning(COMMENT_TABLE.c.id)


@dataclass(frozen=True)
class Receipt:
    """What a resident is shown after the final submit: the number and the private page's token."""

    comment_id: int
    receipt_no: str
    receipt_token: str

    @classmethod
    def of(cls, comment: Comment) -> Receipt:
        return cls(comment.id, comment.receipt_no, comment.receipt_token)


def submit_comment(
    consultation: CommentDestination, data: CommentInput, *, submission_token: str
) -> Receipt:
    """A resident's final submit. The same confirmation page sent twice returns the first receipt.

    The busiest write of a consultation's last evening, so it holds the lock briefly: reserve the
    receipt number, insert the row, commit; no ORM object is built or read back unless a receipt
    e-mail is sent. A repeated confirmation page is caught by the unique submission token rather
    than looked up first; the rollback also returns the receipt number it had reserved.
    """
    if not SUBMISSION_TOKEN_CHARS[0] <= len(submission_token) <= SUBMISSION_TOKEN_CHARS[1]:
        # not from a confirmation page this site made (those hold 32 characters)
        raise NotFromConfirmation()
    try:
        ensure_open(consultation)
        validate_comment(consultation, data)
        today = today_tokyo()
        (receipt_no,) = next_receipt_numbers(consultation, 1, today.year)
        values = comment_values(
            consultation, data, channel=Channel.WEB, received_on=today, receipt_no=receipt_no
        )
        receipt_token = new_token()
        values |= {"submission_token": submission_token, "receipt_token": receipt_token}
        comment_id = db.session.connection().execute(INSERT_COMMENT, values).scalar_one()
        db.session.commit()
    except (ConsultationNotOpen, IntegrityError):
        # this confirmation page again (a double click, a reload, a reload just after the
        # close): the first request stored it, and the resident sees that receipt
        db.session.rollback()
        existing = find_by_submission(submission_token)
        if existing is None:
            raise
        return Receipt.of(existing)
    if values["email"]:
        send_receipt_mail(db.session.get_one(Comment, comment_id))
    return Receipt(comment_id, receipt_no, receipt_token)


def enter_comment(
    consultation_id: int,
    data: CommentInput,
    *,
    channel: Channel,
    received_on: date,
    staff_id: int | None,
) -> Comment:
    """Staff proxy entry (代理入力) of a comment that came on paper, by fax, phone or at a counter."""
    consultation = get_consultation_by_id(consultation_id)
    validate_comment(consultation, data)
    if received_on > today_tokyo():
        raise DomainError("受付日に未来の日付は入力できません。")
    if not consultation.opens_on <= received_on <= consultation.closes_on:
        raise DomainError(
            f"受付日（郵送は消印日）が募集期間（{format_date(consultation.opens_on)}〜"
            f"{format_date(consultation.closes_on)}）の外です。"
        )
    (receipt_no,) = next_receipt_numbers(consultation, 1, received_on.year)
    comment = build_comment(
        consultation, data, channel=channel, received_on=received_on, receipt_no=receipt_no
    )
    comment.entered_by_id = staff_id
    db.session.add(comment)
    audit.record("comment.proxy_entry", f"consultation:{consultation.slug}", channel=channel.value)
    db.session.commit()
    send_receipt_mail(comment)
    return comment


def send_receipt_mail(comment: Comment) -> None:
    if not comment.email:
        return
    consultation = comment.consultation
    mail.send_template(
        to=comment.email,
        subject=f"【受付番号 {comment.receipt_no}】ご意見を受け付けました（{consultation.title}）",
        template="mail/comment_receipt.txt",
        comment=comment,
        consultation=consultation,
    )


def get_receipt(slug: str, receipt_token: str) -> Comment:
    consultation = get_consultation(slug)
    stmt = select(Comment).where(
        Comment.consultation_id == consultation.id, Comment.receipt_token == receipt_token
    )
    comment = db.session.scalars(stmt).first()
    if comment is None:
        raise NotFound("この受付番号のページは見つかりません。")
    return comment


def count_comments(consultation_id: int, *, section_id: int | None = None) -> int:
    stmt = select(func.count(Comment.id)).where(Comment.consultation_id == consultation_id)
    if section_id is not None:
        stmt = stmt.where(Comment.section_id == section_id)
    return db.session.scalar(stmt) or 0


# ---------------------------------------------------------------- staff: list, hide


@dataclass(frozen=True)
class CommentFilter:
    q: str = ""
    channel: Channel | None = None
    section_id: int | None = None
    age_group: AgeGroup | None = None
    district: str | None = None
    relation: Relation | None = None
    hidden: bool | None = None


def filtered_comments(consultation_id: int, filters: CommentFilter):  # type: ignore[no-untyped-def]
    stmt = select(Comment).where(Comment.consultation_id == consultation_id)
    equal: list[tuple[Mapped[object], object]] = [
        (Comment.channel, filters.channel),
        (Comment.section_id, filters.section_id),
        (Comment.age_group, filters.age_group),
        (Comment.district, filters.district),
        (Comment.relation, filters.relation),
        (Comment.is_hidden, filters.hidden),
    ]
    for column, value in equal:
        if value is not None:
            stmt = stmt.where(column == value)
    if filters.q:
        pattern = (
            "%" + filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        )
        stmt = stmt.where(
            or_(
                Comment.body.like(pattern, escape="\\"),
                Comment.receipt_no.like(pattern, escape="\\"),
            )
        )
    return stmt.order_by(Comment.id)


def get_comment(consultation_id: int, comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.consultation_id != consultation_id:
        raise NotFound("この意見は見つかりません。")
    return comment


def hide_comment(consultation_id: int, comment_id: int, reason: str, *, staff_id: int) -> Comment:
    """提出意見を公示しない判断: recorded with its reason; the comment itself stays stored."""
    comment = get_comment(consultation_id, comment_id)
    reason = clean_text(reason)
    if not reason:
        raise DomainError("公表しない理由を入力してください。")
    comment.is_hidden = True
    comment.hidden_reason = reason[:2000]
    comment.hidden_at = utcnow()
    comment.hidden_by_id = staff_id
    audit.record("comment.hide", f"comment:{comment.id}", reason=comment.hidden_reason)
    db.session.commit()
    return comment


def unhide_comment(consultation_id: int, comment_id: int, *, staff_id: int) -> Comment:
    comment = get_comment(consultation_id, comment_id)
    comment.is_hidden = False
    comment.hidden_reason = None
    comment.hidden_at = None
    comment.hidden_by_id = staff_id
    audit.record("comment.unhide", f"comment:{comment.id}")
    db.session.commit()
    return comment
