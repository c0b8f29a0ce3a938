"""Uploads and publishing a service definition, over real HTTP against the sandbox."""

import json
import os

import pytest

from agsadmin_core import Reporter
from agsadmin_core.errors import Cancelled, InvalidInput, NotFound, PublishFailed, \
    PublishingUnavailable, ServiceExists
from tests.conftest import CANARY_PASSWORD
from tests.sdmaker import lzma, make_sd, make_sd_with_tool, sd_entries, seven_zip_tool, \
    service_config, write_7z

needs_lzma = pytest.mark.skipif(lzma is None, reason="writing LZMA needs Python's lzma")


class Recorder(Reporter):
    """Keeps what the core reports; ``cancel_when(text)`` cancels once a line says it."""

    def __init__(self, cancel_at_bytes=None, cancel_on=None):
        self.lines = []
        self.progress_calls = []
        self.cancel_at_bytes = cancel_at_bytes
        self.cancel_on = cancel_on
        self._cancel = False

    def info(self, text):
        self.lines.append(text)
        if self.cancel_on and self.cancel_on in text:
            self._cancel = True

    def warning(self, text):
        self.lines.append("warning: " + text)

    def progress(self, done, total, label):
        self.progress_calls.append((done, total, label))
        if self.cancel_at_bytes is not None and label.startswith("uploading") and \
                done >= self.cancel_at_bytes:
            self._cancel = True

    def cancelled(self):
        return self._cancel


@pytest.fixture
def quick_jobs(sandbox):
    sandbox.site.publishing.submit_seconds = 0.05
    sandbox.site.publishing.run_seconds = 0.1
    return sandbox


@pytest.fixture
def sd(tmp_path):
    return make_sd(str(tmp_path / "Parcels.sd"))


def calls(sb, word):
    return [r for r in sb.requests if r["path"].endswith(word)]


def test_publish_into_a_new_folder(quick_jobs, connect, sd):
    sb = quick_jobs
    reporter = Recorder()
    result = connect().publish_sd(sd, folder="Releases", reporter=reporter)
    assert result.service == "Releases/Parcels.MapServer"
    assert result.url == sb.url + "/rest/services/Releases/Parcels/MapServer"
    assert sb.site.service_state("Releases/Parcels.MapServer") == ("STARTED", "STARTED")
    assert result.started and not result.replaced
    # the job's messages arrived in order, each once, and progress followed the upload
    texts = [m.text for m in result.messages]
    assert texts[0] == "Submitted." and texts[-1].startswith("Succeeded at")
    for text in texts:
        assert reporter.lines.count(text) == 1
    uploads = [p for p in reporter.progress_calls if p[2].startswith("uploading")]
    assert uploads[-1][0] == uploads[-1][1] == os.path.getsize(sd)
    # one single upload request, then the item was deleted
    assert len(calls(sb, "/uploads/upload")) == 1 and not calls(sb, "/uploadPart")
    assert connect().uploads.items() == []
    # the service is in the REST directory of its folder
    listing = connect().session.call_rest("services/Releases", safe_to_repeat=True)
    assert {"name": "Releases/Parcels", "type": "MapServer"} in listing["services"]


def test_publish_at_the_root_with_a_name_override(quick_jobs, connect, sd):
    result = connect().publish_sd(sd, folder="", service_name="Parcels2026")
    assert result.service == "Parcels2026.MapServer"
    assert quick_jobs.site.service_state("Parcels2026.MapServer") == ("STARTED", "STARTED")
    assert result.url.endswith("/rest/services/Parcels2026/MapServer")


def test_the_folder_of_the_sd_is_kept_without_override(quick_jobs, connect, tmp_path):
    path = make_sd(str(tmp_path / "Roads.sd"), config=service_config("Roads2", folder="Maps"))
    assert connect().publish_sd(path).service == "Maps/Roads2.MapServer"


def test_a_taken_name_is_refused_without_overwrite(quick_jobs, connect, tmp_path):
    sb = quick_jobs
    path = make_sd(str(tmp_path / "p.sd"), config=service_config("Parcels", folder="Maps"))
    before = sb.site.service_state("Maps/Parcels.MapServer")
    with pytest.raises(ServiceExists) as caught:
        connect().publish_sd(path)
    assert "Maps/Parcels.MapServer already exists" in str(caught.value)
    assert "overwrite" in str(caught.value)
    assert not calls(sb, "/submitJob")
    assert sb.site.service_state("Maps/Parcels.MapServer") == before
    assert connect().uploads.items() == []


def test_overwrite_replaces_a_running_service(quick_jobs, connect, tmp_path):
    sb = quick_jobs
    path = make_sd(str(tmp_path / "p.sd"), config=service_config("Parcels", folder="Maps",
                                                                 description="v2"))
    reporter = Recorder()
    result = connect().publish_sd(path, overwrite=True, reporter=reporter)
    assert result.replaced and result.service == "Maps/Parcels.MapServer"
    assert any("Stopping Maps/Parcels.MapServer" in line for line in reporter.lines)
    assert sb.site.service_state("Maps/Parcels.MapServer") == ("STARTED", "STARTED")
    assert sb.site.resolve("Maps/Parcels.MapServer").description == "v2"


