"""The logs area's state and rules: the site's log store, its settings and the query paging rule.

Sections refer to ``/work/shared/reference/admin-api.md`` section 7 and
``admin-api-next.md`` section 7 (``-next``). Two kinds of records live here:

* live records, written by the site as things happen to it (``write``:
  sign-ins, starts, stops, deletes, renames, batch calls, refusals, faults);
  a short list kept in time order;
* synthetic history (``Sandbox(log_records=N)``): N older records that are
  never stored. Record ``i`` (0 = newest) is computed from ``i`` alone with a
  counter-based PRNG (splitmix64 of seed and index), its time is a
  non-increasing function of ``i``, so a page is found by bisection and
  walked forwards: a million records cost a few hundred bytes.

The paging rule (-next 7.3): newest first; ``startTime`` (newest edge) and
``endTime`` (oldest edge) are both inclusive; when more records remain the
answer's ``endTime`` is the time of its oldest record, so a client that
feeds it back as ``startTime`` gets every record of that millisecond again
(those it already has and those it has not). Distinct records that share a
millisecond are seeded on purpose, also across page boundaries.
"""

from __future__ import absolute_import, unicode_literals

import ast
import bisect
import calendar
import json
import re
import time
import zlib
from collections import OrderedDict, namedtuple

from .. import envelopes as errors
from .. import seed
from .._compat import integer_types, string_types, text_type

# Severity order of the levels (at-or-more-severe filter, section 7.1).
LEVELS = ("SEVERE", "WARNING", "INFO", "FINE", "VERBOSE", "DEBUG")
SETTING_LEVELS = ("OFF",) + LEVELS  # OFF exists only for settings (section 7.2)
_RANK = dict((name, rank) for rank, name in enumerate(LEVELS))

DEFAULT_PAGE_SIZE = 1000
MAX_PAGE_SIZE = 10000  # documented maximum (section 7.1)
COMPONENTS = ("Server", "Admin", "Rest", "Soap")  # ``source`` values that are not services

# The site's machines (section 7.2 example shape MACHINE.DOMAIN.COM). The first
# one is where the admin API answers, so live records are written there.
MACHINES = ("GIS01.SANDBOX.LOCAL", "GIS02.SANDBOX.LOCAL", "GIS03.SANDBOX.LOCAL")
_SERVER_PROCESS = ("2852", "3120", "2976")  # the ArcGIS Server JVM per machine (section 7.2 value)

SYNTHETIC_DAYS = 7  # synthetic history spans at least this many days before the site started
_MIN_STEP_MS = 2  # ...and at least 2 ms per record, so only the seeded groups share a millisecond
_MAX_GROUP = 4  # at most this many distinct records share one synthetic millisecond
_DAY_MS = 86400000

_MASK = (1 << 64) - 1

LogRecord = namedtuple("LogRecord", "time type code source machine user process thread "
                                    "method elapsed request_id message")

Settings = namedtuple("Settings", "log_dir log_level max_log_file_age max_error_reports_count "
                                  "usage_metering_enabled")

# What the site writes about itself: (level, code, source, message pattern).
# assumption: these codes and texts are unrecorded (only 9003, 9511 and 9999
# appear in the reference, -next 7.2); they sit in the 6500-7000 range ARC's
# docstring uses as its code-range example, services' own in 8000-8099.
SIGN_IN = ("INFO", 6501, "Admin", "User '%(user)s' signed in to the Administrator API.")
SIGN_IN_FAILED = ("WARNING", 6502, "Admin",
                  "Failed to sign in user '%(user)s'. Invalid username or password.")
REFUSED = ("SEVERE", 6520, "Admin", "%(operation)s failed. %(reason)s")
BATCH = ("INFO", 6510, "Admin", "%(operation)s: %(count)d services requested, %(failed)d failed.")
FAULT = ("SEVERE", 6530, "Admin", "%(reason)s")
SETTINGS_EDITED = ("INFO", 6540, "Admin",
                   "Log settings updated: level %(level)s, maximum age %(age)s days.")
