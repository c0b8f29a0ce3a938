"""Signing in, tokens and every transport error kind, over real HTTP against the sandbox."""

import socket

import pytest
import requests

from agsadmin_core import Server
from agsadmin_core.errors import AuthenticationFailed, ConnectionFailed, InvalidInput, \
    NotFound, NotJSON, RequestTimeout, ServerError, TLSError, TokenRejected
from tests.conftest import CANARY_PASSWORD, CANARY_USER, answers


def token_requests(sb):
    return [r for r in sb.requests if r["path"].lower().endswith("generatetoken")]


def test_sign_in_sends_secrets_only_in_post_bodies(sandbox, connect):
    server = connect()
    server.services.list()
    assert token_requests(sandbox), "no sign-in was recorded"
    for record in sandbox.requests:
        assert "token" not in record["query_fields"], record
        assert "password" not in record["query_fields"], record
        assert record["method"] == "POST", record
    calls = [r for r in sandbox.requests if not r["path"].lower().endswith("generatetoken")]
    assert calls and all("token" in r["form_fields"] for r in calls)
    assert CANARY_PASSWORD not in repr(sandbox.requests)


def test_wrong_password_is_one_clear_error_without_the_password(sandbox, fast_retry):
    with pytest.raises(AuthenticationFailed) as info:
        Server.connect(sandbox.url, username=CANARY_USER, password="Wrong-" + CANARY_PASSWORD,
                       retry=fast_retry)
    text = str(info.value)
    assert "Sign-in as 'canaryadmin' failed" in text
    assert CANARY_PASSWORD not in text and "Wrong-" not in text
    assert len(token_requests(sandbox)) == 1, "a wrong password must not be tried twice"


def test_falls_back_to_the_token_service_when_admin_refuses(make_sandbox, connect):
    sb = make_sandbox(admin_token_endpoint=False)
    server = connect(sb)
    assert server.services.list(patterns=["Maps/*"])
    paths = [r["path"] for r in token_requests(sb)]
    assert paths == ["/arcgis/admin/generateToken", "/arcgis/tokens/generateToken"]


def test_token_expired_now_is_renewed_once_and_the_call_retried(sandbox, connect):
    server = connect()
    server.services.list(patterns=["Maps/*"])
    sandbox.faults.expire_tokens()
    assert server.services.list(patterns=["Maps/*"])
    assert len(token_requests(sandbox)) == 2
    # The old token was really refused once (498) before the call was repeated.
    assert answers(sandbox, "/services") == [None, 498, None]


def test_token_expiry_by_the_server_clock(sandbox, connect):
    server = connect()
    server.services.list(patterns=["Maps/*"])
    sandbox.site.advance_clock(2 * 3600)
    assert server.services.list(patterns=["Maps/*"])
    assert len(token_requests(sandbox)) == 2
    assert answers(sandbox, "/services") == [None, 498, None]


def test_given_token_works_and_cannot_be_renewed(sandbox, fast_retry):
    token = requests.post(sandbox.admin_url + "/generateToken",
                          data={"username": CANARY_USER, "password": CANARY_PASSWORD,
                                "client": "requestip", "f": "json"}).json()["token"]
    server = Server.connect(sandbox.url, token=token, retry=fast_retry)
    assert server.services.list(patterns=["Maps/*"])
    sandbox.faults.expire_tokens()
    with pytest.raises(TokenRejected) as info:
        server.services.list(patterns=["Maps/*"])
    assert token not in str(info.value)
    assert "Token Expired" in str(info.value)


def test_garbage_token_is_rejected_without_echo(sandbox, fast_retry):
    with pytest.raises(TokenRejected) as info:
        Server.connect(sandbox.url, token="Canary-Token-123", retry=fast_retry)
    assert "Canary-Token-123" not in str(info.value)


def test_portal_federated_sign_in(make_sandbox, connect):
    sb = make_sandbox(federated=True)
    server = connect(sb, portal_url=sb.portal_url)
    assert server.services.list(patterns=["Maps/*"])
    assert [r["path"] for r in token_requests(sb)] == ["/portal/sharing/rest/generateToken"]


