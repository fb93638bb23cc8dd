"""The LINE channel, by sub-domain:

- webhook: check a delivery's signature with LINE's SDK and store each event once
- processing: the background job that runs each event through the conversation, stores what
  it says (settings, comments) and replies through the Messaging API
"""

from workshop.line.services.processing import run_line_events, user_hash
from workshop.line.services.webhook import Received, receive

__all__ = ["Received", "receive", "run_line_events", "user_hash"]
