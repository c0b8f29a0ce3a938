"""The sandbox's uploads and System/PublishingTools areas over HTTP, in the styles real clients use.

References: admin-api-next.md sections 8-11. Archives are written by the tests' own 7-Zip
writer (tests/sdmaker.py) and, where installed, by the real 7-Zip tool.
"""

from __future__ import absolute_import, unicode_literals

import json
import os

import pytest

from agsadmin_core.sandbox import sevenzip
from tests.sdmaker import lzma, make_sd, make_sd_with_tool, seven_zip_tool, service_config, \
    write_7z

GP = "/rest/services/System/PublishingTools/GPServer"
TASK = GP + "/Publish%20Service%20Definition"


def upload(admin, path, name=None):
    with open(path, "rb") as handle:
        files = {"itemFile": (name or os.path.basename(path), handle, "application/octet-stream")}
        return admin.http.post(admin.sb.admin_url + "/uploads/upload",
                               data={"f": "json", "token": admin.default_token},
                               files=files).json()


def rest(admin, path, **fields):
    data = {"f": "json", "token": admin.default_token}
    data.update(fields)
    return admin.http.post(admin.sb.url + path, data=data).json()


def run_job(admin, item_id, **fields):
    sb = admin.sb
    sb.site.publishing.submit_seconds = 1
    sb.site.publishing.run_seconds = 2
    inputs = {"in_sdp_id": item_id, "in_config_overwrite": "", "in_publish_options": ""}
    inputs.update(fields)   # ARC sends the optional inputs as empty strings
    job = rest(admin, TASK + "/submitJob", **inputs)
    assert job["jobStatus"] == "esriJobSubmitted"
    seen = [rest(admin, TASK + "/jobs/" + job["jobId"])["jobStatus"]]
    for _ in range(3):
        sb.site.advance_clock(1.1)
        seen.append(rest(admin, TASK + "/jobs/" + job["jobId"])["jobStatus"])
    return job["jobId"], seen


@pytest.fixture
def sd(tmp_path):
    return make_sd(str(tmp_path / "Parcels.sd"), config=service_config("Parcels2", folder="New"))


# -- the 7-Zip reader ----------------------------------------------------------------------

CODERS = [("copy", False)] + ([("lzma2", False), ("lzma2", True), ("bcj+lzma2", True)]
                              if lzma is not None else [])


@pytest.mark.parametrize("coder,encoded", CODERS)
def test_reader_lists_and_streams_entries(tmp_path, coder, encoded):
    big = os.urandom(700000)
    path = str(tmp_path / "a.7z")
    write_7z(path, [("serviceconfiguration.json", b"{}"), ("p30/big.bin", big),
                    ("esriinfo/", None), ("empty.txt", b"")], coder=coder, encode_header=encoded)
    archive = sevenzip.Archive(path)
    assert archive.names() == ["serviceconfiguration.json", "p30/big.bin", "esriinfo",
                               "empty.txt"]
    assert archive.find("esriinfo").is_dir and not archive.find("empty.txt").is_dir
    blocks = list(archive.open_entry(archive.find("P30/BIG.BIN")))
    assert b"".join(blocks) == big and max(len(b) for b in blocks) <= sevenzip.BLOCK
    assert archive.read("serviceconfiguration.json") == b"{}"


def test_reader_refuses_what_is_not_7zip_or_damaged(tmp_path):
    path = str(tmp_path / "x.sd")
    with open(path, "wb") as handle:
        handle.write(b"PK\x03\x04 a zip file")
    with pytest.raises(sevenzip.BadArchive):
        sevenzip.Archive(path)
    good = write_7z(str(tmp_path / "g.7z"), [("a.txt", b"hello")])
    data = bytearray(open(good, "rb").read())
    data[-3] ^= 0xFF   # inside the header: its CRC no longer matches
    with open(path, "wb") as handle:
        handle.write(bytes(data))
    with pytest.raises(sevenzip.BadArchive) as caught:
        sevenzip.Archive(path)
    assert "CRC" in str(caught.value)


@pytest.mark.skipif(lzma is not None, reason="only Pythons without lzma refuse LZMA")
def test_reader_without_lzma_refuses_clearly(tmp_path):  # pragma: no cover - 2.7
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "data", "lzma2.sd")
    with pytest.raises(sevenzip.Unsupported) as caught:
        sevenzip.Archive(path).read("serviceconfiguration.json")
    assert "lzma" in str(caught.value)


