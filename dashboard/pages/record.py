"""Record a 1-on-1: a form that walks the five steps of the rap, stored like any import."""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Any
from urllib.parse import quote

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, Patch, State, dcc, html, no_update
from flask import has_request_context

from dashboard import ids
from dashboard.auth import signed_in
from dashboard.components import not_for_role, page_head, person_href
from dashboard.forms import GROUPS, check_form, errors_by_field, form_values_of
from dashboard.pages import register_page
from dashboard.services import services
from mapper import clock, services as svc_api
from mapper.models import content_hash
from mapper.projection import conversation_key, record_id
from mapper.readers import RecordError
from mapper.roles import sees_campaign

INITIAL_ISSUES = 3
INITIAL_NAMED = 2
INITIAL_REFERRALS = 2
TRI = [{"label": "—", "value": ""}, {"label": "yes", "value": "true"},
       {"label": "no", "value": "false"}]
RESPONSES = [{"label": "—", "value": ""}, {"label": "yes", "value": "yes"},
             {"label": "maybe", "value": "maybe"}, {"label": "no", "value": "no"},
             {"label": "not asked", "value": "not_asked"}]
ASSESSMENTS = [{"label": "—", "value": ""}, {"label": "1 · leader / supporter", "value": "1"},
               {"label": "2 · supporter", "value": "2"}, {"label": "3 · undecided", "value": "3"},
               {"label": "4 · leaning against", "value": "4"}, {"label": "5 · opposed", "value": "5"}]
SELF_CARE = ["breathing", "affirmations", "safety plan", "coping tools handout"]
# Kept after a save, so the next 1-on-1 of the same session starts from them.
_KEEP = {"date", "organizer"}
FORM_CAMPAIGN = ids.FORM_CAMPAIGN
# Rows a form may grow to with the "+ another …" buttons; more is not a person typing.
MAX_ROWS = 200
# Said when a save would replace a conversation the user did not hold. It does not say that
# such a record exists (that alone tells who an organizer talked to, and when).
REFUSED = "Could not save this record; ask an admin."
# Said when a correction's 1-on-1 was changed (in another tab, by an admin) since it was opened.
STALE = ("Not saved: this 1-on-1 was changed since you opened it, and saving would undo that "
         "change. What you typed is still here: keep it with \u201cSave as draft\u201d, then "
         "open the 1-on-1 again from the person's page.")
# Said when a link asks to correct a 1-on-1 the user did not hold, or one that is not there.
NOT_OPENED = ("Could not open that 1-on-1 to correct it: only the organizer who held it, or an "
              "admin, may. The form below is empty.")
# Said when a link names a draft that is not the user's own (or not there: one answer).
DRAFT_NOT_OPENED = "Could not open that draft: you have no draft by that link. The form is empty."
_DRAFTS = "mapper_drafts"
# Where a draft of a correction keeps the id of the 1-on-1 it corrects (not a form field).
_CORRECTS = "id"
# ... and the version of it the correction began from (see STALE).
_SEEN = "_seen"
_DRAFTS_LOCK = threading.Lock()


def _fid(path: str) -> dict:
    return {"type": ids.FORM_FIELD, "field": path}


def _dom_id(fid: dict) -> str:
    # How Dash writes a dict id into the page, so a <label for=...> finds its input.
    return "{" + ",".join(f"{json.dumps(k)}:{json.dumps(fid[k])}" for k in sorted(fid)) + "}"


def _error(path: str) -> html.Div:
    return html.Div(id={"type": ids.FORM_ERROR, "field": path}, className="field-error",
                    role="alert")


#: What each kind of input opens on a phone: the keypad that fits, and no autofill of the
#: organizer's own phone or address into a contact's field.
_INPUT_MODES = {"tel": {"inputMode": "tel", "autoComplete": "off"},
                "email": {"inputMode": "email", "autoComplete": "off"},
                "number": {"inputMode": "decimal"}}


def field(path: str, label: str, kind: str = "text", help_text: str | None = None,
          width: int | None = None, value: Any = None, required: bool = False,
          suggest: str | None = None, **props) -> html.Div:
    """One labelled input named by its record path, with its error slot below it.

    Number inputs carry no min/max: the browser would drop an out-of-range value silently,
    where the record's validation names it next to the field. ``required`` marks the label
    (a star, hidden from screen readers, which hear the input's own ``required``);
    ``suggest`` names a datalist of the campaign's own names.
    """
    fid = _fid(path)
    if kind == "textarea":
        control = dbc.Textarea(id=fid, value=value or "", rows=3, **props)
    elif kind == "select":
        control = dbc.Select(id=fid, value=value if value is not None else "", **props)
    elif kind == "checklist":
        control = dbc.Checklist(id=fid, value=value or [], inline=True, **props)
    else:
        extra = {**_INPUT_MODES.get(kind, {}), **({"list": suggest} if suggest else {}),
                 **({"required": True} if required else {}), **props}
        control = dbc.Input(id=fid, type=kind, value=value if value is not None else "", **extra)
    mark = [html.Span(" *", className="required-mark", **{"aria-hidden": "true"})] \
        if required else []
    body = html.Div([dbc.Label([label, *mark], html_for=_dom_id(fid)), control,
                     html.Small(help_text, className="form-text") if help_text else None,
                     _error(path)], className="field")
    return dbc.Col(body, md=width) if width else body


def prompt(*lines: str, title: str | None = None) -> html.Div:
    return html.Div([html.Strong(title) if title else None,
                     html.Ul([html.Li(line) for line in lines])], className="prompt")


