"""Every tool end to end, through the stand-in's full life cycle, against the sandbox over HTTP."""

import io
import json
import os

import pytest

from tests.conftest import CANARY_PASSWORD, CANARY_USER
from tests.stubs import gp
from tests.toolbox.conftest import TOOLBOX, assert_no_secret_in_files, last_run_messages, \
    write_connection

MAPS = ["Maps/Basemap.MapServer", "Maps/Hydrology.MapServer", "Maps/Parcels.MapServer",
        "Maps/Roads.MapServer", "Maps/Zoning.MapServer"]


def states(sb, refs):
    return dict((ref, sb.site.service_state(ref)[1]) for ref in refs)


def scratch():
    import arcpy
    return arcpy.env.scratchFolder


# -- Create Connection File ---------------------------------------------------------------------


def test_create_connection_file(tbx, sandbox, tmp_path, memory_keyring):
    out = os.path.join(str(tmp_path), "prod")
    result = gp.run_tool(tbx, "CreateConnectionFile", sandbox.url, out, CANARY_USER,
                         CANARY_PASSWORD)
    path = result.getOutput(0)
    assert path == out + ".agsadmin.json"
    with io.open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    assert data["server_url"] == sandbox.url and data["username"] == CANARY_USER
    assert data["auth"] == "user"
    assert memory_keyring.store == {("agsadmin:" + sandbox.admin_url.lower(), CANARY_USER):
                                    CANARY_PASSWORD}
    text = "\n".join(last_run_messages())
    assert "Signed in to %s as %s" % (sandbox.url, CANARY_USER) in text
    assert "it holds no password" in text
    assert gp.secret_leaks(CANARY_PASSWORD) == []
    assert_no_secret_in_files(CANARY_PASSWORD, str(tmp_path), scratch())
    history = gp.history()[-1]
    assert dict(history.parameters)["password"] == gp.MASK


def test_create_connection_with_a_stored_password_needs_none_typed(tbx, sandbox, tmp_path,
                                                                   memory_keyring):
    from agsadmin_core.connection import store_password
    store_password(sandbox.admin_url, CANARY_USER, CANARY_PASSWORD)
    out = os.path.join(str(tmp_path), "prod.agsadmin.json")
    gp.run_tool(tbx, "CreateConnectionFile", server_url=sandbox.url, out_connection_file=out,
                username=CANARY_USER)
    assert os.path.isfile(out)
    assert "stored in the OS keyring" not in "\n".join(last_run_messages())


def test_create_connection_with_the_environment_password(tbx, sandbox, tmp_path,
                                                         memory_keyring, monkeypatch):
    monkeypatch.setenv("AGSADMIN_PASSWORD", CANARY_PASSWORD)
    out = os.path.join(str(tmp_path), "env.agsadmin.json")
    gp.run_tool(tbx, "CreateConnectionFile", server_url=sandbox.url, out_connection_file=out,
                username=CANARY_USER)
    assert len(memory_keyring.store) == 1


class _ForgetfulKeyring(object):
    """A keyring backend that accepts a password and never gives it back (a null backend)."""

    @staticmethod
    def make():
        import keyring.backend

        class _Forgetful(keyring.backend.KeyringBackend):
            priority = 1

            def get_password(self, service, username):
                return None

            def set_password(self, service, username, password):
                pass

            def delete_password(self, service, username):
                pass

        return _Forgetful()


@pytest.fixture
def forgetful_keyring():
    import keyring
    previous = keyring.get_keyring()
    keyring.set_keyring(_ForgetfulKeyring.make())
    yield
    keyring.set_keyring(previous)


