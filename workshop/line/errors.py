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


class ChannelOff(DomainError):
    """LINE_CHANNEL_SECRET or LINE_CHANNEL_ACCESS_TOKEN is not set."""

    message = (
        "LINE のチャネルが設定されていません。LINE_CHANNEL_SECRET と "
        "LINE_CHANNEL_ACCESS_TOKEN を設定してから、もう一度実行してください"
        "（LINE に送らずに試すときは --dry-run フォルダ）。"
    )
    status = 409
    code = "line_off"


class LineApiFailed(DomainError):
    """LINE's API (or the city's relay) refused a call or could not be reached."""

    status = 502
    code = "line_api_failed"