#: Under a box that holds a list (``dashboard.forms.list_items`` reads it).
LIST_HELP = 'separate with commas; "in quotes, like this" is one'


#: The screens of the form, in order: (key, number shown, title in the step index).
STEPS = [("before", "·", "Before"), ("1", "1", "Make space"), ("2", "2", "What moves you?"),
         ("3", "3", "Empathize"), ("4", "4", "A plan"), ("5", "5", "The ask"),
         ("after", "↻", "After")]


def step(key: str, title: str, subtitle: str, *body) -> dbc.Card:
    """One step of the rap: a screen of its own on a phone, a section with an anchor on a desk."""
    number = next(n for k, n, _ in STEPS if k == key)
    return dbc.Card([
        dbc.CardHeader(html.H3([html.Span(number, className="step-number"),
                                html.Span(title), " ",
                                html.Small(subtitle, className="text-muted")],
                               id=f"step-{key}-title", tabIndex=-1, className="step-title")),
        dbc.CardBody(list(body)),
    ], className="step form-step", id=f"step-{key}")


def step_index() -> html.Nav:
    """Links to every step: the desk's index, the phone's way to jump."""
    return html.Nav(html.Ol([html.Li(html.A([html.Span(n, className="step-number"),
                                             html.Span(title, className="step-link-text")],
                                            href=f"#step-{k}", className="step-link",
                                            **{"data-step": k}))
                             for k, n, title in STEPS]),
                    className="step-index", **{"aria-label": "Steps of the 1-on-1"})


def action_bar() -> html.Div:
    """Always in reach (sticky): Back / progress / Next on a phone, the two saves everywhere."""
    return html.Div([
        html.Div([
            dbc.Button("Back", id=ids.FORM_BACK, color="outline-secondary", size="sm",
                       className="step-nav"),
            html.Div([html.Div(id=ids.FORM_PROGRESS, className="step-progress-text",
                               **{"aria-live": "polite"}),
                      html.Div(html.Div(className="step-progress-fill"),
                               className="step-progress-bar", **{"aria-hidden": "true"})],
                     className="step-progress step-nav"),
            dbc.Button("Next", id=ids.FORM_NEXT, color="outline-primary", size="sm",
                       className="step-nav"),
        ], className="form-bar-steps"),
        html.Div([
            html.Div(id=ids.FORM_DRAFT_STATUS, className="draft-status", **{"aria-live": "polite"}),
            dbc.Button("Save as draft", id=ids.FORM_DRAFT_SAVE, color="outline-secondary",
                       size="sm"),
            dbc.Button("Save the 1-on-1", id=ids.FORM_SAVE, color="primary", size="sm"),
        ], className="form-bar-saves"),
    ], className="form-bar")


def issue_row(i: int) -> html.Div:
    p = f"issues.{i}"
    return html.Div(dbc.Row([
        field(f"{p}.issue", "Issue", width=4, placeholder="e.g. short staffing",
              suggest=ids.FORM_LIST_ISSUES),
        field(f"{p}.anger", "Anger 0–5", "number", width=2, step=1,
              help_text="0 none … 5 furious"),
        field(f"{p}.witnessed_harm", "Witnessed harm?", "select", width=2, options=TRI,
              help_text="harassment / discrimination"),
        field(f"{p}.story", "Their story (confidential)", "textarea", width=4),
    ]), className="repeat-row", id=f"issue-row-{i}")


def named_row(j: int) -> html.Div:
    p = f"responsibility.named.{j}"
    return html.Div(dbc.Row([
        field(f"{p}.issue", "For the issue", width=3, suggest=ids.FORM_LIST_ISSUES),
        field(f"{p}.decision_maker.name", "Decision maker", width=3, placeholder="who can fix it",
              suggest=ids.FORM_LIST_DECISION_MAKERS),
        field(f"{p}.decision_maker.title", "Title", width=3),
        field(f"{p}.decision_maker.organization", "Organization", width=3),
    ]), className="repeat-row", id=f"named-row-{j}")


def referral_row(k: int) -> html.Div:
    p = f"referrals.{k}"
    return html.Div(dbc.Row([
        field(f"{p}.name", "Name", width=3),
        field(f"{p}.unit", "Unit", width=2, suggest=ids.FORM_LIST_UNITS),
        field(f"{p}.relationship", "Relationship", width=2, placeholder="coworker, friend…"),
        field(f"{p}.note", "Note (confidential)", width=5),
    ]), className="repeat-row", id=f"referral-row-{k}")


