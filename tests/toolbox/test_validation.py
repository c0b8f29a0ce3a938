"""Validation is offline, fast and idempotent, and says what is wrong on the right parameter."""

import io
import json
import os

import pytest

from tests.conftest import CANARY_PASSWORD, CANARY_USER
from tests.stubs import gp
from tests.toolbox.conftest import TOOLBOX, TOOLS, write_connection


def _severity(params, name):
    return params.messages()[name][0]


def _text(params, name):
    return params.messages()[name][1]


def test_opening_every_dialog_is_offline(tbx, no_network):
    # no_network fails the test on any connection attempt (speed: benchmarks/toolbox_load.py).
    for tool in TOOLS:
        params = gp.validate(tbx, tool)
        # An empty dialog: only the framework's "value is required", nothing of ours.
        said = [text for _, text in params.messages().values() if text]
        assert said and all(t.startswith("ERROR 000735") for t in said), (tool, said)
    assert no_network == []


def test_validating_values_is_offline(tbx, offline_conn, tmp_path, no_network):
    journal = os.path.join(str(tmp_path), "j.json")
    sd_file = os.path.join(str(tmp_path), "Parcels.sd")
    with io.open(sd_file, "wb") as handle:
        handle.write(b"7z")
    backup = os.path.join(str(tmp_path), "site.agssite")
    io.open(backup, "wb").write(b"PK")
    conn = offline_conn
    edits = {
        "CreateConnectionFile": [("server_url", "https://gis.example.com:6443/arcgis"),
                                 ("out_connection_file", os.path.join(str(tmp_path), "new")),
                                 ("username", CANARY_USER), ("password", CANARY_PASSWORD)],
        "ListServices": [("connection_file", conn), ("services", ["Maps/*"])],
        # services given first: a dialog with a selection never fetches a picker list
        "StopServices": [("services", ["Maps/*"]), ("connection_file", conn),
                         ("journal", journal)],
        "StartServices": [("folder", "Maps"), ("connection_file", conn)],
        "DeleteServices": [("services", ["Maps/Old*"]), ("connection_file", conn),
                           ("backup_folder", str(tmp_path))],
        "RenameService": [("service", "Maps/Parcels.MapServer"), ("connection_file", conn),
                          ("new_name", "Parcels2026")],
        "PublishServiceDefinition": [("connection_file", conn), ("sd_file", sd_file),
                                     ("folder", "Maps"), ("overwrite", True)],
        "ExportSite": [("connection_file", conn),
                       ("out_backup", os.path.join(str(tmp_path), "new"))],
        "ImportSite": [("connection_file", conn), ("backup_file", backup),
                       ("backup_folder", str(tmp_path))],
        "QueryLogs": [("services", ["Maps/*"]), ("connection_file", conn), ("since", "7d"),
                      ("until", "2026-11-30T08:00Z"), ("codes", ["9003", "6500-7000"]),
                      ("limit", 100), ("out_table", os.path.join(str(tmp_path), "t.dbf"))],
    }
    for tool in TOOLS:
        params = gp.validate(tbx, tool, edits=edits[tool])
        assert not any(p.hasError() for p in params), (tool, params.messages())
    assert no_network == []


# -- connection files --------------------------------------------------------------------------


def test_a_file_that_is_not_a_connection_file(tbx, tmp_path):
    path = os.path.join(str(tmp_path), "other.json")
    with io.open(path, "w", encoding="utf-8") as handle:
        handle.write(u'{"hello": 1}')
    params = gp.validate(tbx, "ListServices", edits=[("connection_file", path)])
    assert _severity(params, "connection_file") == 2
    assert "not an AGSAdmin connection file" in _text(params, "connection_file")


