"""The agsadmin command: every command, exit codes, JSON, and canary secrets, over real HTTP."""

import json
import os
import socket
import subprocess
import sys

import pytest

from agsadmin_core import cli
from agsadmin_core._compat import to_text
from agsadmin_core.session import RetryPolicy
from tests.conftest import CANARY_PASSWORD, CANARY_USER, ROOT


class Run(object):
    def __init__(self, code, out, err):
        self.code, self.out, self.err = code, out, err


class Sink(object):
    """A text stream that takes str on both Pythons (io.StringIO wants unicode on 2.7)."""

    def __init__(self):
        self.parts = []

    def write(self, text):
        self.parts.append(to_text(text))

    def flush(self):
        pass

    def getvalue(self):
        return u"".join(self.parts)


def as_argv(value):
    """An argument as the interpreter hands it over: text on 3, UTF-8 bytes on 2.7."""
    text = to_text(value)
    return text if str is type(u"") else text.encode("utf-8")


def run(*argv):
    out, err = Sink(), Sink()
    code = cli.main([as_argv(a) for a in argv], stdout=out, stderr=err)
    return Run(code, out.getvalue(), err.getvalue())


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    """The CLI uses the default retry policy; keep its real backoff out of the test run."""
    from agsadmin_core.session import RetryPolicy
    monkeypatch.setattr(RetryPolicy, "backoff", 0.01)
    monkeypatch.setattr(RetryPolicy, "max_pause", 0.05)


@pytest.fixture
def site(sandbox, monkeypatch):
    """Options for the canary user, whose password comes from the environment."""
    monkeypatch.setenv("AGSADMIN_PASSWORD", CANARY_PASSWORD)
    return ["--server", sandbox.url, "--user", CANARY_USER]


def test_help_lists_commands_and_exit_codes():
    result = run("--help")
    assert result.code == 0
    text = result.out
    for word in ("login", "services", "stop", "start", "sandbox", "demo", "exit codes"):
        assert word in text


def test_module_entry_point_runs():
    out = subprocess.check_output([sys.executable, "-m", "agsadmin_core", "--version"],
                                  cwd=ROOT, stderr=subprocess.STDOUT)
    assert b"agsadmin" in out


def test_services_table_and_json(site):
    table = run(*(site + ["services", "Maps/*"]))
    assert table.code == 0, table.err
    assert "Maps/Parcels.MapServer" in table.out and "REALTIME" in table.out
    data = json.loads(run(*(site + ["--json", "services", "--folder", "Maps"])).out)
    assert "Maps/Parcels.MapServer" in [d["service"] for d in data]


def test_a_listing_pattern_that_matches_nothing_warns_on_stderr_and_exits_0(site):
    # The toolbox's List Services gives the same verdict (tests/toolbox/test_tools.py).
    result = run(*(site + ["services", "Mpas/*"]))
    assert result.code == 0
    assert "warning: No service matches 'Mpas/*'." in result.err
    assert result.out.strip().endswith("0 services")
    as_json = run(*(site + ["--json", "services", "Mpas/*"]))
    assert as_json.code == 0 and json.loads(as_json.out) == []
    assert "No service matches 'Mpas/*'" in as_json.err


