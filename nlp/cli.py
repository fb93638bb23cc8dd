"""``python -m nlp``: themes, wordcloud and tokens subcommands.

Input problems exit with status 2 and a message in Japanese and English.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from nlp.cache import TokenCache, tokenize_many
from nlp.io import InputError, read_comments, write_assignments, write_summary
from nlp.pipeline import analyze
from nlp.seeds import read_seed_themes
from nlp.themes import SeedTheme, ThemeResult
from nlp.tokenize import Analyzer

EXIT_INPUT_ERROR = 2


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except InputError as error:
        print(f"エラー: {error.message_ja}\nError: {error.message_en}", file=sys.stderr)
        return EXIT_INPUT_ERROR


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m nlp", description="意見のテーマ分析")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    themes = commands.add_parser("themes", help="group comments into themes")
    _add_input(themes)
    themes.add_argument("--id-column", help="column with comment ids (default: row numbers)")
    themes.add_argument("--k", default="auto", type=_k_value, help="number of themes or auto")
    themes.add_argument("--seed-themes", type=Path, help="file of 'name: keyword, keyword'")
    themes.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    themes.add_argument("--jobs", type=int, default=None, help="tokenizer processes")
    themes.add_argument("--token-cache", type=Path, help="JSON file to reuse tokens across runs")
    themes.add_argument(
        "--out",
        type=Path,
        required=True,
        help="CSV: id, theme_id, theme_label, parent_id, parent_label",
    )
    themes.add_argument("--summary", type=Path, help="JSON summary of the themes")
    themes.set_defaults(run=_run_themes)

    cloud = commands.add_parser("wordcloud", help="draw a word cloud PNG")
    _add_input(cloud)
    cloud.add_argument("--out", type=Path, required=True, help="PNG file")
    cloud.add_argument("--seed", type=int, default=0)
    cloud.set_defaults(run=_run_wordcloud)

    tokens = commands.add_parser("tokens", help="print the tokens the pipeline keeps")
    tokens.add_argument("text")
    tokens.add_argument("--stopwords", type=Path, action="append", default=[])
    tokens.set_defaults(run=_run_tokens)
    return parser


def _add_input(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", type=Path, help="CSV file (UTF-8, UTF-8 BOM or cp932)")
    parser.add_argument("--text-column", required=True, help="column with the comment text")
    parser.add_argument(
        "--stopwords", type=Path, action="append", default=[], help="extra stopword file"
    )


def _k_value(value: str) -> int | None:
    if value == "auto":
        return None
    if value.isdigit() and int(value) >= 1:
        return int(value)
    raise argparse.ArgumentTypeError("--k は auto または 1 以上の整数 / --k must be auto or N >= 1")


def _analyzer(stopword_files: Sequence[Path]) -> Analyzer:
    for path in stopword_files:
        if not path.is_file():
            raise InputError(f"ファイルが見つかりません: {path}", f"File not found: {path}")
    return Analyzer(stopword_files=stopword_files)


def _run_themes(args: argparse.Namespace) -> int:
    texts, ids = read_comments(args.input, args.text_column, args.id_column)
    analyzer = _analyzer(args.stopwords)
    seed_themes: list[SeedTheme] = []
    if args.seed_themes is not None:
        if not args.seed_themes.is_file():
            path = args.seed_themes
            raise InputError(f"ファイルが見つかりません: {path}", f"File not found: {path}")
        seed_themes = read_seed_themes(args.seed_themes)
    cache = _load_cache(args.token_cache)
    result = analyze(
        texts, ids, k=args.k, seed_themes=seed_themes, seed=args.seed,
        token_cache=cache, n_jobs=args.jobs, analyzer=analyzer,
    )  # fmt: skip
    _save_cache(args.token_cache, cache)
    write_assignments(args.out, ids, result)
    if args.summary is not None:
        write_summary(args.summary, result)
    _print_themes(result)
    return 0


def _print_themes(result: ThemeResult) -> None:
    """Large themes with their themes indented below; その他 last."""
    for parent in result.parents:
        print(f"{parent.id}\t{parent.size}\t{parent.share:6.1%}\t{parent.label}")
        for theme in result.children(parent.id):
            print(f"  {theme.id}\t{theme.size}\t{theme.share:6.1%}\t{theme.label}")
    for theme in result.themes:
        if theme.parent_id is None:
            print(f"{theme.id}\t{theme.size}\t{theme.share:6.1%}\t{theme.label}")


def _load_cache(path: Path | None) -> TokenCache:
    if path is None or not path.is_file():
        return {}
    stored = json.loads(path.read_text("utf-8"))
    return {key: tuple(tokens) for key, tokens in stored.items()}


def _save_cache(path: Path | None, cache: TokenCache) -> None:
    if path is not None:
        path.write_text(json.dumps(dict(cache), ensure_ascii=False), "utf-8")


def _run_wordcloud(args: argparse.Namespace) -> int:
    from nlp.wordcloud import render_wordcloud

    texts, _ = read_comments(args.input, args.text_column)
    analyzer = _analyzer(args.stopwords)
    frequencies = Counter(token for tokens in tokenize_many(texts, analyzer) for token in tokens)
    if not frequencies:
        raise InputError("描画できる語がありません", "No words to draw")
    args.out.write_bytes(render_wordcloud(frequencies, seed=args.seed))
    return 0


def _run_tokens(args: argparse.Namespace) -> int:
    print(" ".join(_analyzer(args.stopwords).analyze(args.text)))
    return 0
