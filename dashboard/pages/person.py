"""A person: their conversations, issues, commitments and ties; personal details only if allowed."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
import dash_cytoscape as cyto
from dash import ALL, Input, Output, State, dcc, html

from dashboard import figures, ids
from dashboard.actions import refusal
from dashboard.audit_hooks import note_person_viewed
from dashboard.auth import signed_in
from dashboard.bulk_assign import organizer_choices
from dashboard.components import card, facts, not_for_role, page_head, person_link, table
from dashboard.pages import register_page
from dashboard.services import services
from dashboard.tables import person_ties
from mapper import clock, roles
from mapper.analytics.status import person_status
from mapper.privacy import redact_record
from mapper.services import (NotAllowed, ServiceError, assign_people, contact_details, log_update,
                             may_forget, person_ref, person_timeline, snapshot_of_people,
                             unassign)

# Free text and sensitive answers of a conversation, shown only to the organizer who held it
# (and admins). ``mapper.privacy.PERSONAL_FIELDS`` is being extended to cover them; until then
# (and should it ever lose one) the page drops them itself: dropping twice is harmless.
# The search answers as you type: once the typing pauses this long, with at least this many
# letters (one letter would list half the campaign).
SEARCH_DEBOUNCE_MS = 300
SEARCH_MIN_CHARS = 2
ASSESSMENT = {1: "1 · leader / supporter", 2: "2 · supporter", 3: "3 · undecided",
              4: "4 · leaning against", 5: "5 · opposed"}


def layout(key: str | None = None, **_query) -> html.Div:
    head = page_head("Person")
    if not signed_in().sees_people:
        return html.Div([head, not_for_role("Person pages")])
    return html.Div([
        dcc.Store(id=ids.PERSON_KEY, data=key),
        dbc.Row([dbc.Col(dbc.Input(id=ids.PERSON_SEARCH, placeholder="Find a person by name…",
                                   debounce=SEARCH_DEBOUNCE_MS, type="search"), md=4),
                 dbc.Col(html.Div(id=ids.PERSON_SEARCH_RESULTS), md=8)], className="mb-3"),
        html.Div(id=ids.PERSON_BODY),
    ])


def redact_for_non_holder(record: dict[str, Any]) -> dict[str, Any]:
    """A record as someone who did not hold the conversation may see it."""
    # PERSONAL_FIELDS covers contact details, stories, notes and the worker's own words.
    return redact_record(record)


def _campaign_of(key: str) -> str | None:
    parts = key.split(":", 2)
    return parts[1] if len(parts) == 3 and parts[0] == "person" else None


def _yes_no(value: Any) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _private(text: str | None) -> Any:
    if not text:
        return None
    return html.Span(text, className="private", title="personal: shown to you by your role")


def _conversation(r: dict[str, Any], mine: bool, badge: bool = False, edit: Any = None) -> html.Div:
    """One conversation, step by step; ``r`` has already lost what the user may not see."""
    issues = [html.Li([html.Strong(i["issue"]),
                       f" · anger {i['anger']}" if i.get("anger") is not None else "",
                       " · witnessed harm" if i.get("witnessed_harm") else "",
                       html.Div(_private(i.get("story"))) if i.get("story") else None])
              for i in r.get("issues", [])]
    resp = r.get("responsibility", {})
    named = [f"{n['issue']} → {n['decision_maker']['name']}"
             + (f" ({n['decision_maker']['title']})" if n["decision_maker"].get("title") else "")
             for n in resp.get("named", [])]
    realizes = resp.get("realizes", {})
    realized = [label for key, label in (("cares_about_problem", "cares about the problem"),
                                         ("decision_maker_can_fix", "a decision maker can fix it"),
                                         ("wont_fix_without_pressure", "won't be fixed without pressure"))
                if realizes.get(key)]
    plan, ask, follow = r.get("plan", {}), r.get("ask", {}), r.get("follow_up", {})
    refs = [html.Li([r2["name"], f" ({r2['relationship']})" if r2.get("relationship") else "",
                     f" · {r2['unit']}" if r2.get("unit") else "",
                     html.Span([" · ", _private(r2.get("note"))]) if r2.get("note") else None])
            for r2 in r.get("referrals", [])]
    return html.Div([
        html.H5([r["date"], html.Span(f" with {r['organizer']}", className="text-muted"),
                 dbc.Badge("your conversation", color="info", className="ms-2") if badge else None,
                 edit]),
        facts([
            ("Setting", r.get("space", {}).get("setting")),
            ("Listened", f"{round(100 * r['space']['listening_share'])}% of the time"
             if r.get("space", {}).get("listening_share") is not None else None),
            ("Issues", html.Ul(issues, className="mb-0") if issues else None),
            ("Who can fix it", "; ".join(named) or None),
            ("Realizes", ", ".join(realized) or None),
            ("Hope", f"{plan['hope']}/5" if plan.get("hope") is not None else None),
            ("Skills", ", ".join(plan.get("skills", [])) or None),
            ("Talk again", _yes_no(plan.get("wants_to_talk_again"))),
            ("Will attend", _yes_no(plan.get("will_attend_meeting"))),
            ("Boss would say / we'd answer", _private(plan.get("answer_to_boss"))),
            ("Next conversation", plan.get("next_talk")),
            ("Ask", (f"{ask.get('action') or ('(no action)' if mine else '(not shown)')} → "
                     f"{ask.get('response', '—')}"
                     + (f" (due {ask['due']})" if ask.get("due") else ""))
             if ask.get("asked") or ask.get("response") else None),
            ("Fears", ", ".join(ask.get("fears", [])) or None),
            ("Self-care offered", ", ".join(r.get("self_care", {}).get("tools_offered", [])) or None),
            ("Assignment", (follow.get("assignment") or "")
             + (f" (due {follow['due']})" if follow.get("due") else "") or None),
            ("Thank-you sent", _yes_no(follow.get("thank_you_sent"))),
            ("Mentioned", html.Ul(refs, className="mb-0") if refs else None),
            ("Assessment", ASSESSMENT.get(r.get("assessment"))),
            ("Notes", _private(r.get("notes"))),
        ]),
        None if mine else html.Div("Stories, notes, contact details, the setting, witnessed harm, "
                                   "fears, what they said of the boss, the action asked and the "
                                   "assignment of this "
                                   "conversation are shown to its organizer and admins only.",
                                   className="form-text"),
    ], className="conversation")


def _summary(records: list[dict[str, Any]]) -> tuple[list, list]:
    latest: dict[str, tuple[str, Any]] = {}
    for r in records:
        for i in r.get("issues", []):
            latest[i["issue"].casefold()] = (i["issue"], i.get("anger"), r["date"])
    issues = sorted(latest.values(), key=lambda t: (-(t[1] or 0), t[0].casefold()))
    asks = [[r["date"], r["ask"].get("action") or "—", r["ask"].get("response") or "—",
             r["ask"].get("due") or "—"] for r in records
            if r.get("ask", {}).get("asked") or r.get("ask", {}).get("response")]
    return issues, asks


STATUS = {"committed": ("committed", "success"), "asked": ("asked, not committed", "warning"),
          "contacted": ("talked with, not asked", "info"),
          "not_reached": ("not reached", "secondary"),
          "uncontacted": ("not contacted yet", "light"), "left": ("left the workplace", "dark")}
OUTCOMES = [("no_answer", "no answer"), ("wrong_number", "wrong number"), ("not_now", "not now"),
            ("refused", "refused"), ("left", "left the workplace")]
UPDATE_LABELS = {"thank_you_sent": "thank-you sent", "assignment_done": "assignment done",
                 "assignment_not_done": "assignment not done", "commitment_kept": "commitment kept",
                 "commitment_missed": "commitment missed", "attempt": "contact attempt",
                 "assessment": "assessment changed", "note": "note"}
SOURCES = {"roster": "the roster", "conversation": "a 1-on-1", "referral": "a referral"}


def _latest_assessment(records: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The newest assessment: of a 1-on-1 or an assessment update (``records`` newest first)."""
    return next((r for r in records if r.get("assessment") is not None
                 and (r["record_type"] == "conversation" or r.get("update") == "assessment")),
                None)


