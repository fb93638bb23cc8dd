"""Comments as staff pages and the published results show them: personal data masked.

Masking runs Janome over the whole text (milliseconds a comment), so a comment is masked once
and the text kept in CommentMask, keyed by its body and nlp.masking.MASKING_VERSION. The
answers to a free-text question are texts of their own, kept in AnswerMask the same way: every
function takes the question (None: the comment's own text). The job
after an import and the analysis job mask every new comment; a page masks what it shows and
finds no stored text for (a comment entered since, an edited body, new masking rules).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import Select, select
from sqlalchemy.dialects import postgresql, sqlite

from workshop.extensions import db
from workshop.models import Answer, AnswerMask, Comment, CommentMask

CHUNK = 5000


def mask_key(body: str) -> str:
    from nlp.masking import MASKING_VERSION

    return hashlib.sha256(f"{MASKING_VERSION}\0{body}".encode()).hexdigest()


def stored_masks(
    question_id: int | None,
) -> Select[int, str | None, str, str]:
    """(comment id, text, stored key, stored masked text) of the comment's text or the
    question's answers; the caller adds its WHERE."""
    if question_id is None:
        return select(Comment.id, Comment.body, CommentMask.cache_key, CommentMask.text).outerjoin(
            CommentMask, CommentMask.comment_id == Comment.id
        )
    return (
        select(Comment.id, Answer.text_value, AnswerMask.cache_key, AnswerMask.text)
        .join(Answer, (Answer.comment_id == Comment.id) & (Answer.question_id == question_id))
        .outerjoin(
            AnswerMask,
            (AnswerMask.comment_id == Comment.id) & (AnswerMask.question_id == question_id),
        )
        .where(Answer.text_value.is_not(None))
    )


def masked_texts(comment_ids: Iterable[int], question_id: int | None = None) -> dict[int, str]:
    """comment id -> its masked text (or its masked answer to ``question_id``); what is not
    stored yet is masked and stored now."""
    ids = sorted(set(comment_ids))
    found: dict[int, str] = {}
    missing: list[tuple[int, str]] = []
    for start in range(0, len(ids), CHUNK):
        stmt = stored_masks(question_id).where(Comment.id.in_(ids[start : start + CHUNK]))
        for comment_id, body, key, text in db.session.execute(stmt):
            if key == mask_key(body or ""):
                found[comment_id] = text or ""
            else:
                missing.append((comment_id, body or ""))
    if missing:
        # in the web worker itself: no process pool forked from it
        rows = mask_comments(missing, n_jobs=1)
        save_masks(rows, question_id)
        db.session.commit()
        found |= {row.comment_id: row.text for row in rows}
    return found


@dataclass(frozen=True)
class Masked:
    comment_id: int
    cache_key: str
    text: str


def unmasked_comments(
    consultation_id: int, question_id: int | None = None
) -> list[tuple[int, str]]:
    """(id, text) of the consultation's comments (or answers to ``question_id``) with no
    up-to-date masked text."""
    stmt = (
        stored_masks(question_id)
        .where(Comment.consultation_id == consultation_id)
        .order_by(Comment.id)
    )
    return [
        (i, body or "")
        for i, body, key, _ in db.session.execute(stmt)
        if key != mask_key(body or "")
    ]


def mask_comments(
    comments: Sequence[tuple[int, str]],
    *,
    n_jobs: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> list[Masked]:
    """Mask (id, text) pairs; nothing is written (a job reports progress before it writes)."""
    from nlp.masking import mask_many

    bodies = [body for _, body in comments]
    texts = mask_many(bodies, n_jobs=n_jobs, on_progress=on_progress)
    return [
        Masked(comment_id, mask_key(body), text)
        for (comment_id, body), text in zip(comments, texts, strict=True)
    ]


def save_masks(rows: Sequence[Masked], question_id: int | None = None) -> None:
    """Insert or replace; the caller commits. Two pages may mask the same new comment at once:
    the second write wins, with the same text."""
    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table: type[CommentMask] | type[AnswerMask] = CommentMask
    keys, extra = [CommentMask.comment_id], {}
    if question_id is not None:
        table = AnswerMask
        keys, extra = [AnswerMask.comment_id, AnswerMask.question_id], {"question_id": question_id}
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=keys,
        set_={"cache_key": stmt.excluded.cache_key, "text": stmt.excluded.text},
    )
    db.session.execute(stmt, [asdict(row) | extra for row in rows])
