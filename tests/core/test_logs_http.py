"""server.logs over real HTTP against the sandbox's logs area: paging with boundary repeats,
every filter, times, limits, token expiry, a server error mid-walk, follow, settings, the
report."""

from __future__ import unicode_literals

import io
import json
import xml.etree.ElementTree as ET

import pytest

from agsadmin_core.errors import InvalidInput
from agsadmin_core.logs import LogRecord, QueryInterrupted, now_ms
from agsadmin_core.logwriters import CsvWriter, LogSummary, report, write_records
from tests.conftest import CANARY_PASSWORD

ALL = {"services": "*", "server": "*", "machines": "*"}
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def logs_site(make_sandbox):
    return make_sandbox(log_records=3000)


def whole_store(server, level="DEBUG"):
    """Every record in one raw request (3000 synthetic + the site's own fit one page)."""
    body = server.session.call("logs/query", {"level": level, "pageSize": 10000,
                                              "filterType": "json",
                                              "filter": json.dumps(ALL)},
                               safe_to_repeat=True)
    assert body["hasMore"] is False
    return [LogRecord.from_json(item) for item in body["logMessages"]]


def query_requests(sb):
    return [r for r in sb.requests if r["path"].endswith("/logs/query")]


@pytest.mark.parametrize("page_size", [100, 250, 999])
def test_every_record_once_in_order_across_pages(logs_site, connect, page_size):
    server = connect(logs_site)
    expected = whole_store(server)
    before = len(query_requests(logs_site))
    got = list(server.logs.query(level="DEBUG", page_size=page_size))
    # The site's own sign-in record is newer than the raw read: compare what both hold.
    assert got[-len(expected):] == expected
    # Newer than the raw read: at most the site's own records of this test (sign-ins).
    assert all(r.code == 6501 for r in got[:len(got) - len(expected)])
    pages = len(query_requests(logs_site)) - before
    assert pages >= len(expected) // page_size
    # Records 99/100, 199/200... share a millisecond: page boundaries fell inside groups.
    shared = sum(1 for a, b in zip(got, got[1:]) if a.time_ms == b.time_ms)
    assert shared > 0


def test_records_are_typed(logs_site, connect):
    server = connect(logs_site)
    records = list(server.logs.query(level="FINE", limit=2000))
    assert all(r.time.tzinfo is not None for r in records)
    assert all(isinstance(r.code, int) for r in records)
    timed = [r for r in records if r.elapsed is not None]
    assert timed and all(isinstance(r.elapsed, float) for r in timed)
    assert all(r.request_id for r in records)   # 11.3 has requestID


def test_limit_reads_only_the_pages_it_needs(logs_site, connect):
    server = connect(logs_site)
    before = len(query_requests(logs_site))
    got = list(server.logs.query(level="DEBUG", limit=7, page_size=100))
    assert len(got) == 7
    assert len(query_requests(logs_site)) - before == 1


def test_each_filter(logs_site, connect):
    server = connect(logs_site)
    every = whole_store(server)
    pick = next(r for r in every if r.source.startswith("Maps/"))

    def q(**kwargs):
        kwargs.setdefault("level", "DEBUG")
        return list(server.logs.query(**kwargs))

    maps = q(services=["Maps/*"])
    assert maps and all(r.source.startswith("Maps/") for r in maps)
    assert set(r.source for r in maps) == set(r.source for r in every
                                              if r.source.startswith("Maps/"))
    one = q(services=[pick.source])
    assert one and set(r.source for r in one) == set([pick.source])
    machine = q(machines=["GIS02.SANDBOX.LOCAL"])
    assert machine and set(r.machine for r in machine) == set(["GIS02.SANDBOX.LOCAL"])
    rest = q(sources=["Rest"])
    assert rest and set(r.source for r in rest) == set(["Rest"])
    codes = q(codes=[9003, "6500-6540"])
    assert codes and all(r.code == 9003 or 6500 <= r.code <= 6540 for r in codes)
    assert len(codes) == len([r for r in every if r.code == 9003 or 6500 <= r.code <= 6540])
    wide = q(codes=["1-200000"])   # wider than the server gets: filtered here
    assert len(wide) >= len(every)
    text = q(text="EXPORTMAPIMAGE")
    assert text and all("exportmapimage" in r.message.lower() for r in text)
    pids = q(process_ids=[pick.process])
    assert pids and set(r.process for r in pids) == set([pick.process])
    rid = q(request_ids=[pick.request_id])
    assert [r.request_id for r in rid] == [pick.request_id]
    severe = q(level="SEVERE")
    assert severe and set(r.level for r in severe) == set(["SEVERE"])


def test_levels_are_at_or_more_severe(logs_site, connect):
    server = connect(logs_site)
    got = list(server.logs.query(level="warning"))
    assert set(r.level for r in got) == set(["SEVERE", "WARNING"])


