"""What can go wrong with what LINE sends."""

from __future__ import annotations

from workshop.errors import DomainError


class BadSignature(DomainError):
    """The body is not signed with the channel secret (or not at all): not from LINE."""

    message = "署名が正しくありません。"
    status = 400
    code = "bad_signature"


class BadDelivery(DomainError):
    """Signed with the channel secret, yet not a webhook body LINE's SDK can read."""

    message = "内容を読み取れません。"
    status = 400
    code = "bad_delivery"
