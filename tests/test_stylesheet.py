"""The dashboard's own stylesheet (no CDN): every block it opens it closes, or the rules after
an unclosed one apply only inside it (a print or narrow-screen block swallowing the rest)."""

from __future__ import annotations

import re
from pathlib import Path

STYLE = Path(__file__).resolve().parents[1] / "dashboard" / "assets" / "style.css"


def test_every_block_of_the_stylesheet_is_closed_before_the_next_section():
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n") + "/**/", STYLE.read_text(),
                  flags=re.S)
    depth = 0
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("/**/"):  # a section's opening comment stands at the top level
            assert depth == 0, f"style.css:{number}: a section starts inside an open block"
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"style.css:{number}: a block closed that was not open"
    assert depth == 0
