"""The server's logs: every record of ``/logs/query``, streamed page by page, and log settings.

Admin API (admin-api.md 7, admin-api-next.md 7): ``POST /admin/logs/query`` answers
``{"hasMore", "startTime", "endTime", "logMessages": [...]}``, newest record first.
``startTime`` is the *newest* edge of the window and ``endTime`` the *oldest*; to read on, the
response's ``endTime`` (the time of the oldest record returned) is sent as the next
``startTime``, so the records of that boundary millisecond come back again and are skipped
here by their full identity, not by time alone.

:class:`LogsManager` needs only an object with ``call(path, params, operation=...,
safe_to_repeat=...)`` returning parsed JSON (today ``AdminSession.call``), so it can be
tested against a fake of the server's paging rules.
"""

import collections
import copy
import datetime
import numbers
import re
import threading
import time

from ._compat import string_types, text_type, to_text
from .errors import AdminError, Cancelled, InvalidInput
from .selection import expand_list_files, is_pattern, parse_ref

#: Levels from most to least severe; a query returns its level and everything above it.
LEVELS = ("SEVERE", "WARNING", "INFO", "FINE", "VERBOSE", "DEBUG")
#: Levels a site can log at (``OFF`` exists only for settings, admin-api.md 7.2).
SETTING_LEVELS = ("OFF",) + LEVELS
#: The server's documented page size limit (admin-api-next.md 7.1).
MAX_PAGE_SIZE = 10000
#: The first version whose records carry ``requestID`` and whose filter takes ``requestIds``.
REQUEST_IDS_SINCE = (10, 7)
#: Code ranges up to this many codes are sent to the server as a list of ints; wider ones are
#: filtered here only, so the form stays small.
# assumption: the server documents ``codes`` as ints; ARC passes range strings through but no
# source shows a server honouring them, so ranges are expanded or filtered client-side.
MAX_SERVER_CODES = 2000

_SPAN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d|w)\s*$", re.I)
_SPAN_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})"
                  r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?)?"
                  r"\s*(Z|[+-]\d{2}:?\d{2})?\s*$", re.I)
_CODE_RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")


class _UTC(datetime.tzinfo):
    """UTC, on 2.7 too (which has no ``datetime.timezone``)."""

    def utcoffset(self, dt):
        return datetime.timedelta(0)

    def dst(self, dt):
        return datetime.timedelta(0)

    def tzname(self, dt):
        return "UTC"

    def __repr__(self):
        return "UTC"


class _Offset(datetime.tzinfo):
    """A fixed offset from UTC, for ISO text such as ``+02:00``."""

    def __init__(self, minutes):
        self._offset = datetime.timedelta(minutes=minutes)

    def utcoffset(self, dt):
        return self._offset

    def dst(self, dt):
        return datetime.timedelta(0)


UTC = _UTC()
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=UTC)


def ms_to_datetime(ms):
    """Epoch milliseconds as an aware UTC datetime."""
    return EPOCH + datetime.timedelta(milliseconds=int(ms))


def datetime_to_ms(value):
    """An aware datetime as epoch milliseconds; a naive one is read as this machine's time."""
    if value.tzinfo is None or value.utcoffset() is None:
        seconds = time.mktime(value.timetuple())
        return int(seconds) * 1000 + value.microsecond // 1000
    delta = value - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1000 + delta.microseconds // 1000


def now_ms():
    return int(time.time() * 1000)


