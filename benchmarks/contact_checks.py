"""What checking a 1-on-1's phone and email costs per record (mapper.models.Contact).

    python -m benchmarks.contact_checks

Validates 20,000 records four ways — no contact details, a phone, an email, both — every phone
and email distinct (no help from the cache), and prints the best of three runs for each.
"""

from __future__ import annotations

import time

N = 20_000


def _records(phone: bool, email: bool) -> list[dict]:
    out = []
    for i in range(N):
        contact = {"name": f"Person {i}", "unit": "ICU"}
        if phone:
            n = i % 10_000
            contact["phone"] = f"(312) 555-{n:04d}" if i % 2 else f"+1 415 555 {n:04d}"
        if email:
            contact["email"] = f"person.{i}@example.org"
        out.append({"date": "2026-11-20", "organizer": "Maya Ortiz", "contact": contact})
    return out


def main() -> None:
    from mapper import models

    base = None
    for label, phone, email in (("no contact details", False, False), ("a phone", True, False),
                                ("an email", False, True), ("phone and email", True, True)):
        data = _records(phone, email)
        best = float("inf")
        for _ in range(3):
            models._e164.cache_clear()
            models._normalized_email.cache_clear()
            start = time.perf_counter()
            for d in data:
                models.OneOnOne.model_validate(d)
            best = min(best, time.perf_counter() - start)
        per = best / N * 1e6
        base = per if base is None else base
        print(f"{label:20s} {per:7.1f} µs/record  (+{per - base:.1f})")


if __name__ == "__main__":
    main()
