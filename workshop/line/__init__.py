"""The city's LINE official account: residents comment and sign up inside LINE, and
everything is stored here (the national guideline: not on LINE's side).

The webhook, checked with the channel secret through LINE's SDK, stores each event once;
a background job (services/processing.py) runs each through the conversation
(conversation/: the consent and the words of any step in turn.py, then settings.py,
comments.py, signups.py), stores what it says and replies through the Messaging API
(workshop/line_api.py). Workshop sign-ups follow the web's
rules (workshops/services/signup.py); a move up from the waiting list and the reminder are
pushed (workshops/notify.py), the LINE id kept on the registration until the workshop is
over. Staff see the channel at /staff/line; `flask line forget` removes what is kept;
`flask line setup-richmenu` gives the account its menu of four buttons (richmenu.py)."""

from flask import Blueprint

bp = Blueprint("line", __name__)
staff_bp = Blueprint("line_staff", __name__, url_prefix="/staff/line")

from workshop.line import cli, routes, staff_routes  # noqa: E402,F401  (routes register)
