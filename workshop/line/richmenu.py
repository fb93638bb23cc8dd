"""The city's LINE rich menu: four large buttons under the chat (意見を送る / ワークショップ /
設定 / 使い方), each sending a word the conversation understands (conversation/words.py), and the
image LINE shows for them, drawn here with Pillow.

Pure: no Flask, no LINE. `menu()` is the request body of LINE's "create rich menu" (the
same JSON a dry run writes); `draw()` the PNG. The font is IPAexGothic, which our
dependencies ship (nlp.wordcloud.japanese_font_path); nothing is downloaded.

Many of the residents who use the menu are elderly: two rows of two, the whole area of each
quarter a button, words 170 px high in white on dark colours (contrast about 7:1 or more),
a simple pictogram above each word.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from workshop.line import conversation as talk

# LINE's large size; 2500x843 would make each of four buttons a narrow column
WIDTH, HEIGHT = 2500, 1686
COLUMNS, ROWS = 2, 2
CHAT_BAR_TEXT = "メニュー"  # the bar under the chat that opens and closes the menu
LABEL_SIZE = 170
LABEL_MARGIN = 90  # at least this much of the button's colour either side of its word
STROKE = 2
GAP = 12  # white between the buttons, so that each reads as one
WHITE = (255, 255, 255)
Box = tuple[int, int, int, int]  # left, top, right, bottom
Colour = tuple[int, int, int]
Icon = Callable[[ImageDraw.ImageDraw, Box, Colour, ImageFont.FreeTypeFont], None]


@dataclass(frozen=True)
class Button:
    text: str  # what a tap sends: a word the conversation answers
    colour: Colour  # its background; the word and pictogram are white
    icon: Icon


def bounds() -> list[Box]:
    """Each button's area, left to right, then top to bottom: the whole menu, no gaps."""
    width, height = WIDTH // COLUMNS, HEIGHT // ROWS
    return [
        (column * width, row * height, (column + 1) * width, (row + 1) * height)
        for row in range(ROWS)
        for column in range(COLUMNS)
    ]


def menu(name: str) -> dict[str, Any]:
    """The rich menu as LINE's API takes it; `name` is only seen in LINE's console."""
    return {
        "size": {"width": WIDTH, "height": HEIGHT},
        "selected": True,  # open when the chat opens: the buttons are the way in
        "name": name[:300],
        "chatBarText": CHAT_BAR_TEXT,
        "areas": [
            {
                "bounds": {"x": left, "y": top, "width": right - left, "height": bottom - top},
                "action": {"type": "message", "label": button.text, "text": button.text},
            }
            for button, (left, top, right, bottom) in zip(BUTTONS, bounds(), strict=True)
        ],
    }


