"""Where log records go: CSV, JSON lines and a terminal table, streamed; a summary; a report.

Writers take one :class:`~agsadmin_core.logs.LogRecord` at a time and hold none of them, so an
export of a million records costs the memory of one. Everything a writer has been given is
on disk once it is closed, also when the query fails halfway (:func:`write_records` closes
it either way), so a partial export is kept.
"""

from __future__ import unicode_literals

import heapq
import io
import json
import re

from ._compat import string_types, to_text, write_atomic
from .logs import LEVELS, format_time, ms_to_datetime

#: CSV and JSON-lines columns, in order.
FIELDS = ("time", "level", "code", "source", "machine", "user", "elapsed", "process",
          "thread", "method_name", "request_id", "message")

_BOM = b"\xef\xbb\xbf"
_CSV_SPECIAL = re.compile("[,\"\r\n]")
#: What starts a formula in a spreadsheet cell (OWASP "CSV injection"). Log text is partly
#: chosen by whoever sends requests (user names, request paths), so a text cell that starts
#: with one of these is written with a single quote in front of it.
_FORMULA_START = "=+-@\t\r"
# One search per row: the text cells joined by NUL (which no cell starts with), a NUL first.
_FORMULA_CELL = re.compile("\x00[=+\\-@\t\r]")
# Characters XML 1.0 forbids, and lone UTF-16 surrogates (which cannot be encoded).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])"
                      "|(?<![\ud800-\udbff])[\udc00-\udfff]")
_FLUSH_EVERY = 512


class _TimeText(object):
    """``format_time`` by arithmetic, with the day's text remembered: records a few seconds
    apart would otherwise each cost a ``strftime``."""

    def __init__(self):
        self._day = None
        self._prefix = ""

    def __call__(self, ms):
        day = ms // 86400000
        if day != self._day:
            self._day = day
            self._prefix = format_time(day * 86400000)[:11]   # "2026-11-30 "
        rest = ms - day * 86400000
        second = rest // 1000
        return "%s%02d:%02d:%02d.%03d" % (self._prefix, second // 3600, second // 60 % 60,
                                          second % 60, rest % 1000)


class _ByteWriter(object):
    """Base of the file writers: a path or a binary stream, rows buffered, UTF-8 out."""

    def __init__(self, target):
        if isinstance(target, string_types):
            self._stream = io.open(target, "wb")
            self._owned = True
        else:
            self._stream = target
            self._owned = False
        self._rows = []
        self.count = 0
        self._time = _TimeText()
        self.closed = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _add(self, line):
        self._rows.append(line)
        self.count += 1
        if len(self._rows) >= _FLUSH_EVERY:
            self.flush()

    def flush(self):
        if self._rows:
            self._stream.write("".join(self._rows).encode("utf-8", "replace"))
            self._rows = []
        self._stream.flush()

    def close(self):
        """Write what is buffered; closes the file if the writer opened it."""
        if self.closed:
            return
        self.closed = True
        self.flush()
        if self._owned:
            self._stream.close()


class CsvWriter(_ByteWriter):
    """CSV that Excel opens as UTF-8 (a byte-order mark first), one row per record.

    Quoting follows the ``csv`` module's minimal rule; times are UTC as
    ``2026-11-30 08:00:00.123``, which Excel reads as a date and time.

    Spreadsheet safety: log text is partly chosen by whoever sends the server requests (user
    names, request paths, messages quoting them), and a spreadsheet runs a cell that starts
    with ``=``, ``+``, ``-`` or ``@`` (or tab or carriage return) as a formula. Such a text
    cell gets a single quote in front (:func:`safe_cell`, OWASP's advice), which Excel shows
    as plain text. Numeric columns (``code``, ``elapsed``) stay numbers. JSON lines
    (:class:`JsonLinesWriter`) keep every value exactly as the server sent it.
    """

    def __init__(self, target):
        _ByteWriter.__init__(self, target)
        self._stream.write(_BOM)
        self._rows.append(",".join(FIELDS) + "\r\n")

    def write(self, record):
        elapsed = record.elapsed
        code = record.code
        message = record.message
        texts = (record.level, record.source, record.machine, record.user, record.process,
                 record.thread, record.method_name, record.request_id)
        if _FORMULA_CELL.search("\x00" + "\x00".join(texts) + "\x00" + message):
            texts = [safe_cell(t) for t in texts]
            message = safe_cell(message)
        if _CSV_SPECIAL.search("".join(texts)):
            texts = [_csv_cell(t) for t in texts]
        # Messages are quoted always: most hold a comma, and a quoted field reads the same.
        self._add("%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,\"%s\"\r\n" % (
            self._time(record.time_ms), texts[0], "" if code is None else "%d" % code,
            texts[1], texts[2], texts[3], "" if elapsed is None else repr(elapsed), texts[4],
            texts[5], texts[6], texts[7], message.replace('"', '""')))


