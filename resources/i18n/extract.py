"""Collect the UI's translatable strings into the Qt Linguist files (``assistant_*.ts``).

Every module of ``assistant/ui`` translates through a module-level helper::

    def tr(text: str) -> str:
        return QCoreApplication.translate("MainWindow", text)

``pyside6-lupdate`` finds the ``tr("...")`` calls but files them under an empty context,
because it cannot see the context the helper passes on, so at run time none of them would
be translated. This script reads each module's helper to learn its context, collects every
``tr()`` literal with :mod:`ast` (also ``tr(name)`` inside a loop over a tuple of literals,
e.g. table headers) and writes the ``.ts`` files, keeping every translation already made.
A ``tr()`` call with a count is a plural ("numerus") message.

Run from anywhere::

    python resources/i18n/extract.py            # update every assistant_*.ts here
    python resources/i18n/extract.py --check    # exit 1 if a .ts lacks a string, write nothing

then translate (Qt Linguist, or by hand) and compile with ``pyside6-lrelease``.
"""

from __future__ import annotations

import argparse
import ast
import os
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SOURCES = ROOT / "assistant" / "ui"
Key = tuple[str, str]  # (context, source text)


@dataclass
class Message:
    """One translatable string and where it is used."""

    context: str
    source: str
    numerus: bool = False
    locations: list[tuple[Path, int]] = field(default_factory=list)


@dataclass
class Translation:
    """What a .ts file already says for one message."""

    forms: list[str]  # one text, or one per plural form
    kind: str = ""  # "" (finished), "unfinished", "vanished" or "obsolete"


# ---- reading the sources ------------------------------------------------------------------


