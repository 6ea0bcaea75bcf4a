"""Tests for the synthetic campaign generator (and the demo files whose format it copies)."""

import csv
import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml

from mapper.generate import generate_campaign

FILES = ("conversations.jsonl", "roster.csv", "hierarchy.csv", "ties.csv")
DEMO = Path(__file__).resolve().parents[1] / "seed_data" / "demo"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
RECORD_KEYS = {"id", "date", "organizer", "campaign", "contact", "space", "issues", "responsibility", "plan",
               "ask", "self_care", "follow_up", "referrals", "assessment", "notes"}


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def normalize(issue):
    return " ".join(issue.lower().replace("-", " ").split())


@pytest.fixture(scope="module")
def campaign(tmp_path_factory):
    out = tmp_path_factory.mktemp("campaign")
    counts = generate_campaign(out, people=4000, seed=11, campaign="test-campaign")
    return {
        "counts": counts,
        "dir": out,
        "records": read_jsonl(out / "conversations.jsonl"),
        "roster": read_csv(out / "roster.csv"),
        "hierarchy": read_csv(out / "hierarchy.csv"),
        "ties": read_csv(out / "ties.csv"),
    }


def test_the_same_seed_gives_byte_identical_files(tmp_path):
    generate_campaign(tmp_path / "a", people=700, seed=3)
    generate_campaign(tmp_path / "b", people=700, seed=3)
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_the_output_does_not_depend_on_the_interpreters_hash_seed(tmp_path):
    generate_campaign(tmp_path / "here", people=300, seed=5)
    code = ("from pathlib import Path; from mapper.generate import generate_campaign; "
            f"generate_campaign(Path({str(tmp_path / 'there')!r}), people=300, seed=5)")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=Path(__file__).resolve().parents[1])
    for name in FILES:
        assert (tmp_path / "here" / name).read_bytes() == (tmp_path / "there" / name).read_bytes(), name


def test_different_seeds_give_different_files(tmp_path):
    generate_campaign(tmp_path / "a", people=700, seed=1)
    generate_campaign(tmp_path / "b", people=700, seed=2)
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() != (tmp_path / "b" / name).read_bytes(), name


def test_counts_match_the_files(campaign):
    counts = campaign["counts"]
    issues = {normalize(i["issue"]) for r in campaign["records"] for i in r["issues"]}
    assert counts == {
        "people": 4000,
        "conversations": len(campaign["records"]),
        "roster": len(campaign["roster"]),
        "ties": len(campaign["ties"]),
        "decision_makers": len(campaign["hierarchy"]),
        "issues": len(issues),
    }
    assert counts["roster"] == 4000


def test_files_have_the_same_columns_as_the_demo_campaign(campaign):
    for name in ("roster.csv", "hierarchy.csv", "ties.csv"):
        with open(campaign["dir"] / name, encoding="utf-8") as f, open(DEMO / name, encoding="utf-8") as g:
            assert f.readline() == g.readline(), name


def test_names_and_record_ids_are_unique(campaign):
    names = [row["name"].lower() for row in campaign["roster"]]
    assert len(set(names)) == len(names)
    ids = [r["id"] for r in campaign["records"]]
    assert len(set(ids)) == len(ids)
    bosses = [row["name"] for row in campaign["hierarchy"]]
    assert len(set(bosses)) == len(bosses)
    assert not {b.lower() for b in bosses} & set(names)


def test_every_conversation_contact_and_referral_is_on_the_roster(campaign):
    roster = {row["name"]: row for row in campaign["roster"]}
    for r in campaign["records"]:
        contact = r["contact"]
        row = roster[contact["name"]]
        assert (row["workplace"], row["unit"], row["shift"], row["role"]) == (
            contact["workplace"], contact["unit"], contact["shift"], contact["role"])
        for ref in r.get("referrals", []):
            assert roster[ref["name"]]["unit"] == ref["unit"]


def test_referrals_point_to_people_never_contacted(campaign):
    contacted = {r["contact"]["name"] for r in campaign["records"]}
    referred = {ref["name"] for r in campaign["records"] for ref in r.get("referrals", [])}
    assert referred
    assert not referred & contacted


def test_every_named_decision_maker_is_in_the_hierarchy(campaign):
    hierarchy = {row["name"]: row for row in campaign["hierarchy"]}
    named = 0
    for r in campaign["records"]:
        for n in r.get("responsibility", {}).get("named", []):
            dm = n["decision_maker"]
            assert hierarchy[dm["name"]]["title"] == dm["title"]
            named += 1
    assert named > 0
    tops = [row for row in campaign["hierarchy"] if row["reports_to"] == ""]
    assert [row["title"] for row in tops] == ["Chief Executive Officer"]
    assert all(row["reports_to"] in hierarchy for row in campaign["hierarchy"] if row["reports_to"])


