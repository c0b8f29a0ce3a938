# -*- coding: utf-8 -*-
"""The public face real clients use: header/query tokens, the token service root, the REST catalog, service children."""

from __future__ import absolute_import, unicode_literals

import hashlib
import json
import os

import pytest
import requests

from agsadmin_core.sandbox import DEMO_PASSWORD, DEMO_USER
from agsadmin_core.sandbox.areas import all_routes

CANARY_PASSWORD = "canary-pw-7f3a9c1e-never-logged"


class RealClient(object):
    """A small client written the way real ones talk to a server.

    style "header": ARC 2.4.4 (X-Esri-Authorization: Bearer, client=referer);
    style "query": RAPI (GET with token in the query string);
    style "body": Esri's cookbook (token as a form field of a POST).
    """

    def __init__(self, sb, style):
        self.sb = sb
        self.style = style
        self.http = requests.Session()
        self.token = None

    def sign_in(self, url=None):
        data = {"username": DEMO_USER, "password": DEMO_PASSWORD, "client": "referer",
                "referer": "http://client.example", "expiration": "60", "f": "json"}
        body = self.http.post(url or self.sb.url + "/tokens/", data=data).json()
        self.token = body["token"]
        self.http.headers["Referer"] = "http://client.example"
        return body

    def get(self, url, **params):
        params.setdefault("f", "json")
        if self.style == "header":
            return self.http.get(url, params=params,
                                 headers={"X-Esri-Authorization": "Bearer " + self.token})
        if self.style == "query":
            params["token"] = self.token
            return self.http.get(url, params=params)
        params["token"] = self.token
        return self.http.post(url, data=params)

    def walk_catalog(self):
        """Every (name, type) in the REST services directory, root then folders."""
        root = self.get(self.sb.url + "/rest/services").json()
        found = [(s["name"], s["type"]) for s in root["services"]]
        for folder in root["folders"]:
            listing = self.get(self.sb.url + "/rest/services/" + folder).json()
            found.extend((s["name"], s["type"]) for s in listing["services"])
        return found


@pytest.fixture(params=["header", "query", "body"])
def client(request, sb):
    c = RealClient(sb, request.param)
    c.sign_in()
    yield c
    c.http.close()


def test_each_token_carrier_reaches_admin_and_rest(sb, client):
    assert client.get(sb.admin_url + "/services/Maps").json()["folderName"] == "Maps"
    assert client.get(sb.url + "/rest/services").json()["currentVersion"] == 11.3
    source = {"header": "header", "query": "query", "body": "body"}[client.style]
    assert sb.requests[-1]["token_source"] == source


def test_catalog_walk_lists_started_services_with_folder_qualified_names(sb, client):
    found = client.walk_catalog()
    assert ("SampleWorldCities", "MapServer") in found
    assert ("Maps/Parcels", "MapServer") in found
    assert ("System/PublishingTools", "GPServer") in found
    # Stopped services are not listed (Hydrology and Geometry start STOPPED).
    assert ("Maps/Hydrology", "MapServer") not in found
    assert ("Utilities/Geometry", "GeometryServer") not in found
    for name, type_ in found:
        body = client.get("%s/rest/services/%s/%s" % (sb.url, name, type_)).json()
        assert "error" not in body and "serviceDescription" in body, (name, body)


def test_gp_resource_has_what_arc_needs(sb, client):
    body = client.get(sb.url + "/rest/services/System/PublishingTools/GPServer").json()
    assert body["resultMapServerName"] == "" and "Publish Service Definition" in body["tasks"]
    assert body["executionType"] == "esriExecutionTypeAsynchronous"


def test_catalog_without_token_is_499_and_public_catalog_is_open(sb, make_sb):
    body = requests.get(sb.url + "/rest/services", params={"f": "json"}).json()
    assert body == {"error": {"code": 499, "message": "Token Required", "details": []}}
    open_sb = make_sb(catalog_requires_token=False)
    assert "services" in requests.get(open_sb.url + "/rest/services", params={"f": "json"}).json()


def test_stopped_service_and_missing_folder_answer_rest_errors(sb, client):
    stopped = client.get(sb.url + "/rest/services/Maps/Hydrology/MapServer").json()
    assert stopped["error"]["code"] == 500 and "not started" in stopped["error"]["message"]
    missing = client.get(sb.url + "/rest/services/NoSuchFolder").json()
    assert missing["error"]["code"] == 404