def parse_time(value, now=None, what="time"):
    """Epoch milliseconds from what a person or script gives as a time.

    Accepts a datetime (naive = this machine's local time), a ``timedelta`` or a span text
    (``30m``, ``24h``, ``7d``, ``2w``: that long before ``now``), epoch milliseconds (a
    number or digits), ``"now"``, and ISO text (``2026-11-30``, ``2026-11-30T08:00``,
    ``2026-11-30 08:00:00,123Z``, ``...+01:00``; without an offset, local time). None stays
    None.

    Raises:
        InvalidInput: text that is none of these.
    """
    if value is None or (isinstance(value, string_types) and not value.strip()):
        return None
    now = now_ms() if now is None else now
    if isinstance(value, datetime.datetime):
        return datetime_to_ms(value)
    if isinstance(value, datetime.date):
        return datetime_to_ms(datetime.datetime(value.year, value.month, value.day))
    if isinstance(value, datetime.timedelta):
        return now - _delta_ms(value)
    if isinstance(value, bool):
        raise InvalidInput("%s is not a time: %r." % (what.capitalize(), value))
    if isinstance(value, numbers.Real) or (isinstance(value, string_types)
                                           and value.strip().isdigit()):
        number = int(float(value))
        if number < 0:
            raise InvalidInput("%s %s is before 1970." % (what.capitalize(), value))
        return number
    if isinstance(value, string_types):
        text = value.strip()
        if text.lower() == "now":
            return now
        span = _SPAN.match(text)
        if span:
            seconds = float(span.group(1)) * _SPAN_SECONDS[span.group(2).lower()]
            return now - int(seconds * 1000)
        iso = _ISO.match(text)
        if iso:
            return _iso_ms(iso, text, what)
    raise InvalidInput(
        "%s '%s' is not a time: give ISO text (2026-11-30T08:00), epoch milliseconds or a "
        "span such as 30m, 24h or 7d." % (what.capitalize(), to_text(value)))


def _delta_ms(delta):
    return (delta.days * 86400 + delta.seconds) * 1000 + delta.microseconds // 1000


def _iso_ms(match, text, what):
    year, month, day, hour, minute, second, frac, zone = match.groups()
    micro = int((frac or "0").ljust(6, "0"))
    try:
        moment = datetime.datetime(int(year), int(month), int(day), int(hour or 0),
                                   int(minute or 0), int(second or 0), micro)
    except ValueError:
        raise InvalidInput("%s '%s' is not a real date or time." % (what.capitalize(), text))
    if zone:
        if zone.upper() == "Z":
            moment = moment.replace(tzinfo=UTC)
        else:
            sign = -1 if zone[0] == "-" else 1
            digits = zone[1:].replace(":", "")
            moment = moment.replace(tzinfo=_Offset(sign * (int(digits[:2]) * 60 +
                                                           int(digits[2:]))))
    return datetime_to_ms(moment)


def parse_level(level, allowed=LEVELS):
    """The level's canonical name (``"warning"`` -> ``"WARNING"``).

    Raises:
        InvalidInput: a level the server does not know.
    """
    text = to_text(level or "").strip().upper()
    if text not in allowed:
        raise InvalidInput("'%s' is not a log level: use one of %s."
                           % (to_text(level), ", ".join(allowed)))
    return text


def parse_codes(codes):
    """``[9003, "6500-7000"]`` as a list of inclusive ``(low, high)`` ranges.

    Raises:
        InvalidInput: a code that is not a number or a ``low-high`` range with low <= high.
    """
    ranges = []
    for entry in _as_list(codes):
        if isinstance(entry, bool):
            entry = "%r" % entry
        if isinstance(entry, numbers.Integral):
            low = high = entry
        else:
            match = _CODE_RANGE.match(to_text(entry))
            if not match:
                raise InvalidInput("'%s' is not a log code or a range such as 6500-7000."
                                   % to_text(entry))
            low = int(match.group(1))
            high = int(match.group(2)) if match.group(2) else low
        if low < 0 or high < low:
            raise InvalidInput("'%s' is not a range of log codes: the first code must not "
                               "be above the second." % to_text(entry))
        ranges.append((low, high))
    return ranges


def _as_list(value):
    if value is None:
        return []
    if isinstance(value, string_types) or isinstance(value, numbers.Integral):
        return [value]
    return list(value)


def _texts(value):
    return [to_text(v).strip() for v in _as_list(value) if to_text(v).strip()]


