"""Waiting for the server to finish something: one loop with backoff for every kind of wait.

Service states settling after a stop, a publishing job running, a site export being written:
each is "ask, look at the answer, pause a little longer, ask again, until done or out of
time". :func:`wait_until` is that loop, so each caller only says how to ask and when it is
done.
"""

import time

from ._compat import monotonic


class Waited(object):
    """What :func:`wait_until` saw last: ``value`` (the last poll's answer), ``done`` (True
    when ``done(value)`` held), ``cancelled`` and ``polls`` (how many times it asked)."""

    def __init__(self, value, done, cancelled, polls):
        self.value = value
        self.done = done
        self.cancelled = cancelled
        self.polls = polls


def wait_until(poll, done, timeout, first_pause=0.1, max_pause=2.0, cancelled=None,
               sleep=time.sleep):
    """Call ``poll()`` until ``done(answer)`` is true or ``timeout`` seconds have passed.

    The first poll is immediate; the pauses between polls start at ``first_pause`` and
    double up to ``max_pause`` (a quick change is seen quickly, a slow one costs few
    requests). ``cancelled`` (a callable) is asked before each pause. Errors raised by
    ``poll`` propagate: the caller decides which are worth another try.

    Returns:
        a :class:`Waited`; ``done`` is False after a timeout or a cancel.
    """
    deadline = monotonic() + max(0.0, float(timeout))
    pause = first_pause
    polls = 0
    while True:
        value = poll()
        polls += 1
        if done(value):
            return Waited(value, True, False, polls)
        if cancelled is not None and cancelled():
            return Waited(value, False, True, polls)
        left = deadline - monotonic()
        if left <= 0:
            return Waited(value, False, False, polls)
        sleep(min(pause, left))
        pause = min(pause * 2, max_pause)
