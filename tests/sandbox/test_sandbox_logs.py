"""The logs area over real HTTP, driven the way real clients drive it (admin-api-next.md section 7).

ARC (ArcGIS API for Python): POST, no filterType, JSON filter, walks pages.
Esri samples (KTK, DS14): single-quoted Python-repr filters, ``[]`` for all.
RAPI: GET, ``startTime=''``/``endTime=''``, one page. KTK: ``pageSize=100000``.
The expected records are filtered by the tests themselves from a full walk,
never taken from the sandbox's own filter code.
"""

from __future__ import absolute_import, unicode_literals

import calendar
import json
import time
from collections import Counter

import pytest
import requests

from agsadmin_core.sandbox import DEMO_PASSWORD, DEMO_USER

from tests.conftest import CANARY_PASSWORD

LEVELS = ["SEVERE", "WARNING", "INFO", "FINE", "VERBOSE", "DEBUG"]
FIELDS = {"type", "message", "time", "source", "machine", "user", "code", "elapsed", "process",
          "thread", "methodName"}
ALL = '{"services": "*", "machines": "*", "server": "*"}'


def query(admin, method="POST", **fields):
    """One /logs/query answer (f=json, the token in the body or, for GET, the query string)."""
    fields.setdefault("f", "json")
    if method == "GET":
        fields["token"] = admin.default_token
        return admin.http.get(admin.sb.admin_url + "/logs/query", params=fields).json()
    return admin.ok("/logs/query", **fields)


def key(record):
    return json.dumps(record, sort_keys=True)


def walk(admin, method="POST", **fields):
    """Every record, walking pages by the doc rule and de-duplicating the boundary exactly.

    Returns (records, pages, repeats). A record of the boundary millisecond that
    the previous page returned is dropped once per time it was seen there;
    distinct records of that millisecond are kept (not de-duplicated by time).
    """
    records, pages, repeats = [], 0, 0
    boundary = Counter()
    start = None
    while True:
        page_fields = dict(fields)
        if start is not None:
            page_fields["startTime"] = start
        body = query(admin, method, **page_fields)
        assert "logMessages" in body, body
        pages += 1
        for record in body["logMessages"]:
            k = key(record)
            if start is not None and record["time"] == start and boundary[k] > 0:
                boundary[k] -= 1
                repeats += 1
                continue
            records.append(record)
        if not body["hasMore"]:
            return records, pages, repeats
        assert body["endTime"] == body["logMessages"][-1]["time"]
        start = body["endTime"]
        boundary = Counter(key(r) for r in body["logMessages"] if r["time"] == start)
        assert pages < 10000, "the walk does not end"


@pytest.fixture
def store(make_sb, make_admin):
    """A 11.3 sandbox with 3000 synthetic records, signed in."""
    sb = make_sb(log_records=3000)
    admin = make_admin(sb)
    admin.sign_in()
    return sb, admin


def everything(admin):
    """The whole store at DEBUG in one page (tests filter this themselves)."""
    body = query(admin, level="DEBUG", pageSize=10000, filter=ALL)
    assert body["hasMore"] is False
    return body["logMessages"]


def expected_from_model(sb, level="DEBUG"):
    from agsadmin_core.sandbox.models.logs import _message
    return [_message(r, sb.site.logs.has_request_ids) for r in sb.site.logs.all_records(level)]


# -- paging ---------------------------------------------------------------------

def test_arc_style_walk_gets_every_record_once_in_order(store):
    sb, admin = store
    whole = everything(admin)
    assert len(whole) == 3000 + 1  # the history and the sign-in
    records, pages, repeats = walk(admin, level="DEBUG", filter=ALL, pageSize=100)
    assert [key(r) for r in records] == [key(r) for r in whole]
    assert pages > 30 and repeats > 0  # boundaries did fall inside shared milliseconds
    times = [r["time"] for r in records]
    assert times == sorted(times, reverse=True)
    shared = Counter(times)
    assert max(shared.values()) >= 2 and max(shared.values()) <= 4
    assert expected_from_model(sb) == [json.loads(key(r)) for r in records]


