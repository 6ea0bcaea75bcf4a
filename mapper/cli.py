"""The ``mapper`` command line: thin commands over the library; they parse and print."""

from __future__ import annotations

import atexit
import datetime
import importlib.resources
import json
import re
import socket
import sys
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich import box
from rich.console import Console
from rich.errors import LiveError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from mapper.bootstrap import (STORE_RULE, describe, open_store, store_failure, store_file,
                              where)
from mapper.config import is_loopback
from mapper.models import RECORD_KINDS
from mapper.privacy import open_private
from mapper.stores.base import Store

__all__ = ["app"]


class _Commands(TyperGroup):
    """The commands, each run so that a store failing under it (the disk full, the file locked
    by another process past the busy timeout, the Neo4j server gone) is a line saying so, not
    a traceback. The store kept nothing half-written: the write under way was rolled back,
    and what committed before it stays (an import run again goes on from there)."""

    def invoke(self, ctx: typer.Context) -> Any:
        _WHERE.set("the store")  # until the command opens one (:func:`_store`)
        try:
            return super().invoke(ctx)
        except Exception as exc:
            what = store_failure(exc)
            if what is None:
                raise
            _error(f"{what} ({_WHERE.get()}). Nothing was half-written: "
                   "run the command again once that is mended (an import goes on from the "
                   "records it stored).")
            raise typer.Exit(1) from None


# Where the store a command opened is (:func:`_store`), for :class:`_Commands`' message.
_WHERE: ContextVar[str] = ContextVar("where", default="the store")

app = typer.Typer(no_args_is_help=True, rich_markup_mode="rich", add_completion=False,
                  cls=_Commands,
                  help="Collective Mapper: every 1-on-1 becomes a graph of people, issues and power.")


def console(stderr: bool = False, **options) -> Console:
    """A console that prints every string as plain text.

    Stored names may hold rich markup (``[/x]``, ``[link=...]``) or emoji codes (``:warning:``):
    they print as typed, never as a crash, a style or a terminal hyperlink. Styles come from
    :class:`~rich.text.Text` pieces and ``style=`` only.
    """
    return Console(stderr=stderr, highlight=False, soft_wrap=True, markup=False, emoji=False,
                   **options)


out = console()
err = console(stderr=True)

# Control characters (ESC above all) would reach the terminal as commands, not text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain(value: object) -> str:
    r"""``value`` as text a terminal shows as is: control characters written as ``\xNN``.

    >>> plain("Ana\x1b]8;;http://x\x07")
    'Ana\\x1b]8;;http://x\\x07'
    """
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value))


@contextmanager
def working(what: str = "reading the campaign…", after: float = 1.0) -> Iterator[None]:
    """A spinner on stderr once an answer has taken ``after`` seconds; none on a pipe or a file.

    A quick answer shows no spinner at all (no flicker, nothing mixed into a captured output).
    """
    status = err.status(what, spinner="dots")

    def start() -> None:
        with _LIVE:
            if _BARS:  # a store's upkeep shows its own bar (UpkeepShown): no spinner under it
                return
            try:
                status.start()
            except LiveError:
                pass

    timer = threading.Timer(after, start)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        if timer.is_alive():
            timer.join()
        status.stop()


def emit_json(value: object) -> None:
    """Print one JSON document: pretty and coloured on a terminal, else plain (orjson).

    On a pipe or a file nobody reads colours: rich's pretty-printer re-parsed and highlighted
    the whole document (73 of 87 s of `mapper follow-ups --json` at 100k people). Dates are
    ISO strings either way.
    """
    import orjson

    if out.is_terminal:
        out.print_json(json.dumps(value, default=str))
        return
    data = orjson.dumps(value, default=str,
                        option=orjson.OPT_NON_STR_KEYS | orjson.OPT_APPEND_NEWLINE)
    stream = sys.stdout
    stream.flush()
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        buffer.write(data)
        buffer.flush()
    else:  # a text-only stream (captured output)
        stream.write(data.decode())
        stream.flush()


def _error(message: str) -> None:
    err.print(Text.assemble(("error:", "red"), " ", message))


def _table(*columns: str, title: str | None = None, rows=(), compact: bool = False) -> Table:
    """A table whose title, headers and cells are plain text (see :func:`console`).

    Headers are never cut ("Headc…"): a column is at least as wide as its header. ``compact``
    drops the vertical rules, for a narrow terminal.
    """
    table = Table(title=Text(plain(title)) if title else None, title_justify="left",
                  **({"box": None, "pad_edge": False, "header_style": "bold underline"}
                     if compact else {}))
    for column in columns:
        header = plain(column)
        table.add_column(Text(header), min_width=max(len(w) for w in header.split() or [""]))
    for row in rows:
        table.add_row(*(Text(plain(cell)) for cell in row))
    return table


def _wrapped(text: str, width: int, indent: str, first: str | None = None) -> list[str]:
    first = indent if first is None else first
    return textwrap.wrap(text, width=max(20, width), initial_indent=first,
                         subsequent_indent=indent, break_on_hyphens=False) or [first.rstrip()]


def _blocks(t, width: int) -> list[str]:
    """Each row of ``t`` as a short block: its head values, then the other columns, wrapped."""
    lines: list[str] = []
    group = None
    gi = t.columns.index(t.group) if t.group else None
    heads = [t.columns.index(c) for c in t.head]
    for row in t.rows:
        row = [plain(c) for c in row]
        if gi is not None and row[gi] != group:
            group = row[gi]
            lines += ["", *_wrapped(group, width, "  ", "")]  # the group at the margin
        indent = "    " if gi is not None else "  "
        parts = []
        for i in heads:
            value = row[i]
            if t.columns[i] == "#":
                continue
            if value != "—" and _NUMBER.match(value) and t.columns[i] not in ("Name", "Issue"):
                value = f"{t.columns[i].lower()} {value}"
            parts.append(value)
        rank = f"{row[heads[0]]}. " if heads and t.columns[heads[0]] == "#" else ""
        lines += _wrapped(" · ".join(parts), width, indent + " " * len(rank),
                          (indent[:-2] if gi is not None else "") + rank)
        for i, value in enumerate(row):
            if i in heads or i == gi or value in ("—", ""):
                continue
            lines += _wrapped(f"{plain(t.columns[i])}: {value}", width, indent + " " * len(rank)
                              + "  ", indent + " " * len(rank))
    return lines


# A number, a share or a date: labelled in a block's first line ("score 21.1", "due 2026-11-30").
_NUMBER = re.compile(r"^\d[\d,.\-]*( \(.*\))?$")


#: Rows a table shows when no --limit is given: a list of 100,000 people is read with --json.
TABLE_LIMIT = 50


def show(t, limit: int | None = None, total: int | None = None) -> None:
    """Print an analytics table (:class:`mapper.analytics.tables.Table`) to fit the terminal.

    As a table when it fits; else, when it names ``head`` columns, one block per row with the
    long text wrapped under it; else a table without vertical rules, its cells wrapped.
    With ``limit``, the first ``limit`` rows, and a line saying how many were left out (of
    ``total`` when its rows are only the first of them); its ``foot`` (a total) after them
    all the same.
    """
    left_out = 0
    if limit is not None and (total or len(t.rows)) > limit:
        left_out = (total or len(t.rows)) - limit
        t = t._replace(rows=t.rows[:limit])
    if t.foot is not None:
        t = t._replace(rows=[*t.rows, t.foot], foot=None)
    _show(t)
    if left_out:
        out.print(Text(f"{left_out:,} more row{'s' if left_out != 1 else ''} not shown "
                       f"(--limit N for more, --json for all)", style="dim"))


def _show(t) -> None:
    width = out.width
    table = _table(*t.columns, title=t.title, rows=t.rows)
    fits = out.measure(table, options=out.options.update_width(10**6)).maximum <= width
    if not fits and t.head:
        for line in textwrap.wrap(plain(t.title), width=width, subsequent_indent="  "):
            out.print(Text(line, style="bold"))
        for line in _blocks(t, width):
            out.print(Text(line))
    else:
        out.print(table if fits else _table(*t.columns, title=t.title, rows=t.rows, compact=True))
    if t.note:
        for line in textwrap.wrap(t.note, width=width):
            out.print(Text(plain(line), style="dim"))

