"""The roster (名簿): confirmed people in furigana order, search by name, the needs to prepare."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable

from sqlalchemy import select

from workshop.extensions import db
from workshop.models import Need, Registration, RegistrationStatus
from workshop.text import clean_text

NEED_VALUES = frozenset(need.value for need in Need)


def kana_key(text: str) -> str:
    """Furigana in katakana or hiragana, full or half width, sort and match alike."""
    text = unicodedata.normalize("NFKC", text).replace(" ", "").replace("　", "")
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text).lower()


def in_kana_order(items: Iterable[Registration]) -> list[Registration]:
    return sorted(items, key=lambda r: (kana_key(r.furigana or r.name), r.seq))


def registrations(workshop_id: int, status: RegistrationStatus) -> list[Registration]:
    stmt = select(Registration).where(
        Registration.workshop_id == workshop_id, Registration.status == status
    )
    return list(db.session.scalars(stmt.order_by(Registration.seq)))


def confirmed_in_kana_order(workshop_id: int) -> list[Registration]:
    return in_kana_order(registrations(workshop_id, RegistrationStatus.CONFIRMED))


def search_registrations(workshop_id: int, query: str) -> list[Registration]:
    key = kana_key(clean_text(query))[:100]
    if not key:
        return []
    stmt = select(Registration).where(
        Registration.workshop_id == workshop_id,
        Registration.status != RegistrationStatus.CANCELLED,
    )
    return [
        r
        for r in in_kana_order(db.session.scalars(stmt))
        if key in kana_key(r.name) or key in kana_key(r.furigana)
    ]


def needs_summary(workshop_id: int) -> dict[Need, int]:
    counts: Counter[Need] = Counter()
    for registration in registrations(workshop_id, RegistrationStatus.CONFIRMED):
        counts.update(Need(value) for value in registration.needs if value in NEED_VALUES)
    return {need: counts[need] for need in Need}
