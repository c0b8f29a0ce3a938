"""Listing, stopping and starting services, with journals and faults, over real HTTP."""

import json
import os
import subprocess
import sys

import pytest

from agsadmin_core import Reporter
from agsadmin_core.errors import BatchFailed, Cancelled, InvalidInput, NotFound
from tests.conftest import CANARY_PASSWORD, CANARY_USER, ROOT, answers


def admin_calls(sb, verb=None):
    calls = [r for r in sb.requests if not r["path"].lower().endswith("generatetoken")]
    if verb:
        calls = [r for r in calls if r["path"].endswith("/" + verb)]
    return calls


def states(sb, refs):
    return dict((ref, sb.site.service_state(ref)) for ref in refs)


def test_list_reads_one_report_per_folder(sandbox, connect):
    server = connect()
    sandbox.clear_requests()
    infos = server.services.list(patterns=["Maps/*"])
    assert infos and all(i.folder == "Maps" for i in infos)
    assert [r["path"] for r in sandbox.requests] == ["/arcgis/admin/services",
                                                     "/arcgis/admin/services/Maps/report"]
    for info in infos:
        assert (info.configured_state, info.realtime_state) == \
            sandbox.site.service_state(info.ref)


def test_list_everything_leaves_out_system_utilities_hosted(sandbox, connect):
    refs = [i.ref for i in connect().services.list()]
    assert refs
    assert not [r for r in refs if r.split("/")[0] in ("System", "Utilities", "Hosted")]
    named = connect().services.list(patterns=["Utilities/*"])
    assert "Utilities/Geometry.GeometryServer" in [i.ref for i in named]


def test_a_pattern_that_matches_nothing_is_a_warning_of_the_listing(connect):
    """One verdict for every front end: a listing answers "none" and names the pattern; it
    raises nothing (stop and start refuse such a pattern instead)."""
    listing = connect().services.list(patterns=["Mpas/*", "Maps/Roads.MapServer"])
    assert [i.ref for i in listing] == ["Maps/Roads.MapServer"]
    assert listing.unmatched == ["Mpas/*"]
    assert listing.warnings() == ["No service matches 'Mpas/*'."]
    assert connect().services.list(patterns=["Maps/*"]).warnings() == []


def test_list_of_a_missing_folder_is_not_found(connect):
    with pytest.raises(NotFound):
        connect().services.list(folder="NoSuchFolder")


def test_stop_then_restart_exactly_from_the_journal(sandbox, connect, tmp_path):
    server = connect()
    maps = [i.ref for i in server.services.list(patterns=["Maps/*"])]
    already = [r for r in maps if sandbox.site.service_state(r)[1] == "STOPPED"]
    assert already, "the seed should have a stopped service in Maps"
    journal = str(tmp_path / "nightly.journal.json")
    results = server.services.stop(["Maps/*"], journal=journal)
    by_ref = dict((r.service, r) for r in results)
    for ref in maps:
        assert sandbox.site.service_state(ref) == ("STOPPED", "STOPPED")
        assert by_ref[ref].status == ("skipped" if ref in already else "ok")
    recorded = json.load(open(journal))
    assert sorted(e["service"] for e in recorded["services"]) == \
        sorted(set(maps) - set(already))
    assert set(e["state"] for e in recorded["services"]) == set(["stopped"])

    restarted = server.services.start(journal=journal)
    assert sorted(r.service for r in restarted) == sorted(set(maps) - set(already))
    for ref in maps:
        want = "STOPPED" if ref in already else "STARTED"
        assert sandbox.site.service_state(ref) == (want, want)
    sandbox.clear_requests()
    assert list(server.services.start(journal=journal)) == []
    assert not admin_calls(sandbox, "start") and not admin_calls(sandbox, "startServices")


def test_dry_run_changes_nothing(sandbox, connect):
    server = connect()
    before = states(sandbox, sandbox.site.service_refs())
    sandbox.clear_requests()
    results = server.services.stop(["Maps/*", "Editing/*"], dry_run=True)
    assert set(r.status for r in results) <= set(["planned", "skipped"])
    assert "planned" in [r.status for r in results]
    assert not [r for r in sandbox.requests if r["path"].endswith(("stop", "stopServices"))]
    assert states(sandbox, sandbox.site.service_refs()) == before


