"""Delete Services and Rename Service end to end (Pro and ArcMap modes), their offline dialog
rules, and the picker reading the server again after each."""

import io
import json
import os

import pytest

from tests.conftest import CANARY_PASSWORD
from tests.stubs import gp
from tests.toolbox.conftest import assert_no_secret_in_files, last_run_messages

MAPS = ["Maps/Basemap.MapServer", "Maps/Hydrology.MapServer", "Maps/Parcels.MapServer",
        "Maps/Roads.MapServer", "Maps/Zoning.MapServer"]


def _params():
    return dict((p.name, p) for p in gp.last_parameters())


def test_delete_backs_up_then_deletes_and_sets_outputs(tbx, sandbox, conn, tmp_path):
    backups = str(tmp_path / "backups")
    os.mkdir(backups)
    gp.run_tool(tbx, "DeleteServices", conn, ["Maps/*"], backup_folder=backups)
    params = _params()
    assert params["deleted"].value is True
    run_folder = params["out_backup_folder"].valueAsText
    assert os.path.dirname(run_folder) == backups
    assert not [r for r in sandbox.site.service_refs() if r.startswith("Maps/")]
    with io.open(os.path.join(run_folder, "backup.json"), encoding="utf-8") as handle:
        index = json.load(handle)
    assert [(s["service"], s["deleted"]) for s in index["services"]] == \
        [(ref, True) for ref in MAPS]
    text = "\n".join(last_run_messages())
    assert "Maps/Parcels.MapServer: deleted" in text and run_folder in text
    assert gp.secret_leaks(CANARY_PASSWORD) == []
    assert_no_secret_in_files(CANARY_PASSWORD, backups)


def test_delete_failure_names_it_and_says_where_the_backups_are(tbx, sandbox, conn, tmp_path):
    # the batch is refused, then Roads alone: Zoning is deleted singly, Roads is named
    sandbox.faults.add("envelope", match="deleteServices", message="Batch refused.")
    sandbox.faults.add("envelope", match="Roads.MapServer/delete", message="Refused here.")
    with pytest.raises(gp.ExecuteError):
        gp.run_tool(tbx, "DeleteServices", conn, ["Maps/Roads.MapServer",
                                                  "Maps/Zoning.MapServer"],
                    backup_folder=str(tmp_path), wait_timeout=0)
    errors = last_run_messages(severity=2)
    assert any("Maps/Roads.MapServer" in e and "Refused here." in e for e in errors)
    text = "\n".join(last_run_messages())
    assert "The backups of every deleted service are in %s" % str(tmp_path) in text
    params = _params()
    assert params["deleted"].value is False
    assert os.path.dirname(params["out_backup_folder"].valueAsText) == str(tmp_path)
    assert "Maps/Roads.MapServer" in sandbox.site.service_refs()
    assert "Maps/Zoning.MapServer" not in sandbox.site.service_refs()


def test_a_protected_service_is_refused_in_the_toolbox_words(tbx, sandbox, conn, tmp_path):
    backups = str(tmp_path / "backups")
    os.mkdir(backups)
    with pytest.raises(gp.ExecuteError):
        gp.run_tool(tbx, "DeleteServices", conn, ["Hosted/*"], backup_folder=backups)
    errors = last_run_messages(severity=2)
    assert len(errors) == 1 and "check Force Protected" in errors[0]
    assert "--force-protected" not in errors[0]
    assert "Hosted/Parks.FeatureServer" in sandbox.site.service_refs()
    assert os.listdir(backups) == []
    gp.run_tool(tbx, "DeleteServices", conn, ["Hosted/Parks.FeatureServer"],
                backup_folder=backups, force_protected=True)
    assert "Hosted/Parks.FeatureServer" not in sandbox.site.service_refs()


def test_rename_gives_the_new_url_and_keeps_it_running(tbx, sandbox, conn):
    result = gp.run_tool(tbx, "RenameService", conn, "Maps/Parcels.MapServer", "Parcels2026")
    url = sandbox.url + "/rest/services/Maps/Parcels2026/MapServer"
    assert result.getOutput(0) == url
    assert sandbox.site.service_state("Maps/Parcels2026.MapServer") == ("STARTED", "STARTED")
    assert "Renamed Maps/Parcels.MapServer to Maps/Parcels2026.MapServer" in \
        "\n".join(last_run_messages())


def test_rename_to_a_taken_name_is_one_error_and_changes_nothing(tbx, sandbox, conn):
    with pytest.raises(gp.ExecuteError):
        gp.run_tool(tbx, "RenameService", conn, "Maps/Parcels.MapServer", "Roads")
    errors = last_run_messages(severity=2)
    assert len(errors) == 1 and "already exists" in errors[0]
    assert "List Services" in errors[0]
    assert "Maps/Parcels.MapServer" in sandbox.site.service_refs()


def test_the_picker_reads_the_server_again_after_a_delete_and_a_rename(tbx, sandbox, conn,
                                                                      tmp_path, fresh_picker):
    params = gp.validate(tbx, "StopServices", edits=[("connection_file", conn)])
    assert "Maps/Roads.MapServer" in params.get("services").filter.list
    gp.run_tool(tbx, "DeleteServices", conn, ["Maps/Roads.MapServer"],
                backup_folder=str(tmp_path))
    assert fresh_picker.cached_catalog(conn) is None
    params = gp.validate(tbx, "StopServices", edits=[("connection_file", conn)])
    assert "Maps/Roads.MapServer" not in params.get("services").filter.list
    gp.run_tool(tbx, "RenameService", conn, "Maps/Zoning.MapServer", "Zones")
    params = gp.validate(tbx, "RenameService", edits=[("connection_file", conn)])
    choices = params.get("service").filter.list
    assert "Maps/Zones.MapServer" in choices and "Maps/Zoning.MapServer" not in choices


@pytest.mark.parametrize("service, new_name, where, words", [
    ("Maps/*", "X", "service", "not a pattern"),
    ("Maps/Parcels.MapServer", "Bad Name", "new_name", "characters"),
    ("Maps/Parcels.MapServer", "Other/Parcels", "new_name", "another folder"),
    ("Maps/Parcels.MapServer", "Parcels.FeatureServer", "new_name", "type"),
])
def test_rename_dialog_rules_are_offline(tbx, offline_conn, no_network, service, new_name,
                                         where, words):
    params = gp.validate(tbx, "RenameService", edits=[("service", service),
                                                      ("connection_file", offline_conn),
                                                      ("new_name", new_name)])
    param = params.get(where)
    assert param.hasError() and words in param.message
    assert no_network == []


def test_delete_dialog_needs_a_selection(tbx, offline_conn, tmp_path, no_network):
    params = gp.validate(tbx, "DeleteServices", edits=[("folder", ""),
                                                       ("connection_file", offline_conn),
                                                       ("backup_folder", str(tmp_path))])
    assert params.get("services").hasError()
    assert "Name the services to delete" in params.get("services").message