STARTED = ("INFO", 8001, None, "Service '%(ref)s' was started.")
STOPPED = ("INFO", 8002, None, "Service '%(ref)s' was stopped.")
DELETED = ("INFO", 8003, None, "Service '%(ref)s' was deleted.")
RENAMED = ("INFO", 8004, None, "Service '%(ref)s' was renamed to '%(new)s'.")
FOLDER_CREATED = ("INFO", 8005, "Admin", "Folder '%(folder)s' was created.")
CREATED = ("INFO", 8007, None, "Service '%(ref)s' was created.")
FOLDER_DELETED = ("INFO", 8006, "Admin", "Folder '%(folder)s' and its services were deleted.")

# Synthetic history: per level, (code, source kind, methodName, message, has elapsed).
# Source kind: a component name, "service" (a Folder/Name.Type) or "gp" (a GP service).
# Recorded texts: 9511 (-next 7.2, Wildsong/docker-arcgis-enterprise#6), the
# PublishingTools failure (Esri/ops-server-config#842), "End ExportMapImage"
# and "Extent:" FINE records (DS14, KTK createFC_FromExtents). 9003 and 9999
# are recorded codes with made-up text. The rest are assumption: plausible
# codes and texts.
_TEMPLATES = {
    "SEVERE": (
        (9511, "Soap", "", "Unable to process request. No instances for '%(svc)s' were available "
                           "for %(wait)s seconds. Wait timeout exceeded.", False),
        (9003, "Rest", "", "Unable to process request. Error handling service request :Could not "
                           "find a service with the name '%(svc)s' in the configured clusters. "
                           "Service may be stopped or ArcGIS Server may not be running.", False),
        (20010, "gp", "", "Error executing tool. PublishServiceDefinition Job ID: j%(hex)s : "
                          "ERROR 001487: Failed to update the published service with the server-side "
                          "data location. Please see the server's log for more details. ERROR 001369: "
                          "Failed to create the service. Failed to execute (Publish Service "
                          "Definition).", False),
        (8259, "service", "", "The instance of the service '%(ref)s' crashed.", False),
    ),
    "WARNING": (
        (9000, "Rest", "", "Invalid token used to access the service '%(svc)s'.", False),
        (8252, "service", "", "Wait time for an instance of '%(ref)s' exceeded %(wait)s seconds.",
         True),
        (7950, "Server", "", "Machine '%(machine)s' is low on memory.", False),
    ),
    "INFO": (
        (8001, "service", "", "Service '%(ref)s' was started.", False),
        (8002, "service", "", "Service '%(ref)s' was stopped.", False),
        (6501, "Admin", "", "User 'siteadmin' signed in to the Administrator API.", False),
        (7000, "Server", "", "Machine '%(machine)s' joined the site.", False),
    ),
    "FINE": (
        (100001, "service", "MapServer.ExportMapImage", "End ExportMapImage", True),
        (100004, "service", "MapServer.ExportMapImage",
         "Extent:%(xmin)s,%(ymin)s,%(xmax)s,%(ymax)s", False),
        (100005, "service", "MapServer.ExportMapImage", "Size:%(w)d,%(h)d", False),
        (9029, "Rest", "", "REST request received. Request size is %(size)d characters.", False),
    ),
    "VERBOSE": (
        (100002, "service", "MapServer.ExportMapImage", "Beginning of ExportMapImage", False),
        (100003, "service", "MapServer.ExportMapImage", "Scale:%(scale)d", False),
    ),
    "DEBUG": (
        (9999, "Admin", "", "Processing request for resource '/admin/services'.", False),
        (9999, "Server", "", "Heartbeat from machine '%(machine)s' received.", False),
    ),
}
_TEMPLATES = dict((level, tuple(t + (tuple(re.findall(r"%\((\w+)\)", t[3])),) for t in items))
                  for level, items in _TEMPLATES.items())