def _fact_lines(found: dict[str, Any]) -> list:
    came = {s["fact"]: s for s in found["sources"]}
    lines = []
    for fact in ("unit", "shift", "role"):
        value, src = found["facts"].get(fact), came.get(fact)
        if value is None:
            continue
        where = (f" · from {SOURCES.get(src['source'], src['source'])}"
                 + (f", {src['date']}" if src.get("date") else ", undated")) if src else ""
        lines.append((fact.capitalize(), [value, html.Span(where, className="text-muted small")]))
    return lines


def _summary_card(found, status: str, records, user, details) -> dbc.Card:
    label, color = STATUS.get(status, (status, "secondary"))
    latest = _latest_assessment(records)
    assessment = None
    if latest is not None:
        how = "1-on-1" if latest["record_type"] == "conversation" else "update"
        why = latest.get("reason") if latest["record_type"] == "update" else None
        assessment = [ASSESSMENT.get(latest["assessment"], str(latest["assessment"])),
                      html.Span(f" · {latest['date']}, {how}"
                                + (f" by {latest['organizer']}" if latest.get("organizer") else ""),
                                className="text-muted small"),
                      html.Div(_private(why)) if why else None]
    conflicts = found["conflicts"]
    return card("Where they stand", facts([
        ("Status", dbc.Badge(label, color=color, className="status-badge",
                             text_color="dark" if color == "light" else None)),
        ("Latest assessment", assessment or "none yet"),
        ("Assigned to", found["assigned_to"] or "no one"),
        *_fact_lines(found),
        ("Phone", _private((details or {}).get("phone"))),
        ("Email", _private((details or {}).get("email"))),
    ]), dbc.Alert(f"The roster and the newest 1-on-1 disagree on {', '.join(conflicts)}; the "
                  "newest source is shown.", color="warning", className="py-1 px-2 mb-0 small")
        if conflicts else None, className="person-summary")


