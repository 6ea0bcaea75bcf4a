"""The records the store takes: a 1-on-1 conversation, roster rows, hierarchy rows, ties, aliases."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import re
from types import MappingProxyType
from typing import Annotated, Any, Literal

import orjson
from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, StringConstraints,
                      ValidationInfo, field_validator)
from pydantic_core import PydanticCustomError

from mapper import clock
from mapper.keys import slug

__all__ = [
    "DEFAULT_CAMPAIGN",
    "CAMPAIGN_PATTERN",
    "Contact",
    "Space",
    "IssueMention",
    "DecisionMakerRef",
    "NamedResponsibility",
    "Realizations",
    "Responsibility",
    "Plan",
    "Ask",
    "SelfCare",
    "FollowUp",
    "Referral",
    "OneOnOne",
    "RosterRow",
    "HierarchyRow",
    "TieRow",
    "AliasRow",
    "Update",
    "Assignment",
    "UPDATE_KINDS",
    "ATTEMPT_OUTCOMES",
    "RECORD_KINDS",
    "Record",
    "content_hash",
    "body_hash",
    "STORED",
    "EARLIEST_DATE",
]

DEFAULT_CAMPAIGN = "default"
#: Validation context for a record read back from a store: the rules for new input (no date
#: after tomorrow, no control characters) were checked when it was written and are not again,
#: so a tightened rule never makes a stored record unreadable.
STORED = MappingProxyType({"stored": True})
#: No conversation is dated before this.
EARLIEST_DATE = dt.date(1900, 1, 1)

# C0 and C1 control characters, line/paragraph separators and bidi overrides: a name is one
# line of plain text (a NUL or a right-to-left override makes it print as something else).
_NOT_IN_NAMES = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# Free text keeps tabs and line breaks.
_NOT_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _new_input(info: ValidationInfo) -> bool:
    return not (info.context and info.context.get("stored"))


def _one_line(value: str, info: ValidationInfo) -> str:
    # isprintable() is the fast path (C, no regex): almost every name passes it.
    if not value.isprintable() and _NOT_IN_NAMES.search(value) and _new_input(info):
        raise PydanticCustomError("control_character", "contains a control character (a tab, "
                                  "line break, NUL or the like); a name is one line of plain text")
    return value


def _plain_text(value: str, info: ValidationInfo) -> str:
    if not value.isprintable() and _NOT_IN_TEXT.search(value) and _new_input(info):
        raise PydanticCustomError("control_character", "contains a control character (like "
                                  "NUL); text may hold tabs and line breaks, nothing else")
    return value


#: The region a phone number without a leading ``+`` is read in (an ISO 3166 code).
PHONE_REGION_ENV = "MAPPER_PHONE_REGION"


def phone_region() -> str:
    """``MAPPER_PHONE_REGION`` (default ``US``), upper-cased."""
    return (os.environ.get(PHONE_REGION_ENV) or "US").strip().upper() or "US"


_NANP_REGIONS = frozenset({"US", "CA", "PR", "VI", "GU", "AS", "MP"})
# Area code and exchange start with 2-9 (the North American Numbering Plan).
_NANP = re.compile(r"\s*(?:\+?1[\s.-]?)?\(?([2-9]\d\d)\)?[\s.-]?([2-9]\d\d)[\s.-]?(\d{4})\s*")


@functools.lru_cache(maxsize=65536)
def _e164(value: str, region: str) -> str | None:
    nanp = _NANP.fullmatch(value) if region in _NANP_REGIONS else None
    if nanp:
        # A ten-digit North American number as rosters write it ((555) 201-3344, 555.201.3344,
        # +1 555 201 3344): its E.164 form without phonenumbers' full parse (~80 µs a number,
        # most of a large roster's validation). Anything else goes through phonenumbers.
        return "+1" + "".join(nanp.groups())
    import phonenumbers

    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# The plain ASCII address most people have, which email-validator surely accepts as it is
# but for a lower-cased domain: checked here in 2 µs instead of the library's 200 (the import of
# a large campaign meets tens of thousands). Anything else — other characters, an IDNA label,
# a special-use name (.local, .test) — goes to the library. tests/test_form_contact_checks.py
# holds the two to the same answer.
_PLAIN_EMAIL = re.compile(
    r"(?P<local>[A-Za-z0-9_%+\-]{1,64}(?:\.[A-Za-z0-9_%+\-]{1,64})*)@"
    r"(?P<domain>(?:(?!xn--)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"(?P<tld>[A-Za-z]{2,63}))")
_SPECIAL_USE = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test"})
# RFC 2142's role mailboxes are case-insensitive: email-validator lower-cases them.
_ROLE_MAILBOXES = frozenset({"info", "marketing", "sales", "support", "abuse", "noc", "security",
                             "postmaster", "hostmaster", "usenet", "news", "webmaster", "www",
                             "uucp", "ftp"})


def _plain_email(value: str) -> str | None:
    m = _PLAIN_EMAIL.fullmatch(value)
    if (m is None or len(value) > 254 or len(m["local"]) > 64 or len(m["domain"]) > 253
            or "--" in m["domain"] or m["tld"].lower() in _SPECIAL_USE):
        return None
    local = m["local"]
    if local.lower() in _ROLE_MAILBOXES:
        local = local.lower()
    return f"{local}@{m['domain'].lower()}"


@functools.lru_cache(maxsize=65536)
def _normalized_email(value: str) -> str | None:
    import email_validator

    plain = _plain_email(value)
    if plain is not None:
        return plain
    try:
        return email_validator.validate_email(value, check_deliverability=False).normalized
    except email_validator.EmailNotValidError:
        return None


def _phone(value: str, info: ValidationInfo) -> str:
    """A possible phone number, stored as E.164 (``+15550100``). The length is checked for the
    number's country (``phonenumbers.is_possible_number``), not whether the range is assigned:
    invented numbers (555) pass, words and stray digits do not. The message never holds the
    value. (Cached: a campaign's import meets the same numbers again.)"""
    if not _new_input(info):
        return value  # stored before this rule: readable as it is
    region = str((info.context or {}).get("phone_region") or phone_region()).strip().upper()
    found = _e164(value, region)
    if found is None:
        raise PydanticCustomError(
            "phone_number", "not a phone number (digits, with +country code or as dialled "
            "in {region}; MAPPER_PHONE_REGION sets the region)", {"region": region})
    return found


def _email(value: str, info: ValidationInfo) -> str:
    """An email address by its syntax only (no DNS look-up: nothing leaves the machine),
    normalized; the message never holds the value."""
    if not _new_input(info):
        return value
    found = _normalized_email(value)
    if found is None:
        raise PydanticCustomError("email_address", "not an email address (name@example.org)")
    return found


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
                 AfterValidator(_one_line)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000),
                 AfterValidator(_plain_text)]
