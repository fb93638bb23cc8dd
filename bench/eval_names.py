"""Theme names and summaries on labelled sets, for reading by a person.

    python bench/eval_names.py [--data-dir ../shared/eval-dev] [--summaries] [--seed 0]

Runs nlp.analyze with the true number of themes on every CSV of the eval-dev
folder (id,text,label; env6_pubcom on its grouped rows) and on our own
tests/data/eval, and prints per set the share of discovered themes named by a
phrase, then each theme: size, name (or keyword label), its keywords and the
most common gold label among its comments with that label's share.
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import Counter
from pathlib import Path

from nlp import analyze

ROOT = Path(__file__).resolve().parent.parent
OWN_DATA = ROOT / "tests" / "data" / "eval"
DEV_DATA = ROOT.parent / "shared" / "eval-dev"


def read_set(paths: list[Path], label_column: str) -> tuple[list[str], list[str]]:
    texts: list[str] = []
    labels: list[str] = []
    for path in paths:
        with open(path, encoding="utf-8-sig", newline="") as file:
            for row in csv.DictReader(file):
                if row.get("grouped", "1") != "1":
                    continue
                texts.append(row["text"])
                labels.append(row[label_column])
    return texts, labels


def report(name: str, texts: list[str], labels: list[str], seed: int, summaries: bool) -> float:
    k = len(set(labels))
    start = time.perf_counter()
    result = analyze(texts, k=k, seed=seed)
    seconds = time.perf_counter() - start
    discovered = [t for t in result.themes if not t.is_other and t.seed_name is None]
    share = sum(t.label_is_phrase for t in discovered) / max(len(discovered), 1)
    print(f"\n## {name}: {len(texts)} comments, k={k}, {len(discovered)} themes, "
          f"phrase names {share:.0%}, {seconds:.1f} s")  # fmt: skip
    for theme in result.themes:
        gold = Counter(labels[int(i)] for i in theme.comment_ids)
        top, count = gold.most_common(1)[0]
        mark = "*" if theme.label_is_phrase else " "
        keywords = "・".join(term for term, _ in theme.keywords[:4])
        print(
            f"{theme.size:4d} {mark} {theme.label:24} [{keywords}]  gold: {top} {count / theme.size:.0%}"
        )
        if summaries:
            for sentence in theme.summary:
                print(f"         > {sentence}")
    return share


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=DEV_DATA)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--summaries", action="store_true", help="print the summary sentences")
    args = parser.parse_args()
    sets = {path.stem: ([path], "label") for path in sorted(args.data_dir.glob("*.csv"))}
    sets["own eval"] = (sorted(OWN_DATA.glob("*.csv")), "theme")
    shares = {}
    for name, (paths, label_column) in sets.items():
        texts, labels = read_set(paths, label_column)
        shares[name] = report(name, texts, labels, args.seed, args.summaries)
    print("\nphrase-name share: " + ", ".join(f"{n} {s:.0%}" for n, s in shares.items()))


if __name__ == "__main__":
    main()
