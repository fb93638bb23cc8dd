"""The roster (名簿) for staff: confirmed in furigana order, then the waiting list in order."""

from __future__ import annotations

from workshop import audit, tabular
from workshop.labels import AGE_GROUP, NEED, PARTICIPATION_MODE, REGISTRATION_STATUS
from workshop.models import Workshop
from workshop.timeutil import as_tokyo
from workshop.transaction import transaction
from workshop.workshops.services.roster import confirmed_in_kana_order
from workshop.workshops.services.waitlist import waitlist

ROSTER_HEADER = (
    "ふりがな", "お名前", "状況", "参加の方法", "メールアドレス", "電話番号", "年代", "地区",
    "必要な配慮", "その他の配慮", "受付", "当日参加", "申込順",
)  # fmt: skip


def roster(workshop: Workshop) -> tuple[list[str], list[list[tabular.Cell]]]:
    # the roster carries names, phones and needs: who took it is recorded
    with transaction():
        audit.record("workshop.roster_export", f"workshop:{workshop.id}")
    people = confirmed_in_kana_order(workshop.id) + waitlist(workshop.id)
    questions = list(workshop.questions)
    rows: list[list[tabular.Cell]] = []
    for r in people:
        rows.append(
            [
                r.furigana,
                r.name,
                REGISTRATION_STATUS[r.status],
                PARTICIPATION_MODE[r.mode],
                r.email or "",
                r.phone,
                AGE_GROUP[r.age_group] if r.age_group else "",
                r.district,
                "、".join(NEED[n] for n in NEED if n.value in r.needs),
                r.needs_other,
                as_tokyo(r.checked_in_at).strftime("%H:%M") if r.checked_in_at else "",
                "当日参加" if r.is_walk_in else "",
                r.seq,
            ]
            + [r.answers.get(q, "") for q in questions]
        )
    return list(ROSTER_HEADER) + questions, rows
