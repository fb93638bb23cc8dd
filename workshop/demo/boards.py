"""The demo's live board on its workshop: notes at four tables, some still 確認待ち, one
typed in from paper, and 共感 between them."""

from __future__ import annotations

from sqlalchemy import select

from workshop.auth import services as auth_services
from workshop.demo.workshops import DEMO_WORKSHOP_TITLE
from workshop.extensions import db
from workshop.models import Workshop

DEMO_BOARD_QUESTIONS = (
    "スマホや行政の手続きで、困ったこと・不安なことは？",
    "こんな市役所のデジタル化なら使ってみたい、というアイデアは？",
)
# (table, nickname, text, approved, likes): written for the demo, not real residents' words
DEMO_BOARD_NOTES = (
    (0, "さくら", "マイナンバーカードの暗証番号を忘れてしまい、窓口に行くしかなかった", True, 5),
    (0, "", "電子申請の画面の文字が小さくて、老眼だと読みづらい", True, 4),
    (1, "たろう", "どのサイトが本物の市役所なのか分からず、詐欺が心配になる", True, 3),
    (1, "", "子どもの保育園の書類が紙とネットで二度手間になっている", True, 2),
    (2, "みどり", "スマホ教室に行きたいが、平日の昼間しかやっていない", True, 3),
    (2, "", "ネットで予約したのに、窓口でまた同じことを書かされた", True, 1),
    (3, "", "市のLINEで届くお知らせが多すぎて、大事なものが埋もれる", True, 0),
    (3, "", "家にWi-Fiがないので、動画の説明は通信量が気になる", False, 0),
)
DEMO_PAPER_NOTES = "父の介護の手続きを、離れて住む私がネットでできると助かる"


def load_board() -> str | None:
    """An open board on the demo workshop with notes in it (some still 確認待ち); once only.
    Returns its code when it was added."""
    from workshop.boards.services import lookup as board_lookup
    from workshop.boards.services import moderation, notes, participants
    from workshop.boards.services.setup import BoardInput, create_board, table_names
    from workshop.models.boards import new_participant_token

    workshop = db.session.scalars(
        select(Workshop).where(Workshop.title == DEMO_WORKSHOP_TITLE)
    ).first()
    if workshop is None or board_lookup.boards_of(workshop.id):
        return None
    facilitator = auth_services.find_user("facilitator@example.jp")
    staff_id = facilitator.id if facilitator else None
    board = create_board(
        workshop.id,
        BoardInput(
            title="付箋ボード「スマホと行政のこれから」",
            questions=DEMO_BOARD_QUESTIONS,
            tables=table_names(4),
            is_open=True,
        ),
        staff_id=staff_id,
    )
    tokens = []
    for table, nickname, text, approved, _ in DEMO_BOARD_NOTES:
        token = new_participant_token()
        tokens.append(token)
        if nickname:
            participants.set_nickname(board.id, token, nickname)
        note = notes.post_note(board.id, token, text, board.tables[table].id)
        if approved:
            moderation.approve(board.id, note.id, staff_id=staff_id)
    moderation.enter_paper_notes(
        board.id,
        DEMO_PAPER_NOTES,
        question_id=None,
        table_id=board.tables[0].id,
        staff_id=staff_id,
    )
    for index, (*_, likes) in enumerate(DEMO_BOARD_NOTES):
        note_id = notes.notes_of(participants.find(board, tokens[index]))[0].id
        for liker in tokens[index + 1 : index + 1 + likes]:
            notes.like(board.id, liker, note_id)
    return board.code