@pytest.mark.skipif(seven_zip_tool() is None or lzma is None,
                    reason="needs a 7-Zip command (apt install p7zip-full) and lzma")
@pytest.mark.parametrize("switches", [(), ("-mx0",), ("-m0=lzma",), ("-mhc=off",)])
def test_reader_reads_what_the_real_tool_writes(tmp_path, switches):
    path = make_sd_with_tool(str(tmp_path / "t.sd"), str(tmp_path), switches=switches)
    config = json.loads(sevenzip.Archive(path).read("serviceconfiguration.json").decode("utf-8"))
    assert config["service"]["serviceName"] == "Parcels"


@pytest.mark.skipif(seven_zip_tool() is None, reason="needs a 7-Zip command")
def test_reader_names_a_coder_it_does_not_decode(tmp_path):
    path = make_sd_with_tool(str(tmp_path / "t.sd"), str(tmp_path), switches=("-m0=PPMd",))
    with pytest.raises(sevenzip.Unsupported) as caught:
        sevenzip.Archive(path).read("serviceconfiguration.json")
    assert "PPMd" in str(caught.value)


# -- uploads -----------------------------------------------------------------------------------

def test_single_upload_item_and_service_configuration(admin, sd):
    body = upload(admin, sd)
    item = body["item"]
    assert body["status"] == "success" and item["committed"] is True
    assert item["itemID"].startswith("i") and len(item["itemID"]) == 37
    assert item["itemName"] == "Parcels.sd" and item["description"] is None
    assert admin.ok("/uploads/" + item["itemID"])["itemID"] == item["itemID"]
    assert [i["itemID"] for i in admin.ok("/uploads")["items"]] == [item["itemID"]]
    response = admin.post("/uploads/%s/serviceconfiguration.json" % item["itemID"])
    assert response.headers["Content-Type"].startswith("text/plain")
    config = response.json()
    assert config["folderName"] == "New" and config["service"]["serviceName"] == "Parcels2"
    assert admin.ok("/uploads/%s/delete" % item["itemID"]) == {"status": "success"}
    gone = admin.ok("/uploads/" + item["itemID"])
    assert gone["code"] == 404 and item["itemID"] in gone["messages"][0]


@pytest.mark.parametrize("parts", ["2,1", "[2, 1]"])
def test_chunked_upload_commits_parts_in_the_order_given(admin, parts):
    item = admin.ok("/uploads/register", itemName="Order.txt")["item"]
    assert item["committed"] is False
    for number, data in ((1, b"world"), (2, b"hello ")):
        answer = admin.http.post(admin.sb.admin_url + "/uploads/%s/uploadPart" % item["itemID"],
                                 data={"f": "json", "token": admin.default_token,
                                       "partNumber": str(number)},
                                 files={"partFile": ("blob", data)}).json()
        assert answer == {"status": "success"}
    assert admin.ok("/uploads/%s/parts" % item["itemID"]) == {"parts": [1, 2]}
    done = admin.ok("/uploads/%s/commit" % item["itemID"], parts=parts)
    assert done["status"] == "success" and done["item"]["committed"] is True
    with admin.sb.site.uploads.get(item["itemID"]).open() as handle:
        assert handle.read() == b"hello world"
    again = admin.ok("/uploads/%s/commit" % item["itemID"])
    assert again["status"] == "error"


def test_commit_with_a_missing_part_is_refused(admin):
    item = admin.ok("/uploads/register", itemName="x.sd")["item"]
    body = admin.ok("/uploads/%s/commit" % item["itemID"], parts="1,2")
    assert body["status"] == "error" and "Missing parts: 1, 2" in body["messages"][0]


def test_extension_whitelist_and_arc_missing_slash(admin, tmp_path):
    path = str(tmp_path / "tool.exe")
    with open(path, "wb") as handle:
        handle.write(b"MZ")
    body = upload(admin, path)
    assert body["status"] == "error" and "not allowed" in body["messages"][0]
    assert admin.sb.site.uploads.items == {}
    item = admin.ok("/uploads/register", itemName="a.sd")["item"]
    # ARC 2.4.4 forgets the '/' before the item id (-next 8.2): the 404 envelope, not a fix.
    body = admin.ok("/uploads%s/uploadPart" % item["itemID"], partNumber="1")
    assert body["code"] == 404


