"""Wire behaviour of the sandbox: redirects, envelopes, content types, formats, methods, the log."""

from __future__ import absolute_import, unicode_literals

import io
import json
import threading
import time

import pytest
import requests

from agsadmin_core.sandbox import DEMO_PASSWORD, DEMO_USER, Sandbox, run_foreground

MISSING = ("Unauthorized access. Token not found. You can generate a token using the "
           "'generateToken' operation.")


def test_bare_admin_url_redirects_302_keeping_the_query(sb):
    r = requests.get(sb.admin_url + "?f=json&x=1", allow_redirects=False)
    assert r.status_code == 302
    assert r.headers["Location"] == sb.admin_url + "/?f=json&x=1"


def test_root_without_token_is_499_with_http_200(admin):
    r = admin.post("/", token=None)
    assert r.status_code == 200
    assert r.json() == {"status": "error", "messages": [MISSING], "code": 499}
    # compact body, byte for byte the recorded 10.5.1 length (Content-Length 144)
    assert len(r.content) == 144


def test_root_with_token(admin):
    body = admin.ok("/")
    assert body["currentVersion"] == 11.3 and body["fullVersion"] == "11.3.0"
    assert "services" in body["resources"] and body["acceptLanguage"] is None


def test_root_of_10_5_1_matches_the_recording(make_sb, make_admin):
    admin = make_admin(make_sb(version="10.5.1"))
    r = admin.post("/")
    assert r.json() == {"resources": ["machines", "clusters", "system", "services", "security",
                                      "data", "uploads", "logs", "mode", "usagereports"],
                        "currentVersion": 10.51, "fullVersion": "10.5.1", "acceptLanguage": None}
    assert len(r.content) == 182  # recorded Content-Length


def test_expired_and_garbage_tokens_are_498(sb, admin):
    token = admin.token(expiration="5")
    sb.site.advance_clock(5 * 60 + 1)
    assert admin.ok("/services", token=token) == {"status": "error", "messages": ["Token Expired."],
                                                  "code": 498}
    assert admin.ok("/services", token="not-a-token") == {
        "status": "error", "messages": ["Could not decrypt token. Token may not be valid."], "code": 498}


def test_json_content_type_is_text_plain(admin):
    for path in ("/", "/services", "/services/Maps", "/services/nope"):
        assert admin.post(path).headers["Content-Type"] == "text/plain;charset=UTF-8"


def test_pjson_and_json_carry_the_same_data(admin):
    compact = admin.post("/services/Maps/Parcels.MapServer", f="json")
    pretty = admin.post("/services/Maps/Parcels.MapServer", f="pjson")
    assert compact.json() == pretty.json()
    assert b"\n" not in compact.content and b"\n  " in pretty.content


def test_missing_f_gives_html_never_json(admin):
    for path in ("/services", "/services/nope"):
        r = admin.http.post(admin.sb.admin_url + path, data={"token": admin.default_token})
        assert r.headers["Content-Type"].startswith("text/html")
        with pytest.raises(ValueError):
            json.loads(r.text)
    r = admin.http.post(admin.sb.admin_url + "/services", data={"token": admin.default_token, "f": "html"})
    assert r.headers["Content-Type"].startswith("text/html")


def test_resources_answer_get_and_post(admin):
    by_post = admin.ok("/services/Maps")
    by_get = admin.get("/services/Maps", f="json", token=admin.default_token).json()
    assert by_post == by_get


def test_get_on_an_operation_is_an_error_and_changes_nothing(sb, admin):
    body = admin.get("/services/Maps/Parcels.MapServer/stop", f="json", token=admin.default_token).json()
    assert body["status"] == "error" and body["code"] == 405
    assert sb.site.service_state("Maps/Parcels.MapServer") == ("STARTED", "STARTED")


def test_missing_things_are_the_404_envelope_naming_the_first_missing_segment(admin):
    def message(path):
        body = admin.ok(path)
        assert body["code"] == 404 and body["status"] == "error"
        return body["messages"]
    assert message("/services/NoFolder") == [
        "Could not find resource or operation 'NoFolder' on the system."]
    assert message("/services/Maps/Missing.MapServer") == [
        "Could not find resource or operation 'Missing.MapServer' on the system."]
    assert message("/services/Maps/Missing.MapServer/stop") == [
        "Could not find resource or operation 'Missing.MapServer' on the system."]
    assert message("/services/Maps/Parcels.MapServer/bogus") == [
        "Could not find resource or operation 'bogus' on the system."]
    assert message("/nothing") == ["Could not find resource or operation 'nothing' on the system."]


def test_real_but_unemulated_operations_say_so(admin):
    for path in ("/createNewSite", "/logs/countErrorReports", "/services/types",
                 "/services/Maps/Parcels.MapServer/edit", "/services/Maps/editFolder"):
        body = admin.ok(path)
        assert body["status"] == "error" and body["code"] == 501, path
        assert "not emulated by the AGSAdmin sandbox" in body["messages"][0]