def test_a_pattern_matching_nothing_changes_nothing(sandbox, connect):
    server = connect()
    before = states(sandbox, sandbox.site.service_refs())
    with pytest.raises(InvalidInput) as info:
        server.services.stop(["Maps/*", "Mpas/*"])
    assert "Mpas/*" in str(info.value)
    assert states(sandbox, sandbox.site.service_refs()) == before


def test_nothing_named_is_refused(connect):
    with pytest.raises(InvalidInput):
        connect().services.stop([])


def test_batch_on_10_3_and_later_within_the_request_budget(make_sandbox, connect):
    sb = make_sandbox(services=100)
    server = connect(sb)
    sb.clear_requests()
    results = server.services.stop(["Bulk*/*"])
    assert len(results) == 100 and set(r.status for r in results) == set(["ok"])
    # 100 services, 4 at once: four batches of 25 sent side by side, no single stops.
    assert len(admin_calls(sb, "stopServices")) == 4 and not admin_calls(sb, "stop")
    assert len(sb.requests) <= 2 * 100 + 10
    assert set(sb.site.service_state(r.service) for r in results) == \
        set([("STOPPED", "STOPPED")])


def test_small_selections_spread_over_parallel_batches(make_sandbox, connect):
    sb = make_sandbox(services=50)
    server = connect(sb)
    sb.clear_requests()
    server.services.stop(["Bulk01/Svc000*", "Bulk01/Svc001*"], parallel=3)  # 19 services
    assert len(admin_calls(sb, "stopServices")) == 3
    sb.clear_requests()
    server.services.start(["Bulk01/*"], parallel=1)
    assert len(admin_calls(sb, "startServices")) == 1


def test_one_request_per_service_on_10_1(make_sandbox, connect):
    sb = make_sandbox(version="10.1")
    server = connect(sb)
    sb.clear_requests()
    results = server.services.stop(["Maps/*"])
    assert not admin_calls(sb, "stopServices")
    assert len(admin_calls(sb, "stop")) == len([r for r in results if r.status == "ok"])


def test_admin_lock_on_the_third_service_is_retried(sandbox, connect):
    server = connect()
    lock = sandbox.faults.add("lock", match="/stop", nth=3)
    results = server.services.stop(["Maps/*", "Editing/*"], batch=False, parallel=1)
    assert set(r.status for r in results) <= set(["ok", "skipped"])
    # The third stop answered the lock once, and the same stop was sent again and succeeded.
    assert lock.fired == 1
    stops = [r for r in sandbox.requests if r["path"].endswith("/stop")]
    assert stops[2]["envelope_code"] == 500
    assert stops[3]["path"] == stops[2]["path"] and stops[3]["envelope_code"] is None
    for result in results:
        assert sandbox.site.service_state(result.service)[1] == "STOPPED"


def test_a_service_that_stays_locked_fails_alone_and_is_listed(sandbox, connect, tmp_path):
    server = connect()
    victim = "Maps/Parcels.MapServer"
    lock = sandbox.faults.add("lock", match=victim + "/stop", times=100)
    journal = str(tmp_path / "j.json")
    with pytest.raises(BatchFailed) as info:
        server.services.stop(["Maps/*"], journal=journal, batch=False)
    # Every try the retry policy allows was sent and answered the lock.
    assert lock.fired == server.session.retry.lock_attempts
    assert answers(sandbox, victim + "/stop") == [500] * lock.fired
    failed = info.value.failures
    assert [r.service for r in failed] == [victim]
    assert "another administrative operation" in failed[0].message
    assert victim in str(info.value)
    assert sandbox.site.service_state(victim)[1] == "STARTED"
    ok = [r.service for r in info.value.results if r.status == "ok"]
    assert ok and all(sandbox.site.service_state(r)[1] == "STOPPED" for r in ok)
    entries = dict((e["service"], e["state"]) for e in json.load(open(journal))["services"])
    assert entries[victim] == "failed"
    assert all(entries[r] == "stopped" for r in ok)