#: What a campaign's id may be (a record's ``campaign``, an account's campaigns).
CAMPAIGN_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"
CampaignId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=CAMPAIGN_PATTERN)]
Scale05 = Annotated[int, Field(ge=0, le=5)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
                  AfterValidator(_one_line), AfterValidator(_phone)]
Email = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=320),
                  AfterValidator(_one_line), AfterValidator(_email)]


class _Part(BaseModel):
    # A misspelt field is an error, not silently dropped data.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class Contact(_Part):
    """The person spoken with. Phone and email are personal information."""

    name: Name
    phone: Phone | None = Field(None, description="stored as E.164 (+15550100)")
    email: Email | None = None
    workplace: Name | None = None
    unit: Name | None = Field(None, description="department / building / floor")
    shift: Name | None = None
    role: Name | None = None
    # The roster's id for this person (employee number, member id): names her exactly.
    custom_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                max_length=100), AfterValidator(_one_line)] | None = None


class Space(_Part):
    """Step 1: make space for a real conversation, listen 80/20."""

    setting: Text | None = None
    listening_share: float | None = Field(
        None, ge=0, le=1, description="share of the time the organizer listened"
    )


class IssueMention(_Part):
    """Step 2: what moves you? where's the anger? The story is confidential."""

    issue: Name
    anger: Scale05 | None = Field(None, description="0 (none) .. 5 (furious)")
    story: Text | None = None
    witnessed_harm: bool | None = Field(
        None, description="harassment / discrimination witnessed or experienced"
    )


