"""Issue 8, the transport and engine defects: a persistent admin lock, a password that stops
working mid-run, CA-bundle variables from the environment, proxies' 502/503, HTTP 401, Ctrl-C
and broken pipes. Over real HTTP against the sandbox."""

import json

import pytest
import requests

from agsadmin_core import AuthenticationFailed, Cancelled, Server
from agsadmin_core.cli import EXIT_AUTH, EXIT_CANCELLED, EXIT_OK
from agsadmin_core.errors import AdminLockBusy
from agsadmin_core.reporter import Reporter
from agsadmin_core.session import RetryPolicy
from tests.conftest import CANARY_PASSWORD, CANARY_USER


def sign_ins(sb):
    return [r for r in sb.requests if r["path"].lower().endswith("generatetoken")]


class Collect(Reporter):
    def __init__(self):
        self.warnings = []

    def warning(self, text):
        self.warnings.append(text)


def test_a_persistent_lock_costs_one_budget_per_run_not_retries_per_service(make_sandbox):
    sb = make_sandbox(services=50)
    retry = RetryPolicy(lock_attempts=6, backoff=0.01, max_pause=0.02, lock_budget=0.1)
    server = Server.connect(sb.url, username=CANARY_USER, password=CANARY_PASSWORD,
                            retry=retry)
    sb.clear_requests()
    sb.faults.add("lock", match="stop", times=10 ** 6)   # held until disarmed
    reporter = Collect()
    with pytest.raises(Exception) as info:
        server.services.stop(["Bulk01/*"], reporter=reporter, wait=False)
    locked = [r for r in sb.requests if r["path"].lower().endswith("stop") or
              r["path"].endswith("stopServices")]
    # Without a run budget: 6 tries per batch, then 6 per service (300+ requests).
    assert len(locked) <= 50 + 2 * 6, len(locked)
    assert set(r.status for r in info.value.results) == set(["failed"])
    assert "another administrative operation" in info.value.results[0].message.lower()
    # Said once, with the server's own words, even when stderr is not a terminal.
    busy = [w for w in reporter.warnings if "busy with another administrative" in w]
    assert len(busy) == 1 and "waiting for up to" in busy[0]
    server.close()


def test_a_lock_that_clears_within_the_budget_is_waited_out(make_sandbox):
    sb = make_sandbox(services=10)
    retry = RetryPolicy(lock_attempts=6, backoff=0.01, max_pause=0.02, lock_budget=5)
    server = Server.connect(sb.url, username=CANARY_USER, password=CANARY_PASSWORD,
                            retry=retry)
    sb.faults.add("lock", match="stopServices", times=2)
    result = server.services.stop(["Bulk01/*"])
    assert set(r.status for r in result) == set(["ok"])
    assert [f for f in sb.faults.list() if f["kind"] == "lock"][0]["fired"] == 2
    server.close()


def test_a_password_changed_mid_run_signs_in_once_and_stops(make_sandbox):
    sb = make_sandbox(services=50)
    server = Server.connect(sb.url, username=CANARY_USER, password=CANARY_PASSWORD,
                            retry=RetryPolicy(backoff=0.01, max_pause=0.02))
    server.services.list(patterns=["Bulk01/*"])
    sb.site.users[CANARY_USER] = "changed-by-the-directory"
    sb.site.expire_all_tokens()
    sb.clear_requests()
    with pytest.raises(AuthenticationFailed):
        server.services.stop(["Bulk01/*"], batch=False, parallel=4, wait=False)
    assert len(sign_ins(sb)) == 1
    # Nothing more is tried, now or later in the session.
    with pytest.raises(AuthenticationFailed):
        server.services.list()
    assert len(sign_ins(sb)) == 1
    server.close()


def test_cli_exits_3_after_one_refused_sign_in(make_sandbox, monkeypatch, tmp_path):
    from tests.core.test_cli import run
    sb = make_sandbox(services=30)
    monkeypatch.setenv("AGSADMIN_PASSWORD", "wrong-password")
    result = run("--server", sb.url, "--user", CANARY_USER, "stop", "Bulk01/*", "--no-batch")
    assert result.code == EXIT_AUTH
    assert len(sign_ins(sb)) == 1
    assert "Traceback" not in result.err


