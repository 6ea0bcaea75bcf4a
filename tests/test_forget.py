"""Forgetting a person: every record about them and every mention goes; the audit keeps only
that it happened. On both stores (the ``store`` fixture)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dashboard.app import create_app
from dashboard.users import User, hash_password
from mapper.audit import audit_for
from mapper.models import AliasRow, Assignment, Update
from mapper.roles import ADMIN, Actor
from mapper.services import NotAllowed, forget_person
from tests.records import CAMPAIGN, conversation, small_campaign

NAME = "Dee Park"


@pytest.fixture
def filled(store):
    store.write(small_campaign() + [
        conversation(NAME, "2026-11-22", organizer="Dev Patel",
                     contact={"name": NAME, "unit": "ER", "phone": "+1 555 0333"},
                     referrals=[{"name": "Eve Stone", "relationship": "friend"}]),
        Update(date="2026-11-23", person=NAME, update="note", note="called back",
               campaign=CAMPAIGN),
        Assignment(person=NAME, organizer="Maya Ortiz", date="2026-11-24", campaign=CAMPAIGN),
        AliasRow(kind="person", alias="Deedee Park", canonical=NAME, campaign=CAMPAIGN),
    ])
    return store


def _everything(store) -> str:
    return "\n".join(store.export()).casefold()


def test_forgetting_a_person_erases_their_records_and_every_mention(filled):
    assert "dee park" in _everything(filled)
    log = audit_for(filled)
    try:
        log.append("maya", "list_exported", None, list="ready", format="csv")
        key = filled.person_key(CAMPAIGN, NAME)
        opaque = log.opaque(key)
        log.append("maya", "person_viewed", opaque)
        done = forget_person(filled, ADMIN, CAMPAIGN, NAME, audit=log, actor_name="root")
        assert done.deleted >= 5 and done.rewritten >= 1  # Ana's 1-on-1 referred to her
        text = _everything(filled)
        assert "dee park" not in text and "deedee" not in text and "555 0333" not in text
        snapshot = filled.snapshot(CAMPAIGN)
        assert key not in snapshot.people and key not in snapshot.assignments
        assert "Ana Lopez" in {p.name for p in snapshot.people.values()}  # others stay
        assert filled.search_people(CAMPAIGN, "dee") == []
        # The audit: the erasure, the earlier exports to chase, and no way back to the name.
        [entry] = log.entries(action="person_forgotten")
        assert entry.actor == "root" and entry.target == opaque
        assert entry.detail["exports_before"] == [e.seq for e in log.entries(action="list_exported")]
        assert log.key_of(opaque) is None
        # (Her opaque target is random hex, which may hold "dee" itself: left out of the check.)
        audited = json.dumps([e.as_dict() for e in log.entries()]).replace(opaque, "")
        assert "dee" not in audited.casefold()
    finally:
        log.close()


def test_only_an_admin_forgets(filled):
    with pytest.raises(NotAllowed):
        forget_person(filled, Actor("planner"), CAMPAIGN, NAME)
    assert "dee park" in _everything(filled)


def test_the_person_page_links_admins_to_forget_and_the_admin_page_does_it(filled, monkeypatch):
    monkeypatch.setenv("MAPPER_SECRET_KEY", "k" * 64)
    from flask_login import login_user

    from dashboard.pages import admin, person

    root = User("root", "admin", None, hash_password("correct horse battery staple"))
    maya = User("maya", "organizer", "Maya Ortiz", root.password_hash)
    app = create_app(lambda: filled, users={"root": root, "maya": maya})
    key = filled.person_key(CAMPAIGN, NAME)
    for user, shown in ((root, True), (maya, False)):
        with app.server.test_request_context("/"):
            login_user(user)
            page = str(person.render_person(key, CAMPAIGN))
            assert ("/admin?forget=" in page) == shown
    with app.server.test_request_context("/"):
        login_user(maya)
        assert "Tick" not in str(admin.on_forget(1, key, True, CAMPAIGN))  # refused, not done
        assert "dee park" in _everything(filled)
        login_user(root)
        assert "Tick the box" in str(admin.on_forget(1, key, False, CAMPAIGN))
        assert "Forgotten" in str(admin.on_forget(1, key, True, CAMPAIGN))
    assert "dee park" not in _everything(filled)


def test_a_draft_that_refers_to_her_keeps_its_story_but_no_longer_names_her(filled):
    """As her referral is dropped from Ana's stored 1-on-1, so from a draft of another's."""
    from mapper.drafts import drafts_for

    drafts = drafts_for(filled)
    try:
        draft = drafts.save("maya", CAMPAIGN, {
            "contact.name": "Ben Ortiz", "issues.0.story": "his story",
            "referrals.0.name": "Eve Stone", "referrals.1.name": "deedee park",
            "referrals.1.note": "her night shifts"})
        forget_person(filled, ADMIN, CAMPAIGN, NAME, drafts=drafts)
        [kept] = drafts.list("maya")
        assert (kept.id, kept.saved) == (draft.id, draft.saved)
        assert kept.values == {"contact.name": "Ben Ortiz", "issues.0.story": "his story",
                               "referrals.0.name": "Eve Stone"}
    finally:
        drafts.close()


def test_a_person_known_by_an_employee_number_is_forgotten_too(store):
    from mapper.models import RosterRow

    store.write(small_campaign() + [
        RosterRow(name="Fay Quinn", unit="ICU", custom_id="E-100", email="fay@example.org",
                  campaign=CAMPAIGN),
        conversation("Fay Quinn", "2026-11-22", contact={"name": "Fay Quinn", "custom_id": "E-100",
                                                         "unit": "ICU"}),
    ])
    assert "fay" in _everything(store)
    done = forget_person(store, ADMIN, CAMPAIGN, "Fay Quinn")
    assert done.deleted == 2
    assert "fay" not in _everything(store) and "e-100" not in _everything(store)
    assert "Fay Quinn" not in {p.name for p in store.snapshot(CAMPAIGN).people.values()}
    assert "Ana Lopez" in {p.name for p in store.snapshot(CAMPAIGN).people.values()}


def test_a_name_that_is_two_people_one_known_by_an_id_is_refused_not_half_forgotten(store):
    """A record by her name alone, written before such records reached her, made a second
    person of her name beside her (keyed by her employee number): a forget by name took that
    one and left her 1-on-1s, saying it was done. Named by her key, she is forgotten."""
    from mapper.models import RosterRow, TieRow
    from mapper.projection import identity_key
    from mapper.services import NotFound

    store.write(small_campaign() + [
        RosterRow(name="Fay Quinn", unit="ICU", custom_id="E-100", campaign=CAMPAIGN),
        conversation("Fay Quinn", "2026-11-22", contact={"name": "Fay Quinn",
                                                         "custom_id": "E-100"})])
    # (As an older version stored it: a tie by her name, keyed by the name.)
    store.write([TieRow(person="Fay Quinn", other="Ana Lopez", campaign=CAMPAIGN)])
    fay = identity_key(CAMPAIGN, "E-100")
    assert {fay, f"person:{CAMPAIGN}:fay quinn"} <= set(store.snapshot(CAMPAIGN).people)
    with pytest.raises(NotFound, match="share this name"):
        forget_person(store, ADMIN, CAMPAIGN, "Fay Quinn")
    assert fay in store.snapshot(CAMPAIGN).people
    forget_person(store, ADMIN, CAMPAIGN, fay)
    assert fay not in store.snapshot(CAMPAIGN).people


def test_forgetting_that_would_erase_nothing_is_refused_and_not_audited(store):
    from mapper.services import NotFound

    store.write(small_campaign())
    log = audit_for(store)
    try:
        with pytest.raises(NotFound):
            forget_person(store, ADMIN, CAMPAIGN, "No Such Person", audit=log)
        assert log.entries(action="person_forgotten") == []
    finally:
        log.close()


def test_a_failure_between_rewriting_mentions_and_deleting_records_leaves_nothing_half_done(
        filled, monkeypatch):
    from mapper.stores import neo4j as neo4j_store
    from mapper.stores.sqlite import SQLiteStore

    before = sorted(filled.export())

    class Injected(RuntimeError):
        pass

    if isinstance(filled, SQLiteStore):
        # The rewrite's own drop (of the 1-on-1 it replaces) passes; the erasure's fails.
        real_drop = filled._drop

        def drop(ids, ids_of):
            if any(i.startswith(("update:", "assignment:", "alias:")) for i in ids):
                raise Injected
            return real_drop(ids, ids_of)

        monkeypatch.setattr(filled, "_drop", drop)
    else:
        real_load = neo4j_store.load_query

        def load(name):
            if name == "write/delete_records":
                raise Injected
            return real_load(name)

        monkeypatch.setattr(neo4j_store, "load_query", load)
    with pytest.raises(Injected):
        forget_person(filled, ADMIN, CAMPAIGN, NAME)
    monkeypatch.undo()
    assert sorted(filled.export()) == before  # Ana's referral of her is still there
    assert filled.person_key(CAMPAIGN, NAME) in filled.snapshot(CAMPAIGN).people
    forget_person(filled, ADMIN, CAMPAIGN, NAME)
    assert "dee park" not in _everything(filled)


SECRET = "UNMISTAKABLE-DEE-STORY"


def _file_with_her_story(tmp_path):
    """A store file holding her story (:data:`SECRET`), and what its files hold as bytes."""
    from mapper.stores.sqlite import SQLiteStore

    store = SQLiteStore(tmp_path / "m.db")
    store.write(small_campaign() + [
        conversation(NAME, "2026-11-22", contact={"name": NAME, "unit": "ER"},
                     issues=[{"issue": "pay", "anger": 4, "story": SECRET}])])
    return store, lambda: b"".join(p.read_bytes() for p in tmp_path.iterdir()
                                   if p.name.startswith("m.db"))


def test_forgotten_text_is_not_left_in_the_sqlite_file_or_its_log(tmp_path):
    store, raw = _file_with_her_story(tmp_path)
    forget_person(store, ADMIN, CAMPAIGN, NAME)
    assert SECRET.encode() not in raw()
    # Nor her name: in a key (the read model's stamps of rows kept a removed row's key), or
    # as written.
    assert NAME.casefold().encode() not in raw().lower()
    store.close()


def test_her_draft_and_her_audit_id_are_not_left_in_the_sqlite_file_or_its_log(tmp_path):
    """A draft of her 1-on-1 and the audit's id for her (whose key is her name) are deleted
    after her records, through connections of their own: the erasure's checkpoint must come
    after them too. A server keeps the store open for days; until the next checkpoint they
    stayed readable in the file."""
    from mapper.drafts import drafts_for

    store, raw = _file_with_her_story(tmp_path)
    drafts, log = drafts_for(store), audit_for(store)
    drafts.save("maya", CAMPAIGN, {"contact.name": NAME, "notes": "UNMISTAKABLE-DRAFT"})
    log.append("maya", "person_viewed", log.opaque(store.person_key(CAMPAIGN, NAME)))
    forget_person(store, ADMIN, CAMPAIGN, NAME, audit=log, drafts=drafts)
    try:
        assert b"UNMISTAKABLE-DRAFT" not in raw()
        assert NAME.casefold().encode() not in raw().lower()
    finally:
        drafts.close()
        log.close()
        store.close()


def test_her_audit_id_is_zeroed_where_sqlite_keeps_deleted_rows_by_default(tmp_path,
                                                                          monkeypatch):
    """The audit's id for her is keyed by her name. SQLite as built by default (Debian's
    turns SECURE_DELETE on) leaves a deleted row's bytes in its page unless the connection
    asks otherwise, as the store's and the drafts' do."""
    import sqlite3

    connect = sqlite3.connect

    def keeping_deleted_rows(*args, **kwargs):
        db = connect(*args, **kwargs)
        db.execute("PRAGMA secure_delete=OFF")
        return db

    monkeypatch.setattr(sqlite3, "connect", keeping_deleted_rows)
    store, raw = _file_with_her_story(tmp_path)
    log = audit_for(store)
    for n in range(5):  # (her row not alone in its page)
        log.opaque(f"person:{CAMPAIGN}:someone {n}")
    log.append("maya", "person_viewed", log.opaque(store.person_key(CAMPAIGN, NAME)))
    forget_person(store, ADMIN, CAMPAIGN, NAME, audit=log)
    log.close()
    store.close()
    assert NAME.casefold().encode() not in raw().lower()


def test_a_read_of_its_own_holds_off_neither_a_forget_nor_its_erasure_for_long(tmp_path):
    """A snapshot, a list's rows or a campaign's words are read through a connection of the
    store's own, outside its lock. A forget meanwhile neither waits for that read with the
    lock held (every page of the worker waited, up to the 30 s busy timeout) nor leaves her
    words in the file once it ends (its checkpoint gave up, silently, until the store
    closed): the erasure is finished when the read ends."""
    import threading

    store, raw = _file_with_her_story(tmp_path)
    reading, done = threading.Event(), threading.Event()

    def read() -> None:
        with store._snapshot_reading() as (db, _version):
            db.execute("SELECT count(*) FROM records").fetchone()
            reading.set()
            done.wait(120)
    reader = threading.Thread(target=read)
    reader.start()
    assert reading.wait(10)
    forgot = threading.Thread(target=forget_person, args=(store, ADMIN, CAMPAIGN, NAME))
    forgot.start()
    forgot.join(20)
    try:
        assert not forgot.is_alive(), "the forget waited for a read of the store's own"
        assert store.version() is not None  # (the lock is free)
    finally:
        done.set()
        reader.join()
        forgot.join()
    assert SECRET.encode() not in raw()
    assert NAME.casefold().encode() not in raw().lower()
    store.close()


def test_a_worker_lets_go_of_what_it_held_of_her_at_its_refreshers_next_round(filled):
    """Nothing computed before the forget is served again (each is of an older version), but
    a worker held her rows, answers and snapshot until three newer versions were read: in a
    quiet hour, hours. Its refresher's next round lets go of them, and of the lists' rows
    the dashboard built from them."""
    from dashboard import listing
    from dashboard.tables import _ReadyBase, complete, kept_talk_rows
    from mapper.analytics import power_map
    from mapper.analytics.cached import Analytics
    from mapper.analytics.stored import Refresher
    from mapper.analytics.texts import WithCampaignTexts

    analytics = Analytics(WithCampaignTexts(filled), campaign=CAMPAIGN, answers=filled)
    analytics.on_let_go = listing.let_go_of_lists
    rows = kept_talk_rows(analytics, CAMPAIGN)
    complete(rows, list(rows))
    listing._choices(kept_talk_rows, CAMPAIGN, rows, "unit")
    analytics.answer(power_map)
    analytics.snapshot(CAMPAIGN)

    def held() -> str:
        return repr([analytics._latest, analytics._kept, analytics._indexes, analytics.views,
                     analytics._versions, listing._READ_ONCE,
                     [(k, b.values) for k, (_, b) in _ReadyBase._held.items()]]).casefold()
    assert "dee park" in held()
    forget_person(filled, ADMIN, CAMPAIGN, NAME)
    Refresher(analytics).run_once()
    assert "dee park" not in held()


def test_a_worker_lets_go_of_the_kept_rankings_it_held_of_her_at_its_refreshers_next_round(
        filled):
    """The pages of a kept ask ranking a worker read are held in its store object, as a page
    of the Ready list left them: let go of with the rest at its refresher's next round."""
    from mapper.analytics.cached import Analytics
    from mapper.analytics.stored import Refresher
    from mapper.analytics.texts import WithCampaignTexts, read_texts

    analytics = Analytics(WithCampaignTexts(filled), campaign=CAMPAIGN, answers=filled)
    filled.ask_queue_page(CAMPAIGN, today=dt.date(2026, 11, 25),
                          texts=lambda ids: read_texts(filled, CAMPAIGN, ids), words="every")

    def held() -> str:
        return repr([(head.result, vars(order)) for head, order
                     in filled._kept_answers.values()]).casefold()
    assert "dee park" in held()
    forget_person(filled, ADMIN, CAMPAIGN, NAME)
    Refresher(analytics).run_once()
    assert "dee park" not in held()


