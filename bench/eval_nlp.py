"""Theme quality and stability on real comment sets with groupings made by people.

    python bench/eval_nlp.py [--seeds 3] [--draws 5] [--sets env6_pubcom,own] [--quick]
                             [--eval-dev ../shared/eval-dev]

For every set in the eval-dev folder (real opinions, read at run time and never
copied into the repository) and our own tests/data/eval, prints:

- AMI against the set's own grouping: a plain baseline (Janome surface tokens,
  default TfidfVectorizer, k-means with the true k), nlp.analyze with the true
  k and with k chosen (``--k auto``), each averaged over ``--seeds`` seeds, and
  the ratio to the baseline (averaged over at least 10 seeds, being cheap and
  noisy); then the mean ratio over the real sets;
- stability (k chosen, as the app runs it), as ARI on the comments both runs share:
  order: the same comments shuffled vs the original order (must be 1.0);
  fresh -1 %: a fresh analysis of 99 % of the comments vs the full run, averaged
  over ``--draws`` random draws of the 1 %;
  extend +1 %: the app's re-analysis, ``extend()`` of an analysis of 99 % with
  the remaining 1 % (in the features that analysis fitted), earlier comments vs before;
- the share of discovered themes named by a phrase (``Theme.label_is_phrase``),
  averaged over the k-auto runs (the k the app uses);
- the largest themes' names beside the majority label of the set in each, and
  the set's largest groups beside the themes that hold most of each;
- the issue's targets, each marked ok or MISS: order 1.0, extend +1 % >= 0.9,
  phrase share >= 80 % on every real set, fresh -1 % >= 0.6 and k-auto AMI
  >= 1.3 x baseline on average over the real sets.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import time
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from janome.tokenizer import Tokenizer
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score

from nlp import ThemeResult, analyze, extend, tokenize_many
from nlp.themes import CommentId

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EVAL_DEV = Path(__file__).resolve().parents[2] / "shared" / "eval-dev"
OWN_DATA = ROOT / "tests" / "data" / "eval"
REAL_SETS = ("env6_pubcom", "fukui_kanko", "tokyo2050_miro")
ALL_SETS = (*REAL_SETS, "own")
BASELINE_SEEDS = 10
# Targets of issue 11
MIN_ORDER_ARI = 1.0
MIN_EXTEND_ARI = 0.9
MIN_FRESH_ARI = 0.6
MIN_PHRASE_SHARE = 0.8
MIN_AMI_RATIO = 1.3
# The prompts behind tokyo2050_miro's labels (from the eval-dev README), for reading the names
PROMPTS = {
    "Q1": "Q1 東京の良いところ",
    "Q2": "Q2 東京の伸びしろ",
    "Q3": "Q3 高い確率でこうなる2050年",
    "Q4": "Q4 起きるかもしれない2050年",
    "Q5": "Q5 2050年こうなってほしい",
}


@dataclass(frozen=True)
class EvalSet:
    name: str
    texts: list[str]
    labels: list[str]
    ids: list[str]


def read_eval_dev(folder: Path, name: str) -> EvalSet | None:
    path = folder / f"{name}.csv"
    if not path.is_file():
        return None
    texts, labels, ids = [], [], []
    with open(path, encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            # env6: only comments the ministry answered together form groups (see its README)
            if row.get("grouped", "1") != "1":
                continue
            texts.append(row["text"])
            labels.append(row["label"])
            ids.append(row["id"])
    return EvalSet(name, texts, labels, ids)


def read_own(folder: Path) -> EvalSet:
    texts, labels = [], []
    for path in sorted(folder.glob("*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as file:
            for row in csv.DictReader(file):
                texts.append(row["text"])
                labels.append(row["theme"])
    return EvalSet("own", texts, labels, [str(i) for i in range(len(texts))])


def plain_baseline(texts: Sequence[str], gold: Sequence[str], seeds: int) -> float:
    """Janome surface tokens, default TF-IDF, k-means on the sparse matrix (true k).

    Averaged over at least ``BASELINE_SEEDS`` seeds: on the weak-key sets it is
    near 0.03-0.09 and one seed more or less moved it by half, and every
    ratio with it.
    """
    seeds = max(seeds, BASELINE_SEEDS)
    tokenizer = Tokenizer(wakati=True)
    docs = [list(tokenizer.tokenize(text)) for text in texts]
    matrix = TfidfVectorizer(analyzer=lambda tokens: tokens).fit_transform(docs)
    k = len(set(gold))
    return statistics.mean(
        adjusted_mutual_info_score(
            gold, KMeans(n_clusters=k, n_init=10, random_state=s).fit_predict(matrix)
        )
        for s in range(seeds)
    )


def shared_ari(first: ThemeResult, second: ThemeResult, ids: Sequence[str]) -> float:
    return float(
        adjusted_rand_score(
            [first.assignments[i] for i in ids], [second.assignments[i] for i in ids]
        )
    )


@dataclass
class Row:
    name: str
    n: int
    true_k: int
    baseline: float
    true_k_ami: float
    auto_ami: float
    auto_k: str
    order: float
    fresh: list[float]
    extended: list[float]
    phrase_share: float
    names: list[tuple[str, int, str, float]]
    groups: list[tuple[str, int, str, float]]
    seconds: float


def evaluate(data: EvalSet, seeds: int, draws: int) -> Row:
    started = time.perf_counter()
    texts, ids, gold = data.texts, data.ids, data.labels
    true_k = len(set(gold))
    cache: dict[str, tuple[str, ...]] = {}
    tokenize_many(texts, cache=cache)

    def run(
        sub_texts: Sequence[str], sub_ids: Sequence[str], k: int | None, seed: int = 0
    ) -> ThemeResult:
        return analyze(sub_texts, sub_ids, k=k, seed=seed, token_cache=cache)

    baseline = plain_baseline(texts, gold, seeds)
    true_runs = [run(texts, ids, true_k, s) for s in range(seeds)]
    auto_runs = [run(texts, ids, None, s) for s in range(seeds)]
    true_k_ami = statistics.mean(adjusted_mutual_info_score(gold, r.theme_ids) for r in true_runs)
    auto_ami = statistics.mean(adjusted_mutual_info_score(gold, r.theme_ids) for r in auto_runs)
    ks = sorted({r.n_themes for r in auto_runs})
    full = auto_runs[0]

    rng = random.Random(0)
    order = list(range(len(texts)))
    rng.shuffle(order)
    shuffled = run([texts[i] for i in order], [ids[i] for i in order], None)
    order_ari = shared_ari(full, shuffled, ids)

    fresh, extended = [], []
    n_out = max(1, round(len(texts) / 100))
    for draw in range(draws):
        out = set(random.Random(draw + 1).sample(range(len(texts)), n_out))
        kept = [i for i in range(len(texts)) if i not in out]
        kept_ids = [ids[i] for i in kept]
        part = run([texts[i] for i in kept], kept_ids, None)
        fresh.append(shared_ari(full, part, kept_ids))
        parents = {t.id: t.parent_id for t in part.themes if t.parent_id is not None}
        grown = extend(
            texts, ids, part.assignments, parents=parents, token_cache=cache,
            features=part.features,
        )  # fmt: skip
        extended.append(shared_ari(part, grown, kept_ids))

    phrase_share = statistics.mean(_phrase_share(r) for r in auto_runs)
    discovered = [t for t in full.themes if not t.is_other and t.seed_name is None]
    label_of: dict[CommentId, str] = dict(zip(ids, gold, strict=True))
    names = []
    for theme in sorted(discovered, key=lambda t: -t.size)[:5]:
        counts = Counter(label_of[i] for i in theme.comment_ids)
        majority, count = counts.most_common(1)[0]
        names.append((theme.label, theme.size, majority, count / theme.size))
    groups = []
    for label, size in Counter(gold).most_common(5):
        held = Counter(full.assignments[i] for i, g in zip(ids, gold, strict=True) if g == label)
        theme_id, count = held.most_common(1)[0]
        groups.append((label, size, full.theme(theme_id).label, count / size))
    return Row(
        name=data.name,
        n=len(texts),
        true_k=true_k,
        baseline=baseline,
        true_k_ami=true_k_ami,
        auto_ami=auto_ami,
        auto_k="-".join(str(k) for k in (ks[0], ks[-1]) if k) if len(ks) > 1 else str(ks[0]),
        order=order_ari,
        fresh=fresh,
        extended=extended,
        phrase_share=phrase_share,
        names=names,
        groups=groups,
        seconds=time.perf_counter() - started,
    )


def _phrase_share(result: ThemeResult) -> float:
    discovered = [t for t in result.themes if not t.is_other and t.seed_name is None]
    if not discovered:
        return 0.0
    return sum(t.label_is_phrase for t in discovered) / len(discovered)


def _mark(met: bool) -> str:
    return "ok" if met else "MISS"


def print_targets(rows: list[Row]) -> None:
    print("\ntargets (issue 11):")
    for r in rows:
        real = r.name in REAL_SETS
        print(
            f"  {r.name:15} order {r.order:.3f} {_mark(r.order >= MIN_ORDER_ARI)}"
            f"  extend +1% {statistics.mean(r.extended):.3f}"
            f" {_mark(statistics.mean(r.extended) >= MIN_EXTEND_ARI)}"
            f"  phrase {r.phrase_share:.0%}"
            + (f" {_mark(r.phrase_share >= MIN_PHRASE_SHARE)}" if real else " (own set)")
        )
    real_rows = [r for r in rows if r.name in REAL_SETS]
    if not real_rows:
        return
    ratio = statistics.mean(r.auto_ami / r.baseline for r in real_rows)
    fresh = statistics.mean(statistics.mean(r.fresh) for r in real_rows)
    print(
        f"  real sets ({len(real_rows)}): k-auto AMI {ratio:.2f} x baseline"
        f" {_mark(ratio >= MIN_AMI_RATIO)} (aim {MIN_AMI_RATIO}),"
        f" fresh -1% {fresh:.3f} {_mark(fresh >= MIN_FRESH_ARI)} (aim {MIN_FRESH_ARI})"
    )


def print_table(rows: list[Row]) -> None:
    print()
    print(
        f"{'set':15} {'n':>5} {'k':>3} {'base':>6} {'true-k':>6} {'ratio':>6} "
        f"{'auto':>6} {'ratio':>6} {'auto k':>7} {'order':>6} {'fresh-1%':>8} "
        f"{'(min-max)':>11} {'extend+1%':>9} {'phrase':>6} {'s':>5}"
    )
    for r in rows:
        print(
            f"{r.name:15} {r.n:5d} {r.true_k:3d} {r.baseline:6.3f} {r.true_k_ami:6.3f} "
            f"{r.true_k_ami / r.baseline:6.2f} {r.auto_ami:6.3f} {r.auto_ami / r.baseline:6.2f} "
            f"{r.auto_k:>7} {r.order:6.3f} {statistics.mean(r.fresh):8.3f} "
            f"{min(r.fresh):5.2f}-{max(r.fresh):5.2f} {statistics.mean(r.extended):9.3f} "
            f"{r.phrase_share:6.0%} {r.seconds:5.0f}"
        )
    real = [r for r in rows if r.name in REAL_SETS]
    if real:
        print(
            f"{'mean, real sets':15} {'':5} {'':3} {'':6} {'':6} "
            f"{statistics.mean(r.true_k_ami / r.baseline for r in real):6.2f} {'':6} "
            f"{statistics.mean(r.auto_ami / r.baseline for r in real):6.2f} {'':7} "
            f"{statistics.mean(r.order for r in real):6.3f} "
            f"{statistics.mean(statistics.mean(r.fresh) for r in real):8.3f} {'':11} "
            f"{statistics.mean(statistics.mean(r.extended) for r in real):9.3f} "
            f"{statistics.mean(r.phrase_share for r in real):6.0%}"
        )
    for r in rows:
        print(f"\n{r.name}: largest themes (k auto, seed 0) beside the set's majority label")
        for label, size, majority, purity in r.names:
            print(
                f"  {size:4d}  {_padded(label, 30)}  {PROMPTS.get(majority, majority)} ({purity:.0%})"
            )
        print(f"{r.name}: the set's largest groups beside the theme holding most of each")
        for label, size, theme_label, share in r.groups:
            print(
                f"  {size:4d}  {_padded(PROMPTS.get(label, label), 30)}  {theme_label} ({share:.0%})"
            )
    print_targets(rows)


def _padded(text: str, width: int) -> str:
    """``text`` left-aligned in ``width`` columns, a wide (Japanese) character taking two."""
    columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - columns)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--eval-dev", type=Path, default=DEFAULT_EVAL_DEV)
    parser.add_argument("--sets", default=",".join(ALL_SETS), help="comma-separated set names")
    parser.add_argument("--seeds", type=int, default=3, help="seeds per AMI figure")
    parser.add_argument("--draws", type=int, default=5, help="draws of the 1 %% for stability")
    parser.add_argument("--quick", action="store_true", help="1 seed, 2 draws")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.draws = 1, 2
    rows = []
    for name in args.sets.split(","):
        data = read_own(OWN_DATA) if name == "own" else read_eval_dev(args.eval_dev, name)
        if data is None:
            print(f"{name}: skipped, not in {args.eval_dev}")
            continue
        print(f"{name}: {len(data.texts)} comments, {len(set(data.labels))} groups ...", flush=True)
        rows.append(evaluate(data, args.seeds, args.draws))
    print(
        f"seeds {args.seeds}, draws {args.draws}; AMI and ARI; 'phrase' = themes named by a phrase"
    )
    print_table(rows)


if __name__ == "__main__":
    main()
