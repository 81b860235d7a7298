"""The one window: conversations on the left, the conversation and the composer on the right."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtCore, QtGui
from PySide6.QtCore import QCoreApplication, QTimer, QUrl
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QMainWindow, QMenu, QSplitter, QVBoxLayout, QWidget
from shiboken6 import isValid

from assistant.ui import markdown, message_view
from assistant.ui.composer import Composer
from assistant.ui.jobs import Job, JobRunner, one_shot
from assistant.ui.message_view import MessageView
from assistant.ui.pauses import settle_heap
from assistant.ui.progress_bar import ProgressBar
from assistant.ui.sidebar import Sidebar

if TYPE_CHECKING:
    from collections.abc import Iterator

    from assistant.core.engine import Assistant, Turn
    from assistant.core.messages import Chunk, Progress, Source
    from assistant.core.store import Store
    from assistant.core.store_records import Conversation
    from assistant.ui.plugin_jobs import PluginJobs
    from assistant.ui.turns import TurnRunner

# What only a window with a core behind it needs (turns, plugin jobs, menus, docks, the
# conversation's chunks) is imported when it is first needed, after the first paint (see
# assistant.ui).

PAGE_SIZE = 100
SWEEP_INTERVAL_MS = 60_000
QUIT_GRACE_MS = 400  # what workers get to end by themselves when the window closes
DONE_MESSAGE_MS = 5_000  # how long the message of finished work ("… is ready") stays shown


def tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


class MainWindow(QMainWindow):
    """The chat window."""

    def __init__(self, assistant: Assistant | None = None) -> None:
        super().__init__()
        self.conversation_id = 0
        self._unsaved: tuple[str, list[Path]] = ("", [])
        self._pending: list[int] = []  # questions shown before they are stored
        self.jobs = JobRunner(self)
        self.setWindowTitle(tr("Assistant"))
        self.resize(1100, 760)
        self.setAcceptDrops(True)
        self._build()
        # The conversation list, brought up to date after a turn opens or ends (its time
        # and order): not in the frame that draws the answer.
        self.sidebar_refresh = one_shot(self, 0, self._refresh_conversations_soon)
        self._listings = 0  # conversation lists asked for, so that only the last is shown
        self._sweeper = QTimer(self)
        self._sweeper.setInterval(SWEEP_INTERVAL_MS)
        self.composer.setEnabled(False)  # until the core is attached
        if assistant is not None:
            self.attach(assistant)

    def attach(self, assistant: Assistant) -> None:
        """Connect the window to the core and show the latest conversation.

        The app paints the window first and attaches the core right after, so the person
        sees the window at once.
        """
        from assistant.ui.drawing import DrawingQueue
        from assistant.ui.menus import build_menus
        from assistant.ui.plugin_jobs import PluginJobs
        from assistant.ui.sketching import Sketching
        from assistant.ui.turns import TurnRunner

        self.assistant: Assistant = assistant
        self.store: Store = assistant.store
        self.turns: TurnRunner = TurnRunner(assistant, self.jobs, self)
        self.view.use_drawing_queue(DrawingQueue(self.jobs, self))
        self.composer.options.assistant = assistant
        from assistant.ui.message_widget import PLUGINS_WITH_OPTIONS

        PLUGINS_WITH_OPTIONS.update(
            m.name for m in assistant.registry.manifests() if m.options is not None
        )
        self._docks(assistant)
        markdown.SAFE_SCHEMES.update(m.name for m in assistant.registry.manifests())
        message_view.PLUGIN_TITLES.update({m.name: m.title for m in assistant.registry.manifests()})
        self._connect()
        build_menus(self)
        self.sketching = Sketching(self.composer, self)
        from assistant.ui.picture_actions import PictureActions

        self.picture_actions = PictureActions(self)
        self.plugin_jobs: PluginJobs = PluginJobs(assistant, self.jobs, self)
        self.plugin_jobs.image_shown.connect(self._show_image)
        self.plugin_jobs.message_shown.connect(lambda text: self.statusBar().showMessage(text))
        self.plugin_jobs.failed.connect(self.show_error)
        self.plugin_jobs.progress_reported.connect(lambda p: self._on_turn_progress_reported(0, p))
        self._welcome(assistant)
        self._show_chat_model()
        from assistant.ui.dictation import attach_dictation

        self.dictation = attach_dictation(self)
        self._sweeper.timeout.connect(self.plugin_jobs.unload_idle_models)
        self._sweeper.start()
        self.composer.setEnabled(True)
        self.composer.editor.setFocus()
        self.refresh_conversations()
        listed = [c.id for c in self.store.conversations()]
        last = self.store.last_opened()  # the one open at quit, else the newest
        if listed:
            self.open_conversation(last if last in listed else listed[0])
        from assistant.ui.read_aloud import ReadAloud

        self.read_aloud = ReadAloud(self)  # after the first conversation opened: its switch
        from assistant.ui.voice_mode import attach_voice_mode

        self.voice_mode = attach_voice_mode(self)
        self._make_ready_to_draw()

    def _make_ready_to_draw(self) -> None:
        """Build what draws messages (the Markdown parsers, the code colours) on a worker
        now, however the window was opened: the first message drawn would otherwise wait
        about 80 ms for them on the window's thread."""

        def body(_job: Job) -> Iterator[None]:
            markdown.warm_up()
            yield from ()

        self.jobs.start(Job(body))

    def _docks(self, assistant: Assistant) -> None:
        """The Memory and Documents panels: hidden at start, so built after the first paint."""
        from assistant.ui.knowledge_panel import KnowledgePanel
        from assistant.ui.memory_panel import MemoryPanel

        self.memory = MemoryPanel(self)
        self.memory.store = assistant.store
        self.knowledge = KnowledgePanel(self.jobs, self)
        self.knowledge.attach(assistant)
        for dock in (self.memory, self.knowledge):
            self.addDockWidget(QtCore.Qt.DockWidgetArea.RightDockWidgetArea, dock)
            dock.hide()

    def _welcome(self, assistant: Assistant) -> None:
        """What an empty conversation shows: what each plugin does, prompts to try."""
        from assistant.core.downloads import models_here
        from assistant.ui.welcome import WelcomeView

        manifests = assistant.registry.manifests()
        welcome = WelcomeView(manifests, models_here(manifests))
        welcome.example_chosen.connect(self._on_welcome_example_chosen)
        self.view.set_welcome(welcome)

    def _on_welcome_example_chosen(self, prompt: str) -> None:
        self.composer.editor.setPlainText(prompt)  # to send as it is, or to change first
        self.composer.editor.setFocus()
        self.composer.editor.moveCursor(QtGui.QTextCursor.MoveOperation.End)

    def _show_chat_model(self) -> None:
        """The status bar says which chat model answers, and whether the app is offline."""
        if "chat" not in self.assistant.registry:
            return
        from assistant.core.network import known_reachability
        from assistant.ui.status_model import ChatModelStatus
        from plugins.chat.settings import ChatSettings

        if not hasattr(self, "model_status"):
            self.model_status = ChatModelStatus(self)
            self.statusBar().addPermanentWidget(self.model_status)
        settings = self.assistant.settings.section("chat", ChatSettings)
        self.model_status.update_from(settings, known_reachability())

    def _show_image(self, path: Path, title: str) -> None:
        from assistant.ui.image_viewer import ImageViewer

        viewer = ImageViewer(path, title, self)
        viewer.paint_requested.connect(self._paint_over)
        viewer.show()

    def _paint_over(self, path: Path) -> None:
        self.sketching.draw(path)

    def _build(self) -> None:
        self.sidebar = Sidebar(self)
        self.view = MessageView(self)
        self.view.setAcceptDrops(False)  # drops go to the window, which attaches them
        self.composer = Composer(self)
        self.composer.editor.setAcceptDrops(False)
        right = QWidget(self)
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.view, 1)
        column.addWidget(self.composer)
        splitter = QSplitter()  # no argument: one would make PySide build Qt.Orientation
        splitter.addWidget(self.sidebar)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 840])
        self.setCentralWidget(splitter)
        self.progress = ProgressBar(self)
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        self.statusBar().addPermanentWidget(self.progress)

    def _connect(self) -> None:
        self.composer.send_requested.connect(self._on_composer_send_requested)
        self.composer.stop_requested.connect(self.stop)
        self.composer.image_pasted.connect(self._on_composer_image_pasted)
        self.sidebar.conversation_selected.connect(self.open_conversation)
        self.sidebar.new_requested.connect(self.new_conversation)
        self.sidebar.rename_requested.connect(self._on_sidebar_rename_requested)
        self.sidebar.delete_requested.connect(self._on_sidebar_delete_requested)
        self.sidebar.export_requested.connect(self._on_sidebar_export_requested)
        self.sidebar.search_changed.connect(self._on_sidebar_search_changed)
        self.view.action_requested.connect(self._on_view_action_requested)
        self.view.earlier_requested.connect(self._on_view_earlier_requested)
        self.view.link_requested.connect(self._on_view_link_requested)
        self.view.signals.source_requested.connect(self._on_view_source_requested)
        self.view.image_opened.connect(self._show_image)
        self.view.version_requested.connect(self._on_view_version_requested)
        self.turns.turn_opened.connect(self._on_turn_opened)
        self.turns.chunks_arrived.connect(self._on_turn_chunks_arrived)
        self.turns.progress_reported.connect(self._on_turn_progress_reported)
        self.turns.turn_failed.connect(self._on_turn_failed)
        self.turns.turn_finished.connect(self._on_turn_finished)
        self.turns.busy_changed.connect(self.composer.set_busy)

    # ---- conversations ------------------------------------------------------------------

    def refresh_conversations(self) -> None:
        self._listings += 1  # a list read before this one is not shown after it
        if not self.sidebar.search.text():
            self.sidebar.show_conversations(self.store.conversations(), self.conversation_id)

    def _refresh_conversations_soon(self) -> None:
        """Bring the conversation list up to date after a turn opens or ends (its time, its
        place), reading it on a worker: with many messages that takes a few ms, which the
        frames of the answer being written should not wait for."""
        if self.sidebar.search.text():
            return
        self._listings += 1
        listing = self._listings

        def body(_job: Job) -> Iterator[list[Conversation]]:
            yield self.store.conversations()

        def show(conversations: list[Conversation]) -> None:
            if not isValid(self.sidebar):
                return  # the window has gone meanwhile
            if listing == self._listings and not self.sidebar.search.text():
                self.sidebar.show_conversations(conversations, self.conversation_id)

        job = Job(body)
        job.signals.yielded.connect(show)
        self.jobs.start(job)

    def new_conversation(self) -> None:
        self.conversation_id = 0
        self._pending.clear()
        self.view.show_conversation([], has_more=False)
        self.memory.show_conversation(0)
        self.composer.editor.setFocus()
        self.refresh_conversations()

    def open_conversation(self, conversation_id: int, message_id: int = 0) -> None:
        self.conversation_id = conversation_id
        self._pending.clear()  # the view is rebuilt from what is stored
        self.store.mark_opened(conversation_id)
        if not self.sidebar.search.text():
            self.sidebar.select(conversation_id)
        if message_id:  # a search hit may be in a version not shown: show its branch
            self.store.reveal(message_id)
        total = self.store.count_messages(conversation_id)
        limit = PAGE_SIZE
        if message_id:
            path = [m.id for m in self.store.messages(conversation_id)]
            if message_id in path:
                limit = max(limit, len(path) - path.index(message_id) + 2)
        messages = self.store.messages(conversation_id, limit=limit)
        self.view.show_conversation(messages, has_more=total > len(messages))
        for reply in self.turns.answering():
            if self.view.is_shown(reply):  # still being written: show all of it, live
                self.view.restart_reply(reply)
                self._on_turn_chunks_arrived(reply, self.turns.streamed(reply))
        if message_id:
            self.view.highlight_message(message_id)
        self.memory.show_conversation(conversation_id)
        settle_heap()

    # ---- sending ------------------------------------------------------------------------

    def send(
        self, text: str, files: list[Path], plugin: str | None = None, options: dict | None = None
    ) -> None:
        """Ask *text* with *files* (and *options*, from the Options form) in the current
        conversation (a new one if there is none)."""
        if not self.conversation_id:
            self.conversation_id = self.store.create_conversation()
            self.store.mark_opened(self.conversation_id)
        self.statusBar().showMessage(tr("Sending…"), 2000)
        self._unsaved = (text, list(files))  # given back to the composer if storing fails
        self._pending.append(self.view.add_pending(text, list(files)))
        self.turns.ask(self.conversation_id, text, files, plugin, options)

    def stop(self) -> None:
        if self.composer.editing_id:
            self.composer.cancel_edit()
            self.composer.editor.clear()
        self.turns.stop()
        if hasattr(self, "read_aloud"):
            self.read_aloud.stop()  # speech too
        if hasattr(self, "voice_mode"):
            self.voice_mode.interrupt()

    def _on_composer_send_requested(self, text: str, files: list[Path]) -> None:
        options = self.composer.take_options() or {}
        if self.composer.editing_id:
            message_id, edited = self.composer.editing_id, self.composer.editing_options
            self.composer.cancel_edit()
            # A new version; the old one is kept (with its options unless they were edited).
            self.turns.edit_and_resend(message_id, text, options if edited else None)
            return
        self.send(text, files, options=options)

    def _on_composer_image_pasted(self, image: QImage) -> None:
        # Kept in the app's cache, not /tmp; the message stores its own copy on sending.
        folder = Path(tempfile.mkdtemp(prefix="pasted-", dir=self._cache_dir()))
        path = folder / "pasted image.png"
        if image.save(str(path)):
            self.composer.add_files([path])

    def _cache_dir(self) -> Path:
        folder = (
            self.assistant.paths.cache
            if hasattr(self, "assistant")
            else Path(tempfile.gettempdir())
        )
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    # ---- drag and drop ------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() or event.mimeData().hasImage():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        data = event.mimeData()
        paths = [Path(url.toLocalFile()) for url in data.urls() if url.isLocalFile()]
        if not paths and data.hasImage():
            self._on_composer_image_pasted(QImage(data.imageData()))
            paths, self.composer.files = list(self.composer.files), []
        event.acceptProposedAction()
        if paths and self._over_knowledge(event):
            self.knowledge.add(paths)
        elif paths:
            text = self.composer.editor.toPlainText().strip()
            self.composer.editor.clear()
            files, self.composer.files = [*self.composer.files, *paths], []
            self.composer.add_files([])
            self.send(text, files)

    def _over_knowledge(self, event: QDropEvent) -> bool:
        if not hasattr(self, "knowledge"):
            return False
        point = self.knowledge.mapFrom(self, event.position().toPoint())
        return self.knowledge.isVisible() and self.knowledge.rect().contains(point)

    # ---- what the turns report ------------------------------------------------------------

    def _on_turn_opened(self, turn: Turn) -> None:
        self._unsaved = ("", [])
        if self.statusBar().currentMessage() == tr("Sending…"):  # it is being answered now
            self.statusBar().clearMessage()
        here = turn.conversation_id == self.conversation_id
        question = self.store.message(turn.user_message_id) if here else None
        # A new version of an answer or of a question: the view shows the path it is on.
        new_version = question is not None and (
            self.view.is_shown(question.id) or getattr(question, "versions", 1) > 1
        )
        if self._pending and here:
            key = self._pending.pop(0)  # the question shown before it was stored
            if new_version or question is None or not self.view.store_pending(key, question):
                self.view.remove_one(key)  # the stored question replaces it
        if not here:
            return
        if new_version:
            self.open_conversation(self.conversation_id)
            self.refresh_conversations()
            return
        unseen = question if question is not None and not self.view.is_shown(question.id) else None
        self.view.start_reply(turn.reply_message_id, turn.route.plugin, turn.route.reason, unseen)
        self.sidebar_refresh.start()  # in a frame of its own

    def _on_turn_chunks_arrived(self, reply: int, chunks: list[Chunk]) -> None:
        from assistant.core.messages import Progress

        for chunk in chunks:
            self.view.add_chunk(reply, chunk)  # progress too: in the answer that waits on it
        reports = [chunk for chunk in chunks if isinstance(chunk, Progress)]
        if reports:  # the status bar shows where the work is now, once a frame
            self._show_progress(reports[-1])
        self.view.draw_due()  # a frame's chunks, drawn as they arrive

    def _on_turn_progress_reported(self, reply: int, progress: Progress) -> None:
        self.view.add_chunk(reply, progress)  # in the answer that waits on it
        self.view.draw_due()
        self._show_progress(progress)

    def _show_progress(self, progress: Progress) -> None:
        if progress.fraction is not None and progress.fraction >= 1.0:
            self.progress.hide()  # that work is done: its message says so for a while
            self.statusBar().showMessage(progress.message, DONE_MESSAGE_MS)
            return
        self.statusBar().showMessage(progress.message)
        self.progress.show()
        if progress.fraction is None:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(progress.fraction * 1000))

    def _on_turn_failed(self, reply: int, message: str) -> None:
        if reply:  # the answer failed; its message says why (in its conversation)
            if self.view.is_shown(reply):
                self.view.finish_reply(reply, "error", message)
            return
        if self._pending:  # storing the question failed: take back its placeholder
            self.view.remove_one(self._pending.pop(0))
        self.show_error(message)
        text, files = self._unsaved
        if not reply and not self.composer.editor.toPlainText() and (text or files):
            self.composer.editor.setPlainText(text)  # nothing typed is lost
            self.composer.add_files(files)

    def _on_turn_finished(self, reply: int) -> None:
        message = self.store.message(reply)
        if message is not None and message.status != "error":
            status = message.status if message.status in ("done", "stopped") else "stopped"
            self.view.finish_reply(reply, status)
        if not self.turns.busy:
            self.progress.hide()
            self.statusBar().clearMessage()
        self.memory.show_conversation(self.conversation_id)
        self.sidebar_refresh.start()  # in a frame of its own

    def show_error(self, message: str) -> None:
        """Tell the person about a problem, in the conversation where they will see it."""
        self.view.add_notice_line(message)
        self.statusBar().showMessage(message, 10_000)

    # ---- message actions ------------------------------------------------------------------

    def _on_view_action_requested(self, action: str, message_id: int) -> None:
        message = self.store.message(message_id)
        if message is None:
            return
        if action == "copy":
            QtGui.QGuiApplication.clipboard().setText(message.content)
        elif action == "edit":
            self.composer.begin_edit(message_id, message.content)
        elif action == "parameters":
            question, text, options = self.assistant.options_of(message_id)
            record = self.assistant.registry.record(message.plugin)
            manifest = record.manifest if record is not None else None
            self.composer.begin_edit_options(question, text, manifest, options)
        elif action == "regenerate":
            self.turns.stop(message_id)
            self.turns.regenerate(message_id)  # a new version; this one is kept
        elif action == "reroute":
            self._reroute_menu(message_id)
        elif action == "speak":
            self.read_aloud.read(message_id)

    def _reroute_menu(self, reply_id: int) -> None:
        menu = QMenu(self)
        for manifest in self.assistant.registry.manifests():
            menu.addAction(manifest.title, lambda name=manifest.name: self.reroute(reply_id, name))
        menu.exec(QtGui.QCursor.pos())

    def reroute(self, reply_id: int, plugin: str) -> None:
        """Answer the question behind *reply_id* again, by *plugin*."""
        self.turns.stop(reply_id)
        self.turns.regenerate(reply_id, plugin=plugin)  # a new version; this one is kept

    def _on_view_version_requested(self, message_id: int, step: int) -> None:
        versions = self.store.versions_of(message_id)
        if message_id not in versions:
            return
        index = versions.index(message_id) + step
        if 0 <= index < len(versions):
            self.assistant.choose_version(versions[index])
            self.open_conversation(self.conversation_id)

    def _on_view_earlier_requested(self) -> None:
        shown = self.view.message_ids()
        if not shown:
            return
        page = self.store.messages(self.conversation_id, before_id=shown[0], limit=PAGE_SIZE + 1)
        self.view.prepend(page[-PAGE_SIZE:], has_more=len(page) > PAGE_SIZE)

    def _on_view_source_requested(self, source: Source) -> None:
        from assistant.ui.source_viewer import show_source

        show_source(self, self.assistant, source)

    def _on_view_link_requested(self, url: QUrl) -> None:
        from assistant.ui.app_link_actions import follow_app_link

        if follow_app_link(self, url.toString()):
            return
        if url.isLocalFile() or url.scheme() in ("http", "https"):
            from assistant.ui.file_actions import open_or_keep

            open_or_keep(self, url)
        elif url.scheme() in self.assistant.registry:
            target = url.path(QUrl.ComponentFormattingOption.FullyEncoded)
            self.plugin_jobs.follow_link(url.scheme(), target)

    def reload_plugin(self, plugin: str) -> Job:
        """Unload *plugin* on its own thread; it loads again, with new settings, when asked."""
        self._show_chat_model()  # its settings may have changed
        return self.plugin_jobs.reload(plugin)

    def _on_sidebar_rename_requested(self, conversation_id: int, title: str) -> None:
        self.store.rename_conversation(conversation_id, title)
        self.refresh_conversations()

    def _on_sidebar_delete_requested(self, conversation_id: int) -> None:
        self.turns.stop_conversation(conversation_id)
        self.store.delete_conversation(conversation_id)
        if conversation_id == self.conversation_id:
            self.new_conversation()
        self.refresh_conversations()

    def _on_sidebar_export_requested(self, conversation_id: int, kind: str) -> None:
        from assistant.ui.export_actions import export_conversation

        export_conversation(self, conversation_id, kind)

    def _on_sidebar_search_changed(self, query: str) -> None:
        if query.strip():
            self.sidebar.show_hits(self.store.search(query))
        else:
            self.refresh_conversations()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop everything and give the workers a moment; an answer still stuck after it
        (a model load cannot be interrupted) is stored as stopped with what it said, and
        ``finished_cleanly`` is False: the app then exits without waiting for it."""
        self._sweeper.stop()
        self.sidebar_refresh.stop()  # a window that closes starts no more work
        if hasattr(self, "voice_mode"):
            self.voice_mode.stop()  # the microphone closes
        if hasattr(self, "turns"):
            self.turns.stop()  # answers end as "stopped", with what they said so far
        self.statusBar().showMessage(tr("Finishing…"))
        QCoreApplication.processEvents()  # show it before waiting for the workers
        self.finished_cleanly = self.jobs.shutdown(QUIT_GRACE_MS)
        if not self.finished_cleanly and hasattr(self, "turns"):
            self.turns.let_go_all()
        super().closeEvent(event)