class LogRecord(object):
    """One log record, with typed fields.

    Attributes:
        time: when, an aware UTC datetime (``time_ms`` holds the server's epoch milliseconds).
        level: ``SEVERE`` ... ``DEBUG`` (the server's ``type``).
        code: the log code, an int (None if the server sent none).
        source: ``Server``, ``Admin``, ``Rest``, ``Soap``... or a service ``Folder/Name.Type``.
        machine, user, process, thread, method_name, request_id, message: text ("" if absent;
            ``request_id`` exists from 10.7).
        elapsed: seconds as a float, or None when the server left it empty.
    """

    __slots__ = ("time_ms", "level", "code", "source", "machine", "user", "elapsed",
                 "process", "thread", "method_name", "request_id", "message")

    def __init__(self, time_ms, level, code, source, machine="", user="", elapsed=None,
                 process="", thread="", method_name="", request_id="", message=""):
        self.time_ms = time_ms
        self.level = level
        self.code = code
        self.source = source
        self.machine = machine
        self.user = user
        self.elapsed = elapsed
        self.process = process
        self.thread = thread
        self.method_name = method_name
        self.request_id = request_id
        self.message = message

    @classmethod
    def from_json(cls, item):
        """A record from one entry of ``logMessages`` (admin-api-next.md 7.2)."""
        # The common types are taken as they are; anything else goes through the slow,
        # lenient converters. A million records pass here, so it avoids calls it can.
        level, source, machine, user, process, thread, method, request, message = [
            v if v.__class__ is text_type else _str(v) for v in map(item.get, _TEXT_KEYS)]
        ms = item.get("time")
        if ms.__class__ is not int:
            ms = _int(ms) or 0
        code = item.get("code")
        if code.__class__ is not int:
            code = _int(code)
        elapsed = item.get("elapsed")
        elapsed = None if elapsed == "" or elapsed is None else _float(elapsed)
        return cls(ms, level, code, source, machine, user, elapsed, process, thread, method,
                   request, message)

    @property
    def time(self):
        return ms_to_datetime(self.time_ms)

    def identity(self):
        """Every field: two records are the same record only when all of them match."""
        return (self.time_ms, self.level, self.code, self.source, self.machine, self.user,
                self.elapsed, self.process, self.thread, self.method_name, self.request_id,
                self.message)

    def __eq__(self, other):
        return isinstance(other, LogRecord) and self.identity() == other.identity()

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash(self.identity())

    def __repr__(self):
        return "LogRecord(%s %s %s %s %r)" % (format_time(self.time_ms), self.level,
                                              self.code, self.source, self.message[:60])


_TEXT_KEYS = ("type", "source", "machine", "user", "process", "thread", "methodName",
              "requestID", "message")


def _str(value):
    if value is None:
        return ""
    return value if isinstance(value, text_type) else to_text(value)


def _int(value):
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        try:
            return int(float(value))
        except (TypeError, ValueError):
            return None


def _float(value):
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def format_time(ms):
    """``2026-11-30 08:00:00.123``: UTC, sortable, and read by Excel as a date and time."""
    moment = ms_to_datetime(ms)
    return "%s.%03d" % (moment.strftime("%Y-%m-%d %H:%M:%S"), (ms % 1000))


class LogSettings(collections.namedtuple(
        "LogSettings", "level log_dir max_age_days max_error_reports")):
    """The site's log settings (``GET /admin/logs/settings``).

    ``level`` is ``logLevel``; ``max_age_days`` is ``maxLogFileAge``; ``max_error_reports``
    is ``maxErrorReportsCount``.
    """

    __slots__ = ()


class QueryInterrupted(AdminError):
    """The server failed after some records were read; they stay valid.

    Attributes:
        cause: the error the server call raised (its class tells why).
        yielded: how many records the query had handed out.
        reached: the time of the oldest record read (aware datetime), or None.
    """

    def __init__(self, message, cause=None, yielded=0, reached=None, **kwargs):
        AdminError.__init__(self, message, **kwargs)
        self.cause = cause
        self.yielded = yielded
        self.reached = reached

    @classmethod
    def after(cls, cause, yielded, reached_ms):
        """The error for ``cause``, saying how many records were read and how far back."""
        where = " (reached %s UTC)" % format_time(reached_ms) if reached_ms is not None else ""
        return cls("Reading the logs stopped after %d record%s%s: %s"
                   % (yielded, "" if yielded == 1 else "s", where, cause.message),
                   cause=cause, yielded=yielded,
                   reached=ms_to_datetime(reached_ms) if reached_ms is not None else None,
                   operation=cause.operation, code=cause.code, messages=cause.messages,
                   url=cause.url, hint=cause.hint)


class _Query(object):
    """A validated query: what is sent to the server and what is filtered here."""

    def __init__(self, level, start, end, filters, code_ranges, text, page_size):
        self.level = level
        self.start = start  # newest edge (the server's startTime), ms or None for now
        self.end = end  # oldest edge (endTime), ms or None
        self.filter = filters
        self.code_ranges = code_ranges
        self.text = text
        self.page_size = page_size

    def keeps(self, record):
        """The filters the server cannot apply: wide code ranges and text."""
        if self.code_ranges:
            code = record.code
            if code is None:
                return False
            for low, high in self.code_ranges:
                if low <= code <= high:
                    break
            else:
                return False
        if self.text is not None and self.text not in record.message.lower():
            return False
        return True