def record_href(name: str, campaign: str, organizer: str | None) -> str:
    """The Record page, prefilled for the next 1-on-1 with this contact."""
    query = {"contact": name, "campaign": campaign}
    if organizer:
        query["organizer"] = organizer
    return "/record?" + urlencode(query)


def edit_href(conversation_id: str, campaign: str) -> str:
    return "/record?" + urlencode({"conversation": conversation_id, "campaign": campaign})


def _button(action: str, label: str, color: str = "primary") -> dbc.Button:
    return dbc.Button(label, id={"type": ids.PERSON_ACTION, "action": action}, color=color,
                      size="sm", className="me-2 mb-2")


def _input(name: str) -> dict:
    return {"type": ids.PERSON_ACTION_INPUT, "name": name}


def _label_for(name: str) -> str:
    # How Dash writes a dict id into the page, so a <label for=...> finds its control.
    return '{"name":"%s","type":"%s"}' % (name, ids.PERSON_ACTION_INPUT)


def _actions_card(found, camp: str, user, snap, acted) -> dbc.Card | None:
    """What the user may do here: log an attempt, assign, record the next 1-on-1."""
    parts = []
    if acted and acted.get("key") == found["person"]:
        parts.append(dbc.Alert(acted["message"], color="success" if acted.get("ok") else "danger",
                               className="py-1 px-2 small", id=ids.PERSON_ACTION_STATUS))
    if user.may_record:
        parts.append(dcc.Link("Record the next 1-on-1", id=ids.PERSON_RECORD_NEXT,
                              className="btn btn-primary btn-sm mb-2",
                              href=record_href(found["name"], camp,
                                               user.organizer if user.role == "organizer" else None)))
        parts.append(html.Div([
            html.Label("Log an attempt", htmlFor=_label_for("outcome"),
                       className="form-label mb-1 d-block"),
            html.Label("Date of the attempt", htmlFor=_label_for("date"),
                       className="visually-hidden"),
            html.Div([
                dbc.Select(id=_input("outcome"), value="no_answer", size="sm",
                           options=[{"label": label, "value": v} for v, label in OUTCOMES],
                           className="attempt-outcome"),
                dbc.Input(id=_input("date"), type="date", size="sm", value=clock.today().isoformat(),
                          className="attempt-date"),
                _button("attempt", "Log attempt", "outline-primary"),
            ], className="action-row"),
        ], className="mt-2"))
    current = found["assigned_to"]
    if roles.sees_every_list(user):
        options = [{"label": "— no one (unassign)", "value": ""}] + [
            {"label": n, "value": n} for n in organizer_choices(snap)]
        parts.append(html.Div([
            html.Label("Assign to", htmlFor=_label_for("organizer"),
                       className="form-label mb-1 d-block"),
            html.Div([dbc.Select(id=_input("organizer"), options=options, value=current or "",
                                 size="sm", className="assign-to"),
                      _button("assign", "Assign", "outline-primary")], className="action-row"),
        ], className="mt-2"))
    elif user.role == "organizer":
        if current is None:
            parts.append(_button("take", "Take this contact", "outline-primary"))
        elif roles.is_own(user, current):
            parts.append(html.Div([html.Span("Assigned to you. ", className="small"),
                                   _button("give_back", "Give back", "outline-secondary")]))
    if not parts:
        return None
    return card("Act", *parts, className="person-actions")


