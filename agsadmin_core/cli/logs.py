"""``agsadmin logs``: read the site's logs (table, CSV, JSON lines, a summary, an HTML report),
follow them, and show, change or clean the log settings.

``agsadmin logs [settings|clean]``: without a word it queries. Records stream from the server
to the output page by page, so an export of millions of records costs the memory of one page.
"""

import io
import os
import sys
import time

from .. import options
from .._compat import binary_out, native_str, stdin_is_terminal, to_text
from ..errors import InvalidInput
from .common import Argument, Command

#: The window a query reads when no --since is given.
DEFAULT_SINCE = "24h"
#: Seconds between polls of --follow.
DEFAULT_INTERVAL = 5.0
FORMATS = ("table", "csv", "jsonl")
_EXTENSIONS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
               ".txt": "table", ".log": "table"}

# Which options belong to which action (argparse sees one parser), so a misplaced one is a
# usage error rather than silently ignored.
_QUERY_ONLY = ("since", "until", "services", "machines", "codes", "sources", "process_ids",
               "request_ids", "text", "limit", "format", "out", "summary", "report",
               "follow", "interval")
_FLAGS = {"since": "--since", "until": "--until", "services": "--service",
          "machines": "--machine", "codes": "--code", "sources": "--source",
          "process_ids": "--process-id", "request_ids": "--request-id", "text": "--text",
          "limit": "--limit", "format": "--format", "out": "--out", "summary": "--summary",
          "report": "--report", "follow": "--follow", "interval": "--interval",
          "max_age": "--max-age", "yes": "--yes", "level": "--level"}


def logs(args, ctx):
    action = args.action or "query"
    allowed = {"query": _QUERY_ONLY + ("level",), "settings": ("level", "max_age"),
               "clean": ("yes",)}[action]
    for name in sorted(_FLAGS):
        if name not in allowed and _given(getattr(args, name)):
            raise InvalidInput("%s does not go with 'logs%s'." % (
                _FLAGS[name], "" if action == "query" else " " + action),
                hint=_where_flag_goes(name))
    return {"query": _query, "settings": _settings, "clean": _clean}[action](args, ctx)


def _given(value):
    return value not in (None, False, [])


def _where_flag_goes(name):
    if name == "max_age":
        return "Use 'agsadmin logs settings --max-age DAYS'."
    if name == "yes":
        return "Use 'agsadmin logs clean --yes'."
    return "Query options go with 'agsadmin logs' alone."


# -- query and follow ----------------------------------------------------------------------


def _query(args, ctx):
    from ..logs import QueryInterrupted
    from ..logwriters import LogSummary, report
    fmt = _format(args, ctx)
    # Records go to --out, or to stdout unless only a summary or report was asked for.
    show = bool(args.out) or not (args.summary or args.report) or args.format is not None
    if args.follow and (args.summary or args.report):
        raise InvalidInput("--follow does not end by itself, so it cannot make a summary or "
                           "a report.", hint="Query a window with --since instead.")
    if args.out and args.report and _same_file(args.out, args.report):
        raise InvalidInput("--out and --report name the same file.")
    for flag, path in (("--out", args.out), ("--report", args.report)):
        _check_folder(flag, path)   # before signing in: a typo costs no request
    filters = dict(level=args.level or "WARNING", services=args.services,
                   machines=args.machines, codes=args.codes, sources=args.sources,
                   process_ids=args.process_ids, request_ids=args.request_ids,
                   text=args.text)
    summary = LogSummary() if (args.summary or args.report) else None
    progress = _Progress(ctx.reporter)
    with ctx.connect() as server:
        # The query checks its arguments when it is called: a bad one is refused before the
        # output is opened (no table header, no empty file, before the error).
        if args.follow:
            records = _limited(server.logs.follow(since=args.since,
                                                  interval=args.interval or DEFAULT_INTERVAL,
                                                  reporter=ctx.reporter, **filters),
                               args.limit)
        else:
            records = server.logs.query(since=args.since or DEFAULT_SINCE, until=args.until,
                                        limit=args.limit, progress=progress,
                                        reporter=ctx.reporter, **filters)
        writer = _writer(fmt, args.out, ctx) if show else _Counter()
        try:
            if args.follow:
                count = _write_following(records, writer)
            else:
                count = _write(records, writer, summary)
        except QueryInterrupted:
            progress.end()
            if args.out:
                ctx.reporter.info("The %d records read before the error are in %s."
                                  % (writer.count, args.out))
            raise
        except KeyboardInterrupt:
            progress.end()
            ctx.reporter.info("Stopped after %d records%s." % (
                writer.count, " (they are in %s)" % args.out if args.out else ""))
            raise
    progress.end()
    if args.out:
        ctx.printer.record({"records": count, "out": args.out, "format": fmt},
                           ["%d record%s written to %s (%s)." % (
                               count, "" if count == 1 else "s", args.out, fmt)])
    if args.report:
        try:
            report(summary, args.report)
        except (IOError, OSError) as exc:
            raise InvalidInput("Cannot write %s: %s." % (args.report,
                                                          to_text(exc.strerror or exc)))
        ctx.printer.record({"report": args.report, "records": summary.total},
                           ["Report: %s" % args.report])
    if args.summary:
        _show_summary(ctx, summary)


