"""Theme quality on the labelled evaluation set: NMI and AMI, averaged over seeds.

    python bench/eval_nlp.py [--seeds 5] [--data tests/data/eval]

Compares plain Janome TF-IDF + k-means (true k) with nlp.analyze (true k and
k chosen automatically). Reads every *.csv in the data folder (id,theme,text).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from janome.tokenizer import Tokenizer
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_mutual_info_score, normalized_mutual_info_score

from nlp import analyze, tokenize_many

DEFAULT_DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "eval"


def read_eval_set(folder: Path) -> tuple[list[str], list[str]]:
    texts: list[str] = []
    themes: list[str] = []
    for path in sorted(folder.glob("*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as file:
            for row in csv.DictReader(file):
                texts.append(row["text"])
                themes.append(row["theme"])
    return texts, themes


def plain_baseline(texts: Sequence[str]) -> Callable[[int, int], list[int]]:
    """Janome surface tokens, default TF-IDF, k-means on the sparse matrix."""
    tokenizer = Tokenizer(wakati=True)
    docs = [list(tokenizer.tokenize(text)) for text in texts]
    matrix = TfidfVectorizer(analyzer=lambda tokens: tokens).fit_transform(docs)

    def run(k: int, seed: int) -> list[int]:
        return list(KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(matrix))

    return run


def pipeline(texts: Sequence[str], *, auto_k: bool) -> Callable[[int, int], list[int]]:
    cache: dict[str, tuple[str, ...]] = {}
    tokenize_many(texts, cache=cache)

    def run(k: int, seed: int) -> list[int]:
        result = analyze(texts, k=None if auto_k else k, seed=seed, token_cache=cache)
        run.n_themes.append(result.n_themes)  # type: ignore[attr-defined]
        return list(result.theme_ids)

    run.n_themes = []  # type: ignore[attr-defined]
    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    texts, themes = read_eval_set(args.data)
    true_k = len(set(themes))
    print(f"{len(texts)} comments, {true_k} themes, seeds 0..{args.seeds - 1}")
    methods = {
        "plain Janome TF-IDF + k-means (true k)": plain_baseline(texts),
        "nlp.analyze (true k)": pipeline(texts, auto_k=False),
        "nlp.analyze (k auto)": pipeline(texts, auto_k=True),
    }
    print(f"{'method':44} {'NMI':>6} {'AMI':>6} {'±AMI':>6} {'k':>10} {'s/run':>6}")
    baseline_ami = None
    for name, run in methods.items():
        nmi, ami = [], []
        start = time.perf_counter()
        for seed in range(args.seeds):
            labels = run(true_k, seed)
            nmi.append(normalized_mutual_info_score(themes, labels))
            ami.append(adjusted_mutual_info_score(themes, labels))
        seconds = (time.perf_counter() - start) / args.seeds
        ks = getattr(run, "n_themes", None) or [true_k]
        mean_ami = statistics.mean(ami)
        baseline_ami = baseline_ami or mean_ami
        k_text = f"{min(ks)}-{max(ks)}" if min(ks) != max(ks) else str(ks[0])
        print(
            f"{name:44} {statistics.mean(nmi):6.3f} {mean_ami:6.3f} "
            f"{statistics.pstdev(ami):6.3f} {k_text:>10} {seconds:6.2f}"
            f"  ({mean_ami / baseline_ami:.2f}x baseline AMI)"
        )


if __name__ == "__main__":
    main()