def test_a_password_the_keyring_cannot_keep_is_one_clear_error(tbx, sandbox, tmp_path,
                                                              forgetful_keyring):
    out = os.path.join(str(tmp_path), "prod.agsadmin.json")
    with pytest.raises(gp.ExecuteError):
        gp.run_tool(tbx, "CreateConnectionFile", sandbox.url, out, CANARY_USER,
                    CANARY_PASSWORD)
    errors = last_run_messages(severity=2)
    assert len(errors) == 1 and "could not be stored" in errors[0]
    # login's own advice, in the toolbox's words; not "check the password" (it was right).
    assert "leave the Password empty and keep AGSADMIN_PASSWORD set" in errors[0]
    assert "Check the user name" not in errors[0]
    assert not os.path.exists(out)


def test_with_the_environment_password_an_unusable_keyring_is_a_warning(
        tbx, sandbox, tmp_path, forgetful_keyring, monkeypatch):
    monkeypatch.setenv("AGSADMIN_PASSWORD", CANARY_PASSWORD)
    out = os.path.join(str(tmp_path), "env.agsadmin.json")
    gp.run_tool(tbx, "CreateConnectionFile", server_url=sandbox.url, out_connection_file=out,
                username=CANARY_USER)
    assert os.path.isfile(out)
    warnings = last_run_messages(severity=1)
    assert len(warnings) == 1 and warnings[0].startswith("The password was not stored")
    assert gp.secret_leaks(CANARY_PASSWORD) == []


def test_a_wrong_password_gives_one_clear_error(tbx, sandbox, tmp_path, memory_keyring):
    out = os.path.join(str(tmp_path), "prod.agsadmin.json")
    with pytest.raises(gp.ExecuteError):
        gp.run_tool(tbx, "CreateConnectionFile", sandbox.url, out, CANARY_USER, "wrong-one")
    errors = last_run_messages(severity=2)
    assert len(errors) == 1
    assert errors[0].startswith("Sign-in as '%s' failed: " % CANARY_USER)
    assert "Invalid username or password" in errors[0]
    assert "Traceback" not in errors[0] and "agsadmin login" not in errors[0]
    assert not os.path.exists(out)
    assert memory_keyring.store == {}
    assert gp.history()[-1].status == "Failed"


def test_no_password_anywhere_is_one_clear_error(tbx, sandbox, tmp_path):
    out = os.path.join(str(tmp_path), "prod.agsadmin.json")
    with pytest.raises(gp.ExecuteError):
        gp.run_tool(tbx, "CreateConnectionFile", sandbox.url, out, CANARY_USER)
    errors = last_run_messages(severity=2)
    assert len(errors) == 1 and "No password found" in errors[0]
    assert sandbox.requests == []


def test_pro_signin_connection_stores_no_password(pro, make_sandbox, tmp_path,
                                                  memory_keyring):
    import requests
    sb = make_sandbox(federated=True)
    token = requests.post(sb.portal_url + "/sharing/rest/generateToken",
                          data={"username": CANARY_USER, "password": CANARY_PASSWORD,
                                "client": "referer", "referer": sb.url, "f": "json"}).json()
    tbx = gp.load_toolbox(TOOLBOX)
    gp.sign_in({"token": token["token"], "referer": sb.url, "expires": token["expires"]},
               portal_url=sb.portal_url)
    out = os.path.join(str(tmp_path), "pro.agsadmin.json")
    gp.run_tool(tbx, "CreateConnectionFile", server_url=sb.url, out_connection_file=out,
                use_pro_signin=True)
    with io.open(out, encoding="utf-8") as handle:
        data = json.load(handle)
    assert data["auth"] == "pro-signin" and data["username"] is None
    assert memory_keyring.store == {}
    result = gp.run_tool(tbx, "ListServices", out, ["Maps/*"])
    assert result.getOutput(1) == "5"
    gp.sign_out()
    with pytest.raises(gp.ExecuteError):
        gp.run_tool(tbx, "ListServices", out, ["Maps/*"])
    assert "not signed in to a portal" in last_run_messages(severity=2)[0]
    assert_no_secret_in_files(token["token"], str(tmp_path), scratch())


# -- List Services ------------------------------------------------------------------------------