def _format(args, ctx):
    if args.format:
        return args.format
    if args.out:
        lowered = args.out.lower()
        for extension, fmt in _EXTENSIONS.items():
            if lowered.endswith(extension):
                return fmt
        return "csv"
    return "jsonl" if ctx.printer.is_json else "table"


def _same_file(a, b):
    return os.path.abspath(a) == os.path.abspath(b)


def _check_folder(flag, path):
    if not path:
        return
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise InvalidInput("%s %s: the folder %s does not exist." % (flag, path, folder))
    if os.path.isdir(path):
        raise InvalidInput("%s %s is a folder; give a file name." % (flag, path))


def _writer(fmt, path, ctx):
    from ..logwriters import CsvWriter, JsonLinesWriter, TableWriter
    out = ctx.printer.out
    try:
        if fmt == "table":
            if path:
                return TableWriter(io.open(path, "w", encoding="utf-8"), owned=True)
            return TableWriter(out)   # main() made it safe for any text
        target = path or binary_out(out)
        return CsvWriter(target) if fmt == "csv" else JsonLinesWriter(target)
    except (IOError, OSError) as exc:
        raise InvalidInput("Cannot write %s: %s." % (path, to_text(exc.strerror or exc)))


class _Counter(object):
    """A writer that only counts (records read for a summary or report alone)."""

    def __init__(self):
        self.count = 0

    def write(self, record):
        self.count += 1

    def close(self):
        pass


def _write(records, writer, summary):
    from ..logwriters import write_records
    return write_records(records, writer, summary=summary)


def _write_following(records, writer):
    """Write each record as it comes, and flush, so a reader sees it at once."""
    try:
        for record in records:
            writer.write(record)
            flush = getattr(writer, "flush", None) or getattr(
                getattr(writer, "out", None), "flush", None)
            if flush is not None:
                flush()
    finally:
        writer.close()
    return writer.count


def _limited(records, limit):
    if limit is None:
        for record in records:
            yield record
        return
    if limit <= 0:
        return
    for index, record in enumerate(records):
        yield record
        if index + 1 >= limit:
            return


class _Progress(object):
    """``12,000 records (8,500/s), reached 2026-11-30 07:12 UTC`` on a terminal's stderr,
    redrawn after each page; the total is unknown until the end."""

    def __init__(self, reporter):
        self.reporter = reporter
        self.stream = getattr(reporter, "stream", sys.stderr)
        self.show = bool(getattr(reporter, "show_progress", False))
        self.started = time.time()
        self.drawn = False

    def __call__(self, count, reached):
        if not self.show:
            return
        seconds = max(time.time() - self.started, 1e-6)
        where = ", reached %s UTC" % reached.strftime("%Y-%m-%d %H:%M") if reached else ""
        self.stream.write(u"\r%s records (%s/s)%s\033[K" % (_n(count), _n(count / seconds),
                                                          where))
        self.stream.flush()
        self.drawn = True

    def end(self):
        if self.drawn:
            self.stream.write(u"\n")
            self.drawn = False