def test_pro_signin_callable(make_sandbox, fast_retry):
    sb = make_sandbox(federated=True)
    portal_token = requests.post(sb.portal_url + "/sharing/rest/generateToken",
                                 data={"username": CANARY_USER, "password": CANARY_PASSWORD,
                                       "client": "referer", "referer": sb.url,
                                       "f": "json"}).json()
    signin = lambda: {"token": portal_token["token"], "referer": sb.url,  # noqa: E731
                      "expires": portal_token["expires"]}
    server = Server.connect(sb.url, signin=signin, retry=fast_retry)
    assert server.services.list(patterns=["Maps/*"])


def test_plain_http_to_a_remote_host_is_refused_before_any_request():
    with pytest.raises(InvalidInput) as info:
        Server.connect("http://gis.example.com:6080/arcgis", username="u", password="p")
    assert "--allow-http" in str(info.value)


def free_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_refused_connection(fast_retry):
    with pytest.raises(ConnectionFailed) as info:
        Server.connect("http://127.0.0.1:%d/arcgis" % free_port(), username="u",
                       password=CANARY_PASSWORD, retry=fast_retry)
    assert "Could not connect" in str(info.value)
    assert CANARY_PASSWORD not in str(info.value)


def test_tls_failure(sandbox, fast_retry):
    https_url = sandbox.url.replace("http://", "https://")
    with pytest.raises(TLSError) as info:
        Server.connect(https_url, username=CANARY_USER, password=CANARY_PASSWORD,
                       retry=fast_retry)
    assert "--ca-bundle" in str(info.value)


def test_timeout(make_sandbox, fast_retry):
    sb = make_sandbox(latency_ms=1500)
    with pytest.raises(RequestTimeout) as info:
        Server.connect(sb.url, username=CANARY_USER, password=CANARY_PASSWORD, timeout=0.3,
                       retry=fast_retry)
    assert "within 0.3 seconds" in str(info.value)


def test_html_page_where_json_was_expected(sandbox, connect):
    server = connect()
    sandbox.faults.add("html", match="/services")
    with pytest.raises(NotJSON) as info:
        server.services.list(patterns=["Maps/*"])
    assert "HTML page" in str(info.value) and "direct admin URL" in str(info.value)


def test_404_envelope_is_not_found(sandbox, connect):
    server = connect()
    with pytest.raises(NotFound) as info:
        server.services.status("Maps/NoSuchService.MapServer")
    assert info.value.code == 404
    assert "Could not find resource or operation" in str(info.value)
    assert "token" not in (info.value.url or "")


def test_other_envelope_is_server_error(sandbox, connect):
    server = connect()
    sandbox.faults.add("envelope", match="/status", code=500, message="Disk full.")
    with pytest.raises(ServerError) as info:
        server.services.status("Maps/Parcels.MapServer")
    assert info.value.code == 500 and info.value.messages == ["Disk full."]


def test_dropped_connection_is_retried_for_reads(sandbox, connect):
    server = connect()
    drop = sandbox.faults.add("drop", match="/report")
    assert server.services.list(patterns=["Maps/*"])
    assert drop.fired == 1
    # The dropped request got no answer (status None); the repeat was served.
    reports = [r["status"] for r in sandbox.requests if r["path"].endswith("/report")]
    assert reports == [None, 200]


def test_dropped_connection_that_persists_is_reported(sandbox, connect):
    server = connect()
    drop = sandbox.faults.add("drop", match="/report", times=10)
    with pytest.raises(ConnectionFailed):
        server.services.list(patterns=["Maps/*"])
    assert drop.fired == server.session.retry.connect_attempts


def test_redirect_is_refused_with_a_hint(sandbox, connect):
    server = connect()
    with pytest.raises(ServerError) as info:
        server.session.post_form(sandbox.url + "/admin", {}, operation="root")
    assert "redirected" in str(info.value) and info.value.code == 302


def test_version_is_read_from_the_admin_root(make_sandbox, connect):
    assert connect(make_sandbox(version="10.5.1")).version == (10, 5, 1)
    assert connect(make_sandbox(version="11.3")).version[:2] == (11, 3)