def test_a_failed_job_carries_every_message_and_deletes_the_upload(quick_jobs, connect, sd):
    sb = quick_jobs
    sb.site.publishing.fail_next = True
    with pytest.raises(PublishFailed) as caught:
        connect().publish_sd(sd, folder="Maps", service_name="NewOne")
    error = caught.value
    assert error.status == "esriJobFailed" and error.job_id.startswith("j")
    assert "ERROR 001487" in str(error) and "ERROR 001369" in str(error)
    assert "Failed to execute (Publish Service Definition)." in error.messages
    assert error.messages[0] == "Submitted."
    assert connect().uploads.items() == []
    assert len(calls(sb, "/delete")) == 1
    with pytest.raises(NotFound):
        connect().services.status("Maps/NewOne.MapServer")


def test_a_failed_overwrite_starts_the_old_service_again(quick_jobs, connect, tmp_path):
    sb = quick_jobs
    path = make_sd(str(tmp_path / "p.sd"), config=service_config("Parcels", folder="Maps"))
    sb.site.publishing.fail_next = ["ERROR 001369: Failed to publish the service."]
    with pytest.raises(PublishFailed):
        connect().publish_sd(path, overwrite=True)
    assert sb.site.service_state("Maps/Parcels.MapServer") == ("STARTED", "STARTED")


@pytest.mark.parametrize("state", ["esriJobTimedOut", "esriJobDeleted", "esriJobCancelled",
                                   "esriJobSomethingNew"])
def test_every_end_state_ends_the_wait(quick_jobs, connect, sd, state):
    quick_jobs.site.publishing.end_next = state
    with pytest.raises(PublishFailed) as caught:
        connect().publish_sd(sd, folder="Maps", service_name="Ends")
    assert caught.value.status == state
    if state == "esriJobSomethingNew":
        assert "unknown state (esriJobSomethingNew)" in str(caught.value)
    assert connect().uploads.items() == []


def test_upload_in_parts_with_a_part_that_fails_once(quick_jobs, connect, tmp_path):
    sb = quick_jobs
    path = make_sd(str(tmp_path / "Big.sd"), extra=os.urandom(300000))
    sb.faults.add("drop", match="/uploadPart", nth=2)
    result = connect().publish_sd(path, folder="Maps", service_name="Big",
                                  part_size=100000)
    assert result.service == "Maps/Big.MapServer"
    parts = calls(sb, "/uploadPart")
    assert len(parts) == 5   # four parts, the second sent twice
    assert [r["status"] for r in parts].count(None) == 1
    assert connect().uploads.items() == []


def test_parts_are_joined_in_order_and_read_back(quick_jobs, connect, tmp_path):
    path = make_sd(str(tmp_path / "Big.sd"), extra=os.urandom(250000), name="Joined")
    server = connect()
    item = server.uploads.upload_in_parts(path, part_size=64 * 1024)
    assert item.committed and item.name == "Big.sd"
    assert server.uploads.service_configuration(item.item_id)["service"]["serviceName"] == \
        "Joined"
    with open(path, "rb") as handle:
        with quick_jobs.site.uploads.get(item.item_id).open() as stored:
            assert stored.read() == handle.read()
    assert [i.item_id for i in server.uploads.items()] == [item.item_id]
    assert server.uploads.item(item.item_id).name == "Big.sd"
    server.uploads.delete(item.item_id)
    with pytest.raises(NotFound):
        server.uploads.item(item.item_id)


def test_a_failed_part_upload_leaves_nothing_behind(quick_jobs, connect, tmp_path):
    sb = quick_jobs
    path = make_sd(str(tmp_path / "Big.sd"), extra=os.urandom(200000))
    sb.faults.add("drop", match="/uploadPart", nth=1, times=10)
    with pytest.raises(Exception):
        connect().uploads.upload_in_parts(path, part_size=100000, attempts=2)
    assert sb.site.uploads.items == {}


def test_token_expiry_during_a_long_upload(quick_jobs, connect, tmp_path):
    sb = quick_jobs
    path = make_sd(str(tmp_path / "Big.sd"), extra=os.urandom(300000))
    server = connect()
    sb.faults.expire_tokens_after(3)
    result = server.publish_sd(path, folder="Maps", service_name="Long", part_size=60000)
    assert result.service == "Maps/Long.MapServer"
    rejected = [r for r in sb.requests if r["envelope_code"] == 498]
    assert rejected, "the token should have expired during the upload"
    for record in sb.requests:
        assert CANARY_PASSWORD not in json.dumps(record)
        assert "token" not in record["query_fields"]


