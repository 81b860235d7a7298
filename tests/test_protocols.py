"""A Protocol only describes: a method body written in one is never run by the classes
that follow it (they do not inherit from it), so it is a mistake wherever it appears.

This is how the documents' numpy search once sat unused in ``VectorIndex`` while the
store kept searching with the slower SQLite scan.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _describes_only(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    body = list(function.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    return all(
        (
            isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Constant)
            and statement.value.value is Ellipsis
        )
        or isinstance(statement, ast.Pass)
        for statement in body
    )


def _is_protocol(node: ast.ClassDef) -> bool:
    names = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}
    return "Protocol" in names


def test_protocols_hold_no_code() -> None:
    found = []
    for folder in ("assistant", "plugins"):
        for path in sorted((REPO / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and _is_protocol(node):
                    found += [
                        f"{path.relative_to(REPO)}: {node.name}.{item.name}"
                        for item in node.body
                        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                        and not _describes_only(item)
                    ]
    assert found == []
