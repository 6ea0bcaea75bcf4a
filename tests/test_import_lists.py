"""Bringing a campaign's lists in (issue #13): spreadsheets of any common shape, mapped by their
headers, matched on custom id, then name; look-alikes reported, never merged silently.

Each file is made here; each import runs on both stores (the ``store`` fixture) with its
counts checked, and importing it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from mapper.cli import app
from mapper.duplicates import find_duplicates
from mapper.importer import ImportOptions, import_files
from mapper.mapping import Mapping, suggest
from mapper.models import AliasRow
from mapper.projection import identity_key

CAMPAIGN = "acme"
runner = CliRunner()


def _csv(path: Path, rows: list[list[str]], *, sep: str = ",", encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(sep.join(r) for r in rows) + "\n").encode(encoding))
    return path


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "People"
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _import(store, *paths: Path, **options):
    report = import_files(store, list(paths), campaign=options.pop("campaign", CAMPAIGN),
                          options=ImportOptions(**options))
    assert report.ok, "\n".join(map(str, report.errors))
    return report


def _people(store) -> int:
    return store.counts(CAMPAIGN)["nodes"].get("Person", 0)


def _roster(store) -> dict[str, dict]:
    return {r.body["name"]: r.body for r in store.iter_records(CAMPAIGN, "roster")}


# -- each family of headers ------------------------------------------------------------------

ISSUE_HEADERS = [["First Name", "Last Name", "Email", "Phone", "Department", "Shift"],
                 ["Ana", "Lopez", "Ana@Example.org", "(555) 201-3344", "ICU", "nights"],
                 ["Ben", "Okafor", "ben@example.org", "555.201.9999", "ER", "days"],
                 ["Cy", "Park", "", "", "ICU", "days"]]

ACTION_NETWORK = [["first_name", "last_name", "email", "address", "city", "state", "zip_code",
                   "country", "can2_phone", "can2_user_tags", "uuid"],
                  ["Ana", "Lopez", "ana@example.org", "1 Main St", "Springfield", "IL",
                   "62701", "US", "+1 555 201 3344", "volunteer", "a-1"],
                  ["Dee", "Ross", "dee@example.org", "", "", "", "", "", "", "", "a-2"]]

ACTION_BUILDER = [["First Name", "Middle Name", "Last Name", "Nickname", "Email", "Email Type",
                   "Phone Number", "Phone Number Type", "Phone Number Extension",
                   "Address Line 1", "City", "State", "Zip", "Preferred Language",
                   "Assessment", "Employee ID"],
                  ["Ana", "María", "Lopez", "Annie", "ana@example.org", "personal",
                   "5552013344", "mobile", "", "1 Main St", "Springfield", "IL", "62701",
                   "Spanish", "2", "E-1001"],
                  ["Ben", "", "Okafor", "", "ben@example.org", "work", "5552019999", "work",
                   "12", "", "", "", "", "English", "3", "E-1002"]]


def test_the_issues_own_header_imports_with_no_edit_and_joins_first_and_last(store, tmp_path):
    path = _csv(tmp_path / "people.csv", ISSUE_HEADERS)
    report = _import(store, path)
    assert report.result.added == 3 and report.identity.new == 3
    rows = _roster(store)
    assert set(rows) == {"Ana Lopez", "Ben Okafor", "Cy Park"}
    assert rows["Ana Lopez"]["phone"] == "+15552013344"       # E.164, read in the US
    assert rows["Ana Lopez"]["email"] == "Ana@example.org"    # the domain normalized
    assert rows["Ana Lopez"]["unit"] == "ICU" and rows["Ana Lopez"]["shift"] == "nights"
    assert _people(store) == 3
    again = _import(store, path)
    assert again.result.unchanged == 3 and again.result.written == 0
    assert (again.identity.new, again.identity.matched) == (0, 3)


def test_an_action_network_export_maps_its_core_fields_and_can2_phone(store, tmp_path):
    path = _csv(tmp_path / "an-export.csv", ACTION_NETWORK)
    report = _import(store, path)
    assert report.result.added == 2
    ana = _roster(store)["Ana Lopez"]
    assert (ana["address"], ana["city"], ana["state"], ana["zip"], ana["country"]) == (
        "1 Main St", "Springfield", "IL", "62701", "US")
    assert ana["phone"] == "+15552013344"
    unmapped = [u["column"] for u in report.found[str(path)]["unmapped"]]
    assert unmapped == ["can2_user_tags", "uuid"]


def test_an_action_builder_upload_keeps_ids_types_language_and_assessment(store, tmp_path):
    path = _csv(tmp_path / "ab-upload.csv", ACTION_BUILDER)
    _import(store, path)
    rows = _roster(store)
    ana = rows["Ana María Lopez"]
    assert ana["custom_id"] == "E-1001" and ana["nickname"] == "Annie"
    assert (ana["phone_type"], ana["email_type"], ana["language"], ana["assessment"]) == (
        "mobile", "personal", "Spanish", 2)
    assert rows["Ben Okafor"]["phone_extension"] == "12"
    # A person known by a custom id has a key that holds neither her name nor her id.
    keys = {p.key for p in store.snapshot(CAMPAIGN).people.values()}
    assert identity_key(CAMPAIGN, "E-1001") in keys
    assert not any("ana" in k or "1001" in k for k in keys)


def test_an_xlsx_roster_with_supervisors_fills_the_hierarchy(store, tmp_path):
    path = _xlsx(tmp_path / "roster.xlsx", [
        ["Full Name", "Employee #", "Job Title", "Site", "Supervisor", "Work Area", "As Of"],
        ["Ana Lopez", 1001, "RN", "St. Luke's", "Carl Reyes", "ICU", "2026-11-01"],
        ["Carl Reyes", 1, "Nurse Manager", "St. Luke's", "Margaret Hale", "Admin", "2026-11-01"],
        ["Ben Okafor", 1002, "RN", "St. Luke's", "Carl Reyes", "ER", "2026-11-01"]])
    report = _import(store, path)
    assert report.result.added == 3 + 2  # three people, two supervisors in the hierarchy
    rows = _roster(store)
    assert rows["Ana Lopez"]["custom_id"] == "1001" and rows["Ana Lopez"]["role"] == "RN"
    assert rows["Ana Lopez"]["workplace"] == "St. Luke's"
    hierarchy = {r.body["name"]: r.body for r in store.iter_records(CAMPAIGN, "hierarchy")}
    assert hierarchy["Carl Reyes"] == {"name": "Carl Reyes", "title": "Nurse Manager",
                                       "reports_to": "Margaret Hale", "campaign": CAMPAIGN}
    assert "Margaret Hale" in hierarchy
    again = _import(store, path)
    assert again.result.written == 0 and again.derived == []


def test_a_semicolon_csv_in_windows_1252_and_a_utf16_tab_file_are_read(store, tmp_path):
    a = _csv(tmp_path / "a.csv", [["Nom complet", "Full Name", "Département", "Email"],
                                  ["x", "José Muñoz", "Café", "jose@example.org"]],
             sep=";", encoding="cp1252")
    b = _csv(tmp_path / "b.csv", [["First Name", "Last Name", "Cell"], ["Zoë", "Ng", "555 201 7777"]],
             sep="\t", encoding="utf-16")
    _import(store, a, b)
    rows = _roster(store)
    assert rows["José Muñoz"]["unit"] == "Café" and rows["Zoë Ng"]["phone"] == "+15552017777"


def test_a_saved_mapping_is_reused_and_keeps_columns_as_tags_or_custom_fields(store, tmp_path):
    path = _csv(tmp_path / "sheet.csv", [["Who", "Badge", "Committee", "Tenure", "Notes"],
                                         ["Ana Lopez", "B7", "safety; pay", "4", "secret"]])
    assert suggest(["Who", "Badge"]).problems  # no name column recognized
    mapping = tmp_path / "map.yaml"
    mapping.write_text(Mapping(columns={"Who": "name", "Badge": "custom_id", "Committee": "tag",
                                        "Tenure": "custom", "Notes": "ignore"}).to_yaml())
    from mapper.mapping import load_mapping

    _import(store, path, mapping=load_mapping(mapping))
    ana = _roster(store)["Ana Lopez"]
    assert ana["tags"] == ["safety", "pay"] and ana["custom_fields"] == {"Tenure": "4"}
    assert "secret" not in json.dumps(ana)


# -- identity ---------------------------------------------------------------------------------

def test_a_known_employee_number_is_that_person_whatever_the_spelling(store, tmp_path):
    _import(store, _csv(tmp_path / "a.csv", [["Name", "Employee Number", "Unit"],
                                             ["Ana Lopez", "E1", "ICU"], ["Ben Okafor", "E2", "ER"]]))
    report = _import(store, _csv(tmp_path / "b.csv", [["Name", "Employee Number", "Unit"],
                                                      ["Ana López-Ruiz", "E1", "ER"]]))
    assert (report.identity.matched, report.identity.respelled, report.identity.new) == (1, 1, 0)
    assert [n.what for n in report.identity.notices] == ["new spelling"]
    assert "Ana" not in str(report.identity.notices[0])
    assert _people(store) == 2 and report.result.replaced == 1  # her row now says ER


def test_same_name_two_ids_are_two_people_and_a_row_without_an_id_is_ambiguous(store, tmp_path):
    _import(store, _csv(tmp_path / "a.csv", [["Name", "Member ID", "Dept"],
                                             ["Maria Garcia", "M1", "ICU"],
                                             ["Maria Garcia", "M2", "ER"]]))
    assert _people(store) == 2
    units = sorted(p.unit for p in store.snapshot(CAMPAIGN).people.values())
    assert units == ["ER", "ICU"]  # told apart by their unit
    report = _import(store, _csv(tmp_path / "b.csv", [["Name", "Shift"], ["Maria Garcia", "days"]]))
    assert (report.identity.ambiguous, report.identity.matched) == (1, 0)
    assert report.identity.notices[0].what == "ambiguous"


def test_a_row_without_an_id_joins_the_one_person_of_its_name(store, tmp_path):
    _import(store, _csv(tmp_path / "a.csv", [["Name", "Employee ID"], ["Ana Lopez", "E1"]]))
    talk = tmp_path / "talk.yaml"
    talk.write_text("- date: 2026-11-20\n  organizer: Maya Ortiz\n  contact: {name: ana lopez}\n")
    report = _import(store, talk)
    assert report.identity.matched == 1 and _people(store) == 1
    (conv,) = store.iter_records(CAMPAIGN, "conversation")
    assert conv.body["contact"]["custom_id"] == "E1"
    # A 1-on-1 may name its contact's custom id itself.
    talk2 = tmp_path / "talk2.yaml"
    talk2.write_text("- date: 2026-11-21\n  organizer: Maya Ortiz\n"
                     "  contact: {name: Ana L., custom_id: E1}\n")
    assert _import(store, talk2).identity.matched == 1 and _people(store) == 1


def test_a_new_spelling_with_a_known_email_is_a_look_alike_merged_only_by_alias(store, tmp_path):
    _import(store, _csv(tmp_path / "a.csv", [["Name", "Email", "Phone"],
                                             ["Ana Lopez", "ana@example.org", "555 201 3344"],
                                             ["Ben Okafor", "ben@example.org", ""]]))
    report = _import(store, _csv(tmp_path / "b.csv", [["Name", "Email", "Phone"],
                                                      ["Annie Lopes", "ANA@example.org", ""],
                                                      ["B. Okafor", "", "+1 555 201 3344"]]))
    assert (report.identity.lookalike, report.identity.new) == (2, 0)
    assert _people(store) == 4  # nothing merged silently
    found = find_duplicates(store.snapshot(CAMPAIGN), threshold=99, store=store)["person"]
    reasons = {(p["a_name"], p["b_name"]): p["reason"] for p in found}
    assert reasons[("Ana Lopez", "Annie Lopes")] == "email"
    assert reasons[("Ana Lopez", "B. Okafor")] == "phone"
    assert not any("@" in json.dumps(p) or "555" in json.dumps(p) for p in found)
    store.write([AliasRow(kind="person", alias="Annie Lopes", canonical="Ana Lopez",
                          campaign=CAMPAIGN)])
    assert _people(store) == 3


def test_a_look_alike_merges_into_a_custom_id_person_by_her_key(store, tmp_path):
    _import(store, _csv(tmp_path / "a.csv", [["Name", "Employee ID", "Email"],
                                             ["Ana Lopez", "E1", "ana@example.org"]]))
    _import(store, _csv(tmp_path / "b.csv", [["Name", "Email"], ["Annie L", "ana@example.org"]]))
    assert _people(store) == 2
    key = identity_key(CAMPAIGN, "E1")
    store.write([AliasRow(kind="person", alias="Annie L", canonical=key.rsplit(":", 1)[1],
                          campaign=CAMPAIGN)])
    assert _people(store) == 1


def test_two_rows_with_one_employee_number_in_a_file_are_refused_naming_the_rows(store, tmp_path):
    path = _csv(tmp_path / "dup.csv", [["Name", "Employee #"], ["Ana Lopez", "E1"],
                                       ["Ben Okafor", "E1"]])
    report = import_files(store, [path], campaign=CAMPAIGN)
    assert report.result is None
    assert (f"{path}:3 (record 2): custom_id (column 'Employee #'): the same custom id appears "
            f"at {path}:2") in str(report.errors[0])
    assert "Ben" not in str(report.errors[0]) and "E1" not in str(report.errors[0])


def test_an_alias_row_that_would_swap_or_chain_names_is_refused_naming_its_row(store, tmp_path):
    """As `mapper alias` refuses them (aliases are not followed in chains): a row swapping
    a stored alias (each one's records keyed by the other's name), one whose name the file's
    own row before it already aliases, one of a name to itself. Nothing is written unless the
    rest is asked for, and then the refused rows are saved with the rejected ones."""
    store.write([AliasRow(kind="person", alias="Ana L", canonical="Ana Lopez",
                          campaign=CAMPAIGN)])
    path = _csv(tmp_path / "aliases.csv", [
        ["kind", "alias", "canonical"], ["person", "Ana Lopez", "Ana L"],
        ["issue", "OT", "overtime"], ["issue", "overtime", "extra hours"],
        ["issue", "Parking ", "parking"], ["issue", "OT pay", "OT"]])
    report = import_files(store, [path], campaign=CAMPAIGN)
    assert report.result is None
    errors = [str(e) for e in report.errors]
    assert [e.split(": ", 1)[0] for e in errors] == [
        f"{path}:2 (record 1)", f"{path}:4 (record 3)", f"{path}:5 (record 4)",
        f"{path}:6 (record 5)"]
    assert "canonical: it is itself an alias" in errors[0]
    assert "alias: other spellings already mean it" in errors[1]
    assert "alias: the same name as canonical" in errors[2]
    assert "canonical: it is itself an alias" in errors[3]
    assert not any(name in e for e in errors for name in ("Ana", "overtime", "arking", "OT"))
    assert store.counts(CAMPAIGN)["records"]["alias"] == 1
    rejected = tmp_path / "rejected.jsonl"
    report = import_files(store, [path], campaign=CAMPAIGN, skip_invalid=True,
                          rejected_path=rejected)
    assert report.result.added == 1 and report.rejected_saved == 4
    assert {(r.body["alias"], r.body["canonical"]) for r in store.iter_records(CAMPAIGN, "alias")
            } == {("Ana L", "Ana Lopez"), ("OT", "overtime")}
    assert store.person_history(CAMPAIGN, "Ana L") == store.person_history(CAMPAIGN, "Ana Lopez")
    # Sent again, a row already stored changes nothing and is not refused.
    again = _csv(tmp_path / "aliases-again.csv", [["kind", "alias", "canonical"],
                                                   ["person", "Ana L", "Ana Lopez"]])
    assert _import(store, again).result.unchanged == 1


# -- the CLI ----------------------------------------------------------------------------------

HEADER_FAMILIES = [
    ["First Name", "Last Name", "Email", "Phone", "Department", "Shift"],
    ["first_name", "last_name", "email", "can2_phone", "zip_code", "city"],
    ["FULL NAME", "E-mail Address", "Mobile", "Work Area", "Job Title", "Employer"],
    ["Full Name", "Cell Phone", "Building", "Classification", "Worksite", "Member ID"],
    ["Name", "Employee No.", "Floor", "Position", "Manager", "Preferred Language"],
]


def _roster_rows(headers: list[str], n: int, seed: int) -> list[list[object]]:
    rng = random.Random(seed)
    rows: list[list[object]] = [headers]
    for i in range(n):
        row: list[object] = []
        for h in headers:
            k = h.lower()
            if "first" in k:
                row.append(f"Worker{i}")
            elif "last" in k:
                row.append(f"Num{i}")
            elif "name" in k:
                row.append(f"Worker{i} Num{i}")
            elif "mail" in k:
                row.append(f"w{i}@example.org")
            elif any(w in k for w in ("phone", "mobile", "cell")):
                row.append(f"555-{200 + i // 10000:03d}-{i % 10000:04d}")
            elif any(w in k for w in ("id", "no.")):
                row.append(f"E{i}")
            elif "manager" in k:
                row.append(f"Boss {i % 7}")
            else:
                row.append(rng.choice(["ICU", "ER", "Days", "RN", "St. Luke's", "Spanish", "62701"]))
        rows.append(row)
    return rows


@pytest.mark.parametrize("headers", HEADER_FAMILIES, ids=lambda h: h[0])
def test_a_1000_row_roster_with_any_of_the_headers_imports_in_one_command(tmp_path, headers):
    path = _csv(tmp_path / "roster-export.csv", [[str(c) for c in r] for r in
                                                 _roster_rows(headers, 1000, 1)])
    db = tmp_path / "m.db"
    result = runner.invoke(app, ["import", str(path), "--campaign", CAMPAIGN, "--json",
                                 "--db", str(db)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["rejected"] == 0 and out["people"]["new"] == 1000
    assert out["added"] == 1000 + out["hierarchy"]
    again = json.loads(runner.invoke(app, ["import", str(path), "--json", "--db", str(db)]).output)
    assert (again["added"], again["replaced"], again["people"]["matched"]) == (0, 0, 1000)


def test_the_import_summary_says_new_matched_look_alike_and_ambiguous(tmp_path):
    db = tmp_path / "m.db"
    a = _csv(tmp_path / "a.csv", [["Name", "Email", "Employee ID"],
                                  ["Ana Lopez", "ana@example.org", ""],
                                  ["Maria Garcia", "", "M1"], ["Maria Garcia", "", "M2"]])
    assert runner.invoke(app, ["import", str(a), "-c", CAMPAIGN, "--db", str(db)]).exit_code == 0
    b = _csv(tmp_path / "b.csv", [["Name", "Email"], ["Ana Lopez", "ana@example.org"],
                                  ["Annie Lopes", "ana@example.org"],
                                  ["Maria Garcia", ""], ["Zed New", ""]])
    result = runner.invoke(app, ["import", str(b), "--db", str(db)])  # the store's one campaign
    assert result.exit_code == 0, result.output
    assert "people: 1 new, 1 matched, 1 look-alike(s), 1 ambiguous" in result.output
    assert f"{b}:3 (record 2): look-alike:" in result.output
    assert "Annie" not in result.output and "ana@" not in result.output
    dupes = runner.invoke(app, ["duplicates", "--db", str(db)])
    assert "Annie Lopes" in dupes.output and "email" in dupes.output, dupes.output


def test_an_import_naming_no_campaign_is_refused_into_an_empty_or_shared_store(tmp_path):
    db = tmp_path / "m.db"
    path = _csv(tmp_path / "people.csv", ISSUE_HEADERS)
    refused = runner.invoke(app, ["import", str(path), "--db", str(db)])
    assert refused.exit_code == 1 and "the store holds no campaign yet" in refused.output
    assert "--campaign NAME" in refused.output and "default" not in refused.output
    assert runner.invoke(app, ["import", str(path), "-c", "one", "--db", str(db)]).exit_code == 0
    assert runner.invoke(app, ["import", str(path), "-c", "two", "--db", str(db)]).exit_code == 0
    refused = runner.invoke(app, ["import", str(path), "--db", str(db)])
    assert refused.exit_code == 1 and "several campaigns (one, two)" in refused.output
    stats = json.loads(runner.invoke(app, ["stats", "--json", "--db", str(db)]).output)
    assert stats["campaigns"] == ["one", "two"]


def test_an_xlsx_sheet_is_picked_by_name_and_a_missing_one_is_named(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["Notes"])
    other = book.create_sheet("Roster")
    other.append(["First Name", "Last Name"])
    other.append(["Ana", "Lopez"])
    path = tmp_path / "book.xlsx"
    book.save(path)
    db = tmp_path / "m.db"
    ok = runner.invoke(app, ["import", str(path), "--sheet", "Roster", "-c", CAMPAIGN, "--db", str(db)])
    assert ok.exit_code == 0 and "1 added" in ok.output, ok.output
    missing = runner.invoke(app, ["import", str(path), "--sheet", "Nope", "-c", CAMPAIGN, "--db", str(db)])
    assert missing.exit_code == 1 and "no sheet named 'Nope'" in missing.output


def test_a_phone_region_reads_local_numbers(tmp_path):
    db = tmp_path / "m.db"
    path = _csv(tmp_path / "uk.csv", [["Name", "Mobile"], ["Ana Lopez", "07700 900123"]])
    result = runner.invoke(app, ["import", str(path), "-c", CAMPAIGN, "--phone-region", "GB",
                                 "--db", str(db)])
    assert result.exit_code == 0, result.output
    dump = runner.invoke(app, ["export", "--db", str(db)]).output
    assert '"phone": "+447700900123"' in dump


# -- privacy ----------------------------------------------------------------------------------

def test_roster_contact_details_and_ids_never_reach_the_graph(store, tmp_path, request):
    from tests.test_graph_privacy import graph_values, personal_texts

    _import(store, _csv(tmp_path / "ab.csv", ACTION_BUILDER),
            _csv(tmp_path / "an.csv", ACTION_NETWORK))
    secret = personal_texts(store)
    assert {"E-1001", "ana@example.org", "+15552013344", "1 Main St", "62701"} <= secret
    graph = graph_values(store, request)
    # (A secret of a few characters, such as an extension "12", is looked for whole.)
    assert not [v for v in graph if v in secret or any(s in v for s in secret if len(s) >= 5)]


def test_an_organizer_sees_roster_contact_details_of_her_contacts_only(store, tmp_path):
    from mapper import services
    from mapper.roles import ADMIN, Actor

    _import(store, _csv(tmp_path / "people.csv", ISSUE_HEADERS))
    maya, sam = Actor("organizer", "Maya Ortiz"), Actor("organizer", "Sam Lee")
    services.assign(store, ADMIN, CAMPAIGN, ["Ana Lopez"], "Maya Ortiz", dt.date(2026, 12, 1))
    assert services.contact_details(store, maya, CAMPAIGN, "Ana Lopez") == {
        "phone": "+15552013344", "email": "Ana@example.org"}
    assert services.contact_details(store, sam, CAMPAIGN, "Ana Lopez") is None
    assert services.contact_details(store, maya, CAMPAIGN, "Ben Okafor") is None
    assert services.contact_details(store, ADMIN, CAMPAIGN, "Ben Okafor")["phone"] == "+15552019999"


def test_an_error_names_the_file_row_and_column_never_the_value(tmp_path):
    path = _csv(tmp_path / "bad.csv", [["Full Name", "Cell", "E-mail"],
                                       ["Ana Lopez", "12", "ana-at-example"]])
    result = runner.invoke(app, ["import", str(path), "-c", CAMPAIGN, "--db", str(tmp_path / "m.db")])
    assert result.exit_code == 1
    assert f"{path}:2 (record 1): phone (column 'Cell'): not a phone number" in result.output
    assert f"{path}:2 (record 1): email (column 'E-mail'): not an email address" in result.output
    assert "Ana" not in result.output and "ana-at" not in result.output


def test_an_import_written_in_many_chunks_leaves_the_embedded_file_whole(tmp_path, monkeypatch):
    # The chunks' writes share one checkpoint, after the last: then the file holds every row
    # (a copy of it alone, without its log, has them all) and the log is empty.
    import shutil

    from mapper import importer
    from mapper.stores.sqlite import SQLiteStore

    monkeypatch.setattr(importer, "WRITE_CHUNK", 2)
    store = SQLiteStore(tmp_path / "m.db")
    try:
        report = _import(store, _csv(tmp_path / "people.csv", ISSUE_HEADERS))
        assert report.result.added == 3
        assert (tmp_path / "m.db-wal").stat().st_size == 0
        assert store._db.execute("PRAGMA wal_autocheckpoint").fetchone() == (1000,)
        shutil.copy(tmp_path / "m.db", tmp_path / "copy.db")
    finally:
        store.close()
    copy = SQLiteStore(tmp_path / "copy.db")
    try:
        assert _people(copy) == 3 and set(_roster(copy)) == {"Ana Lopez", "Ben Okafor", "Cy Park"}
    finally:
        copy.close()
