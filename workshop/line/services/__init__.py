"""The LINE channel, by sub-domain:

- webhook: check a delivery's signature with LINE's SDK and store each event once
- status: the channel's state for staff (on or off, the webhook address, recent events)
- processing: the background job that runs each event through the conversation, stores what
  it says (settings, comments) and replies through the Messaging API
"""

from workshop.line.services.people import user_hash
from workshop.line.services.processing import run_line_events
from workshop.line.services.status import ChannelStatus, channel_status
from workshop.line.services.webhook import Received, hand_on, receive

__all__ = [
    "ChannelStatus",
    "Received",
    "channel_status",
    "hand_on",
    "receive",
    "run_line_events",
    "user_hash",
]