def layout(contact: str | None = None, campaign: str | None = None,
           organizer: str | None = None, conversation: str | None = None,
           draft: str | None = None, **_query) -> html.Div:
    """The form; ``?contact=&campaign=&organizer=`` prefill it for the next 1-on-1 (the Person
    page's link), ``?conversation=<id>&campaign=`` opens one's own 1-on-1 to correct it,
    ``?draft=<id>`` one's own draft kept on the server."""
    user = signed_in() if has_request_context() else None
    if user is not None and not user.may_record:
        return html.Div([page_head("Record a 1-on-1"), not_for_role("Recording 1-on-1s")])
    own = (user.organizer if user else None) or ""
    fixed = user is not None and user.role == "organizer"
    values: dict[str, Any] = {}
    editing = notice = draft_id = seen = None
    if conversation and user is not None:
        loaded = own_conversation(user, str(conversation), campaign)
        if loaded is None:
            notice = dbc.Alert(NOT_OPENED, color="warning")
        else:
            values, editing, campaign = form_values_of(loaded), loaded["id"], loaded["campaign"]
            seen = _version(editing, campaign)
            notice = dbc.Alert([
                html.Strong(f"Correcting your 1-on-1 of {loaded['date']} with "
                            f"{loaded['contact']['name']}. "),
                "Saving replaces it. ", dcc.Link("Record a new 1-on-1 instead", href="/record",
                                                 refresh=True)],
                color="info", className="editing-note")
    elif draft and user is not None:
        try:
            opened = svc_api.open_draft(drafts(), user, str(draft)[:100])
        except svc_api.ServiceError:
            notice = dbc.Alert(DRAFT_NOT_OPENED, color="warning")
        else:
            values, draft_id = dict(opened.values), opened.id
            campaign = opened.campaign or campaign
            if fixed:
                values.pop("organizer", None)
            # A draft of a correction names the 1-on-1 it corrects: saved, it replaces that
            # one (if she still may), not a second record beside it.
            corrects, seen = values.pop(_CORRECTS, None), values.pop(_SEEN, None)
            if isinstance(corrects, str) and own_conversation(user, corrects, campaign):
                editing = corrects
            notice = dbc.Alert([html.Strong("Your draft is open. "),
                                *(["It corrects a 1-on-1: saving replaces that one. "]
                                  if editing else []),
                                "Saving the 1-on-1 deletes the draft; \u201cSave as draft\u201d "
                                "keeps it up to date."], color="info", className="draft-note")
    else:
        if contact:
            values["contact.name"] = str(contact)[:200]
        if organizer and not fixed:
            values["organizer"] = str(organizer)[:200]
    form = form_layout(own, fixed, values=values, campaign=campaign, editing=editing,
                       notice=notice, draft_id=draft_id, seen=seen if editing else None)
    form.children.insert(1, html.Div(draft_list(user), id=ids.FORM_DRAFTS, className="drafts"))
    # The device draft (assets/record_form.js) is kept per user and per record.
    key = f"edit:{editing}" if editing else f"draft:{draft_id}" if draft_id else "new"
    setattr(form, "data-user", user.username if user is not None else "")
    setattr(form, "data-draft-key", key)
    return form


def drafts():
    """The server drafts beside the app's store (opened on first use)."""
    from flask import current_app

    from mapper.drafts import drafts_for

    ext = current_app.extensions
    if _DRAFTS not in ext:
        with _DRAFTS_LOCK:
            if _DRAFTS not in ext:
                ext[_DRAFTS] = drafts_for(services().store)
    return ext[_DRAFTS]


def draft_list(user) -> Any:
    """The user's own drafts, newest first, each to reopen or delete."""
    if user is None or not user.may_record:
        return None
    try:
        mine = svc_api.list_drafts(drafts(), user)
    except svc_api.ServiceError:
        return None
    if not mine:
        return None
    items = [html.Li([
        dcc.Link(d.title, href=f"/record?draft={d.id}", refresh=True),
        html.Span(f" saved {_when(d.saved)}" + (f" · {d.campaign}" if d.campaign else ""),
                  className="form-text"), " ",
        html.Button("delete", id={"type": ids.FORM_DRAFT_DELETE, "draft": d.id}, n_clicks=0,
                    type="button", className="btn btn-link btn-sm p-0 ms-1",
                    **{"aria-label": f"Delete the draft {d.title}"})]) for d in mine]
    return html.Details([html.Summary(f"Your drafts ({len(mine)})"), html.Ul(items)],
                        className="draft-list")


def _when(stamp: float) -> str:
    return dt.datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M")


def own_conversation(user, conversation_id: str, campaign: str | None) -> dict[str, Any] | None:
    """A stored 1-on-1 the user may correct (she held it, or she is an admin), as a JSON dict;
    ``None`` when it is not there or not hers (one answer for both: whether it exists would tell
    who talked to whom)."""
    svc = services()
    camp = svc.campaign(campaign)
    if not camp or not user.may_record:
        return None
    found = svc.store.get_records([conversation_key(camp, conversation_id)])
    if len(found) != 1 or found[0].kind != "conversation" or not isinstance(found[0].body, dict):
        return None
    body = found[0].body
    if not user.holds(body.get("organizer")):
        return None
    return {**body, "id": body.get("id") or conversation_id, "campaign": camp}


def _fill(component: Any, values: dict[str, Any], placed: set[str]) -> None:
    cid = getattr(component, "id", None)
    if isinstance(cid, dict) and cid.get("type") == ids.FORM_FIELD and cid["field"] in values:
        component.value = values[cid["field"]]
        placed.add(cid["field"])
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and hasattr(child, "to_plotly_json"):
            _fill(child, values, placed)


def _rows(values: dict[str, Any], group: str, initial: int) -> int:
    prefix = group + "."
    idx = [int(p[len(prefix):].split(".", 1)[0]) for p in values
           if p.startswith(prefix) and p[len(prefix):].split(".", 1)[0].isdigit()]
    return min(MAX_ROWS, max([initial, *(i + 1 for i in idx)]))