def test_a_refused_batch_is_redone_one_by_one(sandbox, connect):
    server = connect()
    refusal = sandbox.faults.add("envelope", match="stopServices", code=500,
                                 message="Internal error in batch.")
    seen = []

    class Warnings(Reporter):
        def warning(self, text):
            seen.append(text)

    results = server.services.stop(["Maps/*", "Editing/*"], reporter=Warnings())
    assert "failed" not in [r.status for r in results]
    assert seen and "Internal error in batch." in seen[0]
    assert admin_calls(sandbox, "stop")
    assert refusal.fired == 1 and answers(sandbox, "/stopServices")[0] == 500


def test_token_expiry_in_the_middle_of_a_50_service_stop(make_sandbox, connect):
    sb = make_sandbox(services=50)
    server = connect(sb)
    sb.faults.expire_tokens_after(12)
    results = server.services.stop(["Bulk01/*"], batch=False, parallel=4)
    assert len(results) == 50 and set(r.status for r in results) == set(["ok"])
    assert len([r for r in sb.requests if r["path"].endswith("generateToken")]) >= 2
    # The expiry really happened mid-run: some stop was refused with 498, then redone.
    assert 498 in answers(sb, "/stop")


def test_waits_until_the_state_really_changes(make_sandbox, connect):
    sb = make_sandbox(settle_seconds=0.4)
    server = connect(sb)
    results = server.services.stop(["Maps/*"])
    for result in results:
        assert sb.site.service_state(result.service)[1] == "STOPPED"
        if result.status == "ok":
            assert result.after == "STOPPED"


def test_a_service_that_never_settles_is_reported(make_sandbox, connect):
    sb = make_sandbox(settle_seconds=30)
    server = connect(sb)
    with pytest.raises(BatchFailed) as info:
        server.services.stop(["Maps/Parcels.MapServer"], timeout=0.3)
    assert "still not STOPPED" in info.value.failures[0].message


def test_no_wait_returns_at_once(make_sandbox, connect):
    sb = make_sandbox(settle_seconds=30)
    results = connect(sb).services.stop(["Maps/Parcels.MapServer"], wait=False)
    assert [r.status for r in results] == ["ok"]


def test_hosted_service_named_exactly_fails_with_the_servers_words(sandbox, connect):
    hosted = [r for r in sandbox.site.service_refs() if r.startswith("Hosted/")][0]
    with pytest.raises(BatchFailed) as info:
        connect().services.stop([hosted])
    assert info.value.failures[0].service == hosted


def test_cancel_with_parallel_workers_stops_handing_out_services(sandbox, connect):
    server = connect()
    with pytest.raises(Cancelled) as info:
        server.services.stop(["Maps/*", "Editing/*"], batch=False, parallel=2,
                             reporter=CancelAfter(1))
    results = info.value.results
    assert "cancelled" in [r.status for r in results]
    for result in results:
        want = "STOPPED" if result.status in ("ok", "skipped") else "STARTED"
        assert sandbox.site.service_state(result.service)[1] == want


class CancelAfter(Reporter):
    def __init__(self, steps):
        self.steps = steps
        self.done = 0

    def progress(self, done, total, label):
        self.done = done

    def cancelled(self):
        return self.done >= self.steps


def test_cancel_between_services_leaves_a_true_journal(sandbox, connect, tmp_path):
    server = connect()
    journal = str(tmp_path / "j.json")
    with pytest.raises(Cancelled) as info:
        server.services.stop(["Maps/*", "Editing/*"], journal=journal, batch=False,
                             parallel=1, reporter=CancelAfter(2))
    statuses = [r.status for r in info.value.results]
    assert statuses.count("ok") == 2 and "cancelled" in statuses
    entries = json.load(open(journal))["services"]
    stopped = [e["service"] for e in entries if e["state"] == "stopped"]
    untouched = [e["service"] for e in entries if e["state"] == "cancelled"]
    assert len(stopped) == 2 and untouched
    assert all(sandbox.site.service_state(s)[1] == "STOPPED" for s in stopped)
    assert all(sandbox.site.service_state(s)[1] == "STARTED" for s in untouched)
    server.services.start(journal=journal)
    assert all(sandbox.site.service_state(s)[1] == "STARTED" for s in stopped + untouched)


CRASHER = """
import os, sys
sys.path.insert(0, %(root)r)
from agsadmin_core import Server, Reporter
class Crash(Reporter):
    def progress(self, done, total, label):
        if done == 2:
            os._exit(9)   # the process dies between two stops
server = Server.connect(%(url)r, username=%(user)r, password=%(password)r)
server.services.stop(["Maps/*", "Editing/*"], journal=%(journal)r, batch=False, parallel=1,
                     reporter=Crash())
"""


