"""My list: the signed-in organizer's contacts with the next thing to do and when; planners
and admins pick any organizer's list, viewers see the counts per organizer."""

from __future__ import annotations


import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, dcc, html

from dashboard import actions, ids
from dashboard.auth import signed_in
from dashboard.components import card, empty_campaign, page_head, person_link
from dashboard.exports import dated_query
from dashboard.listing import reachable
from dashboard.pages import register_page
from dashboard.services import services
from mapper import clock, roles
from mapper import services as services_api

NEXT = {"first_1on1": "first 1-on-1", "follow_up": "follow up", "ask": "ask", "none": "nothing now"}
PAGE = 25  # contacts drawn at first, and added by each "Show more"
COUNTS = [("contacts", "contacts"), ("first_1on1", "first 1-on-1"), ("ask", "to ask"),
          ("follow_up", "to follow up"), ("overdue", "overdue")]


def layout(**_query) -> html.Div:
    user = signed_in()
    own = actions.own_organizer(user)
    choose = roles.sees_every_list(user)
    return html.Div([
        page_head("My list", "Your contacts, the next thing to do with each and when."
                  if own else "Each organizer's contacts, the next thing to do and when."),
        dbc.Row([
            dbc.Col([dbc.Label("As of", html_for=ids.MY_AS_OF, className="small mb-0"),
                     dbc.Input(id=ids.MY_AS_OF, type="date", value=clock.today().isoformat(),
                               size="sm")], xs=6, md=2),
            dbc.Col([dbc.Label("Organizer", html_for=ids.MY_ORGANIZER, className="small mb-0"),
                     dcc.Dropdown(id=ids.MY_ORGANIZER, placeholder="all organizers", value=own,
                                  options=[{"label": own, "value": own}] if own else [],
                                  clearable=choose, disabled=not choose)],
                    xs=6, md=3, style=None if choose else {"display": "none"}),
            dbc.Col(actions.downloads("my-list"),
                    md="auto", className="ms-md-auto"),
        ], className="g-3 mb-3 align-items-end"),
        html.Div(id=ids.MY_COUNTS),
        html.Div(id=ids.MY_STATUS, **{"aria-live": "polite"}),
        html.Div(id=ids.MY_CONTACTS),
        html.Div([html.Span(id=f"{ids.MY_MORE}-said", className="form-text"),
                  dbc.Button(f"Show {PAGE} more", id=ids.MY_MORE, size="sm",
                             color="outline-primary", n_clicks=0, style={"display": "none"})],
                 className="more-row"),
        dcc.Store(id=ids.MY_CHANGED),
        dcc.Store(id=ids.MY_LIMIT, data=PAGE),
    ])


_as_of = actions.as_of_date


def _due(contact: dict) -> html.Span | None:
    if not contact["due"]:
        return None
    cls = "badge bg-danger" if contact["overdue"] else "badge bg-light text-dark"
    return html.Span(("overdue since " if contact["overdue"] else "due ") + contact["due"],
                     className=cls)


def _reach(contact: dict[str, str] | None) -> list:
    """Call and mail links (only given for those the user may see them for)."""
    if not contact:
        return []
    out = []
    if contact.get("tel"):
        out.append(html.A(["Call ", contact["phone"]], href="tel:" + contact["tel"],
                          className="btn btn-sm btn-outline-success me-1 mb-1"))
    if contact.get("email"):
        out.append(html.A(["Mail ", contact["email"]], href="mailto:" + contact["email"],
                          className="btn btn-sm btn-outline-secondary me-1 mb-1"))
    return out


def _contact_card(contact: dict, acts: bool, closes: bool,
                  reach: dict[str, str] | None = None) -> html.Div:
    """A contact; ``acts``: with "log an attempt", ``closes``: with its item's buttons;
    ``reach``: phone and email, when the user may see them."""
    links = _reach(reach)
    buttons = [html.Div(links, className="my-reach")] if links else []
    if acts:
        if closes and contact["next"] == "follow_up" and contact["item"]:
            kind = contact["item"].partition(":")[0]
            buttons += actions.item_buttons(ids.MY_ACTION, {
                "id": contact["item"], "person": contact["person"], "kind": kind})
        buttons.append(actions.attempt_menu(ids.MY_ACTION, contact["person"]))
    where = " · ".join(v for v in (contact["unit"], contact["shift"]) if v)
    return html.Div([
        html.Div([person_link(contact["name"], contact["person"]),
                  html.Span(where, className="text-muted small ms-2") if where else None],
                 className="my-name"),
        html.Div([html.Span(NEXT.get(contact["next"], contact["next"]),
                            className="badge bg-primary me-2"),
                  html.Span(contact["what"], className="me-2"), _due(contact)],
                 className="my-next"),
        html.Div(buttons, className="my-actions") if buttons else None,
    ], className="my-contact")


def _counts(organizers: list[dict]) -> html.Ul:
    """Each organizer's counts on one line that wraps (a table would not fit a phone)."""
    return html.Ul([html.Li([html.Strong(o["organizer"], className="me-2")]
                            + [html.Span([html.B(o["counts"][k]), f" {label}"],
                                         className="my-count" + (" late" if k == "overdue"
                                                                 and o["counts"][k] else ""))
                               for k, label in COUNTS])
                    for o in organizers], className="my-counts")


