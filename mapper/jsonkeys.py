"""Keys given twice in one JSON object, which a JSON parser would keep the last of silently."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import orjson

__all__ = ["keys_given_twice"]

# Stands for the value of a key given twice (the values themselves are never looked at).
_TWICE = object()


def keys_given_twice(text: str | bytes, data: Any) -> list[tuple[str | int, ...]]:
    """The path to each key given twice in one object of a JSON ``text``, in the order of the
    text; ``data`` is the text as parsed (orjson, as everywhere: it cannot tell).

    A cheap test first, so a big file without any costs about a third of its parse: each key
    given twice takes its quotes out of ``data``, and every other quote of the text is still
    there once ``data`` is written back (a quote inside a string is written ``\\"`` both
    ways; only the rare ``\\u0022`` is not, and then the text is read again to know).

    >>> keys_given_twice('{"a": 1, "b": {"c": 2, "c": 3}}', {"a": 1, "b": {"c": 3}})
    [('b', 'c')]
    >>> keys_given_twice('[{"a": "say \\\\"hi\\\\": now"}]', [{"a": 'say "hi": now'}])
    []
    """
    quote, escaped = ('"', "\\u0022") if isinstance(text, str) else (b'"', b"\\u0022")
    if escaped not in text:
        try:
            if text.count(quote) == orjson.dumps(data).count(b'"'):  # type: ignore[arg-type]
                return []
        except (orjson.JSONEncodeError, TypeError):
            pass
    try:
        marked = json.loads(text, object_pairs_hook=_marking)
    except (ValueError, RecursionError):
        # Not JSON the standard library reads (or nested deeper than it goes): no record is
        # that deep, and it is refused for what it is.
        return []
    return list(_marks(marked))


def _marking(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    twice = []
    for key, value in pairs:
        if key in out:
            twice.append(key)
        out[key] = value
    for key in twice:
        out[key] = _TWICE
    return out


def _marks(data: Any) -> Iterator[tuple[str | int, ...]]:
    # By a stack, not recursion: orjson reads 1,024 levels, more than Python recurses.
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if value is _TWICE:
            yield path
        elif isinstance(value, dict):
            stack.extend(((*path, k), v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*path, i), v) for i, v in reversed(list(enumerate(value))))