def test_every_tie_endpoint_is_on_the_roster(campaign):
    names = {row["name"] for row in campaign["roster"]}
    pairs = set()
    for tie in campaign["ties"]:
        assert tie["person"] in names and tie["other"] in names
        assert tie["person"] != tie["other"]
        pairs.add(frozenset((tie["person"], tie["other"])))
    assert len(pairs) == len(campaign["ties"])


def test_records_follow_the_product_shape(campaign):
    for r in campaign["records"]:
        assert set(r) <= RECORD_KEYS
        assert ISO_DATE.match(r["date"]) and r["id"].startswith(r["date"])
        assert r["organizer"] and r["contact"]["name"] and r["campaign"] == "test-campaign"
        assert 0 <= r["space"]["listening_share"] <= 1
        for issue in r["issues"]:
            assert type(issue["anger"]) is int and 0 <= issue["anger"] <= 5
            assert type(issue["witnessed_harm"]) is bool
        if "plan" in r:
            assert type(r["plan"]["hope"]) is int and 0 <= r["plan"]["hope"] <= 5
        if "ask" in r:
            ask = r["ask"]
            assert ask["response"] in {"yes", "no", "maybe", "not_asked"}
            assert ask["asked"] == (ask["response"] != "not_asked")
            assert "due" not in ask or ISO_DATE.match(ask["due"])
        assert "due" not in r["follow_up"] or ISO_DATE.match(r["follow_up"]["due"])
        assert type(r["assessment"]) is int and 1 <= r["assessment"] <= 5


def test_the_top_three_issues_hold_most_of_the_strong_anger(campaign):
    angry = Counter(normalize(i["issue"]) for r in campaign["records"] for i in r["issues"] if i["anger"] >= 3)
    top3 = sum(n for _, n in angry.most_common(3))
    assert top3 / sum(angry.values()) > 0.6
    assert {issue for issue, _ in angry.most_common(3)} == {
        "short staffing", "mandatory overtime", "unsafe patient ratios"}


def test_about_forty_percent_are_contacted_and_some_more_than_once(campaign):
    visits = Counter(r["contact"]["name"] for r in campaign["records"])
    assert 0.35 < len(visits) / 4000 < 0.45
    repeat = sum(n > 1 for n in visits.values()) / len(visits)
    assert 0.12 < repeat < 0.28
    dates = defaultdict(list)
    for r in campaign["records"]:
        dates[r["contact"]["name"]].append(r["date"])
    assert all(len(set(d)) == len(d) for d in dates.values())


def test_ties_are_mostly_within_units_and_some_people_are_organic_leaders(campaign):
    unit = {row["name"]: row["unit"] for row in campaign["roster"]}
    ties = campaign["ties"]
    within = sum(unit[t["person"]] == unit[t["other"]] for t in ties)
    assert 0.75 < within / len(ties) < 0.98
    degree = Counter()
    for t in ties:
        degree[t["person"]] += 1
        degree[t["other"]] += 1
    assert 2.5 < 2 * len(ties) / 4000 < 4
    assert sum(d >= 8 for d in degree.values()) >= 40
    assert max(degree.values()) >= 15


def test_progress_is_reported_up_to_the_total(tmp_path):
    seen = []
    generate_campaign(tmp_path, people=25_000, seed=0, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 25_000 and len(seen) >= 2


@pytest.mark.parametrize("kwargs", [{"people": 0}, {"people": 10, "weeks": 0}])
def test_impossible_sizes_are_rejected(tmp_path, kwargs):
    with pytest.raises(ValueError):
        generate_campaign(tmp_path, **kwargs)


def test_a_one_week_campaign_of_one_person_still_works(tmp_path):
    counts = generate_campaign(tmp_path, people=1, weeks=1, seed=9)
    assert counts["roster"] == 1 and counts["ties"] == 0
    assert len(read_jsonl(tmp_path / "conversations.jsonl")) == counts["conversations"]


def test_the_demo_campaign_names_only_roster_people_and_known_decision_makers():
    records = yaml.safe_load((DEMO / "conversations.yaml").read_text(encoding="utf-8"))
    roster = {row["name"].lower() for row in read_csv(DEMO / "roster.csv")}
    bosses = {row["name"] for row in read_csv(DEMO / "hierarchy.csv")}
    assert len(records) >= 34 and len({r["id"] for r in records}) == len(records)
    for r in records:
        assert r["contact"]["name"].lower() in roster, r["id"]
        assert r.get("ask", {}).get("response", "not_asked") in {"yes", "no", "maybe", "not_asked"}, r["id"]
        for ref in r.get("referrals", []):
            assert ref["name"].lower() in roster, r["id"]
        for n in r.get("responsibility", {}).get("named", []):
            assert n["decision_maker"]["name"] in bosses, r["id"]
    for tie in read_csv(DEMO / "ties.csv"):
        assert tie["person"].lower() in roster and tie["other"].lower() in roster