class DecisionMakerRef(_Part):
    name: Name
    title: Name | None = None
    organization: Name | None = None


class NamedResponsibility(_Part):
    issue: Name
    decision_maker: DecisionMakerRef


class Realizations(_Part):
    """The three realizations step 3 aims for."""

    cares_about_problem: bool | None = None
    decision_maker_can_fix: bool | None = None
    wont_fix_without_pressure: bool | None = None


class Responsibility(_Part):
    """Step 3: who is responsible, who can fix it?"""

    named: list[NamedResponsibility] = Field(default_factory=list)
    realizes: Realizations = Field(default_factory=Realizations)


class Plan(_Part):
    """Step 4: a plan to rise up."""

    hope: Scale05 | None = Field(None, description="0..5")
    skills: list[Name] = Field([], description='"superpowers" the person brings')
    wants_to_talk_again: bool | None = None
    will_attend_meeting: bool | None = None
    answer_to_boss: Text | None = Field(
        None, description="what the boss would say about the demands, and how the collective "
                          "would answer (personal: their words)")
    next_talk: dt.date | None = Field(None, description="the date set for the next conversation")


class Ask(_Part):
    """Step 5: reach for commitment."""

    asked: bool | None = None
    action: Text | None = None
    response: Literal["yes", "no", "maybe", "not_asked"] | None = None
    due: dt.date | None = None
    fears: list[Name] = Field(default_factory=list)

    @field_validator("response", mode="before")
    @classmethod
    def _yaml_booleans(cls, value: Any) -> Any:
        # YAML 1.1 reads a bare `yes` / `no` as a boolean.
        if value is True:
            return "yes"
        if value is False:
            return "no"
        if isinstance(value, str):
            return value.strip().lower().replace(" ", "_") or None
        return value


class SelfCare(_Part):
    tools_offered: list[Name] = Field(default_factory=list)


class FollowUp(_Part):
    """After the 1-on-1: the assignment, and the thank-you."""

    assignment: Text | None = None
    due: dt.date | None = None
    thank_you_sent: bool | None = None


class Referral(_Part):
    """A person the contact mentioned: a new lead and a social tie."""

    name: Name
    unit: Name | None = None
    relationship: Name | None = None
    note: Text | None = None


