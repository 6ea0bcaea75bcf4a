"""The lists' "Score" is explained: its header's tooltip lists the parts the scoring code adds
up, built from the weights themselves so the words cannot drift from the numbers."""

from __future__ import annotations

from dashboard.pages import ready, talk_next
from mapper.analytics import readiness
from mapper.analytics.attempts import ATTEMPT_POINTS
from mapper.analytics.talk_next import SCORE_PARTS as NEXT_PARTS, TIE_POINTS


def _column(columns, field):
    [col] = [c for c in columns if c["field"] == field]
    return col


def test_the_readiness_parts_name_every_weight_with_its_points():
    parts = "\n".join(readiness.SCORE_PARTS)
    for words in ("anger on their top issue: +1 per point", "realizations: +1.5",
                  "hope: +0.5 per point", "will come to a meeting +2", "+3, +2, 0, −4, −8",
                  "each committed person they trust: +1.5", "said no recently −3",
                  "each fear voiced: −1.5", "refused −3", "no answer −0.5"):
        assert words in parts
    assert len(readiness.SCORE_PARTS) >= 10


def test_the_talk_next_parts_name_every_tie_weight_and_attempts():
    parts = "\n".join(NEXT_PARTS)
    assert f"committed +{TIE_POINTS['committed']:g}, angry +{TIE_POINTS['angry']:g}" in parts
    assert "referred" in parts and "unit's gap: +3" in parts
    assert f"refused −{-ATTEMPT_POINTS['refused']:g}" in parts


def test_each_score_header_carries_its_own_parts():
    for columns, parts in ((ready.COLUMNS, readiness.SCORE_PARTS),
                           (talk_next.COLUMNS, NEXT_PARTS)):
        tip = _column(columns, "score")["headerTooltip"]
        assert tip.startswith("The score adds up")
        for part in parts:
            assert part in tip
    assert "unit's gap" not in _column(ready.COLUMNS, "score")["headerTooltip"]
    assert "hope" not in _column(talk_next.COLUMNS, "score")["headerTooltip"]
