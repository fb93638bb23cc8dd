import csv
import json

import pytest

from nlp.cli import main
from tests.nlp_texts import two_topics


def _write_comments(path, encoding="utf-8"):
    texts, _ = two_topics()
    with open(path, "w", encoding=encoding, newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["番号", "意見"])
        writer.writerows([f"c{i}", text] for i, text in enumerate(texts))
    return texts


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_themes_writes_one_row_per_comment_in_input_order(tmp_path, encoding, capsys):
    source = tmp_path / "comments.csv"
    texts = _write_comments(source, encoding)
    out, summary = tmp_path / "themes.csv", tmp_path / "summary.json"
    code = main([
        "themes", str(source), "--text-column", "意見", "--id-column", "番号",
        "--k", "2", "--out", str(out), "--summary", str(summary), "--jobs", "1",
    ])  # fmt: skip
    assert code == 0
    with open(out, encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [row["id"] for row in rows] == [f"c{i}" for i in range(len(texts))]
    assert {row["theme_id"] for row in rows} == {"1", "2"}
    themes = json.loads(summary.read_text("utf-8"))["themes"]
    assert sum(theme["size"] for theme in themes) == len(texts)
    assert all(theme["label"] and theme["keywords"] for theme in themes)
    assert themes[0]["label"] in capsys.readouterr().out
    for theme in themes:
        assert isinstance(theme["label_is_phrase"], bool)
        assert all(any(sentence in text for text in texts) for sentence in theme["summary"])
    assert any(len(theme["summary"]) >= 2 for theme in themes)


def test_seed_themes_from_a_file(tmp_path):
    source = tmp_path / "comments.csv"
    _write_comments(source)
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("デジタルデバイド対策：スマホ教室、高齢者、スマートフォン\n", encoding="utf-8")
    out = tmp_path / "themes.csv"
    code = main([
        "themes", str(source), "--text-column", "意見", "--seed-themes", str(seeds),
        "--out", str(out), "--jobs", "1",
    ])  # fmt: skip
    assert code == 0
    assert "デジタルデバイド対策" in out.read_text("utf-8-sig")


def _error_of(capsys, argv):
    with pytest.raises(SystemExit) as exit_info:
        raise SystemExit(main(argv))
    return exit_info.value.code, capsys.readouterr().err


def test_missing_file_exits_2_in_japanese_and_english(tmp_path, capsys):
    missing = tmp_path / "nai.csv"
    argv = ["themes", str(missing), "--text-column", "意見", "--out", str(tmp_path / "o.csv")]
    code, err = _error_of(capsys, argv)
    assert code == 2
    assert "ファイルが見つかりません" in err and "File not found" in err


def test_missing_column_exits_2_and_lists_the_columns(tmp_path, capsys):
    source = tmp_path / "comments.csv"
    _write_comments(source)
    argv = ["themes", str(source), "--text-column", "本文", "--out", str(tmp_path / "o.csv")]
    code, err = _error_of(capsys, argv)
    assert code == 2
    assert "列「本文」がありません" in err and "Column '本文' not found" in err
    assert "意見" in err


@pytest.mark.parametrize("content", ["", "番号,意見\n"])
def test_empty_file_exits_2(tmp_path, capsys, content):
    source = tmp_path / "empty.csv"
    source.write_text(content, encoding="utf-8")
    argv = ["themes", str(source), "--text-column", "意見", "--out", str(tmp_path / "o.csv")]
    code, err = _error_of(capsys, argv)
    assert code == 2
    assert "ファイルが空です" in err and "The file is empty" in err


def test_tokens_prints_what_the_pipeline_keeps(capsys):
    assert main(["tokens", "高齢者向けのスマホ教室を増やしてほしいと思います"]) == 0
    assert capsys.readouterr().out.split() == ["高齢者", "スマホ教室", "増やす"]


def test_wordcloud_writes_a_png_of_the_kept_words(tmp_path):
    source = tmp_path / "comments.csv"
    _write_comments(source)
    out = tmp_path / "cloud.png"
    assert main(["wordcloud", str(source), "--text-column", "意見", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"\x89PNG")


def test_wordcloud_of_a_missing_column_exits_2(tmp_path, capsys):
    source = tmp_path / "comments.csv"
    _write_comments(source)
    argv = ["wordcloud", str(source), "--text-column", "本文", "--out", str(tmp_path / "c.png")]
    code, err = _error_of(capsys, argv)
    assert code == 2 and "本文" in err


def test_themes_csv_names_each_comments_large_theme(tmp_path):
    source = tmp_path / "comments.csv"
    texts = _write_comments(source)
    out, summary = tmp_path / "themes.csv", tmp_path / "summary.json"
    code = main([
        "themes", str(source), "--text-column", "意見", "--k", "2",
        "--out", str(out), "--summary", str(summary), "--jobs", "1",
    ])  # fmt: skip
    assert code == 0
    with open(out, encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == ["id", "theme_id", "theme_label", "parent_id", "parent_label"]
    parents = json.loads(summary.read_text("utf-8"))["parents"]
    labels = {str(parent["id"]): parent["label"] for parent in parents}
    assert all(row["parent_label"] == labels[row["parent_id"]] for row in rows if row["parent_id"])
    assert sum(parent["size"] for parent in parents) == sum(
        1 for row in rows if row["theme_id"] != "0"
    )
    assert len(rows) == len(texts)