def _update_row(u: dict[str, Any], mine: bool) -> html.Div:
    what = UPDATE_LABELS.get(u.get("update"), u.get("update"))
    detail = []
    if u.get("outcome"):
        detail.append(dict(OUTCOMES).get(u["outcome"], u["outcome"]))
    if u.get("asked"):
        detail.append("asked")
    if u.get("assessment") is not None:
        detail.append(ASSESSMENT.get(u["assessment"], str(u["assessment"])))
    words = [html.Div(_private(u.get(f))) for f in ("reason", "note") if mine and u.get(f)]
    hidden = not mine and (u.get("reason") or u.get("note"))
    return html.Div([
        html.Strong(u["date"]), " ", what, f": {', '.join(detail)}" if detail else "",
        html.Span(f" · by {u['organizer']}", className="text-muted") if u.get("organizer") else None,
        *words,
        html.Span(" · (its words are shown to who logged it)", className="form-text d-inline")
        if hidden else None,
    ], className="history-row history-update")


def _assignment_row(a: dict[str, Any]) -> html.Div:
    to = a.get("organizer")
    return html.Div([html.Strong(a["date"]), " ",
                     f"assigned to {to}" if to else "unassigned (given back)"],
                    className="history-row history-assignment")


def _history(records, user, camp: str) -> list:
    rows = []
    for r in records:
        kind = r["record_type"]
        if kind == "conversation":
            mine = user.holds(r.get("organizer"))
            shown = r if mine else redact_for_non_holder(r)
            edit = dcc.Link("edit", href=edit_href(r["id"], camp), className="edit-link",
                            title="correct this 1-on-1 in the form") \
                if mine and user.may_record and r.get("id") else None
            rows.append(html.Div(_conversation(shown, mine, mine and user.role == "organizer", edit),
                                 className="history-row history-conversation"))
        elif kind == "update":
            mine = user.holds(r.get("organizer"))
            rows.append(_update_row(r, user.holds(r.get("organizer"))))
        else:
            rows.append(_assignment_row(r))
    return rows


