"""Normalized keys: how names of people, issues and decision makers are matched."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize", "slug", "node_key"]

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def normalize(name: str) -> str:
    """Return the matching key of a name: case, spacing and punctuation do not count.

    Accents do count ("José" and "Jose" may be two people); such look-alikes are
    reported by ``mapper duplicates`` for a person to merge, never merged here.

    Examples
    --------
    >>> normalize("  Short-Staffing ")
    'short staffing'
    >>> normalize("O'Neill,  Siobhán")
    'o neill siobhán'
    """
    text = unicodedata.normalize("NFKC", name).casefold()
    text = text.replace("_", " ")
    return _NON_WORD.sub(" ", text).strip()


def slug(name: str) -> str:
    """Return an id-friendly form of a name.

    >>> slug("Ana López")
    'ana-lopez'
    """
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "-".join(normalize(ascii_).split()) or "x"


def node_key(kind: str, campaign: str, name: str) -> str:
    """Return the store-wide key of a node scoped to a campaign.

    >>> node_key("issue", "c1", "Short  staffing")
    'issue:c1:short staffing'
    """
    return f"{kind}:{campaign}:{normalize(name)}"
