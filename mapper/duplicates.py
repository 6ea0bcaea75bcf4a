"""Possible duplicates: names that look alike but have different keys, for a person to merge."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any
import unicodedata

from rapidfuzz import fuzz, process

from mapper.keys import normalize

from mapper.snapshot import Snapshot

__all__ = ["similar_names", "find_duplicates", "contact_lookalikes"]


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
    [{'a': 'a', 'a_name': 'Ana Lopez', 'b': 'b', 'b_name': 'Ana Lópes', 'score': 88.9, 'reason': 'name'}]
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
                                  "b_name": other[1], "score": round(float(score), 1),
                                  "reason": "name"})
    return sorted(pairs, key=lambda p: (-p["score"], p["a"], p["b"]))


def contact_lookalikes(store: Any, campaign: str) -> list[dict]:
    """People of different keys who share an email or a phone number, from the stored roster
    rows and 1-on-1s (the details themselves are not returned: only that they match)."""
    from mapper.identity import _Campaign, email_key, phone_key

    camp = _Campaign(campaign, store.aliases(campaign))
    names: dict[str, str] = {}
    holders: dict[tuple[str, str], set[str]] = defaultdict(set)
    for kind in ("roster", "conversation"):
        for rec in store.iter_records(campaign, kind):
            body = rec.body.get("contact", {}) if kind == "conversation" else rec.body
            if not isinstance(body, dict) or not body.get("name"):
                continue
            key = camp.key(body["name"], body.get("custom_id"))
            names.setdefault(key, body["name"])
            for what, value in (("email", email_key(body.get("email"))),
                                ("phone", phone_key(body.get("phone")))):
                if value:
                    holders[(what, value)].add(key)
    pairs: dict[tuple[str, str], dict] = {}
    for (what, _), keys in holders.items():
        ordered = sorted(keys)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                found = pairs.setdefault((a, b), {
                    "a": a, "a_name": names[a], "b": b, "b_name": names[b],
                    "score": round(float(fuzz.token_sort_ratio(_fold(names[a]), _fold(names[b]))), 1),
                    "reason": what})
                if what not in found["reason"].split("+"):
                    found["reason"] = "+".join(sorted({*found["reason"].split("+"), what}))
    return sorted(pairs.values(), key=lambda p: (-p["score"], p["a"], p["b"]))


def find_duplicates(snapshot: Snapshot, *, threshold: float = 85.0,
                    store: Any | None = None) -> dict[str, list[dict]]:
    """Look-alike people, issues and decision makers in one campaign; with ``store``, people
    sharing an email or phone too (whatever their names), as the import reports them."""
    people = similar_names(((p.key, p.name) for p in snapshot.people.values()),
                           threshold=threshold, block=len(snapshot.people) > 5000)
    if store is not None:
        by_name = {(p["a"], p["b"]) for p in people}
        people += [p for p in contact_lookalikes(store, snapshot.campaign)
                   if (p["a"], p["b"]) not in by_name and (p["b"], p["a"]) not in by_name]
        people.sort(key=lambda p: (-p["score"], p["a"], p["b"]))
    return {
        "person": people,
        "issue": similar_names(snapshot.issues.items(), threshold=threshold),
        "decision_maker": similar_names(((d.key, d.name) for d in snapshot.decision_makers.values()),
                                        threshold=threshold),
    }
