"""server.site over real HTTP against the sandbox: export, change, import, and every failure a
user can cause (a cut download, a failed part, a Web Adaptor URL, rotation, bad input)."""

import json
import os
import zipfile

import pytest

from agsadmin_core import ConnectionFailed, InvalidInput, Server, ServerError
from agsadmin_core.errors import ImportFailed
from agsadmin_core.site import BACKUP_NAME
from tests.conftest import CANARY_PASSWORD, CANARY_USER

CHANGING = ("exportsite", "importsite")


def site_state(server):
    """What an import must bring back, read over HTTP: folders, services, definitions, states."""
    folders, _ = server.services.folders()
    services = {}
    for info in server.services.list(include_protected=True):
        definition = server.session.call(info.service_ref.admin_path, safe_to_repeat=True)
        definition.pop("configuredState", None)
        services[info.ref] = (info.configured_state, info.realtime_state, definition)
    return sorted(folders), services


def files_in(folder):
    return sorted(os.listdir(str(folder)))


def paths_sent(sandbox):
    return [r["path"].lower() for r in sandbox.requests]


def test_export_change_import_gives_back_the_exported_site(sandbox, connect, tmp_path):
    server = connect()
    exported = site_state(server)
    backup = server.site.export_site(str(tmp_path))
    assert BACKUP_NAME.match(os.path.basename(backup.path)), backup.path
    assert backup.size == os.path.getsize(backup.path) and zipfile.is_zipfile(backup.path)
    assert files_in(tmp_path) == [os.path.basename(backup.path)]

    # Change the site: delete, rename, stop, add a folder.
    services = sandbox.site.services
    services.delete_service(services.resolve("Maps/Parcels.MapServer"))
    services.rename_service("Maps", "Roads", "MapServer", "Streets")
    server.services.stop(["Maps/*"])
    services.create_folder("Scratch")
    assert site_state(server) != exported

    before = tmp_path / "before"
    before.mkdir()
    result = server.site.import_site(backup.path, backup_to=str(before))
    assert result.imported and result.ok
    assert [p.name for p in result.parts] == ["folders", "services", "logSettings", "users"]
    assert site_state(server) == exported
    # The backup taken first holds the changed site, and can itself be imported.
    assert result.backup.path.startswith(str(before)) and zipfile.is_zipfile(result.backup.path)
    server.site.import_site(result.backup.path, backup_first=False)
    assert "Scratch" in server.services.folders()[0]


def test_a_download_cut_in_the_middle_keeps_nothing_and_says_so(sandbox, connect, tmp_path):
    sandbox.faults.add("cut", match="/exportSite/backups/", times=100)
    server = connect()
    with pytest.raises(ConnectionFailed) as caught:
        server.site.export_site(str(tmp_path))
    assert "stopped early" in str(caught.value) and "nothing was kept" in str(caught.value)
    assert files_in(tmp_path) == []


def test_a_download_cut_once_is_fetched_again_whole(sandbox, connect, tmp_path):
    fault = sandbox.faults.add("cut", match="/exportSite/backups/", times=1)
    result = connect().site.export_site(str(tmp_path / "site.agssite"))
    assert fault.fired == 1
    assert files_in(tmp_path) == ["site.agssite"] and zipfile.is_zipfile(result.path)


