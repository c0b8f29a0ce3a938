"""Fault injection (each kind, nth/times/match, token expiry) and the /sandbox-api control plane."""

from __future__ import absolute_import, unicode_literals

import json

import pytest
import requests

from agsadmin_core.sandbox import DEMO_PASSWORD, DEMO_USER

PARCELS = "/services/Maps/Parcels.MapServer"


def test_envelope_fault_fires_once_on_the_nth_match_before_the_operation(sb, admin):
    admin.sign_in()
    fault = sb.faults.add("envelope", match="/stop", nth=2, code=503, message="Disk full.")
    assert admin.ok("/services/Maps/Zoning.MapServer/stop") == {"status": "success"}
    assert admin.ok(PARCELS + "/status")["configuredState"] == "STARTED"  # not a match
    assert admin.ok(PARCELS + "/stop") == {"status": "error", "messages": ["Disk full."], "code": 503}
    assert sb.site.service_state("Maps/Parcels.MapServer") == ("STARTED", "STARTED")
    assert fault.fired == 1
    assert admin.ok(PARCELS + "/stop") == {"status": "success"}


def test_lock_fault_text_is_recorded_one_with_two_spaces(sb, admin):
    admin.sign_in()
    sb.faults.add("lock", match="parcels.mapserver/stop", times=2)
    expected = {"status": "error", "code": 500, "messages": [
        "Service 'Parcels' in folder 'Maps' is currently being configured by another "
        "administrative operation.  Please try again later"]}
    assert admin.ok(PARCELS + "/stop") == expected
    assert admin.ok(PARCELS + "/stop") == expected
    assert sb.site.service_state("Maps/Parcels.MapServer")[0] == "STARTED"
    assert admin.ok(PARCELS + "/stop") == {"status": "success"}


def test_store_lock_fault(sb, admin):
    admin.sign_in()
    sb.faults.add("store-lock", match="/services/createFolder")
    assert admin.ok("/services/createFolder", folderName="X1") == {"status": "error", "code": 500, "messages": [
        "Another administrative operation is currently accessing the store. Please try again later."]}
    assert admin.ok("/services/exists", folderName="X1") == {"exists": False}


def test_drop_fault_closes_without_a_response(sb, admin):
    admin.sign_in()
    sb.faults.add("drop", match="/stop")
    with pytest.raises(requests.ConnectionError):
        admin.post(PARCELS + "/stop")
    assert sb.site.service_state("Maps/Parcels.MapServer")[0] == "STARTED"
    assert sb.requests[-1]["status"] is None
    assert admin.ok(PARCELS + "/stop") == {"status": "success"}


def test_html_fault_is_a_200_login_page(sb, admin):
    admin.sign_in()
    sb.faults.add("html", match="/services")
    r = admin.post("/services")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert "<form" in r.text
    with pytest.raises(ValueError):
        r.json()


def test_http_status_fault(sb, admin):
    admin.sign_in()
    sb.faults.add("http-status", status=502)
    r = admin.post("/services")
    assert r.status_code == 502 and r.headers["Content-Type"].startswith("text/html")
    assert admin.post("/services").status_code == 200


def test_faults_on_rest_endpoints_use_the_rest_envelope(sb):
    sb.faults.add("envelope", match="/tokens/", code=500, message="Boom.")
    body = requests.post(sb.url + "/tokens/generateToken", data={"f": "json"}).json()
    assert body == {"error": {"code": 500, "message": "Boom.", "details": []}}


def test_expire_tokens_now(sb, admin):
    token = admin.token()
    sb.faults.expire_tokens()
    assert admin.ok("/services", token=token)["messages"] == ["Token Expired."]
    assert "folders" in admin.ok("/services", token=admin.token())


def test_expire_tokens_after_n_requests(sb, admin):
    token = admin.token()
    sb.faults.expire_tokens_after(2)
    assert "folders" in admin.ok("/services", token=token)
    assert "folderName" in admin.ok("/services/Maps", token=token)
    assert admin.ok("/services", token=token)["code"] == 498


def test_clear_disarms(sb, admin):
    admin.sign_in()
    sb.faults.add("http-status", status=503, times=5)
    sb.faults.expire_tokens_after(0)
    sb.faults.clear()
    assert admin.post("/services", token=admin.token()).status_code == 200


def test_bad_fault_kind():
    from agsadmin_core.sandbox.faults import Faults
    with pytest.raises(ValueError):
        Faults(None).add("explode")


def control(sb, method, action, payload=None):
    return requests.request(method, sb.control_url + "/" + action,
                            data=None if payload is None else json.dumps(payload),
                            headers={"Content-Type": "application/json"})