class VerifySpy(requests.Session):
    """Records the ``verify`` that requests finally hands to the adapter."""

    def __init__(self):
        requests.Session.__init__(self)
        self.seen = []

    def send(self, request, **kwargs):
        self.seen.append(kwargs.get("verify"))
        return requests.Session.send(self, request, **kwargs)


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_an_explicit_tls_choice_beats_the_environment(sandbox, monkeypatch, tmp_path,
                                                      variable):
    bundle = tmp_path / "private-ca.pem"
    bundle.write_text(u"-----BEGIN CERTIFICATE-----\n")
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, "/from/the/environment.pem")
    for chosen in (False, str(bundle)):
        spy = VerifySpy()
        Server.connect(sandbox.url, username=CANARY_USER, password=CANARY_PASSWORD,
                       verify=chosen, http=spy).close()
        assert spy.seen and set(spy.seen) == set([chosen])
    # Nothing chosen: the environment applies, as requests users expect.
    spy = VerifySpy()
    Server.connect(sandbox.url, username=CANARY_USER, password=CANARY_PASSWORD,
                   http=spy).close()
    assert set(spy.seen) == set(["/from/the/environment.pem"])


def test_a_proxy_502_is_retried_for_reads_only(sandbox, fast_retry):
    server = Server.connect(sandbox.url, username=CANARY_USER, password=CANARY_PASSWORD,
                            retry=fast_retry)
    sandbox.faults.add("http-status", match="report", status=502, times=1)
    assert server.services.list(patterns=["Maps/*"])
    assert [f for f in sandbox.faults.list() if f["kind"] == "http-status"][0]["fired"] == 1
    server.close()


def test_http_401_from_a_web_adaptor_is_an_authentication_failure(sandbox, monkeypatch):
    from tests.core.test_cli import run
    monkeypatch.setenv("AGSADMIN_PASSWORD", CANARY_PASSWORD)
    sandbox.faults.add("http-status", match="generateToken", status=401, times=10)
    result = run("--server", sandbox.url, "--user", CANARY_USER, "services")
    assert result.code == EXIT_AUTH, result.err
    assert "401" in result.err and "Traceback" not in result.err


def test_ctrl_c_in_a_batch_prints_what_was_done_and_the_journal(sandbox, monkeypatch,
                                                               tmp_path):
    """A KeyboardInterrupt raised on the calling thread after the first answer."""
    from tests.core.test_cli import run
    from agsadmin_core.cli import printers
    monkeypatch.setenv("AGSADMIN_PASSWORD", CANARY_PASSWORD)
    calls = []

    def progress(self, done, total, label):
        calls.append(label)
        raise KeyboardInterrupt

    monkeypatch.setattr(printers.StderrReporter, "progress", progress)
    journal = str(tmp_path / "j.json")
    result = run("--server", sandbox.url, "--user", CANARY_USER, "--json", "stop", "Maps/*",
                 "--no-batch", "--parallel", "1", "--journal", journal)
    assert result.code == EXIT_CANCELLED, result.err
    data = json.loads(result.out)
    statuses = [r["status"] for r in data["results"]]
    assert "cancelled" in statuses and "ok" in statuses
    assert data["journal"] == journal
    recorded = json.load(open(journal))
    assert calls[0] in [e["service"] for e in recorded["services"] if e["state"] == "stopped"]


def test_a_closed_pipe_ends_quietly(sandbox, monkeypatch):
    import errno
    from agsadmin_core import cli
    monkeypatch.setenv("AGSADMIN_PASSWORD", CANARY_PASSWORD)

    class ClosedPipe(object):
        def write(self, text):
            raise IOError(errno.EPIPE, "Broken pipe")

        def flush(self):
            pass

        def fileno(self):
            raise ValueError("no file")

    from tests.core.test_cli import Sink
    err = Sink()
    code = cli.main(["--server", sandbox.url, "--user", CANARY_USER, "services"],
                    stdout=ClosedPipe(), stderr=err)
    assert code == EXIT_OK and err.getvalue() == ""


def test_services_into_head_ends_without_a_traceback(make_sandbox, monkeypatch):
    """A real pipe whose reader goes away after one line, as `agsadmin services | head -1`."""
    import os
    import subprocess
    import sys
    from tests.conftest import ROOT
    sb = make_sandbox(services=3000)   # far more output than a pipe buffers
    env = dict(os.environ, AGSADMIN_PASSWORD=CANARY_PASSWORD)
    child = subprocess.Popen([sys.executable, "-m", "agsadmin_core", "--server", sb.url,
                              "--user", CANARY_USER, "services", "*"], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout.readline().startswith(b"SERVICE")
    child.stdout.close()
    err = child.stderr.read()
    assert child.wait() == EXIT_OK, err
    assert b"Traceback" not in err and b"Error" not in err
