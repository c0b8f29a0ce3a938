"""agsadmin logs over real HTTP: outputs, exit codes, an error mid-export, --json, settings,
clean's confirmation, and canary secrets."""

from __future__ import unicode_literals

import io
import json
import os

import pytest

from tests.conftest import CANARY_PASSWORD, CANARY_USER
from tests.core.test_cli import run


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    from agsadmin_core.session import RetryPolicy
    monkeypatch.setattr(RetryPolicy, "backoff", 0.01)
    monkeypatch.setattr(RetryPolicy, "max_pause", 0.05)


@pytest.fixture
def logs_site(make_sandbox):
    return make_sandbox(log_records=2000)


@pytest.fixture
def big_site(make_sandbox, monkeypatch):
    """25,000 records: three pages of 10,000 at DEBUG."""
    sb = make_sandbox(log_records=25000)
    monkeypatch.setenv(str("AGSADMIN_PASSWORD"), CANARY_PASSWORD)
    return sb, ["--server", sb.url, "--user", CANARY_USER]


@pytest.fixture
def site(logs_site, monkeypatch):
    monkeypatch.setenv(str("AGSADMIN_PASSWORD"), CANARY_PASSWORD)
    return ["--server", logs_site.url, "--user", CANARY_USER]


def lines_of(path):
    with io.open(path, encoding="utf-8-sig") as handle:
        return handle.read().splitlines()


def no_secret(result, *paths):
    assert CANARY_PASSWORD not in result.out + result.err
    for path in paths:
        with io.open(path, "rb") as handle:
            assert CANARY_PASSWORD.encode("utf-8") not in handle.read()


def test_csv_and_report_to_files(site, tmp_path):
    out, html = str(tmp_path / "logs.csv"), str(tmp_path / "logs.html")
    result = run(*site + ["logs", "--since", "8d", "--level", "debug", "--out", out,
                          "--report", html])
    assert result.code == 0, result.err
    rows = lines_of(out)
    assert rows[0].startswith("time,level,code,source")
    assert len(rows) > 2000
    assert "%d records written to %s (csv)" % (len(rows) - 1, out) in result.out
    assert "Report: %s" % html in result.out
    with io.open(html, encoding="utf-8") as handle:
        assert "<svg" in handle.read()
    no_secret(result, out, html)


def test_default_is_a_table_of_the_last_24_hours(site):
    result = run(*site + ["logs"])
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].split()[:4] == ["TIME", "(UTC)", "LEVEL", "CODE"]
    assert lines[-1].endswith("records") or lines[-1].endswith("record")
    assert all(" INFO " not in line for line in lines[1:-1])   # WARNING and SEVERE only


def test_json_gives_json_lines_and_limit(site):
    result = run(*site + ["logs", "--since", "8d", "--limit", "5", "--json"])
    assert result.code == 0, result.err
    records = [json.loads(line) for line in result.out.splitlines()]
    assert len(records) == 5 and all(r["level"] in ("SEVERE", "WARNING") for r in records)


def test_summary_alone_prints_no_records(site):
    result = run(*site + ["logs", "--since", "8d", "--summary", "--json"])
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["records"] > 100 and set(data["by_level"]) == set(["SEVERE", "WARNING"])
    assert data["top_codes"] and data["top_sources"]


def test_a_server_error_on_page_3_exits_1_keeps_the_records_and_says_where(big_site,
                                                                           tmp_path):
    logs_site, site = big_site
    out = str(tmp_path / "part.jsonl")
    logs_site.faults.add("envelope", match="logs/query", nth=3,
                         message="Injected page failure.")
    result = run(*site + ["logs", "--since", "8d", "--level", "DEBUG", "--out", out,
                          "--format", "jsonl"])
    assert result.code == 1
    kept = len(lines_of(out))
    assert 19990 <= kept <= 20000   # two pages of 10,000 (less boundary repeats)
    assert "The %d records read before the error are in %s." % (kept, out) in result.err
    assert "stopped after %d records (reached " % kept in result.err
    assert "Injected page failure." in result.err and "Traceback" not in result.err


def test_a_connection_lost_mid_export_exits_4_as_its_cause(big_site, tmp_path):
    logs_site, site = big_site
    out = str(tmp_path / "part.csv")
    logs_site.faults.add("drop", match="logs/query", nth=2, times=None)
    result = run(*site + ["logs", "--since", "8d", "--level", "DEBUG", "--out", out])
    assert result.code == 4, result.err
    kept = len(lines_of(out)) - 1
    assert kept >= 9990 and "stopped after %d records" % kept in result.err
    assert "Traceback" not in result.err
    no_secret(result, out)


@pytest.mark.parametrize("argv, words", [
    (["--since", "yesterday-ish"], "is not a time"),
    (["--level", "LOUD"], "is not a log level"),
    (["--code", "7000-6500"], "range of log codes"),
    (["--service", "Nowhere/*"], "No service matches"),
    (["--limit", "0"], "--limit"),
    (["--max-age", "3"], "--max-age does not go with 'logs'"),
    (["clean", "--since", "1d"], "--since does not go with 'logs clean'"),
    (["--follow", "--summary"], "--follow"),
    (["--out", "/nonexistent-folder/x.csv"], "the folder /nonexistent-folder does not exist"),
    (["--report", "/nonexistent-folder/r.html"], "does not exist"),
])
def test_bad_input_exits_2_in_one_sentence(site, argv, words):
    result = run(*site + ["logs"] + argv)
    assert result.code == 2, (result.out, result.err)
    assert words in result.err and "Traceback" not in result.err
    assert result.out == ""   # refused before the output was opened: no header, no file


