"""session.py: the one send path (tokens in bodies, one renewal per call, retries only where
safe), connection state (root, version) and the retry policy, over HTTP against the sandbox."""

import random

import pytest

from agsadmin_core.auth import GivenToken, PasswordTokenProvider
from agsadmin_core.errors import AdminLockBusy, ConnectionFailed, NotFound, TokenRejected
from agsadmin_core.session import AdminSession, RetryPolicy
from agsadmin_core.urls import parse_server_url
from agsadmin_core.version import __version__
from tests.conftest import CANARY_PASSWORD, CANARY_USER, answers


@pytest.fixture
def open_session(sandbox, fast_retry):
    """open_session(sb=None, provider=...) -> an AdminSession as the canary user."""
    sessions = []

    def factory(sb=None, provider=None):
        sb = sb or sandbox
        session = AdminSession(parse_server_url(sb.url),
                               provider or PasswordTokenProvider(CANARY_USER, CANARY_PASSWORD),
                               retry=fast_retry)
        sessions.append(session)
        return session

    yield factory
    for session in sessions:
        session.close()


def token_requests(sb):
    return [r for r in sb.requests if r["path"].endswith("generateToken")]


def test_one_sign_in_serves_many_calls_and_the_token_travels_in_the_body(sandbox, open_session):
    session = open_session()
    for _ in range(3):
        session.call("services", safe_to_repeat=True)
    assert len(token_requests(sandbox)) == 1
    calls = [r for r in sandbox.requests if r["path"] == "/arcgis/admin/services"]
    assert len(calls) == 3
    assert all("token" in r["form_fields"] and r["query_fields"] == [] for r in calls)
    assert session.request_count == 4


def test_root_is_read_once_and_gives_the_version(make_sandbox, open_session):
    sb = make_sandbox(version="10.5.1")
    session = open_session(sb)
    assert session.version == (10, 5, 1)
    assert session.root() is session.root()
    assert [r["path"] for r in sb.requests].count("/arcgis/admin/") == 1


@pytest.mark.parametrize("root, version", [
    ({"fullVersion": "11.3.0"}, (11, 3, 0)),
    ({"currentVersion": 10.51}, (10, 5, 1)),     # 10.5.1 writes its version as a number
    ({"currentVersion": 10.6}, (10, 6)),
    ({"currentVersion": "11.1"}, (11, 1)),
    ({}, (0,)),
])
def test_version_from_the_root_fields(open_session, root, version):
    session = open_session()
    session._root = root   # what the admin root answered
    assert session.version == version


def test_a_token_about_to_expire_is_renewed_before_the_call(make_sandbox, open_session):
    # One-minute tokens are inside the renewal margin: every call signs in first.
    sb = make_sandbox(token_minutes=1, max_token_minutes=1)
    session = open_session(sb)
    session.call("services", safe_to_repeat=True)
    session.call("services", safe_to_repeat=True)
    assert len(token_requests(sb)) == 2
    assert answers(sb, "/services") == [None, None]


def test_a_rejected_token_is_renewed_once_per_call(sandbox, open_session):
    session = open_session()
    session.call("services", safe_to_repeat=True)
    sandbox.faults.expire_tokens()
    session.call("services", safe_to_repeat=True)
    assert answers(sandbox, "/services") == [None, 498, None]
    assert len(token_requests(sandbox)) == 2
    # A server that rejects every token: one renewal, then the error.
    reject = sandbox.faults.add("envelope", match="/services", code=498,
                                message="Invalid token.", times=10)
    with pytest.raises(TokenRejected):
        session.call("services", safe_to_repeat=True)
    assert reject.fired == 2 and len(token_requests(sandbox)) == 3


def test_a_given_token_is_not_renewed(sandbox, open_session):
    token = PasswordTokenProvider(CANARY_USER, CANARY_PASSWORD).fetch(open_session())
    sandbox.clear_requests()
    session = open_session(provider=GivenToken(token.value, referer=token.referer))
    session.call("services")
    sandbox.faults.expire_tokens()
    with pytest.raises(TokenRejected):
        session.call("services")
    assert answers(sandbox, "/services") == [None, 498] and token_requests(sandbox) == []