@pytest.mark.parametrize("content", [b"plain text, not an archive", b"PK\x03\x04zip"])
def test_a_file_that_is_not_an_sd_is_refused_before_sending(sandbox, connect, tmp_path,
                                                            content):
    path = str(tmp_path / "fake.sd")
    with open(path, "wb") as handle:
        handle.write(content)
    server = connect()
    sandbox.clear_requests()
    with pytest.raises(InvalidInput) as caught:
        server.publish_sd(path)
    assert "not a service definition" in str(caught.value)
    assert sandbox.requests == []


def test_a_7z_without_a_service_configuration_is_refused(sandbox, connect, tmp_path):
    path = str(tmp_path / "other.sd")
    write_7z(path, [("readme.txt", b"hello")])
    server = connect()
    sandbox.clear_requests()
    with pytest.raises(InvalidInput) as caught:
        server.publish_sd(path)
    assert "serviceconfiguration.json" in str(caught.value)
    assert sandbox.requests == []


def test_a_missing_file_is_refused(connect, tmp_path):
    with pytest.raises(InvalidInput) as caught:
        connect().publish_sd(str(tmp_path / "nope.sd"))
    assert "does not exist" in str(caught.value)


def test_cancel_during_the_upload(quick_jobs, connect, tmp_path):
    sb = quick_jobs
    path = make_sd(str(tmp_path / "Big.sd"), extra=os.urandom(400000))
    with pytest.raises(Cancelled):
        connect().publish_sd(path, folder="Maps", service_name="Cancelled", part_size=100000,
                             reporter=Recorder(cancel_at_bytes=1))
    assert not calls(sb, "/submitJob") and not calls(sb, "/commit")
    assert sb.site.uploads.items == {}


def test_cancel_during_the_job_asks_the_server_to_cancel(quick_jobs, connect, sd):
    sb = quick_jobs
    sb.site.publishing.run_seconds = 5
    with pytest.raises(Cancelled):
        connect().publish_sd(sd, folder="Maps", service_name="Cancelled",
                             reporter=Recorder(cancel_on="Publishing job"))
    jobs = list(sb.site.publishing.jobs.values())
    assert len(jobs) == 1 and calls(sb, "/cancel")
    assert sb.site.publishing.get(jobs[0].job_id).status == "esriJobCancelled"
    assert sb.site.uploads.items == {}


def test_no_start_leaves_the_service_stopped(quick_jobs, connect, sd):
    result = connect().publish_sd(sd, folder="Maps", service_name="Quiet", start=False)
    assert not result.started
    assert quick_jobs.site.service_state("Maps/Quiet.MapServer") == ("STOPPED", "STOPPED")


def test_stopped_publishing_tools_is_explained_before_uploading(sandbox, connect, sd):
    sandbox.site.set_service_state("System/PublishingTools.GPServer", "STOPPED")
    with pytest.raises(PublishingUnavailable) as caught:
        connect().publish_sd(sd)
    assert "PublishingTools.GPServer is stopped" in str(caught.value)
    assert "agsadmin start System/PublishingTools.GPServer" in str(caught.value)
    assert not calls(sandbox, "/upload")


def test_no_instances_is_explained(quick_jobs, connect, sd):
    from agsadmin_core.sandbox.models.publishing import NO_INSTANCES
    quick_jobs.faults.add("envelope", match="/submitJob", code=500, message=NO_INSTANCES)
    with pytest.raises(PublishingUnavailable) as caught:
        connect().publish_sd(sd, folder="Maps", service_name="Busy")
    assert "no free System/PublishingTools instance" in str(caught.value)
    assert "maximum number of instances" in str(caught.value)
    assert connect().uploads.items() == []


@needs_lzma
@pytest.mark.parametrize("coder,encoded", [("lzma2", False), ("lzma2", True),
                                           ("bcj+lzma2", True)])
def test_compressed_sd_files_publish(quick_jobs, connect, tmp_path, coder, encoded):
    path = make_sd(str(tmp_path / "c.sd"), coder=coder, encode_header=encoded,
                   config=service_config("Compressed", folder="Maps"))
    assert connect().publish_sd(path).service == "Maps/Compressed.MapServer"


@pytest.mark.skipif(seven_zip_tool() is None or lzma is None,
                    reason="needs a 7-Zip command (apt install p7zip-full) and lzma")
def test_an_sd_made_by_the_real_7zip_tool_publishes(quick_jobs, connect, tmp_path):
    path = make_sd_with_tool(str(tmp_path / "tool.sd"), str(tmp_path),
                             config=service_config("FromTool", folder="Maps"))
    assert connect().publish_sd(path).service == "Maps/FromTool.MapServer"


def test_sd_entries_are_realistic():
    names = [n for n, _ in sd_entries()]
    assert "serviceconfiguration.json" in names and "esriinfo/iteminfo.xml" in names
