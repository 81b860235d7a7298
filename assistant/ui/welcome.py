"""What an empty conversation shows: what the assistant can do, with prompts to try.

Built from the plugins' manifests (their intents' examples and commands' usages) and the
models on this computer; nothing is loaded. Clicking a prompt emits ``example_chosen``
with its text, for the window to put in the message box or send.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from assistant.core.messages import Kind
from assistant.core.plugin import Manifest, ModelSpec

MAX_EXAMPLES = 3
CONTENT_WIDTH = 640
ROW_CHARACTERS = 80
# Chips and cards take their colours from the palette, so both themes read well.
CHIP_STYLE = (
    "QPushButton { border: 1px solid palette(mid); border-radius: 12px; padding: 4px 12px;"
    " background: palette(base); color: palette(text); text-align: left; }"
    " QPushButton:hover { background: palette(alternate-base); border-color: palette(highlight); }"
)
CARD_STYLE = "#welcome-card { border: 1px solid palette(midlight); border-radius: 10px; }"


def tr(text: str) -> str:
    return QCoreApplication.translate("WelcomeView", text)


def example_prompts(manifest: Manifest, limit: int = MAX_EXAMPLES) -> list[str]:
    """Prompts that show what *manifest*'s plugin does: its intents' examples (those that
    need no earlier attachment), then its commands as typed (a usage's "e.g." example, or
    the bare command when its usage has placeholders)."""
    prompts = [e for intent in manifest.intents if intent.follows is None for e in intent.examples]
    for command in manifest.commands:
        usage = command.usage.strip()
        if ", e.g. " in usage:
            prompts.append(usage.split(", e.g. ", 1)[1].strip())
        elif usage and not any(mark in usage for mark in "<["):
            prompts.append(usage)
        else:
            prompts.append(f"/{command.name}")
    unique = list(dict.fromkeys(p for p in prompts if p))
    return unique[:limit]


def summary_line(description: str) -> str:
    """The first sentence of a plugin's description: one line of what it does."""
    sentence, dot, _ = description.strip().partition(". ")
    return sentence + ("." if dot else "")


def models_line(models: Sequence[ModelSpec]) -> str:
    """The line that says which models are on this computer."""
    if not models:
        return tr("No models are on this computer yet; they download on first use.")
    names = ", ".join(dict.fromkeys(m.name for m in models))
    return tr("On this computer: {names}.").format(names=names)


def _drop_hint(kind: Kind) -> str:
    """What to drop on the window for a plugin that accepts *kind*; "" for text."""
    if kind is Kind.IMAGE:
        return tr("Drop photos on the window.")
    if kind is Kind.DOCUMENT:
        return tr("Drop documents on the window.")
    if kind is Kind.AUDIO:
        return tr("Drop recordings on the window.")
    return ""


def _quiet(label: QLabel) -> QLabel:
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    label.setWordWrap(True)
    return label


class WelcomeView(QWidget):
    """A calm header, one card per plugin with prompts to try, and the models here."""

    example_chosen = Signal(str)

    def __init__(
        self,
        manifests: Iterable[Manifest],
        models: Sequence[ModelSpec] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.chips: dict[str, list[QPushButton]] = {}  # per plugin name
        content = QWidget(self)
        content.setMaximumWidth(CONTENT_WIDTH)
        self._column = QVBoxLayout(content)
        self._column.setSpacing(16)
        header = QLabel(tr("What can I help with?"), content)
        font = header.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        header.setFont(font)
        self._column.addWidget(header)
        for manifest in manifests:
            self._column.addWidget(self._card(manifest, content))
        self.models_label = _quiet(QLabel(models_line(models), content))
        self._column.addWidget(self.models_label)
        self._column.addStretch(1)
        page = QWidget()
        centred = QHBoxLayout(page)
        centred.setContentsMargins(24, 32, 24, 24)
        centred.addStretch(1)
        centred.addWidget(content, 100)
        centred.addStretch(1)
        # Scrolls rather than squeezes when the window is short.
        area = QScrollArea(self)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidgetResizable(True)
        area.setWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(area)

    def _card(self, manifest: Manifest, parent: QWidget) -> QFrame:
        card = QFrame(parent)
        card.setObjectName("welcome-card")
        card.setStyleSheet(CARD_STYLE)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(6)
        title = QLabel(manifest.title, card)
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        what = summary_line(manifest.description)
        for kind in sorted(manifest.accepts):
            hint = _drop_hint(kind)
            what += f" {hint}" if hint else ""
        layout.addWidget(_quiet(QLabel(what, card)))
        chips = []
        for line in _rows(example_prompts(manifest)):
            row = QHBoxLayout()
            row.setSpacing(8)
            for prompt in line:
                chip = QPushButton(prompt, card)
                chip.setStyleSheet(CHIP_STYLE)
                chip.setCursor(Qt.CursorShape.PointingHandCursor)
                chip.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
                chip.clicked.connect(lambda _=False, text=prompt: self.example_chosen.emit(text))
                row.addWidget(chip)
                chips.append(chip)
            row.addStretch(1)
            layout.addLayout(row)
        self.chips[manifest.name] = chips
        return card


def _rows(prompts: Sequence[str], budget: int = ROW_CHARACTERS) -> list[list[str]]:
    """*prompts* in rows of about *budget* characters, so that chips wrap in a narrow
    window rather than widen it."""
    rows: list[list[str]] = []
    used = budget
    for prompt in prompts:
        if used + len(prompt) > budget:
            rows.append([])
            used = 0
        rows[-1].append(prompt)
        used += len(prompt) + 4
    return rows