def safe_cell(text):
    """``text`` for a spreadsheet's text cell: a single quote in front when it would start a
    formula (``=``, ``+``, ``-``, ``@``, tab, carriage return), as OWASP recommends."""
    if text and text[0] in _FORMULA_START:
        return "'" + text
    return text


def _csv_cell(text):
    if _CSV_SPECIAL.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


class JsonLinesWriter(_ByteWriter):
    """One JSON object per line (UTF-8), with ``time`` as ISO text and ``time_ms``."""

    def write(self, record):
        self._add(to_text(json.dumps(record_dict(record, self._time), ensure_ascii=False,
                                     sort_keys=True)) + "\n")


def record_dict(record, time_text=format_time):
    """A record as plain JSON-ready values, under the :data:`FIELDS` names."""
    return {"time": time_text(record.time_ms).replace(" ", "T") + "Z",
            "time_ms": record.time_ms, "level": record.level, "code": record.code,
            "source": record.source, "machine": record.machine, "user": record.user,
            "elapsed": record.elapsed, "process": record.process, "thread": record.thread,
            "method_name": record.method_name, "request_id": record.request_id,
            "message": record.message}


class TableWriter(object):
    """Aligned columns for a terminal: time, level, code, source, then the message.

    Args:
        out: a text stream (``sys.stdout``).
        width: cut lines to this many characters (the terminal's width), or None.
        owned: close ``out`` when the writer is closed (a file the caller opened for it).
    """

    HEADERS = ("TIME (UTC)", "LEVEL", "CODE", "SOURCE", "MESSAGE")

    def __init__(self, out, width=None, source_width=32, owned=False):
        self.out = out
        self._owned = owned
        self.width = width
        self.source_width = source_width
        self.count = 0
        self._time = _TimeText()
        self.closed = False
        self._line(self.HEADERS)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _line(self, cells):
        source = cells[3]
        if len(source) > self.source_width:
            source = source[:self.source_width - 1] + "~"
        text = "%-23s  %-7s  %5s  %-*s  %s" % (cells[0], cells[1], cells[2],
                                               self.source_width, source, cells[4])
        if self.width:
            text = text[:self.width]
        self.out.write(text.rstrip() + "\n")

    def write(self, record):
        message = " ".join(record.message.split())
        self._line((self._time(record.time_ms), record.level,
                    "" if record.code is None else "%d" % record.code, record.source,
                    message))
        self.count += 1

    def close(self):
        if not self.closed:
            self.closed = True
            self.out.write("%d record%s\n" % (self.count, "" if self.count == 1 else "s"))
            flush = getattr(self.out, "flush", None)
            if flush:
                flush()
            if self._owned:
                self.out.close()


def write_records(records, writer, summary=None):
    """Give every record to ``writer`` (and ``summary`` if given), then close the writer.

    The writer is closed also when ``records`` raises (a server error or a cancel halfway),
    so what was read is on disk before the error goes on to the caller.

    Returns:
        the number of records written.
    """
    count = 0
    try:
        for record in records:
            writer.write(record)
            if summary is not None:
                summary.add(record)
            count += 1
    finally:
        writer.close()
    return count