def form_layout(organizer: str = "", fixed: bool = False, values: dict[str, Any] | None = None,
                campaign: str | None = None, editing: str | None = None,
                notice: Any = None, draft_id: str | None = None,
                seen: str | None = None) -> html.Div:
    """The form itself: every input is named by the record path it fills; ``values`` (by path)
    fill it, ``editing`` names the 1-on-1 a save replaces (``seen``: the version of it the
    correction began from), ``draft_id`` the draft it deletes."""
    values = values or {}
    form = _form(organizer, fixed, _rows(values, "issues", INITIAL_ISSUES),
                 _rows(values, "responsibility.named", INITIAL_NAMED),
                 _rows(values, "referrals", INITIAL_REFERRALS))
    placed: set[str] = set()
    _fill(form, values, placed)
    missing = sorted(set(values) - placed)
    if missing:
        # Saving would drop them: say so, by path (never the value).
        notice = html.Div([notice, dbc.Alert(
            "This record holds fields the form does not show; saving it here drops them: "
            + ", ".join(missing), color="warning")])
    form.children[1:1] = [dcc.Store(id=ids.FORM_EDITING, data=editing),
                          dcc.Store(id=ids.FORM_EDITING_SEEN, data=seen),
                          dcc.Store(id=ids.FORM_PREFILL_CAMPAIGN, data=campaign),
                          dcc.Store(id=ids.FORM_DRAFT_ID, data=draft_id),
                          html.Div(notice, id="form-notice")]
    return form


SELF_CARE_BEFORE = ("Get ready to connect with a potential comrade in the fight!",
                    "Take deep breaths, stretch, make a cup of tea, and get present.",
                    "Keep the conversation organic: it's not an interview.")
SELF_CARE_AFTER = ("Assign a next step & self-care: tick the coping tools you offered below.",
                   "And you: breathe, stretch, drink some water. Feelings may come up after "
                   "the call, for them and for you; talk it over with your team if you need to.")
#: Shown when one of the three realizations of step 3 is a "no".
REALIZE_NOTE = ("Not there yet? That is fine: go back to the questions of step 3 — who is "
                "responsible, why are we having this problem, who's in a position to fix it — "
                "and share a brief story of your own.")


def _suggestion_lists() -> list:
    return [html.Datalist(id=i) for i in (ids.FORM_LIST_ISSUES, ids.FORM_LIST_DECISION_MAKERS,
                                          ids.FORM_LIST_UNITS, ids.FORM_LIST_ORGANIZERS,
                                          ids.FORM_LIST_CAMPAIGNS)]


