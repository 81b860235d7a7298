"""A progress bar that is painted with the window's next frame, not when its value is set."""

from __future__ import annotations

from PySide6.QtWidgets import QProgressBar


class ProgressBar(QProgressBar):
    """A :class:`QProgressBar` whose new value waits for the next paint.

    ``QProgressBar.setValue`` paints the bar, and the part of its parent under it, at once
    whenever the change would show. Set from a stream's slot (a job's progress, a level meter
    thirty times a second) that is a paint of its own in the middle of the frame, and the
    frame after it waits. Here a new value only marks the bar to be painted with what else
    the window paints next.
    """

    def setValue(self, value: int) -> None:
        if value == self.value():
            return
        self.setUpdatesEnabled(False)
        try:
            super().setValue(value)
        finally:
            self.setUpdatesEnabled(True)  # asks for the bar's paint in the next frame
