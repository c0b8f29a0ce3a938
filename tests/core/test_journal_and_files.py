"""The stop journal and connection files: atomic, honest, and never holding a secret."""

import json
import os

import pytest

from agsadmin_core import _compat
from agsadmin_core.connection import ConnectionInfo, find_password, keyring_service, \
    store_password
from agsadmin_core.errors import AuthenticationFailed, InvalidInput
from agsadmin_core.journal import FAILED, PENDING, RESTARTED, STOPPED, Journal

SITE = "https://gis.example.com:6443/arcgis"


def test_journal_is_written_before_and_after_each_service(tmp_path):
    path = str(tmp_path / "j.json")
    journal = Journal.open(path, SITE)
    journal.plan([("Maps/A.MapServer", "STARTED"), ("Maps/B.MapServer", "STARTED")])
    on_disk = json.load(open(path))
    assert [e["state"] for e in on_disk["services"]] == [PENDING, PENDING]
    journal.mark("Maps/A.MapServer", STOPPED)
    journal.mark("Maps/B.MapServer", FAILED, "locked")
    again = Journal.load(path, SITE)
    assert again.state("Maps/A.MapServer") == STOPPED
    assert again.entries["Maps/B.MapServer"]["message"] == "locked"
    assert again.to_restart() == ["Maps/A.MapServer", "Maps/B.MapServer"]
    again.mark("Maps/A.MapServer", RESTARTED)
    assert Journal.load(path).to_restart() == ["Maps/B.MapServer"]


def test_a_second_stop_keeps_what_the_first_stopped(tmp_path):
    path = str(tmp_path / "j.json")
    first = Journal.open(path, SITE)
    first.plan([("Maps/A.MapServer", "STARTED")])
    first.mark("Maps/A.MapServer", STOPPED)
    second = Journal.open(path, SITE)
    second.plan([("Maps/B.MapServer", "STARTED")])
    assert second.to_restart() == ["Maps/A.MapServer", "Maps/B.MapServer"]


def test_journal_of_another_site_is_refused(tmp_path):
    path = str(tmp_path / "j.json")
    Journal.open(path, SITE).plan([("Maps/A.MapServer", "STARTED")])
    with pytest.raises(InvalidInput) as info:
        Journal.load(path, "https://other.example.com:6443/arcgis")
    assert "belongs to" in str(info.value)


@pytest.mark.parametrize("content", ["", "{not json", json.dumps({"format": "other"})])
def test_unreadable_journal_is_invalid_input(tmp_path, content):
    path = tmp_path / "j.json"
    path.write_text(_compat.to_text(content))
    with pytest.raises(InvalidInput):
        Journal.load(str(path))


def test_atomic_write_leaves_no_temporary_files(tmp_path):
    target = str(tmp_path / "out.json")
    _compat.write_atomic(target, u"one")
    _compat.write_atomic(target, u"two")
    assert open(target).read() == "two"
    assert os.listdir(str(tmp_path)) == ["out.json"]


def test_connection_file_round_trip_holds_no_secret(tmp_path):
    path = str(tmp_path / "prod.agsadmin.json")
    bundle = str(tmp_path / "ca.pem")  # verify names a CA bundle that must exist
    open(bundle, "w").close()
    ConnectionInfo(SITE, username="siteadmin", verify=bundle).save(path)
    text = open(path).read()
    assert "password" not in text.lower() and "token" not in text.lower()
    info = ConnectionInfo.load(path)
    assert (info.server_url, info.username, info.verify) == (SITE, "siteadmin", bundle)


@pytest.mark.parametrize("key", ["password", "token", "Password", "admin_token", "secret"])
def test_connection_file_with_a_secret_is_refused_without_echoing_it(tmp_path, key):
    path = str(tmp_path / "bad.agsadmin.json")
    data = ConnectionInfo(SITE, username="u").to_dict()
    data[key] = "Canary-Secret-123"
    json.dump(data, open(path, "w"))
    with pytest.raises(InvalidInput) as info:
        ConnectionInfo.load(path)
    assert key in str(info.value)
    assert "Canary-Secret-123" not in str(info.value)


def test_connection_file_errors(tmp_path):
    with pytest.raises(InvalidInput):
        ConnectionInfo.load(str(tmp_path / "missing.agsadmin.json"))
    bad = tmp_path / "bad.agsadmin.json"
    bad.write_text(u"{}")
    with pytest.raises(InvalidInput):
        ConnectionInfo.load(str(bad))


def test_password_chain_order(memory_keyring, monkeypatch):
    admin = SITE + "/admin"
    with pytest.raises(AuthenticationFailed) as info:
        find_password(admin, "siteadmin", prompt=False)
    assert "login" in str(info.value) and "AGSADMIN_PASSWORD" in str(info.value)
    store_password(admin, "siteadmin", "from-keyring")
    assert memory_keyring.store[(keyring_service(admin), "siteadmin")] == "from-keyring"
    assert find_password(admin, "siteadmin", prompt=False) == ("from-keyring", "keyring")
    monkeypatch.setenv("AGSADMIN_PASSWORD", "from-env")
    assert find_password(admin, "siteadmin", prompt=False) == ("from-env", "environment")


def test_prompt_only_when_stdin_is_a_terminal(monkeypatch):
    import getpass
    monkeypatch.setattr(_compat, "stdin_is_terminal", lambda: True)
    import agsadmin_core.connection as connection
    monkeypatch.setattr(connection, "stdin_is_terminal", lambda: True)
    monkeypatch.setattr(getpass, "getpass", lambda prompt: "typed")
    assert find_password(SITE + "/admin", "u") == ("typed", "prompt")
    monkeypatch.setattr(connection, "stdin_is_terminal", lambda: False)
    with pytest.raises(AuthenticationFailed):
        find_password(SITE + "/admin", "u")


def test_pro_signin_connection_needs_a_signin_source(tmp_path):
    from agsadmin_core import Server
    path = str(tmp_path / "pro.agsadmin.json")
    ConnectionInfo(SITE, portal_url="https://portal.example.com/portal",
                   auth="pro-signin").save(path)
    assert ConnectionInfo.load(path).auth == "pro-signin"
    with pytest.raises(AuthenticationFailed) as info:
        Server.from_connection_file(path)
    assert "ArcGIS Pro" in str(info.value)
    with pytest.raises(InvalidInput):
        ConnectionInfo(SITE, auth="magic")
