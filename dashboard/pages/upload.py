"""Bring lists in: upload a roster spreadsheet, check its column mapping and first rows, dry-run,
then import it through the same importer as ``mapper import``; templates for every kind.

The uploaded bytes live in a private temporary folder for the length of one callback (or of
the background import) and are deleted after; they are never logged. Errors name the row and
the field or column, never a value. Admins and organizers only
(:func:`mapper.roles.may_import_lists`); the services refuse anyone else.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, dcc, html, no_update
from flask import Response, abort

from dashboard import ids
from dashboard.accounts import accounts
from dashboard.auth import signed_in
from dashboard.components import card, page_head
from dashboard.pages import register_page
from dashboard.services import services
from mapper import services as svc
from mapper.mapping import CUSTOM, FIELDS, IGNORE, TAG, Mapping, header_key, name_problems
from mapper.privacy import private_folder
from mapper.roles import may_import_lists
from mapper.sheets import SheetError

__all__ = ["MAX_BYTES", "TEMPLATES", "layout", "read_upload", "show_preview", "dry_run",
           "start_import", "poll_import", "save_mapping", "template", "register_callbacks"]

#: The biggest file taken (a 100,000-row roster XLSX is about 5 MB).
MAX_BYTES = 20 * 1024 * 1024
SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")
TARGETS = [*FIELDS, IGNORE, TAG, CUSTOM]
_LABELS = {IGNORE: "ignore (leave out)", TAG: "tag (its words become tags)",
           CUSTOM: "custom field (named after the column)"}

#: The templates offered, by file name: the headers the importer recognizes for each kind.
TEMPLATES = {
    "roster.csv": ("First Name,Last Name,Email,Phone,Department,Shift,Job Title,Employer,"
                   "Supervisor,Employee Number,Preferred Language,campaign\n"),
    "hierarchy.csv": "name,title,organization,reports_to,campaign\n",
    "ties.csv": "person,other,relationship,campaign\n",
    "aliases.csv": "kind,alias,canonical,campaign\n",
    "conversations.yaml": (
        "# One record per 1-on-1 (see PRODUCT.md for every field). Quote yes/no.\n"
        "- date: 2026-01-31\n"
        "  organizer: Your Name\n"
        "  campaign: your-campaign\n"
        "  contact:\n"
        "    name: Their Name\n"
        "    unit: Their Unit\n"
        "    shift: days\n"
        "  issues:\n"
        "    - issue: short staffing\n"
        "      anger: 4\n"
        "  assessment: 3\n"),
}


# -- the uploaded file ---------------------------------------------------------------------

class UploadRefused(ValueError):
    """A file that is not taken (too big, not a spreadsheet, not base64)."""


def _suffix(filename: str | None) -> str:
    suffix = Path(filename or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise UploadRefused("choose a CSV or XLSX file")
    return suffix


def _decode(contents: str | None) -> bytes:
    if not contents or "," not in contents:
        raise UploadRefused("choose a CSV or XLSX file")
    data = contents.split(",", 1)[1]
    if len(data) > (MAX_BYTES * 4) // 3 + 8:
        raise UploadRefused(f"the file is bigger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise UploadRefused("the file could not be read; choose it again") from None
    if len(raw) > MAX_BYTES:
        raise UploadRefused(f"the file is bigger than {MAX_BYTES // (1024 * 1024)} MB")
    return raw


def _save(contents: str | None, filename: str | None) -> tuple[Path, Path]:
    """The bytes in a new private folder (mode 0700, file 0600): (folder, file)."""
    suffix = _suffix(filename)
    raw = _decode(contents)
    folder = Path(tempfile.mkdtemp(prefix="mapper-upload-"))
    # A .txt is a CSV as the importer knows it (it reads files by their suffix).
    path = folder / f"upload{'.csv' if suffix == '.txt' else suffix}"
    fd = path.open("xb")
    try:
        path.chmod(0o600)
        fd.write(raw)
    finally:
        fd.close()
    return folder, path


@contextmanager
def _uploaded(contents: str | None, filename: str | None) -> Iterator[Path]:
    folder, path = _save(contents, filename)
    try:
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _mapping(file: dict[str, Any] | None, values: list[str | None]) -> Mapping:
    headers = (file or {}).get("headers") or []
    columns: dict[str, str] = {}
    for h, v in zip(headers, values):
        if h:  # a repeated header is the first one's (its select is disabled: mapping_table)
            columns.setdefault(h, v or IGNORE)
    return Mapping(columns=columns)


def _campaign(chosen: str | None) -> str | None:
    return services().campaign(chosen)


def _user():
    user = signed_in()
    if not may_import_lists(user):
        raise dash.exceptions.PreventUpdate
    return user


def _refused(message: str) -> dbc.Alert:
    return dbc.Alert(message, color="danger", className="mb-0")


# -- the page --------------------------------------------------------------------------------

def _templates() -> html.Div:
    links = [html.Li(html.A(name, href=f"/templates/{name}", download=name))
             for name in TEMPLATES]
    return html.Div([html.P("Start from a template: its headers are the ones recognized "
                            "without a mapping.", className="mb-1"),
                     html.Ul(links, className="template-links")])


def layout(**_query) -> html.Div:
    head = page_head("Bring lists in", "A roster or sign-up sheet (CSV or XLSX): its columns "
                     "are mapped by their headers; check the first rows, dry-run, then import.")
    if not may_import_lists(signed_in()):
        return html.Div([head, dbc.Alert("This page is for admins and organizers.",
                                         color="secondary", className="role-note")])
    upload = dcc.Upload(
        id=ids.UPLOAD, max_size=MAX_BYTES, multiple=False, accept=",".join(SUFFIXES),
        children=html.Div(["Drop a CSV or XLSX file here, or ",
                           html.Span("choose one", className="upload-choose")]),
        className="upload-drop")
    return html.Div([
        head,
        card("1. The file", upload,
             html.P(f"Up to {MAX_BYTES // (1024 * 1024)} MB. It is kept only while it is read, "
                    "then deleted.", className="form-text"),
             html.Div(id=ids.UPLOAD_MESSAGE, role="status"), _templates(),
             className="mb-3"),
        dcc.Store(id=ids.UPLOAD_FILE),
        dcc.Store(id=ids.UPLOAD_JOB),
        dcc.Download(id=ids.UPLOAD_MAPPING_YAML),
        dcc.Interval(id=ids.UPLOAD_POLL, interval=700, disabled=True),
        card("2. Columns", html.Div(id=ids.UPLOAD_MAPPING,
                                    children=html.P("No file yet.", className="muted-box")),
             className="mb-3"),
        card("3. The first rows, as they will be stored", html.Div(id=ids.UPLOAD_PREVIEW),
             className="mb-3"),
        card("4. Check, then import",
             html.Div([
                 dbc.Button("Dry run", id=ids.UPLOAD_DRY_RUN, color="secondary",
                            className="me-2 mb-2"),
                 dbc.Button("Import", id=ids.UPLOAD_IMPORT, color="primary",
                            className="me-2 mb-2"),
                 dbc.Button("Download this mapping", id=ids.UPLOAD_SAVE_MAPPING,
                            color="link", className="mb-2"),
             ], className="upload-actions"),
             html.Div(id=ids.UPLOAD_PROGRESS),
             html.Div(id=ids.UPLOAD_RESULT, role="status", **{"aria-live": "polite"}),
             className="mb-3"),
    ], className="upload-page")


def _choices() -> list[dict[str, str]]:
    return [{"label": _LABELS.get(t, t.replace("_", " ")), "value": t} for t in TARGETS]


def mapping_table(headers: list[str], suggestion: Any) -> html.Div:
    """One row per column: its header, the field it fills (a select), and a hint."""
    proposed = suggestion.mapping.columns
    notes = {u["number"]: u for u in suggestion.unmapped}
    rows = []
    seen: set[str] = set()
    for number, header in enumerate(headers, 1):
        note = notes.get(number, {})
        hint = ""
        if note.get("did_you_mean"):
            hint = f"did you mean {note['did_you_mean'].replace('_', ' ')}?"
        elif note.get("reason"):
            hint = note["reason"]
        elif number in notes:
            hint = "header not recognized: left out unless you choose a field"
        shown = header or f"(column {number}, no header)"
        # A second column of the same header is left out, but for tags (the mapping is keyed
        # by header: mapper.mapping.resolve).
        key = header_key(header)
        again, value = key in seen, proposed.get(header, IGNORE)
        if again and value not in (TAG, "tags"):
            value = IGNORE
        if header:
            seen.add(key)
        select = dbc.Select(id={"type": ids.UPLOAD_FIELD, "index": number}, options=_choices(),
                            value=value, size="sm", disabled=not header or again)
        rows.append(html.Tr([
            html.Th(shown, scope="row"),
            # The select's name for a screen reader: an implicit label around it.
            html.Td(html.Label([html.Span(f"Field for {shown}", className="visually-hidden"),
                                select], className="d-block mb-0")),
            html.Td(hint, className="form-text"),
        ]))
    body = html.Table([html.Thead(html.Tr([html.Th("Column", scope="col"),
                                           html.Th("Field", scope="col"),
                                           html.Th("Note", scope="col")])),
                       html.Tbody(rows)], className="table table-sm upload-map")
    return html.Div(body, className="scroll-x", tabIndex="0", role="region",
                    **{"aria-label": "Column mapping"})


# -- callbacks ---------------------------------------------------------------------------------

def read_upload(contents: str | None, filename: str | None):
    """A file chosen: its headers and the proposed mapping (the file is deleted after)."""
    user = _user()
    if not contents:
        raise dash.exceptions.PreventUpdate
    try:
        with _uploaded(contents, filename) as path:
            headers, suggestion = svc.suggest_upload(user, path)
    except UploadRefused as exc:
        return html.P("No file yet.", className="muted-box"), None, _refused(str(exc))
    except SheetError as exc:
        return (html.P("No file yet.", className="muted-box"), None,
                _refused(f"The file cannot be read: {exc.message}"))
    except svc.NotAllowed as exc:
        return no_update, None, _refused(str(exc))
    message = dbc.Alert(f"Read {len(headers)} column(s). Check the fields below.",
                        color="info", className="mb-0")
    return mapping_table(headers, suggestion), {"headers": headers}, message


def _preview_table(rows: list[dict[str, Any]]) -> Any:
    if not rows:
        return html.P("No rows.", className="muted-box")
    shown = [k for k in ("name", "email", "phone", "unit", "shift", "role", "workplace",
                         "supervisor", "custom_id", "tags", "custom_fields", "campaign")
             if any(k in r.get("values", {}) for r in rows)]
    others = sorted({k for r in rows for k in r.get("values", {})} - set(shown) - {"as_of"})
    columns = shown + others

    def cell(value: Any) -> str:
        if isinstance(value, list):
            return ", ".join(map(str, value))
        if isinstance(value, dict):
            return "; ".join(f"{k}: {v}" for k, v in value.items())
        return "" if value is None else str(value)

    body = []
    for r in rows:
        if "errors" in r:
            body.append(html.Tr([html.Td(str(r["row"])),
                                 html.Td(f"not stored: check {', '.join(r['errors'])}",
                                         colSpan=max(1, len(columns)), className="text-danger")]))
        else:
            body.append(html.Tr([html.Td(str(r["row"]))]
                                + [html.Td(cell(r["values"].get(c))) for c in columns]))
    table = html.Table([html.Thead(html.Tr([html.Th("Row", scope="col")]
                                           + [html.Th(c.replace("_", " "), scope="col")
                                              for c in columns])),
                        html.Tbody(body)], className="table table-sm upload-preview")
    return html.Div(table, className="scroll-x", tabIndex="0", role="region",
                    **{"aria-label": "First rows as stored"})


def show_preview(values: list[str | None], file: dict[str, Any] | None, contents: str | None,
                 filename: str | None, chosen: str | None):
    """The first rows as the mapping in the page would store them."""
    user = _user()
    if not file or not contents:
        raise dash.exceptions.PreventUpdate
    mapping = _mapping(file, values)
    problems = name_problems(mapping)
    if problems:
        return _refused(problems[0])
    try:
        with _uploaded(contents, filename) as path:
            rows = svc.preview_upload(user, path, mapping, campaign=_campaign(chosen))
    except (UploadRefused, svc.ServiceError) as exc:
        return _refused(str(exc))
    except Exception as exc:  # noqa: BLE001 - a FileError/SheetError: its message, no value
        return _refused(getattr(exc, "message", None) or "the file cannot be read")
    return _preview_table(rows)


def _errors(check: svc.UploadCheck) -> Any:
    if not check.errors:
        return None
    items = [html.Li(f"{e['where'].replace('the file:', 'line ')} ({e['record']}): "
                     f"{e['field']}: {e['message']}") for e in check.errors]
    more = check.error_count - len(check.errors)
    return html.Div([html.P(f"{check.error_count} error(s)"
                            + (f", the first {len(check.errors)} listed" if more > 0 else "")
                            + ": nothing is written until they are fixed.",
                            className="text-danger mb-1"),
                     html.Ul(items, className="upload-errors")])


def _people(check: svc.UploadCheck) -> str:
    p = check.people
    return (f"{p.get('new', 0)} new, {p.get('matched', 0)} matched, "
            f"{p.get('look_alike', 0)} look-alike(s), {p.get('ambiguous', 0)} ambiguous")


def _dry_summary(check: svc.UploadCheck) -> html.Div:
    return html.Div([html.P(f"Dry run: {check.valid} row(s) ready, {check.rejected} with "
                            f"errors. People: {_people(check)}.", className="upload-summary"),
                     _errors(check)])


def dry_run(_clicks: int | None, values: list[str | None], file: dict[str, Any] | None,
            contents: str | None, filename: str | None, chosen: str | None):
    """Check every row as the import would, writing nothing (in the background, as the import:
    a 100,000-row file takes seconds)."""
    return _start(values, file, contents, filename, chosen, dry=True)


@dataclass
class Job:
    """One import running in the background, polled by its owner's page."""

    owner: str
    dry: bool = False
    state: str = "checking"
    total: int = 0
    done: int = 0
    check: svc.UploadCheck | None = None
    failed: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class JobBoard:
    """Where a background job's progress is posted, so that the poll of its page finds it on
    whichever server worker answers (``mapper serve`` runs several processes): one small JSON
    file per job in a folder only this user of the machine may read. It holds counts, states
    and errors that name rows and fields — never a value.
    """

    _ID = re.compile(r"[0-9a-f]{32}")

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or Path(tempfile.gettempdir()) / f"mapper-jobs-{os.getuid()}"

    def _path(self, job_id: str | None) -> Path | None:
        return self.folder / f"{job_id}.json" if job_id and self._ID.fullmatch(job_id) else None

    #: A job's state is swept from the board this long after its last post.
    KEEP_SECONDS = 3600

    def post(self, job_id: str, job: Job) -> None:
        private_folder(self.folder)  # never a folder another user made first
        path = self._path(job_id)
        assert path is not None
        if not path.exists():  # a new job: the finished ones of long ago go
            self._sweep()
        with job.lock:
            state = {"owner": job.owner, "dry": job.dry, "state": job.state, "total": job.total,
                     "done": job.done, "failed": job.failed,
                     "check": asdict(job.check) if job.check is not None else None}
        part = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.part")
        part.write_text(json.dumps(state))
        os.replace(part, path)  # a reader sees the old state or the new, never half of one

    def read(self, job_id: str | None) -> Job | None:
        path = self._path(job_id)
        try:
            state = json.loads(path.read_text()) if path else None
        except (OSError, ValueError):
            return None
        if not state:
            return None
        check = state.pop("check", None)
        return Job(**state, check=svc.UploadCheck(**check) if check else None)

    def _sweep(self) -> None:
        old = time.time() - self.KEEP_SECONDS
        for stale in self.folder.glob("*.json"):
            try:
                if stale.stat().st_mtime < old:
                    stale.unlink(missing_ok=True)
            except OSError:
                pass  # another worker swept it first

    def drop(self, job_id: str | None) -> None:
        if path := self._path(job_id):
            path.unlink(missing_ok=True)


