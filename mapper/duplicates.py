"""Possible duplicates: names that look alike but have different keys, for a person to merge."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
import unicodedata

from rapidfuzz import fuzz, process

from mapper.keys import normalize

from mapper.snapshot import Snapshot

__all__ = ["similar_names", "find_duplicates"]


def _fold(name: str) -> str:
    # Accents and case are what a typo most often changes; compare without them.
    bare = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    return normalize(bare)


def similar_names(names: Iterable[tuple[str, str]], *, threshold: float = 85.0,
                  block: bool = False) -> list[dict]:
    """Pairs of ``(key, name)`` whose names look alike, most alike first.

    With ``block`` only names sharing the first letter of their first and last word are
    compared, which keeps a large roster from being compared pairwise.

    >>> similar_names([("a", "Ana Lopez"), ("b", "Ana Lópes"), ("c", "Ben Ortiz")])
    [{'a': 'a', 'a_name': 'Ana Lopez', 'b': 'b', 'b_name': 'Ana Lópes', 'score': 88.9}]
    """
    items = sorted(set(names))
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key, name in items:
        words = name.casefold().split() or ["?"]
        groups[(words[0][0] + words[-1][0]) if block else ""].append((key, name))
    pairs = []
    for group in groups.values():
        if len(group) < 2:
            continue
        folded = [_fold(n) for _, n in group]
        for i in range(len(group) - 1):
            for _, score, j in process.extract(folded[i], folded[i + 1:], scorer=fuzz.token_sort_ratio,
                                               score_cutoff=threshold, limit=None):
                other = group[i + 1 + j]
                if group[i][0] != other[0]:
                    pairs.append({"a": group[i][0], "a_name": group[i][1], "b": other[0],
                                  "b_name": other[1], "score": round(float(score), 1)})
    return sorted(pairs, key=lambda p: (-p["score"], p["a"], p["b"]))


def find_duplicates(snapshot: Snapshot, *, threshold: float = 85.0) -> dict[str, list[dict]]:
    """Look-alike people, issues and decision makers in one campaign."""
    return {
        "person": similar_names(((p.key, p.name) for p in snapshot.people.values()),
                                threshold=threshold, block=len(snapshot.people) > 5000),
        "issue": similar_names(snapshot.issues.items(), threshold=threshold),
        "decision_maker": similar_names(((d.key, d.name) for d in snapshot.decision_makers.values()),
                                        threshold=threshold),
    }
