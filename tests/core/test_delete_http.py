"""Deleting (with backups), renaming and restoring services, with faults, over real HTTP."""

import io
import json
import os

import pytest

from agsadmin_core import Reporter
from agsadmin_core.errors import BatchFailed, Cancelled, ConnectionFailed, InvalidInput, \
    NotFound
from tests.conftest import CANARY_PASSWORD

MAPS = ["Maps/Basemap.MapServer", "Maps/Hydrology.MapServer", "Maps/Parcels.MapServer",
        "Maps/Roads.MapServer", "Maps/Zoning.MapServer"]
PARTS = ["iteminfo.json", "manifest.json", "permissions.json", "service.json", "status.json"]


def calls(sb, ending):
    return [r for r in sb.requests if r["path"].endswith(ending)]


def read_json(*path):
    with io.open(os.path.join(*path), encoding="utf-8") as handle:
        return json.load(handle)


def index_of(result):
    return read_json(result.backup, "backup.json")


def test_delete_backs_up_every_part_then_deletes(sandbox, connect, tmp_path):
    server = connect()
    definitions = dict((ref, server.session.call("services/" + ref)) for ref in MAPS)
    result = server.services.delete(["Maps/*"], backup_dir=str(tmp_path))
    assert [(r.service, r.status) for r in result] == [(ref, "ok") for ref in MAPS]
    assert not [r for r in sandbox.site.service_refs() if r.startswith("Maps/")]
    assert os.path.dirname(result.backup) == str(tmp_path)
    for ref in MAPS:
        folder, leaf = ref.split("/")
        where = os.path.join(result.backup, folder, leaf)
        assert sorted(os.listdir(where)) == PARTS      # no temporary file left behind
        assert read_json(where, "service.json") == definitions[ref]
        assert read_json(where, "status.json")["configuredState"] in ("STARTED", "STOPPED")
        assert "databases" in read_json(where, "manifest.json")
    index = index_of(result)
    assert index["format"] == "agsadmin-backup/1" and index["site"] == sandbox.url
    assert [(s["service"], s["deleted"]) for s in index["services"]] == \
        [(ref, True) for ref in MAPS]
    assert set(index["files"]) == set(PARTS)
    # every backup read came before the first delete
    paths = [r["path"] for r in sandbox.requests]
    first_delete = min(i for i, p in enumerate(paths) if p.endswith("deleteServices"))
    assert not [p for p in paths[first_delete:] if p.endswith("/iteminfo")]
    # no secret in any backup file
    for root, _, files in os.walk(str(tmp_path)):
        for name in files:
            with io.open(os.path.join(root, name), encoding="utf-8") as handle:
                text = handle.read()
            assert CANARY_PASSWORD not in text and server.session.token().value not in text


def test_delete_is_refused_without_a_backup_choice(sandbox, connect):
    server = connect()
    sandbox.clear_requests()
    with pytest.raises(InvalidInput) as caught:
        server.services.delete(["Maps/*"])
    assert "--backup-dir" in str(caught.value) and "--no-backup" in str(caught.value)
    assert sandbox.requests == []
    assert set(MAPS) <= set(sandbox.site.service_refs())


def test_delete_without_backup_when_told_so(sandbox, connect):
    result = connect().services.delete(["Maps/Roads.MapServer"], backup=False)
    assert result.backup is None and result[0].status == "ok"
    assert "Maps/Roads.MapServer" not in sandbox.site.service_refs()


def test_protected_services_need_an_exact_name_and_the_force(sandbox, connect, tmp_path):
    server = connect()
    for patterns, force in ((["Hosted/*"], True), (["Hosted/Parks.FeatureServer"], False),
                            (["Maps/*", "Utilities/*"], True)):
        sandbox.clear_requests()
        with pytest.raises(InvalidInput) as caught:
            server.services.delete(patterns, backup_dir=str(tmp_path), force_protected=force)
        assert "--force-protected" in str(caught.value)
        assert not calls(sandbox, "/delete") and not calls(sandbox, "deleteServices")
    assert os.listdir(str(tmp_path)) == []
    assert set(MAPS) <= set(sandbox.site.service_refs())
    result = server.services.delete(["Hosted/Parks.FeatureServer"], backup_dir=str(tmp_path),
                                    force_protected=True)
    assert result[0].status == "ok"
    assert "Hosted/Parks.FeatureServer" not in sandbox.site.service_refs()