def test_list_services_writes_a_table(tbx, sandbox, conn):
    result = gp.run_tool(tbx, "ListServices", conn, ["Maps/*", "SampleWorldCities"])
    table = gp.table(result.getOutput(0))
    assert table.field_names == ["OBJECTID", "SERVICE", "FOLDER", "NAME", "TYPE",
                                 "CONFIGURED", "REALTIME"]
    rows = dict((r["SERVICE"], r) for r in table.as_dicts())
    assert sorted(rows) == sorted(MAPS + ["SampleWorldCities.MapServer"])
    assert rows["Maps/Hydrology.MapServer"]["REALTIME"] == "STOPPED"
    assert rows["Maps/Parcels.MapServer"]["CONFIGURED"] == "STARTED"
    assert rows["SampleWorldCities.MapServer"]["FOLDER"] == "/"
    assert result.getOutput(1) == "6"
    assert "6 services (5 started, 1 stopped)" in "\n".join(last_run_messages())


def test_list_services_of_a_folder_into_a_dbf_in_a_folder(tbx, sandbox, conn, tmp_path):
    result = gp.run_tool(tbx, "ListServices", conn, folder="Utilities",
                         out_table=os.path.join(str(tmp_path), "utilities"))
    assert result.getOutput(0).endswith("utilities.dbf")
    assert len(gp.table(result.getOutput(0)).rows) == 4   # named folders are listed whole


def test_list_services_warns_about_a_pattern_that_matches_nothing(tbx, conn):
    result = gp.run_tool(tbx, "ListServices", conn, ["Maps/*", "Nope/*"])
    assert result.getOutput(1) == "5"
    assert last_run_messages(severity=1) == ["No service matches 'Nope/*'."]


def test_a_dead_server_is_one_clear_error(tbx, tmp_path, memory_keyring):
    from agsadmin_core.connection import ConnectionInfo
    import socket
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()   # nothing listens there now
    path = os.path.join(str(tmp_path), "dead.agsadmin.json")
    ConnectionInfo("http://127.0.0.1:%d/arcgis" % port, username="u", timeout=2).save(path)
    from agsadmin_core.connection import store_password
    store_password("http://127.0.0.1:%d/arcgis/admin" % port, "u", "p")
    with pytest.raises(gp.ExecuteError):
        gp.run_tool(tbx, "ListServices", path)
    errors = last_run_messages(severity=2)
    assert len(errors) == 1 and "Traceback" not in errors[0]


# -- Stop Services / Start Services -------------------------------------------------------------


def test_stop_sets_outputs_and_journal(tbx, sandbox, conn):
    result = gp.run_tool(tbx, "StopServices", conn, ["Maps/*"])
    journal = os.path.join(scratch(), "agsadmin_stop.journal.json")
    assert list(result) == [journal, journal, "true"]
    params = dict((p.name, p) for p in gp.last_parameters())
    assert params["stopped"].value is True
    assert set(states(sandbox, MAPS).values()) == set(["STOPPED"])
    with io.open(journal, encoding="utf-8") as handle:
        recorded = dict((e["service"], e["state"]) for e in json.load(handle)["services"])
    assert recorded == {"Maps/Basemap.MapServer": "stopped", "Maps/Parcels.MapServer": "stopped",
                        "Maps/Roads.MapServer": "stopped", "Maps/Zoning.MapServer": "stopped"}
    text = last_run_messages()
    assert "Maps/Parcels.MapServer: stopped (STARTED -> STOPPED)" in text
    assert "Maps/Hydrology.MapServer: skipped, already stopped" in text


def test_progressor_steps_once_per_service(tbx, sandbox, conn):
    gp.run_tool(tbx, "StopServices", conn, ["Maps/*"])
    log = gp.progress_log()
    steps = [e for e in log if e[0] == "SetProgressor" and e[1] == "step"]
    assert steps and steps[-1][3:] == (0, 4, 1)
    assert len([e for e in log if e[0] == "SetProgressorPosition"]) == 4
    assert log[-1] == ("ResetProgressor",)


