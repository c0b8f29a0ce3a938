"""``agsadmin publish``: exit codes, the URL, --json, progress and messages on stderr."""

import json

import pytest

from tests.conftest import CANARY_PASSWORD
from tests.core.test_cli import quick_retries, run, site  # noqa: F401 - fixtures
from tests.sdmaker import make_sd, service_config


@pytest.fixture
def sd(tmp_path, sandbox):
    sandbox.site.publishing.submit_seconds = 0.05
    sandbox.site.publishing.run_seconds = 0.1
    return make_sd(str(tmp_path / "Parcels.sd"))


def test_publish_prints_the_url_and_shows_the_job(site, sandbox, sd):
    result = run(*site + ["publish", sd, "--folder", "Releases"])
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "Published Releases/Parcels.MapServer (started).",
        sandbox.url + "/rest/services/Releases/Parcels/MapServer"]
    assert "Uploaded Parcels.sd" in result.err and "Submitted." in result.err
    assert "Succeeded at" in result.err
    assert CANARY_PASSWORD not in result.out + result.err


def test_publish_json_in_parts_with_a_name_and_no_start(site, sandbox, sd):
    result = run(*site + ["publish", sd, "--folder", "Maps", "--name", "Quiet", "--no-start",
                          "--part-size", "1", "--json"])
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["service"] == "Maps/Quiet.MapServer" and data["started"] is False
    assert data["url"].endswith("/rest/services/Maps/Quiet/MapServer")
    assert "Submitted." in data["messages"] and data["jobId"].startswith("j")
    assert sandbox.site.service_state("Maps/Quiet.MapServer") == ("STOPPED", "STOPPED")
    assert [r for r in sandbox.requests if r["path"].endswith("/register")]


def test_not_an_sd_exits_2_without_a_traceback(site, sandbox, tmp_path):
    path = str(tmp_path / "notes.sd")
    with open(path, "w") as handle:
        handle.write("not an archive")
    result = run(*site + ["publish", path])
    assert result.code == 2
    assert "not a service definition" in result.err and "Traceback" not in result.err


def test_a_taken_name_exits_2_and_says_overwrite(site, sandbox, tmp_path):
    path = make_sd(str(tmp_path / "p.sd"), config=service_config("Parcels", folder="Maps"))
    result = run(*site + ["publish", path])
    assert result.code == 2
    assert "already exists" in result.err and "--overwrite" in result.err
    result = run(*site + ["publish", path, "--overwrite"])
    assert result.code == 0, result.err
    assert result.out.startswith("Replaced Maps/Parcels.MapServer (started).")


def test_a_failed_job_exits_1_with_its_error_codes(site, sandbox, sd):
    sandbox.site.publishing.fail_next = True
    result = run(*site + ["publish", sd, "--folder", "Maps", "--name", "Broken"])
    assert result.code == 1
    last = result.err.strip().splitlines()[-1]
    assert last.startswith("agsadmin: error: The publishing job j") and "ERROR 001487" in last
    assert "Traceback" not in result.err


def test_bad_part_size_is_a_usage_error(site, sd):
    result = run(*site + ["publish", sd, "--part-size", "0"])
    assert result.code == 2
    assert "--part-size: must be between 1 and 2048" in result.err
