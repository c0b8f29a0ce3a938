"""LogsManager: paging, boundary de-dup, filters, times, errors, follow, settings.

Run against ``logfake.FakeLogServer``, which follows the server's paging rules of
admin-api.md 7 / admin-api-next.md 7, until the sandbox's logs area exists.
"""

import csv
import datetime
import json

import pytest

from agsadmin_core.errors import Cancelled, InvalidInput, NotFound, ServerError, \
    TokenRejected
from agsadmin_core.logs import UTC, LogRecord, LogsManager, QueryInterrupted, parse_time
from agsadmin_core.logwriters import CsvWriter, write_records
from agsadmin_core.reporter import Reporter

from .logfake import FakeLogServer, make_record

T0 = 1796025600000  # 2026-11-30T08:00:00Z (ms)
HOUR = 3600000


def site_records(n=1000, per_ms=7, dup_every=50):
    """``n`` records, ``per_ms`` to a millisecond, levels and sources mixed; every
    ``dup_every``-th record has an exact twin (all fields equal), as a real log can."""
    records = []
    levels = ["SEVERE", "WARNING", "WARNING", "INFO", "FINE"]
    for i in range(n):
        ms = T0 - (i // per_ms) * 10
        rec = make_record(ms, type=levels[i % 5], code=[9003, 6550, 7001, 8259][i % 4],
                          source=["Rest", "Maps/Parcels.MapServer", "Admin"][i % 3],
                          machine=["GIS1", "GIS2"][i % 2], process=str(100 + i % 3),
                          thread=str(i), requestID="r%d" % (i % 10),
                          elapsed="%.3f" % ((i * 37 % 1000) / 100.0) if i % 2 else "",
                          message="Record number %d, level %s" % (i, levels[i % 5]))
        records.append(rec)
        if dup_every and i % dup_every == 0:
            records.append(dict(rec))
    return records


def ids(records):
    return [r.identity() for r in records]


def expected(server, level="WARNING", keep=lambda r: True):
    rank = ["SEVERE", "WARNING", "INFO", "FINE", "VERBOSE", "DEBUG"].index(level)
    out = []
    for raw in server.records:
        if ["SEVERE", "WARNING", "INFO", "FINE", "VERBOSE", "DEBUG"].index(raw["type"]) <= rank \
                and keep(raw):
            out.append(LogRecord.from_json(raw).identity())
    return out


def manager(server, **kwargs):
    kwargs.setdefault("clock", lambda: T0 + HOUR)
    return LogsManager(server, **kwargs)


def sent_filters(server):
    return [json.loads(form["filter"]) for path, form in server.requests
            if path == "logs/query"]


# -- paging -----------------------------------------------------------------------------

@pytest.mark.parametrize("page_size", [1, 6, 7, 97, 100, 10000])
def test_every_record_once_in_order_across_pages(page_size):
    server = FakeLogServer(site_records(600))
    got = list(manager(server).query(level="FINE", page_size=page_size))
    assert ids(got) == expected(server, "FINE")
    if page_size < 600:
        assert server.query_calls > 1
        assert server.repeats > 0  # the boundary millisecond really came back


def test_exact_twins_are_both_kept_and_ms_neighbours_are_not_merged():
    twin = make_record(T0, message="Twin", thread="9")
    other = make_record(T0, message="Other in the same ms", thread="10")
    older = [make_record(T0 - 1 - i, message="old %d" % i) for i in range(5)]
    server = FakeLogServer([twin, dict(twin), other] + older)
    got = list(manager(server).query(page_size=2))
    assert [r.message for r in got] == ["Twin", "Twin", "Other in the same ms"] + \
        ["old %d" % i for i in range(5)]


def test_more_records_in_one_millisecond_than_a_page():
    same = [make_record(T0, thread=str(i), message="m%d" % i) for i in range(25)]
    server = FakeLogServer(same + [make_record(T0 - 5, message="older")])
    got = list(manager(server).query(page_size=10))
    assert [r.message for r in got] == ["m%d" % i for i in range(25)] + ["older"]
    sizes = [form["pageSize"] for path, form in server.requests]
    assert sizes[0] == 10 and sizes[-1] == 10000  # grown once, to pass the millisecond


def test_pages_are_fetched_as_records_are_consumed_at_most_one_ahead():
    server = FakeLogServer(site_records(500))
    records = manager(server).query(level="FINE", page_size=50)
    assert server.query_calls == 0
    next(records)
    assert 1 <= server.query_calls <= 2   # the next page may already be on its way
    for _ in range(60):   # the rest of page 1 and the start of page 2
        next(records)
    assert server.query_calls <= 3
    records.close()   # stopping early waits for the request in flight, then sends none
    calls = server.query_calls
    assert calls <= 3 and server.query_calls == calls


def test_limit_stops_reading():
    server = FakeLogServer(site_records(1000))
    got = list(manager(server).query(level="FINE", page_size=100, limit=150))
    assert ids(got) == expected(server, "FINE")[:150]
    assert server.query_calls <= 3   # two pages needed, a third at most requested ahead


def test_empty_result():
    server = FakeLogServer([])
    assert list(manager(server).query(since="24h")) == []
    assert server.query_calls == 1


def test_records_have_typed_fields():
    raw = make_record(T0 + 123, type="SEVERE", code="9511", elapsed="60.013", process=767,
                      requestID="a643308b", methodName="GetImage", message="No instances")
    raw_empty = make_record(T0, code=8259, elapsed="")
    got = list(manager(FakeLogServer([raw, raw_empty])).query())
    first, second = got
    assert first.time == datetime.datetime(2026, 11, 30, 8, 0, 0, 123000, tzinfo=UTC)
    assert first.time.utcoffset() == datetime.timedelta(0)
    assert first.code == 9511 and first.elapsed == 60.013 and second.elapsed is None
    assert first.process == "767" and first.request_id == "a643308b"
    assert first.method_name == "GetImage" and first.level == "SEVERE"


# -- filters ----------------------------------------------------------------------------

def test_level_and_server_side_filters_are_sent_and_applied():
    server = FakeLogServer(site_records(400))
    got = list(manager(server).query(level="info", machines=["GIS2"], sources=["Rest"],
                                     process_ids=[100], request_ids=["r3", "r5"],
                                     page_size=30))
    keep = lambda r: r["machine"] == "GIS2" and r["source"] == "Rest" and \
        r["process"] == "100" and r["requestID"] in ("r3", "r5")  # noqa: E731
    assert ids(got) == expected(server, "INFO", keep) and got
    flt = sent_filters(server)[0]
    assert flt["machines"] == ["GIS2"] and flt["server"] == ["Rest"]
    assert flt["processIds"] == ["100"] and flt["requestIds"] == ["r3", "r5"]
    assert flt["services"] == "*"
    assert all(form["level"] == "INFO" for _, form in server.requests)


def test_code_ranges_small_go_to_the_server_wide_ones_are_filtered_here():
    server = FakeLogServer(site_records(300))
    got = list(manager(server).query(level="FINE", codes=["6500-7000", 8259]))
    assert ids(got) == expected(server, "FINE", lambda r: r["code"] in (6550, 8259))
    assert sent_filters(server)[0]["codes"] == list(range(6500, 7001)) + [8259]

    server = FakeLogServer(site_records(300))
    got = list(manager(server).query(level="FINE", codes=["7000-99999"]))
    assert ids(got) == expected(server, "FINE", lambda r: r["code"] >= 7000)
    assert "codes" not in sent_filters(server)[0]


def test_text_is_filtered_on_the_client():
    server = FakeLogServer(site_records(300))
    got = list(manager(server).query(level="FINE", text="NUMBER 1"))
    assert ids(got) == expected(server, "FINE", lambda r: "number 1" in r["message"].lower())
    assert got


def test_service_patterns_are_resolved_through_the_callable():
    asked = []

    def resolve(patterns):
        asked.append(list(patterns))
        return ["Maps/Parcels.MapServer", "Maps/Roads.MapServer"]

    server = FakeLogServer(site_records(300))
    got = list(manager(server, resolve_services=resolve).query(
        services=["Maps/*", "Traffic.MapServer"]))
    assert asked == [["Maps/*"]]
    assert sent_filters(server)[0]["services"] == ["Traffic.MapServer",
                                                   "Maps/Parcels.MapServer",
                                                   "Maps/Roads.MapServer"]
    assert ids(got) == expected(server, "WARNING",
                                lambda r: r["source"] == "Maps/Parcels.MapServer")


@pytest.mark.parametrize("kwargs, words", [
    (dict(level="LOUD"), "not a log level"),
    (dict(since="yesterday-ish"), "not a time"),
    (dict(until="2026-13-45"), "not a real date"),
    (dict(codes=["7000-6500"]), "not a range"),
    (dict(codes=["abc"]), "not a log code"),
    (dict(since="2026-12-02", until="2026-12-01"), "is after"),
    (dict(page_size=0), "at least 1"),
    (dict(limit="many"), "not a whole number"),
    (dict(services=["Maps/*"]), "need the site's service list"),
    (dict(services=["not a service"]), "not a service name"),
])
def test_bad_input_is_refused_before_any_request(kwargs, words):
    server = FakeLogServer(site_records(10))
    with pytest.raises(InvalidInput) as caught:
        manager(server).query(**kwargs)
    assert words in str(caught.value)
    assert server.requests == []


def test_a_pattern_that_matches_nothing_is_refused_not_widened_to_all():
    server = FakeLogServer(site_records(10))
    with pytest.raises(InvalidInput) as caught:
        manager(server, resolve_services=lambda p: []).query(services=["Nope/*"])
    assert "No service matches 'Nope/*'" in str(caught.value)
    assert server.requests == []


# -- times ------------------------------------------------------------------------------

def test_times_in_every_form():
    now = T0
    assert parse_time("30m", now) == T0 - 30 * 60000
    assert parse_time("24h", now) == T0 - 24 * HOUR
    assert parse_time("7d", now) == T0 - 7 * 24 * HOUR
    assert parse_time(datetime.timedelta(hours=2), now) == T0 - 2 * HOUR
    assert parse_time(T0 - 5, now) == T0 - 5
    assert parse_time(str(T0), now) == T0
    assert parse_time("now", now) == T0
    assert parse_time("2026-11-30T08:00:00Z", now) == T0
    assert parse_time("2026-11-30 09:00:00,250+01:00", now) == T0 + 250
    assert parse_time(datetime.datetime(2026, 11, 30, 8, tzinfo=UTC), now) == T0
    assert parse_time("", now) is None and parse_time(None, now) is None


def test_since_and_until_become_end_and_start_time():
    server = FakeLogServer(site_records(20))
    list(manager(server).query(since="24h", until="2026-11-30T08:30:00Z"))
    form = server.requests[0][1]
    assert form["endTime"] == T0 + HOUR - 24 * HOUR  # oldest edge
    assert form["startTime"] == T0 + 30 * 60000  # newest edge
    assert form["filterType"] == "json"


def test_until_and_since_bound_the_records():
    server = FakeLogServer(site_records(400))
    got = list(manager(server).query(level="FINE", since=T0 - 300, until=T0 - 100,
                                     page_size=20))
    assert ids(got) == expected(server, "FINE", lambda r: T0 - 300 <= r["time"] <= T0 - 100)
    assert got


# -- errors -----------------------------------------------------------------------------

def test_server_error_on_page_3_says_where_it_stopped_and_the_csv_keeps_the_rest(tmp_path):
    server = FakeLogServer(site_records(1000))
    server.faults[3] = {"status": "error", "messages": ["Internal server error."],
                        "code": 500}
    path = str(tmp_path / "logs.csv")
    with pytest.raises(QueryInterrupted) as caught:
        write_records(manager(server).query(level="FINE", page_size=100), CsvWriter(path))
    error = caught.value
    assert isinstance(error.cause, ServerError)
    # Two pages of 100, less the boundary records the second page repeated.
    assert 100 < error.yielded < 200
    assert "after %d records" % error.yielded in str(error)
    assert "Internal server error." in str(error)
    assert error.reached is not None and "reached 2026-11-30 07:59:" in str(error)
    with open(path, "rb") as handle:
        lines = handle.read().decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + error.yielded
    wanted = [LogRecord.from_json(r) for r in server.records][:error.yielded]
    assert [row[-1] for row in csv.reader(lines[1:])] == [r.message for r in wanted]


def test_token_rejected_mid_query_is_interrupted_with_its_cause():
    server = FakeLogServer(site_records(300))
    server.faults[2] = {"status": "error", "messages": ["Token Expired."], "code": 498}
    records = manager(server).query(level="FINE", page_size=100)
    got = []
    with pytest.raises(QueryInterrupted) as caught:
        for record in records:
            got.append(record)
    assert len(got) == 100 and isinstance(caught.value.cause, TokenRejected)
    assert caught.value.code == 498


def test_an_error_on_the_first_page_keeps_its_own_class():
    server = FakeLogServer(site_records(30))
    server.faults[1] = {"status": "error", "messages": ["Could not find resource or "
                                                        "operation 'query'."], "code": 404}
    with pytest.raises(NotFound):
        list(manager(server).query())


class _Cancelling(Reporter):
    def __init__(self, after):
        self.after = after
        self.asked = 0

    def cancelled(self):
        self.asked += 1
        return self.asked >= self.after


def test_cancel_between_pages():
    server = FakeLogServer(site_records(500))
    got = []
    with pytest.raises(Cancelled) as caught:
        for record in manager(server, reporter=_Cancelling(2)).query(level="FINE",
                                                                     page_size=100):
            got.append(record)
    # Two pages handed out; a third at most requested ahead, never handed out.
    assert server.query_calls <= 3 and 100 < len(got) < 200
    assert ids(got) == expected(server, "FINE")[:len(got)]
    assert "after %d records" % len(got) in str(caught.value)


def test_progress_is_told_after_each_page():
    server = FakeLogServer(site_records(250))
    seen = []
    list(manager(server).query(level="FINE", page_size=100,
                               progress=lambda n, t: seen.append((n, t.tzinfo is not None))))
    counts = [n for n, _ in seen]
    assert counts[0] == 100 and counts == sorted(set(counts)) and len(counts) == 3
    assert counts[-1] == len(expected(server, "FINE")) and all(t for _, t in seen)


# -- follow -----------------------------------------------------------------------------

def test_follow_yields_new_records_in_time_order_without_doubles():
    server = FakeLogServer([make_record(T0 - 5000, message="before")])
    clock = {"now": T0}
    batches = [
        [make_record(T0 + 10, message="a"), make_record(T0 + 20, message="b", thread="1"),
         make_record(T0 + 20, message="c", thread="2")],
        # Written after the first poll, stamped in the millisecond already seen.
        [make_record(T0 + 20, message="d", thread="3"), make_record(T0 + 30, message="e")],
        [],
    ]

    def sleep(seconds):
        clock["now"] += 1000
        if batches:
            server.add(batches.pop(0))

    server.add(batches.pop(0))
    polls = {"n": 0}

    def stop():
        polls["n"] += 1
        return polls["n"] >= 4

    logs = LogsManager(server, clock=lambda: clock["now"], sleep=sleep)
    got = [r.message for r in logs.follow(since=T0, stop=stop, page_size=2)]
    assert got == ["a", "b", "c", "d", "e"]
    assert server.query_calls >= 4


def test_follow_stops_at_until():
    server = FakeLogServer([])
    clock = {"now": T0}

    def sleep(seconds):
        clock["now"] += int(seconds * 1000)

    logs = LogsManager(server, clock=lambda: clock["now"], sleep=sleep)
    assert list(logs.follow(interval=60, until=T0 + 3 * 60000)) == []
    assert server.query_calls == 3


# -- settings ---------------------------------------------------------------------------

def test_settings_edit_and_clean():
    server = FakeLogServer(site_records(10))
    logs = manager(server)
    assert logs.settings().level == "WARNING" and logs.settings().max_age_days == 90
    new = logs.set_settings(level="fine", max_age_days=30)
    assert new.level == "FINE" and new.max_age_days == 30
    edit = [form for path, form in server.requests if path == "logs/settings/edit"][0]
    assert edit == {"logLevel": "FINE", "logDir": "/arcgis/logs/", "maxLogFileAge": 30,
                    "maxErrorReportsCount": 10}
    logs.clean()
    assert list(logs.query()) == []


@pytest.mark.parametrize("kwargs", [dict(level="LOUDER"), dict(max_age_days=0), {}])
def test_bad_settings_are_refused_before_any_request(kwargs):
    server = FakeLogServer([])
    with pytest.raises(InvalidInput):
        manager(server).set_settings(**kwargs)
    assert server.requests == []


# -- through the real session: the token expires in the middle of an export -------------

class _Response(object):
    def __init__(self, body):
        self.status_code = 200
        self.is_redirect = False
        self.headers = {"Content-Type": "text/plain;charset=UTF-8"}
        self.text = json.dumps(body)


class _ExpiringHttp(object):
    """Stands in for ``requests.Session`` under ``AdminSession``: answers the admin API from
    a FakeLogServer, and lets each token serve only ``uses`` requests before answering 498,
    as an expired token gets on a real server (admin-api.md 1.6)."""

    def __init__(self, server, uses):
        self.headers = {"User-Agent": "test"}
        self.verify = True
        self.server = server
        self.uses = uses
        self.used = {}
        self.seen_tokens = []

    def mount(self, prefix, adapter):
        pass

    def close(self):
        pass

    def post(self, url, data=None, headers=None, **kwargs):
        data = dict(data)
        token = data.pop("token", None)
        data.pop("f", None)
        self.seen_tokens.append(token)
        self.used[token] = self.used.get(token, 0) + 1
        if token is None or self.used[token] > self.uses:
            return _Response({"status": "error", "messages": ["Token Expired."], "code": 498})
        path = url.split("/admin/", 1)[1]
        return _Response(self.server.call(path, data))


def test_token_expiry_mid_export_signs_in_again_and_loses_nothing():
    from agsadmin_core.auth import SigninTokenProvider
    from agsadmin_core.session import AdminSession
    from agsadmin_core.urls import parse_server_url

    issued = []

    def sign_in():
        issued.append("tok-%d" % len(issued))
        return {"token": issued[-1], "expires": None}

    server = FakeLogServer(site_records(1000))
    http = _ExpiringHttp(server, uses=3)
    session = AdminSession(parse_server_url("https://gis.example.com:6443/arcgis"),
                           SigninTokenProvider(sign_in), http=http)
    got = list(LogsManager(session, clock=lambda: T0 + HOUR).query(level="FINE",
                                                                    page_size=100))
    assert ids(got) == expected(server, "FINE")
    assert len(issued) >= 3  # the token expired more than once during the walk
    assert server.repeats > 0