def test_start_by_pattern_and_folder(tbx, sandbox, conn):
    sandbox.site.set_service_state("Maps/Roads.MapServer", "STOPPED")
    result = gp.run_tool(tbx, "StartServices", conn, ["Maps/Roads.MapServer"])
    assert result.getOutput(0) == "true"
    assert sandbox.site.service_state("Maps/Roads.MapServer")[1] == "STARTED"
    result = gp.run_tool(tbx, "StartServices", conn, folder="Maps", wait_timeout=0)
    assert sandbox.site.service_state("Maps/Hydrology.MapServer")[0] == "STARTED"


def test_a_pattern_that_matches_nothing_changes_nothing(tbx, sandbox, conn):
    before = states(sandbox, MAPS)
    with pytest.raises(gp.ExecuteError):
        gp.run_tool(tbx, "StopServices", conn, ["Maps/*", "Mapz/*"])
    errors = last_run_messages(severity=2)
    assert len(errors) == 1 and "No service matches 'Mapz/*'" in errors[0]
    assert "List Services" in errors[0]
    assert states(sandbox, MAPS) == before


def test_a_failing_service_is_named_and_the_journal_says_what_to_restart(tbx, sandbox, conn,
                                                                          monkeypatch):
    from agsadmin_core import jsonfile
    reads = []
    real_read = jsonfile.read_format
    monkeypatch.setattr(jsonfile, "read_format",
                        lambda path, *a, **k: reads.append(path) or real_read(path, *a, **k))
    # Hosted services refuse stop: the batch is redone one by one, which names the failure.
    with pytest.raises(gp.ExecuteError):
        gp.run_tool(tbx, "StopServices", conn, ["Maps/Parcels.MapServer",
                                                "Hosted/Parks.FeatureServer"])
    assert not [r for r in reads if r.endswith(".journal.json")]   # described from memory
    errors = last_run_messages(severity=2)
    assert errors[0].startswith("Hosted/Parks.FeatureServer: could not be stopped: ")
    assert errors[-1] == "1 of 2 services could not be stopped (each is named above)."
    text = "\n".join(last_run_messages())
    assert "Maps/Parcels.MapServer: stopped by this journal, not restarted yet" in text
    assert "Start Services with this journal restarts exactly" in text
    assert sandbox.site.service_state("Maps/Parcels.MapServer")[1] == "STOPPED"
    journal = os.path.join(scratch(), "agsadmin_stop.journal.json")
    gp.run_tool(tbx, "StartServices", conn, journal=journal)
    assert sandbox.site.service_state("Maps/Parcels.MapServer")[1] == "STARTED"


def test_the_model_chain_restores_exactly_what_was_stopped_when_the_load_fails(
        tbx, sandbox, conn, tmp_path):
    """Stop Services -> load (fails) -> Start Services with Stop's journal, as a model does
    it: the derived outputs feed the next tools, and the journal outlives the failure."""
    import arcpy
    load = os.path.join(str(tmp_path), "Load.pyt")
    with io.open(load, "w", encoding="utf-8") as handle:
        handle.write(LOAD_PYT)
    arcpy.ImportToolbox(TOOLBOX)
    arcpy.ImportToolbox(load)
    everything = sandbox.site.service_refs()
    before = states(sandbox, everything)

    stop = arcpy.agsadmin.StopServices(conn, ["Maps/*", "Editing/*"])
    journal, stopped = stop.getOutput(1), stop.getOutput(2)
    assert stopped == "true"   # the precondition of the load
    with pytest.raises(arcpy.ExecuteError):
        arcpy.load.LoadData(journal)   # the data load fails: a model halts here
    assert states(sandbox, ["Maps/Parcels.MapServer"]) == {"Maps/Parcels.MapServer":
                                                           "STOPPED"}
    # The journal persists; Start Services with it restarts exactly those services...
    start = arcpy.agsadmin.StartServices(conn, journal=journal)
    assert start.getOutput(0) == "true"
    assert states(sandbox, everything) == before   # Hydrology stays stopped, as it was
    # ...and running it again is safe.
    arcpy.agsadmin.StartServices(conn, journal=journal)
    assert states(sandbox, everything) == before
    assert "The journal has nothing left to restart." in last_run_messages()