def test_an_output_that_cannot_be_written_exits_2(site, tmp_path):
    folder = str(tmp_path)
    result = run(*site + ["logs", "--out", folder])
    assert result.code == 2 and "is a folder" in result.err


def test_request_ids_before_10_7_exit_2(make_sandbox, monkeypatch):
    sb = make_sandbox(log_records=10, version="10.6.1")
    monkeypatch.setenv(str("AGSADMIN_PASSWORD"), CANARY_PASSWORD)
    result = run("--server", sb.url, "--user", CANARY_USER, "logs", "--request-id", "x")
    assert result.code == 2 and "10.7" in result.err


def test_settings_show_and_change(site):
    shown = run(*site + ["logs", "settings"])
    assert shown.code == 0 and "Log level:           INFO" in shown.out
    changed = run(*site + ["logs", "settings", "--level", "fine", "--max-age", "30", "--json"])
    assert changed.code == 0, changed.err
    data = json.loads(changed.out)
    assert data["level"] == "FINE" and data["max_age_days"] == 30 and data["changed"]


def test_clean_needs_a_terminal_or_yes(site, logs_site):
    refused = run(*site + ["logs", "clean"])
    assert refused.code == 2 and "Add --yes" in refused.err
    assert logs_site.site.logs.cleaned_ms is None
    done = run(*site + ["logs", "clean", "--yes"])
    assert done.code == 0 and "Deleted every log record" in done.out
    left = run(*site + ["logs", "--since", "30d", "--level", "DEBUG", "--json"])
    assert len(left.out.splitlines()) < 5


def test_follow_with_a_limit_prints_new_records(site, logs_site):
    import threading
    import time
    done = {}

    def follow():
        done["result"] = run(*site + ["logs", "--follow", "--level", "INFO", "--code", "8002",
                                      "--interval", "0.1", "--limit", "1", "--json"])

    worker = threading.Thread(target=follow)
    worker.start()
    # The follower starts at "now": change something once it is polling.
    deadline = time.time() + 30
    while time.time() < deadline and not [r for r in logs_site.requests
                                          if r["path"].endswith("/logs/query")]:
        time.sleep(0.05)
    _stop(site)
    worker.join(60)
    result = done["result"]
    assert result.code == 0, result.err
    record = json.loads(result.out.splitlines()[0])
    assert record["code"] == 8002 and record["source"] == "Maps/Parcels.MapServer"


def _stop(site):
    assert run(*site + ["stop", "Maps/Parcels.MapServer"]).code == 0


def test_progress_on_a_terminal_shows_records_and_rate(big_site, tmp_path):
    from agsadmin_core import cli
    from tests.core.test_cli import Sink

    class Terminal(Sink):
        def isatty(self):
            return True

    logs_site, site = big_site
    out, err = Sink(), Terminal()
    code = cli.main(site + ["logs", "--since", "8d", "--level", "DEBUG", "--out",
                            str(tmp_path / "all.csv")], stdout=out, stderr=err)
    assert code == 0
    shown = err.getvalue()
    assert "\r10,000 records (" in shown and "/s), reached " in shown
    assert "\r25,0" in shown and shown.endswith("\n")


def test_non_ascii_names_through_a_pipe(make_sandbox, monkeypatch):
    """A real process with stdout a pipe: on 2.7 that stream refuses non-ASCII text unless
    the command encodes it (a stop of Caf\u00e9/* used to end in UnicodeEncodeError)."""
    import subprocess
    import sys
    from tests.conftest import ROOT
    sb = make_sandbox(unicode_names=True)
    env = dict(os.environ)
    env[str("AGSADMIN_PASSWORD")] = str(CANARY_PASSWORD)
    env.pop(str("PYTHONIOENCODING"), None)
    base = [sys.executable, "-m", "agsadmin_core", "--server", str(sb.url), "--user",
            str(CANARY_USER)]
    stop = subprocess.Popen(base + ["stop", "Caf\u00e9/*".encode("utf-8")
                                    if sys.version_info[0] == 2 else "Caf\u00e9/*"],
                            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = stop.communicate()
    assert stop.returncode == 0, err
    assert "Caf\u00e9/Stra\u00dfen.MapServer".encode("utf-8") in out
    logs = subprocess.Popen(base + ["logs", "--level", "INFO", "--code", "8002"], env=env,
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = logs.communicate()
    assert logs.returncode == 0, err
    assert "Service 'Caf\u00e9/Stra\u00dfen.MapServer' was stopped.".encode("utf-8") in out


@pytest.mark.parametrize("answer, code", [("n\n", 2), ("\n", 2), ("yes\n", 0)])
def test_clean_asks_on_a_terminal(site, logs_site, monkeypatch, answer, code):
    import sys
    from agsadmin_core.cli import logs as logs_command
    monkeypatch.setattr(logs_command, "stdin_is_terminal", lambda: True)
    monkeypatch.setattr(sys, "stdin", io.StringIO(answer))
    result = run(*site + ["logs", "clean"])
    assert result.code == code, result.err
    assert "Delete every log record on every machine of %s?" % logs_site.url in result.err
    assert (logs_site.site.logs.cleaned_ms is not None) == (code == 0)
    if code:
        assert "Not confirmed: nothing was deleted." in result.err
