"""Live grouping (nlp.live) on real sticky notes and on our own notes: quality and speed.

    python bench/eval_live.py [--orders 3] [--thresholds 0.035,0.05,0.07,0.1]
                              [--regroup-every 50] [--sets tokyo2050_miro,own]
                              [--board-sizes 120,all]
                              [--eval-dev ../shared/eval-dev]

For each set (tokyo2050_miro: real workshop notes read at run time from eval-dev, never
copied into the repository; own: our tests/data/eval opinions cut to 140 characters),
notes arrive one by one in a random order (all of them, or the first N of that order for
a board of ``--board-sizes`` N: a live workshop of 40 people posts about 120): ``assign`` puts each into a group (or starts
one), and every ``--regroup-every`` notes ``regroup`` groups all of them again, keeping
the group ids as the app does. Printed per threshold, averaged over ``--orders`` orders:

- AMI of the live groups against the set's own groups, at the end (before the last
  regroup) and after a final regroup; the number of groups, of one-note groups and
  the share of notes in その他 after it;
- the batch ``nlp.analyze`` (k chosen) on the same notes, as a yardstick;
- speed: the median and worst time of one ``assign`` once the board holds 300 notes,
  and of one ``regroup`` of all notes.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sklearn.metrics import adjusted_mutual_info_score

from nlp import Analyzer, LiveGroup, LiveNote, analyze, assign, regroup
from nlp.live import MAX_NOTE_CHARS, OTHER_NAME, SIMILARITY_THRESHOLD

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EVAL_DEV = Path(__file__).resolve().parents[2] / "shared" / "eval-dev"
OWN_DATA = ROOT / "tests" / "data" / "eval"
BOARD_FOR_TIMING = 300


@dataclass(frozen=True)
class NoteSet:
    name: str
    notes: list[LiveNote]
    gold: dict[int, str]


def read_set(name: str, eval_dev: Path, analyzer: Analyzer) -> NoteSet | None:
    rows: list[tuple[str, str]] = []
    if name == "own":
        for path in sorted(OWN_DATA.glob("*.csv")):
            with open(path, encoding="utf-8-sig", newline="") as file:
                rows += [(r["text"][:MAX_NOTE_CHARS], r["theme"]) for r in csv.DictReader(file)]
    else:
        path = eval_dev / f"{name}.csv"
        if not path.is_file():
            return None
        with open(path, encoding="utf-8", newline="") as file:
            rows = [(r["text"][:MAX_NOTE_CHARS], r["label"]) for r in csv.DictReader(file)]
    notes = [LiveNote(i, text, analyzer.analyze(text)) for i, (text, _) in enumerate(rows)]
    return NoteSet(name, notes, {i: label for i, (_, label) in enumerate(rows)})


@dataclass
class Run:
    ami_live: float
    ami_regrouped: float
    n_groups: int
    n_single: int
    other_share: float
    assign_ms: list[float]
    regroup_ms: list[float]


def simulate(notes: Sequence[LiveNote], gold: dict[int, str], threshold: float, every: int) -> Run:
    groups: list[LiveGroup] = []
    next_id = 1
    assign_ms: list[float] = []
    regroup_ms: list[float] = []
    for count, note in enumerate(notes, start=1):
        started = time.perf_counter()
        found = assign(note, groups, threshold=threshold)
        if count > BOARD_FOR_TIMING:
            assign_ms.append((time.perf_counter() - started) * 1000)
        if found.group_id is None:
            groups.append(LiveGroup(next_id, found.name, (note,)))
            next_id += 1
        else:
            groups = [
                replace(g, notes=(*g.notes, note), name=found.name if found.rename else g.name)
                if g.id == found.group_id
                else g
                for g in groups
            ]
        if count % every == 0:
            started = time.perf_counter()
            result = regroup([n for g in groups for n in g.notes], groups, threshold=threshold)
            regroup_ms.append((time.perf_counter() - started) * 1000)
            groups = []
            for group in result.groups:
                if group.id is None:
                    group = replace(group, id=next_id)
                    next_id += 1
                groups.append(group)
    live = _ami(groups, gold)
    final = regroup([n for g in groups for n in g.notes], groups, threshold=threshold).groups
    return Run(
        ami_live=live,
        ami_regrouped=_ami(final, gold),
        n_groups=sum(1 for g in final if g.notes),
        n_single=sum(1 for g in final if len(g.notes) == 1),
        other_share=sum(len(g.notes) for g in final if g.name == OTHER_NAME) / len(notes),
        assign_ms=assign_ms,
        regroup_ms=regroup_ms,
    )


def _ami(groups: Sequence[LiveGroup], gold: dict[int, str]) -> float:
    pairs = [(str(gold[int(n.id)]), index) for index, g in enumerate(groups) for n in g.notes]
    return float(adjusted_mutual_info_score([p[0] for p in pairs], [p[1] for p in pairs]))


def batch(notes: Sequence[LiveNote], gold: dict[int, str]) -> tuple[float, int]:
    result = analyze([n.text for n in notes], [int(n.id) for n in notes], n_jobs=1)
    predicted = [result.assignments[int(n.id)] for n in notes]
    truth = [gold[int(n.id)] for n in notes]
    return float(adjusted_mutual_info_score(truth, predicted)), len(result.themes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=3)
    parser.add_argument("--thresholds", default=f"0.035,{SIMILARITY_THRESHOLD},0.07,0.1")
    parser.add_argument("--regroup-every", type=int, default=50)
    parser.add_argument("--sets", default="tokyo2050_miro,own")
    parser.add_argument("--board-sizes", default="120,all")
    parser.add_argument("--eval-dev", type=Path, default=DEFAULT_EVAL_DEV)
    args = parser.parse_args()
    analyzer = Analyzer()
    thresholds = [float(t) for t in args.thresholds.split(",")]
    for name in args.sets.split(","):
        note_set = read_set(name, args.eval_dev, analyzer)
        if note_set is None:
            print(f"{name}: not found in {args.eval_dev}, skipped")
            continue
        labels = len(set(note_set.gold.values()))
        print(f"\n{name}: {len(note_set.notes)} notes, {labels} groups made by people")
        ami, n_themes = batch(note_set.notes, note_set.gold)
        print(f"  batch nlp.analyze (k auto), all notes: AMI {ami:.3f}, {n_themes} themes")
        for size in args.board_sizes.split(","):
            n_notes = len(note_set.notes) if size == "all" else int(size)
            evaluate(note_set, n_notes, thresholds, args.orders, args.regroup_every)


def evaluate(
    note_set: NoteSet, n_notes: int, thresholds: Sequence[float], orders: int, every: int
) -> None:
    boards = []
    for order in range(orders):
        notes = list(note_set.notes)
        random.Random(order).shuffle(notes)
        boards.append(notes[:n_notes])
    batch_runs = [batch(notes, note_set.gold) for notes in boards]
    print(
        f"  board of {n_notes} notes, {orders} orders: batch nlp.analyze AMI"
        f" {statistics.mean(a for a, _ in batch_runs):.3f},"
        f" {statistics.mean(n for _, n in batch_runs):.1f} themes"
    )
    print("  threshold  AMI live  AMI regrouped  groups  one-note  その他  assign@300 ms p50/max")
    for threshold in thresholds:
        runs = [simulate(notes, note_set.gold, threshold, every) for notes in boards]
        timings = [ms for run in runs for ms in run.assign_ms]
        regroups = [ms for run in runs for ms in run.regroup_ms]
        print(
            f"  {threshold:9.3f}  {statistics.mean(r.ami_live for r in runs):8.3f}"
            f"  {statistics.mean(r.ami_regrouped for r in runs):13.3f}"
            f"  {statistics.mean(r.n_groups for r in runs):6.1f}"
            f"  {statistics.mean(r.n_single for r in runs):8.1f}"
            f"  {statistics.mean(r.other_share for r in runs):5.0%}"
            f"  {_median(timings):8.1f} / {max(timings, default=0.0):.1f}"
            f"   (regroup ms max {max(regroups, default=0.0):.0f})"
        )


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


if __name__ == "__main__":
    main()