def update_my_list(campaign: str | None, as_of: str | None, organizer: str | None,
                   _changed=None, limit: int | None = PAGE):
    """The counts per organizer, and the contacts of the list shown, as the user may see them:
    an organizer only her own, planners and admins anyone's (all with none picked), viewers
    the counts without names."""
    user = signed_in()
    svc = services()
    camp = svc.campaign(campaign)
    if camp is None:
        return empty_campaign(), None, [], *_more(0, 0)
    today = _as_of(as_of)
    limit = actions.page_limit(limit, PAGE)
    own = actions.own_organizer(user)
    if user.role == "organizer":
        # Her own list only, whatever the drop-down was made to send.
        result = svc.analytics.my_list(campaign=camp, today=today, organizer=own or "")
    else:
        result = roles.my_list_for(user, svc.analytics.my_list(campaign=camp, today=today))
    options = [{"label": f"{o['organizer']} ({o['counts']['contacts']})",
                "value": o["organizer"]} for o in result["organizers"]]
    if own:
        options = [{"label": own, "value": own}]
    shown = [o for o in result["organizers"]
             if user.role == "organizer" or not organizer or o["organizer"] == organizer]
    counts = card("Contacts per organizer", _counts(shown)) if shown else None
    if not user.sees_people:
        return (counts, html.P("The contacts are shown to organizers, planners and admins "
                               "only.", className="muted-box"), options, *_more(0, 0))
    # An item is closed by the organizer who owes it (who last spoke with the contact), who
    # may not be the one the contact is now assigned to.
    owners = _owners(svc, camp, today, [c for o in shown for c in o["contacts"][:limit]])
    blocks = []
    total = sum(len(o["contacts"]) for o in shown)
    left = limit  # a page's worth of cards is drawn, however long the lists
    for o in shown:
        if left <= 0:
            break
        contacts = o["contacts"][:left]
        left -= len(contacts)
        reach = reachable([c["person"] for c in contacts], camp) if contacts else {}
        acts = actions.may_act(user, o["organizer"])
        cards = [_contact_card(c, acts, actions.may_act(user, owners.get(c["item"])),
                               reach.get(c["person"]))
                 for c in contacts]
        body = (html.Div(cards, className="my-contacts") if cards else
                html.P("No contacts assigned.", className="muted-box"))
        blocks.append(card(None if own else o["organizer"], body))
    if not blocks:
        blocks = [html.P("No contacts assigned.", className="muted-box")]
    return counts, blocks, options, *_more(min(limit, total), total)


def _owners(svc, campaign: str, today, contacts: list[dict]) -> dict[str, str]:
    """``{item id: organizer who owes it}`` of the contacts' open items: from the read model
    (their own items), else from the snapshot."""
    people = [c["person"] for c in contacts if c["item"]]
    found = svc.store.item_owners(campaign, people) if people else {}
    if found is None:
        found = {i["id"]: i["organizer"] for i in
                 services_api.open_items(svc.analytics.snapshot(campaign), today)}
    return found


def _more(shown: int, total: int) -> tuple[str, dict]:
    """What the "Show more" row says, and whether its button shows."""
    if total <= shown:
        return "", {"display": "none"}
    if shown >= actions.MOST_DRAWN:
        # (An organizer sees her own list: no organizer to pick; the download holds them all.)
        return (f"Showing {shown:,} of {total:,} contacts, the most drawn at once: the "
                "download holds them all.", {"display": "none"})
    return f"Showing {shown:,} of {total:,} contacts.", {}


def more(_clicks, _campaign, _as_of, _organizer, limit: int | None) -> int:
    """"Show more" adds a page of cards; another choice starts again at one page."""
    if dash.ctx.triggered_id == ids.MY_MORE:
        return actions.more_limit(limit, PAGE)
    return PAGE


def act(target: dict | None, campaign: str | None, as_of: str | None):
    """An action of a contact (or an Undo) clicked: write it through the services."""
    return actions.perform(ids.MY_ACTION, target, campaign, _as_of(as_of))




def register_callbacks(app: dash.Dash) -> None:
    app.callback(
        Output(ids.MY_COUNTS, "children"), Output(ids.MY_CONTACTS, "children"),
        Output(ids.MY_ORGANIZER, "options"),
        Output(f"{ids.MY_MORE}-said", "children"), Output(ids.MY_MORE, "style"),
        Input(ids.CAMPAIGN, "data"), Input(ids.MY_AS_OF, "value"),
        Input(ids.MY_ORGANIZER, "value"), Input(ids.MY_CHANGED, "data"),
        Input(ids.MY_LIMIT, "data"),
    )(update_my_list)
    app.callback(
        Output(ids.MY_LIMIT, "data"),
        Input(ids.MY_MORE, "n_clicks"), Input(ids.CAMPAIGN, "data"), Input(ids.MY_AS_OF, "value"),
        Input(ids.MY_ORGANIZER, "value"), State(ids.MY_LIMIT, "data"),
        prevent_initial_call=True,
    )(more)
    app.callback(
        Output(ids.MY_STATUS, "children"), Output(ids.MY_CHANGED, "data"),
        Input({"type": ids.MY_ACTION, "do": ALL, "person": ALL, "item": ALL, "value": ALL},
              "n_clicks"),
        State(ids.CAMPAIGN, "data"), State(ids.MY_AS_OF, "value"), prevent_initial_call=True,
    )(actions.on_click(ids.MY_ACTION))
    app.callback(Output({"type": ids.EXPORT_QUERY, "list": "my-list"}, "data"),
                 Input(ids.MY_AS_OF, "value"), Input(ids.MY_ORGANIZER, "value"))(dated_query)


register_page(__name__, path="/my-list", name="My list", title="My list · Collective Mapper",
              order=6, layout=layout)
