"""How the command line shows results: plain tables for people, JSON for scripts.

Kept apart from ``cli.py`` so the commands only decide what to show, not how.
"""

import json
import sys

from .reporter import Reporter


def table(rows, headers, out):
    """Write ``rows`` (lists of text) under ``headers`` as aligned columns."""
    rows = [["" if c is None else str(c) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row)]
    line = "  ".join("%-*s" % (w, h) for w, h in zip(widths, headers)).rstrip()
    out.write(line + "\n")
    for row in rows:
        out.write("  ".join("%-*s" % (w, c) for w, c in zip(widths, row)).rstrip() + "\n")


def services_table(infos, out):
    table([[i.ref, i.configured_state, i.realtime_state] for i in infos],
          ["SERVICE", "CONFIGURED", "REALTIME"], out)
    out.write("%d service%s\n" % (len(infos), "" if len(infos) == 1 else "s"))


def results_table(results, out):
    table([[r.service, r.status, r.before, r.after, r.message or ""] for r in results],
          ["SERVICE", "RESULT", "BEFORE", "AFTER", "MESSAGE"], out)
    out.write(summary_line(results) + "\n")


def summary_line(results):
    counts = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    order = ["ok", "skipped", "planned", "failed", "cancelled"]
    parts = ["%d %s" % (counts[k], k) for k in order if counts.get(k)]
    return ", ".join(parts) if parts else "no services"


def services_json(infos):
    return [{"service": i.ref, "folder": i.folder, "name": i.name, "type": i.type,
             "configuredState": i.configured_state, "realTimeState": i.realtime_state}
            for i in infos]


def results_json(results):
    return [{"service": r.service, "status": r.status, "before": r.before, "after": r.after,
             "message": r.message} for r in results]


def write_json(data, out):
    out.write(json.dumps(data, indent=2, sort_keys=True) + "\n")


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
        self.stream.write(text + "\n")

    def warning(self, text):
        self._end_line()
        self.stream.write("warning: " + text + "\n")

    def progress(self, done, total, label):
        if not self.show_progress:
            return
        self.stream.write("\r[%d/%d] %s\033[K" % (done, total, label))
        self.stream.flush()
        self._drawn = True
        if done >= total:
            self._end_line()

    def _end_line(self):
        if self._drawn:
            self.stream.write("\n")
            self._drawn = False
