"""The conversation with a resident in LINE, as a pure function: what they said, where they
were, and what the city knows of them in; the replies, where they are now, and what to store
out. No database, no LINE: the background job does both around it (issue 15).

Steps: consent (nothing is stored before 「同意する」) → age group and district, asked once
(「設定」 asks again) → choosing an open consultation → writing, in as many messages as needed,
until 「送信」 → a summary to confirm → the receipt. 「ワークショップ」, at any step: choosing a
workshop open for sign-up → the way to take part (hybrid only) → a name for the reception →
a summary to confirm → the sign-up, with the same seats and waiting list as the web.
「やめる」 at any step cancels and keeps nothing of the draft; 「意見を送る」 starts a comment
afresh; 「使い方」 explains the account and leaves whatever is under way as it was (these and
「ワークショップ」 「設定」 are also the rich menu's buttons). Every step also works by typing: a
quick reply is only a shortcut.

The parts, by what they do: turn.py (respond(): the consent, the words that work at any step,
then the step's own answer), settings.py (年代 and 地区), comments.py (choosing a consultation,
its questionnaire, writing, confirming), signups.py (a workshop sign-up), state.py (the person's
state, the town's offers, the replies and what to store), words.py (the words residents send
and the fixed texts).
"""

from workshop.line.conversation.state import (
    Consultation,
    Outcome,
    Person,
    Reply,
    SignUp,
    Step,
    Submit,
    Town,
    WorkshopOffer,
    buttons,
)
from workshop.line.conversation.turn import respond
from workshop.line.conversation.words import (
    AGREE,
    APPLY,
    CANCEL,
    COMMENT,
    CONSENT_TEXT,
    DISAGREE,
    FIX,
    HELP,
    HELP_TEXT,
    NOT_TEXT,
    SEND,
    SETTINGS,
    SKIP,
    WORKSHOPS,
    YES,
)
from workshop.line_api import QUICK_REPLY_MAX

__all__ = [
    "AGREE",
    "APPLY",
    "CANCEL",
    "COMMENT",
    "CONSENT_TEXT",
    "DISAGREE",
    "FIX",
    "HELP",
    "HELP_TEXT",
    "NOT_TEXT",
    "QUICK_REPLY_MAX",
    "SEND",
    "SETTINGS",
    "SKIP",
    "WORKSHOPS",
    "YES",
    "Consultation",
    "Outcome",
    "Person",
    "Reply",
    "SignUp",
    "Step",
    "Submit",
    "Town",
    "WorkshopOffer",
    "buttons",
    "respond",
]