class LogsManager(object):
    """Reads and manages the site's logs (``/admin/logs``).

    Args:
        caller: an object with ``call(path, params, operation=..., safe_to_repeat=...)``
            returning parsed JSON and raising :class:`~agsadmin_core.errors.AdminError`
            (``AdminSession``).
        resolve_services: ``resolve_services(patterns)`` -> ``Folder/Name.Type`` names of
            the services that match the patterns (``Maps/*``), needed only for patterns.
        reporter: a :class:`~agsadmin_core.reporter.Reporter`; its ``cancelled()`` is asked
            between pages and its ``warning()`` hears about records the server cannot page.
        clock: returns now in epoch ms (tests fix it).
        sleep: waits between polls of :meth:`follow`.
        version: returns the server's version as a tuple of ints (``session.version``), so
            ``request_ids`` can be refused before 10.7; None when unknown.
    """

    def __init__(self, caller, resolve_services=None, reporter=None, clock=None, sleep=None,
                 version=None):
        self.caller = caller
        self.resolve_services = resolve_services
        self.reporter = reporter
        self.clock = clock or now_ms
        self.sleep = sleep or time.sleep
        self.version = version

    def _with(self, reporter):
        """This manager with another reporter (a front end's, for one query)."""
        if reporter is None or reporter is self.reporter:
            return self
        other = copy.copy(self)
        other.reporter = reporter
        return other

    # -- query ----------------------------------------------------------------------------

    def query(self, level="WARNING", since=None, until=None, services=None, machines=None,
              codes=None, sources=None, process_ids=None, request_ids=None, text=None,
              limit=None, page_size=MAX_PAGE_SIZE, progress=None, reporter=None):
        """Every matching record, newest first, read a page at a time as they are consumed.

        Admin API: ``POST /admin/logs/query`` (``startTime`` = ``until``, ``endTime`` =
        ``since``, ``level``, ``filterType=json``, ``filter``, ``pageSize``), repeated with
        the previous ``endTime`` as ``startTime`` while ``hasMore``.

        Args:
            level: the least severe level wanted (SEVERE ... DEBUG).
            since, until: the oldest and newest time (see :func:`parse_time`); ``until``
                defaults to now, ``since`` to the start of the logs.
            services: names or patterns (``Maps/*``, ``@list.txt``); patterns are resolved
                through ``resolve_services``.
            machines, sources, process_ids, request_ids: the server's ``machines``,
                ``server``, ``processIds`` and ``requestIds`` filters (``requestIds`` needs
                10.7 or later).
            codes: codes and ranges (``9003``, ``"6500-7000"``).
            text: keep records whose message contains it (any case); filtered here.
            limit: stop after this many records; None reads every record.
            page_size: records per request, at most 10000.
            progress: called as ``progress(records_so_far, reached_datetime)`` after each
                page.
            reporter: for this query, instead of the manager's (cancel between pages,
                warnings).

        Raises:
            InvalidInput: bad input, before any request.
            QueryInterrupted: a server error after the first page; says where it stopped.
            Cancelled: the reporter asked to stop (between pages).
            AdminError: a server error on the first page.
        """
        spec = self._prepare(level, since, until, services, machines, codes, sources,
                             process_ids, request_ids, text, page_size)
        if limit is not None:
            try:
                limit = int(limit)
            except (TypeError, ValueError):
                raise InvalidInput("The limit '%s' is not a whole number." % to_text(limit))
            if limit < 0:
                raise InvalidInput("The limit must not be negative.")
        return self._with(reporter)._query(spec, limit, progress)

    def _query(self, spec, limit, progress):
        state = _WalkState()
        if limit == 0:
            return
        keeps = spec.keeps
        try:
            # Read ahead unless a limit may end the walk within the first page.
            prefetch = limit is None or limit > spec.page_size
            for page in self._pages(spec, state, prefetch):
                for record in page:
                    if keeps(record):
                        state.yielded += 1
                        yield record
                        if limit is not None and state.yielded >= limit:
                            return
                if progress is not None:
                    progress(state.yielded, ms_to_datetime(state.reached)
                             if state.reached is not None else None)
        except (InvalidInput, Cancelled):
            raise
        except AdminError as exc:
            if state.pages == 0:
                raise
            raise QueryInterrupted.after(exc, state.yielded, state.reached)

    def _pages(self, spec, state, prefetch=False):
        """Lists of new records, one per server page, with the boundary repeats removed.

        With ``prefetch`` the next page is requested on a helper thread as soon as this
        page's answer says where it starts, so the server prepares it while this page's
        records are handed out: two pages are then in memory at most. Only the request runs
        there; the reporter is asked on the caller's thread.
        """
        start, page_size = spec.start, spec.page_size
        carry_ms, carry = None, None  # the boundary millisecond and its records seen so far
        ahead = None  # (start, page_size, _Fetch) of the page requested in advance
        try:
            while True:
                if self.reporter is not None and state.pages and self.reporter.cancelled():
                    raise Cancelled("Stopped reading the logs after %d records%s."
                                    % (state.yielded, _reached_text(state.reached)))
                if ahead is not None and ahead[:2] == (start, page_size):
                    body = ahead[2].result()
                else:
                    if ahead is not None:
                        ahead[2].wait()   # one request at a time on the session
                    body = self._fetch(spec, start, page_size)
                ahead = None
                state.pages += 1
                records = body.get("logMessages") or []
                has_more, end_time = body.get("hasMore"), body.get("endTime")
                del body
                boundary = None
                if has_more and records:
                    boundary = _int(end_time)
                    if boundary is None or (start is not None and boundary > start):
                        boundary = _int(records[-1].get("time"))
                    if prefetch and boundary is not None and boundary != start:
                        ahead = (boundary, page_size, _Fetch(self._fetch, spec, boundary,
                                                             page_size))
                # Convert in place, so each raw dict is freed as its record is made: a page
                # costs the memory of one form of it, not both.
                from_json = LogRecord.from_json
                for index, item in enumerate(records):
                    records[index] = from_json(item)
                fresh = records
                if carry:
                    fresh = []
                    left = dict(carry)
                    for record in records:
                        if record.time_ms == carry_ms:
                            key = record.identity()
                            count = left.get(key)
                            if count:
                                left[key] = count - 1
                                continue
                        fresh.append(record)
                if records:
                    state.reached = records[-1].time_ms
                if fresh:
                    yield fresh
                if not has_more or not records:
                    return
                if boundary is None:
                    boundary = records[-1].time_ms
                if not fresh and start == boundary:
                    # Every record of this page is in one millisecond already read: the
                    # server cannot move past it with this page size.
                    if page_size < MAX_PAGE_SIZE:
                        page_size = MAX_PAGE_SIZE
                        continue
                    self._warn("More than %d log records share the millisecond %s UTC; the "
                               "server cannot page through them, so some were skipped."
                               % (MAX_PAGE_SIZE, format_time(boundary)))
                    start, carry_ms, carry = boundary - 1, None, None
                    continue
                carry_ms, carry = boundary, _tail_counts(records, boundary)
                start = boundary
        finally:
            if ahead is not None:
                # Stopped early (a limit, a cancel, an error): let the request in flight end,
                # so the session is free when the caller goes on or closes it.
                ahead[2].wait()

    def _fetch(self, spec, start, page_size):
        params = {"level": spec.level, "filterType": "json", "filter": spec.filter,
                  "pageSize": page_size}
        if start is not None:
            params["startTime"] = start
        if spec.end is not None:
            params["endTime"] = spec.end
        return self.caller.call("logs/query", params, operation="logs query",
                                safe_to_repeat=True)

    def _warn(self, text):
        if self.reporter is not None:
            self.reporter.warning(text)

    def _prepare(self, level, since, until, services, machines, codes, sources, process_ids,
                 request_ids, text, page_size):
        """Check every argument and build the query, before any request is sent."""
        level = parse_level(level)
        now = self.clock()
        end = parse_time(since, now, "since")
        start = parse_time(until, now, "until")
        if start is not None and end is not None and end > start:
            raise InvalidInput("'since' (%s UTC) is after 'until' (%s UTC)."
                               % (format_time(end), format_time(start)))
        try:
            page_size = int(page_size)
        except (TypeError, ValueError):
            raise InvalidInput("The page size '%s' is not a whole number." % to_text(page_size))
        if page_size < 1:
            raise InvalidInput("The page size must be at least 1.")
        page_size = min(page_size, MAX_PAGE_SIZE)
        code_ranges = parse_codes(codes)
        needle = to_text(text).lower() if text not in (None, "") else None
        # An empty list means "all" to the server (admin-api-next.md 7.1), so a key with no
        # values is left out rather than sent as [].
        filters = {}
        names = self._service_names(services)
        filters["services"] = names if names else "*"
        server = _texts(sources)
        filters["server"] = server if server else "*"
        machine_names = _texts(machines)
        filters["machines"] = machine_names if machine_names else "*"
        if code_ranges:
            width = sum(high - low + 1 for low, high in code_ranges)
            if width <= MAX_SERVER_CODES:
                filters["codes"] = sorted(set(c for low, high in code_ranges
                                             for c in range(low, high + 1)))
        pids = _texts(process_ids)
        if pids:
            filters["processIds"] = pids
        rids = _texts(request_ids)
        if rids:
            self._check_request_ids()
            filters["requestIds"] = rids
        return _Query(level, start, end, filters, code_ranges, needle, page_size)

    def _check_request_ids(self):
        version = self.version() if self.version is not None else None
        if version and tuple(version) < REQUEST_IDS_SINCE:
            raise InvalidInput(
                "Filtering by request ID needs ArcGIS Server 10.7 or later; this site runs "
                "%s, whose records carry no request ID." % ".".join(str(n) for n in version))

    def _service_names(self, services):
        entries = expand_list_files(_texts(services))
        names, patterns = [], []
        for entry in entries:
            if is_pattern(entry):
                patterns.append(entry)
            else:
                names.append(text_type(parse_ref(entry)))
        if patterns:
            if self.resolve_services is None:
                raise InvalidInput("Service patterns (%s) need the site's service list, "
                                   "which this query was not given." % ", ".join(patterns))
            found = [text_type(parse_ref(n)) for n in self.resolve_services(patterns)]
            if not found:
                # Sending no names would ask the server for every service's records.
                raise InvalidInput("No service matches %s." % ", ".join(
                    "'%s'" % p for p in patterns))
            names.extend(found)
        unique = []
        for name in names:
            if name not in unique:
                unique.append(name)
        return unique

    # -- follow ---------------------------------------------------------------------------

    def follow(self, level="WARNING", since=None, services=None, machines=None, codes=None,
               sources=None, process_ids=None, request_ids=None, text=None, interval=5.0,
               stop=None, until=None, page_size=MAX_PAGE_SIZE, reporter=None):
        """New records as they are written, oldest first, like ``tail -f``.

        Polls ``/logs/query`` every ``interval`` seconds for records at or after the newest
        one seen (that millisecond's records already seen are skipped), and yields each
        poll's new records in time order. The session signs in again when the token
        expires.

        Args:
            since: where to begin (default now: only records written from now on).
            stop: a callable; following ends when it returns True (checked after each poll).
            until: following ends once the clock passes this time.
            reporter: for this run, instead of the manager's.
            Others: as in :meth:`query`.

        Ends also when the reporter's ``cancelled()`` turns True. A poll holds its records
        in memory until it yields them, so memory grows with the records of one interval.

        Raises:
            InvalidInput: bad input, before any request.
            AdminError: a failed poll.
        """
        spec = self._prepare(level, since if since is not None else "now", None, services,
                             machines, codes, sources, process_ids, request_ids, text,
                             page_size)
        stop_ms = parse_time(until, self.clock(), "until")
        return self._with(reporter)._follow(spec, float(interval), stop, stop_ms)

    def _follow(self, spec, interval, stop, stop_ms):
        newest, seen = spec.end, {}
        while True:
            poll = _Query(spec.level, None, newest, spec.filter, (), None, spec.page_size)
            batch = []
            for page in self._pages(poll, _WalkState()):
                batch.extend(page)
            fresh = []
            left = dict(seen)
            for record in batch:
                if record.time_ms == newest:
                    key = record.identity()
                    if left.get(key):
                        left[key] -= 1
                        continue
                fresh.append(record)
            if batch:
                top = batch[0].time_ms
                if top >= newest:
                    counts = _head_counts(batch, top)
                    if top == newest:
                        # Records of that millisecond read in earlier polls stay seen.
                        for key, count in seen.items():
                            counts[key] = max(counts.get(key, 0), count)
                    newest, seen = top, counts
            # Oldest first; records of one millisecond keep the server's order.
            for record in sorted(fresh, key=_time_ms):
                if spec.keeps(record):
                    yield record
            if self._should_stop(stop, stop_ms):
                return
            self.sleep(interval)
            if self._should_stop(stop, stop_ms):
                return

    def _should_stop(self, stop, stop_ms):
        if stop is not None and stop():
            return True
        if stop_ms is not None and self.clock() >= stop_ms:
            return True
        return self.reporter is not None and bool(self.reporter.cancelled())

    # -- settings -------------------------------------------------------------------------

    def settings(self):
        """The site's log settings.

        Admin API: ``GET /admin/logs/settings`` -> ``{"settings": {"logDir", "logLevel",
        "maxErrorReportsCount", "maxLogFileAge", ...}}`` (admin-api.md 7.2).
        """
        body = self.caller.call("logs/settings", {}, operation="log settings",
                                safe_to_repeat=True)
        return _settings_from(body.get("settings") or body)

    def set_settings(self, level=None, max_age_days=None):
        """Change the log level and/or how many days logs are kept; returns the new settings.

        Admin API: ``POST /admin/logs/settings/edit`` (``logLevel``, ``logDir``,
        ``maxLogFileAge``, ``maxErrorReportsCount``) -> ``{"status": "success", "settings":
        {...}}``. The current values are read first and sent back unchanged for what is not
        given.

        Raises:
            InvalidInput: an unknown level, or a number of days below 1, before any request.
        """
        if level is None and max_age_days is None:
            raise InvalidInput("Give a log level, a number of days to keep logs, or both.")
        if level is not None:
            level = parse_level(level, SETTING_LEVELS)
        if max_age_days is not None:
            try:
                max_age_days = int(max_age_days)
            except (TypeError, ValueError):
                raise InvalidInput("The days to keep logs '%s' is not a whole number."
                                   % to_text(max_age_days))
            if max_age_days < 1:
                raise InvalidInput("Logs must be kept at least 1 day.")
        current = self.settings()
        # assumption: edit wants every setting (ARCREST sends all four), so unchanged ones
        # are sent back as read.
        form = {"logLevel": level or current.level, "logDir": current.log_dir,
                "maxLogFileAge": max_age_days if max_age_days is not None
                else current.max_age_days,
                "maxErrorReportsCount": current.max_error_reports}
        form = dict((k, v) for k, v in form.items() if v is not None)
        body = self.caller.call("logs/settings/edit", form, operation="edit log settings",
                                safe_to_repeat=True)
        if isinstance(body.get("settings"), dict):
            return _settings_from(body["settings"])
        return self.settings()

    def clean(self):
        """Delete every log record on every machine of the site (front ends ask first).

        Admin API: ``POST /admin/logs/clean`` -> ``{"status": "success"}``.
        """
        self.caller.call("logs/clean", {}, operation="clean logs", safe_to_repeat=True)