def test_a_failure_in_the_middle_keeps_the_backups_and_names_the_failure(sandbox, connect,
                                                                        tmp_path):
    server = connect()
    sandbox.faults.add("envelope", match="Parcels.MapServer/delete", message="Disk on fire.")
    with pytest.raises(BatchFailed) as caught:
        server.services.delete(["Maps/*"], backup_dir=str(tmp_path), batch=False, parallel=1)
    error = caught.value
    assert "1 of 5" in str(error) and "Maps/Parcels.MapServer: Disk on fire." in str(error)
    statuses = dict((r.service, r.status) for r in error.result)
    assert statuses.pop("Maps/Parcels.MapServer") == "failed"
    assert set(statuses.values()) == set(["ok"])
    assert [r for r in sandbox.site.service_refs() if r.startswith("Maps/")] == \
        ["Maps/Parcels.MapServer"]
    index = index_of(error.result)
    for entry in index["services"]:
        assert sorted(os.listdir(os.path.join(error.result.backup, *entry["path"].split("/")))) \
            == PARTS
        assert entry["deleted"] is (entry["service"] != "Maps/Parcels.MapServer")
    assert len(calls(sandbox, "Parcels.MapServer/delete")) == 1    # never repeated


def test_a_refused_batch_is_read_back_and_only_the_rest_is_sent_singly(make_sandbox, connect,
                                                                       tmp_path):
    sb = make_sandbox(version="10.7.1")
    server = connect(sb)
    # Utilities/Geometry is a default service: deleteServices deletes the others, then
    # refuses the whole call naming it; the engine must not resend the deletes that were done.
    targets = ["Maps/Roads.MapServer", "Maps/Zoning.MapServer",
               "Utilities/Geometry.GeometryServer"]
    with pytest.raises(BatchFailed) as caught:
        server.services.delete(targets, backup_dir=str(tmp_path), force_protected=True,
                               parallel=1)
    statuses = dict((r.service, r.status) for r in caught.value.result)
    assert statuses == {"Maps/Roads.MapServer": "ok", "Maps/Zoning.MapServer": "ok",
                        "Utilities/Geometry.GeometryServer": "failed"}
    assert "default service" in caught.value.result.failure_text()
    assert len(calls(sb, "deleteServices")) == 1
    assert not calls(sb, "Roads.MapServer/delete") and not calls(sb, "Zoning.MapServer/delete")
    assert len(calls(sb, "Geometry.GeometryServer/delete")) == 1


@pytest.mark.parametrize("batch", [False, True])
def test_a_dropped_answer_is_checked_never_resent(sandbox, connect, tmp_path, batch):
    server = connect()
    match = "deleteServices" if batch else "Parcels.MapServer/delete"
    sandbox.faults.add("drop-after", match=match)
    targets = ["Maps/Parcels.MapServer", "Maps/Roads.MapServer"] if batch else \
        ["Maps/Parcels.MapServer"]
    result = server.services.delete(targets, backup_dir=str(tmp_path), batch=batch,
                                    parallel=1)
    assert [r.status for r in result] == ["ok"] * len(targets)
    assert "connection dropped" in result[0].message
    assert len(calls(sandbox, match)) == 1
    assert not set(targets) & set(sandbox.site.service_refs())


def test_a_drop_before_the_work_fails_without_a_resend(sandbox, connect, tmp_path):
    server = connect()
    sandbox.faults.add("drop", match="Parcels.MapServer/delete")
    with pytest.raises(BatchFailed) as caught:
        server.services.delete(["Maps/Parcels.MapServer"], backup_dir=str(tmp_path),
                               batch=False)
    assert "nothing was resent" in caught.value.result[0].message
    assert len(calls(sandbox, "Parcels.MapServer/delete")) == 1
    assert "Maps/Parcels.MapServer" in sandbox.site.service_refs()
    assert index_of(caught.value.result)["services"][0]["deleted"] is False


