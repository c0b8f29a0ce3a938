"""How the command line shows things: a table printer for people and a JSON printer for
scripts, chosen once per run, and progress on stderr.

Commands say *what* to show (services, a batch result, a record with its lines); the printer
decides how.
"""

import json
import sys

from ..reporter import Reporter


def table(rows, headers, out):
    """Write ``rows`` (lists of values) under ``headers`` as aligned columns."""
    rows = [["" if c is None else u"%s" % (c,) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row)]
    out.write(u"  ".join(u"%-*s" % (w, h) for w, h in zip(widths, headers)).rstrip() + u"\n")
    for row in rows:
        out.write(u"  ".join(u"%-*s" % (w, c) for w, c in zip(widths, row)).rstrip() + u"\n")


def services_table(infos, out):
    table([[i.ref, i.configured_state, i.realtime_state] for i in infos],
          ["SERVICE", "CONFIGURED", "REALTIME"], out)
    out.write(u"%d service%s\n" % (len(infos), u"" if len(infos) == 1 else u"s"))


def results_table(result, out):
    """A batch result (or any sequence of service results) and its summary line."""
    table([[r.service, r.status, r.before, r.after, r.message or ""] for r in result],
          ["SERVICE", "RESULT", "BEFORE", "AFTER", "MESSAGE"], out)
    summary = getattr(result, "summary", None)
    out.write((summary() if summary else u"%d services" % len(result)) + u"\n")


def journal_hint(result):
    """How to carry on from a run's journal file, or None."""
    journal = getattr(result, "journal", None)
    if journal is None or not journal.path or result.dry_run:
        return None
    if result.operation == "stop":
        return u"Journal: %s (restart with: agsadmin start --journal %s)" % (journal.path,
                                                                            journal.path)
    if result.operation == "start" and not result.ok:
        return u"Run 'agsadmin start --journal %s' again to restart the rest." % journal.path
    return None


def services_json(infos):
    return [{"service": i.ref, "folder": i.folder, "name": i.name, "type": i.type,
             "configuredState": i.configured_state, "realTimeState": i.realtime_state}
            for i in infos]


def write_json(data, out):
    out.write(json.dumps(data, indent=2, sort_keys=True) + u"\n")


class TablePrinter(object):
    """Tables and sentences for a person."""

    is_json = False

    def __init__(self, out):
        self.out = out

    def services(self, infos):
        services_table(infos, self.out)

    def batch(self, result, error=None):
        results_table(result, self.out)
        hint = journal_hint(result)
        if hint:
            self.out.write(hint + u"\n")
        backup = getattr(result, "backup", None)
        if backup and result.operation == "delete":
            self.out.write(u"Backups: %s (bring a service back with: agsadmin restore %s)\n"
                           % (backup, backup))

    def record(self, data, lines):
        """A single outcome: ``lines`` for people (``data`` is what JSON would print)."""
        for line in lines:
            self.out.write(line + u"\n")

    def note(self, text):
        """A line for people only (a hint such as how to restart)."""
        self.out.write(text + u"\n")


class JsonPrinter(object):
    """One JSON document on stdout per command, for scripts."""

    is_json = True

    def __init__(self, out):
        self.out = out

    def services(self, infos):
        write_json(services_json(infos), self.out)

    def batch(self, result, error=None):
        data = result.to_json()
        if error is not None:
            data["error"] = error.message
        write_json(data, self.out)

    def record(self, data, lines):
        write_json(data, self.out)

    def note(self, text):
        pass


def printer_for(json_output, out):
    return JsonPrinter(out) if json_output else TablePrinter(out)


class StderrReporter(Reporter):
    """Progress and warnings for a person at a terminal; warnings only otherwise."""

    def __init__(self, stream=None, show_progress=None):
        self.stream = stream or sys.stderr
        if show_progress is None:
            isatty = getattr(self.stream, "isatty", None)
            show_progress = bool(isatty and isatty())
        self.show_progress = show_progress
        self._drawn = False

    def info(self, text):
        self._end_line()
        self.stream.write(text + u"\n")

    def warning(self, text):
        self._end_line()
        self.stream.write(u"warning: " + text + u"\n")

    def progress(self, done, total, label):
        if not self.show_progress:
            return
        self.stream.write(u"\r[%d/%d] %s\033[K" % (done, total, label))
        self.stream.flush()
        self._drawn = True
        if done >= total:
            self._end_line()

    def _end_line(self):
        if self._drawn:
            self.stream.write(u"\n")
            self._drawn = False
