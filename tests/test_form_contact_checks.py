"""A 1-on-1's phone and email are checked (phonenumbers, email-validator) and phones stored as
E.164; a refusal names the field and never the value — from the form and from an import."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from typer.testing import CliRunner

from mapper.cli import app
from mapper.importer import import_files
from mapper.models import STORED, OneOnOne
from mapper.stores.sqlite import SQLiteStore

BASE = {"date": "2026-11-20", "organizer": "Maya Ortiz"}


def talk(**contact) -> OneOnOne:
    return OneOnOne.model_validate({**BASE, "contact": {"name": "Ana Lopez", **contact}})


def errors(**contact) -> list[dict]:
    with pytest.raises(ValidationError) as e:
        talk(**contact)
    return e.value.errors(include_url=False, include_input=False)


@pytest.mark.parametrize("typed, stored", [
    ("+1 555 0100", "+15550100"),
    ("(312) 555-0142", "+13125550142"),
    ("312.555.0142", "+13125550142"),
    ("+44 20 7946 0958", "+442079460958"),
])
def test_a_phone_is_stored_as_e164(typed, stored) -> None:
    assert talk(phone=typed).contact.phone == stored


@pytest.mark.parametrize("phone", ["call me maybe", "12", "555", "+1 555 0100 ext; DROP",
                                   "99999999999999999999"])
def test_a_phone_that_is_not_one_is_refused_without_echoing_it(phone) -> None:
    errs = errors(phone=phone)
    assert [e["loc"] for e in errs] == [("contact", "phone")]
    assert phone not in str(errs) and "not a phone number" in errs[0]["msg"]


def test_the_phone_region_is_configurable(monkeypatch) -> None:
    monkeypatch.setenv("MAPPER_PHONE_REGION", "gb")
    assert talk(phone="020 7946 0958").contact.phone == "+442079460958"
    monkeypatch.delenv("MAPPER_PHONE_REGION")
    assert talk(phone="312 555 0142").contact.phone == "+13125550142"


@pytest.mark.parametrize("email", ["carmen at example", "carmen@", "a@b", "x@@example.org",
                                   "<b>@example.org"])
def test_an_email_that_is_not_one_is_refused_without_echoing_it(email) -> None:
    errs = errors(email=email)
    assert [e["loc"] for e in errs] == [("contact", "email")]
    assert email not in str(errs)


def test_an_email_is_checked_by_syntax_only_and_kept() -> None:
    # No DNS: a domain that does not exist is still an address (nothing leaves the machine).
    assert talk(email="ana@nowhere.invalid-domain.example").contact.email == \
        "ana@nowhere.invalid-domain.example"
    assert talk(email="Ana@Example.ORG").contact.email == "Ana@example.org"


def test_a_stored_record_from_before_the_rule_stays_readable() -> None:
    r = OneOnOne.model_validate({**BASE, "contact": {"name": "Ana", "phone": "call me maybe",
                                                     "email": "carmen at example"}},
                                context=STORED)
    assert r.contact.phone == "call me maybe"


def test_an_import_names_file_record_and_field_never_the_value(tmp_path) -> None:
    path = tmp_path / "talks.yaml"
    path.write_text("- date: 2026-11-20\n  organizer: Maya Ortiz\n"
                    "  contact: {name: Ana Lopez, phone: call me maybe, "
                    "email: carmen at example}\n")
    report = import_files(SQLiteStore(tmp_path / "s.db"), [path])
    text = "\n".join(map(str, report.errors))
    assert report.result is None
    assert str(path) in text and "record 1" in text
    assert "contact.phone" in text and "contact.email" in text
    assert "call me maybe" not in text and "carmen at example" not in text
    out = CliRunner().invoke(app, ["check", str(path)]).output
    assert "contact.phone" in out and "call me maybe" not in out


_EMAILISH = "aZ09._-+%@x" + "éa.-"


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=_EMAILISH, min_size=3, max_size=30)
       | st.from_regex(r"[A-Za-z0-9._%+-]{1,12}@[A-Za-z0-9.-]{1,12}\.[A-Za-z]{2,5}", fullmatch=True)
       | st.sampled_from(["a@b.local", "a@x.test", "a@xn--bcher-kva.com", "a@ab--cd.com",
                          "a@a-.com", "a@-a.com", "a..b@x.org", ".a@x.org", "a.@x.org",
                          "A@X.ORG", "WWW@0.AA", "Info@Example.org", "a@x.arpa", "a@x.c0m", "a@1.2.3.com", "x" * 65 + "@x.org"]))
def test_the_fast_path_for_plain_addresses_answers_as_email_validator_does(value) -> None:
    import email_validator

    from mapper.models import _plain_email

    fast = _plain_email(value)
    if fast is None:
        return  # the library decides
    assert email_validator.validate_email(value, check_deliverability=False).normalized == fast
