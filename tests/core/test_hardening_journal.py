# -*- coding: utf-8 -*-
"""Issue 8, defects 2, 9 and 11: a journal shared by processes never loses an entry; bad
journals, missing folders and another URL of the site are one clear sentence."""

import json
import os
import socket
import subprocess
import sys
import threading

import pytest

from agsadmin_core import journal as journal_module
from agsadmin_core.errors import InvalidInput, JournalBusy
from agsadmin_core.journal import PENDING, RESTARTED, STOPPED, Journal
from tests.conftest import ROOT

SITE = "https://gis.example.com:6443/arcgis"

WRITER = """
import sys
sys.path.insert(0, %(root)r)
from agsadmin_core.journal import Journal
path, tag, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
journal = Journal.open(path, %(site)r)
names = ["F%%s/S%%03d.MapServer" %% (tag, i) for i in range(count)]
for name in names:
    journal.plan([(name, "STARTED")])
    journal.mark(name, "stopped")
"""


def test_processes_sharing_a_journal_lose_no_entry(tmp_path):
    path = str(tmp_path / "shared.journal.json")
    script = WRITER % {"root": ROOT, "site": SITE}
    procs = [subprocess.Popen([sys.executable, "-c", script, path, str(tag), "40"])
             for tag in range(4)]
    assert [p.wait() for p in procs] == [0, 0, 0, 0]
    book = Journal.load(path, SITE)
    want = set("F%d/S%03d.MapServer" % (t, i) for t in range(4) for i in range(40))
    assert set(book.entries) == want
    assert set(e["state"] for e in book.entries.values()) == set([STOPPED])
    assert not os.path.exists(path + ".lock")


def test_a_writer_merges_what_another_wrote_since_it_loaded(tmp_path):
    path = str(tmp_path / "j.json")
    first = Journal.open(path, SITE)
    second = Journal.open(path, SITE)
    first.plan([("Maps/A.MapServer", "STARTED")])
    second.plan([("Maps/B.MapServer", "STARTED")])
    first.mark("Maps/A.MapServer", STOPPED)
    second.mark("Maps/B.MapServer", STOPPED)
    on_disk = Journal.load(path, SITE)
    assert [(n, e["state"]) for n, e in on_disk.entries.items()] == \
        [("Maps/A.MapServer", STOPPED), ("Maps/B.MapServer", STOPPED)]


def test_deferred_marks_are_written_at_the_end_and_merged(tmp_path, monkeypatch):
    monkeypatch.setattr(journal_module, "DEFER_INTERVAL", 3600.0)
    path = str(tmp_path / "j.json")
    book = Journal.open(path, SITE)
    names = ["Maps/S%03d.MapServer" % i for i in range(20)]
    book.plan([(n, "STARTED") for n in names])
    other = Journal.open(path, SITE)
    with book.deferred():
        for name in names:
            book.mark(name, STOPPED)
        other.plan([("Other/X.MapServer", "STARTED")])  # another writer, in the middle
        assert Journal.load(path).state(names[-1]) == PENDING  # not yet written
    final = Journal.load(path)
    assert [final.state(n) for n in names] == [STOPPED] * 20
    assert final.state("Other/X.MapServer") == PENDING


def dead_pid():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_lock_left_by_a_dead_process_is_taken_over(tmp_path):
    path = str(tmp_path / "j.json")
    with open(path + ".lock", "w") as handle:
        json.dump({"pid": dead_pid(), "host": socket.gethostname(), "since": "then"}, handle)
    Journal.open(path, SITE).plan([("Maps/A.MapServer", "STARTED")])
    assert Journal.load(path).state("Maps/A.MapServer") == PENDING
    assert not os.path.exists(path + ".lock")


def test_a_held_lock_names_its_holder(tmp_path, monkeypatch):
    monkeypatch.setattr(journal_module, "LOCK_WAIT", 0.2)
    path = str(tmp_path / "j.json")
    with open(path + ".lock", "w") as handle:
        json.dump({"pid": 4242, "host": "gis-batch-01", "since": "2026-11-30T22:00:00Z"},
                  handle)
    with pytest.raises(JournalBusy) as info:
        Journal.open(path, SITE)
    text = str(info.value)
    assert "4242" in text and "gis-batch-01" in text and path + ".lock" in text
    assert isinstance(info.value, InvalidInput)


