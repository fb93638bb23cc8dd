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

--why adds, for each discovered theme without a phrase name, its most
distinctive phrase candidates with why none names it (held by one comment only,
only inside a longer word, or refused by nlp.phrases.phrase_kind: one content
word, a verb or a clause, a number or a name), and the stretches of text of 3 to
12 characters that two of its comments share and that would pass phrase_kind:
when there are none, no way of finding candidates can name that theme.
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import Counter
from pathlib import Path

from nlp import Analyzer, Theme, analyze
from nlp.normalize import normalize
from nlp.phrases import HEAD_MARK, MIN_COMMENTS, PhraseNamer, phrase_key, phrase_kind, unwrapped

ROOT = Path(__file__).resolve().parent.parent
OWN_DATA = ROOT / "tests" / "data" / "eval"
DEV_DATA = ROOT.parent / "shared" / "eval-dev"
WHY_CANDIDATES = 6  # phrase candidates printed per unnamed theme
SHARED_CHARS = range(3, 13)  # lengths of the shared stretches of text tried as names


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
    name: str,
    texts: list[str],
    labels: list[str],
    *,
    seed: int,
    auto_k: bool,
    summaries: bool,
    why: bool = False,
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
    if why:
        print_why_unnamed([t for t in discovered if not t.label_is_phrase], texts)
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


def print_why_unnamed(themes: list[Theme], texts: list[str]) -> None:
    """Each unnamed theme's best phrase candidates, why none names it, and the shared
    stretches of its comments' text that would (the comments as nlp.analyze reads them)."""
    analyzer = Analyzer()
    normalized = [analyzer.normalize(text) for text in texts]
    tokens = [analyzer.analyze_normalized(text) for text in normalized]
    namer = PhraseNamer(analyzer.stopwords).fit(tokens, normalized)
    print(f"\n  without a phrase name: {len(themes)}")
    for theme in themes:
        rows = [int(i) for i in theme.comment_ids]
        ranked = namer.scorer_.keywords(rows, WHY_CANDIDATES, min_count=1)
        reasons = [f"{key} ({refusal(namer, key, rows)})" for key, _ in ranked]
        shared = nameable_shared_text([normalized[r] for r in rows], analyzer.stopwords)
        print(f"  {theme.size:4d}   {theme.label:24} best: {'; '.join(reasons) or '-'}")
        print(f"{'':31} shared text that would name: {'、'.join(shared[:5]) or 'none'}")


def refusal(namer: PhraseNamer, key: str, rows: list[int]) -> str:
    """Why the phrase counted as ``key`` does not name these rows."""
    members = set(rows)
    holders = [int(r) for r in namer.holders_[:, namer.column_[key]].indices if int(r) in members]
    forms = {form for r in holders for form in namer.forms_[r][key]}
    written = sorted(unwrapped(f) for f in forms if not f.startswith(HEAD_MARK))
    if not written:
        return f"in {len(holders)}, only inside a longer word"
    if all(phrase_kind(form, namer.stopwords) is None for form in written):
        return f"in {len(holders)}, not a name: {written[0]}"
    if len(holders) < MIN_COMMENTS:
        return f"in {len(holders)} comment only"
    return f"in {len(holders)}, taken by another theme or outranked"


def nameable_shared_text(normalized: list[str], stopwords: frozenset[str]) -> list[str]:
    """Stretches of text held by at least two of the comments that pass phrase_kind,
    longest first (spaces taken out: a line wrap on a sticky note is no word break)."""
    counts: Counter[str] = Counter()
    for text in normalized:
        text = text.replace(" ", "")
        counts.update({text[i : i + n] for n in SHARED_CHARS for i in range(len(text) - n + 1)})
    shared = [piece for piece, count in counts.items() if count >= MIN_COMMENTS]
    return sorted((p for p in shared if phrase_kind(p, stopwords) is not None), key=len)[::-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=DEV_DATA)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--summaries", action="store_true", help="print the summary sentences")
    parser.add_argument("--auto", action="store_true", help="k chosen by nlp, not the true k")
    parser.add_argument(
        "--why", action="store_true", help="why the themes without a phrase name have none"
    )
    args = parser.parse_args()
    sets = {path.stem: ([path], "label") for path in sorted(args.data_dir.glob("*.csv"))}
    sets["own eval"] = (sorted(OWN_DATA.glob("*.csv")), "theme")
    shares = {}
    for name, (paths, label_column) in sets.items():
        texts, labels = read_set(paths, label_column)
        shares[name] = report(
            name, texts, labels, seed=args.seed, auto_k=args.auto, summaries=args.summaries,
            why=args.why,
        )  # fmt: skip
    print("\nphrase-name share: " + ", ".join(f"{n} {s:.0%}" for n, s in shares.items()))


if __name__ == "__main__":
    main()
