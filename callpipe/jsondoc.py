"""Reading a JSON document from outside, with its nesting bounded.

Python's JSON reader recurses once per level: a document nested 100,000
deep raises RecursionError (a crash, not a parse error), and one nested a
few hundred deep parses but breaks whatever walks it later. Every source of
transcripts reads through `load_json_document`, so such input is refused
with one line like any other bad JSON.
"""

from __future__ import annotations

import json

from callpipe.analysis.limits import MAX_JSON_DEPTH


class JsonDocumentError(ValueError):
    """Not a JSON document we take; ``reason`` says why in one line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def load_json_document(text: str, max_depth: int = MAX_JSON_DEPTH) -> object:
    """The decoded document; raises JsonDocumentError for bad or too deeply nested JSON."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise JsonDocumentError(
            f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc
    except RecursionError as exc:
        raise JsonDocumentError(f"JSON nested more than {max_depth} levels deep") from exc
    if json_depth(document) > max_depth:
        raise JsonDocumentError(f"JSON nested more than {max_depth} levels deep")
    return document


def json_depth(document: object) -> int:
    """Levels of arrays and objects (a scalar is 0, ``[]`` is 1), without recursion."""
    deepest = 0
    pending: list[tuple[object, int]] = [(document, 0)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children: list[object] | None = list(value.values())
        elif isinstance(value, list):
            children = value
        else:
            children = None
        if children is not None:
            depth += 1
            deepest = max(deepest, depth)
            pending.extend((child, depth) for child in children)
    return deepest