def _n(number):
    return u"{:,}".format(int(number))


def _show_summary(ctx, summary):
    from ..logs import format_time
    from ..logwriters import format_summary
    data = {"records": summary.total,
            "first": format_time(summary.first_ms) if summary.total else None,
            "last": format_time(summary.last_ms) if summary.total else None,
            "by_level": summary.by_level,
            "by_machine": summary.by_machine,
            "top_codes": [{"code": c, "count": n, "latest": format_time(ms), "message": m}
                          for c, n, ms, m in summary.top_codes(10)],
            "top_sources": [{"source": s, "count": n, "latest": format_time(ms),
                             "message": m} for s, n, ms, m in summary.top_sources(10)],
            "slowest": [{"elapsed": r.elapsed, "time": format_time(r.time_ms),
                         "source": r.source, "message": r.message}
                        for r in summary.slowest]}
    ctx.printer.record(data, format_summary(summary))


# -- settings and clean --------------------------------------------------------------------


def _settings(args, ctx):
    with ctx.connect() as server:
        if args.level is not None or args.max_age is not None:
            settings = server.logs.set_settings(level=args.level, max_age_days=args.max_age)
            changed = True
        else:
            settings = server.logs.settings()
            changed = False
    data = {"level": settings.level, "max_age_days": settings.max_age_days,
            "log_dir": settings.log_dir, "max_error_reports": settings.max_error_reports,
            "changed": changed}
    lines = (["Log settings changed."] if changed else []) + [
        "Log level:           %s" % settings.level,
        "Keep logs for:       %s days" % settings.max_age_days,
        "Log directory:       %s" % settings.log_dir,
        "Error reports kept:  %s" % settings.max_error_reports]
    ctx.printer.record(data, lines)


def _clean(args, ctx):
    info = ctx.connection_info()
    if not args.yes:
        _confirm(ctx, info.urls.site)
    with ctx.connect(info) as server:
        server.logs.clean()
    ctx.printer.record({"cleaned": True, "server": info.urls.site},
                       ["Deleted every log record of %s." % info.urls.site])


def _confirm(ctx, site):
    if not stdin_is_terminal():
        raise InvalidInput("Nothing was deleted: there is no terminal to confirm on.",
                           hint="Add --yes to delete every log record without asking.")
    err = ctx.reporter.stream
    err.write(u"Delete every log record on every machine of %s? This cannot be undone. "
              u"[y/N] " % site)
    err.flush()
    answer = to_text(sys.stdin.readline())
    if answer.strip().lower() not in ("y", "yes"):
        raise InvalidInput("Not confirmed: nothing was deleted.")


def _upper(text):
    return text.strip().upper()


def _whole(flag):
    import argparse

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(native_str("must be a whole number, not '%s'"
                                                        % text))
        if value < 0:
            raise argparse.ArgumentTypeError(native_str("must not be negative, not '%s'"
                                                        % text))
        return value
    parse.__name__ = flag.lstrip("-").replace("-", "_")
    return parse


def _seconds(text):
    import argparse
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(native_str("must be a number of seconds, not '%s'"
                                                    % text))
    if not 0.1 <= value <= 3600:
        raise argparse.ArgumentTypeError(native_str("must be between 0.1 and 3600, not '%s'"
                                                    % text))
    return value


# -- the declaration -----------------------------------------------------------------------

