"""Comments as staff pages and the published results show them: personal data masked.

Masking runs Janome over the whole text (milliseconds a comment), so a comment is masked once
and the text kept in CommentMask, keyed by its body and nlp.masking.MASKING_VERSION. The job
after an import and the analysis job mask every new comment; a page masks what it shows and
finds no stored text for (a comment entered since, an edited body, new masking rules).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from workshop.extensions import db
from workshop.models import Comment, CommentMask

CHUNK = 5000


def mask_key(body: str) -> str:
    from nlp.masking import MASKING_VERSION

    return hashlib.sha256(f"{MASKING_VERSION}\0{body}".encode()).hexdigest()


def masked_texts(comment_ids: Iterable[int]) -> dict[int, str]:
    """comment id -> its masked text; what is not stored yet is masked and stored now."""
    ids = sorted(set(comment_ids))
    found: dict[int, str] = {}
    missing: list[tuple[int, str]] = []
    for start in range(0, len(ids), CHUNK):
        stmt = (
            select(Comment.id, Comment.body, CommentMask.cache_key, CommentMask.text)
            .outerjoin(CommentMask, CommentMask.comment_id == Comment.id)
            .where(Comment.id.in_(ids[start : start + CHUNK]))
        )
        for comment_id, body, key, text in db.session.execute(stmt):
            if key == mask_key(body):
                found[comment_id] = text
            else:
                missing.append((comment_id, body))
    if missing:
        # in the web worker itself: no process pool forked from it
        rows = mask_comments(missing, n_jobs=1)
        save_masks(rows)
        db.session.commit()
        found |= {row.comment_id: row.text for row in rows}
    return found


@dataclass(frozen=True)
class Masked:
    comment_id: int
    cache_key: str
    text: str


def unmasked_comments(consultation_id: int) -> list[tuple[int, str]]:
    """(id, body) of the consultation's comments with no up-to-date masked text."""
    stmt = (
        select(Comment.id, Comment.body, CommentMask.cache_key)
        .outerjoin(CommentMask, CommentMask.comment_id == Comment.id)
        .where(Comment.consultation_id == consultation_id)
        .order_by(Comment.id)
    )
    return [(i, body) for i, body, key in db.session.execute(stmt) if key != mask_key(body)]


def mask_comments(
    comments: Sequence[tuple[int, str]],
    *,
    n_jobs: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> list[Masked]:
    """Mask (id, body) pairs; nothing is written (a job reports progress before it writes)."""
    from nlp.masking import mask_many

    bodies = [body for _, body in comments]
    texts = mask_many(bodies, n_jobs=n_jobs, on_progress=on_progress)
    return [
        Masked(comment_id, mask_key(body), text)
        for (comment_id, body), text in zip(comments, texts, strict=True)
    ]


def save_masks(rows: Sequence[Masked]) -> None:
    """Insert or replace; the caller commits. Two pages may mask the same new comment at once:
    the second write wins, with the same text."""
    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(CommentMask)
    stmt = stmt.on_conflict_do_update(
        index_elements=[CommentMask.comment_id],
        set_={"cache_key": stmt.excluded.cache_key, "text": stmt.excluded.text},
    )
    db.session.execute(stmt, [asdict(row) for row in rows])
