"""Tokens and masks of the comments, made ahead by a job so that an analysis does not wait for Janome."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import delete, insert, select, update

from workshop import jobs, masks
from workshop.consultations.services.comments import language_of
from workshop.extensions import db
from workshop.models import (
    Answer,
    Comment,
    Job,
)
from workshop.themes.reading import token_store
from workshop.themes.services.lookup import text_questions

if TYPE_CHECKING:
    from nlp import Analyzer


def reporting(
    progress: jobs.Progress, start: int, end: int, doing: str = "単語に分けています"
) -> Callable[[int, int], None]:
    """Janome's progress as the job's, written at most every 2 seconds: it is also the job's
    heartbeat, so 50,000 comments (a minute and a half) are not taken for a dead runner."""
    last = 0.0

    def report(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last < 2 and done < total:
            return
        last = now
        share = done / total if total else 1
        progress(start + round((end - start) * share), f"{doing}（{done:,} / {total:,}件）")

    return report


class Text(NamedTuple):
    """A text to group: a comment's own, or its answer to a free-text question."""

    id: int  # the comment's
    body: str
    language: str | None


def comment_bodies(consultation_id: int, question_id: int | None = None) -> list[Text]:
    """Every comment of a consultation with a text, in id order: what both jobs read. A
    questionnaire's response may hold answers only: it has no text to group. With
    ``question_id``, the answers to that free-text question instead (their language is told
    here: answers do not keep it)."""
    if question_id is not None:
        answers = db.session.execute(
            select(Answer.comment_id, Answer.text_value)
            .join(Comment, Comment.id == Answer.comment_id)
            .where(
                Comment.consultation_id == consultation_id,
                Answer.question_id == question_id,
                Answer.text_value.is_not(None),
                Answer.text_value != "",
            )
            .order_by(Answer.comment_id)
        ).all()
        return [Text(i, text or "", language_of(text or "")) for i, text in answers]
    rows = db.session.execute(
        select(Comment.id, Comment.body, Comment.language)
        .where(Comment.consultation_id == consultation_id, Comment.body != "")
        .order_by(Comment.id)
    ).all()
    return [Text(*row) for row in rows]


def text_noun(question_id: int | None) -> str:
    """What a grouped text is called in a job's messages: 意見 (the comments) or 回答."""
    return "意見" if question_id is None else "回答"


def is_japanese(language: str | None) -> bool:
    """Janome reads Japanese: so are the comments too short to tell (und, 「OK」) and those
    stored before languages were told apart (None, tagged by tag_languages())."""
    return language in (None, "ja", "und")


def tag_languages(consultation_id: int) -> dict[int, str | None]:
    """Tag the consultation's comments stored before languages were told apart; comment id ->
    its language, for those tagged now. Committed at once: a job reports its progress through
    another connection afterwards, and SQLite has one writer at a time."""
    untagged = db.session.execute(
        select(Comment.id, Comment.body).where(
            Comment.consultation_id == consultation_id,
            Comment.language.is_(None),
            Comment.body != "",
        )
    ).all()
    tagged = {row.id: language_of(row.body) for row in untagged}
    if tagged:
        db.session.execute(
            update(Comment),
            [{"id": comment_id, "language": code} for comment_id, code in tagged.items()],
        )
        db.session.commit()
    return tagged


def run_tokens(job: Job, progress: jobs.Progress) -> None:
    """Janome is the slow step: do it when comments arrive, so 分析する only clusters. The
    comments' text first, then each free-text question's answers; everything is written at
    the end, after the last progress report (SQLite has one writer at a time)."""
    from nlp import Analyzer

    assert job.consultation_id is not None
    tag_languages(job.consultation_id)
    analyzer = Analyzer()
    texts = [None, *(question.id for question in text_questions(job.consultation_id))]
    span = 90 // len(texts)
    prepared = [
        prepare_text(job.consultation_id, question_id, analyzer, progress, n * span, span)
        for n, question_id in enumerate(texts)
    ]
    progress(90, "保存しています")
    for text in prepared:
        text.store()
    db.session.commit()


@dataclass
class PreparedText:
    """One text's tokens and masks, made and not yet written."""

    question_id: int | None
    ids: list[int]
    keys: list[str]
    cache: dict[str, tuple[str, ...]]
    known: set[str]
    masked: list[masks.Masked]

    def store(self) -> None:
        store_tokens(self.ids, self.keys, self.cache, self.known, self.question_id)
        masks.save_masks(self.masked, self.question_id)


def prepare_text(
    consultation_id: int,
    question_id: int | None,
    analyzer: Analyzer,
    progress: jobs.Progress,
    start: int,
    span: int,
) -> PreparedText:
    """Tokenize and mask what is new of the comments' text (or of one question's answers),
    reporting progress from ``start`` over ``span`` percent."""
    from nlp import tokenize_many

    what = text_noun(question_id)
    rows = [
        row for row in comment_bodies(consultation_id, question_id) if is_japanese(row.language)
    ]
    ids = [row.id for row in rows]
    texts = [row.body for row in rows]
    keys = [analyzer.cache_key(text) for text in texts]
    cache = load_token_cache(ids, question_id)
    known = set(cache)
    missing = [text for text, key in zip(texts, keys, strict=True) if key not in known]
    middle = start + span // 2
    progress(start, f"新しい{what} {len(missing)}件を単語に分けています")
    if missing:
        tokenize_many(
            missing, analyzer, cache=cache, on_progress=reporting(progress, start, middle)
        )
    masked = mask_new_comments(consultation_id, progress, middle, start + span, question_id)
    return PreparedText(question_id, ids, keys, cache, known, masked)


def mask_new_comments(
    consultation_id: int,
    progress: jobs.Progress,
    start: int,
    end: int,
    question_id: int | None = None,
) -> list[masks.Masked]:
    """Pages show comments masked: mask the new ones now, once (Janome again, as slow)."""
    unmasked = masks.unmasked_comments(consultation_id, question_id)
    what = text_noun(question_id)
    progress(start, f"新しい{what} {len(unmasked)}件の個人情報を伏せています")
    return masks.mask_comments(
        unmasked, on_progress=reporting(progress, start, end, "個人情報を伏せています")
    )


def load_token_cache(
    comment_ids: Sequence[int], question_id: int | None = None
) -> dict[str, tuple[str, ...]]:
    table, of_text = token_store(question_id)
    cache: dict[str, tuple[str, ...]] = {}
    for chunk in chunks(comment_ids, 5000):
        stmt = select(table.cache_key, table.tokens).where(table.comment_id.in_(chunk), *of_text)
        for key, tokens in db.session.execute(stmt):
            cache[key] = tuple(tokens)
    return cache


def store_tokens(
    ids: Sequence[int],
    keys: Sequence[str],
    cache: dict[str, tuple[str, ...]],
    known: set[str],
    question_id: int | None = None,
) -> None:
    """Keep the tokens of comments (or answers) tokenized in this run (new, or changed
    dictionary)."""
    fresh = [(i, k) for i, k in zip(ids, keys, strict=True) if k not in known and k in cache]
    if not fresh:
        return
    table, of_text = token_store(question_id)
    fresh_ids = [i for i, _ in fresh]
    for chunk in chunks(fresh_ids, 5000):
        db.session.execute(delete(table).where(table.comment_id.in_(chunk), *of_text))
    question = {} if question_id is None else {"question_id": question_id}
    db.session.execute(
        insert(table),
        [{"comment_id": i, "cache_key": k, "tokens": list(cache[k])} | question for i, k in fresh],
    )


def chunks(items: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# ---------------------------------------------------------------- reading a snapshot
