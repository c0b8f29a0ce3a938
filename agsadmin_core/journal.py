"""The journal of a stop: which services were running before, and what happened to each.

It is written before the first service is stopped and rewritten atomically (write, fsync,
rename) after each one, so a crash, a cancel or a failed data load in the middle still leaves a
true record of what to restart. ``start --journal`` restarts exactly the recorded services that
are still stopped, and marks them, so it can be run again safely.
"""

import collections
import os
import threading
import time

from . import jsonfile
from .errors import InvalidInput

FORMAT = "agsadmin-journal"

#: Entry states: planned but not yet stopped; stopped by us; the stop failed (the service is
#: probably still running); never touched because the user cancelled; started again from
#: this journal. Every state but RESTARTED is checked against the server on restart.
PENDING, STOPPED, FAILED, RESTARTED = "pending", "stopped", "failed", "restarted"
CANCELLED_ENTRY = "cancelled"


def _now():
    # time.gmtime, not datetime.utcnow (deprecated in 3.12) nor timezone.utc (absent in 2.7).
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class Journal(object):
    """A stop journal, kept in a file (``path``) or only in memory (``path=None``).

    Args:
        path: the journal file, or None for an in-memory record (``paused()`` in scripts).
        site: the site URL the services belong to; a journal never restarts another site's.
    """

    def __init__(self, path=None, site=None):
        self.path = path
        self.site = site
        self.created = _now()
        self.entries = collections.OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def load(cls, path, site=None):
        """Read a journal file; ``site`` (if given) must be the one it was written for.

        Raises:
            InvalidInput: missing or unreadable file, or a journal of another site.
        """
        data = jsonfile.read_format(path, FORMAT, "Journal",
                                    hint="Give the file that {stop_journal} wrote.")
        journal = cls(path, data.get("site"))
        journal.created = data.get("created", journal.created)
        for entry in data.get("services", []):
            journal.entries[entry["service"]] = dict(entry)
        if site and journal.site and journal.site.lower() != site.lower():
            raise InvalidInput("Journal '%s' belongs to %s, not to %s."
                               % (path, journal.site, site))
        return journal

    @classmethod
    def open(cls, path, site):
        """The journal at ``path`` if it exists (keeping its unfinished entries), else a new one."""
        if path and os.path.exists(path):
            journal = cls.load(path, site)
            journal.site = journal.site or site
            return journal
        return cls(path, site)

    def plan(self, services):
        """Record ``services`` (name -> state before) as about to be stopped, then save.

        Entries of an earlier stop that were never restarted are kept: a second stop with
        the same journal must not forget what the first one stopped.
        """
        with self._lock:
            for name, before in services:
                entry = self.entries.get(name)
                if entry is not None and entry["state"] in (STOPPED, PENDING):
                    continue
                self.entries[name] = {"service": name, "before": before, "state": PENDING,
                                      "updated": _now()}
            self._save()

    def mark(self, name, state, message=None):
        """Set one service's state and save at once."""
        with self._lock:
            entry = self.entries.setdefault(name, {"service": name, "before": None})
            entry["state"] = state
            entry["updated"] = _now()
            if message:
                entry["message"] = message
            else:
                entry.pop("message", None)
            self._save()

    def mark_many(self, names, state):
        """Set the same state for several services with one write (a finished batch)."""
        with self._lock:
            stamp = _now()
            for name in names:
                entry = self.entries.setdefault(name, {"service": name, "before": None})
                entry.update(state=state, updated=stamp)
                entry.pop("message", None)
            self._save()

    def to_restart(self):
        """Names of recorded services not yet restarted, in the order they were recorded."""
        return [name for name, entry in self.entries.items() if entry["state"] != RESTARTED]

    def state(self, name):
        entry = self.entries.get(name)
        return entry["state"] if entry else None

    def to_dict(self):
        return {"format": FORMAT, "version": 1, "site": self.site, "created": self.created,
                "updated": _now(), "services": list(self.entries.values())}

    def _save(self):
        if self.path:
            jsonfile.write(self.path, self.to_dict())
