"""connect.py: one way to connect and to log in. The transport is checked before any password
is looked up; login stores the password unless it came from the keyring. Over real HTTP."""

import getpass

import pytest

from agsadmin_core import connection
from agsadmin_core.connect import LoginResult, login, open_server
from agsadmin_core.connection import AUTH_PRO_SIGNIN, ConnectionInfo, keyring_service, \
    store_password
from agsadmin_core.errors import AuthenticationFailed, InvalidInput
from tests.conftest import CANARY_PASSWORD, CANARY_USER

REMOTE = "http://gis.example.com:6080/arcgis"


@pytest.fixture
def keyring_spy(memory_keyring, monkeypatch):
    """The in-memory keyring, recording every lookup and store; prompting is an error."""
    looked_up, stored = [], []
    real_get, real_set = memory_keyring.get_password, memory_keyring.set_password

    def get_password(service, username):
        looked_up.append((service, username))
        return real_get(service, username)

    def set_password(service, username, password):
        stored.append((service, username))
        real_set(service, username, password)

    def no_prompt(*args, **kwargs):
        raise AssertionError("a password was asked for")

    monkeypatch.setattr(memory_keyring, "get_password", get_password)
    monkeypatch.setattr(memory_keyring, "set_password", set_password)
    monkeypatch.setattr(getpass, "getpass", no_prompt)
    monkeypatch.setattr(connection, "stdin_is_terminal", lambda: True)
    memory_keyring.looked_up, memory_keyring.stored = looked_up, stored
    return memory_keyring


def canary(sb, **options):
    return ConnectionInfo(sb.url, username=CANARY_USER, **options)


def test_plain_http_to_another_host_is_refused_before_a_password_is_looked_up(keyring_spy):
    info = ConnectionInfo(REMOTE, username=CANARY_USER)
    with pytest.raises(InvalidInput) as info_open:
        open_server(info)
    with pytest.raises(InvalidInput):
        login(info)
    assert "gis.example.com" in str(info_open.value)
    assert keyring_spy.looked_up == []          # nobody was asked for a doomed password


def test_allow_http_lets_the_lookup_happen(keyring_spy):
    info = ConnectionInfo(REMOTE, username=CANARY_USER, allow_http=True)
    with pytest.raises(AuthenticationFailed):
        open_server(info, prompt=False)          # nothing stored: no password, no request
    assert keyring_spy.looked_up == [(keyring_service(info.urls.admin), CANARY_USER)]


def test_open_server_signs_in_and_reads_the_root(sandbox, keyring_spy, fast_retry):
    store_password(sandbox.admin_url, CANARY_USER, CANARY_PASSWORD)
    server = open_server(canary(sandbox), retry=fast_retry)
    try:
        assert server.version[:2] == (11, 3)
    finally:
        server.close()
    assert [r["path"] for r in sandbox.requests] == ["/arcgis/admin/generateToken",
                                                     "/arcgis/admin/"]


def test_open_server_without_signing_in_now_sends_nothing(sandbox, fast_retry):
    server = open_server(canary(sandbox), password=CANARY_PASSWORD, sign_in_now=False,
                         retry=fast_retry)
    server.close()
    assert sandbox.requests == []


def test_a_refused_password_closes_the_session(sandbox, fast_retry):
    with pytest.raises(AuthenticationFailed) as info:
        open_server(canary(sandbox), password="Wrong-pass", retry=fast_retry)
    assert "Wrong-pass" not in str(info.value)


def test_credentials_first_found_wins(sandbox, fast_retry, monkeypatch, keyring_spy):
    store_password(sandbox.admin_url, CANARY_USER, "Stale-keyring-pass")
    monkeypatch.setenv("AGSADMIN_PASSWORD", CANARY_PASSWORD)
    # The environment comes before the keyring, a given password before both.
    open_server(canary(sandbox), retry=fast_retry).close()
    open_server(canary(sandbox), password=CANARY_PASSWORD, retry=fast_retry).close()
    assert keyring_spy.looked_up == []


def test_the_pro_sign_in_needs_a_source(sandbox):
    info = ConnectionInfo(sandbox.url, auth=AUTH_PRO_SIGNIN)
    with pytest.raises(AuthenticationFailed) as error:
        open_server(info)
    assert "ArcGIS Pro" in str(error.value) and sandbox.requests == []


def test_no_user_name_is_invalid_input(sandbox):
    with pytest.raises(InvalidInput):
        open_server(ConnectionInfo(sandbox.url))
    with pytest.raises(InvalidInput):
        login(ConnectionInfo(sandbox.url))
    assert sandbox.requests == []


def test_login_stores_a_given_password(sandbox, keyring_spy):
    result = login(canary(sandbox), password=CANARY_PASSWORD)
    assert result == LoginResult(sandbox.url, CANARY_USER, result.version, "given", True, None)
    assert result.version[:2] == (11, 3)
    assert keyring_spy.store == {(keyring_service(sandbox.admin_url), CANARY_USER):
                                 CANARY_PASSWORD}


def test_login_with_the_environment_password_stores_it(sandbox, keyring_spy, monkeypatch):
    monkeypatch.setenv("AGSADMIN_PASSWORD", CANARY_PASSWORD)
    result = login(canary(sandbox))
    assert (result.source, result.stored) == ("environment", True)
    assert keyring_spy.stored == [(keyring_service(sandbox.admin_url), CANARY_USER)]


def test_login_does_not_store_again_what_came_from_the_keyring(sandbox, keyring_spy):
    store_password(sandbox.admin_url, CANARY_USER, CANARY_PASSWORD)
    del keyring_spy.stored[:]
    result = login(canary(sandbox))
    assert (result.source, result.stored) == ("keyring", False)
    assert keyring_spy.stored == []


def test_login_without_store_keeps_nothing(sandbox, keyring_spy):
    result = login(canary(sandbox), password=CANARY_PASSWORD, store=False)
    assert result.stored is False and keyring_spy.store == {}


def test_a_refused_login_stores_nothing(sandbox, keyring_spy):
    with pytest.raises(AuthenticationFailed):
        login(canary(sandbox), password="Wrong-pass")
    assert keyring_spy.store == {}


def test_login_refuses_a_pro_sign_in_connection(sandbox):
    with pytest.raises(InvalidInput) as info:
        login(ConnectionInfo(sandbox.url, username=CANARY_USER, auth=AUTH_PRO_SIGNIN))
    assert "no password" in str(info.value) and sandbox.requests == []
