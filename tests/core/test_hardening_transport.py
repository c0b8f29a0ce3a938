# -*- coding: utf-8 -*-
"""Issue 8, defects 3, 8 and 9: loopback decided from the parsed address for every URL that
receives credentials; no password in a URL; typed connection-file fields, fed garbage."""

import io
import json
import random

import pytest

from agsadmin_core import Server
from agsadmin_core._compat import to_text
from agsadmin_core.auth import PortalTokenProvider, check_credential_url
from agsadmin_core.connection import ConnectionInfo
from agsadmin_core.errors import InvalidInput
from agsadmin_core.urls import is_loopback_host, parse_portal_url, parse_server_url, \
    strip_secrets
from tests.conftest import CANARY_PASSWORD, CANARY_USER


@pytest.mark.parametrize("host, loopback", [
    ("localhost", True), ("LOCALHOST", True), ("127.0.0.1", True), ("127.255.0.9", True),
    ("::1", True), ("[::1]", True), ("0:0:0:0:0:0:0:1", True),
    ("127.0.0.1.example.com", False), ("127.evil.com", False), ("127.0.0.256", False),
    ("127.1", False), ("0x7f.0.0.1", False), ("0127.0.0.1", False), ("128.0.0.1", False),
    ("::2", False), ("::ffff:8.8.8.8", False), ("localhost.example.com", False),
    ("", False), (None, False), ("10.0.0.1", False),
])
def test_loopback_is_decided_from_the_parsed_address(host, loopback):
    assert is_loopback_host(host) is loopback


@pytest.mark.parametrize("url", ["http://127.0.0.1.example.com/arcgis",
                                 "http://127.evil.com:6080/arcgis",
                                 "http://gis.example.com:6080/arcgis"])
def test_plain_http_to_a_name_that_looks_local_is_refused(url, sandbox):
    sandbox.clear_requests()
    with pytest.raises(InvalidInput) as info:
        Server.connect(url, username=CANARY_USER, password=CANARY_PASSWORD)
    assert "plain http" in str(info.value) and CANARY_PASSWORD not in str(info.value)
    assert not parse_server_url(url).is_loopback


def test_an_http_portal_is_refused_even_when_the_server_is_local(sandbox):
    sandbox.clear_requests()
    for portal in ("http://portal.example.com/portal", "http://127.0.0.1.nip.io/portal"):
        with pytest.raises(InvalidInput) as info:
            Server.connect(sandbox.url, username=CANARY_USER, password=CANARY_PASSWORD,
                           portal_url=portal)
        assert "Portal" in str(info.value)
    assert sandbox.requests == []  # refused before a single request, the password unsent
    with pytest.raises(InvalidInput):
        PortalTokenProvider(parse_portal_url("http://portal.example.com/portal"), "u", "p")
    PortalTokenProvider(parse_portal_url("http://portal.example.com/portal"), "u", "p",
                        allow_http=True)
    check_credential_url(sandbox.portal_url, False, "Portal")  # loopback: fine


def test_a_federated_sign_in_through_the_loopback_portal_still_works(make_sandbox,
                                                                    fast_retry):
    sb = make_sandbox(federated=True)
    with Server.connect(sb.url, username=CANARY_USER, password=CANARY_PASSWORD,
                        portal_url=sb.portal_url, retry=fast_retry) as server:
        assert server.services.list(patterns=["Maps/*"])


@pytest.mark.parametrize("url", ["https://%s:%s@gis.example.com:6443/arcgis",
                                 "https://%s:%s@gis.example.com/arcgis/admin",
                                 "%s:%s@gis.example.com:6443/arcgis",
                                 "http://%s:%s@127.0.0.1:6080/arcgis"])
def test_a_password_in_the_url_is_refused_without_echoing_it(url):
    text = url % (CANARY_USER, CANARY_PASSWORD)
    for parse in (parse_server_url, parse_portal_url):
        with pytest.raises(InvalidInput) as info:
            parse(text)
        assert CANARY_PASSWORD not in str(info.value)
        assert "user name or password" in str(info.value)
    with pytest.raises(InvalidInput) as info:
        ConnectionInfo(text, username="u")
    assert CANARY_PASSWORD not in str(info.value)


def test_strip_secrets_removes_user_info_query_and_fragment():
    url = "https://%s:%s@gis.example.com:6443/arcgis/admin?token=%s#x" % (
        CANARY_USER, CANARY_PASSWORD, CANARY_PASSWORD)
    assert strip_secrets(url) == "https://gis.example.com:6443/arcgis/admin"


@pytest.mark.parametrize("url", ["https://gis.example.com:99999/arcgis",
                                 "https://gis.example.com:0/arcgis",
                                 "https://gis.example.com:-1/arcgis",
                                 "https://gis.example.com:port/arcgis",
                                 "http://[::1/arcgis", "https://gis example.com/arcgis",
                                 "https://gis\x00.example.com/arcgis"])
def test_bad_ports_and_hosts_are_invalid_input(url):
    with pytest.raises(InvalidInput):
        parse_server_url(url)


# -- connection files: typed fields, fed garbage ------------------------------------------


def base_file(sandbox_url="https://gis.example.com:6443/arcgis"):
    return {"format": "agsadmin-connection", "version": 1, "server_url": sandbox_url,
            "username": "siteadmin", "portal_url": None, "verify": True,
            "allow_http": False, "timeout": 60.0, "auth": "user"}