def test_a_connection_file_holding_a_secret_is_refused_without_echoing_it(tbx, tmp_path,
                                                                          sandbox):
    path = os.path.join(str(tmp_path), "bad.agsadmin.json")
    data = {"format": "agsadmin-connection", "version": 1, "server_url": sandbox.url,
            "username": CANARY_USER, "password": CANARY_PASSWORD}
    with io.open(path, "w", encoding="utf-8") as handle:
        handle.write(u"%s" % json.dumps(data))
    params = gp.validate(tbx, "StopServices", edits=[("connection_file", path)])
    assert _severity(params, "connection_file") == 2
    assert "holds a secret (password)" in _text(params, "connection_file")
    assert CANARY_PASSWORD not in _text(params, "connection_file")


def test_a_missing_connection_file_is_the_frameworks_error(tbx, tmp_path):
    params = gp.validate(tbx, "StopServices",
                         edits=[("connection_file", os.path.join(str(tmp_path), "x.json"))])
    assert "000732" in _text(params, "connection_file")


def test_a_pro_signin_connection_is_refused_in_arcmap(tmp_path, sandbox):
    from agsadmin_core.connection import ConnectionInfo
    path = os.path.join(str(tmp_path), "pro.agsadmin.json")
    ConnectionInfo(sandbox.url, auth="pro-signin").save(path)
    gp.install("arcmap")
    try:
        tbx = gp.load_toolbox(TOOLBOX)
        params = gp.validate(tbx, "ListServices", edits=[("connection_file", path)])
        assert _severity(params, "connection_file") == 2
        assert "only in ArcGIS Pro" in _text(params, "connection_file")
    finally:
        gp.uninstall()


# -- services, folders, journals ---------------------------------------------------------------


def test_a_malformed_pattern_is_an_error(tbx, offline_conn):
    params = gp.validate(tbx, "StopServices", edits=[("services", ["a/b/c"]),
                                                     ("connection_file", offline_conn)])
    assert _severity(params, "services") == 2
    assert "'a/b/c'" in _text(params, "services")


def test_stop_needs_services_or_a_folder(tbx, offline_conn):
    params = gp.validate(tbx, "StopServices", edits=[("folder", "Maps"),
                                                     ("connection_file", offline_conn)])
    assert _severity(params, "services") == 0
    params = gp.validate(tbx, "StopServices", edits=[("folder", "Maps"), ("folder", ""),
                                                     ("connection_file", offline_conn)])
    assert _severity(params, "services") == 2
    assert "Name the services to stop" in _text(params, "services")


def test_stop_journal_defaults_to_the_scratch_folder_and_feeds_the_derived_output(tbx):
    import arcpy
    params = gp.validate(tbx, "StopServices")
    expected = os.path.join(arcpy.env.scratchFolder, "agsadmin_stop.journal.json")
    assert params.get("journal").valueAsText == expected
    assert params.get("out_journal").valueAsText == expected
    mine = os.path.join(arcpy.env.scratchFolder, "nightly.json")
    params = gp.validate(tbx, "StopServices", edits=[("journal", mine)])
    assert params.get("out_journal").valueAsText == mine


def _journal(path, site, states):
    data = {"format": "agsadmin-journal", "version": 1, "site": site, "services": [
        {"service": name, "before": "STARTED", "state": state} for name, state in states]}
    with io.open(path, "w", encoding="utf-8") as handle:
        handle.write(u"%s" % json.dumps(data))
    return path


def test_an_existing_journal_is_reused_not_refused(tbx, conn, sandbox, tmp_path):
    path = _journal(os.path.join(str(tmp_path), "j.json"), sandbox.url,
                    [("Maps/Roads.MapServer", "stopped"), ("Maps/Zoning.MapServer",
                                                           "restarted")])
    params = gp.validate(tbx, "StopServices", edits=[("connection_file", conn),
                                                     ("services", ["Maps/*"]),
                                                     ("journal", path)])
    # not "ERROR 000258 already exists": the journal keeps what was never restarted
    assert _severity(params, "journal") == 1
    assert "still lists 1 service that was never restarted" in _text(params, "journal")