def test_service_configuration_of_what_is_not_an_sd(admin, tmp_path):
    text = str(tmp_path / "notes.txt")
    with open(text, "wb") as handle:
        handle.write(b"hello")
    item = upload(admin, text)["item"]
    body = admin.ok("/uploads/%s/serviceconfiguration.json" % item["itemID"])
    assert body["status"] == "error" and "not a service definition" in body["messages"][0]
    fake = str(tmp_path / "fake.sd")
    with open(fake, "wb") as handle:
        handle.write(b"not 7-zip")
    item = upload(admin, fake)["item"]
    body = admin.ok("/uploads/%s/serviceconfiguration.json" % item["itemID"])
    assert "not a 7-Zip archive" in body["messages"][0]


# -- System/PublishingTools ------------------------------------------------------------------------

def test_gp_service_and_task_descriptions(admin):
    service = rest(admin, GP)
    assert "Publish Service Definition" in service["tasks"]
    assert service["resultMapServerName"] == "" and service["executionType"].endswith("Asynchronous")
    for task in service["tasks"]:   # ARC reads every task before submitting
        described = rest(admin, GP + "/" + task)
        assert described["displayName"] == task and "parameters" in described
    task = rest(admin, TASK)
    assert task["name"] == "PublishServiceDefinition"
    assert [(p["name"], p["parameterType"].replace("esriGPParameterType", ""))
            for p in task["parameters"]] == [
        ("in_sdp_id", "Required"), ("in_config_overwrite", "Optional"),
        ("in_publish_options", "Optional"), ("out_soap_svc_url", "Derived"),
        ("out_rest_svc_url", "Derived"), ("out_results", "Derived")]


def test_a_job_walks_its_states_and_publishes(admin, sd):
    sb = admin.sb
    item_id = upload(admin, sd)["item"]["itemID"]
    job_id, seen = run_job(admin, item_id)
    assert job_id.startswith("j") and len(job_id) == 33
    assert seen == ["esriJobSubmitted", "esriJobExecuting", "esriJobExecuting",
                    "esriJobSucceeded"]
    status = rest(admin, TASK + "/jobs/" + job_id)
    assert sorted(status["results"]) == ["out_rest_svc_url", "out_results", "out_soap_svc_url"]
    for name in status["results"]:   # each declared output can be fetched (ARC needs all)
        assert rest(admin, TASK + "/jobs/%s/results/%s" % (job_id, name))["paramName"] == name
    url = rest(admin, TASK + "/jobs/%s/results/out_rest_svc_url" % job_id)["value"]
    assert url.endswith("/arcgis/rest/services/New/Parcels2/MapServer")
    assert sb.site.service_state("New/Parcels2.MapServer") == ("STARTED", "STARTED")
    assert {"name": "New/Parcels2", "type": "MapServer"} in rest(admin, "/rest/services/New")["services"]
    assert "New" in admin.ok("/services")["folders"]
    # the server consumed the upload; a later delete answers 404, which clients tolerate
    assert admin.ok("/uploads/%s/delete" % item_id)["code"] == 404
    assert [r["source"] for r in sb.site.publishing.log] == \
        ["System/PublishingTools.GPServer"] * 2


def test_a_taken_name_fails_with_the_recorded_error_codes(admin, tmp_path):
    path = make_sd(str(tmp_path / "p.sd"), config=service_config("Parcels", folder="Maps"))
    item_id = upload(admin, path)["item"]["itemID"]
    job_id, seen = run_job(admin, item_id)
    assert seen[-1] == "esriJobFailed"
    texts = [m["description"] for m in rest(admin, TASK + "/jobs/" + job_id)["messages"]]
    assert "Service 'Maps/Parcels.MapServer' already exists." in texts
    assert "ERROR 001369: Failed to create the service." in texts
    assert "Failed to execute (Publish Service Definition)." in texts


def test_replacement_and_config_overwrite(admin, sd):
    item_id = upload(admin, sd)["item"]["itemID"]
    config = service_config("Parcels", folder="Maps", configuredState="STOPPED")
    config["type"] = "esriServiceDefinitionType_Replacement"
    _, seen = run_job(admin, item_id, in_config_overwrite=json.dumps(config))
    assert seen[-1] == "esriJobSucceeded"
    assert admin.sb.site.service_state("Maps/Parcels.MapServer") == ("STOPPED", "STOPPED")