def _with_a_broken_service(source, target):
    """A copy of a backup where one more service has no type: the server cannot import it."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            data = old.read(name)
            if name == "services.json":
                entries = json.loads(data.decode("utf-8"))
                entries.append({"folderName": "Maps", "serviceName": "Broken", "type": "",
                                "configuredState": "STARTED", "config": {}})
                data = json.dumps(entries).encode("utf-8")
            new.writestr(name, data)
    return target


def test_an_import_whose_report_lists_a_failure_raises_and_names_it(connect, tmp_path):
    server = connect()
    good = server.site.export_site(str(tmp_path / "good.agssite"))
    bad = _with_a_broken_service(good.path, str(tmp_path / "bad.agssite"))
    with pytest.raises(ImportFailed) as caught:
        server.site.import_site(bad, backup_to=str(tmp_path))
    error = caught.value
    assert [p.name for p in error.failures] == ["services"]
    assert "Maps/Broken." in str(error) and "services" in str(error)
    assert error.result.backup.path in str(error)   # where the site before it is
    assert not error.result.imported


def test_import_through_a_web_adaptor_is_refused_before_any_change(make_sandbox, connect,
                                                                   tmp_path):
    sb = make_sandbox(web_adaptor="server")
    direct = connect(sb)
    backup = direct.site.export_site(str(tmp_path))
    through = Server.connect(sb.web_adaptor_url, username=CANARY_USER,
                             password=CANARY_PASSWORD)
    try:
        sb.clear_requests()
        with pytest.raises(InvalidInput) as caught:
            through.site.import_site(backup.path)
        assert sb.url in str(caught.value) and "Web Adaptor" in str(caught.value)
        assert not [p for p in paths_sent(sb) if p.endswith(CHANGING)]
        # The server refuses by itself too, when a client does not look first.
        with pytest.raises(ServerError) as refused:
            through.session.call("importSite", {"location": backup.path})
        assert "Web Adaptor" in str(refused.value)
        # The direct URL passes the check.
        assert direct.site.direct_url() is None
    finally:
        through.close()


def test_rotation_keeps_exactly_n_and_touches_no_other_file(sandbox, connect, tmp_path):
    others = ["notes.txt", "site.agssite", "20200101-000000-UTC.agssite.bak"]
    for name in others + ["20200101-000000-UTC.agssite", "20200102-000000-UTC.agssite"]:
        (tmp_path / name).write_text(u"x")
    server = connect()
    made = []
    for _ in range(3):
        sandbox.site.advance_clock(60)
        made.append(os.path.basename(server.site.export_site(str(tmp_path), keep=2).path))
    backups = [n for n in files_in(tmp_path) if BACKUP_NAME.match(n)]
    assert backups == sorted(made)[-2:]
    for name in others:
        assert (tmp_path / name).exists()
    assert len(files_in(tmp_path)) == len(others) + 2


def test_export_to_a_server_location_downloads_nothing(connect, tmp_path):
    result = connect().site.export_site(server_location=str(tmp_path))
    assert result.path is None and os.path.dirname(result.location) == str(tmp_path)
    assert BACKUP_NAME.match(os.path.basename(result.location))
    assert zipfile.is_zipfile(result.location)


def test_an_unwritable_server_location_is_the_servers_refusal(connect, tmp_path):
    missing = str(tmp_path / "nowhere")
    with pytest.raises(ServerError) as caught:
        connect().site.export_site(server_location=missing)
    assert missing in str(caught.value)


def test_bad_local_input_is_refused_before_anything_is_sent(sandbox, connect, tmp_path):
    server = connect()
    sandbox.clear_requests()
    (tmp_path / "taken.agssite").write_text(u"x")
    (tmp_path / "junk.agssite").write_text(u"not a zip")
    cases = [
        lambda: server.site.export_site(str(tmp_path / "taken.agssite")),
        lambda: server.site.export_site(str(tmp_path / "no" / "such" / "x.agssite")),
        lambda: server.site.export_site(str(tmp_path / "x.agssite"), keep=3),
        lambda: server.site.export_site(str(tmp_path), server_location=str(tmp_path)),
        lambda: server.site.import_site(str(tmp_path / "junk.agssite")),
        lambda: server.site.import_site(""),
    ]
    for case in cases:
        with pytest.raises(InvalidInput):
            case()
    assert not [p for p in paths_sent(sandbox) if p.endswith(CHANGING)]


def test_validate_needs_11_1_and_changes_nothing(make_sandbox, connect, tmp_path):
    old = connect(make_sandbox(version="10.9.1"))
    with pytest.raises(InvalidInput) as caught:
        old.site.import_site(old.site.export_site(str(tmp_path / "a.agssite")).path,
                             validate=True)
    assert "11.1" in str(caught.value)
    sb = make_sandbox(version="11.3")
    new = connect(sb)
    path = new.site.export_site(str(tmp_path / "b.agssite")).path
    sb.site.services.create_folder("AfterExport")
    result = new.site.import_site(path, validate=True)
    assert result.validated and result.ok and not result.imported and result.backup is None
    assert "AfterExport" in new.services.folders()[0]


def test_before_10_2_there_is_nothing_to_call(make_sandbox, connect, tmp_path):
    sb = make_sandbox(version="10.1")
    server = connect(sb)
    with pytest.raises(InvalidInput) as caught:
        server.site.export_site(str(tmp_path))
    assert "10.2" in str(caught.value)
    assert not [p for p in paths_sent(sb) if p.endswith(CHANGING)]


def test_no_secret_in_the_backup_or_the_messages(sandbox, connect, tmp_path):
    server = connect()
    backup = server.site.export_site(str(tmp_path))
    with open(backup.path, "rb") as handle:
        raw = handle.read()
    with zipfile.ZipFile(backup.path) as archive:
        inside = b"".join(archive.read(n) for n in archive.namelist())
    assert CANARY_PASSWORD.encode("utf-8") not in raw + inside
    token = server.session.token().value
    assert token.encode("utf-8") not in raw + inside
    assert token not in backup.location
    # And the users still sign in after an import of it.
    server.site.import_site(backup.path, backup_first=False)
    connect().services.folders()


def test_export_works_through_a_web_adaptor(make_sandbox, tmp_path):
    sb = make_sandbox(web_adaptor="server")
    with Server.connect(sb.web_adaptor_url, username=CANARY_USER,
                        password=CANARY_PASSWORD) as through:
        result = through.site.export_site(str(tmp_path))
    assert result.location.startswith(sb.web_adaptor_url) and zipfile.is_zipfile(result.path)


def test_a_cancel_during_the_download_keeps_nothing(connect, tmp_path):
    from agsadmin_core import Cancelled, Reporter

    class CancelOnceBytesArrive(Reporter):
        bytes_seen = False

        def progress(self, done, total, label):
            self.bytes_seen = self.bytes_seen or label == "MB of the backup"

        def cancelled(self):
            return self.bytes_seen

    with pytest.raises(Cancelled) as caught:
        connect().site.export_site(str(tmp_path), reporter=CancelOnceBytesArrive())
    assert "download" in str(caught.value) and files_in(tmp_path) == []


def test_progress_while_the_server_works_and_a_cancel_of_the_wait(make_sandbox, connect,
                                                                 tmp_path):
    from agsadmin_core import Cancelled, Reporter

    class Recorder(Reporter):
        def __init__(self, cancel=False):
            self.labels, self.cancel = [], cancel

        def progress(self, done, total, label):
            self.labels.append(label)

        def cancelled(self):
            return self.cancel

    sb = make_sandbox(backup_delay_ms=300)
    server = connect(sb)
    seen = Recorder()
    server.site.export_site(str(tmp_path), reporter=seen)
    assert "s: the server is writing the backup" in seen.labels
    assert "MB of the backup" in seen.labels
    with pytest.raises(Cancelled) as caught:
        server.site.export_site(str(tmp_path / "second.agssite"), reporter=Recorder(True))
    assert "nothing was downloaded" in str(caught.value)
    assert not os.path.exists(str(tmp_path / "second.agssite"))


def test_a_backup_offered_on_another_host_is_not_fetched_with_the_token(tmp_path):
    """The sandbox cannot be made to name another host, so a real AdminSession answers
    exportSite from a table; its download path (the guard lives there) is the real one."""
    import requests
    from agsadmin_core.auth import GivenToken
    from agsadmin_core.session import AdminSession
    from agsadmin_core.site import SiteManager
    from agsadmin_core.urls import parse_server_url

    class NoNetwork(requests.Session):
        def send(self, request, **kwargs):
            raise AssertionError("a request was sent to %s" % request.url)

    class Answering(AdminSession):
        version = (11, 3)

        def call(self, path, params=None, **kwargs):
            return {"status": "success", "location": "https://elsewhere.example.net/x.agssite"}

    session = Answering(parse_server_url("https://gis.example.com:6443/arcgis"),
                        GivenToken("Canary-Token-1f"), http=NoNetwork())
    with pytest.raises(ServerError) as caught:
        SiteManager(session).export_site(str(tmp_path))
    assert "elsewhere.example.net" in str(caught.value) and "not sent there" in str(caught.value)
    assert "Canary-Token-1f" not in str(caught.value) and os.listdir(str(tmp_path)) == []


def test_an_import_report_is_read_leniently():
    from agsadmin_core.site import _parts
    assert _parts({"status": "success"}) == [("site", "ok", [])]
    parts = _parts({"status": "success", "report": [
        {"part": "services", "status": "FAILED", "messages": "Maps/A.MapServer: bad"},
        {"name": "users", "status": "success"}]})
    assert parts == [("services", "failed", ["Maps/A.MapServer: bad"]), ("users", "ok", [])]
