"""Theme quality and stability on real comment sets with groupings made by people.

    python bench/eval_nlp.py [--seeds 3] [--draws 5] [--sets env6_pubcom,own] [--quick]
                             [--eval-dev ../shared/eval-dev]

For every set in the eval-dev folder (real opinions, read at run time and never
copied into the repository) and our own tests/data/eval, prints:

- AMI against the set's own grouping: a plain baseline (Janome surface tokens,
  default TfidfVectorizer, k-means with the true k), nlp.analyze with the true
  k and with k chosen (``--k auto``), each averaged over ``--seeds`` seeds, and
  the ratio to the baseline; then the mean ratio over the real sets;
- stability (k chosen, as the app runs it), as ARI on the comments both runs share:
  order: the same comments shuffled vs the original order (must be 1.0);
  fresh -1 %: a fresh analysis of 99 % of the comments vs the full run, averaged
  over ``--draws`` random draws of the 1 %;
  extend +1 %: the app's re-analysis, ``extend()`` of an analysis of 99 % with
  the remaining 1 %, earlier comments vs before;
- the share of discovered themes named by a phrase (``Theme.label_is_phrase``);
- the largest themes' names beside the majority label of the set in each.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from janome.tokenizer import Tokenizer
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score

from nlp import ThemeResult, analyze, extend, tokenize_many

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EVAL_DEV = Path(__file__).resolve().parents[2] / "shared" / "eval-dev"
OWN_DATA = ROOT / "tests" / "data" / "eval"
REAL_SETS = ("env6_pubcom", "fukui_kanko", "tokyo2050_miro")
ALL_SETS = (*REAL_SETS, "own")


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
    """Janome surface tokens, default TF-IDF, k-means on the sparse matrix (true k)."""
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
    seconds: float


def evaluate(data: EvalSet, seeds: int, draws: int) -> Row:
    started = time.perf_counter()
    texts, ids, gold = data.texts, data.ids, data.labels
    true_k = len(set(gold))
    cache: dict[str, tuple[str, ...]] = {}
    tokenize_many(texts, cache=cache)

    def run(sub_texts: Sequence[str], sub_ids: Sequence[str], k: int | None, seed: int = 0):
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
        grown = extend(texts, ids, part.assignments, parents=parents, token_cache=cache)
        extended.append(shared_ari(part, grown, kept_ids))

    discovered = [t for t in full.themes if not t.is_other and t.seed_name is None]
    phrase_share = (
        sum(getattr(t, "label_is_phrase", False) for t in discovered) / len(discovered)
        if discovered
        else 0.0
    )
    label_of = dict(zip(ids, gold, strict=True))
    names = []
    for theme in sorted(discovered, key=lambda t: -t.size)[:5]:
        counts = Counter(label_of[i] for i in theme.comment_ids)
        majority, count = counts.most_common(1)[0]
        names.append((theme.label, theme.size, majority, count / theme.size))
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
        seconds=time.perf_counter() - started,
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
            print(f"  {size:4d}  {label:30}  {majority} ({purity:.0%})")


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
        if name == "own":
            data: EvalSet | None = read_own(OWN_DATA)
        elif not args.eval_dev.is_dir():
            print(f"{name}: skipped, no eval-dev folder at {args.eval_dev}")
            continue
        else:
            data = read_eval_dev(args.eval_dev, name)
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
