"""Server-side paging for AG Grid's infinite row model: filter, sort and slice rows per request.

The grid asks for a block (``startRow``..``endRow``) with its ``sortModel`` and
``filterModel``; the answer is that block and the number of rows the filters leave, so a
list of 100k people never travels to the browser whole.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["page", "select", "equals_filter", "MAX_BLOCK"]

MAX_BLOCK = 500  # a request may not ask for more rows than this at once

Row = dict[str, Any]


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return " | ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _text_test(kind: str, needle: str) -> Callable[[Any], bool]:
    n = needle.casefold()
    tests: dict[str, Callable[[str], bool]] = {
        "contains": lambda s: n in s,
        "notContains": lambda s: n not in s,
        "equals": lambda s: s == n,
        "notEqual": lambda s: s != n,
        "startsWith": lambda s: s.startswith(n),
        "endsWith": lambda s: s.endswith(n),
        "blank": lambda s: s == "",
        "notBlank": lambda s: s != "",
    }
    test = tests.get(kind, tests["contains"])

    def check(value: Any) -> bool:
        if isinstance(value, (list, tuple)) and kind == "equals":
            return any(str(v).casefold() == n for v in value)
        return test(_text(value).casefold())
    return check


def _number_test(kind: str, a: Any, b: Any) -> Callable[[Any], bool]:
    def num(v: Any) -> float | None:
        try:
            return None if v is None or v == "" else float(v)
        except (TypeError, ValueError):
            return None
    x, y = num(a), num(b)
    tests: dict[str, Callable[[float], bool]] = {
        "equals": lambda v: x is not None and v == x,
        "notEqual": lambda v: x is None or v != x,
        "greaterThan": lambda v: x is not None and v > x,
        "greaterThanOrEqual": lambda v: x is not None and v >= x,
        "lessThan": lambda v: x is not None and v < x,
        "lessThanOrEqual": lambda v: x is not None and v <= x,
        "inRange": lambda v: x is not None and y is not None and x <= v <= y,
    }

    def check(value: Any) -> bool:
        v = num(value)
        if kind == "blank":
            return v is None
        if kind == "notBlank":
            return v is not None
        return v is not None and tests.get(kind, tests["equals"])(v)
    return check


def _condition(model: dict[str, Any]) -> Callable[[Any], bool]:
    if "conditions" in model:
        parts = [_condition(c) for c in model.get("conditions") or []]
        if model.get("operator", "AND").upper() == "OR":
            return lambda v: any(p(v) for p in parts)
        return lambda v: all(p(v) for p in parts)
    kind = model.get("type", "contains")
    if model.get("filterType") == "number":
        return _number_test(kind, model.get("filter"), model.get("filterTo"))
    return _text_test(kind, str(model.get("filter") or ""))


def _sort_key(value: Any) -> tuple:
    # None last in ascending order; numbers before text.
    if value is None or value == "":
        return (2, 0, "")
    if isinstance(value, bool):
        return (0, float(value), "")
    if isinstance(value, (int, float)):
        return (0, float(value), "")
    return (1, 0, _text(value).casefold())


def page(rows: Sequence[Row], request: dict[str, Any] | None,
         fields: set[str] | None = None) -> dict[str, Any]:
    """The block of ``rows`` a grid request asks for, as ``{"rowData", "rowCount"}``.

    Filters and sorts only on ``fields`` (the grid's columns) when given: a request cannot
    reach a value the page does not show.

    >>> rows = [{"name": "Ana", "unit": "ICU", "score": 3}, {"name": "Ben", "unit": "ER", "score": 5},
    ...         {"name": "Cam", "unit": "ICU", "score": 4}]
    >>> page(rows, {"startRow": 0, "endRow": 1, "sortModel": [{"colId": "score", "sort": "desc"}],
    ...             "filterModel": {"unit": {"filterType": "text", "type": "equals", "filter": "icu"}}})
    {'rowData': [{'name': 'Cam', 'unit': 'ICU', 'score': 4}], 'rowCount': 2}
    """
    request = request or {}
    selected = select(rows, request, fields)
    start = max(0, int(request.get("startRow") or 0))
    end = int(request.get("endRow") or start + 100)
    end = min(max(start, end), start + MAX_BLOCK)
    return {"rowData": list(selected[start:end]), "rowCount": len(selected)}


def select(rows: Sequence[Row], request: dict[str, Any] | None,
           fields: set[str] | None = None) -> Sequence[Row]:
    """Every row a grid request's filters leave, in its sort order (what :func:`page` slices).

    The downloads of a list use it too, so a file holds the rows the page shows, in its order.
    """
    request = request or {}
    selected: Sequence[Row] = rows
    for col, model in (request.get("filterModel") or {}).items():
        if fields is not None and col not in fields:
            continue
        if not isinstance(model, dict):
            continue
        test = _condition(model)
        selected = [r for r in selected if test(r.get(col))]
    sort = [s for s in (request.get("sortModel") or [])
            if isinstance(s, dict) and (fields is None or s.get("colId") in fields)]
    if sort:
        selected = list(selected)
        for s in reversed(sort):  # stable sorts, last key first
            col = s["colId"]
            selected.sort(key=lambda r: _sort_key(r.get(col)), reverse=s.get("sort") == "desc")
    return selected


def equals_filter(**values: str | None) -> dict[str, Any]:
    """A grid filter model asking for columns equal to the values given (blank ones ignored).

    >>> equals_filter(unit="ICU", organizer=None)
    {'unit': {'filterType': 'text', 'type': 'equals', 'filter': 'ICU'}}
    """
    return {col: {"filterType": "text", "type": "equals", "filter": v}
            for col, v in values.items() if v}
