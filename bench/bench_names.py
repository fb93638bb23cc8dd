"""What theme names and summaries add to the time of an analysis.

    python bench/bench_names.py [-n 5000] [--jobs N]

On the comments of bench/bench_nlp.py: one cold nlp.analyze (which names and
summarizes), then, on the same tokens and themes, the naming step
(PhraseNamer.fit + names) and the summaries alone, each with its share of the
cold analysis and of one-core Janome.
"""

from __future__ import annotations

import argparse
import time

from bench_nlp import generate_comments, time_janome_one_core

from nlp import Analyzer, analyze, tokenize_many
from nlp.phrases import PhraseNamer
from nlp.summary import summarize


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=5000, help="number of comments")
    parser.add_argument("--jobs", type=int, default=None, help="tokenizer processes")
    args = parser.parse_args()
    texts = generate_comments(args.n, 0)
    janome, _ = time_janome_one_core(texts)  # wall clock, as for the other figures

    cache: dict[str, tuple[str, ...]] = {}
    start = time.perf_counter()
    result = analyze(texts, n_jobs=args.jobs, token_cache=cache)
    cold = time.perf_counter() - start

    analyzer = Analyzer()
    normalized = [analyzer.normalize(text) for text in texts]
    tokens = tokenize_many(texts, analyzer, cache=cache)  # all cached: no tokenizing
    groups = [[int(i) for i in t.comment_ids] for t in result.themes if not t.is_other]
    start = time.perf_counter()
    names = PhraseNamer(analyzer.stopwords).fit(tokens, normalized).names(groups)
    naming = time.perf_counter() - start
    start = time.perf_counter()
    for theme, rows in zip([t for t in result.themes if not t.is_other], groups, strict=True):
        # the analysis orders rows by closeness to the centre; input order costs the same
        summarize(texts, rows, theme.keywords)
    summaries = time.perf_counter() - start

    print(f"{args.n} comments, {len(groups)} themes, {sum(n is not None for n in names)} named")
    print(f"one-core Janome        {janome:7.2f} s")
    print(f"nlp.analyze cold       {cold:7.2f} s  {cold / janome:.3f} x Janome")
    for step, seconds in (("naming", naming), ("summaries", summaries)):
        print(
            f"{step:22} {seconds:7.2f} s  {seconds / cold:.3f} x cold, "
            f"{seconds / janome:.3f} x Janome"
        )


if __name__ == "__main__":
    main()