def test_stopping_again_with_the_journal_keeps_what_was_never_restarted(tbx, sandbox, conn):
    everything = sandbox.site.service_refs()
    before = states(sandbox, everything)
    gp.run_tool(tbx, "StopServices", conn, ["Maps/*"])
    # The load failed and the whole model is run again: Stop first, with the same journal.
    gp.run_tool(tbx, "StopServices", conn, ["Maps/*", "Editing/*"])
    journal = os.path.join(scratch(), "agsadmin_stop.journal.json")
    gp.run_tool(tbx, "StartServices", conn, journal=journal)
    assert states(sandbox, everything) == before


LOAD_PYT = u'''# -*- coding: utf-8 -*-
import arcpy


class Toolbox(object):
    def __init__(self):
        self.label = "Load"
        self.alias = "load"
        self.tools = [LoadData]


class LoadData(object):
    def __init__(self):
        self.label = "Load Data"
        self.description = "A data load that fails."
        self.category = "Load"

    def getParameterInfo(self):
        return [arcpy.Parameter(name="precondition", displayName="Precondition",
                                datatype="GPString", parameterType="Required",
                                direction="Input")]

    def execute(self, parameters, messages):
        messages.addErrorMessage("The load failed: the source is locked.")
        raise arcpy.ExecuteError
'''


# -- cancellation -------------------------------------------------------------------------------


def _journal_states(path):
    with io.open(path, encoding="utf-8") as handle:
        return dict((e["service"], e["state"]) for e in json.load(handle)["services"])


def _really_stopped(sb, refs):
    return sorted(r for r in refs if sb.site.service_state(r)[1] == "STOPPED")


def test_cancel_between_batches_leaves_a_true_journal(tbx, make_sandbox, tmp_path,
                                                      memory_keyring):
    sb = make_sandbox(services=60)   # Bulk01 has 50: two stopServices batches of 25
    conn = write_connection(os.path.join(str(tmp_path), "bulk.agsadmin.json"), sb,
                            memory_keyring)
    bulk = [r for r in sb.site.service_refs() if r.startswith("Bulk01/")]
    gp.cancel_after(3)
    result = gp.run_tool(tbx, "StopServices", conn, ["Bulk01/*"])
    assert result.status == 8   # cancelled, and the tool ended cleanly
    journal = result.getOutput(1)
    assert result.getOutput(2) == "false"
    recorded = _journal_states(journal)
    stopped = sorted(r for r, s in recorded.items() if s == "stopped")
    assert stopped == _really_stopped(sb, bulk) and len(stopped) == 25
    assert sorted(r for r, s in recorded.items() if s == "cancelled") == \
        sorted(set(bulk) - set(stopped))
    warnings = last_run_messages(severity=1)
    assert warnings and warnings[0].startswith("Cancelled: 25 of 50 services were not stopped")
    gp.run_tool(tbx, "StartServices", conn, journal=journal)
    assert _really_stopped(sb, bulk) == []


def test_cancel_between_single_services_on_an_old_server(tbx, make_sandbox, tmp_path,
                                                         memory_keyring):
    sb = make_sandbox(version="10.1")   # no stopServices: one request per service
    conn = write_connection(os.path.join(str(tmp_path), "old.agsadmin.json"), sb,
                            memory_keyring)
    gp.cancel_after(2)
    result = gp.run_tool(tbx, "StopServices", conn, ["Maps/*"])
    recorded = _journal_states(result.getOutput(1))
    stopped = sorted(r for r, s in recorded.items() if s == "stopped")
    assert len(stopped) == 2
    assert _really_stopped(sb, MAPS) == sorted(stopped + ["Maps/Hydrology.MapServer"])
    gp.run_tool(tbx, "StartServices", conn, journal=result.getOutput(1))
    assert _really_stopped(sb, MAPS) == ["Maps/Hydrology.MapServer"]