# No envvar here: MAPPER_DB is read by open_store(), under the one rule it states (STORE_RULE).
DbOpt = Annotated[Optional[str], typer.Option("--db", help=f"Embedded store file. {STORE_RULE}")]
CampaignOpt = Annotated[Optional[str], typer.Option(
    "--campaign", "-c", help="Campaign to work on (needed when the store holds several).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]

# The demo campaign, wherever the seed_data package is installed (a checkout or a wheel).
DEMO_DIR = Path(str(importlib.resources.files("seed_data") / "demo"))


class UpkeepShown:
    """What a store does before it answers (:class:`~mapper.stores.base.Upkeep`), shown on
    stderr: one line when a work of :data:`UPKEEP_SHOWN` people or records or more begins (a
    migration's rebuild of the read model at a million people took 14 minutes, silent), and
    a bar with the time left on a terminal."""

    WORDS = {"rebuild": "Building the read model of campaign {c} again ({n:,} people)",
             "recount": "Counting the figures of campaign {c} again ({n:,} people: this "
                        "release counts a supporter otherwise)",
             "reprojection": "Projecting the {n:,} records of campaign {c} again",
             "moves": "Moving the {n:,} records that name the alias's spellings in campaign {c}"}

    def __init__(self, console: Console) -> None:
        self.console = console
        self._work: Any = None  # the work shown: (what, campaign), while it goes on
        self._bar: Progress | None = None
        self._task: Any = None

    def __call__(self, step: Any) -> None:
        if self._work != (step.what, step.campaign):
            if step.over or step.total < UPKEEP_SHOWN:
                return
            self.close()
            self._work = (step.what, step.campaign)
            self.console.print(plain(self.WORDS[step.what].format(c=step.campaign, n=step.total))
                               + "; stopping is safe: the next command goes on where this one "
                                 "stopped.")
            bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                           TimeRemainingColumn(), console=self.console, transient=True)
            self._task = bar.add_task("people" if step.what in ("rebuild", "recount")
                                      else "records",
                                      total=step.total)
            with _LIVE:
                try:
                    bar.start()
                except LiveError:  # another display is live (an import's bar): the line alone
                    pass
                else:
                    self._bar = bar
                    _BARS.add(self)
            if self._bar is not None:
                atexit.register(self.close)  # (an error or ^C part-way: the cursor shown again)
        if self._bar is not None:
            self._bar.update(self._task, completed=step.done, total=step.total)
        if step.over:
            self.close()

    def close(self) -> None:
        self._work = None
        if self._bar is not None:
            with _LIVE:
                self._bar.stop()
                self._bar = None
                _BARS.discard(self)


#: The people or records from which :class:`UpkeepShown` tells what the store does.
UPKEEP_SHOWN = 2_000
# The upkeep bars showing, and a lock to begin or end a display of stderr by. A spinner
# begun under a bar (`working`, a second in) was stopped with it: rich stops the display begun
# last, so the next campaign's bar went under a display no longer drawn, never seen.
_BARS: set[UpkeepShown] = set()
_LIVE = threading.Lock()


def _store(db: str | None, *, existing: bool = False) -> Store:
    """The store the rule picks (:data:`STORE_RULE`). ``existing``: a command that only reads
    it, or changes what must already be there (a user, a token, a person), refuses an
    embedded file that is not there rather than making an empty one (a mistyped ``--db``
    would leave a stray file and answer "the store is empty")."""
    path = store_file(db) if existing else None
    if path is not None and not Path(path).exists():
        _error(f"no store at {path}: `mapper import FILE...` makes one "
               "(or give --db the file that holds yours)")
        raise typer.Exit(2)
    _WHERE.set(where(db))
    shown = UpkeepShown(err)
    try:
        return open_store(db, upkeep=shown)
    except Exception as exc:  # a store that cannot be reached is a user-facing error
        shown.close()
        _error(f"cannot open the store ({where(db)}): {plain(exc)}")
        raise typer.Exit(2) from None
    except BaseException:  # (stopped part-way: safe, the next command goes on)
        shown.close()
        raise


def _audited(store: Store) -> Store:
    """``store``, its writes and deletions recorded in the audit trail as done by the command
    line (kinds and opaque ids only, as the dashboard's)."""
    from mapper.audit import audit_for, audit_writes

    audit_writes(store, audit_for(store), lambda: CLI_ACTOR)
    return store


def pick_campaign(store: Store, campaign: str | None) -> str:
    """The campaign to use: the one asked for, or the only one in the store."""
    campaigns = store.campaigns()
    if campaign:
        if campaign not in campaigns:
            _error(f"no campaign {plain(repr(campaign))} in the store "
                   f"(it has: {plain(', '.join(campaigns)) or 'nothing yet'})")
            raise typer.Exit(2)
        return campaign
    if len(campaigns) == 1:
        return campaigns[0]
    if not campaigns:
        _error("the store is empty: run `mapper import FILE...` first")
    else:
        _error(f"the store holds several campaigns; pick one with --campaign "
               f"({plain(', '.join(campaigns))})")
    raise typer.Exit(2)


def _import(store: Store, files: list[Path], kind: str | None, campaign: str | None,
            skip_invalid: bool, rejected: Path | None, *, mapping: Path | None = None,
            sheet: str | None = None, phone_region: str | None = None,
            as_json: bool = False) -> int:
    from mapper.importer import ImportOptions, check_files, write_checked
    from mapper.mapping import MappingError, load_mapping
    from mapper.services import giving_rule

    try:
        given = load_mapping(mapping) if mapping else None
    except MappingError as exc:
        _error(plain(exc))
        return 2
    # Never a silent "default": with no --campaign, the store's one campaign, or each record
    # names its own (else it is refused, saying how to name one).
    require = None
    if not campaign:
        held = store.campaigns()
        if len(held) == 1:
            campaign = held[0]
        else:
            require = (f"several campaigns ({', '.join(held)})" if held else "no campaign yet")
    options = ImportOptions(mapping=given, sheet=sheet, require_campaign=require,
                            phone_region=phone_region or (given.phone_region if given else None),
                            store=store, allowed=giving_rule(store))
    precheck = check_files(files, kind=kind, campaign=campaign, options=options)
    total = precheck.valid
    if precheck.errors and not skip_invalid:
        for e in precheck.errors:
            err.print(plain(e))
        where = [f"{len(precheck.rejected)} record(s)"] if precheck.rejected else []
        where += [f"{len(precheck.unreadable_files)} unreadable file(s)"] if precheck.unreadable_files else []
        err.print(Text.assemble((f"{precheck.error_count} error(s) in {' and '.join(where)}; "
                                 "nothing was written.", "red"), " Fix them, or use --skip-invalid."))
        return 1
    with Progress(TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=err, transient=True, disable=total < 2000 or as_json) as bar:
        task = bar.add_task("import", total=total)
        report = write_checked(store, files, precheck, kind=kind, campaign=campaign,
                               rejected_path=rejected if precheck.errors else None,
                               progress=lambda n: bar.advance(task, n), options=options)
    for e in report.errors:
        err.print(plain(e))
    r = report.result
    if r is None:
        err.print("nothing was written.", style="red")
        return 1
    people = report.identity
    unmapped = {path: [u for u in info.get("unmapped", [])] for path, info in report.found.items()
                if info.get("unmapped")}
    if as_json:
        out.print_json(json.dumps({
            "added": r.added, "replaced": r.replaced, "unchanged": r.unchanged,
            "rejected": len(report.rejected), "people": people.as_json(),
            "notices": [{"where": n.where, "record": n.record, "what": n.what, "detail": n.detail}
                        for n in people.notices],
            "unmapped": {path: [{"number": u["number"], "column": u["column"],
                                 "did_you_mean": u.get("did_you_mean")} for u in cols]
                         for path, cols in unmapped.items()},
            "hierarchy": len(report.derived), "kept_apart": report.apart}))
    else:
        out.print(plain(f"{r.added:,} added, {r.replaced:,} replaced, {r.unchanged:,} unchanged "
                        f"({describe(store)})"))
        out.print(f"people: {people.new:,} new, {people.matched:,} matched, "
                  f"{people.lookalike:,} look-alike(s), {people.ambiguous:,} ambiguous"
                  + (f", {people.respelled:,} new spelling(s)" if people.respelled else ""))
        for n in people.notices[:20]:
            err.print(plain(n), style="yellow")
        if len(people.notices) > 20:
            err.print(f"{len(people.notices) - 20:,} more notice(s); see --json", style="yellow")
        for path, cols in unmapped.items():
            named = [(f"{u['column']!r}" if u["column"] else f"column {u['number']}")
                     + (f" (did you mean {u['did_you_mean']}?)" if u.get("did_you_mean") else "")
                     for u in cols]
            err.print(plain(f"{path}: not imported (unmapped): {', '.join(named)}; "
                            "map them with --mapping (see `mapper mapping suggest`)"), style="dim")
        if report.derived:
            out.print(f"{len(report.derived):,} supervisor(s) added to the hierarchy")
        if report.apart:
            out.print(f"{report.apart:,} 1-on-1(s) or update(s) kept apart from another "
                      "organizer's with the same person that day, or from one about another "
                      "person whose name gives the same id (the id adds the organizer, or a mark "
                      "of the person)")
    if report.errors:
        err.print(f"{len(report.rejected)} record(s) rejected"
                  + (f", {report.rejected_saved} saved to {plain(rejected)} (contains personal "
                     "details; readable by you only)" if report.rejected_saved else "")
                  + (f"; {len(report.unreadable_files)} file(s) could not be read"
                     if report.unreadable_files else ""), style="yellow")
    return 0


@app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="YAML, JSON, JSON Lines, CSV or XLSX files.")],
    kind: Annotated[Optional[str], typer.Option(
        help="Record kind: conversation, roster, hierarchy, tie or alias. "
             "Default: from the file name (roster*, hierarchy*, ties*, aliases*) or CSV columns.")] = None,
    campaign: CampaignOpt = None,
    skip_invalid: Annotated[bool, typer.Option(
        "--skip-invalid", help="Write the good records; save the rejected ones to --rejected.")] = False,
    rejected: Annotated[Path, typer.Option(help="Where --skip-invalid saves rejected records.")] = Path("rejected.jsonl"),
    mapping: Annotated[Optional[Path], typer.Option(
        help="A column mapping (YAML) for a roster spreadsheet; see `mapper mapping suggest`.")] = None,
    sheet: Annotated[Optional[str], typer.Option(help="The XLSX sheet to read (default: the first).")] = None,
    phone_region: Annotated[Optional[str], typer.Option(
        envvar="MAPPER_PHONE_REGION",
        help="Region of phone numbers written without +country (default US).")] = None,
    as_json: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """Validate every record first, then store them; a bad record means nothing is written.

    A roster spreadsheet's columns are mapped by their headers (First Name, Email, Dept,
    can2_phone, Employee #...); the summary says how many people were new, matched, look-alikes
    or ambiguous. Records naming no campaign go to --campaign, or the store's only campaign.

    Example: [bold]mapper import seed_data/demo/*.csv seed_data/demo/conversations.yaml[/]
    """
    if kind and kind not in RECORD_KINDS:
        _error(f"--kind must be one of {', '.join(RECORD_KINDS)}")
        raise typer.Exit(2)
    with _store(db) as store:
        before = store.record_count()
        code = _import(store, files, kind, campaign, skip_invalid, rejected, mapping=mapping,
                       sheet=sheet, phone_region=phone_region, as_json=as_json)
        after = store.record_count()
        if after != before or code == 0:
            # One entry per import, with counts only (a 100k-row roster is not 100k entries).
            from mapper.audit import audit_for

            audit_for(store).append_many(CLI_ACTOR, [("import", None, {
                "files": len(files), "records_before": before, "records_after": after})])
    raise typer.Exit(code)


mapping_app = typer.Typer(no_args_is_help=True, rich_markup_mode="rich",
                          help="Column mappings: which spreadsheet column fills which roster field."
                               "\n\nExample: [bold]mapper mapping suggest members.xlsx[/]")
app.add_typer(mapping_app, name="mapping")


