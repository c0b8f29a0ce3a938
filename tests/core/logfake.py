"""A small stand-in for the server's ``/logs`` resource, for the client's paging tests.

It follows the rules of admin-api.md 7 and admin-api-next.md 7 (until the sandbox's logs
area exists): records newest first; ``startTime`` is the newest edge and ``endTime`` the
oldest, both inclusive; ``pageSize`` defaults to 1000 and is capped at 10000; when more
remain, ``endTime`` in the answer is the time of the oldest record returned, so the next page
(which starts at that millisecond) repeats that millisecond's records. Filters arrive as JSON
text (as ``AdminSession.call`` sends dicts) or single-quoted Python text; ``"*"`` and ``[]``
mean all; ``''`` times are absent.
"""

import ast
import json
import re

from agsadmin_core.errors import from_envelope

LEVELS = ["SEVERE", "WARNING", "INFO", "FINE", "VERBOSE", "DEBUG"]


def make_record(time, type="WARNING", code=9003, source="Rest", machine="GIS1.EXAMPLE.COM",
                user="", elapsed="", process="2852", thread="1", methodName="",
                requestID="", message="Something happened."):
    return {"time": time, "type": type, "code": code, "source": source, "machine": machine,
            "user": user, "elapsed": elapsed, "process": process, "thread": thread,
            "methodName": methodName, "requestID": requestID, "message": message}


class FakeLogServer(object):
    """``call(path, params, operation=..., safe_to_repeat=...)`` like ``AdminSession.call``.

    Attributes:
        records: the site's records (any order; kept newest first, stable within a ms).
        requests: the decoded form of every call, in order.
        faults: ``{n: body}``: the n-th ``logs/query`` call (1-based) answers that error body.
        repeats: how many records were sent again at a page boundary.
    """

    def __init__(self, records=(), now=None):
        self.records = []
        self.add(records)
        self.requests = []
        self.faults = {}
        self.repeats = 0
        self._sent_at_boundary = None
        self.now = now
        self.settings = {"logDir": "/arcgis/logs/", "logLevel": "WARNING",
                         "maxErrorReportsCount": 10, "maxLogFileAge": 90,
                         "usageMeteringEnabled": False}
        self.query_calls = 0

    def add(self, records):
        self.records.extend(records)
        # Newest first; records of one millisecond keep the order they were written in.
        order = sorted(enumerate(self.records), key=lambda p: (-p[1]["time"], p[0]))
        self.records = [r for _, r in order]

    def call(self, path, params=None, operation=None, safe_to_repeat=False, **kwargs):
        form = {}
        for key, value in (params or {}).items():
            form[key] = json.dumps(value) if isinstance(value, (dict, list)) else value
        self.requests.append((path, dict(form)))
        if path == "logs/query":
            self.query_calls += 1
            body = self.faults.get(self.query_calls)
            if body is not None:
                raise from_envelope(body, operation=operation)
            return self.query(form)
        if path == "logs/settings":
            return {"settings": dict(self.settings)}
        if path == "logs/settings/edit":
            for key in ("logLevel", "logDir", "maxLogFileAge", "maxErrorReportsCount"):
                if key in form:
                    self.settings[key] = form[key]
            self.settings["maxLogFileAge"] = int(self.settings["maxLogFileAge"])
            return {"status": "success", "settings": dict(self.settings)}
        if path == "logs/clean":
            self.records = []
            return {"status": "success"}
        raise AssertionError("unexpected call " + path)

    def query(self, form):
        start = _time(form.get("startTime"))
        end = _time(form.get("endTime"))
        if start is None:
            start = self.now if self.now is not None else \
                (self.records[0]["time"] if self.records else 0)
        level = (form.get("level") or "WARNING").upper()
        rank = LEVELS.index(level)
        flt = _filter(form.get("filter"))
        size = min(int(form.get("pageSize") or 1000), 10000)
        matches = []
        for record in self.records:
            if record["time"] > start or (end is not None and record["time"] < end):
                continue
            if LEVELS.index(record["type"]) > rank:
                continue
            if not _keeps(flt, record):
                continue
            matches.append(record)
        page = matches[:size]
        has_more = len(matches) > size
        if self._sent_at_boundary and page:
            ms, sent = self._sent_at_boundary
            self.repeats += sum(1 for r in page if r["time"] == ms and id(r) in sent)
        if has_more:
            boundary = page[-1]["time"]
            self._sent_at_boundary = (boundary, set(id(r) for r in page
                                                    if r["time"] == boundary))
            end_out = boundary
        else:
            self._sent_at_boundary = None
            end_out = end if end is not None else (page[-1]["time"] if page else start)
        return {"hasMore": has_more, "startTime": start, "endTime": end_out,
                "logMessages": [dict(r) for r in page]}


def _time(value):
    if value is None or value == "":
        return None
    text = str(value)
    if re.match(r"^\d+$", text):
        return int(text)
    raise AssertionError("the client sends epoch ms, got %r" % value)


def _filter(text):
    if not text:
        return {}
    try:
        return json.loads(text)
    except ValueError:
        return ast.literal_eval(text)


def _keeps(flt, record):
    lower = lambda v: ("%s" % v).lower()  # noqa: E731
    same = lambda v: "%s" % v  # noqa: E731
    checks = (("services", "source", lower), ("server", "source", lower),
              ("machines", "machine", lower), ("codes", "code", int),
              ("processIds", "process", same), ("requestIds", "requestID", same))
    for key, field, norm in checks:
        wanted = flt.get(key)
        if wanted in (None, "*", []):
            continue
        if norm(record[field]) not in [norm(w) for w in wanted]:
            return False
    return True
