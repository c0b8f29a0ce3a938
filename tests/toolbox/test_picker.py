"""The service picker: a list from the server, fetched once, that never blocks a dialog."""

import os
import socket
import threading
import time

import pytest

from tests.stubs import gp
from tests.toolbox.conftest import write_connection


def _listing_requests(sb):
    return [r for r in sb.requests if r["path"] != "/arcgis/admin/generateToken"]


class _RecordedEvent(object):
    """A catalog's ``done`` event that records each wait: (timeout, whether it was set)."""

    def __init__(self, waits):
        self._event = threading.Event()
        self._waits = waits

    def wait(self, timeout=None):
        done = self._event.wait(timeout)
        self._waits.append((timeout, done))
        return done

    def set(self):
        self._event.set()


@pytest.fixture
def waits(monkeypatch, fresh_picker):
    """Every time a validation waited for the picker's list: ``(timeout, list arrived)``.

    Behaviour, not timing: a dialog is held only while the picker waits, so counting the
    waits and their limits shows how long it can be held.
    """
    recorded = []
    original = fresh_picker.Catalog.__init__

    def init(self):
        original(self)
        self.done = _RecordedEvent(recorded)

    monkeypatch.setattr(fresh_picker.Catalog, "__init__", init)
    return recorded


def test_the_list_is_fetched_once_per_connection_file(tbx, sandbox, conn):
    params = gp.validate(tbx, "StopServices", edits=[("connection_file", conn)])
    choices = params.get("services").filter.list
    assert choices[0] == "*"
    assert "Maps/*" in choices and "Utilities/*" in choices and "*.MapServer" in choices
    assert "Maps/Parcels.MapServer" in choices and "Utilities/Geometry.GeometryServer" in \
        choices
    assert "Maps" in params.get("folder").filter.list
    fetched = len(sandbox.requests)
    assert fetched > 0
    # One root listing: the inventory reads it once, then one report per folder.
    assert [r["path"] for r in sandbox.requests].count("/arcgis/admin/services") == 1
    # A new dialog (a new tool object, as ArcGIS makes one each time) and another tool: the
    # cache is module-level, so no request at all.
    again = gp.validate(tbx, "StartServices", edits=[("connection_file", conn)])
    assert again.get("services").filter.list == choices
    assert len(sandbox.requests) == fetched
    # A changed connection file (new mtime) is listed afresh.
    later = time.time() + 5
    os.utime(conn, (later, later))
    gp.validate(tbx, "StopServices", edits=[("connection_file", conn)])
    assert len(sandbox.requests) > fetched


def test_picked_and_typed_values_are_both_valid(tbx, sandbox, conn):
    params = gp.validate(tbx, "StopServices",
                         edits=[("connection_file", conn),
                                ("services", ["Maps/Parcels.MapServer", "*.GPServer",
                                              "Tools/Extract*"])])
    services = params.get("services")
    assert not services.hasError(), services.message
    assert services.filter.list[-1] == "Tools/Extract*"   # typed patterns join the list


def test_a_folder_picked_from_the_list(tbx, sandbox, conn):
    params = gp.validate(tbx, "StopServices", edits=[("connection_file", conn),
                                                     ("folder", "Maps")])
    assert not params.get("folder").hasError()


def test_a_script_or_model_that_names_services_never_fetches(tbx, sandbox, conn, fresh_picker):
    gp.run_tool(tbx, "StopServices", conn, ["Maps/Roads.MapServer"])
    gp.run_tool(tbx, "StartServices", conn, folder="Maps")
    assert fresh_picker.cached_catalog(conn) is None


def _closed_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def _connection_to(url, tmp_path, name, memory_keyring):
    from agsadmin_core.connection import ConnectionInfo, store_password
    path = os.path.join(str(tmp_path), name)
    info = ConnectionInfo(url, username="u")
    info.save(path)
    store_password(info.urls.admin, "u", "p")
    return path


def test_a_dead_server_does_not_block_the_dialog(tbx, tmp_path, memory_keyring, waits):
    path = _connection_to("http://127.0.0.1:%d/arcgis" % _closed_port(), tmp_path,
                          "dead.agsadmin.json", memory_keyring)
    params = gp.validate(tbx, "StopServices", edits=[("connection_file", path),
                                                     ("services", []),
                                                     ("journal", os.path.join(
                                                         str(tmp_path), "j.json"))])
    # One wait, ended by the refused connection, not by the 5 s limit.
    assert waits == [(5.0, True)]
    services = params.get("services")
    # Nothing is selected yet, so the "name the services" error carries the picker's news.
    assert services.message.startswith("Name the services to stop")
    assert "could not be read" in services.message and "type names" in services.message
    assert services.filter.list == []   # free text: names and patterns can be typed
    # The dialog keeps working: later passes never wait, and other checks still run.
    params = gp.validate(tbx, "StopServices", edits=[("connection_file", path),
                                                     ("services", ["a/b/c"])])
    assert waits == [(5.0, True)]
    assert params.get("services").hasError()


class _Blackhole(object):
    """A server that accepts connections and never answers, like a hung host."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(50)
        self.url = "http://127.0.0.1:%d/arcgis" % self.sock.getsockname()[1]
        self.held = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept)
        self._thread.daemon = True
        self._thread.start()

    def _accept(self):
        self.sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
                self.held.append(conn)
            except socket.timeout:
                continue
            except socket.error:
                return

    def close(self):
        self._stop.set()
        self._thread.join(2)
        for conn in self.held:
            conn.close()
        self.sock.close()


def test_a_hung_server_holds_the_dialog_at_most_the_timeout_once(tbx, tmp_path,
                                                                 memory_keyring,
                                                                 fresh_picker, waits):
    fresh_picker.PICKER_TIMEOUT = 0.5   # the real one is 5 s; the behaviour is the same
    server = _Blackhole()
    try:
        path = _connection_to(server.url, tmp_path, "hung.agsadmin.json", memory_keyring)
        params = gp.validate(tbx, "StopServices", edits=[("connection_file", path)],
                             passes=0, check_idempotent=False)
        assert waits == [(0.5, False)]   # held once, for the limit, and the list never came
        assert "did not send its list of services within 0.5 s" in \
            params.get("services").message
        gp.validate(tbx, "StopServices", edits=[("connection_file", path)], passes=2,
                    check_idempotent=False)
        gp.validate(tbx, "StartServices", edits=[("connection_file", path)], passes=2,
                    check_idempotent=False)
        assert waits == [(0.5, False)]   # never waits a second time
    finally:
        server.close()


def test_a_late_list_appears_at_the_next_validation(tbx, make_sandbox, tmp_path,
                                                    memory_keyring, fresh_picker):
    fresh_picker.PICKER_TIMEOUT = 0.1
    sb = make_sandbox(op_latency_ms={"generateToken": 300})   # slower than the picker waits
    path = write_connection(os.path.join(str(tmp_path), "slow.agsadmin.json"), sb,
                            memory_keyring)
    first = gp.validate(tbx, "StopServices", edits=[("connection_file", path)], passes=0,
                        check_idempotent=False)
    assert first.get("services").filter.list == []
    assert fresh_picker.cached_catalog(path).done.wait(5)
    later = gp.validate(tbx, "StopServices", edits=[("connection_file", path)])
    assert "Maps/Parcels.MapServer" in later.get("services").filter.list
    assert not later.get("services").hasWarning()
