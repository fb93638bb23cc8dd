"""Language detection accuracy on our own comments in the six languages.

    python bench/eval_language.py [--texts tests/data/languages.tsv] [--min-length 20]
                                  [--japanese comments.csv ...]

Each row of the list (code, case, text) is detected by nlp.language. Prints the share
detected right per language and per case (plain, easy, kanji, mixed, unaccented),
overall, and the confusion table (rows: the language written, columns: detected),
on texts of at least --min-length characters; then every miss with its confidence.

Then, since only comments tagged ja go to the themes, what Japanese comments are
tagged: the "text" column of each --japanese CSV (default: the demo comments and
tests/data/eval/; real sets may be read from outside the repository, never copied in).
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from pathlib import Path

from nlp.language import UNDETERMINED, detect_language

ROOT = Path(__file__).resolve().parent.parent
TEXTS = ROOT / "tests" / "data" / "languages.tsv"
JAPANESE = (
    ROOT / "workshop" / "demo_data" / "comments.csv",
    ROOT / "tests" / "data" / "eval" / "dx_opinions_a.csv",
    ROOT / "tests" / "data" / "eval" / "dx_opinions_b.csv",
)
LANGUAGES = ("ja", "en", "zh", "ko", "vi", "pt")


def read_texts(path: Path) -> list[tuple[str, str, str]]:
    with open(path, encoding="utf-8", newline="") as file:
        rows = csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(row["code"], row["case"], row["text"]) for row in rows]


def print_shares(title: str, total: Counter[str], right: Counter[str]) -> None:
    print(f"\n{title:12}  right / texts")
    for key in total:
        print(f"{key:12} {right[key]:4d} / {total[key]:4d}  {right[key] / total[key]:6.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=Path, default=TEXTS)
    parser.add_argument("--min-length", type=int, default=20)
    parser.add_argument("--japanese", type=Path, nargs="*", default=JAPANESE)
    args = parser.parse_args()
    evaluate(read_texts(args.texts), args.min_length)
    print("\nJapanese comments tagged ja:")
    for path in args.japanese:
        tag_japanese(path, args.min_length)


def evaluate(all_rows: list[tuple[str, str, str]], min_length: int) -> None:
    rows = [row for row in all_rows if len(row[2]) >= min_length]
    by_language: Counter[str] = Counter()
    right_language: Counter[str] = Counter()
    by_case: Counter[str] = Counter()
    right_case: Counter[str] = Counter()
    confusion: Counter[tuple[str, str]] = Counter()
    misses = []
    for code, case, text in rows:
        found = detect_language(text)
        by_language[code] += 1
        by_case[case] += 1
        confusion[code, found.code] += 1
        if found.code == code:
            right_language[code] += 1
            right_case[case] += 1
        else:
            misses.append((code, case, found.code, found.confidence, text))
    print_shares("language", by_language, right_language)
    print_shares("case", by_case, right_case)
    n, ok = sum(by_language.values()), sum(right_language.values())
    print(f"\n{'all':12} {ok:4d} / {n:4d}  {ok / n:6.1%}  (texts of {min_length}+ characters)")
    short = [row for row in all_rows if len(row[2]) < min_length]
    if short:
        ok_short = sum(detect_language(text).code == code for code, _, text in short)
        print(f"{'shorter':12} {ok_short:4d} / {len(short):4d}  {ok_short / len(short):6.1%}")
    columns = (*LANGUAGES, UNDETERMINED)
    print("\nwritten \\ detected " + " ".join(f"{c:>4}" for c in columns))
    for code in by_language:
        print(f"{code:18} " + " ".join(f"{confusion[code, c]:4d}" for c in columns))
    if misses:
        print("\nmisses (written, case, detected, confidence, text):")
        for code, case, got, confidence, text in misses:
            print(f"  {code} {case:10} {got:3} {confidence:.2f}  {text}")


def tag_japanese(path: Path, min_length: int) -> None:
    with open(path, encoding="utf-8", newline="") as file:
        texts = [row["text"] for row in csv.DictReader(file)]
    for title, chosen in (
        (f"{min_length}+ chars", [t for t in texts if len(t) >= min_length]),
        (f"< {min_length} chars", [t for t in texts if len(t) < min_length]),
    ):
        tags = Counter(detect_language(text).code for text in chosen)
        if chosen:
            share = tags["ja"] / len(chosen)
            print(
                f"  {path.name} {title}: ja {tags['ja']} / {len(chosen)} ({share:.1%}) {dict(tags)}"
            )


if __name__ == "__main__":
    main()