def render_person(key: str | None, campaign: str | None, acted: dict | None = None):
    """The person page body: where they stand and what to do on top, then their history newest
    first; personal details by ownership."""
    user = signed_in()
    if not user.sees_people:
        return not_for_role("Person pages")
    if not key:
        return html.P("Search for someone above, or open a person from a list.", className="muted-box")
    svc = services()
    camp = _campaign_of(key) or svc.campaign(campaign)
    if camp not in svc.campaigns():
        return dbc.Alert("No such person.", color="warning")
    # Her and the people tied to her, not the campaign: at 100k people a campaign's snapshot
    # took seconds, again after every write anyone made.
    snap = svc.store.person_snapshot(camp, key) or svc.analytics.snapshot(camp)
    person = snap.people.get(key)
    history = svc.store.person_history(camp, key)
    if person is None and not history:
        return dbc.Alert("No such person.", color="warning")
    name = person.name if person else history[-1].contact.name
    note_person_viewed(key)
    found = person_timeline(svc.store, camp, key=key, snapshot=snap)
    records = list(reversed(found["records"]))  # newest first
    conversations = [r for r in found["records"] if r["record_type"] == "conversation"]
    shown = [r if user.holds(r["organizer"]) else redact_for_non_holder(r) for r in conversations]
    details = (contact_details(svc.store, user, camp, key=key, snapshot=snap)
               if roles.sees_contact_details(user, key, snap) else None)
    status = person_status(snap).get(key, "uncontacted")
    issues, asks = _summary(shown)
    ties = person_ties(snap, key)
    elements, net_layout = figures.ego_elements({"person": key, "name": name}, ties)
    safe = [r if r["record_type"] != "update" or user.holds(r.get("organizer"))
            else {k: v for k, v in r.items() if k not in ("reason", "note")} for r in records]
    return html.Div([
        page_head(name, " · ".join(x for x in (person.unit if person else None,
                                               person.shift if person else None,
                                               person.role if person else None) if x) or None),
        dbc.Row([
            dbc.Col(_summary_card(found, status, safe, user, details), xl=7, md=12,
                    id=ids.PERSON_SUMMARY),
            dbc.Col(_actions_card(found, camp, user, snap, acted), xl=5, md=12,
                    id=ids.PERSON_ACTIONS),
        ]),
        html.Div(card(f"History, newest first ({len(records)})",
                      *(_history(records, user, camp) or
                        [html.P("Nothing recorded with them yet.", className="muted-box")]),
                      className="person-history"), id=ids.PERSON_HISTORY),
        dbc.Row([
            dbc.Col([
                card("Issues (latest anger)", html.Ul([
                    html.Li(f"{n} · anger {a if a is not None else '?'} ({d})") for n, a, d in issues
                ], className="mb-0") if issues else html.P("None recorded.", className="muted-box")),
                card("Commitments", table(["Date", "Action", "Response", "Due"], asks)
                     if asks else html.P("Not asked yet.", className="muted-box")),
                card("On the roster", _yes_no(person.in_roster) if person else "no"),
            ], xl=4, md=12),
            dbc.Col([
                card(f"Ties ({len(ties)})",
                     cyto.Cytoscape(id=ids.PERSON_TIES, elements=elements, layout=net_layout,
                                    stylesheet=figures.ego_stylesheet(),
                                    style={"height": "300px", "width": "100%"}) if ties else
                     html.P("No ties recorded.", className="muted-box"),
                     html.Ul([html.Li([person_link(t["name"], t["person"]),
                                       f" · {', '.join(t['relationships'])}",
                                       f" · {t['unit']}" if t["unit"] else ""])
                              for t in ties[:60]], className="small mt-2 mb-0") if ties else None),
            ], xl=8, md=12),
        ]),
        # Admins only: erasing a person who asks for it (the Admin page does it, after a tick).
        html.A("Forget this person…", href=f"/admin?{urlencode({'forget': key})}",
               className="btn btn-sm btn-outline-danger mt-3", id="person-forget")
        if may_forget(user) else None,
    ])