def write_journal(path, **data):
    body = {"format": "agsadmin-journal", "version": 1, "site": SITE,
            "services": [{"service": "Maps/A.MapServer", "state": "stopped"}]}
    body.update(data)
    with open(path, "w") as handle:
        json.dump(body, handle)
    return path


@pytest.mark.parametrize("change", [
    {"site": None}, {"site": ""}, {"site": 5}, {"services": {"a": 1}},
    {"services": [{"state": "stopped"}]}, {"services": [{"service": "Maps/A.MapServer"}]},
    {"services": [{"service": "Maps/A.MapServer", "state": "dancing"}]},
    {"services": ["Maps/A.MapServer"]}, {"services": [{"service": 7, "state": "stopped"}]},
])
def test_a_damaged_journal_is_one_sentence(tmp_path, change):
    path = write_journal(str(tmp_path / "j.json"), **change)
    with pytest.raises(InvalidInput) as info:
        Journal.load(path, SITE)
    assert path in str(info.value) and "\n" not in str(info.value)


def test_a_journal_in_a_missing_folder_is_refused_before_anything(tmp_path):
    with pytest.raises(InvalidInput) as info:
        Journal.open(str(tmp_path / "no" / "such" / "j.json"), SITE)
    assert "does not exist" in str(info.value)
    with pytest.raises(InvalidInput):
        Journal.open(str(tmp_path), SITE)  # a folder, not a file


def test_another_url_of_the_site_needs_the_explicit_override(tmp_path):
    path = str(tmp_path / "j.json")
    Journal.open(path, SITE).plan([("Maps/A.MapServer", "STARTED")])
    other = "https://gis.example.com/server"
    with pytest.raises(InvalidInput) as info:
        Journal.load(path, other)
    assert "any_site=True" in str(info.value)
    assert Journal.load(path, other, any_site=True).to_restart() == ["Maps/A.MapServer"]
    assert Journal.open(path, other, any_site=True).state("Maps/A.MapServer") == PENDING


def test_non_ascii_names_and_messages_round_trip(tmp_path):
    path = str(tmp_path / "j.json")
    book = Journal.open(path, SITE)
    book.plan([(u"Cartes/Café.MapServer", "STARTED"), (u"日本/地図.MapServer", "STARTED")])
    book.mark(u"日本/地図.MapServer", "failed", u"サービスは使用中です")
    again = Journal.load(path, SITE)
    assert again.to_restart() == [u"Cartes/Café.MapServer", u"日本/地図.MapServer"]
    assert again.entries[u"日本/地図.MapServer"]["message"] == u"サービスは使用中です"


# -- over real HTTP ----------------------------------------------------------------------


def test_two_runs_sharing_a_journal_restart_everything(sandbox, connect, tmp_path):
    path = str(tmp_path / "nightly.journal.json")
    folders = ["Maps", "Editing", "Imagery", "Tools"]
    running = [r for r in sandbox.site.service_refs()
               if r.split("/")[0] in folders and sandbox.site.service_state(r)[1] == "STARTED"]
    errors = []

    def stop(folder):
        try:
            connect().services.stop([folder + "/*"], journal=path, batch=False)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=stop, args=(f,)) for f in folders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(Journal.load(path, sandbox.url).to_restart()) == sorted(running)
    connect().services.start(journal=path)
    for ref in running:
        assert sandbox.site.service_state(ref) == ("STARTED", "STARTED")
    assert set(e["state"] for e in Journal.load(path).entries.values()) == set([RESTARTED])


def test_stop_with_a_journal_in_a_missing_folder_stops_nothing(sandbox, connect, tmp_path):
    server = connect()
    before = dict((r, sandbox.site.service_state(r)) for r in sandbox.site.service_refs())
    with pytest.raises(InvalidInput):
        server.services.stop(["Maps/*"], journal=str(tmp_path / "missing" / "j.json"))
    assert dict((r, sandbox.site.service_state(r)) for r in sandbox.site.service_refs()) == \
        before
