"""The words a resident sends (the quick replies and the rich menu's buttons; typing them
works as well) and the conversation's fixed texts."""

from __future__ import annotations

AGREE, DISAGREE = "同意する", "同意しない"
CANCEL, SETTINGS, COMMENT, SEND, YES, FIX, SKIP = (
    "やめる", "設定", "意見を送る", "送信", "この内容で送る", "書き直す", "答えない",
)  # fmt: skip
WORKSHOPS, APPLY = "ワークショップ", "申し込む"
HELP = "使い方"  # with 意見を送る, ワークショップ and 設定: the rich menu's four buttons

CONSENT_TEXT = (
    "みどり市の「まちの声」です。LINEで市へのご意見を送ったり、ワークショップに申し込んだりできます。\n"
    "送っていただいた内容と、年代・地区は、市のサーバーにだけ保存します（LINEの会社には残りません）。"
    "保存の期間は、市の文書の決まりに従います。ご意見にはお名前は要りません"
    "（ワークショップに申し込むときだけ、受付で使うお名前を伺います）。\n"
    "よろしければ「同意する」を押してください。"
)
NOT_TEXT = "ごめんなさい、文字のメッセージだけを受け付けています。スタンプや写真、位置情報は読み取れません。"
HELP_TEXT = (
    "「まちの声」の使い方です。画面の下のメニューを押すか、同じ言葉を送ってください。\n"
    f"・{COMMENT}：市の計画にご意見を送れます。計画を番号で選んで書き、"
    f"書き終えたら「{SEND}」を押します。\n"
    f"・{WORKSHOPS}：参加できるワークショップを選んで申し込めます。\n"
    f"・{SETTINGS}：年代と地区を変えられます。\n"
    f"・{CANCEL}：とちゅうでやめます。書きかけの内容は保存しません。"
)
