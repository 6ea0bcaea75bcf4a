"""A person: their conversations, issues, commitments and ties; personal details only if allowed."""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
import dash_cytoscape as cyto
from dash import Input, Output, State, dcc, html

from dashboard import figures, ids
from dashboard.auth import signed_in
from dashboard.components import card, facts, not_for_role, page_head, person_link, table
from dashboard.pages import register_page
from dashboard.services import services
from dashboard.tables import person_ties
from mapper.privacy import redact_record

# Free text and sensitive answers of a conversation, shown only to the organizer who held it
# (and admins). ``mapper.privacy.PERSONAL_FIELDS`` is being extended to cover them; until then
# (and should it ever lose one) the page drops them itself: dropping twice is harmless.
ASSESSMENT = {1: "1 · leader / supporter", 2: "2 · supporter", 3: "3 · undecided",
              4: "4 · leaning against", 5: "5 · opposed"}


def layout(key: str | None = None, **_query) -> html.Div:
    head = page_head("Person")
    if not signed_in().sees_people:
        return html.Div([head, not_for_role("Person pages")])
    return html.Div([
        dcc.Store(id=ids.PERSON_KEY, data=key),
        dbc.Row([dbc.Col(dbc.Input(id=ids.PERSON_SEARCH, placeholder="Find a person by name…",
                                   debounce=True, type="search"), md=4),
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


def _conversation(r: dict[str, Any], mine: bool, badge: bool = False) -> html.Div:
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
                 dbc.Badge("your conversation", color="info", className="ms-2") if badge else None]),
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
                                   "fears, the action asked and the assignment of this "
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


def render_person(key: str | None, campaign: str | None):
    """The person page body: history for organizers and admins, personal details by ownership."""
    user = signed_in()
    if not user.sees_people:
        return not_for_role("Person pages")
    if not key:
        return html.P("Search for someone above, or open a person from a list.", className="muted-box")
    svc = services()
    camp = _campaign_of(key) or svc.campaign(campaign)
    if camp not in svc.campaigns():
        return dbc.Alert("No such person.", color="warning")
    snap = svc.analytics.snapshot(camp)
    person = snap.people.get(key)
    history = svc.store.person_history(camp, key)
    if person is None and not history:
        return dbc.Alert("No such person.", color="warning")
    records = [r.model_dump(mode="json", exclude_none=True) for r in history]
    own = [user.holds(r["organizer"]) for r in records]
    shown = [r if mine else redact_for_non_holder(r) for r, mine in zip(records, own)]
    name = person.name if person else records[-1]["contact"]["name"]
    contact = next((r["contact"] for r in reversed(shown)
                    if r["contact"].get("phone") or r["contact"].get("email")), {})
    issues, asks = _summary(shown)
    ties = person_ties(snap, key)
    elements, net_layout = figures.ego_elements({"person": key, "name": name}, ties)
    return html.Div([
        page_head(name, " · ".join(x for x in (person.unit if person else None,
                                               person.shift if person else None,
                                               person.role if person else None) if x) or None),
        dbc.Row([
            dbc.Col([
                card("At a glance", facts([
                    ("Conversations", len(records) or "none yet"),
                    ("On the roster", _yes_no(person.in_roster) if person else None),
                    ("Phone", _private(contact.get("phone"))),
                    ("Email", _private(contact.get("email"))),
                ])),
                card("Issues (latest anger)", html.Ul([
                    html.Li(f"{n} · anger {a if a is not None else '?'} ({d})") for n, a, d in issues
                ], className="mb-0") if issues else html.P("None recorded.", className="muted-box")),
                card("Commitments", table(["Date", "Action", "Response", "Due"], asks)
                     if asks else html.P("Not asked yet.", className="muted-box")),
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
        card("Conversations, oldest first",
             *([_conversation(r, mine, mine and user.role == "organizer")
               for r, mine in zip(shown, own)] or
               [html.P("No one has spoken with them yet.", className="muted-box")])),
    ])


def search(query: str | None, campaign: str | None):
    """People whose name contains the query (organizers and admins only)."""
    user = signed_in()
    if not user.sees_people or not query or not query.strip():
        return None
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
    app.callback(Output(ids.PERSON_SEARCH_RESULTS, "children"),
                 Input(ids.PERSON_SEARCH, "value"), State(ids.CAMPAIGN, "data"))(search)


register_page(__name__, path="/person", name="Person", title="Person · Collective Mapper",
                   order=7, people=True, layout=layout)
