"""Bring lists in (the upload page), called as plain callbacks on both stores: who may, the
mapping and the first rows, a dry run whose errors name row and field but never a value, and
an import in the background whose summary counts the people."""

from __future__ import annotations

import base64
import time

import pytest

from dashboard import ids
from dashboard.accounts import accounts
from dashboard.app import create_app
from dashboard.layout import frame
from dashboard.pages import upload
from dashboard.users import User, hash_password
from mapper import services
from mapper.mapping import suggest
from mapper.roles import ROLES, Actor, may_import_lists
from tests.test_dashboard_callbacks import signed_in_as, text

HASH = hash_password("correct horse battery staple")
ADMIN = User("root", "admin", None, HASH)
MAYA = User("maya", "organizer", "Maya Ortiz", HASH)
PAT = User("pat", "planner", None, HASH)
VERA = User("vera", "viewer", None, HASH)
USERS = {u.username: u for u in (ADMIN, MAYA, PAT, VERA)}
CAMPAIGN = "acme-warehouse"
HEADER = "First Name,Last Name,Email,Cell,Dept,Shift,Emp #,Foo"
NO_CAMPAIGN = [HEADER,
               "Ana,Lopez,ana@example.org,555-201-3344,Receiving,nights,E1,safety",
               "Ben,Okafor,ben@example.org,(555) 201-3345,Shipping,days,E2,pay"]
# The store starts empty: the rows name their campaign.
GOOD = [HEADER + ",campaign"] + [row + f",{CAMPAIGN}" for row in NO_CAMPAIGN[1:]]
BAD = [*GOOD, f"Cara,Diaz,cara-at-nowhere,555-201-3346,Shipping,days,E3,pay,{CAMPAIGN}"]


def as_upload(lines: list[str]) -> str:
    data = ("\n".join(lines) + "\n").encode("utf-8")
    return "data:text/csv;base64," + base64.b64encode(data).decode("ascii")


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request, open_store_of_kind):
    return open_store_of_kind(request.param)


@pytest.fixture
def app(store):
    return create_app(lambda: store, users=USERS)


def read(lines: list[str]):
    table, file, message = upload.read_upload(as_upload(lines), "people.csv")
    return table, file, message


def values_of(file: dict) -> list[str]:
    """The selects' values as the page first shows them: the proposed mapping."""
    proposed = suggest(file["headers"]).mapping.columns
    return [proposed.get(h, "ignore") for h in file["headers"]]


def test_only_admins_and_organizers_bring_lists_in():
    assert [r for r in ROLES if may_import_lists(Actor(r))] == ["admin", "organizer"]