class LogSummary(object):
    """Counts of a stream of records, in memory that does not grow with their number.

    It keeps counts per level, source, code and machine, per hour and level, the latest
    message of each code and source, and the ``slowest`` records by ``elapsed`` (a heap).
    Feed it with :meth:`add` or :func:`summary`.
    """

    def __init__(self, slowest=10):
        self.total = 0
        self.first_ms = None
        self.last_ms = None
        self.by_level = {}
        self.by_source = {}
        self.by_code = {}
        self.by_machine = {}
        #: ``{hour start in epoch ms: {level: count}}``
        self.per_hour = {}
        self._latest_code = {}
        self._latest_source = {}
        self._slow_size = slowest
        self._slow = []
        self._seq = 0

    def add(self, record):
        """Count one record."""
        ms = record.time_ms
        self.total += 1
        if self.first_ms is None or ms < self.first_ms:
            self.first_ms = ms
        if self.last_ms is None or ms > self.last_ms:
            self.last_ms = ms
        level = record.level
        _bump(self.by_level, level)
        _bump(self.by_source, record.source)
        _bump(self.by_code, record.code)
        _bump(self.by_machine, record.machine)
        hour = self.per_hour.setdefault(ms - ms % 3600000, {})
        hour[level] = hour.get(level, 0) + 1
        _latest(self._latest_code, record.code, ms, record.message)
        _latest(self._latest_source, record.source, ms, record.message)
        if record.elapsed is not None and self._slow_size:
            self._seq += 1
            entry = (record.elapsed, -self._seq, record)
            if len(self._slow) < self._slow_size:
                heapq.heappush(self._slow, entry)
            elif entry[:2] > self._slow[0][:2]:
                heapq.heapreplace(self._slow, entry)

    @property
    def slowest(self):
        """The slowest records, slowest first."""
        return [e[2] for e in sorted(self._slow, key=lambda e: e[:2], reverse=True)]

    def top_codes(self, n=10):
        """``[(code, count, latest time ms, latest message)]``, most frequent first."""
        return _top(self.by_code, self._latest_code, n)

    def top_sources(self, n=10):
        """``[(source, count, latest time ms, latest message)]``, most frequent first."""
        return _top(self.by_source, self._latest_source, n)


def _bump(counts, key):
    counts[key] = counts.get(key, 0) + 1


def _latest(book, key, ms, message):
    seen = book.get(key)
    if seen is None or ms > seen[0]:
        book[key] = (ms, message)


def _top(counts, latest, n):
    order = sorted(counts.items(), key=lambda kv: (-kv[1], to_text(kv[0])))[:n]
    return [(key, count) + latest[key] for key, count in order]


def summary(records, slowest=10):
    """A :class:`LogSummary` of ``records``, read once."""
    result = LogSummary(slowest=slowest)
    for record in records:
        result.add(record)
    return result


def format_summary(result, top=5):
    """The summary as lines of text for a terminal."""
    lines = []
    if not result.total:
        return ["No records."]
    lines.append("%d records from %s to %s UTC" % (result.total, format_time(result.first_ms),
                                                  format_time(result.last_ms)))
    lines.append("By level: " + ", ".join("%s %d" % (lv, result.by_level[lv])
                                          for lv in _levels(result.by_level)))
    lines.append("By machine: " + ", ".join("%s %d" % (m or "(none)", c) for m, c in sorted(
        result.by_machine.items(), key=lambda kv: -kv[1])[:top]))
    lines.append("Top codes:")
    for code, count, _, message in result.top_codes(top):
        lines.append("  %6d  %-6s %s" % (count, "" if code is None else code,
                                         _short(message, 80)))
    lines.append("Top sources:")
    for source, count, _, message in result.top_sources(top):
        lines.append("  %6d  %s: %s" % (count, source or "(none)", _short(message, 70)))
    if result.slowest:
        lines.append("Slowest requests:")
        for record in result.slowest[:top]:
            lines.append("  %9.3fs  %s  %s  %s" % (record.elapsed, format_time(record.time_ms),
                                                   record.source, _short(record.message, 60)))
    return lines


def _levels(present):
    known = [lv for lv in LEVELS if lv in present]
    return known + sorted(to_text(lv) for lv in present if lv not in LEVELS)