def _every_value(store) -> str:
    """Every value the store holds, whatever the table, node or relationship (casefolded)."""
    if hasattr(store, "_session"):  # Neo4j
        with store._session() as session:
            found = [r[0] for r in session.run("MATCH (n) RETURN properties(n)")]
            found += [r[0] for r in session.run("MATCH ()-[e]->() RETURN properties(e)")]
        return json.dumps(found, default=str).casefold()
    db = store._db
    tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return json.dumps([list(db.execute(f'SELECT * FROM "{t}"')) for t in tables],
                      default=repr).casefold()


def test_a_forgotten_name_is_held_nowhere_in_the_store(filled):
    """Not in a record, and not in anything derived: nodes, the read model's rows and their
    stamps, stored answers (a kept ask ranking names people)."""
    from mapper.analytics.texts import read_texts

    filled.ask_queue_page(CAMPAIGN, today=dt.date(2026, 11, 25),
                          texts=lambda ids: read_texts(filled, CAMPAIGN, ids), words="every")
    assert "dee park" in _every_value(filled)
    forget_person(filled, ADMIN, CAMPAIGN, NAME)
    held = _every_value(filled)
    assert "dee park" not in held and "deedee" not in held


def test_a_name_she_was_once_recorded_under_is_forgotten_with_her(store):
    """Her 1-on-1 first written under a misspelling, then corrected: the misspelled name's
    row went with the correction, leaving a stamp of it (what drops her from a kept ask
    ranking); that stamp goes when she is forgotten, on both stores."""
    store.write(small_campaign() + [conversation("Dee Parq", "2026-11-22", id="dee")])
    store.write([conversation(NAME, "2026-11-22", id="dee")])
    assert "dee parq" not in "\n".join(store.export()).casefold()
    assert "dee parq" in _every_value(store)  # the stamp of the row removed
    forget_person(store, ADMIN, CAMPAIGN, NAME)
    held = _every_value(store)
    assert "dee parq" not in held and "dee park" not in held