def test_a_failed_backup_stops_that_service_delete(sandbox, connect, tmp_path):
    server = connect()
    sandbox.faults.add("envelope", match="Roads.MapServer/status", times=20)
    with pytest.raises(BatchFailed) as caught:
        server.services.delete(["Maps/Roads.MapServer", "Maps/Zoning.MapServer"],
                               backup_dir=str(tmp_path))
    statuses = dict((r.service, (r.status, r.message)) for r in caught.value.result)
    assert statuses["Maps/Zoning.MapServer"][0] == "ok"
    assert statuses["Maps/Roads.MapServer"][0] == "failed"
    assert "backup failed" in statuses["Maps/Roads.MapServer"][1]
    assert "Maps/Roads.MapServer" in sandbox.site.service_refs()
    assert not calls(sandbox, "Roads.MapServer/delete")


def test_saying_no_deletes_nothing(sandbox, connect, tmp_path):
    seen = []
    with pytest.raises(Cancelled):
        connect().services.delete(["Maps/*"], backup_dir=str(tmp_path),
                                  confirm=lambda infos: seen.extend(i.ref for i in infos))
    assert seen == MAPS
    assert set(MAPS) <= set(sandbox.site.service_refs()) and os.listdir(str(tmp_path)) == []


def test_dry_run_plans_and_changes_nothing(sandbox, connect, tmp_path):
    result = connect().services.delete(["Maps/*"], backup_dir=str(tmp_path), dry_run=True)
    assert [r.status for r in result] == ["planned"] * 5 and result.backup is None
    assert set(MAPS) <= set(sandbox.site.service_refs()) and os.listdir(str(tmp_path)) == []


def test_delete_then_restore_brings_back_definition_and_state(sandbox, connect, tmp_path):
    server = connect()
    before = dict((ref, server.session.call("services/" + ref)) for ref in MAPS)
    states = dict((ref, sandbox.site.service_state(ref)) for ref in MAPS)
    result = server.services.delete(["Maps/*"], backup_dir=str(tmp_path))
    restored = server.services.restore(result.backup)
    assert [(r.service, r.status) for r in restored] == [(ref, "ok") for ref in MAPS]
    assert [i.ref for i in server.services.list(folder="Maps")] == MAPS
    for ref in MAPS:
        assert server.session.call("services/" + ref) == before[ref]
        assert sandbox.site.service_state(ref) == states[ref]
    again = server.services.restore(result.backup)      # never overwrites
    assert set(r.status for r in again) == set(["skipped"])


def test_restore_one_service_folder_and_a_missing_folder(sandbox, connect, tmp_path):
    server = connect()
    result = server.services.delete(["Tools/*"], backup_dir=str(tmp_path))
    server.session.call("services/Tools/deleteFolder")
    one = os.path.join(result.backup, "Tools", "ExtractData.GPServer")
    restored = server.services.restore(one)
    assert [(r.service, r.status) for r in restored] == [("Tools/ExtractData.GPServer", "ok")]
    assert "Tools/ExtractData.GPServer" in sandbox.site.service_refs()
    with pytest.raises(InvalidInput):
        server.services.restore(str(tmp_path / "nothing-here"))


def test_rename_keeps_folder_type_and_running_state(sandbox, connect):
    server = connect()
    renamed = server.services.rename("maps/parcels.MapServer", "Parcels2026")
    assert (renamed.old, renamed.new) == ("Maps/Parcels.MapServer", "Maps/Parcels2026.MapServer")
    assert renamed.url == sandbox.url + "/rest/services/Maps/Parcels2026/MapServer"
    assert renamed.state == "STARTED"
    assert sandbox.site.service_state("Maps/Parcels2026.MapServer") == ("STARTED", "STARTED")
    assert calls(sandbox, "/services/Maps/renameService")
    with pytest.raises(NotFound):
        server.services.status("Maps/Parcels.MapServer")


def test_rename_refusals_send_nothing(sandbox, connect):
    server = connect()
    sandbox.clear_requests()
    for new_name, words in (("Roads", "already exists"), ("Bad Name", "characters"),
                            ("x" * 121, "at most 120"), ("Other/Parcels", "another folder"),
                            ("Parcels.FeatureServer", "type")):
        with pytest.raises(InvalidInput) as caught:
            server.services.rename("Maps/Parcels.MapServer", new_name)
        assert words in str(caught.value)
    with pytest.raises(InvalidInput):
        server.services.rename("Utilities/Geometry.GeometryServer", "G2")
    with pytest.raises(InvalidInput):
        server.services.rename("Maps/*", "X")
    with pytest.raises(NotFound):
        server.services.rename("Maps/Nope.MapServer", "X")
    assert not calls(sandbox, "renameService")


