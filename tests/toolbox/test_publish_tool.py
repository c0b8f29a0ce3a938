"""Publish Service Definition in the toolbox, in Pro and ArcMap modes, against the sandbox."""

import os

import pytest

from tests.conftest import CANARY_PASSWORD
from tests.sdmaker import make_sd, service_config
from tests.stubs import gp
from tests.toolbox.conftest import last_run_messages


@pytest.fixture
def sd(sandbox, tmp_path):
    sandbox.site.publishing.submit_seconds = 0.05
    sandbox.site.publishing.run_seconds = 0.1
    return make_sd(os.path.join(str(tmp_path), "Parcels.sd"))


def test_publish_gives_the_url_and_shows_the_job(tbx, sandbox, conn, sd):
    result = gp.run_tool(tbx, "PublishServiceDefinition", conn, sd, "Releases", "Parcels2026")
    url = sandbox.url + "/rest/services/Releases/Parcels2026/MapServer"
    assert result.getOutput(0) == url
    assert sandbox.site.service_state("Releases/Parcels2026.MapServer") == ("STARTED",
                                                                            "STARTED")
    text = last_run_messages()
    assert "Submitted." in text and any(t.startswith("Succeeded at") for t in text)
    assert "Published Releases/Parcels2026.MapServer (started): %s" % url in text
    positions = [c for c in gp.progress_log() if c[0] == "SetProgressorPosition"]
    assert positions and all(0 <= c[1] <= 100 for c in positions)
    assert gp.secret_leaks(CANARY_PASSWORD) == []


def test_a_taken_name_fails_with_the_toolbox_words(tbx, sandbox, conn, tmp_path):
    path = make_sd(os.path.join(str(tmp_path), "p.sd"),
                   config=service_config("Parcels", folder="Maps"))
    with pytest.raises(gp.ExecuteError):
        gp.run_tool(tbx, "PublishServiceDefinition", conn, path)
    errors = last_run_messages(severity=2)
    assert errors and "already exists" in errors[-1] and "check Overwrite" in errors[-1]
    result = gp.run_tool(tbx, "PublishServiceDefinition", conn, path, overwrite=True)
    assert result.getOutput(0).endswith("/rest/services/Maps/Parcels/MapServer")
    assert any(t.startswith("Replaced Maps/Parcels.MapServer") for t in last_run_messages())


def test_a_failed_job_shows_every_message(tbx, sandbox, conn, sd):
    sandbox.site.publishing.fail_next = True
    with pytest.raises(gp.ExecuteError):
        gp.run_tool(tbx, "PublishServiceDefinition", conn, sd, "Maps", "Broken")
    warnings = last_run_messages(severity=1)
    assert any("ERROR 001487" in t for t in warnings)
    assert "Failed to execute (Publish Service Definition)." in warnings
    assert "ERROR 001369" in last_run_messages(severity=2)[-1]
    assert sandbox.site.uploads.items == {}


def test_not_an_sd_fails_without_a_traceback(tbx, sandbox, conn, tmp_path):
    path = os.path.join(str(tmp_path), "notes.sd")
    with open(path, "w") as handle:
        handle.write("text")
    with pytest.raises(gp.ExecuteError):
        gp.run_tool(tbx, "PublishServiceDefinition", conn, path)
    errors = last_run_messages(severity=2)
    assert "not a service definition" in errors[-1] and "Traceback" not in " ".join(errors)


def test_cancel_asks_the_server_to_cancel_the_job(tbx, sandbox, conn, sd):
    sandbox.site.publishing.run_seconds = 30
    gp.cancel_after(2)
    result = gp.run_tool(tbx, "PublishServiceDefinition", conn, sd, "Maps", "Cancelled")
    assert result.getOutput(0) == ""
    jobs = list(sandbox.site.publishing.jobs.values())
    assert [r for r in sandbox.requests if r["path"].endswith("/cancel")] or not jobs
    assert sandbox.site.uploads.items == {}
    assert "Maps/Cancelled.MapServer" not in sandbox.site.service_refs()
    assert last_run_messages(severity=1)