def test_an_existing_file_that_is_not_a_journal_is_an_error(tbx, offline_conn, tmp_path):
    path = os.path.join(str(tmp_path), "notes.json")
    with io.open(path, "w", encoding="utf-8") as handle:
        handle.write(u"[]")
    params = gp.validate(tbx, "StopServices", edits=[("connection_file", offline_conn),
                                                     ("services", ["Maps/*"]),
                                                     ("journal", path)])
    assert _severity(params, "journal") == 2
    assert "not an AGSAdmin journal" in _text(params, "journal")


def test_start_takes_services_or_a_journal_not_both(tbx, conn, sandbox, tmp_path):
    path = _journal(os.path.join(str(tmp_path), "j.json"), sandbox.url,
                    [("Maps/Roads.MapServer", "stopped")])
    both = gp.validate(tbx, "StartServices", edits=[("connection_file", conn),
                                                    ("services", ["Maps/*"]),
                                                    ("journal", path)])
    assert _severity(both, "journal") == 2 and "not both" in _text(both, "journal")
    neither = gp.validate(tbx, "StartServices", edits=[("folder", "Maps"), ("folder", ""),
                                                       ("connection_file", conn)])
    assert _severity(neither, "services") == 2
    journal_only = gp.validate(tbx, "StartServices", edits=[("connection_file", conn),
                                                            ("journal", path)])
    assert not any(p.hasError() for p in journal_only)


def test_start_journal_of_another_site_is_an_error(tbx, offline_conn, tmp_path):
    path = _journal(os.path.join(str(tmp_path), "j.json"), "https://other.example.com/arcgis",
                    [("Maps/Roads.MapServer", "stopped")])
    params = gp.validate(tbx, "StartServices", edits=[("connection_file", offline_conn),
                                                      ("journal", path)])
    assert _severity(params, "journal") == 2
    assert "belongs to https://other.example.com/arcgis" in _text(params, "journal")


def test_start_journal_from_an_upstream_model_process_need_not_exist_yet(tbx, offline_conn,
                                                                          tmp_path):
    # In a model the journal is Stop Services' derived output: a path, no file yet.
    future = os.path.join(str(tmp_path), "not-yet.json")
    params = gp.validate(tbx, "StartServices", edits=[("connection_file", offline_conn),
                                                      ("journal", future)],
                         derived=["journal"])
    assert not any(p.hasError() for p in params), params.messages()


# -- Create Connection File -------------------------------------------------------------------


def test_connection_output_gets_its_suffix(tbx, tmp_path):
    bare = os.path.join(str(tmp_path), "prod")
    params = gp.validate(tbx, "CreateConnectionFile", edits=[("out_connection_file", bare)])
    assert params.get("out_connection_file").valueAsText == bare + ".agsadmin.json"


def test_connection_url_and_option_checks(tbx, tmp_path):
    out = os.path.join(str(tmp_path), "x.agsadmin.json")
    bad = gp.validate(tbx, "CreateConnectionFile", edits=[("server_url", "ftp://host"),
                                                          ("out_connection_file", out)])
    assert _severity(bad, "server_url") == 2
    assert _severity(bad, "username") == 2   # a user or the Pro sign-in is needed
    plain = gp.validate(tbx, "CreateConnectionFile",
                        edits=[("server_url", "http://gis.example.com:6080/arcgis"),
                               ("username", "admin"), ("out_connection_file", out)])
    assert _severity(plain, "server_url") == 2
    assert "plain http" in _text(plain, "server_url")
    assert "--allow-http" not in _text(plain, "server_url")   # toolbox words, not CLI ones
    allowed = gp.validate(tbx, "CreateConnectionFile",
                          edits=[("server_url", "http://gis.example.com:6080/arcgis"),
                                 ("username", "admin"), ("allow_http", True),
                                 ("out_connection_file", out)])
    assert _severity(allowed, "server_url") == 0
    clash = gp.validate(tbx, "CreateConnectionFile",
                        edits=[("server_url", "https://gis.example.com/arcgis"),
                               ("username", "admin"), ("ca_bundle", __file__),
                               ("skip_verification", True), ("out_connection_file", out)])
    assert _severity(clash, "skip_verification") == 2
    skip = gp.validate(tbx, "CreateConnectionFile",
                       edits=[("server_url", "https://gis.example.com/arcgis"),
                              ("username", "admin"), ("skip_verification", True),
                              ("out_connection_file", out)])
    assert _severity(skip, "skip_verification") == 1


