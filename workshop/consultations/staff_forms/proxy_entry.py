"""Proxy entry: a comment received on paper, by phone or at the counter, typed in by staff."""

from __future__ import annotations

from wtforms.validators import InputRequired

from workshop.consultations.forms import CommentForm
from workshop.formfields import JaDateField, JaSelectField
from workshop.labels import CHANNEL
from workshop.models import Channel
from workshop.timeutil import today_tokyo


class ProxyCommentForm(CommentForm):
    # a paper form is entered as it was filled in: every question at once, none required
    asks_in_steps = False

    channel = JaSelectField(
        "受付の経路",
        validators=[InputRequired("受付の経路を選んでください。")],
        choices=[(c.value, label) for c, label in CHANNEL.items() if c is not Channel.WEB],
    )
    received_on = JaDateField(
        "受付日（郵送は消印の日付）",
        default=today_tokyo,
        validators=[InputRequired("受付日を入力してください（例: 2026-11-23）。")],
    )