def _form(organizer: str, fixed: bool, issues: int, named: int, referrals: int) -> html.Div:
    return html.Div([
        page_head("Record a 1-on-1",
                  "Walk the five steps of the rap. Fields marked * are required (the date, "
                  "the organizer and the contact's name); leave out what did not come up."),
        html.Div(id=ids.FORM_STATUS, tabIndex=-1, className="form-status"),
        html.Div(id=ids.FORM_DEVICE_NOTE, className="device-note"),
        step_index(),
        *_suggestion_lists(),
        step("before", "Before the 1-on-1", "self-care, then who and when",
             prompt(*SELF_CARE_BEFORE, title="Self-care first"),
             dbc.Row([
                 field("date", "Date", "date", width=3, value=clock.today().isoformat(),
                       required=True),
                 field("organizer", "Organizer", width=3, value=organizer, disabled=fixed,
                       help_text="you" if fixed else "who held the conversation",
                       required=not fixed, suggest=ids.FORM_LIST_ORGANIZERS),
                 dbc.Col(html.Div([
                     dbc.Label("Campaign", html_for=FORM_CAMPAIGN),
                     dbc.Input(id=FORM_CAMPAIGN, value="", list=ids.FORM_LIST_CAMPAIGNS),
                     html.Small("a campaign of this store (pick one), or a new one's name",
                                className="form-text"),
                     _error("campaign")], className="field"), md=3),
             ]),
             dbc.Row([
                 field("contact.name", "Contact name", width=4, required=True),
                 field("contact.phone", "Phone (personal)", "tel", width=4,
                       help_text="with +country code, or as dialled here"),
                 field("contact.email", "Email (personal)", "email", width=4),
             ]),
             dbc.Row([
                 field("contact.workplace", "Workplace", width=3),
                 field("contact.unit", "Unit", width=3, help_text="department / building / floor",
                       suggest=ids.FORM_LIST_UNITS),
                 field("contact.shift", "Shift", width=3),
                 field("contact.role", "Role", width=3),
             ])),
        step("1", "Make space for a real conversation", "deep listening & empathy",
             prompt("Be an active listener (80/20): listen most of the time.",
                    "Keep the purpose general and open-ended; learn their concerns. Use "
                    "open-ended questions — not “Do you like where you work?” but "
                    "“What do you like about your job?”",
                    "Be aware of triggers, be fully present, gentle & kind; center their voice."),
             dbc.Row([
                 field("space.setting", "Setting", width=6, placeholder="break room, a call, a diner…"),
                 field("space.listening_share", "Share of the time you listened", "number",
                       width=3, step=0.05, help_text="0.8 = you listened 80% of the time"),
             ])),
        step("2", "What moves you?", "identify the issues, where's the anger",
             prompt("Discover what most upsets them about the workplace/life. We have "
                    "permission to be angry!",
                    "Have you witnessed or experienced harassment & discrimination? Remember "
                    "the common tactics of harm-doers: divide & conquer, coercion, "
                    "victim-blaming, gaslighting.",
                    "Connect to coping tools & remind them feelings might come up after the "
                    "call (breathing, affirmations, safety plan)."),
             dbc.Alert("This conversation is confidential: stories stay in the record and are "
                       "shown only to the organizer who heard them and to admins. Do not share "
                       "personal information.", color="warning", className="py-2"),
             html.Div([issue_row(i) for i in range(issues)], id=ids.FORM_ISSUES),
             dbc.Button("+ another issue", id=ids.FORM_ADD_ISSUE, size="sm",
                        color="outline-secondary", className="mb-3")),
        step("3", "Empathize – Connect – Trust", "share a brief story; who's responsible?",
             prompt("Who is responsible for this problem? Why do you think we are having it?",
                    "Who's in a position to fix it? What support do you need to thrive at work?"),
             html.Div([named_row(j) for j in range(named)], id=ids.FORM_NAMED),
             dbc.Button("+ another decision maker", id=ids.FORM_ADD_NAMED, size="sm",
                        color="outline-secondary", className="mb-3"),
             html.H4("They realize that…", className="h6"),
             dbc.Row([
                 field("responsibility.realizes.cares_about_problem",
                       "they care about a problem", "select", width=4, options=TRI),
                 field("responsibility.realizes.decision_maker_can_fix",
                       "a decision maker has the power to fix it", "select", width=4, options=TRI),
                 field("responsibility.realizes.wont_fix_without_pressure",
                       "the decision maker won't fix it until someone makes them", "select",
                       width=4, options=TRI),
             ]),
             html.Div(id=ids.FORM_REALIZE_NOTE, **{"aria-live": "polite"})),
        step("4", "A plan to rise up", "give inspiration!",
             prompt("Now that the person is angry, offer hope: our power in numbers and an "
                    "achievable plan. Share examples of success.",
                    "What changes do they want to see? What superpowers (skills) do they want "
                    "to contribute?",
                    "What would the boss say about our demands, and how would we respond as a "
                    "collective?"),
             dbc.Row([
                 field("plan.hope", "Hope 0–5", "number", width=2, step=1),
                 field("plan.skills", "Skills (superpowers)", width=4, help_text=LIST_HELP),
                 field("plan.wants_to_talk_again", "Wants to talk again?", "select", width=3,
                       options=TRI),
                 field("plan.will_attend_meeting", "Will attend a meeting?", "select", width=3,
                       options=TRI),
             ]),
             dbc.Row([
                 field("plan.answer_to_boss",
                       "What the boss would say, and how we'd answer (confidential)", "textarea",
                       width=8, help_text="a short answer in their words"),
                 field("plan.next_talk", "Next conversation on", "date", width=4,
                       help_text="shows in Follow-ups on that day"),
             ])),
        step("5", "The ask", "reach for commitment",
             prompt("If ready, ask them to be part of the solution by taking a specific action. "
                    "We CAN change the industry!",
                    "Connect with the fear (care for the trauma); support the way out "
                    "(know your rights, we're stronger together).",
                    "Assign a next step & self-care."),
             dbc.Row([
                 field("ask.asked", "Asked?", "select", width=2, options=TRI),
                 field("ask.action", "The action asked", width=4, placeholder="come to the Dec 3 meeting"),
                 field("ask.response", "Response", "select", width=2, options=RESPONSES),
                 field("ask.due", "Due", "date", width=2),
                 field("ask.fears", "Fears voiced", width=2, help_text=LIST_HELP),
             ])),
        step("after", "After the 1-on-1", "self-care and follow-up",
             prompt(*SELF_CARE_AFTER, title="Self-care after"),
             field("self_care.tools_offered", "Self-care tools offered", "checklist",
                   options=[{"label": t, "value": t} for t in SELF_CARE]),
             prompt("If they are excited, create an assignment: come to a meeting, research "
                    "an issue, record a moment of inspiration or abuse.",
                    "Follow up with a thank-you text or call if appropriate."),
             dbc.Row([
                 field("follow_up.assignment", "Assignment", width=6),
                 field("follow_up.due", "Due", "date", width=3),
                 field("follow_up.thank_you_sent", "Thank-you sent?", "select", width=3, options=TRI),
             ]),
             html.H4("People they mentioned (new leads and ties)", className="h6"),
             html.Div([referral_row(k) for k in range(referrals)], id=ids.FORM_REFERRALS),
             dbc.Button("+ another person", id=ids.FORM_ADD_REFERRAL, size="sm",
                        color="outline-secondary", className="mb-3"),
             dbc.Row([
                 field("assessment", "Your assessment", "select", width=4, options=ASSESSMENTS,
                       help_text="1 leader/supporter … 5 opposed"),
                 field("notes", "Notes (confidential)", "textarea", width=8),
             ])),
        action_bar(),
    ], className="record-form")


# --- callbacks --------------------------------------------------------------------------------

def _field_paths(component: Any, out: set[str]) -> set[str]:
    cid = getattr(component, "id", None)
    if isinstance(cid, dict) and cid.get("type") == ids.FORM_FIELD:
        out.add(cid["field"])
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and hasattr(child, "to_plotly_json"):
            _field_paths(child, out)
    return out


_ALLOWED: set[str] | None = None


def _allowed_paths() -> set[str]:
    """The form's field paths, with a repeated row's index as ``*`` (``issues.*.anger``)."""
    global _ALLOWED
    if _ALLOWED is None:
        _ALLOWED = {_as_pattern(p) or p for p in _field_paths(form_layout(), set())}
    return _ALLOWED


def _as_pattern(path: str) -> str | None:
    """``issues.7.anger`` -> ``issues.*.anger`` (``None`` for a path outside a repeated row,
    or an index that is not a small number)."""
    for group in GROUPS:
        prefix = group + "."
        if path.startswith(prefix):
            idx, _, tail = path[len(prefix):].partition(".")
            if not (idx.isdigit() and int(idx) < MAX_ROWS and tail):
                return "!"  # never allowed
            return f"{group}.*.{tail}"
    return None