_JOBS = JobBoard()


def _run(job_id: str, job: Job, store: Any, audit: Any, user: Any, folder: Path, path: Path,
         mapping: Mapping, campaign: str | None) -> None:
    def checked(check: svc.UploadCheck) -> None:
        with job.lock:
            job.total = check.valid + check.hierarchy
            job.state = "writing"
        _JOBS.post(job_id, job)

    def progress(n: int) -> None:
        with job.lock:
            job.done += n
        _JOBS.post(job_id, job)

    check: svc.UploadCheck | None = None
    failed: str | None = None
    try:
        if job.dry:
            check, _ = svc.check_upload(store, user, path, mapping, campaign=campaign,
                                        shown_as="the file")
        else:
            check = svc.import_upload(store, user, path, mapping, campaign=campaign,
                                      shown_as="the file", progress=progress, checked=checked)
            if check.written is not None:
                audit.record("import", None, actor=user.username, rows=check.valid,
                             rejected=check.rejected, **check.written, **check.people)
    except Exception as exc:  # noqa: BLE001 - told to the page by kind, never by value
        failed = type(exc).__name__
    finally:
        # The bytes go before the page hears it is done.
        shutil.rmtree(folder, ignore_errors=True)
    with job.lock:
        job.check, job.failed, job.state = check, failed, "done"
    _JOBS.post(job_id, job)


