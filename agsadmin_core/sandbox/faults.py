"""Fault injection for the sandbox: token expiry, error envelopes, dropped connections, HTML pages.

Faults are matched per request (optionally by a case-insensitive substring
of the path) and fire BEFORE the request is routed, so an operation that
"failed" really did nothing (a stop that answered the lock error did not
stop the service); the one exception is "drop-after", which lets the request
do its work and then loses the answer. The fault texts come from ``errors`` and are the recorded
ones (admin-api.md section 3: lock and store messages).
"""

from __future__ import absolute_import, unicode_literals

import threading
from collections import OrderedDict

from ._compat import text_type

KINDS = ("envelope", "lock", "store-lock", "drop", "drop-after", "html", "http-status", "cut")


class Fault(object):
    """One armed fault: fires on the ``nth`` matching request from now, ``times`` times in a row.

    ``times=None`` makes it persistent: every matching request from the
    ``nth`` on answers the fault until it is disarmed (``Faults.remove`` or
    ``clear``); a "persistent admin lock" is ``add("lock", match=..., times=None)``.
    """

    def __init__(self, kind, match=None, nth=1, times=1, code=500, message=None, status=None):
        if kind not in KINDS:
            raise ValueError("fault kind must be one of %s, got %r" % (", ".join(KINDS), kind))
        if int(nth) < 1 or (times is not None and int(times) < 1):
            raise ValueError("nth and times must be at least 1 (times=None: until disarmed)")
        self.kind = kind
        self.match = match
        self.nth = int(nth)
        self.times = None if times is None else int(times)
        self.code = int(code)
        self.message = message
        self.status = None if status is None else int(status)
        self.seen = 0  # matching requests since the fault was armed
        self.fired = 0

    @property
    def exhausted(self):
        """True once the fault has fired ``times`` times (never for a persistent fault)."""
        return self.times is not None and self.fired >= self.times

    def matches(self, path):
        """True when ``path`` contains ``match`` (any path when match is None)."""
        return self.match is None or text_type(self.match).lower() in path.lower()

    def to_dict(self):
        """Plain-data view for the control plane."""
        return OrderedDict([("kind", self.kind), ("match", self.match), ("nth", self.nth),
                            ("times", self.times), ("code", self.code),
                            ("message", self.message), ("status", self.status),
                            ("seen", self.seen), ("fired", self.fired)])


class Faults(object):
    """The set of armed faults of one sandbox, driven from Python or ``/sandbox-api/faults``."""

    def __init__(self, site):
        self._site = site
        self._lock = threading.Lock()
        self._faults = []
        self._expire_after = None  # requests left before every token expires

    def expire_tokens(self):
        """Expire every token issued so far, now."""
        with self._lock:
            self._expire_after = None
        self._site.expire_all_tokens()

    def expire_tokens_after(self, n_requests):
        """Let the next ``n_requests`` requests pass, then expire every token issued so far."""
        n_requests = int(n_requests)
        if n_requests < 0:
            raise ValueError("n_requests must be 0 or more")
        with self._lock:
            self._expire_after = n_requests
        if n_requests == 0:
            self.expire_tokens()

    def add(self, kind, match=None, nth=1, times=1, code=500, message=None, status=None):
        """Arm a fault and return it (its ``fired`` count shows whether it went off).

        kind: "envelope" (admin/REST error with ``code`` and ``message``),
        "lock" (the service-configuring lock message), "store-lock" (the
        store message), "drop" (close the socket, no response), "drop-after"
        (do the work, then close the socket with no response: the answer is
        lost after the server acted), "html" (an
        HTTP 200 text/html login page, as a Web Adaptor or proxy answers) or
        "http-status" (a raw HTTP error, ``status`` default 502) or "cut" (the request
        is served, but the connection ends halfway through the body it announced: a
        download cut in the middle).
        """
        fault = Fault(kind, match=match, nth=nth, times=times, code=code,
                      message=message, status=status)
        with self._lock:
            self._faults.append(fault)
        return fault

    def remove(self, fault):
        """Disarm one fault (e.g. a persistent lock); True if it was armed."""
        with self._lock:
            if fault in self._faults:
                self._faults.remove(fault)
                return True
        return False

    def change_password(self, username, new_password, expire_tokens=True):
        """"Password changed mid-run": later sign-ins with the old password fail.

        With ``expire_tokens`` the user's tokens issued so far expire now, so
        the client's next call meets 498 and its re-sign-in meets the
        bad-credentials error. The new password is never logged or echoed.
        """
        self._site.change_password(username, new_password, expire_tokens=expire_tokens)

    def clear(self):
        """Disarm every fault and any pending token expiry."""
        with self._lock:
            self._faults = []
            self._expire_after = None

    def armed(self):
        """The armed ``Fault`` objects, oldest first (a copy)."""
        with self._lock:
            return list(self._faults)

    def list(self):
        """Plain-data view of the armed faults."""
        with self._lock:
            return [f.to_dict() for f in self._faults]

    def on_request(self, path):
        """Count one request; return the fault to fire for it, or None.

        Called by the server once per emulated request (the control plane is
        not counted). A pending ``expire_tokens_after`` is applied here, before
        the request is authorised.
        """
        expire_now = False
        chosen = None
        with self._lock:
            if self._expire_after is not None:
                if self._expire_after <= 0:
                    expire_now = True
                    self._expire_after = None
                else:
                    self._expire_after -= 1
            for fault in self._faults:
                if fault.exhausted or not fault.matches(path):
                    continue
                fault.seen += 1
                if chosen is None and fault.seen >= fault.nth:
                    fault.fired += 1
                    chosen = fault
        if expire_now:
            self._site.expire_all_tokens()
        return chosen