# How each message placeholder is filled from a record's second draw, its
# service (ref, REST name) and machine number.
_FILLERS = {
    "svc": lambda d, svc, m: svc[1],
    "ref": lambda d, svc, m: svc[0],
    "machine": lambda d, svc, m: MACHINES[m],
    "wait": lambda d, svc, m: "60.%03d" % ((d >> 4) % 1000),
    "hex": lambda d, svc, m: "%016x%016x" % (d, d ^ 0x5A5A5A5A5A5A5A5A),
    "xmin": lambda d, svc, m: -13000000 + (d >> 8) % 100000,
    "ymin": lambda d, svc, m: 4000000 + (d >> 24) % 100000,
    "xmax": lambda d, svc, m: -12990000 + (d >> 8) % 100000,
    "ymax": lambda d, svc, m: 4010000 + (d >> 24) % 100000,
    "w": lambda d, svc, m: 400 + (d >> 40) % 1200,
    "h": lambda d, svc, m: 300 + (d >> 50) % 900,
    "size": lambda d, svc, m: 80 + (d >> 12) % 4000,
    "scale": lambda d, svc, m: 1000 * (1 + (d >> 30) % 500),
}
# Share of each level in the synthetic history, per 10000 records.
_LEVEL_WEIGHTS = (("SEVERE", 500), ("WARNING", 1500), ("INFO", 3000), ("FINE", 3000),
                  ("VERBOSE", 1000), ("DEBUG", 1000))

_SERVER_TIMESTAMP = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:,(\d{1,3}))?$")
_RANGE = re.compile(r"^\s*(\d+)\s*-\s*(\d+)\s*$")
_TRUE = ("true", "1", "yes")


def _mix(value):
    """splitmix64: the counter-based PRNG behind every synthetic record (one draw per call)."""
    value = (value + 0x9E3779B97F4A7C15) & _MASK
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK
    return value ^ (value >> 31)


def _level_table():
    table = []
    total = 0
    for name, weight in _LEVEL_WEIGHTS:
        total += weight
        table.append((total, name))
    return table, total


_LEVEL_TABLE, _LEVEL_TOTAL = _level_table()
# The level of each pick in [0, _LEVEL_TOTAL): one list lookup per record.
_LEVEL_BY_PICK = tuple(next(name for bound, name in _LEVEL_TABLE if pick < bound)
                       for pick in range(_LEVEL_TOTAL))


class Query(object):
    """A parsed ``/logs/query`` request (every form real clients send, -next 7.1)."""

    __slots__ = ("start", "end", "level", "services", "components", "machines", "codes",
                 "process_ids", "request_ids", "page_size", "since_start")

    def __init__(self, start=None, end=None, level="WARNING", services=None, components=None,
                 machines=None, codes=None, process_ids=None, request_ids=None,
                 page_size=DEFAULT_PAGE_SIZE, since_start=False):
        self.start, self.end, self.level = start, end, level
        self.services, self.components, self.machines = services, components, machines
        self.codes, self.process_ids, self.request_ids = codes, process_ids, request_ids
        self.page_size, self.since_start = page_size, since_start

    def accepts(self, rec, has_request_ids):
        """True when ``rec`` passes every filter except level and time."""
        if self.services is not None or self.components is not None:
            # A source is a component or a service; listed ones of either kind pass.
            # assumption: "*", [] or absent lift the restriction of that key; when
            # only one key is a list, only sources of that kind pass.
            key = rec.source.lower()
            if key in _COMPONENT_KEYS:
                if self.components is None or key not in self.components:
                    return False
            elif self.services is None or key not in self.services:
                return False
        if self.machines is not None and rec.machine.lower() not in self.machines:
            return False
        if self.codes is not None and not any(lo <= rec.code <= hi for lo, hi in self.codes):
            return False
        if self.process_ids is not None and rec.process not in self.process_ids:
            return False
        if self.request_ids is not None and has_request_ids and \
                rec.request_id.lower() not in self.request_ids:
            return False
        return True


_COMPONENT_KEYS = frozenset(c.lower() for c in COMPONENTS)