def test_distinct_records_of_one_millisecond_are_all_kept(store):
    sb, admin = store
    records, _, repeats = walk(admin, level="DEBUG", filter=ALL, pageSize=100)
    by_time = Counter(r["time"] for r in records)
    groups = [t for t, n in by_time.items() if n > 1]
    assert groups
    for t in groups:
        same = [key(r) for r in records if r["time"] == t]
        assert len(set(same)) == len(same)  # distinct records, even before 10.7
    # a client that de-duplicates by time alone loses records: the sandbox makes that visible
    assert len(set(r["time"] for r in records)) < len(records)


def test_boundary_repeats_exactly_the_records_of_that_millisecond(store):
    sb, admin = store
    found = False
    start = None
    for _ in range(40):
        fields = dict(level="DEBUG", pageSize=100)
        if start:
            fields["startTime"] = start
        first = query(admin, **fields)
        start = first["endTime"]
        tail = [r for r in first["logMessages"] if r["time"] == start]
        nxt = query(admin, level="DEBUG", pageSize=100, startTime=start)
        head = [r for r in nxt["logMessages"] if r["time"] == start]
        # the next page starts with every record of that millisecond, those already seen first
        assert head[:len(tail)] == tail
        assert all(r["time"] == start for r in nxt["logMessages"][:len(head)])
        if len(head) > len(tail):
            found = True
            break
    assert found, "no page boundary split a millisecond group"


def test_get_walk_on_10_5_1_has_no_request_ids(make_sb, make_admin):
    sb = make_sb(log_records=1500, version="10.5.1")
    admin = make_admin(sb)
    records, pages, _ = walk(admin, method="GET", level="DEBUG", pageSize=250)
    assert len(records) == 1501 and pages >= 7
    assert all(set(r) == FIELDS for r in records)  # no requestID before 10.7 (KTK's KeyError)


def test_paging_survives_a_server_error_on_page_3(store):
    sb, admin = store
    fault = sb.faults.add("envelope", match="logs/query", nth=3, message="Injected page failure.")
    got = []
    start = None
    errors = []
    while True:
        fields = dict(level="DEBUG", pageSize=400, filter=ALL)
        if start is not None:
            fields["startTime"] = start
        body = query(admin, **fields)
        if body.get("status") == "error":
            errors.append((len(got), body))
            continue  # the client retries the same page
        got.extend(body["logMessages"])
        if not body["hasMore"]:
            break
        start = body["endTime"]
    assert fault.fired == 1 and len(errors) == 1
    assert errors[0][1] == {"status": "error", "messages": ["Injected page failure."], "code": 500}
    assert errors[0][0] == 800  # two pages of 400 were answered before it
    # the fault is itself a SEVERE record, newer than the walk's pages
    assert query(admin, level="SEVERE", pageSize=1)["logMessages"][0]["message"] == \
        "Injected page failure."


# -- the forms real clients send ---------------------------------------------------

def test_esri_sample_filters_single_quoted_and_empty_lists(store):
    sb, admin = store
    whole = everything(admin)
    warning = [r for r in whole if r["type"] in ("SEVERE", "WARNING")]
    ds14 = "{'codes': [], 'processIds': [], 'server': '*', 'services': [], 'machines': '*'}"
    body = query(admin, method="GET", filter=ds14, filterType="json", pageSize=10000)
    assert body["logMessages"] == warning  # default level WARNING, [] meaning all
    py2 = "{u'services': u'*', u'machines': [], u'codes': []}"
    assert query(admin, filter=py2, pageSize=10000)["logMessages"] == warning
    svc = "Maps/Parcels.MapServer"
    ktk = "{'services': ['" + svc + "']}"
    mine = query(admin, level="DEBUG", filter=ktk, pageSize=10000)["logMessages"]
    assert mine == [r for r in whole if r["source"] == svc] and mine


