"""Reading accuracy of ふりがな on our own word list.

    python bench/eval_furigana.py [--words tests/data/furigana_words.tsv] [--no-userdic]

Each word of the list (word, reading, kind: municipal terms, place names, DX words) is
read by nlp.furigana: its ruby readings and its kana joined, in hiragana. Prints the
share of words read exactly as the list says, per kind and overall, and every miss.
--no-userdic reads with Janome's own dictionary only (the figure before our entries).
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from pathlib import Path

from nlp.furigana import reading
from nlp.tokenize import DEFAULT_USERDIC

ROOT = Path(__file__).resolve().parent.parent
WORDS = ROOT / "tests" / "data" / "furigana_words.tsv"


def read_words(path: Path) -> list[tuple[str, str, str]]:
    with open(path, encoding="utf-8", newline="") as file:
        rows = csv.DictReader(file, delimiter="\t")
        return [(row["word"], row["reading"], row["kind"]) for row in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=Path, default=WORDS)
    parser.add_argument("--no-userdic", action="store_true")
    args = parser.parse_args()
    userdic = None if args.no_userdic else DEFAULT_USERDIC
    words = read_words(args.words)
    total: Counter[str] = Counter()
    right: Counter[str] = Counter()
    misses: list[tuple[str, str, str, str]] = []
    for word, truth, kind in words:
        got = reading(word, userdic)
        total[kind] += 1
        if got == truth:
            right[kind] += 1
        else:
            misses.append((kind, word, truth, got))
    for kind in total:
        print(f"{kind:10} {right[kind]:4d} / {total[kind]:4d}  {right[kind] / total[kind]:6.1%}")
    n, ok = sum(total.values()), sum(right.values())
    print(f"{'all':10} {ok:4d} / {n:4d}  {ok / n:6.1%}")
    if misses:
        print("\nmisses (kind, word, right reading, read as):")
        for kind, word, truth, got in misses:
            print(f"  {kind:10} {word}\t{truth}\t{got}")


if __name__ == "__main__":
    main()