def test_cancel_in_arcmap_10_3_stops_the_script_but_the_journal_stays_true(make_sandbox,
                                                                           tmp_path,
                                                                           memory_keyring):
    sb = make_sandbox(version="10.1")
    conn = write_connection(os.path.join(str(tmp_path), "old.agsadmin.json"), sb,
                            memory_keyring)
    gp.install("arcmap103")   # no autoCancelling: a cancel ends the script at once
    try:
        tbx = gp.load_toolbox(TOOLBOX)
        gp.cancel_after(2)
        with pytest.raises(gp.ExecuteError):
            gp.run_tool(tbx, "StopServices", conn, ["Maps/*"])
        assert gp.history()[-1].status == "Cancelled"
        journal = os.path.join(scratch(), "agsadmin_stop.journal.json")
        recorded = _journal_states(journal)
        stopped = sorted(r for r, s in recorded.items() if s == "stopped")
        assert _really_stopped(sb, MAPS) == sorted(stopped + ["Maps/Hydrology.MapServer"])
        gp.run_tool(tbx, "StartServices", conn, journal=journal)
        assert _really_stopped(sb, MAPS) == ["Maps/Hydrology.MapServer"]
    finally:
        gp.uninstall()


# -- secrets ------------------------------------------------------------------------------------


def test_the_password_appears_nowhere(tbx, sandbox, tmp_path, memory_keyring):
    out = os.path.join(str(tmp_path), "site.agsadmin.json")
    results = [gp.run_tool(tbx, "CreateConnectionFile", sandbox.url, out, CANARY_USER,
                           CANARY_PASSWORD)]
    with pytest.raises(gp.ExecuteError):
        gp.run_tool(tbx, "CreateConnectionFile", sandbox.url,
                    os.path.join(str(tmp_path), "bad.agsadmin.json"), CANARY_USER,
                    CANARY_PASSWORD + "x")
    results.append(gp.run_tool(tbx, "ListServices", out))
    results.append(gp.run_tool(tbx, "StopServices", out, ["Maps/*"]))
    results.append(gp.run_tool(tbx, "StartServices", out, journal=results[-1].getOutput(1)))
    assert gp.secret_leaks(CANARY_PASSWORD) == []
    for result in results:
        assert not any(CANARY_PASSWORD in text for text in result)   # every output
    for entry in gp.history():
        assert CANARY_PASSWORD not in repr(entry.parameters)
    assert_no_secret_in_files(CANARY_PASSWORD, str(tmp_path), scratch())
    assert CANARY_PASSWORD not in json.dumps(sandbox.requests)


def test_arcmap_without_string_hidden_works_with_the_keyring_and_leaks_nothing(
        sandbox, tmp_path, memory_keyring):
    from agsadmin_core.connection import store_password
    gp.install("arcmap", arcmap_gpstringhidden=False)
    try:
        tbx = gp.load_toolbox(TOOLBOX)
        store_password(sandbox.admin_url, CANARY_USER, CANARY_PASSWORD)   # agsadmin login
        out = os.path.join(str(tmp_path), "site.agsadmin.json")
        gp.run_tool(tbx, "CreateConnectionFile", server_url=sandbox.url,
                    out_connection_file=out, username=CANARY_USER)
        gp.run_tool(tbx, "ListServices", out, ["Maps/*"])
        assert gp.secret_leaks(CANARY_PASSWORD) == []
        assert_no_secret_in_files(CANARY_PASSWORD, str(tmp_path), scratch())
    finally:
        gp.uninstall()