def form_values(field_ids: list[Any], values: list[Any]) -> dict[str, Any] | None:
    """The values the client sent, by field path; ``None`` if it sent a field the form has
    not (an ``id`` of its own choosing, a path the form never shows) or ids and values that
    do not pair up."""
    if not isinstance(field_ids, list) or not isinstance(values, list) \
            or len(field_ids) != len(values):
        return None
    allowed = _allowed_paths()
    form: dict[str, Any] = {}
    for fid, value in zip(field_ids, values):
        if not isinstance(fid, dict) or fid.get("type") != ids.FORM_FIELD:
            return None
        path = fid.get("field")
        if not isinstance(path, str) or (_as_pattern(path) or path) not in allowed:
            return None
        form[path] = value
    return form


def save_record(n_clicks: int | None, field_ids: list[dict], values: list[Any],
                error_ids: list[dict], form_campaign: str | None, campaign: str | None,
                editing: str | None = None):
    """Validate the form as a 1-on-1 record; store it, or put each error next to its field
    and gather them all at the top (an error summary whose links lead to each field).
    ``editing`` (a 1-on-1's own id) makes the save replace that record, if the user may.

    Returns (error messages per error slot, status, new field values).
    """
    return _save(n_clicks, field_ids, values, error_ids, form_campaign, campaign, editing)[:3]


def _version(conversation_id: str, campaign: str) -> str | None:
    """The stored version (hash) of a 1-on-1, to tell whether it changed since."""
    found = services().store.get_records([conversation_key(campaign, conversation_id)])
    return found[0].hash if found else None


def _save(n_clicks, field_ids, values, error_ids, form_campaign, campaign, editing=None,
          seen=None):
    """:func:`save_record`, whether the 1-on-1 was saved (the 4th value) and, for a
    correction, the version now stored (the 5th). With ``seen`` (the version the correction
    began from), a 1-on-1 changed since is not replaced."""
    if not n_clicks:
        raise dash.exceptions.PreventUpdate
    user = signed_in()
    blank_errors = [None] * len(error_ids)
    if not user.may_record:
        return (blank_errors, dbc.Alert("Your role may not record 1-on-1s.", color="danger"),
                [no_update] * len(field_ids), False, no_update)
    form = form_values(field_ids, values)
    if form is None:
        return (blank_errors, dbc.Alert("Could not save: the form sent fields it does not have. "
                                        "Reload the page and try again.", color="danger"),
                [no_update] * len(field_ids), False, no_update)
    if user.role == "organizer":
        form["organizer"] = user.organizer  # an organizer records their own conversations
    if editing is not None:
        if not isinstance(editing, str) or not editing.strip():
            return (blank_errors, dbc.Alert(REFUSED, color="danger"),
                    [no_update] * len(field_ids), False, no_update)
        form["id"] = editing  # a correction keeps the record's id, whatever its date or name
    svc = services()
    chosen = (form_campaign or "").strip() or svc.campaign(campaign)
    if chosen:
        form["campaign"] = chosen
    record, errors, rows = check_form(form, chosen)
    if record is not None and not sees_campaign(user, record.campaign):
        # Refused alike whether the store holds that campaign or not.
        errors = [RecordError("form", "1-on-1", "campaign", svc_api.OUT_OF_SCOPE)]
    if errors:
        placed, general = errors_by_field(errors, rows, set(form) | {"campaign"})
        out = [html.Span("; ".join(placed[e["field"]])) if e["field"] in placed else None
               for e in error_ids]
        return out, error_summary(placed, general, len(errors)), \
            [no_update] * len(field_ids), False, no_update
    # The id comes from the date and the contact's name: the same as a record another
    # organizer may hold, so hers is kept apart from it (services.kept_apart, as the API and
    # an import keep it). Only its organizer (or an admin) may replace a record:
    # services.may_post, the rule the API and an upload ask.
    # Her roster's employee number makes her one person with the import's rows (issue #13).
    from mapper.identity import Identities

    identities = Identities(svc.store)
    (record,) = svc_api.resolve_identities(svc.store, [record], "form", identities)
    (record,) = svc_api.kept_apart(svc.store, [record])
    existing = svc.store.get_records([record_id(record)])
    body = record.model_dump(mode="json", exclude_none=True)
    held = existing[0].body if existing else None
    if not svc_api.may_post(user, "conversation", body, held) or (editing and not existing):
        return blank_errors, dbc.Alert(REFUSED, color="danger"), [no_update] * len(field_ids), \
            False, no_update
    # Changed since the correction began (another tab, an admin): not undone unseen. The
    # same content already there is this save sent twice, not a change.
    if editing and seen is not None and existing[0].hash not in (seen, content_hash(record)):
        return blank_errors, dbc.Alert(STALE, color="danger"), [no_update] * len(field_ids), \
            False, no_update
    result = svc.store.write([record])
    key = svc_api.record_person_key(svc.store, record)
    what = "updated (it replaced your earlier record of this conversation)" if result.replaced \
        else "saved"
    status = dbc.Alert([
        html.Strong(f"1-on-1 with {record.contact.name} {what}. "),
        *(["Several people share this name, so it was kept apart from them: give the contact "
           "a custom id to join the right one. "] if identities.report.ambiguous else []),
        dcc.Link("Open their page", href=person_href(key)), " · ",
        dcc.Link("Ready to ask", href="/ready"), " · ",
        "the form is ready for the next one."], color="success", className="save-ok")
    if editing:
        # The form stays on the corrected record: clearing it would make the next save
        # replace this record with someone else's 1-on-1.
        return blank_errors, status, [no_update] * len(field_ids), True, content_hash(record)
    cleared = [v if fid["field"] in _KEEP else ([] if isinstance(v, list) else "")
               for fid, v in zip(field_ids, values)]
    return blank_errors, status, cleared, True, no_update


