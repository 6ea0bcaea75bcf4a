"""Who a record is (mapper.identity, issue #13 item 2): a name-only record joins the one person
of its name, and where several could be meant it is reported as ambiguous and kept apart."""

from __future__ import annotations

from mapper.identity import Identities
from mapper.models import OneOnOne, RosterRow

CAMPAIGN = "acme"


def _talk(name: str) -> OneOnOne:
    return OneOnOne.model_validate({"date": "2026-11-20", "organizer": "Maya Ortiz",
                                    "campaign": CAMPAIGN, "contact": {"name": name}})


def test_a_name_shared_by_a_person_with_an_id_and_one_without_is_ambiguous_not_merged():
    ids = Identities()
    ids.resolve(RosterRow(name="Ana Lopez", campaign=CAMPAIGN), "a.csv:2", "record 1")
    ids.resolve(RosterRow(name="Ana Lopez", custom_id="E-100", campaign=CAMPAIGN),
                "a.csv:3", "record 2")
    talk = ids.resolve(_talk("ana lopez"), "t.yaml:1", "record 1")
    assert talk.contact.custom_id is None  # not silently given E-100
    assert ids.report.ambiguous == 1 and ids.report.matched == 0
    notice = ids.report.notices[-1]
    assert notice.what == "ambiguous" and "2 people" in notice.detail
    assert "Ana" not in str(notice) and "E-100" not in str(notice)


def test_the_one_person_of_a_name_with_an_id_is_still_joined():
    ids = Identities()
    ids.resolve(RosterRow(name="Ana Lopez", custom_id="E-100", campaign=CAMPAIGN), "a", "r1")
    talk = ids.resolve(_talk("Ana  LOPEZ"), "t", "r1")
    assert talk.contact.custom_id == "E-100"
    assert (ids.report.matched, ids.report.ambiguous) == (1, 0)


# -- the write path the API and the form use (both stores) -----------------------------------

def _one_person_named(store, name: str) -> list[str]:
    return [k for k, p in store.snapshot(CAMPAIGN).people.items() if p.name == name]


def test_a_1_on_1_posted_for_someone_on_a_roster_with_employee_numbers_is_that_person(store):
    from mapper.roles import ADMIN
    from mapper.services import post_records

    store.write([RosterRow(name="Ana Lopez", custom_id="E-100", unit="ICU", campaign=CAMPAIGN)])
    ids = Identities(store)
    post_records(store, ADMIN, [_talk("Ana Lopez")], identities=ids)
    assert len(store.snapshot(CAMPAIGN).people) == 1
    (conv,) = store.iter_records(CAMPAIGN, "conversation")
    assert conv.body["contact"]["custom_id"] == "E-100" and ids.report.matched == 1
    # With a namesake who has no id, it is reported as ambiguous and kept apart.
    store.write([RosterRow(name="Ben Okafor", unit="ER", campaign=CAMPAIGN),
                 RosterRow(name="Ben Okafor", custom_id="E-200", unit="ICU", campaign=CAMPAIGN)])
    ids = Identities(store)
    post_records(store, ADMIN, [_talk("Ben Okafor")], identities=ids)
    assert ids.report.ambiguous == 1 and len(_one_person_named(store, "Ben Okafor")) == 2


def test_a_1_on_1_saved_from_the_form_joins_the_roster_person_of_its_name(store):
    from dashboard.app import create_app
    from dashboard.pages import record
    from tests.test_dashboard_callbacks import MAYA, USERS, _form, signed_in_as, text

    store.write([RosterRow(name="Ana Lopez", custom_id="E-100", unit="ICU", campaign=CAMPAIGN)])
    app = create_app(lambda: store, users=USERS)
    with signed_in_as(app, MAYA):
        fields, values, errors = _form(**{"date": "2026-11-25", "contact.name": "Ana Lopez"})
        _, status, _ = record.save_record(1, fields, values, errors, CAMPAIGN, CAMPAIGN)
    assert "saved" in text(status)
    people = store.snapshot(CAMPAIGN).people
    assert len(people) == 1
    (key,) = people
    assert key.split(":", 2)[2].startswith("#")  # her employee number's key
    from dashboard.components import person_href

    assert person_href(key) in text(status)  # "Open their page" opens her