def _short(text, width):
    text = " ".join(to_text(text).split())
    return text if len(text) <= width else text[:width - 1] + "~"


# -- the HTML report ----------------------------------------------------------------------

LEVEL_COLOURS = {"SEVERE": "#c62828", "WARNING": "#ef8f00", "INFO": "#1e88e5",
                 "FINE": "#43a047", "VERBOSE": "#8e24aa", "DEBUG": "#757575"}
_OTHER_COLOUR = "#9e9e9e"
_HOUR = 3600000
_DAY = 24 * _HOUR
#: Above this many hours the chart counts per day, so bars stay visible.
_MAX_HOUR_BARS = 24 * 31

_CSS = """
body { font-family: Segoe UI, Helvetica, Arial, sans-serif; margin: 24px; color: #212121; }
h1 { font-size: 22px; margin-bottom: 4px; }
h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
p.meta { color: #616161; margin-top: 0; }
table { border-collapse: collapse; font-size: 13px; }
th, td { text-align: left; padding: 3px 10px 3px 0; vertical-align: top; }
th { border-bottom: 1px solid #bbb; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.msg { max-width: 720px; word-wrap: break-word; }
span.chip { display: inline-block; padding: 2px 8px; margin-right: 6px; border-radius: 9px;
            color: #fff; font-size: 13px; }
"""


def report(records_or_summary, path, title="ArcGIS Server logs", top=10):
    """Write one self-contained HTML page about the records to ``path``.

    The page has counts by level and machine, an inline SVG chart of records per hour (per
    day over a month) by level, the top codes and sources with their latest message, and the
    slowest requests. No script, no network; it is well-formed XHTML. It is written to a
    temporary file beside ``path`` and renamed, so ``path`` is never half written.

    Args:
        records_or_summary: records (read once) or a :class:`LogSummary`.

    Returns:
        the :class:`LogSummary` the page shows.
    """
    if isinstance(records_or_summary, LogSummary):
        result = records_or_summary
    else:
        result = summary(records_or_summary, slowest=top)
    write_atomic(path, render_report(result, title=title, top=top))
    return result


def render_report(result, title="ArcGIS Server logs", top=10):
    """The HTML page of :func:`report`, as text."""
    out = []
    add = out.append
    add('<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml" lang="en">\n<head>\n'
        '<meta charset="utf-8"/>\n<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n'
        % (_x(title), _CSS))
    add("<h1>%s</h1>\n" % _x(title))
    if result.total:
        add('<p class="meta">%d record%s from %s to %s UTC.</p>\n'
            % (result.total, "" if result.total == 1 else "s", format_time(result.first_ms),
               format_time(result.last_ms)))
    else:
        add('<p class="meta">No records matched.</p>\n')
    add("<p>")
    for level in _levels(result.by_level):
        add('<span class="chip" style="background:%s">%s %d</span>'
            % (LEVEL_COLOURS.get(level, _OTHER_COLOUR), _x(level), result.by_level[level]))
    add("</p>\n")
    add("<h2>Records per %s by level</h2>\n" % _bucket_name(result))
    add(_chart(result))
    add("<h2>Top codes</h2>\n")
    add(_table(("Code", "Records", "Latest (UTC)", "Latest message"),
               [("" if c is None else "%d" % c, n, format_time(ms), m)
                for c, n, ms, m in result.top_codes(top)]))
    add("<h2>Top sources</h2>\n")
    add(_table(("Source", "Records", "Latest (UTC)", "Latest message"),
               [(s, n, format_time(ms), m) for s, n, ms, m in result.top_sources(top)]))
    add("<h2>Slowest requests</h2>\n")
    add(_table(("Elapsed (s)", "Time (UTC)", "Source", "Machine", "User", "Message"),
               [("%.3f" % r.elapsed, format_time(r.time_ms), r.source, r.machine, r.user,
                 r.message) for r in result.slowest[:top]]))
    add("<h2>Machines</h2>\n")
    add(_table(("Machine", "Records"),
               sorted(result.by_machine.items(), key=lambda kv: -kv[1])[:top]))
    add("</body>\n</html>\n")
    return "".join(out)