def field_label(path: str) -> str:
    """The words a person sees for a field (its label; a repeated row's with its number)."""
    labels = _labels()
    pattern = _as_pattern(path) or path
    label = labels.get(pattern) or labels.get(path) or path
    for group, row_name in (("issues", "Issue"), ("responsibility.named", "Decision maker"),
                            ("referrals", "Person mentioned")):
        prefix = group + "."
        if path.startswith(prefix):
            idx = path[len(prefix):].split(".", 1)[0]
            if idx.isdigit():
                return f"{row_name} {int(idx) + 1}: {label}"
    return label


_LABELS: dict[str, str] | None = None


def _label_text(children: Any) -> str:
    if isinstance(children, str):
        return children
    if isinstance(children, list):
        return "".join(c for c in children if isinstance(c, str))
    return ""


def _labels() -> dict[str, str]:
    global _LABELS
    if _LABELS is None:
        found: dict[str, str] = {}

        def walk(component: Any) -> None:
            if isinstance(component, dbc.Label) and isinstance(component.html_for, str) \
                    and component.html_for.startswith("{"):
                try:
                    path = json.loads(component.html_for)["field"]
                except (ValueError, KeyError, TypeError):
                    path = None
                if path:
                    found[_as_pattern(path) or path] = _label_text(component.children)
            children = getattr(component, "children", None)
            for child in children if isinstance(children, list) else [children]:
                if child is not None and hasattr(child, "to_plotly_json"):
                    walk(child)

        walk(form_layout())
        found["campaign"] = "Campaign"
        _LABELS = found
    return _LABELS


def error_summary(placed: dict[str, list[str]], general: list[str], count: int) -> html.Div:
    """Every error of a failed save at the top of the form, each a link to its field (the
    field's step is opened and the field focused by assets/record_form.js)."""
    links = []
    for path, messages in placed.items():
        dom = FORM_CAMPAIGN if path == "campaign" else _dom_id(_fid(path))
        links.append(html.Li(html.A(f"{field_label(path)}: {'; '.join(messages)}",
                                    href="#" + quote(dom, safe=""), className="error-link",
                                    **{"data-target": dom})))
    links += [html.Li(g) for g in general]
    return html.Div([
        html.H3(f"Not saved: {count} problem{'s' if count != 1 else ''}", className="h6"),
        html.P("Each is also shown next to its field; follow a link to go there."),
        html.Ul(links)], className="alert alert-danger error-summary", role="alert")


def default_campaign(campaign: str | None, current: str | None, prefilled: str | None = None):
    """Fill the form's campaign with the one chosen in the nav bar, or once with the one the
    link named (the Person page's "record the next 1-on-1", a correction)."""
    signed_in()
    svc = services()
    if prefilled and prefilled in svc.campaigns():
        return prefilled, None
    return svc.campaign(campaign) or "", no_update


def _adder(make):
    # The next row's number is the count of rows the page has (a corrected record may open
    # with more than the form's first few).
    def add(n_clicks: int | None, rows_now: list | None):
        if not n_clicks:
            raise dash.exceptions.PreventUpdate
        signed_in()
        count = len(rows_now) if isinstance(rows_now, list) else 0
        if count >= MAX_ROWS:
            raise dash.exceptions.PreventUpdate
        rows = Patch()
        rows.append(make(count))
        return rows
    return add


add_issue = _adder(issue_row)
add_named = _adder(named_row)
add_referral = _adder(referral_row)


def save_and_close_draft(n_clicks, field_ids, values, error_ids, form_campaign, campaign,
                         editing=None, draft_id=None, seen=None):
    """:func:`save_record`; once saved, the draft it came from is deleted (drafts are
    personal data: none is kept after the real record exists). The 6th value is the
    version of a corrected 1-on-1 now stored (the next save of the form starts from it)."""
    out, status, cleared, saved, now = _save(n_clicks, field_ids, values, error_ids,
                                             form_campaign, campaign, editing, seen)
    if not saved:
        return out, status, cleared, no_update, no_update, no_update
    user = signed_in()
    if draft_id:
        svc_api.delete_draft(drafts(), user, draft_id)
    return out, status, cleared, None, draft_list(user), now


def save_as_draft(n_clicks, field_ids, values, form_campaign, campaign, draft_id=None,
                  editing=None, seen=None):
    """Keep the form as the user's own draft on the server (replacing the one it came from);
    a correction's draft keeps the id of the 1-on-1 it corrects (``editing``).
    Returns (status, draft id, the list of drafts)."""
    if not n_clicks:
        raise dash.exceptions.PreventUpdate
    user = signed_in()
    form = form_values(field_ids, values)
    if form is None:
        return "Could not keep the draft: reload the page.", no_update, no_update
    if isinstance(editing, str) and editing.strip():
        form[_CORRECTS] = editing
        if isinstance(seen, str):
            form[_SEEN] = seen
    chosen = (form_campaign or "").strip() or services().campaign(campaign) or ""
    try:
        kept = svc_api.save_draft(drafts(), user, chosen, form, draft_id)
    except svc_api.ServiceError as exc:
        return f"Draft not kept: {exc}", no_update, no_update
    return (f"Draft kept on the server at {_when(kept.saved)[-5:]} (only you see it).",
            kept.id, draft_list(user))


