"""Lists out: Ready to ask, Talk to next, Follow-ups and My list as CSV, XLSX and a call sheet.

Each list's rows come from the same analytics the pages read, filtered as the page shows
them, for the signed-in user's role: a viewer gets no list of people (403). A phone number is
filled in only where :func:`mapper.roles.sees_contact_details` allows, read from the stored
1-on-1s (the graph holds none). Every cell is text, never a formula (:mod:`mapper.cells`).

The links (:func:`list_downloads`) carry the campaign and the page's filters: ``organizer``,
``unit`` and ``issue`` on Ready to ask and Talk to next (kept up to date as the filters
change); Follow-ups and My list carry the campaign and, for an organizer, her own name (her
own first), and take ``organizer`` and ``as_of`` when given. Each export is logged on the
``mapper.audit`` logger with the user, list, format, row count, how many rows hold someone's
words and campaign — never a value of anyone's record.

A Follow-ups item's assignment or action asked is in the file with its words for a reader the
page shows them to (who held its 1-on-1, admins: :mod:`dashboard.item_words`), the page's
"(held by another organizer)" for every other one.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import dash
from dash import MATCH, Input, Output, dcc, html
from flask import Response, abort, g, render_template_string, request

from dashboard import ids
from dashboard.auth import signed_in
from dashboard.grid import equals_filter, select
from dashboard.item_words import NOT_YOURS, item_words
from dashboard.services import services
from dashboard.tables import complete, list_rows, read_again, ready_rows, talk_rows
from dashboard.users import User
from mapper import clock
from mapper.cells import write_csv, write_xlsx
from mapper.keys import normalize
from mapper.roles import sees_contact_details, sees_every_list, sees_people

__all__ = ["LISTS", "Sheet", "list_sheet", "list_downloads", "download_href", "dated_query",
           "install_exports", "to_csv", "to_xlsx", "dialable", "call_sheet", "filters_query"]

#: The lists that leave the tool, by the name their links use.
LISTS = {"ready": "Ready to ask", "talk-next": "Talk to next", "follow-ups": "Follow-ups",
         "my-list": "My list"}
FORMATS = ("csv", "xlsx")
audit = logging.getLogger("mapper.audit")
NO_ORGANIZER = "No organizer yet"
_MIME = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
# The page filters a link may carry, and the row field each filters on (Ready, Talk to next).
_FILTER_COLUMNS = {"organizer": "organizer", "unit": "unit", "issue": "issues"}


@dataclass
class Sheet:
    """One list as it leaves the tool: its columns (field, heading) and rows (dicts)."""

    name: str
    campaign: str
    columns: list[tuple[str, str]]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def values(self) -> list[list[Any]]:
        return [[_cell(r.get(f)) for f, _ in self.columns] for r in self.rows]

    @property
    def words(self) -> int:
        """How many rows hold someone's words (an assignment, an action asked): what the
        audit trail records of them."""
        return sum(1 for r in self.rows if r.get("words"))


#: The most people a download reads alone (:meth:`~mapper.stores.base.Store.people_snapshot`),
#: rather than the campaign whole: a slice of more holds the store's connection as long.
ALONE = 20_000


def _cell(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _shift(snapshot, person: str) -> str | None:
    p = snapshot.people.get(person)
    return p.shift if p is not None else None


def _phones(store, user: User, campaign: str, snapshot, people: list[str]) -> dict[str, str]:
    """Phone numbers of the people this user may see them for (the newest 1-on-1 stating one,
    else their roster row)."""
    from mapper.privacy import rosters_details

    allowed = [key for key in dict.fromkeys(people) if sees_contact_details(user, key, snapshot)]
    out = {key: dialable(str(found["phone"]))
           for key, found in rosters_details(store, campaign, allowed).items()
           if found.get("phone")}  # the roster's first: a 1-on-1 stating one is newer word
    for key in allowed:
        for record in store.person_history(campaign, key):  # oldest first: the newest wins
            if record.contact.phone:
                out[key] = dialable(record.contact.phone)
    return out


def dialable(phone: str) -> str:
    """A phone number as a phone bank dials it: ``+1 (555) 010-0100`` as ``+15550100100``.

    Written so, no spreadsheet reads its ``+`` as a formula (:func:`mapper.cells.guard` lets
    it through); a number in another form is kept as it was written (and guarded).

    >>> dialable("+1 555 0100"), dialable("555-0100"), dialable("+1 555 0100 ext 2")
    ('+15550100', '555-0100', '+1 555 0100 ext 2')
    """
    if re.fullmatch(r"\+[0-9][0-9 ().-]{5,25}", phone):
        return "+" + re.sub(r"[^0-9]", "", phone)
    return phone


def _grid_list(shape, filters: dict[str, str | None], campaign: str) -> list[dict[str, Any]]:
    model = equals_filter(**{col: filters.get(arg) for arg, col in _FILTER_COLUMNS.items()})

    def read() -> list[dict[str, Any]]:
        rows = list_rows(services().analytics, shape, campaign)
        return complete(rows, list(select(rows, {"filterModel": model},
                                          set(_FILTER_COLUMNS.values()))))
    return read_again(read)


def _ready(campaign: str, filters: dict, today: dt.date, _user: User) -> tuple[list, list]:
    rows = [{**r, "holder": r["assigned_to"] or r["organizer"] or NO_ORGANIZER,
             "ask": r["suggested_ask"]} for r in _grid_list(ready_rows, filters, campaign)]
    return [("rank", "#"), ("name", "Name"), ("unit", "Unit"), ("shift", "Shift"),
            ("phone", "Phone"), ("assigned_to", "Assigned to"), ("organizer", "Last organizer"),
            ("score", "Score"), ("ready", "Ready?"), ("top_issue", "Top issue"),
            ("reasons", "Why"), ("suggested_ask", "Suggested ask"),
            ("messenger", "Messenger")], rows


def _talk(campaign: str, filters: dict, today: dt.date, _user: User) -> tuple[list, list]:
    rows = [{**r, "holder": r["assigned_to"] or r["organizer"] or NO_ORGANIZER,
             "ask": "a first 1-on-1" + (f", introduced by {r['messenger']}" if r["messenger"]
                                        else "")}
            for r in _grid_list(talk_rows, filters, campaign)]
    return [("rank", "#"), ("name", "Name"), ("unit", "Unit"), ("shift", "Shift"),
            ("phone", "Phone"), ("assigned_to", "Assigned to"), ("in_roster", "On roster"),
            ("score", "Score"), ("reasons", "Why"), ("messenger", "Messenger (who knows them)"),
            ("organizer", "Messenger's organizer")], rows


def _when(days: int) -> str:
    n = abs(days)
    span = f"{n} day{'s' if n != 1 else ''}"
    return f"{span} late" if days > 0 else "today" if days == 0 else f"in {span}"


def _follow_ups(campaign: str, filters: dict, today: dt.date, user: User) -> tuple[list, list]:
    # Her items whatever case and spacing name her (as the page picks them): the others'
    # come empty. Without the campaign's words: the page's reader's own are read below.
    svc = services()
    result = svc.analytics.follow_ups(campaign=campaign, today=today,
                                      organizer=filters.get("organizer"), words=False)
    items = [(o["organizer"], i) for o in result["organizers"] for i in o["items"]]
    whats = item_words(user, svc.store, campaign, items)
    rows = []
    for (org, i), what in zip(items, whats):
        kind, when = i["kind"].replace("_", "-"), _when(i["days_overdue"])
        rows.append({"organizer": org, "holder": org, "person": i["person"], "name": i["name"],
                     "kind": kind, "what": what, "due": i["due"], "when": when,
                     "reasons": f"{kind} due {i['due']} ({when})", "ask": what,
                     "words": what not in (i["what"], NOT_YOURS)})
    return [("organizer", "Organizer"), ("name", "Name"), ("unit", "Unit"), ("shift", "Shift"),
            ("phone", "Phone"), ("kind", "Kind"), ("what", "What"), ("due", "Due"),
            ("when", "When")], rows


def _unit(snapshot, person: str) -> str | None:
    p = snapshot.people.get(person)
    return p.unit if p is not None else None


_STEPS = {"first_1on1": "no 1-on-1 yet", "ask": "spoken with, not committed yet",
          "follow_up": "a follow-up is open", "none": "committed"}


def _my_reasons(contact: dict[str, Any]) -> str:
    said = f"{_STEPS.get(contact['next'], contact['next'])}; on the list since {contact['assigned']}"
    if contact["due"]:
        said += f"; due {contact['due']}" + (" (overdue)" if contact["overdue"] else "")
    return said


def _my_list(campaign: str, filters: dict, today: dt.date, _user: User) -> tuple[list, list]:
    result = services().analytics.my_list(campaign=campaign, today=today,
                                          organizer=filters.get("organizer"))
    rows = [{**c, "organizer": o["organizer"], "holder": o["organizer"],
             "overdue": "overdue" if c["overdue"] else "",
             "reasons": _my_reasons(c),
             "ask": c["what"]}
            for o in result["organizers"] for c in o["contacts"]]
    return [("organizer", "Organizer"), ("name", "Name"), ("unit", "Unit"), ("shift", "Shift"),
            ("phone", "Phone"), ("what", "Next"), ("due", "Due"), ("overdue", "Overdue"),
            ("assigned", "Assigned on")], rows


_BUILDERS = {"ready": _ready, "talk-next": _talk, "follow-ups": _follow_ups, "my-list": _my_list}


def _today(as_of: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(as_of) if as_of else clock.today()
    except ValueError:
        return clock.today()


def list_sheet(list_name: str, user: User, campaign: str | None,
               filters: dict[str, str | None] | None = None) -> Sheet:
    """The rows of a list as the page shows them to ``user``, with the phones she may see.

    Refused (403) for a role that sees no lists of people, 404 for an unknown list; an
    organizer's My list is her own (planners and admins may name any organizer).
    """
    if list_name not in _BUILDERS:
        abort(404)
    if not sees_people(user):
        abort(403)
    filters = dict(filters or {})
    if list_name in ("follow-ups", "my-list") and user.role == "organizer":
        if not filters.get("organizer") or (list_name == "my-list"
                                            and not sees_every_list(user)):
            filters["organizer"] = user.organizer  # her own first (My list: her own only)
    svc = services()
    camp = svc.campaign(campaign)
    if camp is None:
        return Sheet(list_name, "", [("name", "Name")])
    columns, rows = _BUILDERS[list_name](camp, filters, _today(filters.get("as_of")), user)
    people = list(dict.fromkeys(r["person"] for r in rows))
    # Those people alone (the campaign's whole snapshot was 50 s and 2.4 GB in the worker at
    # a million people); the whole one for a list of most of the campaign (read apart from
    # the store's connection, and once per version), or while it is re-projected.
    snapshot = (svc.store.people_snapshot(camp, people) if len(people) <= ALONE else None) \
        or svc.analytics.snapshot(camp)
    phones = _phones(svc.store, user, camp, snapshot, people)
    rows = [{"unit": _unit(snapshot, r["person"]), **r, "shift": _shift(snapshot, r["person"]),
             "phone": phones.get(r["person"])} for r in rows]
    return Sheet(list_name, camp, columns, rows)


def to_csv(sheet: Sheet) -> bytes:
    """The list as UTF-8 CSV with a byte order mark: without one, Excel opens a CSV in the
    computer's code page, and José Núñez becomes JosÃ© NÃºÃ±ez on the phone bank's screen.
    (The product's own reader takes it with or without, :func:`mapper.sheets.decode`.)"""
    out = io.StringIO(newline="")
    write_csv(out, [h for _, h in sheet.columns], sheet.values())
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(sheet: Sheet) -> bytes:
    out = io.BytesIO()
    write_xlsx(out, [h for _, h in sheet.columns], sheet.values(),  # type: ignore[arg-type]
               title=LISTS[sheet.name][:31])
    return out.getvalue()


_CALL_SHEET = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{{ title }} · call sheet · Collective Mapper</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/assets/style.css">
</head><body class="call-sheet-body">
<p class="call-sheet-tools no-print"><button type="button" data-call-sheet="print">Print</button>
 <button type="button" data-call-sheet="back">Back</button></p>
<script src="/assets/call_sheet.js"></script>
{% if not groups %}<p class="call-sheet-empty">Nothing on this list.</p>{% endif %}
{% for organizer, rows in groups %}
<section class="call-sheet">
 <header><h1>{{ title }} — {{ organizer }}</h1>
 <p>Campaign {{ campaign }} · printed {{ today }} · {{ rows|length }} contact{{ '' if rows|length == 1 else 's' }}</p></header>
 {% for r in rows %}
 <article class="call-sheet-contact">
  <h2 dir="auto">{{ r.name }}</h2>
  {# Each fact set apart (<bdi>, dir): after words in Arabic or Hebrew, a phone number took
     their direction, "+15550100" printed as "15550100+", "555-0100" as "0100-555". #}
  <p class="call-sheet-facts"><bdi>{{ r.unit or "unit unknown" }}</bdi>
   {%- if r.shift %} · <bdi>{{ r.shift }}</bdi>{% endif %}
   {% if r.phone %} · <a dir="ltr" href="tel:{{ r.phone }}">{{ r.phone }}</a>{% endif %}</p>
  {% if r.reasons %}<p><strong>Why:</strong> {{ r.reasons }}</p>{% endif %}
  {% if r.ask %}<p><strong>Ask:</strong> {{ r.ask }}</p>{% endif %}
  <div class="call-sheet-outcome"><strong>Outcome:</strong>
   <span>☐ reached</span> <span>☐ no answer</span> <span>☐ yes</span> <span>☐ no</span>
   <div class="call-sheet-lines"></div></div>
 </article>
 {% endfor %}
</section>
{% endfor %}
</body></html>"""


def call_sheet(sheet: Sheet) -> str:
    """The printable page: one section (one printed page or more) per organizer, however her
    rows spell her name (case, spacing: :func:`mapper.keys.normalize`), headed by the spelling
    most of them give."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in sheet.rows:
        groups.setdefault(normalize(r.get("holder") or NO_ORGANIZER), []).append(r)
    named = [(Counter(r.get("holder") or NO_ORGANIZER for r in rows).most_common(1)[0][0], rows)
             for rows in groups.values()]
    ordered = sorted(named, key=lambda g: (g[0] == NO_ORGANIZER, g[0].casefold()))
    return render_template_string(_CALL_SHEET, title=LISTS[sheet.name], campaign=sheet.campaign,
                                  today=clock.today().isoformat(), groups=ordered)


def _request_sheet(list_name: str, what: str) -> Sheet:
    user = signed_in()
    args = request.args
    filters = {k: args.get(k) or None for k in ("organizer", "unit", "issue", "as_of")}
    if not sees_people(user) and list_name in LISTS:
        audit.warning("export refused user=%s list=%s format=%s", user.username, list_name, what)
        abort(403)
    sheet = list_sheet(list_name, user, args.get("campaign"), filters)
    audit.info("export user=%s list=%s format=%s rows=%d words=%d campaign=%s", user.username,
               list_name, what, len(sheet.rows), sheet.words, sheet.campaign)
    # What the audit trail records once the response is sent (dashboard.audit_hooks): the
    # campaign exported, not the one the link named (none, or any text typed into it).
    g.mapper_exported = {"campaign": sheet.campaign[:40] or None, "rows": len(sheet.rows),
                         "words": sheet.words}
    return sheet


def _download(list_name: str, fmt: str) -> Response:
    if fmt not in FORMATS:
        abort(404)
    sheet = _request_sheet(list_name, fmt)
    body = to_csv(sheet) if fmt == "csv" else to_xlsx(sheet)
    filename = f"{list_name}-{sheet.campaign or 'campaign'}-{clock.today().isoformat()}.{fmt}"
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in filename)
    # content_type, not mimetype: Werkzeug adds "; charset=utf-8" to a text mimetype again.
    return Response(body, content_type=_MIME[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{safe}"'})


def _print(list_name: str) -> Response:
    return Response(call_sheet(_request_sheet(list_name, "print")), mimetype="text/html")


def download_href(list_name: str, what: str, query: dict[str, Any] | None) -> str:
    """The link of a list's download (``what``: csv, xlsx) or call sheet (``print``)."""
    params = urlencode({k: v for k, v in (query or {}).items() if v})
    path = f"/print/{list_name}" if what == "print" else f"/download/{list_name}.{what}"
    return path + (f"?{params}" if params else "")


def _links(list_name: str, query: dict[str, Any] | None) -> list:
    return [html.Span("Take it out:", className="me-1"),
            html.A("CSV", href=download_href(list_name, "csv", query), download="",
                   className="btn btn-sm btn-outline-secondary", target="_blank"),
            html.A("XLSX", href=download_href(list_name, "xlsx", query), download="",
                   className="btn btn-sm btn-outline-secondary", target="_blank"),
            html.A("Print call sheet", href=download_href(list_name, "print", query),
                   className="btn btn-sm btn-outline-secondary", target="_blank")]


def _base_query(list_name: str) -> dict[str, Any]:
    user = signed_in()
    if list_name in ("follow-ups", "my-list") and user.role == "organizer":
        return {"organizer": user.organizer}
    return {}


def list_downloads(list_name: str) -> html.Div:
    """The links "CSV", "XLSX", "Print call sheet" of a list (none for a viewer).

    A page may keep the filters of its links current by writing a dict (``organizer``,
    ``unit``, ``issue``, ``as_of``) to ``{"type": ids.EXPORT_QUERY, "list": list_name}``'s
    ``data``; the campaign is added from the campaign selector.
    """
    if list_name not in LISTS:
        raise ValueError(f"list_name: one of {', '.join(LISTS)}")
    sees = signed_in().sees_people
    # (For a viewer, no links: the filters' store and the links' place alone, so the
    # callbacks writing them find them.)
    query = _base_query(list_name) if sees else {}
    return html.Div([
        dcc.Store(id={"type": ids.EXPORT_QUERY, "list": list_name}, data=query),
        html.Div(_links(list_name, query) if sees else [],
                 id={"type": ids.EXPORT_LINKS, "list": list_name},
                 className="list-downloads no-print"),
    ])


def filters_query(organizer: str | None = None, unit: str | None = None,
                  issue: str | None = None) -> dict[str, str | None]:
    """What a page's filter drop-downs (organizer, unit, issue) put in its links' query."""
    return {"organizer": organizer, "unit": unit, "issue": issue}


def dated_query(as_of: str | None = None, organizer: str | None = None
                ) -> dict[str, str | None]:
    """What the Follow-ups and My list pages' "As of" and organizer put in their links'
    query: the file holds the list the page shows (a planner who picked one organizer's list
    and another day downloaded everyone's, as of today)."""
    return {"as_of": as_of, "organizer": organizer}


def update_links(query: dict[str, Any] | None, campaign: str | None) -> list:
    """The links again, for the page's current filters and campaign (none for a viewer)."""
    if not signed_in().sees_people:
        return []
    ctx = dash.callback_context
    list_name = ctx.outputs_list["id"]["list"] if ctx and ctx.outputs_list else None
    return _links(list_name or "ready", {**(query or {}), "campaign": campaign})


def install_exports(app: dash.Dash) -> None:
    """The download and print routes on the app's server (behind its sign-in guard), and the
    callback keeping the links current."""
    server = app.server
    server.add_url_rule("/download/<list_name>.<fmt>", "mapper_download", _download)
    server.add_url_rule("/print/<list_name>", "mapper_print", _print)
    app.callback(Output({"type": ids.EXPORT_LINKS, "list": MATCH}, "children"),
                 Input({"type": ids.EXPORT_QUERY, "list": MATCH}, "data"),
                 Input(ids.CAMPAIGN, "data"))(update_links)
