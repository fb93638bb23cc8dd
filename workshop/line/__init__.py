"""The city's LINE official account: residents comment and sign up inside LINE, and
everything is stored here (the national guideline: not on LINE's side).

The webhook, checked with the channel secret through LINE's SDK, stores each event once;
a background job (services/processing.py) runs each through the conversation
(conversation.py: consent, settings, choosing, writing, confirming), stores what it says and
replies through the Messaging API. Workshop sign-ups, the rich menu, the staff status page
and `line forget` are still to come (issue 15)."""

from flask import Blueprint

bp = Blueprint("line", __name__)
staff_bp = Blueprint("line_staff", __name__, url_prefix="/staff/line")

from workshop.line import cli, routes, staff_routes  # noqa: E402,F401  (routes register)