def test_unknown_top_level_path_is_a_plain_http_404(sb):
    r = requests.get(sb.url.replace("/arcgis", "/nothing"))
    assert r.status_code == 404 and r.headers["Content-Type"].startswith("text/html")


def test_percent_encoded_names(sb, admin):
    sb.site.add_service("Maps/Has Space.MapServer")
    r = admin.http.post(sb.admin_url + "/services/Maps/Has%20Space.MapServer/status",
                        data={"f": "json", "token": admin.default_token})
    assert r.json() == {"configuredState": "STARTED", "realTimeState": "STARTED"}


def test_latency_is_applied(make_sb, make_admin):
    admin = make_admin(make_sb(latency_ms=150, op_latency_ms={"status": 100}))
    admin.sign_in()
    started = time.time()
    admin.post("/services/Maps/Parcels.MapServer/status")
    assert time.time() - started >= 0.25


def test_request_log_holds_names_never_values(tmp_path, make_sb, make_admin):
    path = str(tmp_path / "requests.jsonl")
    sb = make_sb(request_log=path, users={"canary": "Canary-Pw-123"})
    admin = make_admin(sb)
    token = admin.token(username="canary", password="Canary-Pw-123")
    admin.post("/services?token=" + token, token=None, detail="false")
    admin.post("/services", token=token)
    records = sb.requests
    assert [r["path"] for r in records] == ["/arcgis/admin/generateToken"] + ["/arcgis/admin/services"] * 2
    assert sorted(records[0]["form_fields"]) == ["client", "f", "password", "username"]
    assert records[1]["query_fields"] == ["token"] and "token" not in records[1]["form_fields"]
    assert records[2]["query_fields"] == [] and "token" in records[2]["form_fields"]
    assert set(records[0]) == {"time", "method", "path", "query_fields", "form_fields",
                               "token_source", "status", "envelope_code"}
    assert [r["token_source"] for r in records] == [None, "query", "body"]
    text = io.open(path, encoding="utf-8").read()
    for secret in ("Canary-Pw-123", token):
        assert secret not in text and secret not in repr(records)
    assert len(text.splitlines()) == 3 and json.loads(text.splitlines()[1])["method"] == "POST"
    sb.clear_requests()
    assert sb.requests == []


def test_envelope_code_is_logged(sb, admin):
    admin.post("/", token=None)
    assert sb.requests[-1]["envelope_code"] == 499 and sb.requests[-1]["status"] == 200


def test_refuses_a_non_loopback_host():
    with pytest.raises(ValueError):
        Sandbox(host="0.0.0.0")
    with pytest.raises(ValueError):
        Sandbox(host="192.168.1.10")


def test_two_sandboxes_are_independent(make_sb):
    one, two = make_sb(), make_sb()
    one.site.set_service_state("Maps/Parcels.MapServer", "STOPPED")
    assert two.site.service_state("Maps/Parcels.MapServer") == ("STARTED", "STARTED")
    assert one.port != two.port


def test_context_manager_and_stop():
    with Sandbox() as sb:
        url = sb.admin_url
        assert requests.get(url + "/?f=json").json()["code"] == 499
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/?f=json", timeout=2)


def test_run_foreground_prints_urls_and_stops():
    out = io.StringIO()
    stop = threading.Event()
    thread = threading.Thread(target=run_foreground, kwargs={"out": out, "stop_event": stop})
    thread.start()
    deadline = time.time() + 5
    while "Admin URL" not in out.getvalue() and time.time() < deadline:
        time.sleep(0.02)
    text = out.getvalue()
    admin_url = [line.split()[-1] for line in text.splitlines() if "Admin URL" in line][0]
    assert requests.get(admin_url + "/?f=json").json()["code"] == 499
    stop.set()
    thread.join(5)
    assert DEMO_USER in text and DEMO_PASSWORD in text and "stopped" in out.getvalue()


def test_main_parses_arguments(monkeypatch):
    from agsadmin_core.sandbox import __main__ as entry
    seen = {}
    monkeypatch.setattr(entry, "run_foreground", lambda **kw: seen.update(kw) or 0)
    assert entry.main(["--port", "0", "--services", "60", "--latency", "5", "--version", "10.5.1"]) == 0
    assert seen["services"] == 60 and seen["latency_ms"] == 5 and seen["version"] == "10.5.1"


def test_rest_services_are_not_emulated_in_the_rest_envelope(sb, admin):
    url = sb.url + "/rest/services/Maps/Parcels/MapServer/export"
    body = requests.post(url, data={"f": "json", "token": admin.default_token}).json()
    assert body["error"]["code"] == 501 and "not emulated" in body["error"]["message"]
