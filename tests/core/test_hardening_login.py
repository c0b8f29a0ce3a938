# -*- coding: utf-8 -*-
"""Issue 8 item 10, and the CLI's view of non-ASCII sites: ``login --save`` where no keyring
works, and a listing of a site with non-ASCII names, over real HTTP, on 2.7 and 3."""

import json
import os

import keyring
import keyring.backend
import pytest

from tests.conftest import CANARY_PASSWORD, CANARY_USER
from tests.core.test_cli import run


class Broken(keyring.backend.KeyringBackend):
    """A machine with no keyring: every write is refused (keyring's fail backend)."""

    priority = 1

    def get_password(self, service, username):
        return None

    def set_password(self, service, username, password):
        raise keyring.errors.PasswordSetError("No recommended backend was available.")

    def delete_password(self, service, username):
        raise keyring.errors.PasswordDeleteError("No recommended backend was available.")


class Forgetful(Broken):
    """A null backend: accepts the password and forgets it."""

    def set_password(self, service, username, password):
        pass


@pytest.fixture(params=[Broken, Forgetful])
def headless(request):
    previous = keyring.get_keyring()
    keyring.set_keyring(request.param())
    yield request.param
    keyring.set_keyring(previous)


def test_login_save_works_headless_with_the_variable_set(sandbox, headless, monkeypatch,
                                                          tmp_path):
    monkeypatch.setenv("AGSADMIN_PASSWORD", CANARY_PASSWORD)
    path = str(tmp_path / "prod.agsadmin.json")
    result = run("--server", sandbox.url, "--user", CANARY_USER, "login", "--save", path)
    assert result.code == 0, result.err
    assert os.path.isfile(path) and CANARY_PASSWORD not in open(path).read()
    assert "Password stored" not in result.out       # nothing was stored: never say so
    assert "not stored" in result.err and "AGSADMIN_PASSWORD" in result.err
    assert CANARY_PASSWORD not in result.out + result.err
    data = json.loads(run("--server", sandbox.url, "--user", CANARY_USER, "--json",
                          "login").out)
    assert data["stored_in_keyring"] is False and data["not_stored"]


def test_login_no_keyring_saves_the_file_without_touching_the_keyring(sandbox, headless,
                                                                      monkeypatch, tmp_path):
    monkeypatch.setenv("AGSADMIN_PASSWORD", CANARY_PASSWORD)
    path = str(tmp_path / "prod.agsadmin.json")
    result = run("--server", sandbox.url, "--user", CANARY_USER, "login", "--no-keyring",
                 "--save", path)
    assert result.code == 0 and os.path.isfile(path) and result.err == ""


def test_a_wrong_password_is_still_exit_3_headless(sandbox, headless, monkeypatch, tmp_path):
    monkeypatch.setenv("AGSADMIN_PASSWORD", "wrong")
    path = str(tmp_path / "prod.agsadmin.json")
    result = run("--server", sandbox.url, "--user", CANARY_USER, "login", "--save", path)
    assert result.code == 3 and not os.path.exists(path)


def test_login_from_a_password_that_cannot_be_stored_says_what_works(sandbox, headless,
                                                                     monkeypatch):
    """The password came from elsewhere (a prompt): storing it is the point of login, so a
    keyring that cannot keep it is an error, and the hint names what works instead."""
    from agsadmin_core import AuthenticationFailed
    from agsadmin_core.connect import login
    from agsadmin_core.connection import ConnectionInfo
    info = ConnectionInfo(sandbox.url, username=CANARY_USER)
    with pytest.raises(AuthenticationFailed) as raised:
        login(info, password=CANARY_PASSWORD)
    text = str(raised.value)
    assert "password is right" in text and "--no-keyring" in text
    assert CANARY_PASSWORD not in text


def test_the_cli_lists_and_stops_non_ascii_services(make_sandbox, monkeypatch, tmp_path):
    sb = make_sandbox(unicode_names=True)
    monkeypatch.setenv("AGSADMIN_PASSWORD", CANARY_PASSWORD)
    site = ["--server", sb.url, "--user", CANARY_USER]
    listing = run(*(site + ["services", u"Caf\u00e9/*"]))
    assert listing.code == 0, listing.err
    assert u"\u65e5\u672c" in listing.out and u"Stra\u00dfen" in listing.out
    journal = str(tmp_path / "j.json")
    assert run(*(site + ["stop", u"Caf\u00e9/*", "--journal", journal])).code == 0
    started = run(*(site + ["--json", "start", "--journal", journal]))
    assert started.code == 0, started.err
    names = [r["service"] for r in json.loads(started.out)["results"]]
    assert u"Caf\u00e9/\u65e5\u672c.MapServer" in names


@pytest.mark.parametrize("lang", ["C", "C.UTF-8"])
def test_non_ascii_names_through_a_pipe_in_a_real_process(make_sandbox, lang):
    """sys.stdout of 2.7 is ASCII when it is a pipe, and 3.6 in a C locale too: the names
    must still come through (as UTF-8 or escaped), with no traceback."""
    import subprocess
    import sys
    from tests.conftest import ROOT
    sb = make_sandbox(unicode_names=True)
    env = dict(os.environ, AGSADMIN_PASSWORD=CANARY_PASSWORD, LANG=lang, LC_ALL=lang)
    env.pop("PYTHONIOENCODING", None)
    child = subprocess.Popen([sys.executable, "-m", "agsadmin_core", "--server", sb.url,
                              "--user", CANARY_USER, "services", u"Caf\u00e9/*".encode("utf-8")
                              if str is bytes else u"Caf\u00e9/*", "Nope/*"],
                             cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    out, err = child.communicate()
    assert child.returncode == 0, err.decode("utf-8", "replace")
    assert b"Traceback" not in err and b"No service matches" in err
    text = out.decode("utf-8", "replace")
    assert u"Stra\u00dfen" in text or u"Stra\\xdfen" in text
