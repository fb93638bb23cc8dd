"""Live grouping of a board's notes (nlp.live): assign as they arrive, regroup on a click."""

from __future__ import annotations

import random

from nlp import Analyzer, LiveGroup, LiveNote, assign, regroup
from nlp.live import MAX_NOTE_CHARS, OTHER_NAME, max_groups_for

BUS = [
    "バスの本数をもっと増やしてほしい",
    "コミュニティバスの本数が少なくて通院に困る",
    "夜のバスの本数が少ない",
    "バスの本数が減って買い物に行きにくい",
]
PARK = [
    "公園に子どもの遊具を増やしてほしい",
    "近所の公園の遊具が古くて危ない",
    "公園の遊具をもっと新しくしてほしい",
]
LIBRARY = [
    "図書館の開館時間を夜まで延ばしてほしい",
    "図書館で電子書籍を借りられるようにしてほしい",
    "図書館の自習スペースが足りない",
]

analyzer = Analyzer()


def notes_of(texts: list[str], start: int = 1) -> tuple[LiveNote, ...]:
    return tuple(
        LiveNote(id=start + i, text=text, tokens=analyzer.analyze(text))
        for i, text in enumerate(texts)
    )


def board() -> list[LiveGroup]:
    return [
        LiveGroup(id=10, name="バスの本数", notes=notes_of(BUS[:3], 1)),
        LiveGroup(id=20, name="公園の遊具", notes=notes_of(PARK[:2], 11)),
    ]


def test_a_note_like_a_group_joins_it():
    found = assign(notes_of([BUS[3]], 100)[0], board())
    assert found.group_id == 10
    assert found.similarity > 0


def test_a_note_like_another_group_joins_that_one():
    found = assign(notes_of([PARK[2]], 100)[0], board())
    assert found.group_id == 20


def test_an_unrelated_note_starts_a_new_group_named_by_its_text():
    found = assign(notes_of(["ゴミの分別ルールが分かりにくい"], 100)[0], board())
    assert found.group_id is None
    assert found.name == "ゴミの分別ルールが分かりにくい"


def test_the_first_note_of_a_board_starts_a_group():
    found = assign(notes_of([LIBRARY[0]], 100)[0], [])
    assert found.group_id is None
    assert found.name


def test_a_long_note_alone_is_named_by_its_words_not_its_whole_text():
    text = "駅前の駐輪場がいつも満車で、朝の通勤時間に自転車を停められずに遅刻しそうになります。"
    found = assign(notes_of([text], 100)[0], board())
    assert found.group_id is None
    assert 0 < len(found.name) < len(text)
    assert "駐輪場" in found.name


def test_a_growing_automatic_group_may_be_renamed_but_a_facilitators_name_stays():
    groups = [LiveGroup(id=10, name="バス", notes=notes_of(BUS[:3], 1))]
    assert assign(notes_of([BUS[3]], 100)[0], groups).name
    named = [
        LiveGroup(id=10, name="交通", notes=notes_of(BUS[:3], 1), name_set_by_facilitator=True)
    ]
    found = assign(notes_of([BUS[3]], 100)[0], named)
    assert (found.group_id, found.name, found.rename) == (10, "交通", False)


def test_assignment_does_not_depend_on_the_order_of_groups_or_notes():
    groups = board()
    shuffled = [LiveGroup(g.id, g.name, tuple(reversed(g.notes))) for g in reversed(groups)]
    note = notes_of([BUS[3]], 100)[0]
    assert assign(note, groups) == assign(note, shuffled)


def test_notes_without_tokens_are_tokenized_here():
    groups = [LiveGroup(id=10, name="バス", notes=(LiveNote(1, BUS[0]), LiveNote(2, BUS[1])))]
    assert assign(LiveNote(3, BUS[2]), groups).group_id == 10


