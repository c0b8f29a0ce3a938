"""batch.py and results.py: operation specs, BatchOptions validation, the engine's respect for
operations that must not be repeated (over HTTP), and BatchResult's counts, summary and JSON."""

import json

import pytest

from agsadmin_core.batch import BatchOptions, Operation
from agsadmin_core.errors import BatchFailed, InvalidInput
from agsadmin_core.journal import Journal
from agsadmin_core.reporter import Reporter
from agsadmin_core.results import BatchResult, CANCELLED, FAILED, OK, PLANNED, SKIPPED, \
    STATUSES, ServiceResult
from agsadmin_core.services import START, STOP
from tests.conftest import answers

# -- BatchOptions ---------------------------------------------------------------------------


def test_defaults_come_from_the_declared_options():
    built = BatchOptions()
    assert (built.wait, built.timeout, built.parallel, built.batch, built.dry_run) == \
        (True, 120.0, 4, None, False)
    assert isinstance(built.reporter, Reporter)


@pytest.mark.parametrize("timeout", [float("nan"), float("inf"), float("-inf"), 0, -1, "nan"])
def test_a_timeout_that_is_not_a_positive_finite_number_is_refused(timeout):
    with pytest.raises(InvalidInput) as info:
        BatchOptions(timeout=timeout)
    assert str(info.value) == "The wait timeout must be a positive number of seconds."


@pytest.mark.parametrize("parallel", [0, -1, 33, 1000])
def test_parallel_out_of_range_is_refused(parallel):
    with pytest.raises(InvalidInput) as info:
        BatchOptions(parallel=parallel)
    assert str(info.value) == "Parallel must be between 1 and 32."


@pytest.mark.parametrize("values", [{"timeout": "soon"}, {"parallel": "many"},
                                    {"timeout": None, "parallel": []}])
def test_values_that_are_not_numbers_are_invalid_input(values):
    with pytest.raises(InvalidInput):
        BatchOptions(**values)


def test_values_are_normalised():
    built = BatchOptions(wait=0, timeout="30", parallel="8", dry_run=1)
    assert (built.wait, built.timeout, built.parallel, built.dry_run) == (False, 30.0, 8, True)


def test_build_applies_keywords_over_given_options():
    base = BatchOptions(parallel=2, wait=False)
    built = BatchOptions.build(base, parallel=6)
    assert (built.parallel, built.wait) == (6, False)
    assert BatchOptions.build(None, dry_run=True).dry_run is True
    assert BatchOptions.build(base) == base


def test_build_refuses_an_unknown_keyword():
    with pytest.raises(TypeError) as info:
        BatchOptions.build(None, paralel=2, wiat=False)
    assert str(info.value) == "unknown batch option(s): paralel, wiat"


def test_build_validates_what_it_builds():
    with pytest.raises(InvalidInput):
        BatchOptions.build(BatchOptions(), timeout=float("nan"))


def test_stop_refuses_an_unknown_keyword_before_any_request(sandbox, connect):
    server = connect()
    sandbox.clear_requests()
    with pytest.raises(TypeError):
        server.services.stop(["Maps/*"], paralel=2)
    assert sandbox.requests == []

# -- Operation specs ------------------------------------------------------------------------


def test_stop_and_start_specs():
    assert STOP.target == "STOPPED" and START.target == "STARTED"
    assert (STOP.batch_path, START.batch_path) == ("stopServices", "startServices")
    assert STOP.plans_journal and not START.plans_journal
    assert STOP.safe_to_repeat and START.safe_to_repeat
    assert STOP._fields == Operation._fields


def _stop_once(server, refs, op, **options):
    """Run ``op`` with the engine, one service at a time."""
    infos = server.services.list(patterns=refs)
    return server.services._engine.run(op, infos, BatchOptions(batch=False, parallel=1,
                                                               **options),
                                       raise_failures=False)


def test_an_operation_unsafe_to_repeat_is_not_retried_on_the_lock(sandbox, connect):
    server = connect()
    victim = "Maps/Parcels.MapServer"
    lock = sandbox.faults.add("lock", match=victim + "/stop", times=5)
    result = _stop_once(server, [victim], STOP._replace(safe_to_repeat=False))
    assert lock.fired == 1 and answers(sandbox, victim + "/stop") == [500]
    assert result[0].status == FAILED and "another administrative operation" in result[0].message
    # The same spec marked safe is retried until the lock lets go.
    sandbox.faults.clear()
    lock = sandbox.faults.add("lock", match=victim + "/stop", times=2)
    result = _stop_once(server, [victim], STOP)
    assert lock.fired == 2 and result[0].status == OK
    assert sandbox.site.service_state(victim)[1] == "STOPPED"


