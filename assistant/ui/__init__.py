"""The Qt desktop window: everything here runs on, or talks to, the GUI thread.

Start-up discipline (``bench.startup``): once PySide6 is imported, it reads the source
of every module imported after it, and it builds a class's Python type, enums and all,
the first time the class's name is looked up; its ``Qt`` namespace alone takes about
13 ms. So the Qt-free modules the first paint needs load here, before PySide6, and the
modules on the first-paint path (``app``, ``main_window``, ``sidebar``, ``composer``,
``message_view``, ``theme``) name ``Qt`` and the classes they only use later through
their module (``QtCore.Qt``, ``QtGui.QTextCursor``). ``tests/ui/test_app_start.py``
checks what the first paint builds.
"""

import html  # noqa: F401
import json  # noqa: F401

from assistant.core import paths  # noqa: F401