def test_rapi_empty_times_and_default_page(make_sb, make_admin):
    sb = make_sb(log_records=5000)
    admin = make_admin(sb)
    body = query(admin, method="GET", startTime="", endTime="", level="DEBUG",
                 sinceLastStarted="False", filter='{"server":"*","services":"*","machines":"*"}')
    assert len(body["logMessages"]) == 1000 and body["hasMore"] is True  # default pageSize
    assert isinstance(body["startTime"], int) and isinstance(body["endTime"], int)


def test_post_with_fields_in_the_query_string(store):
    sb, admin = store
    url = sb.admin_url + "/logs/query"
    body = admin.http.post(url, params={"level": "SEVERE", "pageSize": "7", "f": "json"},
                           data={"token": admin.default_token}).json()
    assert len(body["logMessages"]) == 7 and {r["type"] for r in body["logMessages"]} == {"SEVERE"}
    html = admin.http.post(url, data={"token": admin.default_token, "pageSize": "1"})
    assert html.headers["Content-Type"].startswith("text/html")  # no f: the server default
    pretty = admin.http.post(url, data={"token": admin.default_token, "pageSize": "1", "f": "pjson"})
    assert pretty.json()["logMessages"] == query(admin, pageSize=1)["logMessages"]


def test_ktk_page_size_is_capped_at_10000(make_sb, make_admin):
    sb = make_sb(log_records=12000)
    admin = make_admin(sb)
    body = query(admin, method="GET", level="DEBUG", pageSize="100000",
                 filter="{'services': '*'}")
    assert len(body["logMessages"]) == 10000 and body["hasMore"] is True
    record = body["logMessages"][0]
    assert isinstance(record["code"], int) and isinstance(record["time"], int)
    for name in ("elapsed", "process", "thread", "methodName", "requestID"):
        assert isinstance(record[name], type(""))
    timed = [r for r in body["logMessages"] if r["message"] == "End ExportMapImage"]
    assert timed and all(float(r["elapsed"]) >= 0 for r in timed)  # DS14 reads it as a number


# -- filters ---------------------------------------------------------------------

def test_level_is_at_or_more_severe(store):
    sb, admin = store
    whole = everything(admin)
    for number, level in enumerate(LEVELS):
        got = query(admin, level=level.lower(), pageSize=10000)["logMessages"]
        assert got == [r for r in whole if LEVELS.index(r["type"]) <= number], level
    assert {r["type"] for r in whole} == set(LEVELS)
    assert query(admin, pageSize=10000)["logMessages"] == \
        [r for r in whole if r["type"] in ("SEVERE", "WARNING")]  # default WARNING


def test_each_filter_key(store):
    sb, admin = store
    whole = everything(admin)

    def pick(spec):
        return query(admin, level="DEBUG", pageSize=10000, filter=json.dumps(spec))["logMessages"]

    services = ["Maps/Parcels.MapServer", "Utilities/Geometry.GeometryServer"]
    got = pick({"services": [s.upper() for s in services]})
    assert got and got == [r for r in whole if r["source"] in services]
    got = pick({"server": ["Rest", "Soap"]})
    assert got and got == [r for r in whole if r["source"] in ("Rest", "Soap")]
    got = pick({"server": ["Admin"], "services": services})
    assert got == [r for r in whole if r["source"] in services + ["Admin"]]
    got = pick({"machines": ["gis02.sandbox.local"]})
    assert got and got == [r for r in whole if r["machine"] == "GIS02.SANDBOX.LOCAL"]
    got = pick({"codes": [9511, "100001", "6500-7000"]})
    assert got and got == [r for r in whole if r["code"] in (9511, 100001) or
                           6500 <= r["code"] <= 7000]
    process = [r for r in whole if r["source"] == "Maps/Parcels.MapServer"][0]["process"]
    got = pick({"processIds": [int(process)]})
    assert got and got == [r for r in whole if r["process"] == process]
    wanted = [whole[5]["requestID"], whole[17]["requestID"]]
    assert pick({"requestIds": wanted}) == [whole[5], whole[17]]
    got = pick({"services": "*", "server": "*", "machines": "*", "codes": [], "processIds": []})
    assert got == whole