def start_import(_clicks: int | None, values: list[str | None], file: dict[str, Any] | None,
                 contents: str | None, filename: str | None, chosen: str | None):
    """Start the import in a background thread; the page polls its progress."""
    return _start(values, file, contents, filename, chosen, dry=False)


def _start(values: list[str | None], file: dict[str, Any] | None, contents: str | None,
           filename: str | None, chosen: str | None, *, dry: bool):
    user = _user()
    if not file or not contents:
        return no_update, True, _refused("Choose a file first.")
    mapping = _mapping(file, values)
    if problems := name_problems(mapping):
        return no_update, True, _refused(problems[0])
    try:
        folder, path = _save(contents, filename)
    except UploadRefused as exc:
        return no_update, True, _refused(str(exc))
    job_id = uuid.uuid4().hex
    job = Job(owner=user.username, dry=dry)
    _JOBS.post(job_id, job)
    thread = threading.Thread(target=_run, name="mapper-upload", daemon=True,
                              args=(job_id, job, services().store, accounts(), user, folder, path,
                                    mapping, _campaign(chosen)))
    thread.start()
    return job_id, False, html.P("Checking…" if dry else "Importing…",
                                 className="upload-summary")


def poll_import(_n: int | None, job_id: str | None):
    """The running import's progress bar; its summary when done."""
    user = _user()
    job = _JOBS.read(job_id)
    if job is None or job.owner != user.username:
        return None, True, no_update
    state, total, done, check, failed = job.state, job.total, job.done, job.check, job.failed
    dry = job.dry
    if state != "done":
        if state == "checking":
            bar = dbc.Progress(value=100, striped=True, animated=True, label="checking",
                               className="upload-bar")
        else:
            pct = int(100 * done / total) if total else 100
            bar = dbc.Progress(value=pct, label=f"{done:,} of {total:,}", className="upload-bar")
        return bar, False, no_update
    # The finished job stays on the board (swept when old, see JobBoard.post): a slow server
    # can have two polls of it in flight, and the page keeps the later one's answer, which
    # must be the summary too, not "no such job".
    if failed or check is None:
        return None, True, _refused(f"The {'check' if dry else 'import'} failed ({failed}).")
    if dry:
        return None, True, _dry_summary(check)
    if check.written is None:
        return None, True, html.Div([html.P("Nothing was written.", className="text-danger"),
                                     _errors(check)])
    w = check.written
    return None, True, html.Div([
        html.P(f"Imported: {w['added']} added, {w['replaced']} replaced, {w['unchanged']} "
               f"unchanged. People: {_people(check)}.", className="upload-summary"),
        html.P(f"{check.hierarchy} supervisor(s) added to the hierarchy.")
        if check.hierarchy else None])