@pytest.mark.parametrize("user", [PAT, VERA])
def test_planners_and_viewers_get_no_upload_page_and_the_services_refuse_them(app, store, user,
                                                                              tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("\n".join(GOOD) + "\n", encoding="utf-8")
    with signed_in_as(app, user):
        assert "/upload" not in text(frame())
        assert "for admins and organizers" in text(upload.layout())
        assert app.server.test_client().get("/templates/roster.csv").status_code in (302, 401,
                                                                                     403, 404)
    with pytest.raises(services.NotAllowed):
        services.check_upload(store, user, path, None, campaign=CAMPAIGN, shown_as="f")
    with pytest.raises(services.NotAllowed):
        services.preview_upload(user, path, None, campaign=CAMPAIGN)
    with pytest.raises(services.NotAllowed):
        services.suggest_upload(user, path)


def test_an_organizer_gets_the_page_in_her_nav(app):
    with signed_in_as(app, MAYA):
        assert "/upload" in text(frame())
        assert ids.UPLOAD in text(upload.layout())


def test_a_file_shows_its_proposed_mapping_hints_and_first_rows_as_stored(app):
    with signed_in_as(app, ADMIN):
        table, file, _ = read(GOOD)
        assert file == {"headers": GOOD[0].split(",")}
        shown = text(table)
        assert "header not recognized" in shown  # Foo
        values = values_of(file)
        assert values[7] == "ignore" and values[3] == "phone"
        preview = text(upload.show_preview(values, file, as_upload(GOOD), "people.csv", None))
        # Joined, normalized: the name from first + last, the phone in E.164.
        assert "Ana Lopez" in preview and "+15552013344" in preview
        values[7] = "tag"
        assert "safety" in text(upload.show_preview(values, file, as_upload(GOOD),
                                                    "people.csv", None))


def test_a_file_that_is_not_a_spreadsheet_or_too_big_is_refused(app, monkeypatch):
    with signed_in_as(app, ADMIN):
        _, file, message = upload.read_upload(as_upload(GOOD), "people.exe")
        assert file is None and "CSV or XLSX" in text(message)
        monkeypatch.setattr(upload, "MAX_BYTES", 10)
        _, file, message = upload.read_upload(as_upload(GOOD), "people.csv")
        assert file is None and "bigger than" in text(message)


def test_a_dry_run_names_row_and_field_never_a_value_and_writes_nothing(app, store):
    answer = _import(app, ADMIN, BAD, dry=True)
    assert "line 4 (record 3): email: not an email address" in answer
    for value in ("cara-at-nowhere", "Cara", "Diaz", "E3", "555-201-3346"):
        assert value not in answer
    assert "2 row(s) ready, 1 with errors" in answer
    assert store.campaigns() == []


def _import(app, user, lines, chosen=None, dry=False, name="people.csv") -> str:
    """Start the import (or the dry run) as its button does, and poll it to its end."""
    with signed_in_as(app, user):
        _, file, _ = upload.read_upload(as_upload(lines), name)
        start = upload.dry_run if dry else upload.start_import
        job, disabled, _ = start(1, values_of(file), file, as_upload(lines), name, chosen)
        assert disabled is False
        for _ in range(600):  # the thread's end, not its speed: at most a minute
            _bar, disabled, result = upload.poll_import(1, job)
            if disabled:
                return text(result)
            time.sleep(0.1)
    raise AssertionError("the import never finished")


def test_an_import_with_no_campaign_in_an_empty_store_is_refused_saying_how(app, store):
    answer = _import(app, ADMIN, NO_CAMPAIGN)
    assert "Nothing was written" in answer and "campaign" in answer
    assert store.campaigns() == []


def test_an_import_writes_the_people_counts_them_and_audits_counts_only(app, store):
    lines = GOOD
    answer = _import(app, MAYA, lines)
    assert "2 added" in answer and "2 new, 0 matched, 0 look-alike(s), 0 ambiguous" in answer
    assert store.campaigns() == [CAMPAIGN]
    assert store.counts(CAMPAIGN)["records"].get("roster") == 2
    with signed_in_as(app, ADMIN):
        [entry] = [e for e in accounts().audit.entries(actor="maya") if e.action == "import"]
    assert entry.detail["added"] == 2 and entry.detail["new"] == 2
    assert "Ana" not in str(entry.detail) and "example.org" not in str(entry.detail)
    # Again: the same people, matched, nothing changed.
    answer = _import(app, MAYA, lines)
    assert "0 added" in answer and "2 unchanged" in answer and "0 new, 2 matched" in answer


def test_templates_carry_the_headers_the_importer_recognizes(app):
    with signed_in_as(app, ADMIN):
        resp = upload.template("roster.csv")
    headers = resp.get_data(as_text=True).strip().split(",")
    found = suggest(headers)
    assert not found.unmapped and not found.problems


def test_the_mapping_in_the_page_downloads_as_yaml_that_mapper_import_reads(app, tmp_path):
    from mapper.mapping import load_mapping

    with signed_in_as(app, MAYA):
        _, file, _ = read(GOOD)
        values = values_of(file)
        values[7] = "custom"
        sent = upload.save_mapping(1, values, file)
    path = tmp_path / sent["filename"]
    path.write_text(sent["content"], encoding="utf-8")
    mapping = load_mapping(path)
    assert mapping.columns["Foo"] == "custom" and mapping.columns["Emp #"] == "custom_id"


def test_a_broken_xlsx_is_refused_with_a_message_not_a_crash(app):
    broken = ("data:application/octet-stream;base64,"
              + base64.b64encode(b"PK\x03\x04 not a zip").decode())
    with signed_in_as(app, ADMIN):
        _, file, message = upload.read_upload(broken, "people.xlsx")
    assert file is None and "cannot be read" in text(message)
    assert "mapper-upload" not in text(message)  # the private temporary path is not shown


def test_the_uploaded_bytes_are_deleted_after_reading_and_after_the_import(app, store, tmp_path,
                                                                           monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with signed_in_as(app, ADMIN):
        read(GOOD)
    assert "2 added" in _import(app, ADMIN, GOOD)
    assert list(tmp_path.glob("mapper-upload-*")) == []


def test_a_jobs_progress_is_read_by_any_worker_and_ids_cannot_name_other_files(tmp_path):
    # `mapper serve` runs several processes: the poll of the page may land on a worker that did
    # not start the import. Each reads the board the one running it posts to.
    from dashboard.pages.upload import Job, JobBoard
    from mapper.services import UploadCheck

    running, polled = JobBoard(tmp_path / "jobs"), JobBoard(tmp_path / "jobs")
    job = Job(owner="maya", state="writing", total=10, done=4)
    running.post("a" * 32, job)
    seen = polled.read("a" * 32)
    assert (seen.owner, seen.state, seen.done, seen.total) == ("maya", "writing", 4, 10)
    job.state, job.check = "done", UploadCheck(valid=10, people={"new": 10}, written={"added": 10})
    running.post("a" * 32, job)
    assert polled.read("a" * 32).check.people == {"new": 10}
    polled.drop("a" * 32)
    assert running.read("a" * 32) is None
    (tmp_path / "secret.json").write_text('{"owner": "maya"}')
    for bad in ("../secret", "../" * 3 + "etc/passwd", "", None, "A" * 32):
        assert polled.read(bad) is None


def test_a_finished_dry_run_polled_twice_shows_its_summary_both_times(app):
    # A slow server can have two polls of one job in flight; the page keeps the later answer,
    # so it must be the summary too (it was "no such job", and the dry run never ended).
    with signed_in_as(app, ADMIN):
        _, file, _ = read(GOOD)
        job, _, _ = upload.dry_run(1, values_of(file), file, as_upload(GOOD), "people.csv", None)
        for _ in range(600):
            first = upload.poll_import(1, job)
            if first[1]:
                break
            time.sleep(0.1)
        second = upload.poll_import(1, job)
    assert first[1] is True and second[1] is True
    assert "Dry run: 2 row(s) ready" in text(first[2]) and text(second[2]) == text(first[2])


def test_the_board_sweeps_jobs_finished_long_ago_when_a_new_one_starts(tmp_path):
    import os

    from dashboard.pages.upload import Job, JobBoard

    board = JobBoard(tmp_path / "jobs")
    board.post("a" * 32, Job(owner="maya", state="done"))
    old = time.time() - JobBoard.KEEP_SECONDS - 60
    os.utime(tmp_path / "jobs" / ("a" * 32 + ".json"), (old, old))
    board.post("b" * 32, Job(owner="maya"))
    assert board.read("a" * 32) is None and board.read("b" * 32).owner == "maya"


def test_a_job_folder_another_user_could_have_made_is_refused_not_used(tmp_path):
    # Made first by another user of the machine, open to all: they would read who imports
    # what, and aim a link planted in it at a file of the server's.
    from dashboard.pages.upload import Job, JobBoard

    shared = tmp_path / "jobs"
    shared.mkdir()
    shared.chmod(0o777)
    with pytest.raises(PermissionError):
        JobBoard(shared).post("a" * 32, Job(owner="maya"))
    assert list(shared.iterdir()) == []


def test_an_organizers_upload_writes_no_record_her_role_may_not(store, tmp_path):
    """A file's ``record_type`` column makes a row any kind: an organizer's upload could give
    herself another organizer's contact (no check of whom she was with). Her upload is held
    to the API's rules (here: an assignment against whom the contact is with now); nothing
    is written, and the error names the row and field, never a value. An admin's goes in."""
    from mapper.mapping import IGNORE, Mapping
    from mapper.models import Assignment
    from tests.records import conversation

    store.write([conversation("Ana Lopez", "2026-09-01", id="k1", organizer="Sam Lee",
                              campaign=CAMPAIGN),
                 Assignment(person="Ana Lopez", organizer="Sam Lee", date="2026-10-01",
                            campaign=CAMPAIGN)])
    header = ["record_type", "person", "organizer", "date", "campaign"]
    path = tmp_path / "upload.csv"
    path.write_text(",".join(header) + f"\nassignment,Ana Lopez,Maya Ortiz,2026-10-02,{CAMPAIGN}\n")
    mapping = Mapping(columns={h: IGNORE for h in header})
    ana = f"person:{CAMPAIGN}:ana lopez"
    check = services.import_upload(store, Actor("organizer", "Maya Ortiz"), path, mapping,
                                   campaign=CAMPAIGN, shown_as="the file")
    assert check.written is None and store.assignees(CAMPAIGN) == {ana: "Sam Lee"}
    said = " ".join(str(e) for e in check.errors)
    assert "record 1" in said and "organizer" in said and "another organizer's" in said
    assert "Ana" not in said and "Maya" not in said
    services.import_upload(store, Actor("admin"), path, mapping, campaign=CAMPAIGN,
                           shown_as="the file")
    assert store.assignees(CAMPAIGN) == {ana: "Maya Ortiz"}


def test_an_organizers_uploaded_1on1_the_day_another_held_one_with_that_person_is_her_own(
        store, tmp_path):
    """Her 1-on-1 of a file without an id takes the id of its date and name, which Sam's of
    that day with Ana holds: it was refused as another organizer's, which blocked her and said
    someone had talked with Ana that day. Now it is written beside his, with the counts a day
    no one else talked with Ana gives; uploaded again, nothing changes."""
    from mapper.mapping import IGNORE, Mapping
    from tests.records import conversation

    store.write([conversation("Ana Lopez", "2026-11-01", organizer="Sam Lee", campaign=CAMPAIGN)])
    header = ["record_type", "date", "organizer", "contact.name", "campaign"]
    mapping = Mapping(columns={h: IGNORE for h in header})
    maya = Actor("organizer", "Maya Ortiz")

    def upload_day(day: str) -> dict | None:
        path = tmp_path / f"talks-{day}.csv"
        path.write_text(",".join(header) + f"\nconversation,{day},Maya Ortiz,Ana Lopez,{CAMPAIGN}\n")
        check = services.import_upload(store, maya, path, mapping, campaign=CAMPAIGN,
                                       shown_as="the file")
        assert not check.errors, check.errors
        return check.written

    assert upload_day("2026-11-01") == upload_day("2026-11-02") == {
        "added": 1, "replaced": 0, "unchanged": 0}
    assert upload_day("2026-11-01") == {"added": 0, "replaced": 0, "unchanged": 1}
    held = sorted((c.date.isoformat(), c.organizer) for c in store.snapshot(CAMPAIGN).conversations)
    assert held == [("2026-11-01", "Maya Ortiz"), ("2026-11-01", "Sam Lee"),
                    ("2026-11-02", "Maya Ortiz")]


def test_an_organizers_upload_reads_whom_her_contacts_are_with_once_per_chunk(store, tmp_path,
                                                                             monkeypatch):
    """Each assignment row of an organizer's upload read a snapshot of its own (a list of
    thousands, as many reads at 100k people): now one per chunk of rows, deciding each row
    as before."""
    from mapper import importer
    from mapper.mapping import IGNORE, Mapping
    from mapper.models import Assignment

    names = [f"Person {i}" for i in range(7)]
    store.write([Assignment(person=names[i], organizer="Sam Lee", date="2026-10-01",
                            campaign=CAMPAIGN) for i in (1, 5)])
    header = ["record_type", "person", "organizer", "date", "campaign"]
    path = tmp_path / "upload.csv"
    path.write_text("\n".join([",".join(header)] + [
        f"assignment,{n},Maya Ortiz,2026-10-02,{CAMPAIGN}" for n in names]) + "\n")
    monkeypatch.setattr(importer, "WRITE_CHUNK", 3)
    reads = []
    real = store.people_snapshot
    monkeypatch.setattr(store, "people_snapshot",
                        lambda *a, **k: (reads.append(a), real(*a, **k))[1])
    check, _ = services.check_upload(store, Actor("organizer", "Maya Ortiz"), path,
                                     Mapping(columns={h: IGNORE for h in header}),
                                     campaign=CAMPAIGN, shown_as="the file")
    assert len(reads) == 3  # 7 rows, in chunks of 3
    assert (check.valid, check.rejected) == (5, 2)
    assert [(e["record"], e["field"]) for e in check.errors] == [
        ("record 2", "organizer"), ("record 6", "organizer")]


def test_an_organizers_upload_may_not_join_two_people(store, tmp_path):
    """An alias row, then an assignment of the alias to her: the alias joined "Ana L" to Ana
    Lopez, another organizer's contact, and the assignment (checked against "Ana L", with no
    one) took her. The API refuses an organizer an alias; so does her upload, for a person
    (an issue's spelling joins no one's contacts). Nothing is written; the error names the
    row and field, never a value."""
    from mapper.mapping import IGNORE, Mapping
    from mapper.models import Assignment

    store.write([Assignment(person="Ana Lopez", organizer="Sam Lee", date="2026-10-01",
                            campaign=CAMPAIGN)])
    header = ["record_type", "kind", "alias", "canonical", "person", "organizer", "date",
              "campaign"]
    path = tmp_path / "upload.csv"
    path.write_text("\n".join([
        ",".join(header),
        f"alias,issue,Parking lot,Parking,,,,{CAMPAIGN}",
        f"alias,person,Ana L,Ana Lopez,,,,{CAMPAIGN}",
        f"assignment,,,,Ana L,Maya Ortiz,2026-10-02,{CAMPAIGN}"]) + "\n")
    mapping = Mapping(columns={h: IGNORE for h in header})
    ana = f"person:{CAMPAIGN}:ana lopez"
    check = services.import_upload(store, Actor("organizer", "Maya Ortiz"), path, mapping,
                                   campaign=CAMPAIGN, shown_as="the file")
    assert check.written is None and store.assignees(CAMPAIGN) == {ana: "Sam Lee"}
    assert [(e["record"], e["field"]) for e in check.errors] == [("record 2", "kind")]
    assert "Ana" not in " ".join(str(e) for e in check.errors)
    check = services.import_upload(store, Actor("admin"), path, mapping, campaign=CAMPAIGN,
                                   shown_as="the file")
    assert not check.errors and store.assignees(CAMPAIGN) == {ana: "Maya Ortiz"}


def test_a_large_organizers_upload_asks_each_row_when_it_is_written(store, tmp_path,
                                                                    monkeypatch):
    """Past KEEP_LIMIT a file is read again as it is written: each row is asked whether she
    may write it when it is reached, after the rows before it went to the writer (as when
    rows were asked one at a time). A chunk asked at once ran ahead of the writes once a
    row was refused on that read, judged against a store without the rows before it."""
    from mapper import importer
    from mapper.mapping import IGNORE, Mapping

    names = [f"Person {i}" for i in range(7)]
    header = ["record_type", "person", "organizer", "date", "campaign"]
    path = tmp_path / "upload.csv"
    path.write_text("\n".join([",".join(header)] + [
        f"assignment,{n},Maya Ortiz,2026-10-02,{CAMPAIGN}" for n in names]) + "\n")
    monkeypatch.setattr(importer, "WRITE_CHUNK", 3)
    monkeypatch.setattr(importer, "KEEP_LIMIT", 2)
    asked = []
    real = services._upload_rule

    def rule(store_, actor):
        refused = real(store_, actor)
        return lambda records: (asked.append(len(records)), refused(records))[1]
    monkeypatch.setattr(services, "_upload_rule", rule)
    check = services.import_upload(store, Actor("organizer", "Maya Ortiz"), path,
                                   Mapping(columns={h: IGNORE for h in header}),
                                   campaign=CAMPAIGN, shown_as="the file")
    # The check (nothing written meanwhile) a chunk at a time; the writing read, row by row.
    assert asked == [3, 3, 1] + [1] * 7
    assert not check.errors and check.written["added"] == 7
    assert set(store.assignees(CAMPAIGN).values()) == {"Maya Ortiz"}


def test_a_repeated_header_is_left_out_not_merged_into_the_first(app):
    lines = ["Name,Phone,Phone,campaign", f"Ana Lopez,555-201-3344,555-201-9999,{CAMPAIGN}"]
    with signed_in_as(app, ADMIN):
        table, file, _ = read(lines)
        selects = [row.children[1].children.children[1] for row in table.children.children[1]
                   .children]
        values = [s.value for s in selects]
        assert values == ["name", "phone", "ignore", "campaign"] and selects[2].disabled
        # Whatever the disabled select says, the first column's choice holds.
        values[2] = "phone"
        preview = text(upload.show_preview(values, file, as_upload(lines), "people.csv", None))
    assert "+15552013344" in preview and "+15552019999" not in preview


def test_a_txt_file_the_page_takes_is_imported_as_a_csv(app, store):
    answer = _import(app, ADMIN, GOOD, name="people.txt")
    assert "2 added" in answer and store.counts(CAMPAIGN)["records"].get("roster") == 2