class LogsArea(object):
    """The site's logs (the ``logs`` area, ``site.logs``): store, settings, query, clean."""

    area = "logs"

    def __init__(self, site):
        self.site = site
        self._lock = site.lock
        self.synthetic_count = int(getattr(site, "log_records", 0) or 0)
        self._live = []  # LogRecord, oldest first (appended in time order)
        self._live_keys = []  # (time, seq) of each live record, for bisection
        self._seq = 0
        self.settings = None
        self.started_ms = 0
        self.cleaned_ms = None
        self._anchor = 0
        self._step = 1.0
        self._salt = 0
        self._sources = ()
        self._processes = {}

    # -- lifecycle ---------------------------------------------------------

    def populate(self):
        """Empty live store, default settings, synthetic history ending just before now."""
        now_ms = self._now_ms()
        self._live, self._live_keys, self._seq = [], [], 0
        self.started_ms = now_ms
        self.cleaned_ms = None
        # assumption: recorded 10.5.1 Linux values (section 7.2) with a made-up path.
        self.settings = Settings("/arcgis/server/usr/logs/", "INFO", 90, 10, False)
        count = self.synthetic_count
        span = max(SYNTHETIC_DAYS * _DAY_MS, count * _MIN_STEP_MS)
        self._anchor = now_ms - 1000  # the newest synthetic record: a second before start
        self._step = float(span) / count if count else 1.0
        self._salt = _mix(int(self.site.seed or 0) ^ 0x5EED106)
        # History names the seeded services (deleted ones can stay in old logs).
        refs = ["%s.%s" % (s.name, s.type) if s.folder == "/" else
                "%s/%s.%s" % (s.folder, s.name, s.type)
                for s in seed.service_specs(self.site.bulk_services, False)]
        # (Folder/Name.Type, Folder/Name/Type): the second is how REST messages name it.
        self._sources = tuple((ref, "/".join(ref.rsplit(".", 1))) for ref in refs)
        self._processes = {}

    def snapshot(self):
        """This area's part of the control plane's state view."""
        with self._lock:
            return OrderedDict([("logs", OrderedDict([
                ("liveRecords", len(self._live)), ("syntheticRecords", self.synthetic_count),
                ("cleanedAt", self.cleaned_ms), ("settings", self.settings_json()["settings"])]))])

    def _now_ms(self):
        return int(self.site.now() * 1000)

    @property
    def has_request_ids(self):
        """``requestID`` fields and the ``requestIds`` filter exist from 10.7 (section 7.1)."""
        return self.site.version.at_least(10, 7)

    # -- writing (the site's own actions) ----------------------------------

    def write(self, kind, source=None, user="", elapsed="", **values):
        """Append one live record of ``kind`` (a (level, code, source, pattern) tuple) now.

        Records more verbose than the ``logLevel`` setting are not written
        (OFF writes nothing). Returns the record, or None when filtered out.
        """
        level, code, default_source, pattern = kind
        # assumption: the logLevel setting gates what is written from now on; live
        # records come from the first machine's server process (unrecorded).
        with self._lock:
            setting = self.settings.log_level
            if setting == "OFF" or _RANK[level] > _RANK[setting]:
                return None
            now_ms = self._now_ms()
            if self._live_keys and now_ms < self._live_keys[-1][0]:
                now_ms = self._live_keys[-1][0]  # keep the store in time order
            self._seq += 1
            seq = self._seq
            draw = _mix(self._salt ^ (seq << 20) ^ 0x11FE)
            rec = LogRecord(now_ms, level, code, source or default_source, MACHINES[0],
                            user or "", _SERVER_PROCESS[0], text_type(seq % 200 + 1), "",
                            text_type(elapsed or ""), _request_id(draw),
                            pattern % dict(values, user=user or ""))
            self._live.append(rec)
            self._live_keys.append((now_ms, seq))
            return rec

    # -- synthetic history ---------------------------------------------------

    def _draw(self, index):
        """The first PRNG draw of synthetic record ``index``: group, level, template, machine, service."""
        return _mix(self._salt ^ index)

    def _joins(self, index, draw=None):
        """True when record ``index`` is seeded to share its millisecond with ``index - 1``."""
        if index <= 0:
            return False
        if index % 100 == 0:
            return True  # groups straddle every 100th record: page boundaries of round sizes
        if draw is None:
            draw = self._draw(index)
        return draw & 15 == 0  # and one in 16 at random

    def _leader(self, index, draw=None):
        """The first index of the millisecond group of ``index`` (groups of at most 4)."""
        if not self._joins(index, draw):
            return index
        steps = 1
        while steps < _MAX_GROUP - 1 and self._joins(index - steps):
            steps += 1
        return index - steps

    def synthetic_time(self, index, leader=None):
        """Epoch ms of synthetic record ``index`` (0 = newest); non-increasing in ``index``."""
        if leader is None:
            leader = self._leader(index)
        return self._anchor - int(leader * self._step)

    def synthetic_level(self, index, draw=None):
        """The level of synthetic record ``index`` (from its first draw)."""
        if draw is None:
            draw = self._draw(index)
        return _LEVEL_BY_PICK[((draw >> 4) & 0xFFFF) % _LEVEL_TOTAL]

    def synthetic_record(self, index, level=None, leader=None, draw=None):
        """Synthetic record ``index``, deterministic from the site seed and the index."""
        if draw is None:
            draw = self._draw(index)
        level = level or self.synthetic_level(index, draw)
        if leader is None:
            leader = self._leader(index, draw)
        templates = _TEMPLATES[level]
        code, kind, method, pattern, timed, keys = templates[(draw >> 20) % len(templates)]
        machine_no = (draw >> 28) % len(MACHINES)
        sources = self._sources
        service = sources[(draw >> 32) % len(sources)] if sources else ("Server", "Server")
        if kind == "service":
            source = service[0]
        elif kind == "gp":
            source = "System/PublishingTools.GPServer"
        else:
            source = kind
        second = _mix(draw)
        if kind in ("service", "gp"):
            process = self._soc_process(source, machine_no)
        else:
            process = _SERVER_PROCESS[machine_no]
        # Threads of one millisecond group differ by their position in it: distinct
        # records stay distinct even without a requestID (before 10.7).
        thread = text_type(((second % 150) // _MAX_GROUP) * _MAX_GROUP + index - leader + 1)
        message = pattern % dict((key, _FILLERS[key](second, service, machine_no)) for key in keys) \
            if keys else pattern
        elapsed = "%.3f" % (((second >> 36) % 5000) / 1000.0) if timed else ""
        request_id = "%08x-%04x-%04x-%04x-%012x" % (second >> 32, (second >> 16) & 0xFFFF,
                                                    second & 0xFFFF, draw >> 48,
                                                    draw & 0xFFFFFFFFFFFF)
        return LogRecord(self._anchor - int(leader * self._step), level, code, source,
                         MACHINES[machine_no], "siteadmin" if kind == "Admin" else "", process,
                         thread, method, elapsed, request_id, message)

    def _soc_process(self, source, machine_no):
        """An ArcSOC process id per service and machine (stable, so processIds filters work)."""
        key = (source, machine_no)
        process = self._processes.get(key)
        if process is None:
            process = text_type(4000 + _mix(zlib.crc32(source.encode("utf-8")) ^ machine_no) % 5000)
            self._processes[key] = process
        return process

    def _synthetic_first(self, start_ms):
        """Index of the newest synthetic record with time <= ``start_ms``."""
        lo, hi = 0, self.synthetic_count
        while lo < hi:
            mid = (lo + hi) // 2
            if self.synthetic_time(mid) <= start_ms:
                hi = mid
            else:
                lo = mid + 1
        return lo

    # -- reading -----------------------------------------------------------

    def _newest_first(self, start_ms, end_ms, floor_ms, query):
        """Every record with ``end_ms <= time <= start_ms`` passing ``query``, newest first.

        Live records come before synthetic ones of the same millisecond, and
        inside one millisecond the order is fixed (live: latest written first;
        synthetic: by index), so a repeated page boundary repeats exactly.
        """
        # assumption: both edges are inclusive and the order inside a millisecond
        # is stable (-next 7.3 and 12 item 4: inferred from the paging rule).
        low = max(end_ms, floor_ms)
        rank = _RANK[query.level]
        has_ids = self.has_request_ids
        with self._lock:
            live, keys = self._live, list(self._live_keys)
        pos = bisect.bisect_right(keys, (start_ms, float("inf"))) - 1
        index = self._synthetic_first(start_ms)
        # After a clean the synthetic history (all older than the site) is gone.
        count = 0 if self.cleaned_ms is not None else self.synthetic_count
        draw = self._draw(index)
        leader = self._leader(index, draw) if index < count else None
        synth_time = self.synthetic_time(index, leader) if index < count else None
        while True:
            live_time = keys[pos][0] if pos >= 0 else None
            if live_time is not None and (synth_time is None or live_time >= synth_time):
                if live_time < low:
                    return
                rec = live[pos]
                pos -= 1
                if _RANK[rec.type] <= rank and query.accepts(rec, has_ids):
                    yield rec
            elif synth_time is not None:
                if synth_time < low:
                    return
                level = _LEVEL_BY_PICK[((draw >> 4) & 0xFFFF) % _LEVEL_TOTAL]
                if _RANK[level] <= rank:
                    rec = self.synthetic_record(index, level, leader, draw)
                    if query.accepts(rec, has_ids):
                        yield rec
                index += 1
                if index < count:
                    draw = self._draw(index)
                    leader = self._leader(index, draw)
                    synth_time = self._anchor - int(leader * self._step)
                else:
                    synth_time = None
            else:
                return

    def _range(self, query):
        """``(start, end, floor)`` in ms: the query's edges and the retention floor."""
        now_ms = self._now_ms()
        start = now_ms if query.start is None else query.start
        end = query.end
        if end is None:
            # assumption: sinceServerStart=true starts the range at the site's start.
            end = self.started_ms if query.since_start else 0
        # assumption: maxLogFileAge applies at once: older records are not returned.
        with self._lock:
            floor = now_ms - self.settings.max_log_file_age * _DAY_MS
        return start, end, floor

    def query(self, query):
        """Admin API: ``/logs/query`` -> ``{"hasMore", "startTime", "endTime", "logMessages"}``."""
        start, end, floor = self._range(query)
        page = []
        has_more = False
        for rec in self._newest_first(start, end, floor, query):
            if len(page) == query.page_size:
                has_more = True
                break
            page.append(rec)
        ids = self.has_request_ids
        # assumption: startTime/endTime of the answer are those of its newest and
        # oldest records; with no records, the requested edges (section 7.1 shape).
        return OrderedDict([
            ("hasMore", has_more),
            ("startTime", page[0].time if page else start),
            ("endTime", page[-1].time if page else max(end, 0) or start),
            ("logMessages", [_message(rec, ids) for rec in page]),
        ])

    # -- settings and clean (section 7.2) -----------------------------------

    def settings_json(self):
        """Admin API: GET ``/logs/settings`` (recorded shape, section 7.2)."""
        s = self.settings
        # assumption: statisticsConfig content is elided in the recording.
        return OrderedDict([("settings", OrderedDict([
            ("logDir", s.log_dir), ("logLevel", s.log_level),
            ("maxErrorReportsCount", s.max_error_reports_count),
            ("maxLogFileAge", s.max_log_file_age),
            ("usageMeteringEnabled", s.usage_metering_enabled),
            ("statisticsConfig", OrderedDict([
                ("enabled", True), ("samplingInterval", 28), ("maxHistory", 0),
                ("statisticsDir", "/arcgis/server/usr/directories/arcgissystem")]))]))])

    def edit_settings(self, log_level=None, log_dir=None, max_log_file_age=None,
                      max_error_reports_count=None, usage_metering_enabled=None):
        """Admin API: POST ``/logs/settings/edit`` -> ``{"status":"success","settings":{...}}``.

        assumption: a parameter left out keeps its value (the doc lists them all).
        """
        with self._lock:
            s = self.settings
            level = s.log_level if log_level in (None, "") else text_type(log_level).strip().upper()
            if level not in SETTING_LEVELS:
                raise errors.InvalidParameter("logLevel", "Values: %s." % " | ".join(SETTING_LEVELS))
            log_dir = s.log_dir if not log_dir else text_type(log_dir)
            if not log_dir.endswith("/") and not log_dir.endswith("\\"):
                log_dir += "/"  # recorded: logDir always gets a trailing slash
            age = _positive_int("maxLogFileAge", max_log_file_age, s.max_log_file_age)
            reports = _positive_int("maxErrorReportsCount", max_error_reports_count,
                                    s.max_error_reports_count)
            metering = s.usage_metering_enabled if usage_metering_enabled in (None, "") else \
                text_type(usage_metering_enabled).strip().lower() in _TRUE
            self.settings = Settings(log_dir, level, age, reports, metering)
            self.write(SETTINGS_EDITED, level=level, age=age)
        result = OrderedDict([("status", "success")])
        result.update(self.settings_json())
        return result

    def clean(self):
        """Admin API: POST ``/logs/clean``: every record so far is deleted (section 7.2).

        assumption: the clean writes no record of its own.
        """
        with self._lock:
            self._live, self._live_keys = [], []
            self.cleaned_ms = self._now_ms()
        return OrderedDict([("status", "success")])

    # -- helpers for tests -------------------------------------------------

    def all_records(self, level="DEBUG"):
        """Every visible record at ``level`` or more severe, newest first (a generator)."""
        return self.walk(Query(level=level))

    def walk(self, query):
        """Every record ``query`` selects ignoring paging, newest first (a generator)."""
        start, end, floor = self._range(query)
        return self._newest_first(start, end, floor, query)


def _request_id(draw):
    text = "%032x" % (draw * 0x9E3779B97F4A7C15 & ((1 << 128) - 1))
    return "%s-%s-%s-%s-%s" % (text[:8], text[8:12], text[12:16], text[16:20], text[20:32])


def _message(rec, with_request_id):
    """One ``logMessages`` entry: every field, strings where clients expect strings (-next 7.2)."""
    # A plain dict: ordered on 3.7+, and a page of 10000 builds fast (key order is
    # not part of JSON's meaning).
    entry = {"type": rec.type, "message": rec.message, "time": rec.time, "source": rec.source,
             "machine": rec.machine, "user": rec.user, "code": rec.code, "elapsed": rec.elapsed,
             "process": rec.process, "thread": rec.thread, "methodName": rec.method}
    if with_request_id:
        entry["requestID"] = rec.request_id
    return entry


def _positive_int(name, value, default):
    if value in (None, ""):
        return default
    try:
        number = int(text_type(value).strip())
    except ValueError:
        raise errors.InvalidParameter(name, "The value must be a whole number.")
    if number < 1:
        raise errors.InvalidParameter(name, "The value must be 1 or more.")
    return number


# -- parsing the request (-next 7.1) ----------------------------------------

def parse_time(name, value):
    """Epoch ms from ms text or a server timestamp ``2011-08-01T15:17:20,123``; '' is absent.

    assumption: server timestamps are read as UTC (the sandbox's /info timezone).
    """
    if value is None:
        return None
    text = text_type(value).strip()
    if not text:
        return None  # RAPI sends startTime='' and endTime='' (-next 7.1)
    if re.match(r"^-?\d+(\.\d+)?$", text):
        return int(float(text))
    found = _SERVER_TIMESTAMP.match(text)
    if not found:
        raise errors.InvalidParameter(name, "Use milliseconds since 1970 or "
                                            "yyyy-MM-ddTHH:mm:ss,SSS.")
    parts = [int(p) for p in found.groups()[:6]]
    millis = int((found.group(7) or "0").ljust(3, "0"))
    try:
        seconds = calendar.timegm((parts[0], parts[1], parts[2], parts[3], parts[4], parts[5],
                                   0, 0, 0))
        time.gmtime(seconds)
    except (ValueError, OverflowError):
        raise errors.InvalidParameter(name, "Not a valid date and time.")
    return seconds * 1000 + millis


def parse_filter(raw):
    """The ``filter`` value as a dict: JSON, or single-quoted Python-repr text (KTK, DS14)."""
    if raw is None or not text_type(raw).strip():
        return {}
    text = text_type(raw).strip()
    try:
        value = json.loads(text)
    except ValueError:
        try:
            # Python 2 str() of a dict of unicode gives u'...' too: literal_eval reads both.
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            raise errors.InvalidParameter("filter", "The value is not valid JSON.")
    if not isinstance(value, dict):
        raise errors.InvalidParameter("filter", "The filter must be a JSON object.")
    return value


def _names(key, value):
    """None (no restriction) for ``"*"``, ``[]``, absent; else a set of lower-cased names."""
    if value is None:
        return None
    if isinstance(value, string_types):
        value = value.strip()
        if value in ("*", ""):
            return None
        value = value.split(",")  # the doc calls each property a comma-separated list
    if not isinstance(value, (list, tuple)):
        raise errors.InvalidParameter("filter", "'%s' must be \"*\" or a list." % key)
    names = set(text_type(v).strip().lower() for v in value if text_type(v).strip())
    if not names or "*" in names:
        return None  # [] means all (-next 7.1, D:logsquery "set the value to []")
    return names


def _codes(value):
    """Code filter: ints, numeric text and ranges ``"6500-7000"`` (ARC docstring) -> (lo, hi) pairs."""
    if value is None:
        return None
    if isinstance(value, string_types):
        if value.strip() in ("*", ""):
            return None
        value = value.split(",")
    if isinstance(value, integer_types):
        value = [value]
    if not isinstance(value, (list, tuple)):
        raise errors.InvalidParameter("filter", "'codes' must be a list.")
    ranges = []
    for item in value:
        if isinstance(item, bool):
            raise errors.InvalidParameter("filter", "Bad code %r." % (item,))
        if isinstance(item, integer_types):
            ranges.append((item, item))
            continue
        text = text_type(item).strip()
        found = _RANGE.match(text)
        if found:
            ranges.append((int(found.group(1)), int(found.group(2))))
        elif text.isdigit():
            ranges.append((int(text), int(text)))
        elif text == "*":
            return None
        else:
            raise errors.InvalidParameter("filter", "Bad code '%s'." % text)
    return ranges or None


def _ids(key, value):
    names = _names(key, value)
    return None if names is None else set(n.lower() for n in names)


def build_query(fields, has_request_ids):
    """A ``Query`` from request fields (a mapping of name -> text or None).

    ``fields`` keys: startTime, endTime, level, filterType, filter, pageSize,
    sinceServerStart / sinceLastStart / sinceLastStarted.
    """
    filter_type = (fields.get("filterType") or "json").strip().lower()
    if filter_type != "json":
        # assumption: json is the only documented value; others are refused.
        raise errors.InvalidParameter("filterType", "The only supported value is 'json'.")
    level = (fields.get("level") or "WARNING").strip().upper()
    if level not in LEVELS:
        # assumption: an unknown level is refused (ARC never sends one, -next 7.1).
        raise errors.InvalidParameter("level", "Values: %s." % " | ".join(LEVELS))
    raw_size = (fields.get("pageSize") or "").strip()
    if raw_size:
        try:
            page_size = int(raw_size)
        except ValueError:
            raise errors.InvalidParameter("pageSize", "The value must be a whole number.")
        if page_size < 1:
            # assumption: a non-positive page size is refused.
            raise errors.InvalidParameter("pageSize", "The value must be 1 or more.")
        # assumption: above the documented maximum the size is capped, silently
        # (KTK asks for 100000 and expects an answer, -next 7.1).
        page_size = min(page_size, MAX_PAGE_SIZE)
    else:
        page_size = DEFAULT_PAGE_SIZE
    since = ""
    for name in ("sinceServerStart", "sinceLastStart", "sinceLastStarted"):
        since = since or (fields.get(name) or "")
    spec = parse_filter(fields.get("filter"))
    request_ids = _ids("requestIds", spec.get("requestIds"))
    if not has_request_ids:
        # assumption: before 10.7 the key is unknown and ignored, like any unknown key.
        request_ids = None
    return Query(start=parse_time("startTime", fields.get("startTime")),
                 end=parse_time("endTime", fields.get("endTime")), level=level,
                 services=_names("services", spec.get("services")),
                 components=_names("server", spec.get("server")),
                 machines=_names("machines", spec.get("machines")),
                 codes=_codes(spec.get("codes")),
                 process_ids=_names("processIds", spec.get("processIds")),
                 request_ids=request_ids, page_size=page_size,
                 since_start=since.strip().lower() in _TRUE)
