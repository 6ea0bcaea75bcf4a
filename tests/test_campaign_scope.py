"""An account limited to some campaigns: another campaign of the store is, to her, one that does
not exist — on every page and callback, in exports, the call sheet and the API, for reads and
writes — while an unlimited account and an admin see every campaign. A change of her campaigns
is met at her next request.

Tests on the store run on the embedded store and on a real Neo4j (users live beside it).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from dashboard.api import openapi
from dashboard.app import create_app
from dashboard.layout import fill_campaigns
from dashboard.pages import clusters, follow_ups, my_list, overview, person, power, \
    ready, record, talk_next
from dashboard.users import User, hash_password, parse_users
from mapper import cli, services
from mapper.roles import Actor
from mapper.users import UserError, users_for
from tests.records import CAMPAIGN, conversation, small_campaign
from tests.test_dashboard_callbacks import _form, signed_in_as, text
from tests.test_dashboard_exports import _client as _login

PASSWORD = "correct horse battery staple"
HASH = hash_password(PASSWORD)
BETA = "beta-plant"
NOWHERE = "no-such-campaign"
#: What campaign B holds that no one limited to campaign A may meet.
OF_BETA = ["Bea Quill", "Bo Vance", "BETA STORY", "BETA NOTES", "heat on the line"]

ROOT = User("root", "admin", None, HASH, campaigns=(CAMPAIGN,))  # an admin's list is not read
MAYA = User("maya", "organizer", "Maya Ortiz", HASH, campaigns=(CAMPAIGN,))
PAT = User("pat", "planner", None, HASH, campaigns=(CAMPAIGN,))
DEV = User("dev", "organizer", "Dev Patel", HASH)  # every campaign
USERS = {u.username: u for u in (ROOT, MAYA, PAT, DEV)}


def beta() -> list:
    story = [{"issue": "heat on the line", "anger": 5, "story": "BETA STORY"}]
    return [conversation("Bea Quill", "2026-11-10", campaign=BETA, issues=story,
                         notes="BETA NOTES", ask={"asked": True, "action": "sign",
                                                  "response": "yes", "due": "2026-11-28"},
                         assessment=1),
            conversation("Bo Vance", "2026-11-12", campaign=BETA, organizer="Dev Patel",
                         issues=story, assessment=2)]


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request, open_store_of_kind):
    s = open_store_of_kind(request.param)
    s.write(small_campaign() + beta())
    # Maya holds contacts in both campaigns: limited, she meets none of campaign B's.
    services.assign(s, Actor("admin"), BETA, ["Bea Quill"], "Maya Ortiz")
    return s


@pytest.fixture
def app(store):
    return create_app(lambda: store, users=USERS)


def views(campaign: str) -> str:
    """Every page and callback of campaign ``campaign``, as the browser would get them."""
    bea = f"person:{campaign}:bea quill"
    out = [fill_campaigns("/", campaign)[:2]]
    for module in (overview, clusters, power, ready, talk_next, follow_ups, my_list):
        out.append(module.layout())
    out += [overview.update_overview(campaign, "0.6667"), clusters.update_clusters(campaign, "3"),
            clusters.issue_people({"id": f"issue:{campaign}:heat on the line"}, campaign, "3"),
            power.update_power(campaign, None), talk_next.leaders(campaign),
            follow_ups.update_follow_ups(campaign, "2026-11-30", None)[:3],
            person.render_person(bea, campaign), person.search("bea", campaign),
            person.search("quill", campaign),
            record.own_conversation(MAYA, "2026-11-10-bea-quill", campaign),
            record.suggestions("", campaign), record.default_campaign(campaign, None, campaign),
            person.act("attempt", bea, campaign, outcome="no_answer")]
    return text(out)


def _token(app, username: str) -> dict[str, str]:
    made = app.server.extensions["mapper_accounts"].tokens.create(username).token
    return {"Authorization": f"Bearer {made}"}


# --- pages and callbacks -----------------------------------------------------------------------

@pytest.mark.parametrize("user", [MAYA, PAT], ids=["organizer", "planner"])
def test_an_account_limited_to_one_campaign_gets_nothing_of_another_through_the_pages(
        app, store, user):
    before = store.version()
    with signed_in_as(app, user):
        options, current, _ = fill_campaigns("/", BETA)
        seen = views(BETA)
        absent = views(NOWHERE)
    assert options == [{"label": CAMPAIGN, "value": CAMPAIGN}] and current == CAMPAIGN
    for secret in OF_BETA:
        assert secret not in seen
    assert "Ana Lopez" in seen  # her own campaign, as for a campaign the store does not hold
    # Answered exactly as a campaign that does not exist.
    assert seen.replace(BETA, NOWHERE) == absent
    assert store.version() == before  # the attempt on Bea was not logged


@pytest.mark.parametrize("user", [ROOT, DEV], ids=["admin", "unlimited"])
def test_an_unlimited_account_and_an_admin_see_every_campaign(app, user):
    with signed_in_as(app, user):
        options, _, style = fill_campaigns("/", None)
        assert [o["value"] for o in options] == sorted([CAMPAIGN, BETA]) and style == {}
        ren = text(person.render_person(f"person:{BETA}:bea quill", BETA))
        board = text(overview.update_overview(BETA, "0.6667"))
        angry = text(clusters.issue_people({"id": f"issue:{BETA}:heat on the line"}, BETA, "3"))
    assert "Bea Quill" in ren and "heat on the line" in board and "Bo Vance" in angry


def test_a_1_on_1_recorded_into_a_campaign_outside_hers_is_refused_as_for_a_new_one(
        app, store):
    before = (store.version(), sorted(store.campaigns()))
    said = {}
    for camp in (BETA, "gamma-new"):
        with signed_in_as(app, MAYA):
            fields, values, errors = _form(**{"date": "2026-11-25", "contact.name": "Eve Stone",
                                              "issues.0.issue": "parking",
                                              "issues.0.anger": 4})
            messages, status, _ = record.save_record(1, fields, values, errors, camp, None)
        said[camp] = text([messages, status])
        assert "Not saved" in said[camp] and "not one of the campaigns you work on" in said[camp]
    assert said[BETA] == said["gamma-new"]
    assert (store.version(), sorted(store.campaigns())) == before
    with signed_in_as(app, DEV):
        fields, values, errors = _form(**{"date": "2026-11-25", "contact.name": "Eve Stone",
                                          "issues.0.issue": "parking", "issues.0.anger": 4})
        _, status, _ = record.save_record(1, fields, values, errors, BETA, None)
    assert "saved" in text(status) and store.person_history(BETA, "Eve Stone")


def test_her_own_record_in_another_campaign_is_not_found_to_her(store):
    maya = Actor("organizer", "Maya Ortiz", (CAMPAIGN,))
    key = f"conversation:{BETA}:2026-11-10-bea-quill"
    with pytest.raises(services.NotFound) as there:
        services.delete_record(store, maya, key)
    with pytest.raises(services.NotFound) as nowhere:
        services.delete_record(store, maya, f"conversation:{BETA}:2026-11-10-no-one")
    assert str(there.value) == str(nowhere.value)
    assert store.get_records([key])
    services.delete_record(store, Actor("organizer", "Maya Ortiz"), key)  # unlimited: hers
    assert not store.get_records([key])


def test_an_upload_naming_a_campaign_outside_hers_writes_nothing(store, tmp_path):
    from mapper.mapping import Mapping

    header = ["name", "unit", "campaign"]
    path = tmp_path / "roster.csv"
    path.write_text(",".join(header) + f"\nZed Quarry,ICU,{BETA}\n")
    mapping = Mapping(columns={"name": "name", "unit": "unit", "campaign": "campaign"})
    before = store.version()
    maya = Actor("organizer", "Maya Ortiz", (CAMPAIGN,))
    check = services.import_upload(store, maya, path, mapping, campaign=CAMPAIGN,
                                   shown_as="the file")
    assert check.written is None and store.version() == before
    assert [e["field"] for e in check.errors] == ["campaign"]
    assert "Zed" not in text(check.errors)


def test_an_upload_naming_a_campaign_outside_hers_says_nothing_of_whom_it_holds(
        store, tmp_path):
    from mapper.mapping import Mapping

    mapping = Mapping(columns={"name": "name", "email": "email", "campaign": "campaign"})
    maya = Actor("organizer", "Maya Ortiz", (CAMPAIGN,))
    said = {}
    for camp in (BETA, NOWHERE):
        path = tmp_path / "roster.csv"
        # Bea is campaign B's; a new name with its people's email would be a look-alike there.
        path.write_text(f"name,email,campaign\nBea Quill,,{camp}\n"
                        f"Zed Quarry,secret-email@example.org,{camp}\n")
        check, _ = services.check_upload(store, maya, path, mapping, campaign=CAMPAIGN,
                                         shown_as="the file")
        said[camp] = check
    assert said[BETA] == said[NOWHERE] and said[BETA].people["matched"] == 0


# --- the API ---------------------------------------------------------------------------------

def test_a_limited_token_gets_nothing_of_another_campaign_from_the_api(app, store):
    client, maya = app.server.test_client(), _token(app, "maya")
    assert client.get("/api/v1/campaigns", headers=maya).json == {"campaigns": [CAMPAIGN]}
    for path in ("/api/v1/questions/overview", "/api/v1/questions/clusters",
                 "/api/v1/lists/ready", "/api/v1/lists/my-list"):
        seen = client.get(f"{path}?campaign={BETA}", headers=maya)
        absent = client.get(f"{path}?campaign={NOWHERE}", headers=maya)
        assert seen.status_code == absent.status_code == 200
        body = seen.get_data(as_text=True)
        assert seen.json["campaign"] == CAMPAIGN and "Bea Quill" not in body
        assert {**seen.json, "computed_at": None} == {**absent.json, "computed_at": None}
    before = store.version()
    new = conversation("Hal Ames", "2026-11-25").model_dump(mode="json", exclude_none=True)
    refused = {}
    for camp in (BETA, "gamma-new"):
        r = client.post("/api/v1/records", json={**new, "campaign": camp}, headers=maya)
        assert r.status_code == 403
        refused[camp] = r.json
    assert refused[BETA] == refused["gamma-new"]
    r = client.post(f"/api/v1/records?campaign={BETA}",
                    json={k: v for k, v in new.items() if k != "campaign"}, headers=maya)
    assert r.status_code == 403 and r.json == refused[BETA]
    assert store.version() == before and sorted(store.campaigns()) == sorted([CAMPAIGN, BETA])


def test_an_unlimited_token_and_an_admins_see_both_campaigns(app):
    client = app.server.test_client()
    for who in ("dev", "root"):
        headers = _token(app, who)
        assert sorted(client.get("/api/v1/campaigns", headers=headers).json["campaigns"]) \
            == sorted([CAMPAIGN, BETA])
        r = client.get(f"/api/v1/lists/ready?campaign={BETA}", headers=headers)
        assert r.json["campaign"] == BETA


def test_me_says_the_campaigns_a_token_works_on(app):
    client = app.server.test_client()
    said = {who: client.get("/api/v1/me", headers=_token(app, who)).json
            for who in ("maya", "dev", "root")}
    assert said["maya"] == {"username": "maya", "role": "organizer", "organizer": "Maya Ortiz",
                            "campaigns": [CAMPAIGN], "scopes": ["read", "write"]}
    # Every campaign: an account limited to none, and an admin (whose list is not read).
    assert said["dev"]["campaigns"] == said["root"]["campaigns"] == []
    me = openapi()["paths"]["/api/v1/me"]["get"]["responses"]["200"]
    assert "campaigns" in me["content"]["application/json"]["schema"]["properties"]


# --- exports, and a change met at the next request ----------------------------------------------

def test_exports_and_the_call_sheet_hold_nothing_of_another_campaign(app):
    maya, dev = _login(app, MAYA), _login(app, DEV)
    for path in ("/download/ready.csv", "/download/my-list.csv", "/print/ready",
                 "/print/my-list"):
        body = maya.get(f"{path}?campaign={BETA}").get_data(as_text=True)
        for secret in OF_BETA[:2]:
            assert secret not in body
    assert "Bo Vance" in dev.get(f"/download/ready.csv?campaign={BETA}").get_data(as_text=True)


def test_a_change_of_her_campaigns_is_met_at_her_next_request(app):
    users = app.server.extensions["mapper_accounts"].users
    users.set_campaigns("maya", [])  # every campaign
    client, headers = _login(app, MAYA), _token(app, "maya")
    csv = f"/download/my-list.csv?campaign={BETA}"
    assert "Bea Quill" in client.get(csv).get_data(as_text=True)
    assert BETA in client.get("/api/v1/campaigns", headers=headers).json["campaigns"]

    users.set_campaigns("maya", [CAMPAIGN])
    assert "Bea Quill" not in client.get(csv).get_data(as_text=True)
    assert client.get("/api/v1/campaigns", headers=headers).json == {"campaigns": [CAMPAIGN]}

    users.set_campaigns("maya", [CAMPAIGN, BETA])
    assert "Bea Quill" in client.get(csv).get_data(as_text=True)


def test_the_admin_page_limits_a_user_to_campaigns_and_lifts_it(app):
    from dashboard import ids
    from tests.test_server_accounts import _click, _outputs_of

    acc = app.server.extensions["mapper_accounts"]
    client = _login(app, ROOT)
    outputs = _outputs_of(client, f"{ids.ADMIN_USERS}.children")

    def click(campaigns: str) -> str:
        button = {"id": {"type": ids.ADMIN_ACTION, "change": "set_campaigns"},
                  "property": "n_clicks", "value": 1}
        state = [{"id": i, "property": "value", "value": v} for i, v in (
            (ids.ADMIN_USERNAME, "dev"), (ids.ADMIN_ROLE, None), (ids.ADMIN_ORGANIZER, None),
            (ids.ADMIN_PASSWORD, None), (ids.ADMIN_CAMPAIGNS, campaigns))]
        return text(_click(client, outputs, [[button]], state)["response"])

    assert f"limited to {CAMPAIGN}, {BETA}" in click(f"{CAMPAIGN}, {BETA}")
    assert acc.users.get("dev").campaigns == (CAMPAIGN, BETA)
    assert "on every campaign" in click(" ") and acc.users.get("dev").campaigns == ()
    assert "campaigns:" in click("not a campaign!") and acc.users.get("dev").campaigns == ()


# --- where accounts keep them ----------------------------------------------------------------

def test_both_user_stores_keep_an_accounts_campaigns(store):
    users = users_for(store)
    try:
        users.add("sam", "organizer", PASSWORD, organizer="Sam Lee",
                  campaigns=[f" {CAMPAIGN} ", BETA, CAMPAIGN])
        assert users.get("sam").campaigns == (CAMPAIGN, BETA)
        assert users.set_role("sam", "planner").campaigns == (CAMPAIGN, BETA)  # kept
        assert users.set_campaigns("sam", []).campaigns == ()
        with pytest.raises(UserError, match="^campaigns:"):
            users.set_campaigns("sam", ["two words"])
        assert {u.username: u.campaigns for u in users.all()}["sam"] == ()
    finally:
        users.close()


def test_an_account_kept_before_accounts_had_campaigns_sees_every_campaign(store):
    from mapper.stores.sqlite import SQLiteStore

    if isinstance(store, SQLiteStore):
        import sqlite3

        db = sqlite3.connect(store.path)
        db.execute("CREATE TABLE users (username TEXT PRIMARY KEY, role TEXT NOT NULL, "
                   "organizer TEXT, password_hash TEXT NOT NULL, active INTEGER NOT NULL, "
                   "created REAL NOT NULL, updated REAL NOT NULL) WITHOUT ROWID")
        db.execute("INSERT INTO users VALUES ('old', 'viewer', NULL, ?, 1, 0, 0)", (HASH,))
        db.commit()
        db.close()
    else:
        with store.driver.session(database=store.database) as session:
            session.run("CREATE (:AppUser {username: 'old', role: 'viewer', password_hash: $h, "
                        "active: true, created: 0.0, updated: 0.0})", h=HASH).consume()
    users = users_for(store)
    try:
        assert users.get("old").campaigns == ()
        assert users.set_campaigns("old", [BETA]).campaigns == (BETA,)
        assert users_for(store).get("old").campaigns == (BETA,)
    finally:
        users.close()


def test_a_users_file_may_limit_a_user_to_campaigns():
    found = parse_users({"users": [
        {"username": "maya", "password_hash": HASH, "role": "organizer",
         "organizer": "Maya Ortiz", "campaigns": [CAMPAIGN]},
        {"username": "pat", "password_hash": HASH, "role": "planner"}]})
    assert found["maya"].campaigns == (CAMPAIGN,) and found["pat"].campaigns == ()
    with pytest.raises(ValueError, match=r"users\[0\] \(maya\): campaigns:"):
        parse_users({"users": [{"username": "maya", "password_hash": HASH, "role": "viewer",
                                "campaigns": "st lukes"}]})


def test_the_cli_adds_a_user_limited_to_campaigns_and_changes_them(tmp_path):
    runner, db = CliRunner(), str(tmp_path / "s.db")

    def run(*args: str, stdin: str | None = None):
        return runner.invoke(cli.app, list(args) + ["--db", db], input=stdin,
                             catch_exceptions=False)

    r = run("users", "add", "maya", "--role", "organizer", "--organizer", "Maya Ortiz",
            "--campaign", CAMPAIGN, "--campaign", BETA, "--password-stdin",
            stdin=PASSWORD + "\n")
    assert r.exit_code == 0 and f"campaigns: {CAMPAIGN}, {BETA}" in r.output
    assert run("users", "set-campaigns", "maya").exit_code == 2  # neither --campaign nor --all
    r = run("users", "set-campaigns", "maya", "--campaign", BETA)
    assert r.exit_code == 0 and f"campaigns: {BETA}" in r.output
    [row] = json.loads(run("users", "list", "--json").output)["users"]
    assert row["campaigns"] == [BETA]
    assert run("users", "set-campaigns", "maya", "--all").exit_code == 0
    [row] = json.loads(run("users", "list", "--json").output)["users"]
    assert row["campaigns"] == []
    entries = json.loads(run("audit", "--json").output)["entries"]
    assert [e["detail"].get("campaigns") for e in entries
            if e["action"] == "user_campaigns_set"] == [[BETA], "all"]


# --- a person's key naming another campaign -------------------------------------------------

@pytest.mark.parametrize("user", [MAYA, PAT], ids=["organizer", "planner"])
def test_a_forged_person_key_of_another_campaign_is_acted_on_nowhere(app, store, user):
    from dashboard import actions
    from dashboard.bulk_assign import bulk_assign
    from dashboard.tables import ready_rows

    before = store.version()
    said = {}
    for camp in (BETA, NOWHERE):
        bea = f"person:{camp}:bea quill"
        with signed_in_as(app, user):
            said[camp] = text([
                bulk_assign(ready_rows, [], "selected", [{"person": bea}], "Maya Ortiz", None,
                            [], camp),
                actions.perform("ready", {"do": "attempt", "person": bea, "value": "no_answer"},
                                camp, dt.date(2026, 11, 30))])
    assert said[BETA].replace(BETA, NOWHERE) == said[NOWHERE]
    assert "Nothing assigned" in said[BETA] and "Bea" not in said[BETA]
    assert store.version() == before


def test_a_contact_is_given_to_no_organizer_whose_account_does_not_work_on_her_campaign(
        store):
    from mapper.models import Assignment

    users = users_for(store)
    users.add("maya", "organizer", PASSWORD, organizer="Maya Ortiz", campaigns=[CAMPAIGN])
    users.add("dev", "organizer", PASSWORD, organizer="Dev Patel")
    users.close()
    planner = Actor("planner")
    before = store.version()
    refusals = []
    for actor in (planner, Actor("admin")):  # the dashboard's planner; `mapper assign --to`
        with pytest.raises(services.NotAllowed) as refused:
            services.assign(store, actor, BETA, ["Bo Vance"], "maya  ORTIZ")
        refusals.append(str(refused.value))
    with pytest.raises(services.NotAllowed) as posted:  # the API, an upload
        services.post_records(store, planner, [Assignment(person="Bo Vance",
                                                          organizer="Maya Ortiz",
                                                          campaign=BETA)])
    refusals.append(str(posted.value))
    assert store.version() == before
    for said in refusals:
        assert "does not work on this campaign" in said
        assert "Bo" not in said and "Maya" not in said and BETA not in said
    # Her own campaign; an account that works on every one; a name no account records under.
    assert services.assign(store, planner, CAMPAIGN, ["Ben Ortiz"], "Maya Ortiz").people
    assert services.assign(store, planner, BETA, ["Bo Vance"], "Dev Patel").people
    done = services.assign(store, planner, BETA, ["Bo Vance"], "Nia Okafor")
    assert done.people and done.new_organizer


def test_an_import_gives_no_contact_to_an_organizer_whose_account_does_not_work_on_her_campaign(
        store, tmp_path, request, monkeypatch):
    """As `mapper assign --to` and the API refuse it, an admin's upload and `mapper import`
    refuse an assignment row giving a contact to an organizer none of whose accounts works on
    the contact's campaign (she would never see her): the file, record and field named, no
    name, nothing written. A name no account records under still goes in."""
    from mapper.mapping import IGNORE, Mapping
    from mapper.stores.sqlite import SQLiteStore

    users = users_for(store)
    users.add("maya", "organizer", PASSWORD, organizer="Maya Ortiz", campaigns=[CAMPAIGN])
    users.close()
    header = ["record_type", "person", "organizer", "date", "campaign"]
    path = tmp_path / "upload.csv"
    path.write_text(",".join(header) + f"\nassignment,Bo Vance,Maya Ortiz,2026-11-20,{BETA}\n")
    mapping = Mapping(columns={h: IGNORE for h in header})
    before = store.version()
    check = services.import_upload(store, Actor("admin"), path, mapping, campaign=BETA,
                                   shown_as="the file")
    assert check.written is None and store.version() == before
    [error] = check.errors
    assert (error["where"], error["record"], error["field"]) == ("the file:2", "record 1",
                                                                 "organizer")
    assert error["message"] == services.NOT_HER_CAMPAIGN
    # The command line: the same refusal, on either store.
    if isinstance(store, SQLiteStore):
        where = ["--db", str(store.path)]
    else:
        monkeypatch.setenv("NEO4J_URI", request.getfixturevalue("neo4j_uri"))
        where = []
    result = CliRunner().invoke(cli.app, ["import", str(path), *where])
    assert result.exit_code == 1 and store.version() == before, result.output
    said = " ".join(result.output.split())
    assert f"{path}:2" in said and "organizer" in said and "does not work on this campaign" in said
    assert "Bo Vance" not in said and "Maya" not in said
    path.write_text(",".join(header) + f"\nassignment,Bo Vance,Nia Okafor,2026-11-20,{BETA}\n")
    assert CliRunner().invoke(cli.app, ["import", str(path), *where]).exit_code == 0
    assert store.assignees(BETA)[f"person:{BETA}:bo vance"] == "Nia Okafor"
