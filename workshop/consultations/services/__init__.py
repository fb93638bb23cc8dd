"""Consultations and their comments, by sub-domain:

- consultations: look up, list, create and edit a consultation with its sections
- attachments: the PDF documents of a consultation
- audience: who may answer (anyone, a private link's holder, staff) and the private links
- rules: what every comment must be, and the Japanese messages when it is not
- comments: storing a comment (receipt numbers, proxy entry, receipt page and mail)
- submit: the resident's final submit from the confirmation page
- moderation: the staff comment list with its filters, hiding and unhiding

Callers import from here; the modules import each other directly.
"""

from workshop.consultations.services.attachments import add_attachment, get_attachment
from workshop.consultations.services.audience import (
    AlreadyAnswered,
    AnswerNotAllowed,
    LinkInput,
    Respondent,
    create_links,
    list_links,
    respondent_for,
    revoke_link,
)
from workshop.consultations.services.comments import (
    build_comment,
    comment_values,
    enter_comment,
    get_receipt,
    next_receipt_numbers,
    send_receipt_mail,
    store_comment_answers,
)
from workshop.consultations.services.consultations import (
    ConsultationInput,
    count_comments,
    create_consultation,
    free_receipt_prefix,
    get_consultation,
    get_consultation_by_slug,
    list_consultations,
    period_warnings,
    update_consultation,
)
from workshop.consultations.services.moderation import (
    CommentFilter,
    ReasonRequired,
    filtered_comments,
    get_comment,
    hide_comment,
    unhide_comment,
)
from workshop.consultations.services.rules import (
    NAME_MAX_CHARS,
    NOTHING_MESSAGE,
    CommentInput,
    CommentInvalid,
    body_problem,
    clean_text,
    closed_message,
    comment_problems,
    ensure_open,
    validate_comment,
)
from workshop.consultations.services.submit import (
    Receipt,
    submit_comment,
)

__all__ = [
    "NAME_MAX_CHARS",
    "NOTHING_MESSAGE",
    "AlreadyAnswered",
    "AnswerNotAllowed",
    "CommentFilter",
    "CommentInput",
    "CommentInvalid",
    "ConsultationInput",
    "LinkInput",
    "ReasonRequired",
    "Receipt",
    "Respondent",
    "add_attachment",
    "body_problem",
    "build_comment",
    "clean_text",
    "closed_message",
    "comment_problems",
    "comment_values",
    "count_comments",
    "create_consultation",
    "create_links",
    "ensure_open",
    "enter_comment",
    "filtered_comments",
    "free_receipt_prefix",
    "get_attachment",
    "get_comment",
    "get_consultation",
    "get_consultation_by_slug",
    "get_receipt",
    "hide_comment",
    "list_consultations",
    "list_links",
    "next_receipt_numbers",
    "period_warnings",
    "respondent_for",
    "revoke_link",
    "send_receipt_mail",
    "store_comment_answers",
    "submit_comment",
    "unhide_comment",
    "update_consultation",
    "validate_comment",
]
