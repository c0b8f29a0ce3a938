"""Fixtures for the AGSAdmin.pyt tests: the arcpy stand-in per mode, the loaded toolbox, a
connection file for the sandbox, and guards that prove validation stays off the network."""

import io
import os
import socket
import sys

import pytest

from tests.conftest import CANARY_PASSWORD, CANARY_USER, ROOT
from tests.stubs import gp

TOOLBOX = os.path.join(ROOT, "AGSAdmin.pyt")
TOOLS = ["CreateConnectionFile", "ListServices", "StopServices", "StartServices",
         "DeleteServices", "RenameService", "ExportSite", "ImportSite",
         "PublishServiceDefinition", "QueryLogs"]

# ArcMap mode on every interpreter, since only a real 2.7 catches py3-only syntax in the .pyt
# and ArcMap is where the toolbox meets 2.7; Pro mode wherever there is a Python 3.
MODES = ["arcmap"] if sys.version_info[0] == 2 else ["pro", "arcmap"]


@pytest.fixture(params=MODES)
def mode(request):
    gp.install(request.param)
    yield request.param
    gp.uninstall()


@pytest.fixture
def pro():
    gp.install("pro")
    yield "pro"
    gp.uninstall()


@pytest.fixture
def tbx(mode):
    return gp.load_toolbox(TOOLBOX)


@pytest.fixture(autouse=True)
def fresh_picker():
    """Every test starts with an empty service-picker cache and the real timeout."""
    from agsadmin_core.gp import picker
    timeout = picker.PICKER_TIMEOUT
    picker.clear_catalogs()
    yield picker
    picker.PICKER_TIMEOUT = timeout
    picker.clear_catalogs()


def write_connection(path, sb, keyring_backend, user=CANARY_USER, password=CANARY_PASSWORD,
                     **options):
    """A connection file for ``sb`` and its password in the (in-memory) keyring."""
    from agsadmin_core.connection import ConnectionInfo, store_password
    info = ConnectionInfo(sb.url, username=user, **options)
    info.save(path)
    if password is not None:
        store_password(info.urls.admin, user, password)
    return path


@pytest.fixture
def conn(sandbox, tmp_path, memory_keyring):
    """A connection file for the default sandbox, as the canary user."""
    return write_connection(os.path.join(str(tmp_path), "site.agsadmin.json"), sandbox,
                            memory_keyring)


def closed_port():
    """A loopback port nothing listens on: connecting there is refused at once."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


@pytest.fixture
def offline_conn(tmp_path):
    """A valid connection file for validation tests, with no server behind it.

    It names a closed loopback port, so a picker that tried to list services would fail at
    once (and a test that needs a server says so by asking for ``conn``).
    """
    from agsadmin_core.connection import ConnectionInfo
    path = os.path.join(str(tmp_path), "offline.agsadmin.json")
    ConnectionInfo("http://127.0.0.1:%d/arcgis" % closed_port(), username=CANARY_USER,
                   timeout=2).save(path)
    return path


def user_messages(severity=None):
    """The toolbox's own messages (not the framework's), optionally of one severity."""
    return [m.text for m in gp.messages(framework=False)
            if severity is None or m.severity == severity]


def last_run_messages(severity=None):
    entry = gp.history()[-1]
    return [m.text for m in entry.messages
            if not m.framework and (severity is None or m.severity == severity)]


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a socket connection fails the test loudly."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError("validation opened a network connection: %r" % (args,))

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def files_under(*folders):
    for folder in folders:
        for base, _, names in os.walk(folder):
            for name in names:
                yield os.path.join(base, name)


def assert_no_secret_in_files(secret, *folders):
    needle = secret.encode("utf-8")
    for path in files_under(*folders):
        with io.open(path, "rb") as handle:
            assert needle not in handle.read(), path