def save_mapping(_clicks: int | None, values: list[str | None], file: dict[str, Any] | None):
    """The mapping in the page as YAML, to reuse with ``mapper import FILE --mapping``."""
    _user()
    if not file:
        raise dash.exceptions.PreventUpdate
    return dcc.send_string(_mapping(file, values).to_yaml(), "mapping.yaml")


def template(name: str) -> Response:
    """``GET /templates/<name>``: an empty file of one kind, with the recognized headers."""
    user = signed_in()
    if not may_import_lists(user) or name not in TEMPLATES:
        abort(404)
    mime = "text/csv; charset=utf-8" if name.endswith(".csv") else "application/yaml"
    return Response(TEMPLATES[name], mimetype=mime.split(";")[0],
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Content-Type": mime})


def register_callbacks(app: dash.Dash) -> None:
    fields = Input({"type": ids.UPLOAD_FIELD, "index": ALL}, "value")
    file_state = [State(ids.UPLOAD_FILE, "data"), State(ids.UPLOAD, "contents"),
                  State(ids.UPLOAD, "filename"), State(ids.CAMPAIGN, "data")]
    app.callback(Output(ids.UPLOAD_MAPPING, "children"), Output(ids.UPLOAD_FILE, "data"),
                 Output(ids.UPLOAD_MESSAGE, "children"),
                 Input(ids.UPLOAD, "contents"), State(ids.UPLOAD, "filename"),
                 prevent_initial_call=True)(read_upload)
    # Fires as the column selects appear (a file read) and as one changes.
    app.callback(Output(ids.UPLOAD_PREVIEW, "children"), fields, *file_state)(show_preview)
    app.callback(Output(ids.UPLOAD_JOB, "data", allow_duplicate=True),
                 Output(ids.UPLOAD_POLL, "disabled", allow_duplicate=True),
                 Output(ids.UPLOAD_RESULT, "children", allow_duplicate=True),
                 Input(ids.UPLOAD_DRY_RUN, "n_clicks"),
                 State({"type": ids.UPLOAD_FIELD, "index": ALL}, "value"), *file_state,
                 prevent_initial_call=True)(dry_run)
    app.callback(Output(ids.UPLOAD_JOB, "data"), Output(ids.UPLOAD_POLL, "disabled"),
                 Output(ids.UPLOAD_RESULT, "children", allow_duplicate=True),
                 Input(ids.UPLOAD_IMPORT, "n_clicks"),
                 State({"type": ids.UPLOAD_FIELD, "index": ALL}, "value"), *file_state,
                 prevent_initial_call=True)(start_import)
    app.callback(Output(ids.UPLOAD_PROGRESS, "children"),
                 Output(ids.UPLOAD_POLL, "disabled", allow_duplicate=True),
                 Output(ids.UPLOAD_RESULT, "children", allow_duplicate=True),
                 Input(ids.UPLOAD_POLL, "n_intervals"), State(ids.UPLOAD_JOB, "data"),
                 prevent_initial_call=True)(poll_import)
    app.callback(Output(ids.UPLOAD_MAPPING_YAML, "data"),
                 Input(ids.UPLOAD_SAVE_MAPPING, "n_clicks"),
                 State({"type": ids.UPLOAD_FIELD, "index": ALL}, "value"),
                 State(ids.UPLOAD_FILE, "data"), prevent_initial_call=True)(save_mapping)
    app.server.add_url_rule("/templates/<name>", "mapper_upload_template", template)


register_page(__name__, path="/upload", name="Bring lists in",
              title="Bring lists in · Collective Mapper", order=8.5, uploads=True,
              layout=layout)