def test_request_ids_only_from_10_7(make_sb, make_admin):
    old = make_admin(make_sb(log_records=200, version="10.6.1"))
    body = query(old, level="DEBUG", pageSize=10000,
                 filter='{"requestIds": ["00000000-0000-0000-0000-000000000000"]}')
    assert len(body["logMessages"]) == 201  # the key is unknown, so ignored
    assert all("requestID" not in r for r in body["logMessages"])
    new = make_admin(make_sb(log_records=200, version="10.7"))
    body = query(new, level="DEBUG", pageSize=10000,
                 filter='{"requestIds": ["00000000-0000-0000-0000-000000000000"]}')
    assert body["logMessages"] == [] and body["hasMore"] is False


def test_times_in_ms_and_server_timestamps_are_inclusive(store):
    sb, admin = store
    whole = everything(admin)
    newest, oldest = whole[100]["time"], whole[200]["time"]
    inside = [r for r in whole if oldest <= r["time"] <= newest]
    assert query(admin, level="DEBUG", startTime=newest, endTime=oldest,
                 pageSize=10000)["logMessages"] == inside

    def stamp(ms, millis=True):
        text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000))
        return text + (",%03d" % (ms % 1000) if millis else "")

    assert query(admin, level="DEBUG", startTime=stamp(newest), endTime=stamp(oldest),
                 pageSize=10000)["logMessages"] == inside
    # ARCREST's %Y-%m-%dT%H:%M:%S form: whole seconds
    lo = oldest // 1000 * 1000
    hi = (newest // 1000) * 1000
    assert query(admin, level="DEBUG", startTime=stamp(newest, False), endTime=stamp(oldest, False),
                 pageSize=10000)["logMessages"] == [r for r in whole if lo <= r["time"] <= hi]
    assert calendar.timegm(time.strptime(stamp(newest, False), "%Y-%m-%dT%H:%M:%S")) == newest // 1000


def test_since_server_start_and_empty_answers(store):
    sb, admin = store
    body = query(admin, level="DEBUG", sinceServerStart="true", pageSize=10000)
    assert [r["code"] for r in body["logMessages"]] == [6501]  # only the sign-in is that new
    empty = query(admin, level="DEBUG", startTime=1000, endTime=0)
    assert empty["logMessages"] == [] and empty["hasMore"] is False
    assert isinstance(empty["startTime"], int) and isinstance(empty["endTime"], int)


def test_bad_inputs_answer_error_envelopes(store):
    sb, admin = store
    for fields in ({"filter": "{services: nope"}, {"filter": "[1, 2]"}, {"filterType": "xml"},
                   {"level": "LOUD"}, {"startTime": "yesterday"}, {"pageSize": "many"},
                   {"filter": '{"codes": ["abc"]}'}):
        body = query(admin, **fields)
        assert body["status"] == "error" and body["code"] == 500, fields
        assert "Invalid value for parameter" in body["messages"][0]


def test_query_needs_a_token_and_unknown_children_are_404(store):
    sb, admin = store
    assert admin.post("/logs/query", token=None).json()["code"] == 499
    assert admin.ok("/logs/nothing")["code"] == 404
    assert admin.ok("/logs/countErrorReports")["code"] == 501
    assert admin.ok("/logs") == {"operations": ["query", "clean", "countErrorReports"],
                                 "resources": ["settings"]}


# -- settings, edit, clean -------------------------------------------------------

def test_settings_edit_and_their_effect(store):
    sb, admin = store
    settings = admin.ok("/logs/settings")["settings"]
    assert settings["logLevel"] == "INFO" and settings["maxLogFileAge"] == 90
    assert settings["logDir"].endswith("/")
    edited = admin.ok("/logs/settings/edit", logLevel="severe", maxLogFileAge="2",
                      logDir="/data/logs")
    assert edited["status"] == "success"
    assert (edited["settings"]["logLevel"], edited["settings"]["maxLogFileAge"],
            edited["settings"]["logDir"]) == ("SEVERE", 2, "/data/logs/")
    assert admin.ok("/logs/settings")["settings"] == edited["settings"]
    # below the site's level nothing is written; maxLogFileAge hides what is older
    before = len(everything(admin))
    assert 0 < before < 3001
    admin.ok("/services/Maps/Roads.MapServer/stop")
    assert len(everything(admin)) == before
    cutoff = int(sb.site.now() * 1000) - 2 * 86400000
    assert all(r["time"] >= cutoff for r in everything(admin))
    assert admin.get("/logs/settings/edit", f="json", logLevel="INFO",
                     token=admin.default_token).json()["code"] == 405
    assert admin.ok("/logs/settings/edit", logLevel="LOUD")["code"] == 500
    assert admin.ok("/logs/settings/edit", maxLogFileAge="0")["code"] == 500


def test_clean_deletes_every_record_and_logging_goes_on(store):
    sb, admin = store
    assert len(everything(admin)) == 3001
    assert admin.get("/logs/clean", f="json", token=admin.default_token).json()["code"] == 405
    assert len(everything(admin)) == 3001
    assert admin.ok("/logs/clean") == {"status": "success"}
    assert everything(admin) == []
    admin.ok("/services/Maps/Roads.MapServer/stop")
    assert [r["message"] for r in everything(admin)] == \
        ["Service 'Maps/Roads.MapServer' was stopped."]


# -- what the site writes about itself ----------------------------------------------

def test_the_sites_own_actions_are_records(make_sb, make_admin):
    sb = make_sb()
    admin = make_admin(sb)
    bad = admin.http.post(sb.admin_url + "/generateToken", data={
        "username": DEMO_USER, "password": CANARY_PASSWORD, "f": "json"}).json()
    assert bad["status"] == "error"
    admin.sign_in()
    admin.ok("/services/Maps/Parcels.MapServer/stop")
    admin.ok("/services/Maps/Parcels.MapServer/start")
    admin.ok("/services/Maps/Zoning.MapServer/delete")
    admin.ok("/services/Maps/renameService", serviceName="Roads", serviceType="MapServer",
             serviceNewName="Streets")
    assert admin.ok("/services/Hosted/Parks.FeatureServer/stop")["code"] == 500
    batch = json.dumps({"services": [
        {"folderName": "Maps", "serviceName": "Basemap", "type": "MapServer"},
        {"folderName": "Maps", "serviceName": "Missing", "type": "MapServer"}]})
    assert admin.ok("/services/stopServices", services=batch)["code"] == 500
    admin.ok("/services/createFolder", folderName="Reports")
    sb.faults.add("lock", match="/start", nth=1)
    assert admin.ok("/services/Maps/Basemap.MapServer/start")["code"] == 500
    records = list(reversed(query(admin, level="DEBUG", pageSize=100)["logMessages"]))
    summary = [(r["type"], r["code"], r["source"], r["message"]) for r in records]
    assert summary == [
        ("WARNING", 6502, "Admin", "Failed to sign in user 'siteadmin'. Invalid username or password."),
        ("INFO", 6501, "Admin", "User 'siteadmin' signed in to the Administrator API."),
        ("INFO", 8002, "Maps/Parcels.MapServer", "Service 'Maps/Parcels.MapServer' was stopped."),
        ("INFO", 8001, "Maps/Parcels.MapServer", "Service 'Maps/Parcels.MapServer' was started."),
        ("INFO", 8003, "Maps/Zoning.MapServer", "Service 'Maps/Zoning.MapServer' was deleted."),
        ("INFO", 8004, "Maps/Roads.MapServer",
         "Service 'Maps/Roads.MapServer' was renamed to 'Maps/Streets.MapServer'."),
        ("SEVERE", 6520, "Hosted/Parks.FeatureServer",
         "Stop of 'Hosted/Parks.FeatureServer' failed. Service 'Hosted/Parks.FeatureServer' is a "
         "hosted service. Hosted services cannot be started or stopped."),
        ("INFO", 8002, "Maps/Basemap.MapServer", "Service 'Maps/Basemap.MapServer' was stopped."),
        ("SEVERE", 6520, "Maps/Missing.MapServer", "stopServices of 'Maps/Missing.MapServer' failed. "
         "Could not find resource or operation 'Missing.MapServer' on the system."),
        ("INFO", 6510, "Admin", "stopServices: 2 services requested, 1 failed."),
        ("INFO", 8005, "Admin", "Folder 'Reports' was created."),
        ("SEVERE", 6530, "Admin", "Service 'Basemap' in folder 'Maps' is currently being configured "
         "by another administrative operation.  Please try again later"),
    ]
    assert records[0]["user"] == "siteadmin" and records[1]["user"] == "siteadmin"
    assert all(CANARY_PASSWORD not in json.dumps(r) for r in records)
    times = [r["time"] for r in records]
    assert times == sorted(times)


def test_control_plane_state_reports_the_store(make_sb):
    sb = make_sb(log_records=1000000)
    state = requests.get(sb.control_url + "/state").json()
    assert state["logs"]["syntheticRecords"] == 1000000 and state["logs"]["liveRecords"] == 0
    assert state["logs"]["settings"]["logLevel"] == "INFO"


def test_a_million_records_are_not_materialised(make_sb, make_admin):
    sb = make_sb(log_records=1000000)
    admin = make_admin(sb)
    # the oldest page is reached by time, without walking the million before it
    oldest = sb.site.logs.synthetic_time(999999)
    body = query(admin, level="DEBUG", startTime=oldest + 5000, pageSize=10000)
    assert body["hasMore"] is False and 1 <= len(body["logMessages"]) <= 20
    assert body["logMessages"][-1]["time"] == oldest
    assert len(sb.site.logs._live) == 1  # only the sign-in is stored


def test_a_million_records_cost_what_a_hundred_do():
    tracemalloc = pytest.importorskip("tracemalloc")  # Python 3 only
    from agsadmin_core.sandbox.models import Site

    def peak(count):
        tracemalloc.start()
        try:
            site = Site(log_records=count)
            list(zip(range(50), site.logs.all_records()))  # read some records too
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, big = peak(100), peak(1000000)
    assert big - small < 64 * 1024, (small, big)


def test_log_records_pass_through_run_foreground_and_main(monkeypatch):
    import io
    import threading
    from agsadmin_core.sandbox import __main__ as entry
    from agsadmin_core.sandbox import run_foreground
    out = io.StringIO()
    stop = threading.Event()
    thread = threading.Thread(target=run_foreground, kwargs={"out": out, "stop_event": stop,
                                                             "log_records": 250})
    thread.start()
    try:
        deadline = time.time() + 5
        while "Log records" not in out.getvalue() and time.time() < deadline:
            time.sleep(0.02)
        admin_url = [line.split()[-1] for line in out.getvalue().splitlines()
                     if "Admin URL" in line][0]
        http = requests.Session()
        token = http.post(admin_url + "/generateToken", data={
            "username": DEMO_USER, "password": DEMO_PASSWORD, "f": "json"}).json()["token"]
        body = http.post(admin_url + "/logs/query", data={
            "token": token, "f": "json", "level": "DEBUG", "pageSize": 1000}).json()
        http.close()
        assert len(body["logMessages"]) == 251 and "250 synthetic" in out.getvalue()
    finally:
        stop.set()
        thread.join(5)
    seen = {}
    monkeypatch.setattr(entry, "run_foreground", lambda **kw: seen.update(kw) or 0)
    assert entry.main(["--log-records", "1000000"]) == 0 and seen["log_records"] == 1000000