def test_control_plane(sb, admin):
    state = control(sb, "GET", "state").json()
    assert state["version"] == "11.3" and state["requests"] == 0
    assert {"ref": "Maps/Parcels.MapServer", "configuredState": "STARTED",
            "realTimeState": "STARTED", "hosted": False} in state["services"]
    assert control(sb, "POST", "service-state",
                   {"ref": "Maps/Parcels.MapServer", "state": "STOPPED"}).json()["status"] == "success"
    assert sb.site.service_state("Maps/Parcels.MapServer") == ("STOPPED", "STOPPED")

    armed = control(sb, "POST", "faults", {"kind": "envelope", "match": "/status", "code": 500,
                                           "message": "From a script."}).json()
    assert armed["faults"][0]["kind"] == "envelope"
    assert admin.ok(PARCELS + "/status")["messages"] == ["From a script."]
    assert control(sb, "GET", "faults").json()["faults"][0]["fired"] == 1

    token = admin.token()
    assert control(sb, "POST", "expire-tokens").json()["status"] == "success"
    assert admin.ok("/services", token=token)["code"] == 498
    token = admin.token()
    control(sb, "POST", "advance-clock", {"seconds": 7200})
    assert admin.ok("/services", token=token)["messages"] == ["Token Expired."]

    log = control(sb, "GET", "requests").json()["requests"]
    assert log and all("/sandbox-api" not in r["path"] for r in log)
    assert token not in json.dumps(log)
    assert control(sb, "POST", "reset").json()["status"] == "success"
    assert sb.site.service_state("Maps/Parcels.MapServer") == ("STARTED", "STARTED")
    assert sb.requests == [] and sb.faults.list() == []

    assert control(sb, "POST", "faults", {"kind": "nope"}).status_code == 400
    assert control(sb, "GET", "unknown").status_code == 404
    assert control(sb, "POST", "faults/clear").json()["status"] == "success"


def test_password_changed_mid_run(sb, admin):
    admin.sign_in()
    assert admin.ok("/services/Maps")["folderName"] == "Maps"
    sb.faults.change_password(DEMO_USER, "rotated-password-1")
    assert admin.ok("/services/Maps")["code"] == 498  # the token issued before has expired
    again = admin.http.post(sb.admin_url + "/generateToken",
                            data={"username": DEMO_USER, "password": DEMO_PASSWORD, "f": "json"}).json()
    assert again["status"] == "error" and "Invalid username or password." in again["messages"]
    fresh = admin.token(password="rotated-password-1")
    assert admin.ok("/services/Maps", token=fresh)["folderName"] == "Maps"


def test_password_change_from_the_control_plane_keeps_tokens_when_asked(sb, admin):
    admin.sign_in()
    r = requests.post(sb.control_url + "/change-password",
                      json={"username": DEMO_USER, "password": "new-one", "expire_tokens": False})
    assert r.status_code == 200 and "new-one" not in r.text
    assert admin.ok("/services/Maps")["folderName"] == "Maps"
    bad = requests.post(sb.url + "/tokens/generateToken",
                        data={"username": DEMO_USER, "password": DEMO_PASSWORD, "f": "json"}).json()
    assert bad["error"]["code"] == 400


def test_persistent_lock_until_disarmed(sb, admin):
    admin.sign_in()
    lock = sb.faults.add("lock", match="/stop", times=None)
    for _ in range(5):
        body = admin.ok("/services/Maps/Parcels.MapServer/stop")
        assert body["code"] == 500 and "Service 'Parcels' in folder 'Maps' is currently being " \
            "configured by another administrative operation.  Please try again later" == body["messages"][0]
    assert sb.site.service_state("Maps/Parcels.MapServer")[0] == "STARTED"
    assert lock.fired == 5 and sb.faults.remove(lock)
    assert admin.ok("/services/Maps/Parcels.MapServer/stop") == {"status": "success"}


def test_persistent_lock_from_the_control_plane(sb, admin):
    admin.sign_in()
    armed = requests.post(sb.control_url + "/faults", json={"kind": "lock", "times": None}).json()
    assert armed["faults"][0]["times"] is None
    assert admin.ok("/services/Maps/Roads.MapServer/start")["code"] == 500
    assert admin.ok("/services/Maps/Roads.MapServer/start")["code"] == 500
    requests.post(sb.control_url + "/faults/remove", json={"index": 0})
    assert admin.ok("/services/Maps/Roads.MapServer/start") == {"status": "success"}