def draw(font_path: Path) -> bytes:
    """The menu's image as PNG (well under LINE's 1 MB: flat colours compress well)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), WHITE)
    canvas = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(font_path), LABEL_SIZE)
    for button, (left, top, right, bottom) in zip(BUTTONS, bounds(), strict=True):
        tile = (left + GAP, top + GAP, right - GAP, bottom - GAP)
        canvas.rounded_rectangle(tile, radius=40, fill=button.colour)
        middle = (left + right) // 2
        icon_box = (middle - 170, top + 130, middle + 170, top + 470)
        button.icon(canvas, icon_box, button.colour, font)
        # IPAexGothic has one weight; a thin stroke in the same white makes it a little
        # bolder (a thicker one fills the small spaces inside 意)
        label = fitted(font, button.text, right - left - 2 * LABEL_MARGIN)
        canvas.text(
            (middle, top + 640), button.text, font=label, fill=WHITE, anchor="mm",
            stroke_width=STROKE, stroke_fill=WHITE,
        )  # fmt: skip
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def fitted(font: ImageFont.FreeTypeFont, text: str, width: int) -> ImageFont.FreeTypeFont:
    """The font, smaller if the word would not fit across its button (ワークショップ)."""
    wide = font.getlength(text) + 2 * STROKE
    if wide <= width:
        return font
    return font.font_variant(size=int(font.size * width / wide))


# ------------------------------------------------------------------ pictograms


def speech_bubble(
    canvas: ImageDraw.ImageDraw, box: Box, colour: Colour, font: ImageFont.FreeTypeFont
) -> None:
    """A speech bubble with lines of writing: a comment."""
    left, top, right, bottom = box
    body = (left, top + 20, right, bottom - 90)
    canvas.rounded_rectangle(body, radius=60, fill=WHITE)
    canvas.polygon(
        [(left + 70, body[3] - 5), (left + 170, body[3] - 5), (left + 40, bottom)], fill=WHITE
    )
    for n in range(3):
        y = body[1] + 70 + n * 60
        end = right - 50 - (90 if n == 2 else 0)
        canvas.line((left + 50, y, end, y), fill=colour, width=26)


def people(
    canvas: ImageDraw.ImageDraw, box: Box, colour: Colour, font: ImageFont.FreeTypeFont
) -> None:
    """Three people side by side: a workshop."""
    left, top, right, _ = box
    middle = (left + right) // 2
    for dx, scale in ((-130, 0.8), (130, 0.8), (0, 1.0)):  # the middle one in front
        x = middle + dx
        head = int(58 * scale)
        head_y = top + 120 + int((1 - scale) * 150)
        shoulders = int(115 * scale)
        outline = 10  # the tile's colour around each, so that overlapping people stay apart
        canvas.pieslice(
            (x - shoulders - outline, head_y + head + 10 - outline,
             x + shoulders + outline, head_y + head + 10 + 2 * shoulders + outline),
            180, 360, fill=colour,
        )  # fmt: skip
        canvas.pieslice(
            (x - shoulders, head_y + head + 10, x + shoulders, head_y + head + 10 + 2 * shoulders),
            180, 360, fill=WHITE,
        )  # fmt: skip
        canvas.ellipse(
            (x - head - outline, head_y - head - outline, x + head + outline, head_y + head + outline),
            fill=colour,
        )  # fmt: skip
        canvas.ellipse((x - head, head_y - head, x + head, head_y + head), fill=WHITE)


def gear(
    canvas: ImageDraw.ImageDraw, box: Box, colour: Colour, font: ImageFont.FreeTypeFont
) -> None:
    """A gear: settings."""
    left, top, right, bottom = box
    cx, cy = (left + right) / 2, (top + bottom) / 2
    outer, inner, hole, teeth = 160, 120, 55, 8
    for n in range(teeth):
        angle = 2 * math.pi * n / teeth
        half = math.pi / teeth * 0.55  # the tooth's half width, as an angle
        canvas.polygon(
            [
                (cx + r * math.cos(a), cy + r * math.sin(a))
                for r, a in (
                    (inner, angle - half * 1.3),
                    (outer, angle - half),
                    (outer, angle + half),
                    (inner, angle + half * 1.3),
                )
            ],
            fill=WHITE,
        )
    canvas.ellipse((cx - inner, cy - inner, cx + inner, cy + inner), fill=WHITE)
    canvas.ellipse((cx - hole, cy - hole, cx + hole, cy + hole), fill=colour)


def question_mark(
    canvas: ImageDraw.ImageDraw, box: Box, colour: Colour, font: ImageFont.FreeTypeFont
) -> None:
    """A question mark in a circle: how to use it."""
    left, top, right, bottom = box
    cx, cy = (left + right) // 2, (top + bottom) // 2
    radius = 160
    canvas.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=WHITE)
    mark = font.font_variant(size=250)
    canvas.text((cx, cy + 8), "?", font=mark, fill=colour, anchor="mm", stroke_width=8,
                stroke_fill=colour)  # fmt: skip


BUTTONS = (
    Button(talk.COMMENT, (11, 83, 148), speech_bubble),  # blue
    Button(talk.WORKSHOPS, (27, 94, 32), people),  # green
    Button(talk.SETTINGS, (74, 20, 140), gear),  # purple
    Button(talk.HELP, (154, 52, 18), question_mark),  # brown-orange
)