def delete_draft_clicked(clicks, current):
    """The "delete" of a draft in the list: the user's own only."""
    trigger = dash.ctx.triggered_id
    if not isinstance(trigger, dict) or not any(clicks or []):
        raise dash.exceptions.PreventUpdate
    user = signed_in()
    gone = trigger.get("draft")
    svc_api.delete_draft(drafts(), user, gone)
    return draft_list(user), None if gone == current else no_update, "Draft deleted."


def suggestions(form_campaign: str | None, campaign: str | None):
    """The campaign's own issues, decision makers, units and organizers (and the store's
    campaigns) as datalist options, so spellings do not drift."""
    user = signed_in()
    svc = services()
    if not user.may_record:
        return [[]] * 5
    chosen = (form_campaign or "").strip()
    camp = chosen if chosen in svc.campaigns() else svc.campaign(campaign)
    found = svc_api.form_suggestions(svc.store, camp, user) if camp else \
        {"issues": [], "decision_makers": [], "units": [], "organizers": []}

    def options(names):
        return [html.Option(value=n) for n in names]

    return (options(found["issues"]), options(found["decision_makers"]),
            options(found["units"]), options(found["organizers"]),
            options(svc.campaigns()[:svc_api.MAX_SUGGESTIONS]))


def realize_note(*answers):
    """A "no" on one of the three realizations points back to step 3's questions."""
    if "false" not in answers:
        return None
    return dbc.Alert([REALIZE_NOTE, " ", html.A("Back to the questions of step 3",
                                               href="#step-3", className="step-link",
                                               **{"data-step": "3"})],
                     color="info", className="realize-note py-2")


def register_callbacks(app: dash.Dash) -> None:
    app.callback(
        Output({"type": ids.FORM_ERROR, "field": ALL}, "children"),
        Output(ids.FORM_STATUS, "children"),
        Output({"type": ids.FORM_FIELD, "field": ALL}, "value"),
        Output(ids.FORM_DRAFT_ID, "data"),
        Output(ids.FORM_DRAFTS, "children"),
        Output(ids.FORM_EDITING_SEEN, "data"),
        Input(ids.FORM_SAVE, "n_clicks"),
        State({"type": ids.FORM_FIELD, "field": ALL}, "id"),
        State({"type": ids.FORM_FIELD, "field": ALL}, "value"),
        State({"type": ids.FORM_ERROR, "field": ALL}, "id"),
        State(FORM_CAMPAIGN, "value"),
        State(ids.CAMPAIGN, "data"),
        State(ids.FORM_EDITING, "data"),
        State(ids.FORM_DRAFT_ID, "data"),
        State(ids.FORM_EDITING_SEEN, "data"),
        prevent_initial_call=True,
    )(save_and_close_draft)
    app.callback(
        Output(ids.FORM_DRAFT_STATUS, "children"),
        Output(ids.FORM_DRAFT_ID, "data", allow_duplicate=True),
        Output(ids.FORM_DRAFTS, "children", allow_duplicate=True),
        Input(ids.FORM_DRAFT_SAVE, "n_clicks"),
        State({"type": ids.FORM_FIELD, "field": ALL}, "id"),
        State({"type": ids.FORM_FIELD, "field": ALL}, "value"),
        State(FORM_CAMPAIGN, "value"),
        State(ids.CAMPAIGN, "data"),
        State(ids.FORM_DRAFT_ID, "data"),
        State(ids.FORM_EDITING, "data"),
        State(ids.FORM_EDITING_SEEN, "data"),
        prevent_initial_call=True,
    )(save_as_draft)
    app.callback(
        Output(ids.FORM_DRAFTS, "children", allow_duplicate=True),
        Output(ids.FORM_DRAFT_ID, "data", allow_duplicate=True),
        Output(ids.FORM_DRAFT_STATUS, "children", allow_duplicate=True),
        Input({"type": ids.FORM_DRAFT_DELETE, "draft": ALL}, "n_clicks"),
        State(ids.FORM_DRAFT_ID, "data"),
        prevent_initial_call=True,
    )(delete_draft_clicked)
    app.callback(
        Output(ids.FORM_LIST_ISSUES, "children"), Output(ids.FORM_LIST_DECISION_MAKERS, "children"),
        Output(ids.FORM_LIST_UNITS, "children"), Output(ids.FORM_LIST_ORGANIZERS, "children"),
        Output(ids.FORM_LIST_CAMPAIGNS, "children"),
        Input(FORM_CAMPAIGN, "value"), State(ids.CAMPAIGN, "data"),
    )(suggestions)
    app.callback(
        Output(ids.FORM_REALIZE_NOTE, "children"),
        *[Input(_fid(f"responsibility.realizes.{r}"), "value")
          for r in ("cares_about_problem", "decision_maker_can_fix", "wont_fix_without_pressure")],
    )(realize_note)
    app.callback(
        Output(FORM_CAMPAIGN, "value"), Output(ids.FORM_PREFILL_CAMPAIGN, "data"),
        Input(ids.CAMPAIGN, "data"), State(FORM_CAMPAIGN, "value"),
        State(ids.FORM_PREFILL_CAMPAIGN, "data"),
    )(default_campaign)
    for rows, button, add in ((ids.FORM_ISSUES, ids.FORM_ADD_ISSUE, add_issue),
                              (ids.FORM_NAMED, ids.FORM_ADD_NAMED, add_named),
                              (ids.FORM_REFERRALS, ids.FORM_ADD_REFERRAL, add_referral)):
        app.callback(Output(rows, "children"), Input(button, "n_clicks"),
                     State(rows, "children"), prevent_initial_call=True)(add)


register_page(__name__, path="/record", name="Record a 1-on-1", title="Record a 1-on-1",
                   order=8, records=True, layout=layout)