def _x(value):
    """Text made safe for XML and HTML alike."""
    text = _NOT_XML.sub("\ufffd", to_text(value))
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _table(headers, rows):
    if not rows:
        return "<p>None.</p>\n"
    parts = ["<table>\n<tr>", "".join("<th>%s</th>" % _x(h) for h in headers), "</tr>\n"]
    for row in rows:
        parts.append("<tr>")
        for index, cell in enumerate(row):
            if isinstance(cell, int) and not isinstance(cell, bool):
                parts.append('<td class="n">%d</td>' % cell)
            elif index == len(row) - 1 and len(row) > 2:
                parts.append('<td class="msg">%s</td>' % _x(_short(cell, 400)))
            else:
                parts.append("<td>%s</td>" % _x("" if cell is None else cell))
        parts.append("</tr>\n")
    parts.append("</table>\n")
    return "".join(parts)


def _bucket(result):
    if result.total and (result.last_ms - result.first_ms) // _HOUR > _MAX_HOUR_BARS:
        return _DAY
    return _HOUR


def _bucket_name(result):
    return "day" if _bucket(result) == _DAY else "hour"


def _chart(result, width=960, height=280):
    """Stacked bars, most severe at the bottom, one per hour (or day) with no gaps."""
    left, right, top_pad, bottom = 56, 12, 12, 46
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    svg = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'viewBox="0 0 %d %d" role="img">\n' % (width, height, width, height)]
    if not result.total:
        svg.append('<text x="%d" y="%d" font-size="14" fill="#616161">No records.</text>\n'
                   '</svg>\n' % (left, height // 2))
        return "".join(svg)
    size = _bucket(result)
    buckets = {}
    for hour, levels in result.per_hour.items():
        slot = buckets.setdefault(hour - hour % size, {})
        for level, count in levels.items():
            slot[level] = slot.get(level, 0) + count
    first = result.first_ms - result.first_ms % size
    count = (result.last_ms - result.last_ms % size - first) // size + 1
    peak = max(sum(v.values()) for v in buckets.values())
    bar = float(plot_w) / count
    order = _levels(result.by_level)
    label = "%Y-%m-%d" if size == _DAY else "%m-%d %H:00"
    svg.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#9e9e9e"/>\n'
               % (left, top_pad + plot_h, left + plot_w, top_pad + plot_h))
    for fraction in (0.0, 0.5, 1.0):
        y = top_pad + plot_h - fraction * plot_h
        svg.append('<text x="%d" y="%.1f" font-size="11" text-anchor="end" fill="#616161">'
                   '%d</text>\n' % (left - 6, y + 4, int(round(peak * fraction))))
    every = max(1, int(count // 10) + (1 if count % 10 else 0))
    for index in range(count):
        start = first + index * size
        slot = buckets.get(start, {})
        x = left + index * bar
        y = top_pad + plot_h
        for level in order:
            n = slot.get(level, 0)
            if not n:
                continue
            h = plot_h * float(n) / peak
            y -= h
            svg.append('<rect x="%.2f" y="%.2f" width="%.2f" height="%.2f" fill="%s">'
                       '<title>%s UTC, %s: %d</title></rect>\n'
                       % (x, y, max(bar - 1, 0.5), h, LEVEL_COLOURS.get(level, _OTHER_COLOUR),
                          format_time(start)[:16], _x(level), n))
        if index % every == 0:
            svg.append('<text x="%.1f" y="%d" font-size="10" fill="#616161">%s</text>\n'
                       % (x, top_pad + plot_h + 14, _time_label(start, label)))
    legend_x = left
    for level in order:
        svg.append('<rect x="%d" y="%d" width="10" height="10" fill="%s"/>'
                   '<text x="%d" y="%d" font-size="11">%s</text>\n'
                   % (legend_x, height - 16, LEVEL_COLOURS.get(level, _OTHER_COLOUR),
                      legend_x + 14, height - 7, _x(level)))
        legend_x += 90
    svg.append("</svg>\n")
    return "".join(svg)


def _time_label(ms, pattern):
    return ms_to_datetime(ms).strftime(str(pattern))