def write_file(path, data):
    with io.open(path, "w", encoding="utf-8") as handle:
        handle.write(to_text(json.dumps(data, ensure_ascii=False, allow_nan=True)))
    return path


@pytest.mark.parametrize("field, value, words", [
    ("allow_http", "false", "'allow_http'"), ("allow_http", 0, "'allow_http'"),
    ("allow_http", "true", "'allow_http'"), ("verify", "false", "'verify'"),
    ("verify", 1, "'verify'"), ("timeout", "60", "'timeout'"), ("timeout", 0, "'timeout'"),
    ("timeout", -5, "'timeout'"), ("timeout", float("nan"), "'timeout'"),
    ("timeout", float("inf"), "'timeout'"), ("timeout", 10 ** 400, "'timeout'"),
    ("timeout", True, "'timeout'"), ("server_url", 5, "'server_url'"),
    ("server_url", None, "'server_url'"), ("username", ["u"], "'username'"),
    ("portal_url", {"u": 1}, "'portal_url'"), ("auth", "password", "'auth'"),
])
def test_wrongly_typed_fields_name_the_field(tmp_path, field, value, words):
    data = base_file()
    data[field] = value
    path = write_file(str(tmp_path / "c.agsadmin.json"), data)
    with pytest.raises(InvalidInput) as info:
        ConnectionInfo.load(path)
    assert words in str(info.value) and path in str(info.value)


def test_allow_http_false_as_a_string_never_turns_http_on(tmp_path):
    data = base_file("http://gis.example.com:6080/arcgis")
    data["allow_http"] = "false"
    with pytest.raises(InvalidInput):
        ConnectionInfo.load(write_file(str(tmp_path / "c.agsadmin.json"), data))


def garbage(rng):
    """One generated JSON value of some awkward kind."""
    kind = rng.randrange(12)
    if kind == 0:
        return u"".join(rng.choice(u"aé日本\ufeff\u202e\x00\n:/@%[]{}\"' \t\\")
                        for _ in range(rng.randrange(0, 40)))
    if kind == 1:
        return rng.choice([float("nan"), float("inf"), float("-inf"), -0.0, 1e308, -1e308])
    if kind == 2:
        return rng.choice([10 ** rng.randrange(1, 500), -(10 ** rng.randrange(1, 50)), 0, -1])
    if kind == 3:
        return rng.choice([True, False, None])
    if kind == 4:
        return [garbage(rng) for _ in range(rng.randrange(3))]
    if kind == 5:
        return {u"k\u00e9": garbage(rng)}
    if kind == 6:
        return u"\ufeff" + rng.choice([u"true", u"https://gis.example.com/arcgis", u"60"])
    if kind == 7:
        return rng.choice([u"http://127.0.0.1.example.com/arcgis", u"https://u:p@h/arcgis",
                           u"https://h:99999/arcgis", u"ftp://h/arcgis", u"http://[::1",
                           u"//h/arcgis", u"https://", u"http://h:6080/arcgis"])
    if kind == 8:
        return u"x" * rng.randrange(1000, 100000)
    if kind == 9:
        return rng.uniform(-1e6, 1e6)
    if kind == 10:
        return rng.choice([u"true", u"false", u"null", u"0", u"1e999", u"NaN"])
    return u"/no/such/ca-bundle-%d.pem" % rng.randrange(1000)


@pytest.mark.parametrize("field", ["server_url", "username", "portal_url", "verify",
                                   "allow_http", "timeout", "auth", "version"])
def test_generated_garbage_in_any_field_is_invalid_input_or_a_typed_value(tmp_path, field):
    rng = random.Random("agsadmin-%s" % field)  # reproducible: the same garbage each run
    path = str(tmp_path / "c.agsadmin.json")
    refused = 0
    for _ in range(150):
        data = base_file()
        data[field] = garbage(rng)
        write_file(path, data)
        try:
            info = ConnectionInfo.load(path)
        except InvalidInput as exc:
            refused += 1
            assert "\n" not in str(exc)
            continue
        # Whatever was accepted is of the documented type and range.
        assert isinstance(info.allow_http, bool)
        assert isinstance(info.verify, bool) or info.verify.strip()
        assert 0 < info.timeout <= 3600
        assert info.urls.scheme in ("http", "https")
    assert refused >= 75  # garbage is refused, it is not quietly coerced


def test_a_file_of_garbage_bytes_or_with_a_bom_is_invalid_input_or_read(tmp_path):
    rng = random.Random(8)
    path = str(tmp_path / "c.agsadmin.json")
    for _ in range(100):
        with open(path, "wb") as handle:
            handle.write(bytearray(rng.randrange(256) for _ in range(rng.randrange(60))))
        with pytest.raises(InvalidInput):
            ConnectionInfo.load(path)
    with io.open(path, "w", encoding="utf-8-sig") as handle:  # Notepad's BOM
        handle.write(to_text(json.dumps(base_file())))
    assert ConnectionInfo.load(path).username == "siteadmin"


def test_replace_checks_overrides_like_file_values(tmp_path):
    info = ConnectionInfo("https://gis.example.com:6443/arcgis", username="u")
    assert info.replace(timeout=30).timeout == 30.0
    assert info.replace(username="v").username == "v" and info.username == "u"
    for bad in ({"timeout": float("nan")}, {"verify": str(tmp_path / "missing.pem")},
                {"allow_http": "false"}, {"portal_url": "http://u:p@portal/portal"},
                {"password": "x"}):
        with pytest.raises(InvalidInput):
            info.replace(**bad)
