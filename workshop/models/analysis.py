"""Theme analysis: jobs, snapshots, the planner's corrections and the city's published response."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.extensions import Model
from workshop.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from workshop.models.questionnaires import Question


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class JobKind(enum.StrEnum):
    """What a background job does; each kind's runner is registered at app creation."""

    TOKENS = "tokens"  # tokenize and mask the comments that arrived
    ANALYSIS = "analysis"  # cluster the comments into themes
    COMMENTS_XLSX = "comments_xlsx"  # write the staff Excel file of all comments
    LINE_EVENTS = "line_events"  # answer what residents sent to the city's LINE account
    COMMENTS_IMPORT = "comments_import"  # store the comments of a file uploaded by staff


class Regrouping(enum.StrEnum):
    """How a new analysis treats the themes of the one before it."""

    FRESH = "fresh"  # 最初から分け直す: cluster all comments again
    EXTEND = "extend"  # 新しい意見を今のテーマに振り分ける: earlier comments keep their themes


@dataclass(frozen=True)
class AnalysisParams:
    """What a planner asked of an analysis (None: choose the number of themes).

    With ``Regrouping.EXTEND`` the comments of analysis ``previous_id`` keep their themes
    and only the new ones are placed; ``k`` and ``seed_themes`` then play no part.
    """

    k: int | None = None
    seed_themes: tuple[tuple[str, tuple[str, ...]], ...] = ()
    seed: int = 0
    regrouping: Regrouping = Regrouping.FRESH
    previous_id: int | None = None  # the analysis extended
    question_id: int | None = None  # a free-text question's answers; None: the comments

    def to_json(self) -> dict[str, Any]:
        themes = [[name, list(keywords)] for name, keywords in self.seed_themes]
        return {
            "k": self.k,
            "seed_themes": themes,
            "seed": self.seed,
            "regrouping": self.regrouping.value,
            "previous_id": self.previous_id,
            "question_id": self.question_id,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AnalysisParams:
        themes = tuple((name, tuple(keywords)) for name, keywords in data.get("seed_themes") or [])
        previous_id = data.get("previous_id")
        question_id = data.get("question_id")
        return cls(
            k=data.get("k"),
            seed_themes=themes,
            seed=int(data.get("seed") or 0),
            regrouping=Regrouping(data.get("regrouping") or Regrouping.FRESH),
            previous_id=int(previous_id) if previous_id is not None else None,
            question_id=int(question_id) if question_id is not None else None,
        )


class CorrectionKind(enum.StrEnum):
    RENAME = "rename"
    MERGE = "merge"
    MOVE = "move"
    CITY_THEME = "city_theme"


# A correction names themes by their comments (ids), not by theme ids: a later analysis makes
# new themes, and the correction applies to the one holding (most of) the same comments.


@dataclass(frozen=True)
class Rename:
    comment_ids: list[int]
    label: str
    kind: ClassVar[CorrectionKind] = CorrectionKind.RENAME


@dataclass(frozen=True)
class Merge:
    source_ids: list[int]
    target_ids: list[int]
    kind: ClassVar[CorrectionKind] = CorrectionKind.MERGE


@dataclass(frozen=True)
class Move:
    comment_id: int
    body_hash: str  # the move no longer holds once the comment changed
    target_ids: list[int]
    target_label: str
    kind: ClassVar[CorrectionKind] = CorrectionKind.MOVE


@dataclass(frozen=True)
class CityTheme:
    comment_ids: list[int]
    value: bool
    kind: ClassVar[CorrectionKind] = CorrectionKind.CITY_THEME


Change = Rename | Merge | Move | CityTheme
CHANGE_TYPES: dict[CorrectionKind, type[Change]] = {
    CorrectionKind.RENAME: Rename,
    CorrectionKind.MERGE: Merge,
    CorrectionKind.MOVE: Move,
    CorrectionKind.CITY_THEME: CityTheme,
}


class Outcome(enum.StrEnum):
    """How the plan changed because of a group of comments (the column cities publish)."""

    REFLECTED = "reflected"  # 反映
    PARTLY = "partly"  # 一部反映
    ALREADY = "already"  # 既に記載
    NOTED = "noted"  # 参考
    OTHER = "other"  # その他


class CommentTokens(Model):
    """Janome tokens of a comment, kept so that analysis does not redo them."""

    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), primary_key=True
    )
    cache_key: Mapped[str] = mapped_column(String(64), index=True)
    tokens: Mapped[list[str]] = mapped_column(JSON)


