"""The dashboard's pages, one module each; ``dashboard.app.PAGE_MODULES`` lists them in order."""

from __future__ import annotations

from typing import Any

import dash

__all__ = ["register_page", "register_all"]

_PAGES: dict[str, dict[str, Any]] = {}


def register_page(module: str, **options: Any) -> None:
    """``dash.register_page``, which needs an app: a page imported before one (a unit test
    calling its callbacks) is registered by :func:`register_all` when the app is made."""
    _PAGES[module] = options
    try:
        dash.register_page(module, **options)
    except dash.exceptions.PageError:
        pass


def register_all() -> None:
    for module, options in _PAGES.items():
        if module not in dash.page_registry:
            dash.register_page(module, **options)