@mapping_app.command("suggest")
def mapping_suggest(
    file: Annotated[Path, typer.Argument(help="A roster spreadsheet (CSV or XLSX).")],
    sheet: Annotated[Optional[str], typer.Option(help="The XLSX sheet (default: the first).")] = None,
    save: Annotated[Optional[Path], typer.Option("--out", "-o",
                                                 help="Save the mapping as YAML, to edit and reuse.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Print the mapping proposed for a spreadsheet's headers, and what it could not place.

    Example: [bold]mapper mapping suggest members.xlsx --out members-map.yaml[/]
    then [bold]mapper import members.xlsx --mapping members-map.yaml[/]
    """
    from mapper.mapping import FIELDS, suggest
    from mapper.sheets import SheetError, read_table

    try:
        table = read_table(file, sheet=sheet)
    except (SheetError, OSError) as exc:
        _error(plain(exc) if isinstance(exc, SheetError) else f"{plain(file)}: cannot be read")
        raise typer.Exit(2) from None
    found = suggest(table.headers)
    if save:
        save.write_text(found.mapping.to_yaml(), encoding="utf-8")
    if as_json:
        out.print_json(json.dumps({
            "mapping": found.mapping.model_dump(),
            "unmapped": [{"number": u["number"], "column": u["column"],
                          "did_you_mean": u.get("did_you_mean")} for u in found.unmapped],
            "problems": found.problems}))
    else:
        out.print(_table("column", "field", title=f"Proposed mapping for {plain(file)}",
                         rows=[(plain(h), t) for h, t in found.mapping.columns.items()]))
        for u in found.unmapped:
            name = repr(u["column"]) if u["column"] else f"column {u['number']}"
            hint = f" — did you mean {u['did_you_mean']}?" if u.get("did_you_mean") else ""
            out.print(plain(f"not placed: {name}{hint}{' — ' + u['reason'] if u.get('reason') else ''}"))
        for problem in found.problems:
            err.print(plain(problem), style="red")
        out.print(Text(f"Fields: {', '.join(FIELDS)}; or ignore, tag, custom.", style="dim"))
    if save:
        err.print(plain(f"mapping saved to {save}; edit it, then: mapper import {file} --mapping {save}"))
    raise typer.Exit(1 if found.problems else 0)


@app.command()
def check(
    files: Annotated[list[Path], typer.Argument(help="Files to validate.")],
    kind: Annotated[Optional[str], typer.Option(help="Record kind (see import).")] = None,
) -> None:
    """Validate files without writing anything; list every error as file:line (record): field.

    Example: [bold]mapper check new-1on1s.yaml[/]
    """
    from mapper.importer import check_files

    report = check_files(files, kind=kind, keep=False)
    for e in report.errors:
        err.print(plain(e))
    out.print(f"{report.valid:,} valid, {len(report.rejected):,} invalid record(s)")
    raise typer.Exit(1 if report.errors else 0)


@app.command()
def stats(campaign: CampaignOpt = None, as_json: JsonOpt = False, db: DbOpt = None) -> None:
    """Count nodes per kind, edges per type and records per kind.

    Example: [bold]mapper stats --json[/]
    """
    with _store(db, existing=True) as store:
        counts = store.counts(campaign)
        campaigns = store.campaigns()
    if as_json:
        emit_json({"campaign": campaign, "campaigns": campaigns, **counts})
        return
    out.print(_table("what", "kind", "count", title=f"Collective Mapper — {campaign or 'all campaigns'}",
                     rows=[(section, k, f"{n:,}") for section in ("records", "nodes", "edges")
                           for k, n in counts[section].items()]))


def _audit_printed(store: Store, what: str, action: str, target: str | None = None,
                   **detail: Any) -> None:
    """Record in the audit trail that the command line gave out someone's words or details
    (``target``: the key of whom, kept as its opaque id; ``detail``: counts, never a value),
    by "cli": it knows no user. A store file this process may only read keeps no trail
    (whoever reads it holds every record already): said on stderr instead."""
    from mapper.audit import audit_for

    if getattr(store, "read_only", False):
        err.print(f"note: the store file is read-only here: the audit trail does not record "
                  f"{what}")
        return
    log = audit_for(store)
    try:
        log.append(CLI_ACTOR, action, target and log.opaque(target), **detail)
    finally:
        log.close()


@app.command()
def export(
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File to write (default: stdout).")] = None,
    campaign: CampaignOpt = None,
    db: DbOpt = None,
) -> None:
    """Write the stored records as JSON Lines, re-importable into either store.

    The export holds personal details (stories, notes, contact info): keep it safe. The
    audit trail records it (by "cli": the command line, with how many records).

    Example: [bold]mapper export -o backup.jsonl[/]
    """
    with _store(db, existing=True) as store:
        # An export holds every story and phone number: only its owner may read it.
        fh = open_private(output) if output else sys.stdout
        n = 0
        try:
            for line in store.export(campaign):
                fh.write(line + "\n")
                n += 1
        finally:
            if output:
                fh.close()
            # In the audit trail as a dashboard download is (what, how many rows: never a
            # value nor the file's name). Each record goes whole, with whatever words and
            # details it holds.
            _audit_printed(store, "this export", "list_exported", list="records",
                           format="jsonl", campaign=(campaign or "")[:40] or None, rows=n,
                           words=n)
    if output:
        err.print(f"{n} records written to {plain(output)} (contains personal details)")


@app.command()
def schema(kind: Annotated[str, typer.Option(help="Record kind.")] = "conversation") -> None:
    """Print the JSON Schema of a record kind.

    Example: [bold]mapper schema --kind roster[/]
    """
    if kind not in RECORD_KINDS:
        _error(f"--kind must be one of {', '.join(RECORD_KINDS)}")
        raise typer.Exit(2)
    emit_json(RECORD_KINDS[kind].model_json_schema())


@app.command()
def duplicates(
    campaign: CampaignOpt = None,
    threshold: Annotated[float, typer.Option(help="Similarity 0-100 to report.")] = 85.0,
    as_json: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """Report look-alike names, and people sharing an email or phone; never merged silently.

    Merge with `mapper alias` (a person known by a custom id is named by the `#...` part of
    her key).

    Example: [bold]mapper duplicates --threshold 80[/]
    """
    from mapper.duplicates import find_duplicates

    with _store(db, existing=True) as store:
        found = find_duplicates(store.snapshot(pick_campaign(store, campaign)), threshold=threshold,
                                store=store)
    if as_json:
        emit_json(found)
        return
    rows = [(kind, p["a_name"], p["b_name"], f"{p['score']:.0f}",
             p.get("reason", "name") + "".join(f" ({k.rsplit(':', 1)[1]})" for k in (p["a"], p["b"])
                                                if ":#" in k))
            for kind, pairs in found.items() for p in pairs]
    out.print(_table("kind", "name", "looks like", "score", "why", title="Possible duplicates",
                     rows=rows) if rows else "No look-alike names.")


@app.command()
def alias(
    kind: Annotated[str, typer.Argument(help="issue, person or decision_maker")],
    alias_name: Annotated[str, typer.Argument(metavar="ALIAS", help="The other spelling.")],
    canonical: Annotated[str, typer.Argument(
        help="The name it means, spelled as it is to be shown.")],
    campaign: CampaignOpt = None,
    db: DbOpt = None,
) -> None:
    """Say that two spellings are the same thing; the records naming the other spelling are
    projected again with it (and the read model of whom they are about). The merged person,
    issue or decision maker is shown as CANONICAL is spelled here, whatever the records say.

    Example: [bold]mapper alias issue "Mandatory OT" "mandatory overtime"[/]
    """
    from pydantic import ValidationError

    from mapper.models import AliasRow

    with _store(db, existing=True) as store:
        camp = pick_campaign(store, campaign)
        try:
            row = AliasRow(kind=kind, alias=alias_name, canonical=canonical, campaign=camp)
        except ValidationError as exc:
            for e in exc.errors(include_url=False, include_input=False):
                err.print(plain(f"alias: {'.'.join(map(str, e['loc']))}: {e['msg']}"))
            raise typer.Exit(2) from None
        # (An import refuses such a row as this does: Aliases.refusal says why.)
        refused = store.aliases(camp).refusal(row, canonical="CANONICAL")
        if refused is not None:
            _error(f"{refused[0].upper()}: {refused[1]}")
            raise typer.Exit(2)
        store.write([row])
    out.print(plain(f"{kind} {alias_name!r} now means {canonical!r} in {camp}"))


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Part of a name.")],
    campaign: CampaignOpt = None,
    limit: int = 20,
    db: DbOpt = None,
) -> None:
    """Find people by name.

    Example: [bold]mapper search lopez[/]
    """
    with _store(db, existing=True) as store:
        hits = store.search_people(pick_campaign(store, campaign), query, limit)
    # One known by a custom id is named by her key's last part (#...) where a name is asked.
    refs = [h.key.split(":", 2)[2] for h in hits]
    refs = [r if r.startswith("#") else "" for r in refs]
    if not hits:
        out.print("No one found.")
    elif any(refs):
        out.print(_table("name", "conversations", "key (known by a custom id)", rows=[
            (h.name, f"{h.conversations:,}", r) for h, r in zip(hits, refs)]))
    else:
        out.print(_table("name", "conversations",
                         rows=[(h.name, f"{h.conversations:,}") for h in hits]))


@app.command()
def person(
    name: Annotated[str, typer.Argument(help="The person's name (any case or spacing).")],
    campaign: CampaignOpt = None,
    private: Annotated[bool, typer.Option(
        "--private", help="Also show stories, notes, phone and email (personal details).")] = False,
    as_json: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """A person's history, newest first: 1-on-1s, updates, the contact assignment, and where each fact came from.

    With --private, the audit trail records that her words or details were shown (by "cli":
    the command line, with how many records).

    Example: [bold]mapper person "Ana Lopez"[/]
    """
    from mapper.privacy import redact_record
    from mapper.services import person_timeline

    with _store(db, existing=True) as store:
        # (Her and the people tied to her, as her page reads them: the campaign's snapshot
        # took 38 s at a million people.)
        found = person_timeline(store, pick_campaign(store, campaign), name)
        # Her words and details shown (--private): in the audit trail as her page opened is,
        # with how many of her records gave some (--json gives them whole, a line a part).
        shown = (lambda r: r) if as_json else (lambda r: (_history_line(r), _words_lines(r)))
        said = sum(shown(r) != shown(_redact(r, redact_record))
                   for r in found["records"]) if private and found else 0
        if said:
            _audit_printed(store, "these details", "person_viewed", found["person"],
                           rows=len(found["records"]), words=said)
    if found is None:
        if as_json:
            emit_json([])
            return
        out.print(plain(f"No conversations with {name!r}."))
        raise typer.Exit(1)
    records = found["records"]
    if not private:
        records = [_redact(r, redact_record) for r in records]
    if as_json:
        # Oldest first, as before; the person's facts and where they came from lead the list.
        head = {"record_type": "person", "person": found["person"], "name": found["name"],
                **found["facts"], "sources": found["sources"], "conflicts": found["conflicts"],
                "assigned_to": found["assigned_to"]}
        emit_json([head, *records])
        return
    facts = []
    came = {s["fact"]: s for s in found["sources"]}
    for fact, value in found["facts"].items():
        if value is None:
            continue
        src = came.get(fact)
        facts.append(f"{fact} {value}" + (f" ({src['source']}, {src['date'] or 'undated'})"
                                          if src else ""))
    out.print(Text.assemble((plain(found["name"]), "bold"), plain(
        (" — " + "; ".join(facts) if facts else "")
        + (f"; assigned to {found['assigned_to']}" if found["assigned_to"] else ""))))
    if found["conflicts"]:
        out.print(plain("roster and 1-on-1 disagree on: " + ", ".join(found["conflicts"])
                        + " (the newest source is shown)"), style="yellow")
    if not records:
        out.print("No conversations yet.")
    for r in reversed(records):
        out.print(Text.assemble((plain(r.get("date") or "undated"), "bold"),
                                plain(" " + _history_line(r))))
        for line in _words_lines(r):  # (none in a redacted record: without --private)
            out.print(plain("    " + line))


def _redact(record: dict, redact_record) -> dict:
    if record["record_type"] == "conversation":
        return redact_record(record)
    # An update's reason and note are confidential, like a 1-on-1's notes.
    return {k: v for k, v in record.items() if k not in ("reason", "note")}


def _ask_words(ask: dict) -> str:
    """A 1-on-1's ask in words: "asked to sign the petition, said yes", "not asked".

    >>> _ask_words({"asked": True, "response": "yes"}), _ask_words({})
    ('asked, said yes', 'not asked')
    """
    action, response = ask.get("action"), ask.get("response")
    if not (ask.get("asked") or response):
        return "not asked"
    asked = f"asked to {action}" if action else "asked"
    return f"{asked}, said {response}" if response else f"{asked}, no answer yet"


def _words_lines(r: dict) -> list[str]:
    """A 1-on-1's words and contact details, a line each, as --private shows them below its
    line: the stories, what they fear, what they agreed to do, notes (a redacted record has
    none of them).

    >>> _words_lines({"record_type": "conversation", "notes": "n", "contact": {"name": "A"},
    ...               "issues": [{"issue": "pay", "story": "s", "witnessed_harm": True}],
    ...               "ask": {"fears": ["retaliation", "losing shifts"]}})
    ['pay: s (witnessed harm)', 'fears: retaliation, losing shifts', 'notes: n']
    """
    if r["record_type"] != "conversation":
        return []  # (an update's reason or note is on its line)
    contact, ask = r.get("contact") or {}, r.get("ask") or {}
    lines = [f"{i['issue']}: {i['story']}" + (" (witnessed harm)" if i.get("witnessed_harm")
                                              else "")
             for i in r.get("issues", []) if i.get("story")]
    lines += [f"referred {ref.get('name', '?')}: {ref['note']}"
              for ref in r.get("referrals", []) if ref.get("note")]
    for label, value in (("fears", ask.get("fears")),
                         ("agreed to", (r.get("follow_up") or {}).get("assignment")),
                         ("where they talked", (r.get("space") or {}).get("setting")),
                         ("notes", r.get("notes")),
                         ("phone", contact.get("phone")), ("email", contact.get("email"))):
        if value:  # (fears are a list of words)
            lines.append(f"{label}: {', '.join(value) if isinstance(value, list) else value}")
    return lines


def _history_line(r: dict) -> str:
    if r["record_type"] == "conversation":
        issues = ", ".join(f"{i['issue']} ({i.get('anger', '?')})" for i in r.get("issues", []))
        plan = r.get("plan") or {}
        return (f"with {r['organizer']} — issues: {issues or 'none named'}; "
                f"assessment {r.get('assessment', 'not rated')}; {_ask_words(r.get('ask') or {})}"
                + (f"; boss would say / we'd answer: {plan['answer_to_boss']}"
                   if plan.get("answer_to_boss") else "")
                + (f"; next conversation {plan['next_talk']}" if plan.get("next_talk") else ""))
    if r["record_type"] == "assignment":
        return (f"assigned to {r['organizer']}" if r.get("organizer") else "unassigned")
    what = r["update"].replace("_", " ")
    if r.get("outcome"):
        what += f" ({r['outcome'].replace('_', '-')}" + (", an ask" if r.get("asked") else "") + ")"
    if r.get("assessment"):
        what += f" to {r['assessment']}"
    words = r.get("reason") or r.get("note")
    return (f"update: {what}" + (f" — {words}" if words else "")
            + (f" by {r['organizer']}" if r.get("organizer") else "")
            + f" [update:{r.get('campaign')}:{r['id']}]")


@app.command()
def generate(
    people: Annotated[int, typer.Option(help="How many people in the workforce.")] = 1000,
    seed: Annotated[int, typer.Option(help="Same seed, same files.")] = 0,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write into.")] = Path("generated"),
    campaign: Annotated[str, typer.Option(help="Campaign id of the records.")] = "synthetic",
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Write a synthetic campaign (conversations.jsonl, roster.csv, hierarchy.csv, ties.csv).

    Example: [bold]mapper generate --people 10000 --seed 1 --out /tmp/c10k[/]
    """
    from mapper.generate import generate_campaign

    out_dir.mkdir(parents=True, exist_ok=True)
    with Progress(TextColumn("generating people"), BarColumn(), MofNCompleteColumn(), console=err,
                  transient=True, disable=people < 20000) as bar:
        task = bar.add_task("gen", total=people)
        # generate_campaign reports the people written so far, not how many since last time.
        counts = generate_campaign(out_dir, people, seed=seed, campaign=campaign,
                                   progress=lambda n: bar.update(task, completed=n))
    if as_json:
        out.print(json.dumps(counts))
        return
    out.print(plain(
        f"Wrote campaign {campaign} to {out_dir}: {counts['people']:,} people, "
        f"{counts['conversations']:,} conversations, {counts['issues']:,} issues, "
        f"{counts['decision_makers']:,} decision makers, {counts['ties']:,} ties."))
    out.print(plain(f"Load it with: mapper import {out_dir}/*.csv {out_dir}/conversations.jsonl"))


@app.command()
def reset(
    yes: Annotated[bool, typer.Option("--yes", help="Really delete everything.")] = False,
    db: DbOpt = None,
) -> None:
    """Delete every record and the whole graph from the store.

    Example: [bold]mapper reset --yes --db demo.db[/]
    """
    if not yes:
        _error("this deletes everything; repeat with --yes")
        raise typer.Exit(2)
    with _store(db) as store:
        store.clear()
        out.print(plain(f"Emptied {describe(store)}"))


@app.command("rebuild-read-model")
def rebuild_read_model(campaign: CampaignOpt = None, db: DbOpt = None) -> None:
    """Build the read model (the rows the lists and counts are read from) again from the graph.

    The records and the graph stay as they are. A migration of the read model does this when
    the store is opened; run it by hand to repair the read model. An interrupted run goes on
    where it stopped the next time the store is opened; until it is done, answers are
    computed from the whole graph (the same answers, slower). Every campaign unless
    --campaign is given.

    Example: [bold]mapper rebuild-read-model --campaign nurses-2026[/]
    """
    with working("rebuilding the read model…"):
        with _store(db, existing=True) as store:
            camps = [pick_campaign(store, campaign)] if campaign else store.campaigns()
            n = sum(store.rebuild_read_model(c) for c in camps)
    out.print(f"Rebuilt the read model of {n:,} people in {len(camps):,} campaign(s)")


TodayOpt = Annotated[Optional[datetime.datetime], typer.Option(
    "--today", formats=["%Y-%m-%d"], help="Date to judge due and overdue by (default: today).")]
LimitOpt = Annotated[Optional[int], typer.Option("--limit", min=1, help="Show at most this many.")]
TableLimitOpt = Annotated[Optional[int], typer.Option(
    "--limit", min=1, help=f"Rows the table shows (default {TABLE_LIMIT}); --json prints all.")]


#: Whole-graph questions the command line answers from the answers kept in the store
#: (:mod:`mapper.analytics.stored`); none of them names a single person's words.
STORED = ("anger_clusters", "power_map", "talk_next")


def _answer(command: str, function: str, db: str | None, campaign: str | None, as_json: bool,
            rows: int | None = None, fresh: bool = False, **options) -> None:
    """Run one analytics question on the store and print it as JSON or tables."""
    from mapper import analytics
    from mapper.analytics.stored import PAGED
    from mapper.analytics.tables import PAGED_TABLE, tables_for
    from mapper.analytics.texts import USES_TEXTS, fill_texts

    from mapper.snapshot import gc_paused

    # A first answer on a large campaign takes seconds: a spinner on stderr says it is working
    # (shown on a terminal only; stdout stays the answer alone).
    kept = None
    with working():
        with _store(db, existing=True) as store:
            camp = pick_campaign(store, campaign)
            # From the read model the store keeps, when it can answer (no snapshot built).
            total = None
            if function == "ask_queue" and fresh:  # ranked whole now, and kept (then paged)
                store.kept_ask_ranking(camp, today=options["today"], texts=_texts_of(store, camp),
                                       words="every", fresh=True)
            if function in STORED:
                first = None
                if function in PAGED:  # kept in pages: the command reads what it shows
                    first = options.pop("limit", None)
                    if first is None and not as_json:
                        first = rows or TABLE_LIMIT
                # (An export to a file or a pipe writes the kept pages as they are kept.)
                # (Power's issues of a kept answer older than the last write are not read.)
                kept = _stored_answer(store, camp, function, fresh, options, first,
                                      raw=as_json and not out.is_terminal,
                                      current_only=("issues",) if function == "power_map"
                                      else ())
                result = kept.value
                if function == "power_map" and (kept.version != store.version()
                                                or result["issues"] is None):
                    # Its rankings as of the last write (kept with each write), the rest as
                    # kept. (A kept answer of this version ranks them the same: at a million
                    # people, reading every pair again took 1-2 s of an export.)
                    result = {**result, "issues": _power_issues(store, camp, as_json)}
            elif function == "ask_queue" and not as_json and options.get("limit") is None:
                # A table shows its first rows: only those are computed, the rest counted.
                found = store.ask_queue_page(camp, **{**options, "limit": rows or TABLE_LIMIT},
                                             texts=_texts_of(store, camp), words="every")
                result, total = found if found is not None else (None, None)
            elif function == "ladder" and not as_json:
                # The table's rows: every rung found, only those shown read further.
                found = store.ladder_page(camp, **options, limit=rows or TABLE_LIMIT,
                                          texts=_texts_of(store, camp))
                result, total = found if found is not None else (None, None)
            elif function == "follow_ups":
                # A page reads what it lists: the table's rows, or --limit's; --json alone
                # (without --limit) is the export of every item.
                if not as_json:
                    options["limit"] = rows or TABLE_LIMIT
                result = _from_read_model(store, camp, function, options)
            else:
                result = _from_read_model(store, camp, function, options)
            plans_stamp = None
            if function == "ask_queue" and result is not None:
                plans_stamp = store.kept_ask_stamp(camp, today=options["today"], words="every")
            if result is None:
                snap = store.snapshot(camp)
                if function in USES_TEXTS:  # the words of actions and assignments: from the records
                    snap = fill_texts(snap, store)
                with gc_paused():
                    result = getattr(analytics, function)(snap, **options)
            if function == "follow_ups":
                _audit_follow_ups(store, camp, result, as_json)
            elif function == "ladder":  # (the table: its rows shown)
                _audit_ladder(store, camp, result if as_json else result[:rows or TABLE_LIMIT],
                              as_json)
    if function == "follow_ups" and not as_json:
        total = _follow_up_total(result, options.get("organizer"))
    plans_line = _plans_line(plans_stamp, options.get("today"))
    if plans_line and as_json:  # (on stderr: stdout stays the answer alone)
        err.print(Text(plans_line, style="dim"))
    if as_json:
        if kept is not None:
            result = {**result, "as_of": kept.as_of.isoformat()}
        emit_json(result)
        return
    paged = PAGED_TABLE.get(command) if kept is not None else None
    for i, t in enumerate(tables_for(command, result)):
        # (A list kept in pages is read up to the rows shown: its table says how many more.)
        show(t, rows or TABLE_LIMIT, kept.total if i == paged else None)
    if kept is not None:
        out.print(Text(_age_line(kept), style="dim"))
    if plans_line:
        out.print(Text(plans_line, style="dim"))
    listed = (sum(len(o["items"]) for o in result["organizers"]) if function == "follow_ups"
              else len(result))
    if total is not None and total > listed:
        left_out = total - listed
        out.print(Text(f"{left_out:,} more row{'s' if left_out != 1 else ''} not shown "
                       f"(--limit N for more, --json for all)", style="dim"))


def _stored_answer(store: Store, campaign: str, function: str, fresh: bool, options: dict,
                   first: int | None = None, raw: bool = False,
                   current_only: tuple[str, ...] = ()):
    """A whole-graph answer (:class:`mapper.analytics.stored.Answer`): the one the store
    keeps while it is current or young enough, else computed now (and kept); with ``first``,
    its long list (:data:`~mapper.analytics.stored.PAGED`) cut to the first ``first`` (a kept
    one read up to them alone); with ``raw``, a list kept in pages may be their JSON text;
    ``current_only``: fields not read from a kept answer older than the store (None)."""
    from mapper.analytics.cached import Analytics
    from mapper.analytics.stored import first_entries

    found = Analytics(store, campaign=campaign, answers=store).answer(
        function, fresh=fresh, first=first, raw=raw, current_only=current_only, **options)
    return first_entries(found, function, first)  # (computed now, or kept whole: cut here)


def _power_issues(store: Store, campaign: str, as_json: bool) -> list:
    """The power map's issues, each with its decision makers ranked, as of the last write
    (:func:`mapper.analytics.power.power_ranking`, from the store's read model when it can):
    the table names the first :data:`~mapper.analytics.tables.NAMED_IN_A_CELL` of each and
    counts the rest, --json gives them all."""
    from mapper.analytics.cached import Analytics
    from mapper.analytics.tables import NAMED_IN_A_CELL

    first = None if as_json else NAMED_IN_A_CELL
    return Analytics(store, campaign=campaign).power_ranking(first=first)["issues"]


def _age_line(found) -> str:
    """One line saying how old a whole-graph answer is."""
    from mapper import clock
    from mapper.analytics.stored import age_words

    words = age_words(found.shown_as_of, clock.now())
    if words.startswith("As of"):
        return f"Answer as of{words[5:]}; --fresh computes it now."
    return f"Answer {words}."


def _plans_line(stamp: tuple[datetime.datetime, datetime.date | None] | None,
                today: datetime.date) -> str | None:
    """One line saying the shared actions the ask queue suggests were counted before its
    order, or for another day (:meth:`~mapper.stores.base.Store.kept_ask_stamp`); None within a
    minute of the last write, for the same day."""
    from mapper import clock
    from mapper.analytics.stored import age_words

    if stamp is None:
        return None
    words = age_words(stamp[0], clock.now())
    if stamp[1] is not None and stamp[1] != today:
        when = f"were counted for {stamp[1].isoformat()}" + (
            f", {words[0].lower()}{words[1:]}" if words.startswith("As of") else "")
    elif words.startswith("As of"):
        when = f"are as of{words[5:]}"
    else:
        return None
    return (f"Ranked as of the last write; the shared actions the asks suggest {when}; "
            "--fresh counts them now.")


def _audit_follow_ups(store: Store, campaign: str, result: dict, as_json: bool) -> None:
    """The items listed that give an assignment's or an action's own words: in the audit
    trail as a download of the list is (how many rows, how many with words), when any."""
    from mapper.analytics.follow_ups import UNNAMED

    items = [i for o in result["organizers"] for i in o["items"]]
    said = sum(i["kind"] in UNNAMED and i["what"] != UNNAMED[i["kind"]] for i in items)
    if said:
        _audit_printed(store, "this list", "list_exported", list="follow-ups",
                       format="json" if as_json else "table", campaign=campaign[:40],
                       rows=len(items), words=said)


def _audit_ladder(store: Store, campaign: str, shown: list[dict], as_json: bool) -> None:
    """The ladder's rows that give the words of an action someone agreed to: in the audit
    trail as a download of the list is (how many rows, how many with words), when any."""
    from mapper.analytics.readiness import names_action

    said = sum(map(names_action, shown))
    if said:
        _audit_printed(store, "this list", "list_exported", list="ladder",
                       format="json" if as_json else "table", campaign=campaign[:40],
                       rows=len(shown), words=said)


def _follow_up_total(result: dict, organizer: str | None) -> int:
    """How many items a follow-ups answer counts (of ``organizer``'s alone, when given)."""
    from mapper.keys import normalize

    return sum(o["overdue"] + o["due"] for o in result["organizers"]
               if organizer is None or normalize(o["organizer"]) == normalize(organizer))


def _from_read_model(store: Store, campaign: str, function: str, options: dict):
    """The answer from the store's read model (:mod:`mapper.readmodel`), or None."""
    if function == "follow_ups":
        from mapper.analytics.texts import read_texts

        # The command line reads every word (as fill_texts does), of the items shown only.
        return store.follow_ups(campaign, **options,
                                texts=lambda ids: read_texts(store, campaign, ids))
    if function == "structure":
        return store.structure(campaign, **options)
    if function == "overview":
        return store.overview(campaign, **options)
    if function == "ladder":
        return store.ladder(campaign, **options, texts=_texts_of(store, campaign))
    if function == "ask_queue":
        # (Every word: the ranking kept for the command line's words, see ask_queue_page.)
        return store.ask_queue(campaign, **options, texts=_texts_of(store, campaign),
                               words="every")
    return None


def _texts_of(store: Store, campaign: str):
    """Reads the words of the given 1-on-1s: the command line reads every word, as fill_texts."""
    from mapper.analytics.texts import read_texts

    return lambda ids: read_texts(store, campaign, ids)


def _today(value: datetime.datetime | None) -> datetime.date:
    # The one clock (MAPPER_TODAY), as `log` and `assign` use: a follow-up closed "today" must
    # leave the follow-ups of the same today.
    from mapper import clock

    return value.date() if value else clock.today()


FreshOpt = Annotated[bool, typer.Option(
    "--fresh", help="Compute the answer now, not the one the store keeps (which may lag "
                    "the last write by up to 30 s, or MAPPER_ANSWER_LAG).")]


@app.command()
def clusters(campaign: CampaignOpt = None, min_anger: Annotated[int, typer.Option(
        help="Anger (0-5) that counts as angry.")] = 3, as_json: JsonOpt = False, db: DbOpt = None,
        fresh: FreshOpt = False, limit: TableLimitOpt = None) -> None:
    """Where shared anger clusters: issues linked by the people angry about both; the common ground.

    Example: [bold]mapper clusters --json[/]
    """
    _answer("clusters", "anger_clusters", db, campaign, as_json, limit, fresh=fresh,
            min_anger=min_anger)


@app.command()
def power(campaign: CampaignOpt = None, as_json: JsonOpt = False, db: DbOpt = None,
          fresh: FreshOpt = False, limit: TableLimitOpt = None) -> None:
    """Who holds the power to fix each problem: decision makers per issue, their chain, our path to them.

    Who is named for each issue is as of the last write; the decision makers' chains, people
    affected and trusted paths are the answer the store keeps (its age on the last line).

    Example: [bold]mapper power[/]
    """
    _answer("power", "power_map", db, campaign, as_json, limit, fresh=fresh)


@app.command("ask-queue")
def ask_queue(campaign: CampaignOpt = None, today: TodayOpt = None, limit: LimitOpt = None,
              as_json: JsonOpt = False, db: DbOpt = None, fresh: Annotated[bool, typer.Option(
                  "--fresh", help="Rank every contact now, not from the ranking the store "
                                  "keeps (its order is as of the last write; the shared "
                                  "actions it suggests as of when it was ranked whole).")]
              = False) -> None:
    """Who is ready to be asked, with the reasons, a suggested ask and a messenger.

    Example: [bold]mapper ask-queue --limit 10[/]
    """
    _answer("ask-queue", "ask_queue", db, campaign, as_json, limit, fresh=fresh,
            today=_today(today), limit=limit)


@app.command()
def ladder(campaign: CampaignOpt = None, today: TodayOpt = None, as_json: JsonOpt = False,
           db: DbOpt = None, limit: TableLimitOpt = None) -> None:
    """People who said yes, and the next rung of the ladder for each.

    At the first rung, the next step gives the action they agreed to in their words: the audit
    trail then records the list (by "cli", with how many rows).

    Example: [bold]mapper ladder[/]
    """
    _answer("ladder", "ladder", db, campaign, as_json, limit, today=_today(today))


@app.command("talk-next")
def talk_next(campaign: CampaignOpt = None, limit: LimitOpt = None, as_json: JsonOpt = False,
              db: DbOpt = None, fresh: FreshOpt = False) -> None:
    """People not yet spoken with, ranked by ties and unit gaps; the organic leaders.

    Example: [bold]mapper talk-next --limit 20[/]
    """
    _answer("talk-next", "talk_next", db, campaign, as_json, limit, fresh=fresh, limit=limit)


@app.command("follow-ups")
def follow_ups(campaign: CampaignOpt = None, today: TodayOpt = None, as_json: JsonOpt = False,
               db: DbOpt = None, limit: Annotated[Optional[int], typer.Option(
                   "--limit", min=1, help=f"List the first N items (the table: {TABLE_LIMIT}); "
                   "reads only those and the counts. --json without it prints every item "
                   "(an export).")] = None,
               organizer: Annotated[Optional[str], typer.Option(
                   help="Only this organizer's items (every organizer's counts stay).")] = None,
               ) -> None:
    """Thank-yous, assignments and commitments due or overdue, per organizer.

    Each item has a stable id (in --json: thank_you:, assignment: or commitment: and the
    1-on-1's id); `mapper log PERSON --done ID` closes exactly that item. When items give an
    assignment's or an action's own words, the audit trail records the list (by "cli", with
    how many items).

    Example: [bold]mapper follow-ups --today 2026-11-30[/]
    """
    _answer("follow-ups", "follow_ups", db, campaign, as_json, limit,
            today=_today(today), limit=limit, **({"organizer": organizer} if organizer else {}))


@app.command()
def structure(campaign: CampaignOpt = None, target: Annotated[float, typer.Option(
        help="Majority target, as a share of headcount.")] = 2 / 3,
        committee_ratio: Annotated[int, typer.Option(
            help="Workers per committed leader on the organizing committee.")] = 10,
        as_json: JsonOpt = False, db: DbOpt = None, limit: TableLimitOpt = None) -> None:
    """Per unit: headcount, contacted, supporters and committed against the majority target.

    Example: [bold]mapper structure --target 0.6[/]
    """
    _answer("structure", "structure", db, campaign, as_json, limit, target=target,
            committee_ratio=committee_ratio)


@app.command()
def overview(campaign: CampaignOpt = None, as_json: JsonOpt = False, db: DbOpt = None) -> None:
    """The campaign at a glance: people, conversations per week, assessments, commitments, top issues.

    Example: [bold]mapper overview[/]
    """
    _answer("overview", "overview", db, campaign, as_json)


# --- the organizing loop: what happened after the 1-on-1, who calls whom, taking back ---------

DateOpt = Annotated[Optional[datetime.datetime], typer.Option(
    "--date", formats=["%Y-%m-%d"], help="The day it happened (default: today).")]


def _day(value: datetime.datetime | None) -> datetime.date:
    from mapper import clock

    return value.date() if value else clock.today()


def _refused(exc: Exception) -> typer.Exit:
    """Print a service's refusal (it names the field, never a value) and exit 2."""
    _error(plain(str(exc)))
    return typer.Exit(2)


def _written(result) -> str:
    return "added" if result.added else "replaced" if result.replaced else "unchanged"


#: ``--assignment`` and ``--commitment`` values, and the update each writes.
_ASSIGNMENT = {"done": "assignment_done", "not-done": "assignment_not_done"}
_COMMITMENT = {"kept": "commitment_kept", "missed": "commitment_missed"}


@app.command()
def log(
    person: Annotated[str, typer.Argument(help="The person's name (any case or spacing).")],
    thank_you_sent: Annotated[bool, typer.Option(
        "--thank-you-sent", help="The thank-you for the latest 1-on-1 was sent.")] = False,
    assignment: Annotated[Optional[str], typer.Option(
        help="Their follow-up assignment: done or not-done.")] = None,
    commitment: Annotated[Optional[str], typer.Option(
        help="Their commitment: kept or missed.")] = None,
    attempt: Annotated[Optional[str], typer.Option(
        help="A contact attempt that was not a 1-on-1: no-answer, wrong-number, not-now, "
             "refused or left (left the workplace).")] = None,
    assessment: Annotated[Optional[int], typer.Option(
        help="A new assessment, 1 (leader) to 5 (opposed); needs --reason.")] = None,
    reason: Annotated[Optional[str], typer.Option(
        help="Why the assessment changed (confidential).")] = None,
    note: Annotated[Optional[str], typer.Option(help="A confidential note.")] = None,
    done: Annotated[Optional[str], typer.Option(
        "--done", metavar="ID",
        help="Close exactly this follow-up item (an id of `mapper follow-ups --json`).")] = None,
    asked: Annotated[bool, typer.Option("--asked", help="The attempt was an ask.")] = False,
    organizer: Annotated[Optional[str], typer.Option(
        help="Who logs it (default: the organizer the contact is assigned to, else the one "
             "who last spoke with them; with --done, the organizer the item is for).")] = None,
    date: DateOpt = None,
    campaign: CampaignOpt = None,
    as_json: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """Log what happened after a 1-on-1: one update about a person (re-sending it changes nothing).

    Give exactly one of --thank-you-sent, --assignment, --commitment, --attempt, --assessment
    (with --reason), --note or --done.

    Example: [bold]mapper log "Ana Lopez" --attempt no-answer[/]
    """
    from mapper import services
    from mapper.models import ATTEMPT_OUTCOMES
    from mapper.roles import ADMIN

    given = [name for name, value in (
        ("--thank-you-sent", thank_you_sent), ("--assignment", assignment),
        ("--commitment", commitment), ("--attempt", attempt), ("--assessment", assessment),
        ("--note", note), ("--done", done)) if value not in (None, False)]
    if len(given) != 1:
        _error("give exactly one of --thank-you-sent, --assignment, --commitment, --attempt, "
               "--assessment, --note, --done" + (f" (got {', '.join(given)})" if given else ""))
        raise typer.Exit(2)
    if reason is not None and assessment is None:
        _error("--reason: only with --assessment")
        raise typer.Exit(2)
    if asked and attempt is None:
        _error("--asked: only with --attempt")
        raise typer.Exit(2)
    if note is not None and not note.strip():
        _error("--note: empty; give the note's words")
        raise typer.Exit(2)
    fields: dict = {}
    if thank_you_sent:
        fields = {"update": "thank_you_sent"}
    elif assignment is not None:
        if assignment not in _ASSIGNMENT:
            _error("--assignment: one of done, not-done")
            raise typer.Exit(2)
        fields = {"update": _ASSIGNMENT[assignment]}
    elif commitment is not None:
        if commitment not in _COMMITMENT:
            _error("--commitment: one of kept, missed")
            raise typer.Exit(2)
        fields = {"update": _COMMITMENT[commitment]}
    elif attempt is not None:
        if attempt.replace("-", "_") not in ATTEMPT_OUTCOMES:
            _error("--attempt: one of no-answer, wrong-number, not-now, refused, left")
            raise typer.Exit(2)
        fields = {"update": "attempt", "outcome": attempt, "asked": True if asked else None}
    elif assessment is not None:
        if not (reason or "").strip():
            _error("--assessment: needs --reason")
            raise typer.Exit(2)
        fields = {"update": "assessment", "assessment": assessment, "reason": reason}
    elif note is not None:
        fields = {"update": "note", "note": note}
    with _audited(_store(db, existing=True)) as store:
        camp = pick_campaign(store, campaign)
        try:
            if done is not None:
                logged = services.close_item(store, ADMIN, camp, person, done, _day(date),
                                             organizer=organizer)
            else:
                logged = services.log_update(store, ADMIN, camp, person, organizer=organizer,
                                             date=_day(date) if date else None, **fields)
        except services.ServiceError as exc:
            raise _refused(exc) from None
        u = logged.update
        person_key = store.person_key(camp, u.person)
    snapshot_name = u.person
    answer = {"campaign": camp, "id": u.id, "key": f"update:{camp}:{u.id}", "update": u.update,
              "person": person_key, "name": snapshot_name,
              "date": u.date.isoformat(), "organizer": u.organizer, "outcome": u.outcome,
              "asked": u.asked, "assessment": u.assessment, "conversation": u.conversation,
              "written": _written(logged.result)}
    if as_json:
        emit_json(answer)
        return
    what = u.update.replace("_", " ") + (f" ({u.outcome.replace('_', '-')})" if u.outcome else "")
    out.print(plain(f"{u.date} {what} — {snapshot_name}"
                    + (f", by {u.organizer}" if u.organizer else "")
                    + f": {answer['written']} (record {answer['key']})"))


def _assigned_answer(camp: str, done, as_json: bool) -> None:
    answer = {"campaign": camp, "organizer": done.organizer, "date": done.date.isoformat(),
              "changed": [{"person": k, "name": n, "was": was} for k, n, was in done.people],
              "skipped": [k for k, _, _ in done.skipped],
              "added": done.result.added, "replaced": done.result.replaced,
              "unchanged": done.result.unchanged, "new_organizer": done.new_organizer}
    if as_json:
        emit_json(answer)
        return
    to = f"assigned to {done.organizer}" if done.organizer else "unassigned"
    if done.new_organizer and done.people:
        # A typo gives the contacts to someone who is no one (and takes them off her list).
        err.print(plain(f"note: --to: no organizer of that name in campaign {camp} yet (no "
                        "1-on-1 of hers, no contact given to her): a new one. If that is a "
                        "misspelling, assign them again to the right name."), style="yellow")
    rows = [(n, was or "—") for _, n, was in done.people]
    if rows:
        out.print(_table("name", "was with", title=f"{len(rows)} contact(s) {to} on {done.date}",
                         rows=rows))
    else:
        out.print(plain(f"No contact {to}: nothing to change."))
    if done.skipped:
        out.print(plain(f"{len(done.skipped)} already so, left as they were."))


@app.command()
def assign(
    people: Annotated[Optional[list[str]], typer.Argument(
        metavar="PERSON", help="Names of the contacts to give (any case or spacing).")] = None,
    to: Annotated[str, typer.Option("--to", metavar="ORGANIZER",
                                    help="The organizer who will reach them.")] = ...,
    from_: Annotated[Optional[str], typer.Option(
        "--from", help="Take the contacts from a list instead: ask-queue (ready to be asked) "
                       "or talk-next (not yet spoken with).")] = None,
    unit: Annotated[Optional[str], typer.Option(help="With --from: only people in this unit.")] = None,
    issue: Annotated[Optional[str], typer.Option(
        help="With --from ask-queue: only people whose top issue this is.")] = None,
    limit: Annotated[Optional[int], typer.Option(help="With --from: how many to take.")] = None,
    date: DateOpt = None,
    campaign: CampaignOpt = None,
    as_json: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """Give contacts to an organizer to reach (a contact assignment; one per person: this reassigns).

    With --from, takes the top --limit people of that list who are assigned to no one yet:
    a contact another organizer holds stays with her.

    Example: [bold]mapper assign --from ask-queue --unit ICU --limit 5 --to "Maya Ortiz"[/]
    """
    from mapper import services
    from mapper.roles import ADMIN

    if bool(people) == bool(from_):
        _error("give either PERSON... or --from ask-queue|talk-next")
        raise typer.Exit(2)
    if from_ and limit is None:
        _error("--limit: needed with --from")
        raise typer.Exit(2)
    if not from_ and (unit or issue or limit is not None):
        _error("--unit, --issue and --limit: only with --from")
        raise typer.Exit(2)
    with _audited(_store(db, existing=True)) as store:
        camp = pick_campaign(store, campaign)
        try:
            if from_:
                done = services.assign_from(store, ADMIN, camp, from_, to, limit=limit,
                                            today=_day(date), unit=unit, issue=issue,
                                            date=_day(date))
            else:
                done = services.assign(store, ADMIN, camp, people, to, _day(date))
        except services.ServiceError as exc:
            raise _refused(exc) from None
    _assigned_answer(camp, done, as_json)


@app.command()
def unassign(
    people: Annotated[list[str], typer.Argument(metavar="PERSON...", help="Names of the contacts.")],
    date: DateOpt = None,
    campaign: CampaignOpt = None,
    as_json: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """Take contacts back from the organizer they were given to (people assigned to no one are skipped).

    Example: [bold]mapper unassign "Ana Lopez" "Ben Ortiz"[/]
    """
    from mapper import services
    from mapper.roles import ADMIN

    with _audited(_store(db, existing=True)) as store:
        camp = pick_campaign(store, campaign)
        try:
            done = services.unassign(store, ADMIN, camp, people, _day(date))
        except services.ServiceError as exc:
            raise _refused(exc) from None
    _assigned_answer(camp, done, as_json)


@app.command("my-list")
def my_list(
    organizer: Annotated[Optional[str], typer.Option(
        help="Only this organizer's list (default: every organizer's).")] = None,
    today: TodayOpt = None,
    campaign: CampaignOpt = None,
    as_json: JsonOpt = False,
    db: DbOpt = None,
    limit: TableLimitOpt = None,
) -> None:
    """Each organizer's assigned contacts with the next thing to do (first 1-on-1, ask, follow up) and when.

    Example: [bold]mapper my-list --organizer "Maya Ortiz"[/]
    """
    from mapper.analytics.my_list import my_list as answer_my_list

    day = today.date() if today else _day(None)
    with working():
        with _store(db, existing=True) as store:
            camp = pick_campaign(store, campaign)
            # From the people assigned alone (the read model), else the whole snapshot.
            result = store.my_list(camp, today=day, organizer=organizer)
            snap = store.snapshot(camp) if result is None else None
        if result is None:
            result = answer_my_list(snap, today=day, organizer=organizer)
    if as_json:
        emit_json(result)
        return
    lists = [o for o in result["organizers"] if o["contacts"]]
    if not lists:
        out.print("No contacts assigned" + (" to that organizer." if organizer else " yet.")
                  + " Give some with `mapper assign`.")
        return
    from mapper.analytics.tables import Table as Rows

    for o in lists:
        c = o["counts"]
        title = (f"My list — {o['organizer']}: {c['contacts']:,} contact(s), {c['first_1on1']:,} "
                 f"first 1-on-1, {c['ask']:,} to ask, {c['follow_up']:,} to follow up, "
                 f"{c['overdue']:,} overdue (on {day})")
        show(Rows(title, ("name", "unit", "shift", "next", "what", "due", "item"), [
            (p["name"], p["unit"] or "—", p["shift"] or "—", p["next"].replace("_", " "),
             p["what"], (p["due"] or "—") + (" overdue" if p["overdue"] else ""), p["item"] or "—")
            for p in o["contacts"]], head=("name", "unit", "due")), limit or TABLE_LIMIT)


@app.command()
def delete(
    record_id: Annotated[str, typer.Argument(
        metavar="RECORD_ID", help="A store key (conversation:<campaign>:<id>, update:..., as "
                                  "`mapper export` and `mapper log` show them), or a 1-on-1's "
                                  "or an update's own id.")],
    yes: Annotated[bool, typer.Option("--yes", help="Really delete it.")] = False,
    campaign: CampaignOpt = None,
    as_json: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """Delete one record and everything derived from it, as if it had never been imported.

    Example: [bold]mapper delete conversation:st-lukes-nurses:2026-11-20-ana-lopez --yes[/]
    """
    from mapper import services
    from mapper.roles import ADMIN

    if not yes:
        _error("this deletes the record and all it produced; repeat with --yes")
        raise typer.Exit(2)
    with _audited(_store(db, existing=True)) as store:
        campaigns = store.campaigns()
        camp = campaign or (campaigns[0] if len(campaigns) == 1 else None)
        try:
            gone = services.delete_record(store, ADMIN, record_id, camp)
        except services.ServiceError as exc:
            raise _refused(exc) from None
    if as_json:
        emit_json({"deleted": gone.count, "kind": gone.kind, "campaign": gone.campaign})
        return
    # The kind only: a key may hold a name.
    out.print(plain(f"Deleted {gone.count} {gone.kind} record of {gone.campaign}, with "
                    "everything derived from it."))


DEMO_CAMPAIGN = "st-lukes-nurses"


def demo_files() -> list[Path]:
    """The demo campaign's files, in the order they import best."""
    order = ["aliases", "roster", "hierarchy", "ties", "conversations"]
    files = [p for p in DEMO_DIR.iterdir() if p.suffix in {".csv", ".yaml", ".yml", ".jsonl"}]
    return sorted(files, key=lambda p: (next((i for i, o in enumerate(order) if p.name.startswith(o)), 9), p.name))


@app.command()
def demo(
    db: Annotated[str, typer.Option("--db", help="Embedded store file for the demo (always a file, "
                                              "whatever MAPPER_DB or NEO4J_URI say).")] = "demo.db",
    port: Annotated[int, typer.Option(help="Port to serve the dashboard on (`make demo PORT=8060`).")] = 8050,
    host: str = "127.0.0.1",
    no_browser: Annotated[bool, typer.Option("--no-server", help="Load the demo and print its stats only.")] = False,
) -> None:
    """Load the demo campaign into an embedded store (./demo.db) and serve the dashboard.

    It prints the address to open (http://127.0.0.1:8050); it does not open a browser.

    Example: [bold]mapper demo --port 8060[/]
    """
    if not is_loopback(host):
        _error("the demo signs everyone in as admin; it only binds to this "
               "machine (127.0.0.1). Use `mapper dashboard` with MAPPER_USERS to share.")
        raise typer.Exit(2)
    if not no_browser:  # before loading anything: a busy port is said at once, in one line
        _check_port(host, port, "make demo PORT={port}` or `mapper demo --port {port}")
    with _store(db) as store:
        others = [c for c in store.campaigns() if c != DEMO_CAMPAIGN]
        if others:
            _error(f"{plain(db)} holds other campaigns ({plain(', '.join(others))}); the demo "
                   "only runs on its own file. Pick another --db.")
            raise typer.Exit(2)
        code = _import(store, demo_files(), None, None, False, None)
        if code:
            raise typer.Exit(code)
        campaign = pick_campaign(store, None)
        counts = store.counts(campaign)
    out.print(Text.assemble("Demo campaign ", (campaign, "bold"), plain(
        f" loaded into {db}: {counts['records'].get('conversation', 0):,} conversations, "
        f"{counts['nodes'].get('Person', 0):,} people, {counts['nodes'].get('Issue', 0):,} issues.")))
    if no_browser:
        return
    _serve(db, host, port, demo=True)


@app.command()
def dashboard(
    host: Annotated[str, typer.Option(help="Address to bind; keep 127.0.0.1 unless you mean to share it.")] = "127.0.0.1",
    port: int = 8050,
    db: DbOpt = None,
) -> None:
    """Start the single-process development dashboard (sign-in with the store's users; `mapper serve` for a team).

    MAPPER_USERS may name a users file whose users are imported on start.

    Example: [bold]NEO4J_URI=bolt://localhost:7687 mapper dashboard[/]
    """
    _check_port(host, port, "mapper dashboard --port {port}")
    with _store(db) as store:
        _refuse_read_only(store)
    _serve(db, host, port, demo=False)


def port_in_use(host: str, port: int) -> bool:
    """Whether something already listens on ``host:port`` (a bind that fails says so)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return False  # the server will name the bad address itself
    for family, kind, proto, _, address in infos:
        with socket.socket(family, kind, proto) as probe:
            # As the server binds: a socket left in TIME_WAIT does not count as in use.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError:
                return True
    return False


def _check_port(host: str, port: int, hint: str) -> None:
    """Exit 2 with one clear line, not a traceback, when ``port`` is taken."""
    if not port_in_use(host, port):
        return
    free = next((p for p in range(port + 10, min(port + 1000, 65536), 10)
                 if not port_in_use(host, p)), port + 10)
    _error(f"port {port} is in use (another dashboard, or another program); "
           f"try `{hint.format(port=free)}`")
    raise typer.Exit(2)


def _refuse_read_only(store: Any) -> None:
    """Exit 2 when ``store`` is a file this process may only read: a server writes to it at
    every sign-in (the session, the lockout, the audit trail), so no one could sign in."""
    if getattr(store, "read_only", False):
        _error(f"the store file cannot be written here (read-only) ({describe(store)}): the "
               "dashboard keeps sign-ins and sessions in it; serve a copy it can write")
        raise typer.Exit(2)


def _serve(db: str | None, host: str, port: int, demo: bool) -> None:
    try:
        from dashboard.app import serve
    except ImportError:
        out.print("The dashboard is not built yet; `mapper stats` shows the campaign.")
        with _store(db) as store:
            emit_json(store.counts())
        return
    serve(db=db, host=host, port=port, demo=demo)


# -- serving a team: mapper serve, users, audit, tokens ------------------------------------

@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind; keep 127.0.0.1 behind a reverse proxy.")] = "127.0.0.1",
    port: int = 8000,
    workers: Annotated[int, typer.Option(help="gunicorn worker processes (each opens the store).")] = 2,
    threads: Annotated[int, typer.Option(help="Threads per worker.")] = 4,
    behind_proxy: Annotated[bool, typer.Option("--behind-proxy", help="Trust one reverse proxy's "
                                               "X-Forwarded-For/-Proto/-Host headers.")] = False,
    proxies: Annotated[Optional[int], typer.Option(
        help="Behind this many reverse proxies (a CDN, then Caddy: 2); --behind-proxy is 1. "
             "A client's address is the one the outermost saw.")] = None,
    db: DbOpt = None,
) -> None:
    """Serve the dashboard and the JSON API (/api/v1) on gunicorn, with several workers.

    Needs MAPPER_SECRET_KEY (the same for every worker) and at least one user
    (`mapper users add`). Binds to 127.0.0.1 unless --host says otherwise; not on loopback,
    cookies are sent over HTTPS only. GET /healthz answers {"status": "ok"}.

    Example: [bold]MAPPER_SECRET_KEY=... mapper serve --workers 4 --behind-proxy[/]
    """
    from mapper.serve import ServeOptions, check
    from mapper.serve import serve as run
    from mapper.users import users_for

    if proxies is not None and not 1 <= proxies <= 10:
        _error("--proxies: how many reverse proxies are in front, 1 to 10 (none: leave it out)")
        raise typer.Exit(2)
    options = ServeOptions(db=db, host=host, port=port, workers=workers, threads=threads,
                           behind_proxy=proxies or int(behind_proxy))
    problems = check(options)
    if problems:
        for problem in problems:
            _error(problem)
        raise typer.Exit(2)
    with _store(db) as store:
        _refuse_read_only(store)
        users = users_for(store)
        anyone = any(u.active for u in users.all())
        users.close()
        described = describe(store)
    if not anyone:
        _error("no users can sign in: add one with `mapper users add USERNAME --role admin` "
               "(or `mapper users import FILE`)")
        raise typer.Exit(2)
    _check_port(host, port, "mapper serve --port {port}")
    out.print(plain(f"Collective Mapper on http://{host}:{port} ({workers} workers, {described})"))
    if not is_loopback(host):
        err.print(plain(f"warning: listening on {host}: serve it behind HTTPS "
                        "(cookies are sent over HTTPS only)"))
        if options.behind_proxy:
            # The forwarded headers are believed from whoever sends them.
            err.print(plain("warning: a client reaching this address directly, not through "
                            "the proxy, can write its own X-Forwarded-For: let only the proxy "
                            "reach it (or keep --host 127.0.0.1)"))
    run(options)


users_app = typer.Typer(no_args_is_help=True, rich_markup_mode="rich",
                        help="Who may sign in, with which role (kept in the store)."
                             "\n\nExample: [bold]mapper users add maya --role organizer --organizer \"Maya Ortiz\"[/]")
app.add_typer(users_app, name="users")

#: Who the audit trail names for what is done at the command line.
CLI_ACTOR = "cli"


def _read_new_password(from_stdin: bool) -> str:
    import getpass

    if from_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            _error("the two passwords differ; nothing changed")
            raise typer.Exit(1)
    from mapper.users import password_problem

    problem = password_problem(password)
    if problem:
        _error(f"{problem}; use at least 12 characters (a few unrelated words are easy to remember)")
        raise typer.Exit(1)
    return password


@contextmanager
def _accounts(db: str | None, *, existing: bool = True
              ) -> Iterator[tuple[Store, object, object]]:
    """The store, its users and its audit trail; ``existing`` as :func:`_store` says (a
    store's first users are added to a new file)."""
    from mapper.audit import audit_for
    from mapper.users import users_for

    with _store(db, existing=existing) as store:
        users, log = users_for(store), audit_for(store)
        try:
            yield store, users, log
        finally:
            users.close()
            log.close()


def _user_change(db: str | None, change: str, username: str, **fields) -> None:
    """One change through :func:`mapper.services.change_user` (audited; sessions ended)."""
    from mapper.roles import ADMIN
    from mapper.services import ServiceError, change_user
    from mapper.sessions import sessions_for
    from mapper.tokens import tokens_for

    with _accounts(db, existing=change != "add") as (store, users, log):
        sessions, tokens = sessions_for(store), tokens_for(store)
        try:
            row = change_user(users, sessions, log, ADMIN, CLI_ACTOR, change, username,
                              tokens=tokens, **fields)
        except ServiceError as exc:
            _error(plain(exc))
            raise typer.Exit(1) from None
        finally:
            sessions.close()
            tokens.close()
    out.print(plain(f"{row.username}: {row.role}" + (f" ({row.organizer})" if row.organizer else "")
                    + ("" if row.active else ", disabled")
                    + (f"; campaigns: {', '.join(row.campaigns)}" if row.campaigns else "")))


#: ``--campaign``, repeated: the campaigns an account is limited to.
CampaignsOpt = Annotated[Optional[list[str]], typer.Option(
    "--campaign", help="Only this campaign (repeat for several); none: every campaign. "
                       "Admins see every campaign whatever it says.")]


@users_app.command("add")
def users_add(
    username: str,
    role: Annotated[str, typer.Option(help="admin | planner | organizer | viewer")],
    organizer: Annotated[Optional[str], typer.Option(help="An organizer's name, as her 1-on-1s give it.")] = None,
    campaign: CampaignsOpt = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input.")] = False,
    db: DbOpt = None,
) -> None:
    """Add a user; the password is asked twice (or read from standard input).

    Example: [bold]mapper users add maya --role organizer --organizer "Maya Ortiz" --campaign st-lukes-nurses[/]
    """
    password = _read_new_password(password_stdin)
    _user_change(db, "add", username, role=role, organizer=organizer, password=password,
                 campaigns=campaign or [])


@users_app.command("list")
def users_list(as_json: JsonOpt = False, db: DbOpt = None) -> None:
    """List the users (never their password hashes).

    Example: [bold]mapper users list --json[/]
    """
    with _accounts(db) as (_, users, _log):
        rows = users.all()
    found = [{"username": r.username, "role": r.role, "organizer": r.organizer,
              "active": r.active, "campaigns": list(r.campaigns)} for r in rows]
    if as_json:
        out.print_json(json.dumps({"users": found}))
        return
    out.print(_table("User", "Role", "Organizer", "Active", "Campaigns", title="Users", rows=[
        (u["username"], u["role"], u["organizer"] or "", "yes" if u["active"] else "no",
         ", ".join(u["campaigns"]) or "all") for u in found]))


@users_app.command("set-role")
def users_set_role(
    username: str, role: str,
    organizer: Annotated[Optional[str], typer.Option(help="An organizer's name, as her 1-on-1s give it.")] = None,
    db: DbOpt = None,
) -> None:
    """Change a user's role (an organizer needs --organizer once).

    Example: [bold]mapper users set-role pat planner[/]
    """
    _user_change(db, "set_role", username, role=role, organizer=organizer)


@users_app.command("set-campaigns")
def users_set_campaigns(
    username: str,
    campaign: CampaignsOpt = None,
    every: Annotated[bool, typer.Option("--all", help="Every campaign again (no limit).")] = False,
    db: DbOpt = None,
) -> None:
    """Limit a user to some campaigns (--campaign, repeated), or give her every one (--all);
    met at her next request.

    Example: [bold]mapper users set-campaigns maya --campaign st-lukes-nurses --campaign mercy-techs[/]
    """
    if bool(campaign) == every:
        _error("say which campaigns: --campaign NAME (repeat for several), or --all")
        raise typer.Exit(2)
    _user_change(db, "set_campaigns", username, campaigns=campaign or [])


@users_app.command("reset-password")
def users_reset_password(
    username: str,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input.")] = False,
    db: DbOpt = None,
) -> None:
    """Set a new password; every session of that user ends.

    Example: [bold]mapper users reset-password maya[/]
    """
    password = _read_new_password(password_stdin)
    _user_change(db, "reset_password", username, password=password)


@users_app.command("disable")
def users_disable(username: str, db: DbOpt = None) -> None:
    """Deactivate a user: their sessions end and their API tokens are revoked, at once.

    Example: [bold]mapper users disable maya[/]
    """
    _user_change(db, "disable", username)


@users_app.command("enable")
def users_enable(username: str, db: DbOpt = None) -> None:
    """Let a deactivated user sign in again (with new API tokens: the old stay revoked).

    Example: [bold]mapper users enable maya[/]
    """
    _user_change(db, "enable", username)


@users_app.command("import")
def users_import(
    file: Path,
    replace: Annotated[bool, typer.Option("--replace", help="Overwrite users already in the store "
                                          "(role, organizer, password; not a deactivation).")] = False,
    db: DbOpt = None,
) -> None:
    """Import a YAML or TOML users file, keeping its password hashes (a one-time move).

    Example: [bold]mapper users import users.yaml[/]
    """
    from dashboard.users import load_users
    from mapper.users import UserError, from_mapping

    try:
        found = load_users(file)
    except (OSError, ValueError) as exc:
        _error(plain(exc))
        raise typer.Exit(1) from None
    with _accounts(db, existing=False) as (_, users, log):
        try:
            added, kept = users.import_users(from_mapping(found), replace_existing=replace)
        except UserError as exc:
            _error(plain(exc))
            raise typer.Exit(1) from None
        log.append(CLI_ACTOR, "users_imported", None, added=len(added), kept=len(kept))
    out.print(plain(f"{len(added)} user(s) imported, {len(kept)} already in the store kept"))


def _since(value: str | None) -> float | None:
    if not value:
        return None
    try:
        day = datetime.datetime.fromisoformat(value)
    except ValueError:
        _error("--since: a date (2026-12-01) or a date and time (2026-12-01T09:30)")
        raise typer.Exit(2) from None
    if day.tzinfo is None:
        day = day.replace(tzinfo=datetime.timezone.utc)
    return day.timestamp()


@app.command()
def audit(
    since: Annotated[Optional[str], typer.Option(help="Only from this date (UTC), e.g. 2026-12-01.")] = None,
    user: Annotated[Optional[str], typer.Option("--user", help="Only what this user did.")] = None,
    limit: Annotated[int, typer.Option(help="The newest N entries.")] = 200,
    as_json: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """The audit trail: sign-ins, person pages opened, lists exported, records and users changed.

    Entries name people and records by opaque ids only, never by a name or a value.

    Example: [bold]mapper audit --since 2026-12-01 --user maya[/]
    """
    with _accounts(db) as (_, _users, log):
        entries = log.entries(since=_since(since), actor=user, limit=limit)
    rows = [{**e.as_dict(), "at": datetime.datetime.fromtimestamp(
        e.at, datetime.timezone.utc).isoformat(timespec="seconds")} for e in entries]
    if as_json:
        out.print_json(json.dumps({"entries": rows}))
        return
    out.print(_table("#", "When (UTC)", "Who", "What", "Which", "Detail", title="Audit trail",
                     rows=[(str(r["seq"]), r["at"][:19].replace("T", " "), r["actor"], r["action"],
                            r["target"] or "", ", ".join(f"{k}={v}" for k, v in r["detail"].items()))
                           for r in rows]))


tokens_app = typer.Typer(no_args_is_help=True, rich_markup_mode="rich",
                         help="Personal access tokens for the JSON API (/api/v1)."
                              "\n\nExample: [bold]mapper tokens create maya --label \"phone form\"[/]")
app.add_typer(tokens_app, name="tokens")


@tokens_app.command("create")
def tokens_create(
    username: str,
    label: Annotated[str, typer.Option(help="What the token is for (shown in the list).")] = "",
    scope: Annotated[Optional[list[str]], typer.Option(
        "--scope", help="read | write: all it may do (repeat for both); none: both.")] = None,
    db: DbOpt = None,
) -> None:
    """Make a token for a user; it is printed once and kept only as a hash.

    A token may read (the API's GETs: lists, answers) and write (post records); with --scope
    it may do only that, within its user's role.

    Example: [bold]mapper tokens create maya --label "phone form" --scope write[/]
    """
    from mapper.roles import ADMIN
    from mapper.services import ServiceError, create_token
    from mapper.tokens import scopes_of, tokens_for

    with _accounts(db) as (store, users, log):
        tokens = tokens_for(store)
        try:
            made = create_token(tokens, users, log, ADMIN, CLI_ACTOR, username, label, scope)
        except ServiceError as exc:
            _error(plain(exc))
            raise typer.Exit(1) from None
        finally:
            tokens.close()
        row, scopes = users.get(username), " and ".join(scopes_of(scope))
    out.print(plain(f"token {made.id} for {username} ({row.role}; {scopes}); copy it now, "
                    "it is not shown again:"))
    out.print(made.token)


@tokens_app.command("list")
def tokens_list(
    user: Annotated[Optional[str], typer.Option("--user", help="Only this user's tokens.")] = None,
    as_json: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """List tokens (ids, users, labels, scopes; never the tokens).

    Example: [bold]mapper tokens list --user maya[/]
    """
    from mapper.tokens import tokens_for

    with _store(db, existing=True) as store:
        tokens = tokens_for(store)
        rows = [t.as_dict() for t in tokens.list(user)]
        tokens.close()
    if as_json:
        out.print_json(json.dumps({"tokens": rows}))
        return

    def when(t):
        return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
    out.print(_table("Id", "User", "Label", "Scopes", "Created (UTC)", "Revoked",
                     title="API tokens", rows=[
        (r["id"], r["username"], r["label"], " ".join(r["scopes"]), when(r["created"]),
         when(r["revoked"]) if r["revoked"] else "") for r in rows]))


@tokens_app.command("revoke")
def tokens_revoke(token_id: str, db: DbOpt = None) -> None:
    """Revoke a token by its id: it is refused from the next request on.

    Example: [bold]mapper tokens revoke 3f9a0c1b2d4e[/]
    """
    from mapper.roles import ADMIN
    from mapper.services import ServiceError, revoke_token
    from mapper.tokens import tokens_for

    with _accounts(db) as (store, _users, log):
        tokens = tokens_for(store)
        try:
            revoke_token(tokens, log, ADMIN, CLI_ACTOR, token_id)
        except ServiceError:
            _error("TOKEN_ID: no live token has this id (see `mapper tokens list`)")
            raise typer.Exit(1) from None
        finally:
            tokens.close()
    out.print(plain(f"token {token_id} revoked"))


@app.command()
def forget(
    person: Annotated[str, typer.Argument(help="The person's name (or person key).")],
    campaign: CampaignOpt = None,
    yes: Annotated[bool, typer.Option("--yes", help="Really erase them.")] = False,
    db: DbOpt = None,
) -> None:
    """Erase a person who asks for it: their records and every mention of them.

    Their 1-on-1s, updates, assignment, roster row, ties and aliases are deleted, and referrals
    naming them are dropped from other 1-on-1s. The audit keeps that an erasure happened (no
    name) and lists the earlier list exports, which may hold them, to chase.

    Example: [bold]mapper forget "Ana Lopez" --campaign st-lukes-nurses --yes[/]
    """
    from mapper.roles import ADMIN
    from mapper.services import ServiceError, forget_person

    if not yes:
        _error("this erases a person for good; add --yes")
        raise typer.Exit(2)
    with _accounts(db) as (store, _users, log):
        camp = pick_campaign(store, campaign)
        try:
            done = forget_person(store, ADMIN, camp, person, audit=log, actor_name=CLI_ACTOR)
        except ServiceError as exc:
            _error(plain(exc))
            raise typer.Exit(1) from None
    out.print(plain(f"Forgotten: {done.deleted} record(s) deleted, {done.rewritten} other "
                    f"record(s) no longer mention them."))
    if done.drafts:
        out.print(plain(f"{done.drafts} unsaved draft(s) of a 1-on-1 with them deleted."))
    if done.exports:
        out.print(plain(f"{len(done.exports)} list export(s) made before may hold them: audit "
                        f"entries {', '.join(map(str, done.exports[-20:]))} (`mapper audit`)."))


def main() -> None:  # pragma: no cover - entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
