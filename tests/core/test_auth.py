"""auth.py: tokens that hide their value, expiry parsing, each provider against the sandbox
over HTTP, and the transport check that keeps credentials off plain http."""

import pytest

from agsadmin_core import auth
from agsadmin_core.auth import GivenToken, PasswordTokenProvider, PortalTokenProvider, \
    SigninTokenProvider, Token, ensure_safe_transport, parse_expires
from agsadmin_core.errors import AuthenticationFailed, InvalidInput
from agsadmin_core.session import AdminSession
from agsadmin_core.urls import parse_server_url
from tests.conftest import CANARY_PASSWORD, CANARY_USER, answers

NOW_MS = 1700000000000.0


def session_for(sb, provider=None, fast_retry=None):
    return AdminSession(parse_server_url(sb.url), provider, retry=fast_retry)


def token_paths(sb):
    return [r["path"] for r in sb.requests if r["path"].endswith("generateToken")]


# -- tokens and expiry ------------------------------------------------------------------------

def test_a_token_never_shows_its_value():
    token = Token("Canary-Token-123", 50.0, "http://127.0.0.1/arcgis")
    assert "Canary-Token-123" not in repr(token) and "<hidden>" in repr(token)
    assert token.seconds_left(now=20.0) == 30.0
    assert Token("x", None, None).seconds_left() is None


def test_providers_never_show_a_secret():
    assert CANARY_PASSWORD not in repr(PasswordTokenProvider(CANARY_USER, CANARY_PASSWORD))
    assert CANARY_USER in repr(PasswordTokenProvider(CANARY_USER, CANARY_PASSWORD))
    assert "Canary-Token-123" not in repr(GivenToken("Canary-Token-123"))


@pytest.mark.parametrize("value, seconds", [
    (str(NOW_MS + 3600 * 1000), 3600.0),     # /admin/generateToken: a string of milliseconds
    (NOW_MS + 600 * 1000, 600.0),            # /tokens and the Portal: a number
    ((NOW_MS / 1000.0) + 900, 900.0),        # seconds, as some proxies rewrite it
    (NOW_MS - 5000, 30.0),                   # already expired by our clock: renewed soon
])
def test_parse_expires(value, seconds):
    assert parse_expires(value, server_now_ms=NOW_MS) == pytest.approx(seconds)


@pytest.mark.parametrize("value", [None, "", "soon", {}])
def test_parse_expires_without_a_number_is_none(value):
    assert parse_expires(value) is None


def test_a_password_provider_needs_a_user_name():
    with pytest.raises(InvalidInput):
        PasswordTokenProvider("", CANARY_PASSWORD)


# -- providers over HTTP ----------------------------------------------------------------------

def test_password_provider_signs_in_at_the_admin_endpoint(sandbox):
    with session_for(sandbox) as session:
        token = PasswordTokenProvider(CANARY_USER, CANARY_PASSWORD).fetch(session)
    assert token.value and token.referer == sandbox.url
    assert token.seconds_left() > 3000          # asked for 60 minutes
    assert token_paths(sandbox) == ["/arcgis/admin/generateToken"]
    record = sandbox.requests[0]
    assert set(["username", "password", "client", "referer"]) <= set(record["form_fields"])
    assert record["query_fields"] == []


def test_a_wrong_password_is_tried_at_one_endpoint_only(sandbox):
    # Each failed sign-in counts towards the account's lock-out: no second endpoint.
    with session_for(sandbox) as session:
        with pytest.raises(AuthenticationFailed) as info:
            PasswordTokenProvider(CANARY_USER, "Wrong-" + CANARY_PASSWORD).fetch(session)
    assert token_paths(sandbox) == ["/arcgis/admin/generateToken"]
    message = str(info.value)
    assert message.startswith("Sign-in as '%s' failed: " % CANARY_USER)
    assert CANARY_PASSWORD not in message and info.value.operation == "generateToken"