class _Fetch(object):
    """One call on a helper thread; :meth:`result` gives its answer or raises its error."""

    def __init__(self, function, *args):
        self._function = function
        self._args = args
        self._value = None
        self._error = None
        self._thread = threading.Thread(target=self._run, name="agsadmin-logs-prefetch")
        self._thread.daemon = True
        self._thread.start()

    def _run(self):
        try:
            self._value = self._function(*self._args)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            self._error = exc

    def wait(self):
        self._thread.join()

    def result(self):
        self.wait()
        if self._error is not None:
            raise self._error
        return self._value


class _WalkState(object):
    """Where a walk over the pages has got to, for progress and error messages."""

    def __init__(self):
        self.pages = 0
        self.yielded = 0
        self.reached = None


def _tail_counts(records, boundary):
    """Identities (with counts) of the records of the page's last millisecond."""
    counts = {}
    for record in reversed(records):
        if record.time_ms != boundary:
            break
        key = record.identity()
        counts[key] = counts.get(key, 0) + 1
    return counts


def _head_counts(records, top):
    counts = {}
    for record in records:
        if record.time_ms != top:
            break
        key = record.identity()
        counts[key] = counts.get(key, 0) + 1
    return counts


def _time_ms(record):
    return record.time_ms


def _reached_text(reached):
    return " (reached %s UTC)" % format_time(reached) if reached is not None else ""


def _settings_from(raw):
    return LogSettings(_str(raw.get("logLevel")) or None, raw.get("logDir"),
                       _int(raw.get("maxLogFileAge")), _int(raw.get("maxErrorReportsCount")))