EPILOG = """Without a word, 'logs' queries: records newer than --since (default 24h), newest
first, at --level (default WARNING) and every more severe level. Records go to --out (its
format from the extension: .csv, .jsonl, .txt; or --format), else to the terminal as a table
(JSON lines with --json). With --summary or --report and no --out, records are only counted.
CSV opens in Excel as UTF-8; a text cell that would start a formula (=, +, -, @) gets a
single quote in front; JSON lines keep every value as the server sent it.

times: ISO text (2026-11-30T08:00, local time unless Z or +01:00), epoch milliseconds, or a
span back from now (30m, 24h, 7d, 2w).

examples:
  agsadmin --connection prod.agsadmin.json logs --level SEVERE --since 7d --summary
  agsadmin --connection prod.agsadmin.json logs --since 30d --out logs.csv --report logs.html
  agsadmin --connection prod.agsadmin.json logs --service 'Maps/*' --code 6500-7000 --text timeout
  agsadmin --connection prod.agsadmin.json logs --follow --level INFO
  agsadmin --connection prod.agsadmin.json logs settings --level FINE --max-age 30
  agsadmin --connection prod.agsadmin.json logs clean --yes

exit codes: 0 ok, 1 the server failed (after some records: they are kept in --out, and the
error says where it stopped), 2 usage or invalid input (or clean not confirmed),
3 authentication, 4 cannot connect, 130 cancelled (records so far kept)."""

COMMANDS = [
    Command("logs", "query the site's logs (table, CSV, JSON lines, summary, HTML report); "
                    "'logs settings', 'logs clean'", logs, [
        Argument("action", nargs="?", choices=("settings", "clean"), metavar="settings|clean",
                 help="show or change the log settings, or delete every record; "
                      "leave out to query"),
        Argument("--level", metavar="L", type=_upper,
                 help="query: the least severe level shown (SEVERE, WARNING, INFO, FINE, "
                      "VERBOSE, DEBUG; default WARNING). settings: the level the site logs "
                      "at (OFF too)"),
        Argument("--since", metavar="S",
                 help="oldest time: ISO, epoch ms or a span (default %s; with --follow, "
                      "now)" % DEFAULT_SINCE),
        Argument("--until", metavar="U", help="newest time (default now)"),
        Argument("--service", dest="services", action="append", metavar="P",
                 help="a service or pattern (Maps/*, *.MapServer, @list-file); repeat for "
                      "more"),
        Argument("--machine", dest="machines", action="append", metavar="M",
                 help="a machine name; repeat for more"),
        Argument("--code", dest="codes", action="append", metavar="C",
                 help="a code or range (9003, 6500-7000); repeat for more"),
        Argument("--source", dest="sources", action="append", metavar="S",
                 help="a server component (Rest, Soap, Admin, Server...); repeat for more"),
        Argument("--process-id", dest="process_ids", action="append", metavar="P",
                 help="a process id; repeat for more"),
        Argument("--request-id", dest="request_ids", action="append", metavar="R",
                 help="a request id (ArcGIS Server 10.7+); repeat for more"),
        Argument("--text", metavar="T", help="only messages containing T (any case)"),
        options.LIMIT,
        Argument("--format", choices=FORMATS,
                 help="table, csv or jsonl (default: from --out's extension, else table)"),
        Argument("--out", metavar="FILE",
                 help="write the records to FILE (kept up to where an error stopped)"),
        Argument("--summary", action="store_true",
                 help="counts by level, machine, code and source, and the slowest requests"),
        Argument("--report", metavar="FILE.html",
                 help="write a self-contained HTML report (chart per hour, top codes and "
                      "sources, slowest requests)"),
        Argument("--follow", action="store_true",
                 help="keep printing new records as they are written, until Ctrl-C (or "
                      "--limit)"),
        Argument("--interval", metavar="S", type=_seconds,
                 help="seconds between polls with --follow (default 5)"),
        Argument("--max-age", dest="max_age", metavar="DAYS", type=_whole("--max-age"),
                 help="settings: days the site keeps logs"),
        options.YES,
    ], epilog=EPILOG),
]