def test_rest_directory_gives_html_by_default(sb, client):
    r = requests.get(sb.url + "/rest/services", params={"token": client.token},
                     headers={"Referer": "http://client.example"})
    assert r.headers["Content-Type"].startswith("text/html") and "<pre>" in r.text


def test_bad_header_token_is_498_in_each_envelope(sb):
    headers = {"X-Esri-Authorization": "Bearer not-a-token"}
    admin = requests.get(sb.admin_url + "/services", params={"f": "json"}, headers=headers).json()
    assert admin["code"] == 498 and admin["status"] == "error"
    rest = requests.get(sb.url + "/rest/services", params={"f": "json"}, headers=headers).json()
    assert rest["error"]["code"] == 498 and rest["error"]["message"] == "Invalid Token."


def test_header_token_is_ignored_before_10_6(make_sb):
    old = make_sb(version="10.5.1")
    c = RealClient(old, "header")
    c.sign_in()
    assert c.get(old.admin_url + "/services").json()["code"] == 499
    c.style = "body"
    assert "folders" in c.get(old.admin_url + "/services").json()


def test_tokens_root_info_and_credentials(sb):
    info = requests.get(sb.url + "/tokens/", params={"f": "json"}).json()
    assert info["tokenServicesUrl"].endswith("/arcgis/tokens/generateToken") and "token" not in info
    for url in (sb.url + "/tokens/", sb.url + "/tokens/generateToken"):
        body = requests.post(url, data={"username": DEMO_USER, "password": DEMO_PASSWORD,
                                        "client": "requestip", "expiration": "5", "f": "json"}).json()
        assert isinstance(body["expires"], int) and body["ssl"] is False
    bad = requests.post(sb.url + "/tokens/", data={"username": DEMO_USER, "password": "wrong",
                                                   "f": "json"}).json()
    assert bad["error"]["message"] == "Unable to generate token."


def test_referer_token_needs_its_referer(sb):
    c = RealClient(sb, "header")
    c.sign_in()
    del c.http.headers["Referer"]
    assert c.get(sb.admin_url + "/services").json()["code"] == 498


def test_service_children_a_backup_reads(sb, client):
    base = sb.admin_url + "/services/Maps/Parcels.MapServer"
    info = client.get(base + "/iteminfo").json()
    assert info["title"] == "Parcels" and info["type"] == "Map Service"
    for fmt in ("json", "html", "pjson"):
        r = client.get(base + "/iteminfo/manifest/manifest.json", f=fmt)
        manifest = json.loads(r.text)
        assert manifest["databases"][0]["datasets"] and "serverPath" in manifest["resources"][0]
    perms = client.get(base + "/permissions").json()["permissions"]
    assert perms[0]["principal"] == "esriEveryone" and perms[0]["permission"]["isAllowed"] is True
    editing = client.get(sb.admin_url + "/services/Editing/Inspections.MapServer/permissions").json()
    assert [p["principal"] for p in editing["permissions"]] == ["GIS Editors"]


def test_paths_as_esri_samples_and_arc_send_them(sb, client):
    # Lower-cased context path and names, // in the path, capitalised operation names.
    assert client.get(sb.url.lower() + "/ADMIN/services/maps/parcels.mapserver/status").json() \
        == {"configuredState": "STARTED", "realTimeState": "STARTED"}
    r = client.http.post(sb.admin_url + "/services/Maps//Parcels.MapServer/Stop",
                         data={"f": "json", "token": client.token})
    assert r.json() == {"status": "success"}
    assert sb.site.service_state("Maps/Parcels.MapServer")[0] == "STOPPED"
    r = client.http.post(sb.admin_url + "/services//renameService",
                         data={"f": "json", "token": client.token, "serviceName": "SampleWorldCities",
                               "serviceType": "MapServer", "serviceNewName": "World",
                               "service": ""})  # unknown fields (DSC sends one) are ignored
    assert r.json() == {"status": "success"}
    assert "World.MapServer" in sb.site.service_refs()


def test_unicode_names(make_sb):
    usb = make_sb(unicode_names=True)
    c = RealClient(usb, "header")
    c.sign_in()
    assert ("Café/日本", "MapServer") in c.walk_catalog()
    status = c.get(usb.admin_url + "/services/Café/日本.MapServer/status").json()
    assert status["realTimeState"] == "STARTED"
    assert c.get(usb.url + "/rest/services/Café/日本/MapServer").json()["mapName"] == "Layers"


