"""The bounded pool: order, the bound, callbacks on the caller's thread, and cancellation."""

import threading
import time

from agsadmin_core.workers import run_bounded


def test_results_keep_the_order_of_the_items():
    assert run_bounded(lambda n: n * n, range(20), workers=4) == [n * n for n in range(20)]
    assert run_bounded(lambda n: n, [], workers=4) == []


def test_never_more_than_workers_calls_at_once():
    lock = threading.Lock()
    state = {"now": 0, "peak": 0}

    def slow(n):
        with lock:
            state["now"] += 1
            state["peak"] = max(state["peak"], state["now"])
        time.sleep(0.01)
        with lock:
            state["now"] -= 1
        return n

    run_bounded(slow, range(30), workers=3)
    assert state["peak"] == 3


def test_callbacks_and_cancel_checks_run_on_the_calling_thread():
    caller = threading.current_thread()
    seen = set()

    def cancelled():
        seen.add(threading.current_thread())
        return False

    def on_done(item, result):
        seen.add(threading.current_thread())

    run_bounded(lambda n: n, range(10), workers=4, cancelled=cancelled, on_done=on_done)
    assert seen == set([caller])


def test_cancel_stops_handing_out_items():
    done = []
    results = run_bounded(lambda n: n, range(50), workers=4,
                          cancelled=lambda: len(done) >= 5,
                          on_done=lambda item, result: done.append(item))
    started = [r for r in results if r is not None]
    assert 5 <= len(started) <= 5 + 4
    assert results[-1] is None


def test_an_unexpected_error_is_returned_not_lost():
    def boom(n):
        if n == 3:
            raise KeyError(n)
        return n

    results = run_bounded(boom, range(6), workers=2)
    assert isinstance(results[3], KeyError) and results[5] == 5