def helper_context(tree: ast.Module) -> str | None:
    """The context a module's ``tr`` helper passes to ``QCoreApplication.translate``."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "tr":
            for call in ast.walk(node):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "translate"
                    and call.args
                    and isinstance(call.args[0], ast.Constant)
                    and isinstance(call.args[0].value, str)
                ):
                    return call.args[0].value
    return None


def _literals(node: ast.Tuple | ast.List) -> list[str] | None:
    """The strings of a tuple or list made only of string literals, else None."""
    strings = [i.value for i in node.elts if isinstance(i, ast.Constant)]
    if node.elts and len(strings) == len(node.elts) and all(isinstance(s, str) for s in strings):
        return strings
    return None


def _string_tuples(tree: ast.Module) -> dict[str, list[str]]:
    """Names assigned a tuple or list of string literals, at module or class level."""
    found: dict[str, list[str]] = {}
    bodies = [tree.body] + [n.body for n in tree.body if isinstance(n, ast.ClassDef)]
    for body in bodies:
        for node in body:
            targets = node.targets if isinstance(node, ast.Assign) else []
            if isinstance(node, ast.AnnAssign) and node.value is not None:
                targets, value = [node.target], node.value
            else:
                value = getattr(node, "value", None)
            if not isinstance(value, ast.Tuple | ast.List):
                continue
            items = value.elts
            if items and all(
                isinstance(i, ast.Constant) and isinstance(i.value, str) for i in items
            ):
                for target in targets:
                    if isinstance(target, ast.Name):
                        found[target.id] = [i.value for i in items]  # type: ignore[attr-defined]
    return found


class _Collector(ast.NodeVisitor):
    """Finds ``tr(...)`` calls, following loop variables back to tuples of literals."""

    def __init__(self, path: Path, context: str, constants: dict[str, list[str]]) -> None:
        self.path, self.context, self.constants = path, context, constants
        self.found: list[tuple[str, bool, int]] = []  # source, numerus, line
        self.problems: list[str] = []
        self._loops: list[dict[str, ast.expr]] = []  # loop variable -> what it iterates

    def _visit_comprehension(self, node: ast.AST) -> None:
        generators = node.generators  # type: ignore[attr-defined]
        self._loops.append(
            {g.target.id: g.iter for g in generators if isinstance(g.target, ast.Name)}
        )
        self.generic_visit(node)
        self._loops.pop()

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = _visit_comprehension

    def visit_For(self, node: ast.For) -> None:
        bound = {node.target.id: node.iter} if isinstance(node.target, ast.Name) else {}
        self._loops.append(bound)
        self.generic_visit(node)
        self._loops.pop()

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name) and node.func.id == "tr" and node.args:
            numerus = len(node.args) > 1 or any(k.arg in ("n", "count") for k in node.keywords)
            for text in self._texts(node.args[0]):
                self.found.append((text, numerus, node.lineno))
        self.generic_visit(node)

    def _texts(self, argument: ast.expr) -> list[str]:
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            return [argument.value]
        if isinstance(argument, ast.Name):
            for loops in reversed(self._loops):
                if argument.id in loops:
                    values = self._iterated(loops[argument.id])
                    if values is not None:
                        return values
                    break
        where = f"{self.path.relative_to(ROOT)}:{argument.lineno}"
        self.problems.append(f"{where}: tr() of {ast.unparse(argument)!r} cannot be extracted")
        return []

    def _iterated(self, iterable: ast.expr) -> list[str] | None:
        name = None
        if isinstance(iterable, ast.Name):
            name = iterable.id
        elif isinstance(iterable, ast.Attribute):  # self.COLUMNS, Class.COLUMNS
            name = iterable.attr
        elif isinstance(iterable, ast.Tuple | ast.List):
            return _literals(iterable)
        return self.constants.get(name) if name else None


def collect(paths: Iterable[Path]) -> tuple[dict[Key, Message], list[str]]:
    """Every translatable message in *paths*, by (context, source), and what was skipped."""
    messages: dict[Key, Message] = {}
    problems: list[str] = []
    for path in sorted(paths):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        context = helper_context(tree)
        if context is None:
            continue  # no tr() helper: nothing of this module is translated
        collector = _Collector(path, context, _string_tuples(tree))
        collector.visit(tree)
        problems.extend(collector.problems)
        for text, numerus, line in collector.found:
            message = messages.setdefault((context, text), Message(context, text))
            message.numerus = message.numerus or numerus
            message.locations.append((path, line))
    return messages, problems


# ---- reading and writing .ts files ----------------------------------------------------------


def read_ts(path: Path) -> dict[Key, Translation]:
    """The translations a .ts file holds, by (context, source)."""
    if not path.exists():
        return {}
    found: dict[Key, Translation] = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            element = message.find("translation")
            if element is None:
                continue
            forms = [f.text or "" for f in element.iter("numerusform")]
            if not forms:
                forms = [element.text or ""]
            found[(name, source)] = Translation(forms, element.get("type", ""))
    return found


def ts_language(path: Path) -> str:
    """``assistant_zh_CN.ts`` -> ``zh_CN``."""
    return path.stem.partition("_")[2]


def render_ts(
    path: Path, messages: dict[Key, Message], translations: dict[Key, Translation]
) -> str:
    """The text of a .ts file for *messages*, with *translations* kept.

    Translations of strings the code no longer uses are kept as "vanished" (lrelease leaves
    them out), so that a string that comes back finds its translation again.
    """
    by_context: dict[str, list[tuple[Message | None, Key]]] = {}
    for key, message in messages.items():
        by_context.setdefault(key[0], []).append((message, key))
    for key, translation in translations.items():
        if key not in messages and any(translation.forms):
            by_context.setdefault(key[0], []).append((None, key))
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        "<!DOCTYPE TS>",
        f'<TS version="2.1" language="{ts_language(path)}" sourcelanguage="en">',
    ]
    for context in sorted(by_context):
        lines += ["<context>", f"    <name>{escape(context)}</name>"]
        for message, key in by_context[context]:
            lines += _message_lines(path, message, key, translations.get(key))
        lines.append("</context>")
    lines.append("</TS>")
    return "\n".join(lines) + "\n"


def _message_lines(
    path: Path, message: Message | None, key: Key, translation: Translation | None
) -> Iterator[str]:
    numerus = (message.numerus if message else False) or bool(
        translation and len(translation.forms) > 1
    )
    yield '    <message numerus="yes">' if numerus else "    <message>"
    for source_file, line in message.locations if message else []:
        name = Path(os.path.relpath(source_file, path.parent)).as_posix()
        yield f'        <location filename={quoteattr(name)} line="{line}"/>'
    yield f"        <source>{escape(key[1])}</source>"
    forms = translation.forms if translation else [""]
    kind = "vanished" if message is None else (translation.kind if translation else "unfinished")
    if kind in ("vanished", "obsolete") and message is not None:
        kind = "unfinished"  # back in use: to be checked again
    if not any(forms) and message is not None:
        kind = "unfinished"
    attribute = f' type="{kind}"' if kind else ""
    if numerus:
        yield f"        <translation{attribute}>"
        for form in forms:
            yield f"            <numerusform>{escape(form)}</numerusform>"
        yield "        </translation>"
    else:
        yield f"        <translation{attribute}>{escape(forms[0])}</translation>"
    yield "    </message>"


def ts_files(given: list[str]) -> list[Path]:
    """The .ts files named, or every ``assistant_*.ts`` here (``zh_CN`` if there is none)."""
    if given:
        return [Path(p).resolve() for p in given]
    return sorted(HERE.glob("assistant_*.ts")) or [HERE / "assistant_zh_CN.ts"]


def main(argv: list[str] | None = None) -> int:
    """Update (or with --check, verify) the .ts files; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ts", nargs="*", help="the .ts files (default: assistant_*.ts here)")
    parser.add_argument("--check", action="store_true", help="only check; write nothing")
    args = parser.parse_args(argv)
    messages, problems = collect(SOURCES.glob("*.py"))
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    status = 0
    for path in ts_files(args.ts):
        translations = read_ts(path)
        missing = [key for key in messages if key not in translations]
        if args.check:
            for context, source in missing:
                print(f"{path.name}: missing [{context}] {source!r}", file=sys.stderr)
            status = status or int(bool(missing))
            continue
        path.write_text(render_ts(path, messages, translations), encoding="utf-8")
        unfinished = sum(1 for key in messages if key not in translations or translations[key].kind)
        print(
            f"{path.name}: {len(messages)} messages, {len(missing)} new, {unfinished} to translate"
        )
    return status


if __name__ == "__main__":
    raise SystemExit(main())