def test_kubernetes_only_resources_are_absent(sb, client):
    body = client.get(sb.admin_url + "/deployments").json()
    assert body["code"] == 404 and "'deployments'" in body["messages"][0]


# -- the version table: every route newer than the emulated release is a 404 envelope --

_EXAMPLES = {"<folder>": "Maps", "<service>": "Parcels.MapServer", "<name>": "Parcels",
             "<type>": "MapServer", "<rest>": "x", "<child>": "x"}


def _example(pattern):
    path = pattern.replace("[<folder>/]", "Maps/").replace("[/<rest>]", "")
    for key, value in _EXAMPLES.items():
        path = path.replace(key, value)
    return path


NEWER = [r for r in all_routes() if r.since > (10, 1)]


def test_version_table_is_not_empty():
    assert {r.pattern.rsplit("/", 1)[-1] for r in NEWER} >= {"startServices", "stopServices",
                                                             "deleteServices"}


@pytest.mark.parametrize("route", NEWER, ids=lambda r: r.pattern)
def test_route_before_its_version_is_the_404_envelope(make_sb, make_admin, route):
    before = list(route.since)
    before[-1] -= 1
    if before[-1] < 0:
        before = before[:-1]
    version = ".".join(str(p) for p in before) if len(before) > 1 else "%d.0" % before[0]
    if tuple(before) < (10, 1):
        pytest.skip("no release before 10.1 is emulated")
    old_sb, new_sb = make_sb(version=version), make_sb(version=".".join(map(str, route.since)))
    path = _example(route.pattern).replace("/arcgis/admin", "")
    services = json.dumps({"services": []})
    old = make_admin(old_sb).post(path, services=services).json()
    assert old == {"status": "error", "code": 404, "messages": [
        "Could not find resource or operation '%s' on the system." % path.rsplit("/", 1)[-1]]}
    new = make_admin(new_sb).post(path, services=services).json()
    assert new.get("code") != 404


# -- request log: no secret value ever written, wherever it travelled --

def test_request_log_never_holds_a_secret(make_sb, tmp_path):
    log = str(tmp_path / "requests.jsonl")
    csb = make_sb(users={"canary": CANARY_PASSWORD}, request_log=log)
    http = requests.Session()
    token = http.post(csb.admin_url + "/generateToken",
                      data={"username": "canary", "password": CANARY_PASSWORD, "f": "json"}).json()["token"]
    http.get(csb.admin_url + "/services", params={"f": "json", "token": token})
    http.get(csb.url + "/rest/services", params={"f": "json"},
             headers={"X-Esri-Authorization": "Bearer " + token})
    http.post(csb.admin_url + "/services/Maps/Parcels.MapServer/stop", data={"f": "json", "token": token})
    http.post(csb.url + "/tokens/", data={"username": "canary", "password": CANARY_PASSWORD, "f": "json"})
    with open(log, "rb") as handle:
        written = handle.read()
    assert written.count(b"\n") == 5
    for secret in (CANARY_PASSWORD, token):
        assert secret.encode("utf-8") not in written and secret not in repr(csb.requests)
    assert [r["token_source"] for r in csb.requests] == [None, "query", "header", "body", None]


# -- big bodies: spooled to disk, never truncated --

def test_body_above_the_memory_limit_arrives_intact(make_sb):
    big = make_sb(body_memory_limit=1024 * 1024)
    payload = os.urandom(3 * 1024 * 1024 + 17)
    files = {"itemFile": ("big.sd", payload, "application/octet-stream")}
    body = requests.post(big.control_url + "/body-digest", data={"description": "x", "f": "json"},
                         files=files).json()
    assert body["spooled"] is True
    part = [p for p in body["parts"] if p["name"] == "itemFile"][0]
    assert part["size"] == len(payload) and part["sha256"] == hashlib.sha256(payload).hexdigest()
    assert part["filename"] == "big.sd"


def test_default_limit_body_larger_than_8_mib_is_not_truncated(sb):
    payload = b"a" * (9 * 1024 * 1024)
    body = requests.post(sb.control_url + "/body-digest", data=payload,
                         headers={"Content-Type": "application/octet-stream"}).json()
    assert body["size"] == len(payload) and body["spooled"] is True
    assert body["sha256"] == hashlib.sha256(payload).hexdigest()


def test_multipart_text_fields_reach_handlers(sb, admin):
    r = requests.post(sb.admin_url + "/services/exists",
                      files={"f": (None, "json"), "token": (None, admin.default_token),
                             "folderName": (None, "Maps")})
    assert r.json() == {"exists": True}
