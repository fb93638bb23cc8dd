"""A planner's corrections are typed in the code and stored as before: rows written before the
types came in replay unchanged, and new rows hold the same JSON."""

from __future__ import annotations

from workshop.models import CityTheme, Correction, CorrectionKind, Merge, Move, Rename


def test_each_change_is_stored_with_its_kind_and_the_same_json_as_before():
    stored = [
        Correction.of(change, consultation_id=1, question_id=None, staff_id=None)
        for change in (
            Rename(comment_ids=[1, 2], label="窓口の待ち時間"),
            Merge(source_ids=[3], target_ids=[4, 5]),
            Move(comment_id=6, body_hash="ab12", target_ids=[7], target_label="子育て支援"),
            CityTheme(comment_ids=[8], value=True),
        )
    ]
    assert [(row.kind, row.payload) for row in stored] == [
        ("rename", {"comment_ids": [1, 2], "label": "窓口の待ち時間"}),
        ("merge", {"source_ids": [3], "target_ids": [4, 5]}),
        (
            "move",
            {"comment_id": 6, "body_hash": "ab12", "target_ids": [7], "target_label": "子育て支援"},
        ),
        ("city_theme", {"comment_ids": [8], "value": True}),
    ]
    assert {row.question_id for row in stored} == {None}  # of the comments' own text
    of_question = Correction.of(stored[0].change(), consultation_id=1, question_id=7, staff_id=None)
    assert of_question.question_id == 7 and of_question.payload == stored[0].payload


def test_a_row_written_before_the_types_reads_as_its_change():
    old = Correction(kind="rename", payload={"comment_ids": [1, 2], "label": "公共交通の確保"})
    assert old.change() == Rename(comment_ids=[1, 2], label="公共交通の確保")
    moved = Correction(
        kind=CorrectionKind.MOVE,
        payload={"comment_id": 3, "body_hash": "ff", "target_ids": [4], "target_label": "防災"},
    )
    assert moved.change() == Move(comment_id=3, body_hash="ff", target_ids=[4], target_label="防災")
