# -*- coding: utf-8 -*-
"""Generated garbage for every option of every command: exit 2, one clear line, no traceback,
nothing changed on the site (issue 8, "Bad values give tracebacks or hangs")."""

import random

import pytest

from agsadmin_core import cli, options
from tests.conftest import CANARY_PASSWORD, CANARY_USER
from tests.core.test_cli import run

NUMBERS = ["nan", "NaN", "inf", "-inf", "-5", "0", "1e309", "99999999999999999999", "",
           " ", "abc", u"\u0661\u0662", "0x10", "1,5", "-", u"Caf\u00e9", "\x00"]

#: Commands that talk to a site; the local ones (sandbox, demo) would start work instead.
SITE_COMMANDS = ("login", "logout", "services", "stop", "start")


def garbage(seed, count=12):
    """Short random texts: control characters, non-ASCII, quotes, separators, huge runs."""
    rng = random.Random(seed)
    alphabet = (u"abc/\\:@*?[]{}%#&=+ \t\r\n\"'`$;|<>.,-_~\x00\x01\x7f\u00e9\u65e5\ufeff"
                u"\U0001F600")
    found = []
    for _ in range(count):
        size = rng.choice([0, 1, 2, 5, 20, 300])
        found.append(u"".join(rng.choice(alphabet) for _ in range(size)))
    return found


def numeric_options():
    for command in [c for c in cli.COMMANDS if c.name in SITE_COMMANDS]:
        for option in list(options.GLOBAL) + [a for a in command.arguments
                                              if isinstance(a, options.Option)]:
            if option.kind in (int, float):
                yield command.name, option


@pytest.mark.parametrize("command,option", sorted(set(numeric_options()),
                                                  key=lambda c: (c[0], c[1].name)),
                         ids=lambda v: getattr(v, "name", v))
def test_numeric_options_refuse_garbage_with_exit_2(command, option):
    for value in NUMBERS + garbage(option.name):
        if value == "--":
            continue   # argparse's own "end of options" marker
        try:
            option.parse(value)
            continue   # a value the option accepts is not garbage
        except ValueError:
            pass
        result = run(command, "%s=%s" % (option.flags[0], value))
        assert result.code == 2, (option.flags[0], value, result.err)
        assert "Traceback" not in result.err and "must be" in result.err


@pytest.fixture
def site(sandbox, monkeypatch):
    monkeypatch.setenv("AGSADMIN_PASSWORD", CANARY_PASSWORD)
    return ["--server", sandbox.url, "--user", CANARY_USER]


def test_server_urls_that_are_garbage_are_exit_2(monkeypatch):
    monkeypatch.setenv("AGSADMIN_PASSWORD", CANARY_PASSWORD)
    bad = ["", " ", "ftp://host/arcgis", "http://", "https://user:pw@host/arcgis",
           "host:99999/arcgis", "https://ho st/arcgis", u"https://h\u00f6st\x00/arcgis",
           "http://127.0.0.1.example.com:6080/arcgis", "https://[::1/arcgis"]
    for value in bad + [g for g in garbage("server") if "://" in g]:
        result = run("--server", value, "--user", CANARY_USER, "services")
        assert result.code == 2, (value, result.err)
        assert "Traceback" not in result.err
        assert "pw" not in result.err.replace("password", "")


def test_patterns_and_files_that_are_garbage_change_nothing(site, sandbox, tmp_path):
    before = dict((r, sandbox.site.service_state(r)) for r in sandbox.site.service_refs())
    empty = tmp_path / "empty.txt"
    empty.write_text(u"\ufeff# nothing here\n\n")
    cases = [["stop", ""], ["stop", " "], ["start", ""], ["stop", "@" + str(empty)],
             ["stop", "@" + str(tmp_path / "missing.txt")],
             ["stop", "Maps/*", "--journal", str(tmp_path / "no" / "such" / "j.json")],
             ["stop", "Maps/*", "--ca-bundle", str(tmp_path / "missing.pem")],
             ["--connection", str(tmp_path / "missing.agsadmin.json"), "services"]]
    cases += [["stop", g] for g in garbage("patterns") if g.strip() not in ("*", "")]
    for argv in cases:
        result = run(*(site + argv)) if argv[0] != "--connection" else run(*argv)
        assert result.code == 2, (argv, result.code, result.err)
        assert "Traceback" not in result.err
    after = dict((r, sandbox.site.service_state(r)) for r in sandbox.site.service_refs())
    assert after == before