def test_a_ties_row_by_name_reaches_the_one_person_of_that_name_known_by_an_id(store, tmp_path):
    """A roster with employee numbers keys its people by id: a ties list by names made a
    second person of each name (their trust network apart from the roster's people). As a
    name-only 1-on-1 does, each name of the one person of that name with an id is her."""
    from mapper.importer import import_files
    from mapper.models import RosterRow
    from mapper.projection import identity_key

    store.write([RosterRow(name="Ana Lopez", custom_id="E-1", campaign="c"),
                 RosterRow(name="Ben Ortiz", custom_id="E-2", campaign="c"),
                 RosterRow(name="Ben Ortiz", custom_id="E-3", campaign="c"),
                 RosterRow(name="Cam Lee", campaign="c")])
    ties = tmp_path / "ties.csv"
    ties.write_text("person,other,relationship,campaign\nAna Lopez,Cam Lee,friends,c\n"
                    "Ana Lopez,Ben Ortiz,carpool,c\n")
    import_files(store, [ties])
    snapshot = store.snapshot("c")
    ana = identity_key("c", "E-1")
    # (Two Ben Ortiz with ids: the name alone is neither, kept apart as before.)
    assert sorted((t.a, t.b) for t in snapshot.ties) == sorted([
        tuple(sorted((ana, "person:c:cam lee"))), tuple(sorted((ana, "person:c:ben ortiz")))])
    assert "person:c:ana lopez" not in snapshot.people


def test_a_person_known_by_an_id_from_her_1on1_keeps_her_name_through_a_reprojection(
        store, tmp_path):
    """A ties row reaches her as "#..." (her key's last part); projected before the 1-on-1
    that brought her in (a re-projection, which any alias starts; an export imported), the
    tie named her node "#...": on every list, her page and the search."""
    from mapper.importer import import_files
    from mapper.models import AliasRow

    store.write([OneOnOne.model_validate({
        "id": "c1", "date": "2026-11-20", "organizer": "Maya Ortiz", "campaign": "c",
        "contact": {"name": "Zoe Quinn", "custom_id": "E-77"}})])
    ties = tmp_path / "ties.csv"
    ties.write_text("person,other,relationship,campaign\nZoe Quinn,Ben Ortiz,friends,c\n")
    import_files(store, [ties])
    store.write([AliasRow(kind="person", alias="Benny", canonical="Ben Ortiz", campaign="c")])
    assert sorted(p.name for p in store.snapshot("c").people.values()) == ["Ben Ortiz",
                                                                          "Zoe Quinn"]
    assert [h.name for h in store.search_people("c", "zoe")] == ["Zoe Quinn"]


def test_an_alias_says_whom_a_name_means_before_a_person_of_that_name_with_an_id(store):
    """`mapper alias person "Ana" "Ana Lopez"`: "Ana" is Ana Lopez, even where one person
    named Ana is known by a custom id."""
    from mapper import services
    from mapper.models import AliasRow, TieRow

    store.write([RosterRow(name="Ana", custom_id="E-9", campaign="c"),
                 TieRow(person="Ana Lopez", other="Ben Ortiz", campaign="c"),
                 AliasRow(kind="person", alias="Ana", canonical="Ana Lopez", campaign="c")])
    assert services.person_keys(store, "c", ["Ana"]) == ["person:c:ana lopez"]
    ids = Identities(store)
    tie = TieRow(person="Ana", other="Cam Lee", campaign="c")
    assert ids.resolve(tie, "f", "record 1") == tie