def test_a_crash_between_two_stops_leaves_a_journal_to_restart_from(sandbox, connect,
                                                                     tmp_path):
    journal = str(tmp_path / "j.json")
    before = states(sandbox, sandbox.site.service_refs())
    script = CRASHER % {"root": ROOT, "url": sandbox.url, "user": CANARY_USER,
                        "password": CANARY_PASSWORD, "journal": journal}
    code = subprocess.call([sys.executable, "-c", script])
    assert code == 9
    entries = json.load(open(journal))["services"]
    assert [e["state"] for e in entries].count("stopped") == 2
    assert "pending" in [e["state"] for e in entries]
    connect().services.start(journal=journal)
    assert states(sandbox, sandbox.site.service_refs()) == before


def test_paused_restarts_even_when_the_block_fails(sandbox, connect, tmp_path):
    server = connect()
    before = states(sandbox, sandbox.site.service_refs())
    journal = str(tmp_path / "j.json")
    with pytest.raises(RuntimeError):
        with server.services.paused(["Maps/*"], journal=journal):
            assert sandbox.site.service_state("Maps/Parcels.MapServer")[1] == "STOPPED"
            raise RuntimeError("the data load failed")
    assert states(sandbox, sandbox.site.service_refs()) == before
    assert set(e["state"] for e in json.load(open(journal))["services"]) == set(["restarted"])


def test_paused_restarts_what_stopped_when_the_stop_partly_fails(sandbox, connect):
    server = connect()
    before = states(sandbox, sandbox.site.service_refs())
    lock = sandbox.faults.add("lock", match="Maps/Parcels.MapServer/stop", times=100)
    ran = []
    with pytest.raises(BatchFailed):
        with server.services.paused(["Maps/*"], batch=False):
            ran.append(True)
    assert not ran and lock.fired == server.session.retry.lock_attempts
    assert states(sandbox, sandbox.site.service_refs()) == before


def test_start_by_pattern_and_both_forms_refused(sandbox, connect, tmp_path):
    server = connect()
    sandbox.site.set_service_state("Maps/Parcels.MapServer", "STOPPED")
    results = server.services.start(["Maps/Parcels.MapServer"])
    assert [r.status for r in results] == ["ok"]
    with pytest.raises(InvalidInput):
        server.services.start(["Maps/*"], journal=str(tmp_path / "j.json"))
    with pytest.raises(InvalidInput):
        server.services.start()


def test_journal_of_another_site_is_refused(sandbox, make_sandbox, connect, tmp_path):
    journal = str(tmp_path / "j.json")
    connect().services.stop(["Maps/Parcels.MapServer"], journal=journal)
    other = make_sandbox()
    with pytest.raises(InvalidInput):
        connect(other).services.start(journal=journal)
    assert os.path.exists(journal)


def test_without_a_report_resource_each_status_is_read(sandbox, connect):
    server = connect()
    missing = sandbox.faults.add("envelope", match="/report", code=404, times=1000,
                                 message="Could not find resource or operation 'report' on "
                                         "the system.")
    infos = server.services.list(patterns=["Maps/*"])
    assert missing.fired >= 1 and set(answers(sandbox, "/report")) == set([404])
    assert infos and all((i.configured_state, i.realtime_state) ==
                         sandbox.site.service_state(i.ref) for i in infos)
    assert len(admin_calls(sandbox, "status")) == len(infos)
    results = server.services.stop(["Maps/*"])
    assert all(sandbox.site.service_state(r.service)[1] == "STOPPED" for r in results)


def test_a_full_inventory_in_one_listing(sandbox, connect):
    server = connect()
    sandbox.clear_requests()
    refs = [i.ref for i in server.services.list(include_protected=True)]
    assert refs == sorted(sandbox.site.service_refs(), key=lambda r: (
        r.rpartition("/")[0].lower(), r.rpartition("/")[2].split(".")[0].lower(),
        r.rpartition(".")[2]))
    roots = [r for r in sandbox.requests if r["path"] == "/arcgis/admin/services"]
    assert len(roots) == 1