def test_request_ids_are_refused_before_10_7_without_a_request(make_sandbox, connect):
    sb = make_sandbox(log_records=100, version="10.6.1")
    server = connect(sb)
    before = len(query_requests(sb))
    with pytest.raises(InvalidInput) as caught:
        list(server.logs.query(request_ids=["abc"]))
    assert "10.7" in caught.value.message and "10.6.1" in caught.value.message
    assert len(query_requests(sb)) == before
    # and without it, 10.6.1 records carry no request id
    assert all(r.request_id == "" for r in server.logs.query(level="DEBUG", limit=50))


def test_a_pattern_that_matches_nothing_is_refused(logs_site, connect):
    server = connect(logs_site)
    with pytest.raises(InvalidInput):
        list(server.logs.query(services=["Nowhere/*"]))


def test_relative_and_absolute_times(logs_site, connect):
    server = connect(logs_site)
    every = whole_store(server)
    now = now_ms()
    recent = list(server.logs.query(level="DEBUG", since="2d"))
    cut = now - 2 * 86400000
    # The site's clock moves on while the test runs: allow records of that last second.
    expected = [r for r in every if r.time_ms >= cut + 1000]
    assert len(recent) >= len(expected) and all(r.time_ms >= cut - 1000 for r in recent)
    assert len(recent) < len(every)
    middle = every[len(every) // 2]
    window = list(server.logs.query(level="DEBUG", since=middle.time_ms,
                                    until=middle.time.isoformat()))
    assert middle in window and all(r.time_ms == middle.time_ms for r in window)


def test_an_empty_result(logs_site, connect):
    server = connect(logs_site)
    assert list(server.logs.query(until="2001-01-01T00:00Z")) == []
    assert list(server.logs.query(level="DEBUG", codes=[1])) == []


def test_token_expiry_mid_export_loses_and_doubles_nothing(logs_site, connect):
    server = connect(logs_site)
    expected = whole_store(server)
    logs_site.faults.expire_tokens_after(3)
    got = list(server.logs.query(level="DEBUG", page_size=200))
    own = [r for r in got if r not in expected]
    assert got[len(own):] == expected
    # Signing in again is itself a record, and it is newer than the walk began: not in it.
    assert all(r.code in (6501,) for r in own)


def test_a_server_error_on_page_3_keeps_what_was_read_and_says_where(logs_site, connect,
                                                                       tmp_path):
    server = connect(logs_site)
    logs_site.faults.add("envelope", match="logs/query", nth=3,
                         message="Injected page failure.")
    path = str(tmp_path / "part.csv")
    records = server.logs.query(level="DEBUG", page_size=400)
    with pytest.raises(QueryInterrupted) as caught:
        write_records(records, CsvWriter(path))
    error = caught.value
    # Two pages of 400, less the boundary repeats (groups of at most 4 share a millisecond).
    assert 792 <= error.yielded <= 800 and error.reached is not None
    assert "stopped after %d records" % error.yielded in error.message
    assert "Injected page failure." in error.message
    assert error.cause.messages == ["Injected page failure."]
    with io.open(path, encoding="utf-8-sig") as handle:
        assert len(handle.read().splitlines()) == error.yielded + 1


def test_follow_picks_up_new_records(logs_site, connect):
    server = connect(logs_site)
    follow = server.logs.follow(level="INFO", interval=0.05, until=now_ms() + 60000)
    server.services.stop(["Maps/Parcels.MapServer"])
    first = next(r for r in follow if r.code == 8002)
    assert first.source == "Maps/Parcels.MapServer"
    server.services.start(["Maps/Parcels.MapServer"])
    second = next(r for r in follow if r.code == 8001)
    assert second.source == "Maps/Parcels.MapServer" and second.time_ms >= first.time_ms


def test_report_of_real_records_is_xml_with_a_chart(logs_site, connect, tmp_path):
    server = connect(logs_site)
    summary = LogSummary()
    path = str(tmp_path / "r.html")
    count = write_records(server.logs.query(level="DEBUG", since="8d"),
                          _Null(), summary=summary)
    report(summary, path)
    root = ET.parse(path).getroot()
    bars = root.find(".//" + SVG + "svg").findall(SVG + "rect")
    assert count == summary.total > 3000 and len(bars) > 24
    with io.open(path, encoding="utf-8") as handle:
        page = handle.read()
    assert "<script" not in page and "http://" not in page.replace(
        "http://www.w3.org/", "")
    assert CANARY_PASSWORD not in page


class _Null(object):
    count = 0

    def write(self, record):
        self.count += 1

    def close(self):
        pass


def test_settings_edit_and_clean(logs_site, connect):
    server = connect(logs_site)
    settings = server.logs.settings()
    assert settings.level == "INFO" and settings.max_age_days == 90
    changed = server.logs.set_settings(level="fine", max_age_days=30)
    assert changed.level == "FINE" and changed.max_age_days == 30
    assert server.logs.settings() == changed
    assert len(whole_store(server)) > 3000
    cleaned_at = now_ms()
    server.logs.clean()
    # Every record so far is gone; only what the site writes afterwards may appear.
    left = list(server.logs.query(level="DEBUG"))
    assert len(left) < 5 and all(r.time_ms >= cleaned_at - 1000 for r in left)
