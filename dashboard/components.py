"""Small pieces of layout the pages share (headers, stat cards, notices). No data access here."""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import quote

import dash_bootstrap_components as dbc
from dash import dcc, html

__all__ = ["GRAPH_CONFIG", "graph", "page_head", "card", "stat", "notice", "not_for_role", "empty_campaign", "person_href",
           "person_link", "facts", "table", "readable_fit_js"]


# Nothing may leave the machine: plotly.js (4.x) offers a "Share chart" button that uploads the
# figure (names included) to Plotly Cloud unless told not to, and links to plotly.com from its
# logo. Keys older plotly.js versions read (showLink, showEditInChartStudio, sendData) are set
# too, so a different bundled version cannot bring the buttons back.
GRAPH_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "showLink": False,
    "sendData": False,
    "plotlyServerURL": "",
    "modeBarButtonsToRemove": ["sendChartToCloud", "sendDataToCloud", "editInChartStudio"],
}


def graph(id_: str, figure) -> dcc.Graph:
    """Every chart of the dashboard: a ``dcc.Graph`` that offers nothing off the machine."""
    return dcc.Graph(id=id_, figure=figure, config=copy.deepcopy(GRAPH_CONFIG))


def page_head(title: str, subtitle: str | None = None, *extra) -> html.Div:
    return html.Div([html.Div([html.H2(title, className="mb-1"),
                               html.P(subtitle) if subtitle else None]), *extra],
                    className="page-head")


def answer_age(id_: str) -> html.P:
    """Where a page says how old its whole-graph answer is (filled by :func:`age_text`)."""
    return html.P(id=id_, className="answer-age form-text mb-1", role="status",
                  **{"aria-live": "polite"})


def age_text(answer: Any) -> str:
    """"Updated just now", or "As of 14:05 (3 min ago)": how long a stored answer
    (:class:`mapper.analytics.stored.Answer`) has not been the store's (since the write that
    made it stale, where known: :attr:`~mapper.analytics.stored.Answer.shown_as_of`), in this
    server's time zone."""
    from mapper import clock
    from mapper.analytics.stored import age_words

    words = age_words(getattr(answer, "shown_as_of", answer.as_of), clock.now())
    return words[0].upper() + words[1:] + "."


def card(title: str | None, *body, className: str = "", help_text: str | None = None) -> dbc.Card:
    header = dbc.CardHeader([title, html.Span(help_text, className="form-text d-inline ms-2")
                             if help_text else None]) if title else None
    return dbc.Card([header, dbc.CardBody(list(body))], className=className)


def stat(label: str, value, sub: str | None = None) -> dbc.Card:
    return dbc.Card(dbc.CardBody([html.Div(str(value), className="value"),
                                  html.Div(label, className="label"),
                                  html.Div(sub, className="form-text") if sub else None]),
                    className="stat h-100")


def notice(text, color: str = "info") -> dbc.Alert:
    return dbc.Alert(text, color=color)


def not_for_role(what: str) -> dbc.Alert:
    return dbc.Alert(f"{what} are shown to organizers and admins only; your role sees "
                     "aggregates.", color="secondary", className="role-note")


def empty_campaign() -> dbc.Alert:
    return dbc.Alert(["Nothing here yet: the store holds no campaign. Import records with ",
                      html.Code("mapper import FILE..."), " or ",
                      dcc.Link("record a 1-on-1", href="/record"), "."], color="info")


def person_href(key: str) -> str:
    return "/person?key=" + quote(key, safe="")


def person_link(name: str, key: str) -> dcc.Link:
    return dcc.Link(name, href=person_href(key))


def facts(pairs: list[tuple[str, object]]) -> html.Dl:
    items = []
    for label, value in pairs:
        if value in (None, "", []):
            continue
        items += [html.Dt(label), html.Dd(value)]
    return html.Dl(items, className="facts")


def table(columns: list[str], rows: list[list], numeric: set[int] | None = None,
          className: str = "table table-sm table-hover") -> html.Table:
    numeric = numeric or set()
    head = html.Thead(html.Tr([html.Th(c, className="num" if i in numeric else None)
                               for i, c in enumerate(columns)]))
    body = html.Tbody([html.Tr([html.Td(v, className="num" if i in numeric else None)
                                for i, v in enumerate(r)]) for r in rows])
    return html.Table([head, body], className=className)


def readable_fit_js(network_id: str) -> str:
    """A clientside callback (input: the network's ``elements``) fitting a laid-out network
    into its box once drawn, never below zoom 1 so its labels keep their 12 px: centred when it
    fits, else around its top boss (a node of class ``root``) or its middle, with its edges
    kept at the box's (nothing cut at the left; drag for the rest). Runs in the browser, the
    only place that knows the box's width; marks the box ``data-fitted`` when done."""
    return """
function(elements) {
    const want = (elements || []).filter(e => !(e.data && e.data.source)).length;
    const box = document.getElementById(%s);
    let tries = 0;
    const fit = () => {
        const cy = box && box._cyreg && box._cyreg.cy;
        if (!cy || cy.nodes().length !== want) {
            if (tries++ < 50) { setTimeout(fit, 100); }
            return;
        }
        if (!want) { return; }
        const pad = 16, w = cy.width(), h = cy.height();
        const bb = cy.elements().boundingBox();
        let z = Math.min((w - 2 * pad) / bb.w, (h - 2 * pad) / bb.h);
        z = Math.max(1, Math.min(z, 1.4));
        cy.zoom(z);
        const root = cy.nodes('.root').first();
        const mid = (lo, hi, c, size) => Math.min(pad - lo * z, Math.max(size - pad - hi * z,
                                                                          size / 2 - c * z));
        const rx = root.length ? root.position('x') : bb.x1 + bb.w / 2;
        cy.pan({
            x: bb.w * z <= w - 2 * pad ? (w - bb.w * z) / 2 - bb.x1 * z : mid(bb.x1, bb.x2, rx, w),
            y: bb.h * z <= h - 2 * pad ? (h - bb.h * z) / 2 - bb.y1 * z : pad - bb.y1 * z,
        });
        box.setAttribute('data-fitted', String(want));
    };
    setTimeout(fit, 50);
    return Date.now();
}
""" % repr(network_id)