def test_pro_signin_hides_user_and_password_in_pro(pro, tmp_path):
    tbx = gp.load_toolbox(TOOLBOX)
    params = gp.validate(tbx, "CreateConnectionFile",
                         edits=[("server_url", "https://gis.example.com/arcgis"),
                                ("use_pro_signin", True)])
    assert params.get("use_pro_signin").enabled is True
    assert params.get("username").enabled is False
    assert params.get("password").enabled is False
    assert _severity(params, "username") == 0


def test_pro_signin_is_greyed_out_and_refused_in_arcmap():
    gp.install("arcmap")
    try:
        tbx = gp.load_toolbox(TOOLBOX)
        params = gp.validate(tbx, "CreateConnectionFile",
                             edits=[("server_url", "https://gis.example.com/arcgis"),
                                    ("use_pro_signin", True)])
        assert params.get("use_pro_signin").enabled is False
        assert _severity(params, "use_pro_signin") == 2
    finally:
        gp.uninstall()


def test_arcmap_without_string_hidden_warns_about_a_typed_password(tmp_path):
    gp.install("arcmap", arcmap_gpstringhidden=False)
    try:
        tbx = gp.load_toolbox(TOOLBOX)
        params = gp.validate(tbx, "CreateConnectionFile",
                             edits=[("server_url", "https://gis.example.com/arcgis"),
                                    ("username", "admin"), ("password", "x")])
        assert params.get("password").datatype == "GPEncryptedString"
        assert _severity(params, "password") == 1
        assert "AGSADMIN_PASSWORD" in _text(params, "password")
    finally:
        gp.uninstall()


# -- List Services ------------------------------------------------------------------------------


def test_list_output_defaults_to_a_new_table_in_the_scratch_gdb(tbx, offline_conn):
    import arcpy
    params = gp.validate(tbx, "ListServices", edits=[("connection_file", offline_conn)])
    first = params.get("out_table").valueAsText
    assert first == os.path.join(arcpy.env.scratchGDB, "agsadmin_services")
    arcpy.management.CreateTable(arcpy.env.scratchGDB, "agsadmin_services")
    again = gp.validate(tbx, "ListServices", edits=[("connection_file", offline_conn)])
    assert again.get("out_table").valueAsText != first
    assert not again.get("out_table").hasError()


@pytest.mark.parametrize("path, expected", [
    ("C:\\data\\x.gdb\\services", ("C:\\data\\x.gdb", "services")),
    ("/data/out/services", ("/data/out", "services.dbf")),
    ("/data/out/services.dbf", ("/data/out", "services.dbf")),
    ("memory\\services", ("memory", "services")),
    ("in_memory/services", ("in_memory", "services")),
])
def test_table_paths(path, expected):
    from agsadmin_core.gp.tables import split_table_path
    assert tuple(split_table_path(path))[:2] == expected


def test_connection_written_by_the_test_helper_is_valid(tbx, sandbox, tmp_path,
                                                        memory_keyring):
    path = write_connection(os.path.join(str(tmp_path), "c.agsadmin.json"), sandbox,
                            memory_keyring)
    params = gp.validate(tbx, "ListServices", edits=[("connection_file", path)])
    assert not any(p.hasError() for p in params)