class CommentMask(Model):
    """A comment as pages and the published results show it: personal data masked (Janome is
    slow, so it is masked once). The key is of the body and nlp.masking.MASKING_VERSION."""

    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), primary_key=True
    )
    cache_key: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)


class AnswerText:
    """What is kept of a response's answer to one free-text question, keyed by the text."""

    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("question.id", ondelete="CASCADE"), primary_key=True
    )
    cache_key: Mapped[str] = mapped_column(String(64))


class AnswerTokens(AnswerText, Model):
    """Janome tokens of a free-text question's answer, like CommentTokens for the comment."""

    tokens: Mapped[list[str]] = mapped_column(JSON)


class AnswerMask(AnswerText, Model):
    """A free-text question's answer with personal data masked, like CommentMask."""

    text: Mapped[str] = mapped_column(Text)


class Job(Model):
    """A background job (RQ worker, or a local process without Redis); staff see its progress."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[JobKind] = mapped_column(enum_column(JobKind, length=40))
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[JobStatus] = mapped_column(enum_column(JobStatus), default=JobStatus.QUEUED)
    progress: Mapped[int] = mapped_column(default=0)  # percent
    message: Mapped[str] = mapped_column(String(200), default="")
    error: Mapped[str | None] = mapped_column(Text)
    result_id: Mapped[int | None]  # e.g. the analysis it made
    # what a job that makes no row reports back, e.g. an import's counts and skipped rows
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # who was handed the job ("process:<host>:<pid>", "rq:<id>", "inline") and its last sign of
    # life: a job whose runner died is found by jobs.sweep_stale and marked failed
    runner: Mapped[str | None] = mapped_column(String(120))
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Analysis(Model):
    """A snapshot: which comments, which parameters, which themes; new comments never change it.

    It groups the comments' text, or with ``question_id`` the answers to one free-text
    question of the consultation's questionnaire: each text has analyses of its own.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("question.id", ondelete="CASCADE"), index=True
    )
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    n_comments: Mapped[int] = mapped_column(default=0)
    n_themes: Mapped[int] = mapped_column(default=0)
    k_scores: Mapped[list[list[float]]] = mapped_column(JSON, default=list)
    duplicate_groups: Mapped[list[list[int]]] = mapped_column(JSON, default=list)
    seconds: Mapped[float] = mapped_column(default=0.0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # What the analysis fitted (nlp.features.FittedFeatures.to_bytes(): vocabularies, idf,
    # the LSA projection, each comment's vector), so that extending it only transforms the
    # new comments. In the database, not on one host: any RQ worker may run the next job.
    # A few MB at 5,000 comments, so loaded only when read.
    features: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)

    question: Mapped[Question | None] = relationship()
    themes: Mapped[list[AnalysisTheme]] = relationship(
        back_populates="analysis",
        order_by="AnalysisTheme.position",
        cascade="all, delete-orphan",
    )
    large_themes: Mapped[list[LargeTheme]] = relationship(
        back_populates="analysis",
        order_by="LargeTheme.position",
        cascade="all, delete-orphan",
    )

    @property
    def regrouping(self) -> Regrouping:
        return AnalysisParams.from_json(self.params or {}).regrouping

    @property
    def question_key(self) -> str | None:
        """The key of the free-text question analysed, for links; None: the comments."""
        return self.question.key if self.question else None