def test_global_options_after_the_command(sandbox, site):
    result = run("services", "Maps/*", "--server", sandbox.url, "--user", CANARY_USER,
                 "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)


def test_stop_and_start_with_a_journal(sandbox, site, tmp_path):
    journal = str(tmp_path / "nightly.journal.json")
    stop = run(*(site + ["stop", "Maps/*", "--journal", journal]))
    assert stop.code == 0, stop.err
    assert "start --journal" in stop.out
    assert sandbox.site.service_state("Maps/Parcels.MapServer") == ("STOPPED", "STOPPED")
    start = run(*(site + ["--json", "start", "--journal", journal]))
    assert start.code == 0, start.err
    assert "Maps/Parcels.MapServer" in [r["service"] for r in json.loads(start.out)["results"]]
    assert sandbox.site.service_state("Maps/Parcels.MapServer") == ("STARTED", "STARTED")


def test_dry_run(sandbox, site):
    result = run(*(site + ["stop", "Maps/*", "--dry-run"]))
    assert result.code == 0 and "planned" in result.out
    assert sandbox.site.service_state("Maps/Parcels.MapServer")[1] == "STARTED"


def test_some_services_failed_is_exit_1_with_every_result(sandbox, site):
    lock = sandbox.faults.add("lock", match="Maps/Parcels.MapServer/stop", times=100)
    result = run(*(site + ["stop", "Maps/*", "--no-batch"]))
    assert result.code == 1
    assert lock.fired == RetryPolicy.lock_attempts   # the CLI retried before giving up
    assert "failed" in result.out and "Maps/Parcels.MapServer" in result.err


def test_usage_errors_are_exit_2(site):
    assert run("stop").code == 2                                 # no server
    assert run(*(site + ["stop"])).code == 2                     # nothing named
    assert run(*(site + ["stop", "Nope/*"])).code == 2           # matches nothing
    assert run("frobnicate").code == 2
    assert run(*(site + ["start"])).code == 2


def test_wrong_password_is_exit_3_without_the_password(sandbox, monkeypatch):
    monkeypatch.setenv("AGSADMIN_PASSWORD", "Wrong-" + CANARY_PASSWORD)
    result = run("--server", sandbox.url, "--user", CANARY_USER, "services")
    assert result.code == 3
    assert CANARY_PASSWORD not in result.out + result.err


def test_no_password_anywhere_says_how_to_store_one(sandbox):
    result = run("--server", sandbox.url, "--user", CANARY_USER, "services")
    assert result.code == 3 and "login" in result.err


def test_cannot_connect_is_exit_4(monkeypatch):
    monkeypatch.setenv("AGSADMIN_PASSWORD", CANARY_PASSWORD)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    result = run("--server", "http://127.0.0.1:%d/arcgis" % port, "--user", "u", "services")
    assert result.code == 4 and "Could not connect" in result.err


def test_login_stores_in_keyring_and_saves_a_file_without_secrets(sandbox, site,
                                                                  memory_keyring, tmp_path,
                                                                  monkeypatch):
    path = str(tmp_path / "sandbox.agsadmin.json")
    result = run(*(site + ["login", "--save", path]))
    assert result.code == 0, result.err
    assert "keyring" in result.out
    assert CANARY_PASSWORD in memory_keyring.store.values()
    text = open(path).read()
    assert CANARY_PASSWORD not in text and "token" not in text.lower()
    monkeypatch.delenv("AGSADMIN_PASSWORD")
    listed = run("--connection", path, "services", "Maps/*")
    assert listed.code == 0, listed.err
    assert "Maps/Parcels.MapServer" in listed.out


def test_logout_removes_the_stored_password(sandbox, memory_keyring, monkeypatch):
    base = ["--server", sandbox.url, "--user", CANARY_USER]
    monkeypatch.setenv("AGSADMIN_PASSWORD", CANARY_PASSWORD)
    assert run(*(base + ["login"])).code == 0
    monkeypatch.delenv("AGSADMIN_PASSWORD")
    assert run(*(base + ["services", "Maps/*"])).code == 0      # from the keyring
    result = run(*(base + ["logout"]))
    assert result.code == 0 and "Removed" in result.out
    assert CANARY_PASSWORD not in memory_keyring.store.values()
    assert run(*(base + ["services", "Maps/*"])).code == 3      # nothing stored any more
    assert "No stored password" in run(*(base + ["logout"])).out


def test_given_token_canary_never_echoed(sandbox):
    result = run("--server", sandbox.url, "--token", "Canary-Token-42", "services")
    assert result.code == 3
    assert "Canary-Token-42" not in result.out + result.err


def test_canaries_never_reach_output_files_or_the_request_log(make_sandbox, monkeypatch,
                                                              tmp_path):
    log = str(tmp_path / "requests.jsonl")
    sb = make_sandbox(request_log=log)
    monkeypatch.setenv("AGSADMIN_PASSWORD", CANARY_PASSWORD)
    journal = str(tmp_path / "j.json")
    conn = str(tmp_path / "c.agsadmin.json")
    base = ["--server", sb.url, "--user", CANARY_USER]
    outputs = []
    for argv in (base + ["login", "--save", conn], base + ["services"],
                 base + ["stop", "Maps/*", "--journal", journal],
                 base + ["--json", "start", "--journal", journal],
                 ["--connection", conn, "stop", "Nope/*"]):
        result = run(*argv)
        outputs.append(result.out + result.err)
    sb.faults.expire_tokens()
    outputs.append(run(*(base + ["services"])).err)
    blob = "\n".join(outputs)
    for path in (journal, conn, log):
        blob += open(path).read()
    assert CANARY_PASSWORD not in blob
    for record in sb.requests:
        assert "token" not in record["query_fields"]
        assert "password" not in record["query_fields"]


def test_info_prints_versions():
    result = run("info")
    assert result.code == 0 and "requests" in result.out and "python" in result.out


def test_demo_runs_a_real_cycle():
    result = run("demo")
    assert result.code == 0, result.err
    assert "Restarting exactly those services" in result.out
    assert "0 services restarted the second time" in result.out


def test_sandbox_command_help():
    result = run("sandbox", "--help")
    assert result.code == 0 and "--request-log" in result.out


def test_verbose_logs_requests_without_secrets(site):
    import logging
    logger = logging.getLogger("agsadmin_core")
    try:
        result = run(*(site + ["--verbose", "services", "Maps/*"]))
    finally:
        for handler in list(logger.handlers):
            if isinstance(handler, logging.StreamHandler) and \
                    not isinstance(handler, logging.NullHandler):
                logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
    assert result.code == 0
    assert "POST http://127.0.0.1" in result.err and "/services/Maps/report" in result.err
    assert CANARY_PASSWORD not in result.err and "token=" not in result.err


def test_insecure_warns_on_stderr(sandbox, site):
    result = run(*(site + ["--insecure", "services", "Maps/*"]))
    assert result.code == 0
    assert "verification is off" in result.err