class OneOnOne(_Part):
    """One 1-on-1 conversation: the unit of truth.

    >>> r = OneOnOne.model_validate(
    ...     {"date": "2026-11-20", "organizer": "Maya Ortiz", "contact": {"name": "Ana López"}})
    >>> r.id, r.campaign
    ('2026-11-20-ana-lopez', 'default')
    """

    id: Name | None = None
    date: dt.date
    organizer: Name
    campaign: CampaignId = DEFAULT_CAMPAIGN
    contact: Contact
    space: Space = Field(default_factory=Space)
    issues: list[IssueMention] = Field(default_factory=list)
    responsibility: Responsibility = Field(default_factory=Responsibility)
    plan: Plan = Field(default_factory=Plan)
    ask: Ask = Field(default_factory=Ask)
    self_care: SelfCare = Field(default_factory=SelfCare)
    follow_up: FollowUp = Field(default_factory=FollowUp)
    referrals: list[Referral] = Field(default_factory=list)
    assessment: Annotated[int, Field(ge=1, le=5)] | None = Field(
        None, description="1 (leader/supporter) .. 5 (opposed); the organizer's rating"
    )
    notes: Text | None = None

    @field_validator("date")
    @classmethod
    def _plausible_date(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        # A typo'd year (9999, 1026) would stretch every timeline; due dates may be anything.
        if _new_input(info):
            # An import reads the clock once (``tomorrow`` in its context), not per record:
            # each read parsed the environment again (~4% of checking a 1-on-1).
            latest = (info.context or {}).get("tomorrow") or clock.tomorrow()
            if not EARLIEST_DATE <= value <= latest:
                raise PydanticCustomError(
                    "date_out_of_range",
                    "a conversation date must be from {earliest} to tomorrow ({latest})",
                    {"earliest": EARLIEST_DATE.isoformat(), "latest": latest.isoformat()})
        return value

    def model_post_init(self, __context: Any) -> None:
        if self.id is None:
            # Stable across re-sends, so a record without an id is still idempotent.
            self.id = f"{self.date.isoformat()}-{slug(self.contact.name)}"
            # Derived, not given: model_fields_set says so (mapper.apart keeps two
            # organizers' derived ids apart, never an id given explicitly).
            self.__pydantic_fields_set__.discard("id")


class RosterRow(_Part):
    """Everyone in the workplace, so coverage can be measured.

    ``as_of`` is the day the roster said so: a person's unit, shift and role come from the
    newest source that states them, a roster row or a 1-on-1 (``mapper import`` gives rows
    without one the day of the import).
    """

    name: Name
    workplace: Name | None = None
    unit: Name | None = None
    shift: Name | None = None
    role: Name | None = None
    as_of: dt.date | None = None
    campaign: CampaignId = DEFAULT_CAMPAIGN
    # Contact details and ids (issue #13): personal (mapper.privacy.ROSTER_PERSONAL_FIELDS),
    # never in the graph. A custom id (employee number, member id) is who the row is: two
    # rows of one name and two ids are two people.
    custom_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                max_length=100), AfterValidator(_one_line)] | None = None
    nickname: Name | None = None
    email: Email | None = None
    email_type: Name | None = None
    phone: Phone | None = None
    phone_type: Name | None = None
    phone_extension: Name | None = None
    address: Name | None = None
    address_line_2: Name | None = None
    city: Name | None = None
    state: Name | None = None
    zip: Name | None = None
    country: Name | None = None
    language: Name | None = None
    supervisor: Name | None = Field(None, description="whom they report to (a decision maker)")
    assessment: Annotated[int, Field(ge=1, le=5)] | None = None
    # None, not empty, when absent: a roster row stored before these fields hashes the same.
    tags: list[Name] | None = None
    custom_fields: dict[Annotated[str, StringConstraints(max_length=100)], Text] | None = Field(
        None, description="columns kept as they were (mapping: custom)")

    @field_validator("custom_id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        # A spreadsheet or YAML reads 1234 as a number; an id is text.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class HierarchyRow(_Part):
    """A decision maker and whom they answer to."""

    name: Name
    title: Name | None = None
    organization: Name | None = None
    reports_to: Name | None = None
    campaign: CampaignId = DEFAULT_CAMPAIGN


class TieRow(_Part):
    """A social tie between two people (who trusts whom)."""

    person: Name
    other: Name
    relationship: Name | None = None
    campaign: CampaignId = DEFAULT_CAMPAIGN


class AliasRow(_Part):
    """Another spelling of an issue, person or decision maker within a campaign."""

    kind: Literal["issue", "person", "decision_maker"]
    alias: Name
    canonical: Name
    campaign: CampaignId = DEFAULT_CAMPAIGN


#: What an update says happened after a 1-on-1.
UPDATE_KINDS = ("thank_you_sent", "assignment_done", "assignment_not_done", "commitment_kept",
                "commitment_missed", "attempt", "assessment", "note",
                # the talk agreed in a 1-on-1 (plan.next_talk) was held or settled
                "talked_again")
#: How a contact attempt that was not a 1-on-1 ended.
ATTEMPT_OUTCOMES = ("no_answer", "wrong_number", "not_now", "refused", "left")


_UPDATE_NEEDS = {"attempt": "outcome", "assessment": "assessment", "note": "note"}


def _snake(value: Any) -> Any:
    # "no-answer", "No answer" and "no_answer" are one outcome.
    return value.strip().lower().replace("-", "_").replace(" ", "_") if isinstance(value, str) else value


class Update(_Part):
    """Something that happened after a 1-on-1, logged on its own: a small record beside it.

    ``conversation`` names the 1-on-1 (its own id) whose follow-up item the update closes;
    ``reason`` and ``note`` are confidential, like a 1-on-1's notes.

    >>> u = Update.model_validate({"date": "2026-11-21", "person": "Ana López",
    ...                            "update": "attempt", "outcome": "no-answer"})
    >>> u.id, u.outcome
    ('2026-11-21-ana-lopez-attempt-no_answer', 'no_answer')
    """

    id: Name | None = None
    date: dt.date
    person: Name
    update: Literal[UPDATE_KINDS]  # type: ignore[valid-type]
    organizer: Name | None = None
    outcome: Literal[ATTEMPT_OUTCOMES] | None = Field(  # type: ignore[valid-type]
        None, validate_default=True, description="how a contact attempt ended (update: attempt)")
    asked: bool | None = Field(None, description="the attempt was an ask")
    assessment: Annotated[int, Field(ge=1, le=5)] | None = Field(
        None, validate_default=True, description="the new assessment (update: assessment)")
    reason: Text | None = Field(None, description="why the assessment changed (confidential)")
    note: Text | None = Field(None, validate_default=True,
                              description="a confidential note (update: note)")
    conversation: Name | None = Field(None, description="the 1-on-1 whose item this closes")
    campaign: CampaignId = DEFAULT_CAMPAIGN

    _date_in_range = field_validator("date")(classmethod(
        lambda cls, value, info: OneOnOne._plausible_date.__func__(cls, value, info)))
    _outcome_words = field_validator("outcome", "update", mode="before")(classmethod(
        lambda cls, value: _snake(value)))

    @field_validator("outcome", "assessment", "note")
    @classmethod
    def _what_it_needs(cls, value: Any, info: ValidationInfo) -> Any:
        # Checked on the field itself, so the error names it (validate_default: also when absent).
        wanted = _UPDATE_NEEDS.get(info.data.get("update"))
        if wanted == info.field_name and value is None:
            raise PydanticCustomError("missing_for_update", "this kind of update needs this field")
        if wanted == info.field_name and value == "" and _new_input(info):
            # (Stripped already: spaces alone are no note.) One stored before is read back.
            raise PydanticCustomError("empty_for_update", "empty: this kind of update needs it")
        if wanted != info.field_name and value is not None:
            raise PydanticCustomError("not_for_update",
                                      "this field does not belong to this kind of update")
        return value

    def model_post_init(self, __context: Any) -> None:
        if self.id is None:
            # Stable across re-sends; two notes of one day are two records.
            parts = [self.date.isoformat(), slug(self.person), self.update]
            parts += [self.outcome] if self.outcome else []
            parts += [slug(self.conversation)] if self.conversation else []
            parts += [body_hash({"n": self.note})[:8]] if self.note else []
            self.id = "-".join(parts)
            # Derived, not given: model_fields_set says so (mapper.apart keeps two
            # organizers' derived ids apart, never an id given explicitly).
            self.__pydantic_fields_set__.discard("id")


class Assignment(_Part):
    """A contact given to an organizer to reach — a *contact* assignment, not the follow-up
    assignment a worker agreed to in a 1-on-1. One per person: a new one reassigns, and one
    without an organizer unassigns."""

    person: Name
    organizer: Name | None = None
    date: dt.date | None = None
    campaign: CampaignId = DEFAULT_CAMPAIGN


RECORD_KINDS: dict[str, type[_Part]] = {
    "conversation": OneOnOne,
    "roster": RosterRow,
    "hierarchy": HierarchyRow,
    "tie": TieRow,
    "alias": AliasRow,
    "update": Update,
    "assignment": Assignment,
}

Record = OneOnOne | RosterRow | HierarchyRow | TieRow | AliasRow | Update | Assignment


def content_hash(record: BaseModel) -> str:
    """Return a hash of a record's content; equal content, equal hash.

    >>> a = RosterRow(name="Ana", unit="ICU")
    >>> content_hash(a) == content_hash(RosterRow(name=" Ana ", unit="ICU"))
    True
    """
    return body_hash(record.model_dump(mode="json", exclude_none=True))


def body_hash(body: dict[str, Any]) -> str:
    """Hash of a record already dumped to JSON-compatible form (see :func:`content_hash`)."""
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()[:32]