def test_without_credentials_a_call_goes_without_a_token(sandbox, fast_retry):
    with AdminSession(parse_server_url(sandbox.url), None, retry=fast_retry) as session:
        with pytest.raises(TokenRejected):
            session.call("services")
        with pytest.raises(TokenRejected) as info:
            session.token()
    assert "No credentials" in str(info.value)
    assert sandbox.requests[0]["form_fields"] == ["f"]


def test_the_lock_is_retried_only_when_safe(sandbox, open_session):
    session = open_session()
    path = "services/Maps/Parcels.MapServer/stop"
    lock = sandbox.faults.add("lock", match="/stop", times=2)
    session.call(path, safe_to_repeat=True)
    assert lock.fired == 2 and answers(sandbox, "Parcels.MapServer/stop") == [500, 500, None]
    sandbox.clear_requests()
    lock = sandbox.faults.add("lock", match="/start", times=2)
    with pytest.raises(AdminLockBusy):
        session.call("services/Maps/Parcels.MapServer/start")
    assert lock.fired == 1 and answers(sandbox, "Parcels.MapServer/start") == [500]


def test_the_lock_that_persists_is_reported_after_the_allowed_attempts(sandbox, open_session):
    session = open_session()
    lock = sandbox.faults.add("lock", match="/stop", times=100)
    with pytest.raises(AdminLockBusy) as info:
        session.call("services/Maps/Parcels.MapServer/stop", operation="stop",
                     service="Maps/Parcels.MapServer", safe_to_repeat=True)
    assert lock.fired == session.retry.lock_attempts == 6
    assert info.value.operation == "stop" and info.value.service == "Maps/Parcels.MapServer"


def test_a_dropped_connection_is_resent_only_when_safe(sandbox, open_session):
    session = open_session()
    session.sign_in()
    drop = sandbox.faults.add("drop", match="/services", times=1)
    session.call("services", safe_to_repeat=True)
    assert drop.fired == 1
    assert [r["status"] for r in sandbox.requests if r["path"].endswith("/services")] == \
        [None, 200]
    drop = sandbox.faults.add("drop", match="/stop", times=1)
    with pytest.raises(ConnectionFailed):
        session.call("services/Maps/Parcels.MapServer/stop")
    assert drop.fired == 1 and sandbox.site.service_state("Maps/Parcels.MapServer")[1] == \
        "STARTED"


def test_admin_url_encodes_segments(open_session):
    session = open_session()
    assert session.admin_url("/services/My Maps/A b.MapServer/") == \
        session.urls.admin + "/services/My%20Maps/A%20b.MapServer"


def test_errors_name_the_operation_and_a_clean_url(sandbox, open_session):
    session = open_session()
    with pytest.raises(NotFound) as info:
        session.call("services/Nope/Missing.MapServer", service="Nope/Missing.MapServer")
    assert info.value.operation == "Missing.MapServer"
    assert info.value.url == sandbox.admin_url + "/services/Nope/Missing.MapServer"


def test_the_user_agent_names_agsadmin(open_session):
    assert open_session().http.headers["User-Agent"].startswith("agsadmin/%s " % __version__)


def test_retry_pauses_double_with_jitter_up_to_the_ceiling(monkeypatch):
    policy = RetryPolicy(backoff=0.5, max_pause=3.0)
    monkeypatch.setattr(random, "random", lambda: 0.5)      # no jitter
    assert [policy.pause(n) for n in (1, 2, 3, 4, 5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    monkeypatch.setattr(random, "random", lambda: 0.0)      # the low end: 75 %
    assert policy.pause(2) == 0.75
    monkeypatch.setattr(random, "random", lambda: 1.0)      # the high end: 125 %
    assert policy.pause(2) == 1.25


def test_retry_policy_overrides_only_what_is_given():
    policy = RetryPolicy(lock_attempts=2)
    assert (policy.lock_attempts, policy.connect_attempts, policy.backoff, policy.max_pause) == \
        (2, RetryPolicy.connect_attempts, RetryPolicy.backoff, RetryPolicy.max_pause)
