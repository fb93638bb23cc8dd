"""The city's LINE official account: residents comment and sign up inside LINE, and
everything is stored here (the national guideline: not on LINE's side).

So far: the webhook, checked with the channel secret through LINE's SDK, stores each event
once; conversation.py is the conversation as a pure function (consent, settings, choosing,
writing, confirming). The background job that runs it on the stored events and replies
through the Messaging API is the next step (issue 15)."""

from flask import Blueprint

bp = Blueprint("line", __name__)

from workshop.line import routes  # noqa: E402,F401  (the routes register on bp)
