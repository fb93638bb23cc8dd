"""Demo data: staff accounts for each role, consultations with comments, a questionnaire with
answers, a workshop and its live board (`flask demo load`, in cli.py).

Only for trying machikoe out; the accounts and passwords are listed in the README. A loader
per part: accounts.py, consultations.py (the open and the closed round), questionnaire.py,
workshops.py, boards.py; the texts and answers they read are in workshop/demo_data/.
"""

from workshop.demo.accounts import load_users
from workshop.demo.cli import demo
from workshop.demo.consultations import DEMO_SLUG, load_consultation
from workshop.demo.workshops import DEMO_WORKSHOP_TITLE

__all__ = ["DEMO_SLUG", "DEMO_WORKSHOP_TITLE", "demo", "load_consultation", "load_users"]