def act(action: str, key: str | None, campaign: str | None, *, outcome: str | None = None,
        date: str | None = None, organizer: str | None = None) -> dict[str, Any]:
    """Do one Person page action as the signed-in user, through :mod:`mapper.services`.

    Returns what the page shows: ``{"key", "ok", "message"}``. Every rule is checked here (and
    in the services), not by which buttons the page drew: a forged request is refused.
    """
    user = signed_in()
    out = {"key": key, "ok": False}
    svc = services()
    camp = _campaign_of(key or "") or svc.campaign(campaign)
    if not user.sees_people or not key or camp not in svc.campaigns():
        return {**out, "message": "Not done: your role may not act on people."}
    snap, _ = snapshot_of_people(svc.store, camp, keys=[key])
    person = snap.people.get(key)
    if person is None:
        return {**out, "message": "Not done: no such person."}
    try:
        if action == "attempt":
            if outcome not in dict(OUTCOMES):
                raise ServiceError("outcome: choose how the attempt ended")
            try:
                day = dt.date.fromisoformat(date) if date else None
            except (TypeError, ValueError):
                raise ServiceError("date: not a date (YYYY-MM-DD)") from None
            logged = log_update(svc.store, user, camp, person_ref(person), update="attempt",
                                outcome=outcome, date=day)
            message = f"Logged: {dict(OUTCOMES)[outcome]} on {logged.update.date.isoformat()}."
        elif action in ("take", "assign") and (organizer or action == "take"):
            to = user.organizer if action == "take" else organizer
            if action == "take" and user.role != "organizer":
                raise NotAllowed("only an organizer takes a contact for herself")
            done = assign_people(svc.store, user, camp, [key], to)
            message = (f"Assigned to {done.organizer}." if done.people
                       else f"Already assigned to {done.organizer}.")
        elif action in ("give_back", "assign"):
            done = unassign(svc.store, user, camp, [person_ref(person)])
            message = "Unassigned." if done.people else "Assigned to no one already."
        else:
            raise ServiceError("action: unknown")
    except ServiceError as exc:
        return {**out, "message": f"Not done: {refusal(exc)}"}
    return {**out, "ok": True, "message": message}


def on_action(clicks: list, values: list, value_ids: list, key: str | None,
              campaign: str | None):
    """The Act card's buttons: which one was clicked, with the inputs beside it; answers with
    the page redrawn, the action's outcome on top of the Act card."""
    trigger = dash.ctx.triggered_id
    if not isinstance(trigger, dict) or not any(c for c in clicks or [] if c):
        raise dash.exceptions.PreventUpdate
    clicked = next((t["value"] for t in dash.ctx.triggered if t.get("value")), None)
    if not clicked:
        raise dash.exceptions.PreventUpdate
    inputs = {vid.get("name"): v for vid, v in zip(value_ids or [], values or [])
              if isinstance(vid, dict)}
    done = act(str(trigger.get("action")), key, campaign, outcome=inputs.get("outcome"),
               date=inputs.get("date"), organizer=inputs.get("organizer"))
    return render_person(key, campaign, done)


def search(query: str | None, campaign: str | None):
    """People whose name contains the query (organizers and admins only), as soon as it has
    ``SEARCH_MIN_CHARS`` letters."""
    user = signed_in()
    query = (query or "").strip()
    if not user.sees_people or not query:
        return None
    if len(query) < SEARCH_MIN_CHARS:
        return html.Span(f"Type at least {SEARCH_MIN_CHARS} letters.", className="form-text")
    svc = services()
    camp = svc.campaign(campaign)
    if camp is None:
        return None
    hits = svc.store.search_people(camp, query, 20)
    if not hits:
        return html.Span("No one found.", className="form-text")
    return html.Div([html.Span([person_link(h.name, h.key),
                                html.Span(f" ({h.conversations})", className="form-text d-inline"),
                                "  "]) for h in hits])


def register_callbacks(app: dash.Dash) -> None:
    app.callback(Output(ids.PERSON_BODY, "children"),
                 Input(ids.PERSON_KEY, "data"), Input(ids.CAMPAIGN, "data"))(render_person)
    # The page again, with what the action did on top of its Act card.
    app.callback(Output(ids.PERSON_BODY, "children", allow_duplicate=True),
                 Input({"type": ids.PERSON_ACTION, "action": ALL}, "n_clicks"),
                 State({"type": ids.PERSON_ACTION_INPUT, "name": ALL}, "value"),
                 State({"type": ids.PERSON_ACTION_INPUT, "name": ALL}, "id"),
                 State(ids.PERSON_KEY, "data"), State(ids.CAMPAIGN, "data"),
                 prevent_initial_call=True)(on_action)
    app.callback(Output(ids.PERSON_SEARCH_RESULTS, "children"),
                 Input(ids.PERSON_SEARCH, "value"), State(ids.CAMPAIGN, "data"))(search)


register_page(__name__, path="/person", name="Person", title="Person · Collective Mapper",
                   order=7, people=True, layout=layout)
