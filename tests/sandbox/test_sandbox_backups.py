"""The sandbox's backups area over plain HTTP: exportSite, the download, importSite, machines."""

from __future__ import absolute_import, unicode_literals

import io
import json
import os
import zipfile

import requests

from agsadmin_core.sandbox import DEMO_PASSWORD


def _download(admin, url):
    response = admin.http.post(url, data={"token": admin.default_token}, stream=True)
    return response


def test_export_without_location_offers_a_download_of_a_real_archive(sb, admin):
    body = admin.ok("/exportSite")
    assert body["status"] == "success"
    url = body["location"]
    assert url.startswith(sb.admin_url + "/exportSite/backups/")
    name = url.rsplit("/", 1)[-1]
    assert len(name) == len("20261130-221500-UTC.agssite") and name.endswith("-UTC.agssite")
    response = _download(admin, url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/octet-stream"
    data = response.content
    assert int(response.headers["Content-Length"]) == len(data)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert set(archive.namelist()) == {"agssite.json", "folders.json", "services.json",
                                       "logs/settings.json", "security/users.json"}
    services = json.loads(archive.read("services.json").decode("utf-8"))
    parcels = [s for s in services if s["serviceName"] == "Parcels"][0]
    assert parcels["folderName"] == "Maps" and parcels["configuredState"] == "STARTED"
    assert isinstance(parcels["config"], dict) and parcels["config"]
    assert DEMO_PASSWORD.encode("utf-8") not in data


def test_the_download_needs_a_token_and_an_existing_name(sb, admin):
    url = admin.ok("/exportSite")["location"]
    assert requests.post(url, data={"f": "json"}).json()["code"] == 499
    assert admin.ok("/exportSite/backups/19990101-000000-UTC.agssite")["code"] == 404


def test_export_to_a_location_and_its_refusals(sb, admin, tmp_path):
    body = admin.ok("/exportSite", location=str(tmp_path))
    assert os.path.dirname(body["location"]) == str(tmp_path) and os.path.isfile(body["location"])
    refused = admin.ok("/exportSite", location=str(tmp_path / "missing"))
    assert refused["status"] == "error" and refused["code"] == 500
    assert str(tmp_path / "missing") in refused["messages"][0]
    assert admin.get("/exportSite", f="json", token=admin.default_token).json()["code"] == 405
    validated = admin.ok("/exportSite", location=str(tmp_path), validate="true")
    assert validated == {"status": "success"} and len(os.listdir(str(tmp_path))) == 1


def test_padding_reaches_the_size_without_changing_the_content(make_sb, make_admin, tmp_path):
    sb = make_sb(backup_pad_to=5 * 1024 * 1024)
    path = make_admin(sb).ok("/exportSite", location=str(tmp_path))["location"]
    size = os.path.getsize(path)
    assert 5 * 1024 * 1024 - 4096 < size <= 5 * 1024 * 1024
    assert "padding.bin" in zipfile.ZipFile(path).namelist()


def test_import_replaces_the_state_and_reports_each_part(sb, admin, tmp_path):
    path = admin.ok("/exportSite", location=str(tmp_path))["location"]
    sb.site.services.create_folder("Scratch")
    sb.site.set_service_state("Maps/Parcels.MapServer", "STOPPED")
    body = admin.ok("/importSite", location=path)
    assert body["status"] == "success"
    assert [(p["name"], p["status"]) for p in body["report"]["parts"]] == [
        ("folders", "success"), ("services", "success"), ("logSettings", "success"),
        ("users", "success")]
    assert "Scratch" not in [f.name for f in sb.site.services.folders.values()]
    assert sb.site.service_state("Maps/Parcels.MapServer") == ("STARTED", "STARTED")
    # A backup in the server's own directory may be named by its file name alone.
    name = admin.ok("/exportSite")["location"].rsplit("/", 1)[-1]
    assert admin.ok("/importSite", location=name)["status"] == "success"


def test_import_refusals(make_sb, make_admin, tmp_path):
    sb = make_sb(web_adaptor="server")
    admin = make_admin(sb)
    junk = tmp_path / "junk.agssite"
    junk.write_bytes(b"not a zip")
    for location in (str(junk), str(tmp_path / "absent.agssite")):
        body = admin.ok("/importSite", location=location)
        assert body["status"] == "error" and body["code"] == 500 and location in body["messages"][0]
    assert admin.ok("/importSite") == {"status": "error", "code": 400,
                                       "messages": ["'location' must be specified."]}
    path = admin.ok("/exportSite", location=str(tmp_path))["location"]
    through = admin.http.post(sb.web_adaptor_url + "/admin/importSite",
                              data={"f": "json", "token": admin.default_token,
                                    "location": path}).json()
    assert through["status"] == "error" and "Web Adaptor" in through["messages"][0]
    assert admin.ok("/importSite", location=path)["status"] == "success"


def test_machines_name_the_direct_url_also_through_the_web_adaptor(make_sb, make_admin):
    sb = make_sb(web_adaptor="server")
    admin = make_admin(sb)
    through = admin.http.post(sb.web_adaptor_url + "/admin/machines",
                              data={"f": "json", "token": admin.default_token}).json()
    assert [m["adminURL"] for m in through["machines"]] == [sb.admin_url]


def test_a_cut_fault_ends_the_download_halfway(sb, admin):
    url = admin.ok("/exportSite")["location"]
    sb.faults.add("cut", match="/exportSite/backups/")
    response = _download(admin, url)
    announced = int(response.headers["Content-Length"])
    received = 0
    try:
        for block in response.raw.stream(65536, decode_content=False):
            received += len(block)
    except Exception:  # urllib3 says the body ended short; that is the point
        pass
    assert 0 < received < announced
    assert _download(admin, url).content  # once only: the next download is whole


def test_delay_makes_export_take_time(make_sb, make_admin, tmp_path):
    slept = []
    sb = make_sb(backup_delay_ms=1500)
    sb.site.sleep = slept.append
    make_admin(sb).ok("/exportSite", location=str(tmp_path))
    assert slept == [1.5]


def test_backups_directory_is_removed_on_stop(make_sb, make_admin):
    sb = make_sb()
    make_admin(sb).ok("/exportSite")
    folder = sb.site.backups.directory
    assert os.listdir(folder)
    sb.stop()
    assert not os.path.exists(folder)


def test_log_settings_travel_in_the_backup(sb, admin, tmp_path):
    path = admin.ok("/exportSite", location=str(tmp_path))["location"]
    with zipfile.ZipFile(path) as archive:
        kept = json.loads(archive.read("logs/settings.json").decode("utf-8"))
    assert kept["logLevel"] == admin.ok("/logs/settings")["settings"]["logLevel"]
    assert admin.ok("/logs/settings/edit", logLevel="DEBUG", maxLogFileAge="3")["status"] == \
        "success"
    assert admin.ok("/importSite", location=path)["status"] == "success"
    settings = admin.ok("/logs/settings")["settings"]
    assert settings["logLevel"] == kept["logLevel"]
    assert settings["maxLogFileAge"] == kept["maxLogFileAge"]