@pytest.mark.parametrize("kind, code, status", [
    ("html", 500, None),            # a Web Adaptor's login page
    ("http-status", 500, 405),      # a proxy refusing the path
    ("envelope", 404, None),        # not found on this release
    ("envelope", 403, None),        # admin sign-in blocked
    ("envelope", 405, None),
])
def test_a_refused_admin_endpoint_falls_back_to_the_token_service(sandbox, kind, code, status):
    fault = sandbox.faults.add(kind, match="/admin/generateToken", code=code, status=status)
    with session_for(sandbox) as session:
        token = PasswordTokenProvider(CANARY_USER, CANARY_PASSWORD).fetch(session)
    assert token.value and fault.fired == 1
    assert token_paths(sandbox) == ["/arcgis/admin/generateToken", "/arcgis/tokens/generateToken"]


def test_other_admin_endpoint_errors_are_a_failed_sign_in(sandbox):
    fault = sandbox.faults.add("envelope", match="/admin/generateToken", code=500,
                               message="Disk full.")
    with session_for(sandbox) as session:
        with pytest.raises(AuthenticationFailed) as info:
            PasswordTokenProvider(CANARY_USER, CANARY_PASSWORD).fetch(session)
    assert fault.fired == 1 and "Disk full." in str(info.value)
    assert token_paths(sandbox) == ["/arcgis/admin/generateToken"]


def test_an_answer_without_a_token_is_refused(sandbox, monkeypatch):
    with session_for(sandbox) as session:
        monkeypatch.setattr(session, "post_form", lambda *a, **k: {"expires": "1"})
        with pytest.raises(AuthenticationFailed) as info:
            PasswordTokenProvider(CANARY_USER, CANARY_PASSWORD).fetch(session)
    assert "held no token" in str(info.value)


def test_portal_provider_signs_in_at_the_portal(make_sandbox):
    sb = make_sandbox(federated=True)
    url = sb.portal_url + "/sharing/rest/generateToken"
    with session_for(sb) as session:
        token = PortalTokenProvider(url, CANARY_USER, CANARY_PASSWORD).fetch(session)
        assert token.referer == sb.url
        with pytest.raises(AuthenticationFailed) as info:
            PortalTokenProvider(url, CANARY_USER, "nope").fetch(session)
    assert token_paths(sb) == ["/portal/sharing/rest/generateToken"] * 2
    assert "nope" not in str(info.value)
    assert answers(sb, "/generateToken")[0] is None


def test_given_token_cannot_renew():
    provider = GivenToken("abc", referer="http://127.0.0.1/arcgis")
    token = provider.fetch(None)
    assert (token.value, token.expires_at, token.referer) == \
        ("abc", None, "http://127.0.0.1/arcgis")
    assert provider.can_renew is False and PasswordTokenProvider.can_renew is True


def test_signin_provider_asks_its_source_each_time():
    calls = []

    def source():
        calls.append(True)
        return {"token": "t%d" % len(calls), "referer": "https://gis/arcgis",
                "expires": 4102444800000}
    provider = SigninTokenProvider(source)
    assert provider.fetch(None).value == "t1" and provider.fetch(None).value == "t2"
    assert provider.fetch(None).expires_at is not None


@pytest.mark.parametrize("answer", [None, {}, {"token": ""}])
def test_signin_provider_without_a_signed_in_pro(answer):
    with pytest.raises(AuthenticationFailed) as info:
        SigninTokenProvider(lambda: answer).fetch(None)
    assert "not signed in" in str(info.value)


# -- the transport check ------------------------------------------------------------------------

@pytest.mark.parametrize("url, allow_http, refused", [
    ("http://gis.example.com:6080/arcgis", False, True),
    ("http://gis.example.com:6080/arcgis", True, False),
    ("https://gis.example.com:6443/arcgis", False, False),
    ("http://127.0.0.1:6080/arcgis", False, False),
    ("http://localhost:6080/arcgis", False, False),
])
def test_ensure_safe_transport(url, allow_http, refused):
    urls = parse_server_url(url)
    if refused:
        with pytest.raises(InvalidInput) as info:
            ensure_safe_transport(urls, allow_http)
        assert "gis.example.com" in str(info.value) and "--allow-http" in str(info.value)
    else:
        assert ensure_safe_transport(urls, allow_http) is None


def test_the_module_lists_what_it_exports():
    for name in auth.__all__:
        assert hasattr(auth, name), name