class LargeTheme(Model):
    """A large theme (like a plan's 基本目標) holding sub-themes; its comments are theirs.

    Comments are assigned to sub-themes only, so a large theme's count is always the
    sum of its sub-themes' counts.
    """

    __table_args__ = (UniqueConstraint("analysis_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    analysis_id: Mapped[int] = mapped_column(
        ForeignKey("analysis.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]  # the pipeline's id: 1001, 1002, ...
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(200))
    label_is_phrase: Mapped[bool] = mapped_column(default=False)
    keywords: Mapped[list[list[Any]]] = mapped_column(JSON, default=list)  # [[term, weight], ...]
    summary: Mapped[str] = mapped_column(Text, default="")  # one quoted sentence per line

    analysis: Mapped[Analysis] = relationship(back_populates="large_themes")
    children: Mapped[list[AnalysisTheme]] = relationship(
        back_populates="parent", order_by="AnalysisTheme.position"
    )


class AnalysisTheme(Model):
    """A (sub-)theme: what comments are assigned to, renamed and answered by the city."""

    __table_args__ = (UniqueConstraint("analysis_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    analysis_id: Mapped[int] = mapped_column(
        ForeignKey("analysis.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]  # the theme id the pipeline gave; 0 is その他
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(200))
    original_label: Mapped[str] = mapped_column(String(200))
    keywords: Mapped[list[list[Any]]] = mapped_column(JSON, default=list)  # [[term, weight], ...]
    representative_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    is_other: Mapped[bool] = mapped_column(default=False)
    seed_name: Mapped[str | None] = mapped_column(String(200))
    is_city_theme: Mapped[bool] = mapped_column(default=False)  # marked by the planner
    label_is_phrase: Mapped[bool] = mapped_column(default=False)  # a phrase from its comments
    # a draft of 意見の概要: sentences quoted from its comments (masked), one per line
    summary: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("large_theme.id", ondelete="SET NULL"), index=True
    )  # None for その他 and the language groups (and for analyses made before large themes)
    # the comments written in another language than Japanese, one group per language (vi,
    # en, ...): Janome reads Japanese only, so they are kept together, never dropped
    language: Mapped[str | None] = mapped_column(String(8))

    analysis: Mapped[Analysis] = relationship(back_populates="themes")
    parent: Mapped[LargeTheme | None] = relationship(back_populates="children")

    @property
    def summary_sentences(self) -> list[str]:
        return [line for line in self.summary.splitlines() if line.strip()]


class ThemeAssignment(Model):
    """Which theme a comment is in, in one snapshot (the pipeline's or the planner's choice)."""

    __table_args__ = (Index("ix_theme_assignment_theme", "theme_id"),)

    analysis_id: Mapped[int] = mapped_column(
        ForeignKey("analysis.id", ondelete="CASCADE"), primary_key=True
    )
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[int] = mapped_column(ForeignKey("analysis_theme.id", ondelete="CASCADE"))
    body_hash: Mapped[str] = mapped_column(String(64))  # corrections carry over while unchanged
    moved_by_planner: Mapped[bool] = mapped_column(default=False)


class Correction(Model):
    """A planner's correction, replayed on every later analysis of the same text (the
    consultation's comments, or one free-text question's answers)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int | None] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    kind: Mapped[CorrectionKind] = mapped_column(enum_column(CorrectionKind, length=20))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the change's fields
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @classmethod
    def of(
        cls,
        change: Change,
        *,
        consultation_id: int,
        question_id: int | None,
        staff_id: int | None,
    ) -> Correction:
        return cls(
            consultation_id=consultation_id,
            question_id=question_id,
            kind=change.kind,
            payload=asdict(change),
            created_by_id=staff_id,
        )

    def change(self) -> Change:
        return CHANGE_TYPES[self.kind](**self.payload)


class ThemeResponse(Model):
    """意見の概要と市の考え方 for one theme of the published analysis."""

    __table_args__ = (UniqueConstraint("theme_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("analysis_theme.id", ondelete="CASCADE"))
    summary: Mapped[str] = mapped_column(Text, default="")
    response: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[Outcome] = mapped_column(enum_column(Outcome), default=Outcome.NOTED)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Publication(Model):
    """The published results of a consultation: one analysis, frozen, with its responses."""

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), unique=True
    )
    analysis_id: Mapped[int] = mapped_column(ForeignKey("analysis.id"))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    analysis: Mapped[Analysis] = relationship()