def test_rename_dry_run_and_a_dropped_answer(sandbox, connect):
    server = connect()
    plan = server.services.rename("Maps/Roads.MapServer", "Streets", dry_run=True)
    assert plan.dry_run and "Maps/Roads.MapServer" in sandbox.site.service_refs()
    sandbox.faults.add("drop-after", match="renameService")
    done = server.services.rename("Maps/Roads.MapServer", "Streets")
    assert done.new == "Maps/Streets.MapServer"
    assert len(calls(sandbox, "renameService")) == 1
    sandbox.faults.add("drop", match="renameService")
    with pytest.raises(ConnectionFailed) as caught:
        server.services.rename("Maps/Zoning.MapServer", "Zones")
    assert "nothing was resent" in str(caught.value)
    assert "Maps/Zoning.MapServer" in sandbox.site.service_refs()


def test_progress_reaches_the_reporter(sandbox, connect, tmp_path):
    class Recorder(Reporter):
        def __init__(self):
            self.lines = []

        def progress(self, done, total, label):
            self.lines.append(label)

    reporter = Recorder()
    connect().services.delete(["Maps/Roads.MapServer"], backup_dir=str(tmp_path),
                              reporter=reporter)
    assert "backed up Maps/Roads.MapServer" in reporter.lines


def test_non_ascii_names_back_up_delete_restore_and_rename(make_sandbox, connect, tmp_path):
    sb = make_sandbox(unicode_names=True)
    server = connect(sb)
    cafe = u"Caf\u00e9"
    refs = [r for r in sb.site.service_refs() if r.startswith(cafe + u"/")]
    assert refs
    result = server.services.delete([cafe + u"/*"], backup_dir=str(tmp_path))
    assert set(r.status for r in result) == set(["ok"])
    assert os.path.isdir(os.path.join(result.backup, cafe))
    # the sandbox creates new services under the ArcObjects name rule (A-Z a-z 0-9 _ -), so
    # these come back refused, and the error names them and the server's reason intact
    with pytest.raises(BatchFailed) as caught:
        server.services.restore(result.backup)
    assert sorted(r.service for r in caught.value.result) == sorted(refs)
    assert u"illegal character" in caught.value.result.failure_text()
    sb.site.add_service(refs[0])
    renamed = server.services.rename(refs[0], "Renamed")
    assert renamed.new == cafe + u"/Renamed.MapServer"
    assert u"Caf%C3%A9/Renamed/MapServer" in renamed.url


def test_an_optional_part_the_server_refuses_is_noted_not_fatal(sandbox, connect, tmp_path):
    sandbox.faults.add("envelope", match="Roads.MapServer/iteminfo/manifest", code=500,
                       message="No manifest for this service.")
    result = connect().services.delete(["Maps/Roads.MapServer"], backup_dir=str(tmp_path))
    assert result[0].status == "ok"
    entry = index_of(result)["services"][0]
    assert entry["missing"] == {"manifest.json": "No manifest for this service."}
    assert "manifest.json" not in entry["files"]


def test_a_part_that_cannot_be_read_at_all_keeps_the_service(sandbox, connect, tmp_path):
    sandbox.faults.add("drop", match="Roads.MapServer/permissions", times=10)
    with pytest.raises(BatchFailed) as caught:
        connect().services.delete(["Maps/Roads.MapServer"], backup_dir=str(tmp_path))
    assert "backup failed" in caught.value.result[0].message
    assert "Maps/Roads.MapServer" in sandbox.site.service_refs()


@pytest.mark.parametrize("version, batches, singles", [("10.7", 0, 5), ("10.7.1", 2, 0)])
def test_delete_services_is_used_from_10_7_1(make_sandbox, connect, tmp_path, version,
                                            batches, singles):
    sb = make_sandbox(version=version)
    result = connect(sb).services.delete(["Maps/*"], backup_dir=str(tmp_path), parallel=2)
    assert [r.status for r in result] == ["ok"] * 5
    assert len(calls(sb, "deleteServices")) == batches
    assert len([r for r in sb.requests if r["path"].endswith(".MapServer/delete")]) == singles
