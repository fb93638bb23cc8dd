"""The account's rich menu: `flask line setup-richmenu` run for real against the local
stand-in for LINE's API (workshop/line/standin.py: it answers and refuses as LINE does and
records every call), through LINE's SDK; the dry run; a channel not set up; LINE refusing.
Each button sends a word the conversation answers."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest
from PIL import Image

from workshop import line_api
from workshop.line import conversation as talk
from workshop.line import richmenu
from workshop.line.standin import StandIn

TOKEN = "test-access-token"
BUTTON_WORDS = ["意見を送る", "ワークショップ", "設定", "使い方"]


@pytest.fixture
def stand_in(app) -> Iterator[StandIn]:
    with StandIn() as line:
        app.config.update(
            LINE_CHANNEL_SECRET="test-channel-secret",
            LINE_CHANNEL_ACCESS_TOKEN=TOKEN,
            LINE_API_BASE=line.url,
        )
        yield line


def setup_richmenu(app, *args: str):
    return app.test_cli_runner().invoke(args=["line", "setup-richmenu", *args])


def test_setup_creates_the_menu_uploads_its_image_and_makes_it_the_default(app, stand_in, tmp_path):
    result = setup_richmenu(app)
    assert result.exit_code == 0, result.output

    (looked, created, default) = stand_in.calls
    assert looked == ("GET /v2/bot/user/all/richmenu", {}, f"Bearer {TOKEN}")
    path, menu, authorization = created
    assert path == "/v2/bot/richmenu" and authorization == f"Bearer {TOKEN}"
    assert menu["size"] == {"width": 2500, "height": 1686}
    assert menu["chatBarText"] == "メニュー" and menu["selected"] is True
    assert [a["action"] for a in menu["areas"]] == [
        {"type": "message", "label": word, "text": word} for word in BUTTON_WORDS
    ]
    # two rows of two that cover the whole menu: any tap is on a button
    assert [a["bounds"] for a in menu["areas"]] == [
        {"x": 0, "y": 0, "width": 1250, "height": 843},
        {"x": 1250, "y": 0, "width": 1250, "height": 843},
        {"x": 0, "y": 843, "width": 1250, "height": 843},
        {"x": 1250, "y": 843, "width": 1250, "height": 843},
    ]
    (rich_menu_id,) = stand_in.rich_menus

    (upload,) = stand_in.uploads
    assert upload.rich_menu_id == rich_menu_id and upload.content_type == "image/png"
    assert upload.authorization == f"Bearer {TOKEN}"
    assert len(upload.data) < 1024 * 1024
    image = Image.open(io.BytesIO(upload.data))
    assert image.format == "PNG" and image.size == (2500, 1686)

    assert default == (f"/v2/bot/user/all/richmenu/{rich_menu_id}", {}, f"Bearer {TOKEN}")
    assert stand_in.default_rich_menu == rich_menu_id
    assert f"リッチメニューを作りました: {rich_menu_id}" in result.output
    assert "画像を登録しました（PNG 2500×1686" in result.output
    assert "友だち全員の既定のリッチメニューにしました" in result.output

    assert "これまでの既定" not in result.output

    # run again: a new menu, which takes the place of the first
    again = setup_richmenu(app)
    assert again.exit_code == 0, again.output
    assert stand_in.default_rich_menu not in (None, rich_menu_id)
    assert f"これまでの既定のリッチメニュー {rich_menu_id} に代わりました" in again.output

    # what a dry run writes is exactly what was sent
    assert setup_richmenu(app, "--dry-run", str(tmp_path)).exit_code == 0
    assert json.loads((tmp_path / "richmenu.json").read_text("utf-8")) == menu
    assert (tmp_path / "richmenu.png").read_bytes() == upload.data


def test_dry_run_writes_the_menu_and_its_image_and_contacts_nothing(app, stand_in, tmp_path):
    folder = tmp_path / "richmenu"
    result = setup_richmenu(app, "--dry-run", str(folder))
    assert result.exit_code == 0, result.output
    assert "左上　意見を送る（押すと「意見を送る」と送ります）" in result.output
    assert "右下　使い方" in result.output
    assert "LINE には送っていません" in result.output
    assert stand_in.calls == [] and stand_in.uploads == []

    menu = json.loads((folder / "richmenu.json").read_text("utf-8"))
    assert [a["action"]["text"] for a in menu["areas"]] == BUTTON_WORDS
    image = Image.open(folder / "richmenu.png").convert("RGB")
    assert image.size == (2500, 1686)
    for area, button in zip(menu["areas"], richmenu.BUTTONS, strict=True):
        box = area["bounds"]
        inside = (box["x"] + 60, box["y"] + 60)
        assert image.getpixel(inside) == button.colour  # each button in its own colour
        word = image.crop(
            (box["x"] + 90, box["y"] + 560, box["x"] + box["width"] - 90, box["y"] + 720)
        )
        # the word is drawn in white across its button
        colours = {colour: count for count, colour in word.getcolors(word.width * word.height)}
        whites = colours.get(richmenu.WHITE, 0)
        assert whites > 0.08 * word.width * word.height


def test_without_a_channel_it_says_what_to_set_and_fails(app, tmp_path):
    with StandIn() as line:
        app.config.update(LINE_CHANNEL_ACCESS_TOKEN=None, LINE_API_BASE=line.url)
        result = setup_richmenu(app)
        assert result.exit_code != 0
        assert "LINE のチャネルが設定されていません" in result.output
        assert "LINE_CHANNEL_ACCESS_TOKEN" in result.output
        assert line.calls == []
    # the dry run needs no channel
    assert setup_richmenu(app, "--dry-run", str(tmp_path)).exit_code == 0


def test_when_line_refuses_it_says_so_in_japanese(app, stand_in):
    stand_in.status = 500
    result = setup_richmenu(app)
    assert result.exit_code != 0
    assert "ところで、LINE の API がエラーを返しました（500）" in result.output
    assert "An error occurred in the server" in result.output
    assert stand_in.rich_menus == {} and stand_in.default_rich_menu is None


def test_images_go_to_lines_content_host_or_the_relay(app):
    with app.app_context():
        app.config["LINE_API_BASE"] = "https://api.line.me"
        assert line_api.data_base() == "https://api-data.line.me"
        app.config["LINE_API_BASE"] = "https://line-relay.city.example.jp/line/"
        assert line_api.data_base() == "https://line-relay.city.example.jp/line"


def test_each_button_sends_a_word_the_conversation_answers():
    town = talk.Town(
        (talk.Consultation(1, "地域公共交通計画", "https://city.example.jp/consultations/bus"),)
    )
    person = talk.Person()
    words = [area["action"]["text"] for area in richmenu.menu("みどり市 まちの声")["areas"]]
    replies = {word: talk.respond(person, word, town) for word in words}
    assert replies["意見を送る"].person.step is talk.Step.CHOOSE
    assert "1. 地域公共交通計画" in replies["意見を送る"].replies[0].text
    assert "いま申し込めるワークショップはありません" in replies["ワークショップ"].replies[0].text
    assert replies["設定"].person.step is talk.Step.AGE
    assert replies["使い方"].replies[0].text == talk.HELP_TEXT