def test_a_lost_answer_to_an_unsafe_operation_is_read_back_not_resent(sandbox, connect):
    server = connect()
    victim = "Maps/Parcels.MapServer"
    drop = sandbox.faults.add("drop", match=victim + "/stop", times=5)
    result = _stop_once(server, [victim], STOP._replace(safe_to_repeat=False))
    assert drop.fired == 1   # sent once, never again
    assert [r["status"] for r in sandbox.requests if r["path"].endswith(victim + "/stop")] == \
        [None]
    assert result[0].status == FAILED and "nothing was resent" in result[0].message
    assert sandbox.site.service_state(victim)[1] == "STARTED"

# -- BatchResult ----------------------------------------------------------------------------


def _result(journal=None, dry_run=False):
    return BatchResult("stop", [
        ServiceResult("Maps/A.MapServer", OK, "STARTED", "STOPPED", None),
        ServiceResult("Maps/B.MapServer", SKIPPED, "STOPPED", "STOPPED", "already stopped"),
        ServiceResult("Maps/C.MapServer", FAILED, "STARTED", None, "locked"),
        ServiceResult("Maps/D.MapServer", OK, "STARTED", "STOPPED", None),
        ServiceResult("Maps/E.MapServer", CANCELLED, "STARTED", None, "cancelled"),
    ], "stopped", journal, dry_run)


def test_counts_follow_the_status_order_and_leave_zeros_out():
    result = _result()
    assert list(result.counts().items()) == [(OK, 2), (SKIPPED, 1), (FAILED, 1), (CANCELLED, 1)]
    assert PLANNED not in result.counts()
    assert STATUSES == (OK, SKIPPED, PLANNED, FAILED, CANCELLED)


def test_summary_and_failures():
    result = _result()
    assert result.summary() == "2 ok, 1 skipped, 1 failed, 1 cancelled"
    assert BatchResult("start", []).summary() == "no services"
    assert [r.service for r in result.failures] == ["Maps/C.MapServer"]
    assert result.failure_text() == "Maps/C.MapServer: locked"
    assert not result.ok
    assert BatchResult("stop", result.having(OK)).ok
    assert repr(result) == "<BatchResult stop: 2 ok, 1 skipped, 1 failed, 1 cancelled>"


def test_it_is_a_sequence_of_service_results():
    result = _result()
    assert len(result) == 5 and result[0].service == "Maps/A.MapServer"
    assert [r.status for r in result] == [OK, SKIPPED, FAILED, OK, CANCELLED]
    assert BatchResult("start", []).done_word == "started"


def test_with_results_keeps_journal_and_words(tmp_path):
    journal = Journal(str(tmp_path / "j.json"), "http://127.0.0.1/arcgis")
    result = _result(journal=journal)
    copy = result.with_results(result.having(OK))
    assert copy.journal is journal and copy.done_word == "stopped" and len(copy) == 2


def test_to_json_is_plain_data(tmp_path):
    path = str(tmp_path / "j.json")
    journal = Journal(path, "http://127.0.0.1/arcgis")
    data = json.loads(json.dumps(_result(journal=journal, dry_run=True).to_json()))
    assert data["operation"] == "stop" and data["dry_run"] is True and data["journal"] == path
    assert data["results"][2] == {"service": "Maps/C.MapServer", "status": "failed",
                                  "before": "STARTED", "after": None, "message": "locked"}
    assert _result().to_json()["journal"] is None


def test_a_real_stop_returns_a_result_with_its_journal(sandbox, connect, tmp_path):
    server = connect()
    path = str(tmp_path / "j.json")
    result = server.services.stop(["Maps/*"], journal=path)
    assert result.operation == "stop" and result.journal.path == path and result.ok
    assert result.to_json()["journal"] == path
    assert result.counts()[OK] == len([r for r in result if r.status == OK]) > 0
    lock = sandbox.faults.add("lock", match="/stop", times=100)
    with pytest.raises(BatchFailed) as info:
        server.services.stop(["Editing/*"], batch=False)
    assert lock.fired > 0 and info.value.result.failures
    assert info.value.result.summary().endswith("failed")
