"""jobs.wait_until: immediate first poll, pauses doubling to a ceiling, timeout and cancel,
on a fake clock (the injected sleep moves it), so nothing really waits."""

import pytest

from agsadmin_core import jobs


class FakeClock(object):
    """``monotonic`` and ``sleep`` for wait_until: sleeping moves the clock, instantly."""

    def __init__(self):
        self.now = 1000.0
        self.pauses = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.pauses.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(jobs, "monotonic", fake.monotonic)
    return fake


def counter(answers):
    """A poll that returns ``answers`` one by one and counts its calls."""
    answers = list(answers)
    calls = []

    def poll():
        calls.append(True)
        return answers[len(calls) - 1]
    poll.calls = calls
    return poll


def test_done_at_the_first_poll_never_sleeps(clock):
    waited = jobs.wait_until(lambda: "STOPPED", lambda v: v == "STOPPED", timeout=10,
                             sleep=clock.sleep)
    assert (waited.done, waited.cancelled, waited.polls, waited.value) == \
        (True, False, 1, "STOPPED")
    assert clock.pauses == []


def test_pauses_double_up_to_the_ceiling(clock):
    poll = counter(["STARTED"] * 7 + ["STOPPED"])
    waited = jobs.wait_until(poll, lambda v: v == "STOPPED", timeout=100, first_pause=0.5,
                             max_pause=4.0, sleep=clock.sleep)
    assert waited.done and waited.polls == 8 and waited.value == "STOPPED"
    assert clock.pauses == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0, 4.0]


def test_timeout_returns_the_last_answer_and_never_sleeps_past_the_deadline(clock):
    waited = jobs.wait_until(lambda: "STARTED", lambda v: v == "STOPPED", timeout=5,
                             first_pause=1.0, max_pause=8.0, sleep=clock.sleep)
    assert (waited.done, waited.cancelled, waited.value) == (False, False, "STARTED")
    # 1 + 2 = 3 s, then only the 2 s left (not 4): one last poll exactly at the deadline.
    assert clock.pauses == [1.0, 2.0, 2.0]
    assert waited.polls == 4 and clock.now == 1005.0


def test_zero_or_negative_timeout_polls_once(clock):
    for timeout in (0, -3):
        waited = jobs.wait_until(lambda: 1, lambda v: False, timeout=timeout, sleep=clock.sleep)
        assert waited.polls == 1 and not waited.done
    assert clock.pauses == []


def test_cancel_is_asked_before_each_pause(clock):
    asked = []

    def cancelled():
        asked.append(True)
        return len(asked) == 3

    waited = jobs.wait_until(lambda: "STARTED", lambda v: v == "STOPPED", timeout=100,
                             cancelled=cancelled, sleep=clock.sleep)
    assert (waited.done, waited.cancelled, waited.polls) == (False, True, 3)
    assert len(clock.pauses) == 2


def test_done_wins_over_cancel(clock):
    waited = jobs.wait_until(lambda: "STOPPED", lambda v: v == "STOPPED", timeout=10,
                             cancelled=lambda: True, sleep=clock.sleep)
    assert waited.done and not waited.cancelled


def test_poll_errors_propagate(clock):
    def poll():
        raise RuntimeError("the server went away")
    with pytest.raises(RuntimeError):
        jobs.wait_until(poll, lambda v: True, timeout=10, sleep=clock.sleep)
