"""What can go wrong when a planner asks for an analysis."""

from __future__ import annotations

from workshop.errors import DomainError


class NothingToExtend(DomainError):
    message = (
        "まだ分析していないため、新しい意見を今のテーマに振り分けることはできません。"
        "「最初から分け直す」を選んでください。"
    )
    status = 409
    code = "nothing_to_extend"
