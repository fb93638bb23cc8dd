"""Checks on what people type that forms and services share, with their Japanese messages.

No Flask here: a service checks a posted value with the same rule, and the same words, as the
form that shows the message next to the field. The messages are marked for the catalogues
(``N_``); a form translates one when it shows it.
"""

from __future__ import annotations

import email_validator

from workshop.text import N_

CHOICE_MESSAGE = N_("一覧から選んでください。")

EMAIL_MAX_CHARS = 254
EMAIL_TOO_LONG = N_("メールアドレスが長すぎます。")
EMAIL_BAD_SHAPE = N_("メールアドレスの形をご確認ください（例: taro@example.jp）。")


def email_problem(address: str) -> str | None:
    """What is wrong with an e-mail address a person typed, or None; no DNS lookup (offline)."""
    if len(address) > EMAIL_MAX_CHARS:
        return EMAIL_TOO_LONG
    try:
        email_validator.validate_email(
            address, check_deliverability=False, allow_smtputf8=True, allow_empty_local=False
        )
    except email_validator.EmailNotValidError:
        return EMAIL_BAD_SHAPE
    return None
