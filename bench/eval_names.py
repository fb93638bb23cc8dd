"""Theme names and summaries on labelled sets, for reading by a person.

    python bench/eval_names.py [--data-dir ../shared/eval-dev] [--summaries] [--seed 0]

Runs nlp.analyze with the true number of themes on every CSV of the eval-dev
folder (id,text,label; env6_pubcom on its grouped rows) and on our own
tests/data/eval, and prints per set the share of discovered themes named by a
phrase, then each large theme with its themes: size, name (* a phrase, else the
keyword label), how many of its comments write the name as such / in any
form (particles, spaces and spellings folded over the whole text, a rough
count), keywords and the most common gold label among its comments with that
label's share; --summaries adds the summary sentences.
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import Counter
from pathlib import Path

from nlp import Theme, analyze
from nlp.normalize import normalize
from nlp.phrases import phrase_key

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


def report(
    name: str, texts: list[str], labels: list[str], *, seed: int, auto_k: bool, summaries: bool
) -> float:
    k = len(set(labels))
    start = time.perf_counter()
    result = analyze(texts, k=None if auto_k else k, seed=seed)
    seconds = time.perf_counter() - start
    discovered = [t for t in result.themes if not t.is_other and t.seed_name is None]
    share = sum(t.label_is_phrase for t in discovered) / max(len(discovered), 1)
    print(f"\n## {name}: {len(texts)} comments, true k={k}, {len(discovered)} themes, "
          f"{len(result.parents)} large, phrase names {share:.0%}, {seconds:.1f} s")  # fmt: skip
    for parent in result.parents:
        print_theme(parent, texts, labels, summaries, indent="")
        for theme in result.children(parent.id):
            print_theme(theme, texts, labels, summaries, indent="    ")
    for theme in result.themes:
        if theme.parent_id is None:
            print_theme(theme, texts, labels, summaries, indent="")
    return share


def print_theme(
    theme: Theme, texts: list[str], labels: list[str], summaries: bool, indent: str
) -> None:
    gold = Counter(labels[int(i)] for i in theme.comment_ids)
    top, count = gold.most_common(1)[0]
    mark = "*" if theme.label_is_phrase else " "
    keywords = "・".join(term for term, _ in theme.keywords[:4])
    # how many of the theme's comments write its name as such, and in any form
    # (particles, spaces and spellings folded, as nlp.phrases counts it)
    written = sum(theme.label in normalize(texts[int(i)]) for i in theme.comment_ids)
    key = phrase_key(theme.label)
    folded = sum(key in phrase_key(normalize(texts[int(i)])) for i in theme.comment_ids)
    print(f"{indent}{theme.size:4d} {mark} {theme.label:24} in {written:3d}/{folded:3d}  "
          f"[{keywords}]  gold: {top} {count / theme.size:.0%}")  # fmt: skip
    if summaries:
        for sentence in theme.summary:
            print(f"{indent}         > {sentence}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=DEV_DATA)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--summaries", action="store_true", help="print the summary sentences")
    parser.add_argument("--auto", action="store_true", help="k chosen by nlp, not the true k")
    args = parser.parse_args()
    sets = {path.stem: ([path], "label") for path in sorted(args.data_dir.glob("*.csv"))}
    sets["own eval"] = (sorted(OWN_DATA.glob("*.csv")), "theme")
    shares = {}
    for name, (paths, label_column) in sets.items():
        texts, labels = read_set(paths, label_column)
        shares[name] = report(
            name, texts, labels, seed=args.seed, auto_k=args.auto, summaries=args.summaries
        )
    print("\nphrase-name share: " + ", ".join(f"{n} {s:.0%}" for n, s in shares.items()))


if __name__ == "__main__":
    main()