def test_odd_notes_are_handled():
    groups = board()
    for text in ["😀😀😀", "   ", "", "！！？？", "🚌"]:
        found = assign(LiveNote(100, text), groups)
        assert found.group_id is None
        assert found.name == OTHER_NAME
    with_other = [*groups, LiveGroup(id=30, name=OTHER_NAME, notes=(LiveNote(99, "👍"),))]
    assert assign(LiveNote(100, "   "), with_other).group_id == 30
    longest = "公園" * (MAX_NOTE_CHARS // 2)
    assert len(longest) == MAX_NOTE_CHARS
    assert assign(LiveNote(101, longest), groups).group_id == 20


def test_regroup_puts_alike_notes_together_and_odd_ones_in_other():
    notes = [*notes_of(BUS, 1), *notes_of(PARK, 11), *notes_of(LIBRARY, 21), LiveNote(31, "😀")]
    result = regroup(notes)
    group_of = result.group_of()
    assert len({group_of[n.id] for n in notes_of(BUS, 1)}) == 1
    assert len({group_of[n.id] for n in notes_of(PARK, 11)}) == 1
    assert group_of[1] != group_of[11]
    assert result.groups[group_of[31]].name == OTHER_NAME
    assert all(group.id is None for group in result.groups)
    assert sorted(n.id for g in result.groups for n in g.notes) == sorted(n.id for n in notes)


def test_regroup_keeps_a_facilitators_name_on_the_group_holding_most_of_its_notes():
    bus, park = notes_of(BUS, 1), notes_of(PARK, 11)
    groups = [
        # the facilitator named a mixed group: most of its notes are about buses
        LiveGroup(id=10, name="移動の足", notes=(*bus[:3], park[0]), name_set_by_facilitator=True),
        LiveGroup(id=20, name="公園", notes=(bus[3], *park[1:])),
    ]
    result = regroup([*bus, *park], groups)
    named = next(g for g in result.groups if g.id == 10)
    assert named.name == "移動の足"
    assert named.name_set_by_facilitator
    assert {n.id for n in bus} <= {n.id for n in named.notes}
    other = next(g for g in result.groups if g.id == 20)
    assert {n.id for n in park} <= {n.id for n in other.notes}
    assert result.removed_group_ids == ()


def test_regroup_keeps_an_emptied_named_group_and_removes_an_emptied_automatic_one():
    bus = notes_of(BUS, 1)
    groups = [
        LiveGroup(id=10, name="バス", notes=bus[:2]),
        LiveGroup(id=20, name="バス2", notes=bus[2:]),
        LiveGroup(id=30, name="あとで使う", name_set_by_facilitator=True),
    ]
    result = regroup(list(bus), groups)
    assert [g.id for g in result.groups if g.notes] == [10]
    assert any(g.id == 30 and g.name == "あとで使う" and not g.notes for g in result.groups)
    assert result.removed_group_ids == (20,)


def test_regroup_gives_the_same_groups_in_any_order():
    notes = [*notes_of(BUS, 1), *notes_of(PARK, 11), *notes_of(LIBRARY, 21)]
    expected = regroup(notes)
    for seed in range(3):
        shuffled = list(notes)
        random.Random(seed).shuffle(shuffled)
        result = regroup(shuffled)
        assert [(g.name, {n.id for n in g.notes}) for g in result.groups] == [
            (g.name, {n.id for n in g.notes}) for g in expected.groups
        ]


def test_regroup_of_nothing_is_empty():
    result = regroup([])
    assert result.groups == ()
    assert result.removed_group_ids == ()


def test_a_full_board_puts_an_unrelated_note_into_a_group_or_other():
    groups = [
        LiveGroup(id=i, name=f"g{i}", notes=notes_of([text], 100 + i))
        for i, text in enumerate([*BUS[:1], *PARK[:1], *LIBRARY, "ゴミの分別", "防災訓練"])
    ]
    assert len(groups) >= max_groups_for(len(groups) + 1)
    found = assign(notes_of(["商店街のお祭りを続けてほしい"], 200)[0], groups)
    assert found.group_id is not None or found.name == OTHER_NAME


def post_all(texts: list[str]) -> list[LiveGroup]:
    """Notes arriving one by one, each placed by assign, as the app does."""
    groups: list[LiveGroup] = []
    for note in notes_of(texts, 1):
        found = assign(note, groups)
        if found.group_id is None:
            groups.append(LiveGroup(id=len(groups) + 1, name=found.name, notes=(note,)))
            continue
        groups = [
            LiveGroup(g.id, found.name if found.rename else g.name, (*g.notes, note))
            if g.id == found.group_id
            else g
            for g in groups
        ]
    return groups


def test_on_a_new_board_alike_notes_gather_under_a_readable_name():
    groups = post_all(
        [
            "ゴミ出しのルールを外国語でも知らせてほしい",
            "ゴミ出しのルールがアプリで分かると助かる",
            "避難所の場所を地図で確かめたい",
            "ゴミ出しのルールが地区ごとに違って分かりにくい",
        ]
    )
    sizes = sorted(len(g.notes) for g in groups)
    assert sizes == [1, 3]
    garbage = next(g for g in groups if len(g.notes) == 3)
    assert garbage.name != OTHER_NAME
    assert "ゴミ" in garbage.name
