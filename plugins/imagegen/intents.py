"""When plain words ask for a picture: "draw me…", "请画…", a photo "as a watercolor",
"another one" after a picture."""

from __future__ import annotations

from assistant.core.messages import Kind
from assistant.core.plugin import Intent

PLUGIN = "imagegen"

DRAW = Intent(
    label="make a picture",
    examples=(
        "draw me a lighthouse at dusk",
        "generate an image of a cat astronaut",
        "paint a watercolor of mountains at sunrise",
        "make a picture of a robot reading a book",
        "请画一只在月球上的熊猫",
    ),
    keywords=(
        r"\b(draw|paint|sketch|illustrate)\b(?!\s+(a\s+)?(conclusion|line|comparison|parallel))",
        r"\b(generate|create|make|render|imagine)\b.{0,30}\b(image|picture|drawing|painting|"
        r"illustration|logo|wallpaper|portrait|artwork)\b",
        r"请?画(一|个|张|幅|只|出)?",
        r"生成.{0,8}(图|画|照片)",
    ),
    cues=(
        r"\b(draw|drawing|paint|painting|sketch|illustrat\w*|picture|image|photo\w*|pic|art"
        r"|artwork|render|logo|wallpaper|portrait|poster|icon|watercolou?r|cartoon|anime)s?\b",
        r"画|图|照片",
    ),
)
EDIT = Intent(
    label="change this picture",
    examples=(
        "make this a watercolor",
        "turn it into a pencil sketch",
        "same pose, but a robot",
        "make it look like an oil painting",
    ),
    keywords=(
        r"\b(make|turn|transform|convert|restyle|redraw|repaint)\s+(this|it|the\s+(photo|"
        r"picture|image))\b",
        r"\b(watercolou?r|pencil sketch|oil painting|anime style|cartoon style|in the style of)\b",
        r"\bsame pose\b",
        r"变成|改成|画成",
    ),
    follows=Kind.IMAGE,
)
FOLLOW_UP = Intent(
    label="change the last picture",
    examples=("make it bluer", "another one", "same but at night", "one more please"),
    keywords=(
        r"\banother( one)?\b",
        r"\bone more\b",
        r"\bmake it\b",
        r"\bsame,? but\b",
        r"^\s*but\b",
        r"\b(again|brighter|darker|bluer|redder|greener|warmer|colder)\b",
        r"再来一张|再画|换成",
    ),
    follows=PLUGIN,
)
INTENTS = (DRAW, EDIT, FOLLOW_UP)