def test_a_bad_archive_fails_the_job(admin, tmp_path):
    path = str(tmp_path / "bad.sd")
    write_7z(path, [("readme.txt", b"no configuration here")])
    item_id = upload(admin, path)["item"]["itemID"]
    job_id, seen = run_job(admin, item_id)
    assert seen[-1] == "esriJobFailed"
    texts = [m["description"] for m in rest(admin, TASK + "/jobs/" + job_id)["messages"]]
    assert any("has no serviceconfiguration.json" in t for t in texts)
    assert "ERROR 001369: Failed to create the service." in texts


def test_submit_errors_and_unknown_jobs(admin):
    body = rest(admin, TASK + "/submitJob")
    assert body["error"]["code"] == 400
    body = rest(admin, TASK + "/jobs/jdeadbeef")
    assert body["error"]["code"] == 400 and "jdeadbeef" in body["error"]["details"][0]


def test_stopped_publishing_tools_answers_not_started(admin, sd):
    admin.sb.site.set_service_state("System/PublishingTools.GPServer", "STOPPED")
    body = rest(admin, TASK + "/submitJob", in_sdp_id="i1")
    assert "not started" in body["error"]["message"]


def test_cancel(admin, sd):
    item_id = upload(admin, sd)["item"]["itemID"]
    job = rest(admin, TASK + "/submitJob", in_sdp_id=item_id)
    assert rest(admin, TASK + "/jobs/%s/cancel" % job["jobId"])["jobStatus"] == "esriJobCancelling"
    assert rest(admin, TASK + "/jobs/" + job["jobId"])["jobStatus"] == "esriJobCancelled"
    assert admin.sb.site.service_refs().count("New/Parcels2.MapServer") == 0


def test_header_token_as_arc_sends_it(admin, sd):
    item_id = upload(admin, sd)["item"]["itemID"]
    answer = admin.http.post(admin.sb.url + TASK + "/submitJob",
                             data={"f": "json", "in_sdp_id": item_id},
                             headers={"X-Esri-Authorization": "Bearer " + admin.default_token})
    assert answer.json()["jobStatus"] == "esriJobSubmitted"


def _part(admin, item_id, number, data):
    return admin.http.post(admin.sb.admin_url + "/uploads/%s/uploadPart" % item_id,
                           data={"f": "json", "token": admin.default_token,
                                 "partNumber": str(number)},
                           files={"partFile": ("blob", data)}).json()


def test_parts_sent_again_or_out_of_order_are_joined_right(admin):
    item = admin.ok("/uploads/register", itemName="Mixed.txt")["item"]["itemID"]
    big = os.urandom(9 * 1024 * 1024)   # above the memory limit: a part spooled to disk
    for number, data in ((1, b"a" * 10), (2, b"stale"), (2, big), (4, b"d"), (3, b"c")):
        assert _part(admin, item, number, data) == {"status": "success"}
    assert admin.ok("/uploads/%s/parts" % item) == {"parts": [1, 2, 3, 4]}
    assert admin.ok("/uploads/%s/commit" % item)["status"] == "success"
    with admin.sb.site.uploads.get(item).open() as handle:
        assert handle.read() == b"a" * 10 + big + b"c" + b"d"


def test_a_streamed_upload_keeps_the_connection_in_step(admin, sd):
    # Two uploads and a plain call on one keep-alive connection: each body was read whole.
    first = upload(admin, sd)["item"]["itemID"]
    second = upload(admin, sd)["item"]["itemID"]
    assert first != second
    assert sorted(i["itemID"] for i in admin.ok("/uploads")["items"]) == sorted([first, second])


def test_commit_of_some_parts_keeps_only_those(admin):
    item = admin.ok("/uploads/register", itemName="One.txt")["item"]["itemID"]
    _part(admin, item, 1, b"kept")
    _part(admin, item, 2, b"left out")
    assert admin.ok("/uploads/%s/commit" % item, parts="1")["status"] == "success"
    stored = admin.sb.site.uploads.get(item)
    with stored.open() as handle:
        assert handle.read() == b"kept"
    assert sorted(os.listdir(stored.folder)) == ["One.txt"]


def test_the_site_log_records_the_job(admin, sd):
    item_id = upload(admin, sd)["item"]["itemID"]
    run_job(admin, item_id)
    body = admin.ok("/logs/query", level="INFO", filter=json.dumps(
        {"services": ["System/PublishingTools.GPServer"]}))
    messages = [r["message"] for r in body["logMessages"]]
    assert any("was published" in m for m in messages), messages
    assert any("submitted" in m for m in messages)
