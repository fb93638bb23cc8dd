"""The LINE channel, by sub-domain:

- webhook: check a delivery's signature with LINE's SDK and store each event once
"""

from workshop.line.services.webhook import Received, receive

__all__ = ["Received", "receive"]
