"""The journal of a stop: which services were running before, and what happened to each.

It is written before the first service is stopped and rewritten atomically (write, fsync,
rename) after each one, so a crash, a cancel or a failed data load in the middle still leaves a
true record of what to restart. ``start --journal`` restarts exactly the recorded services that
are still stopped, and marks them, so it can be run again safely.

Two processes may share one journal (two scheduled stops of different folders): every write
takes a lock file beside the journal (``<journal>.lock``, created with O_CREAT|O_EXCL, which
works the same on Windows and POSIX), re-reads the file if another process changed it, merges,
and only then replaces it. No entry is ever lost to "the last writer wins".
"""

import collections
import errno
import json
import os
import threading
import time

from . import jsonfile
from ._compat import host_name, monotonic, pid_alive, string_types, to_text, write_atomic
from .errors import AdminError, InvalidInput, JournalBusy

FORMAT = "agsadmin-journal"

#: Entry states: planned but not yet stopped; stopped by us; the stop failed (the service is
#: probably still running); never touched because the user cancelled; started again from
#: this journal. Every state but RESTARTED is checked against the server on restart.
PENDING, STOPPED, FAILED, RESTARTED = "pending", "stopped", "failed", "restarted"
CANCELLED_ENTRY = "cancelled"
STATES = (PENDING, STOPPED, FAILED, RESTARTED, CANCELLED_ENTRY)

LOCK_SUFFIX = ".lock"
#: How long a write waits for another process's lock. Locks are held for one read-merge-write
#: (milliseconds), so a lock held this long belongs to a hung process or another machine.
LOCK_WAIT = 10.0
#: A lock file whose holder cannot be read (its writer died between create and write) is
#: taken for stale after this many seconds.
UNREADABLE_LOCK_STALE = 30.0

#: ``deferred()`` writes at most this often (seconds) while a batch marks services one by one.
DEFER_INTERVAL = 0.5


def _now():
    # time.gmtime, not datetime.utcnow (deprecated in 3.12) nor timezone.utc (absent in 2.7).
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


LockHolder = collections.namedtuple("LockHolder", "pid host since")


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
        self._lock = threading.RLock()
        self._dirty = set()  # names changed here and not yet written
        self._disk_signature = None  # (inode, size, mtime) of the file as we last wrote it
        self._defer_depth = 0
        self._last_write = 0.0
        self._lines = {}  # name -> its JSON line, re-encoded only when the entry changes

    @classmethod
    def load(cls, path, site=None, any_site=False):
        """Read a journal file; ``site`` (if given) must be the one it was written for.

        Args:
            any_site: accept a journal written through another URL (a Web Adaptor, another
                host name of the same site). The caller vouches that it is the same site.

        Raises:
            InvalidInput: missing or unreadable file, an entry without its keys, a journal
                that names no site, or a journal of another site (unless ``any_site``).
        """
        data = jsonfile.read_format(path, FORMAT, "Journal",
                                    hint="Give the file that {stop_journal} wrote.")
        journal = cls(path, None)
        journal._take(data)
        if site and not any_site and journal.site.rstrip("/").lower() != \
                site.rstrip("/").lower():
            raise InvalidInput(
                "Journal '%s' belongs to %s, not to %s." % (path, journal.site, site),
                hint="If both URLs reach the same site (a Web Adaptor, another host name), "
                     "load it with any_site=True (Journal.load or Journal.open).")
        journal._disk_signature = _signature(path)
        return journal

    @classmethod
    def open(cls, path, site, any_site=False):
        """The journal at ``path`` if it exists (keeping its unfinished entries), else a new one.

        Checks now, before anything is stopped, that the journal can be written there.

        Raises:
            InvalidInput: the folder does not exist or cannot be written, the path is a
                folder, or an existing file is not a journal of this site.
        """
        if path:
            _check_writable(path)
        if path and os.path.exists(path):
            journal = cls.load(path, site, any_site=any_site)
            journal.site = journal.site or site
            return journal
        return cls(path, site)

    # -- changes: each one is merged with the file and written under the lock ---------

    def plan(self, services):
        """Record ``services`` (name -> state before) as about to be stopped, then save.

        Entries of an earlier stop that were never restarted are kept: a second stop with
        the same journal must not forget what the first one stopped. Always written at once,
        even inside :meth:`deferred`: the plan must be on disk before the first stop.
        """
        def change():
            for name, before in services:
                entry = self.entries.get(name)
                if entry is not None and entry["state"] in (STOPPED, PENDING):
                    continue
                self.entries[name] = {"service": name, "before": before, "state": PENDING,
                                      "updated": _now()}
                self._dirty.add(name)
        self._update(change, force=True)

    def mark(self, name, state, message=None):
        """Set one service's state and save (inside :meth:`deferred`, at most every
        ``DEFER_INTERVAL`` seconds and when the block ends)."""
        def change():
            entry = self.entries.setdefault(name, {"service": name, "before": None})
            entry["state"] = state
            entry["updated"] = _now()
            if message:
                entry["message"] = to_text(message)
            else:
                entry.pop("message", None)
            self._dirty.add(name)
        self._update(change)

    def mark_many(self, names, state):
        """Set the same state for several services with one write (a finished batch)."""
        def change():
            stamp = _now()
            for name in names:
                entry = self.entries.setdefault(name, {"service": name, "before": None})
                entry.update(state=state, updated=stamp)
                entry.pop("message", None)
                self._dirty.add(name)
        self._update(change)

    def deferred(self):
        """A context in which marks are written at most every ``DEFER_INTERVAL`` seconds, and
        once at the end: what a run that marks services one by one (``--no-batch``) uses so
        1000 services do not rewrite the file 1000 times.

        Safe because restart checks every entry that is not RESTARTED against the server:
        a crash inside the block leaves PENDING/STOPPED entries that are still restarted.
        """
        return _Deferred(self)

    def flush(self):
        """Write what is not written yet."""
        with self._lock:
            if self._dirty:
                self._update(lambda: None, force=True)

    # -- reading ----------------------------------------------------------------------

    def to_restart(self):
        """Names of recorded services not yet restarted, in the order they were recorded."""
        return [name for name, entry in self.entries.items() if entry["state"] != RESTARTED]

    def state(self, name):
        entry = self.entries.get(name)
        return entry["state"] if entry else None

    def to_dict(self):
        return {"format": FORMAT, "version": 1, "site": self.site, "created": self.created,
                "updated": _now(), "services": list(self.entries.values())}

    # -- the machinery ------------------------------------------------------------------

    def _update(self, change, force=False):
        with self._lock:
            if not self.path:
                change()
                self._dirty.clear()
                return
            if self._defer_depth and not force and \
                    monotonic() - self._last_write < DEFER_INTERVAL:
                change()
                return
            with _FileLock(self.path):
                self._merge_from_disk()
                change()
                self._write()

    def _merge_from_disk(self):
        """Take in what other processes wrote since our last write; ours wins per entry
        only for the entries we changed ourselves."""
        signature = _signature(self.path)
        if signature is None or signature == self._disk_signature:
            return
        try:
            data = jsonfile.read_format(self.path, FORMAT, "Journal")
            other = Journal(self.path, None)
            other._take(data)
        except InvalidInput:
            return  # rewritten by something else: keep ours rather than lose it
        merged = collections.OrderedDict()
        for name, entry in other.entries.items():
            merged[name] = self.entries[name] if name in self._dirty and \
                name in self.entries else entry
        for name, entry in self.entries.items():
            if name not in merged:
                merged[name] = entry
        self.entries = merged
        self._lines = {}
        self.site = self.site or other.site
        self.created = min(self.created, other.created)

    def _write(self):
        for name in self._dirty:
            self._lines.pop(name, None)
        lines = []
        for name, entry in self.entries.items():
            line = self._lines.get(name)
            if line is None:
                line = self._lines[name] = json.dumps(entry, sort_keys=True)
            lines.append(line)
        try:
            write_atomic(self.path, _dumps(self.to_dict(), lines))
        except (IOError, OSError) as exc:
            raise AdminError("Journal '%s' could not be written (%s)."
                             % (self.path, errno.errorcode.get(exc.errno, type(exc).__name__)),
                             hint="Free space or fix permissions there; the services already "
                                  "stopped are still listed in the last good copy.")
        self._dirty.clear()
        self._disk_signature = _signature(self.path)
        self._last_write = monotonic()

    def _take(self, data):
        """Fill this journal from a file's JSON, checking every entry (one sentence each)."""
        path = self.path
        site = data.get("site")
        if not isinstance(site, string_types) or not site.strip():
            raise InvalidInput("Journal '%s' names no site, so it cannot be matched to a "
                               "server." % path,
                               hint="Give the file that {stop_journal} wrote.")
        services = data.get("services", [])
        if not isinstance(services, list):
            raise InvalidInput("Journal '%s' has no list of services." % path)
        self.site = site
        created = data.get("created")
        if isinstance(created, string_types):
            self.created = created
        for number, entry in enumerate(services, 1):
            problem = _entry_problem(entry)
            if problem:
                raise InvalidInput("Entry %d of journal '%s' %s." % (number, path, problem),
                                   hint="Give the file that {stop_journal} wrote.")
            self.entries[entry["service"]] = dict(entry)


class _Deferred(object):
    def __init__(self, journal):
        self.journal = journal

    def __enter__(self):
        with self.journal._lock:
            self.journal._defer_depth += 1
        return self.journal

    def __exit__(self, *exc):
        with self.journal._lock:
            self.journal._defer_depth -= 1
            if not self.journal._defer_depth:
                self.journal.flush()


def _entry_problem(entry):
    if not isinstance(entry, dict):
        return "is not an object"
    name = entry.get("service")
    if not isinstance(name, string_types) or not name.strip():
        return "has no 'service' name"
    if entry.get("state") not in STATES:
        return "has no valid 'state' (one of %s)" % ", ".join(STATES)
    return None


def _dumps(data, entry_lines):
    """Indented enough to read, one service per line. Each entry's line is encoded once and
    reused until it changes (re-encoding 1000 entries per mark made ``--no-batch`` quadratic;
    ``indent`` would also force json's slow pure-Python encoder)."""
    head = dict(data)
    head.pop("services")
    lines = ",\n    ".join(entry_lines)
    body = json.dumps(head, sort_keys=True)[:-1]
    return "%s, \"services\": [\n    %s\n]}\n" % (body, lines) if lines else \
        "%s, \"services\": []}\n" % body


def _signature(path):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime)


def _check_writable(path):
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise InvalidInput("Journal '%s' is a folder; give a file name." % path)
    if not os.path.isdir(folder):
        raise InvalidInput("The folder of journal '%s' does not exist." % path,
                           hint="Create the folder first, or give a journal path in an "
                                "existing folder.")
    # The lock file is the real test: creating it is what every write will do.
    with _FileLock(path):
        pass


class _FileLock(object):
    """``<path>.lock``, created exclusively, holding who took it (pid, host, time).

    A lock left by a dead process of this machine is removed; one held by a live process or
    by another machine is waited for up to ``LOCK_WAIT`` seconds, then reported by name.
    """

    def __init__(self, path):
        self.path = path + LOCK_SUFFIX
        self.journal = path

    def __enter__(self):
        deadline = monotonic() + LOCK_WAIT
        pause = 0.005
        refused = 0
        while True:
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except OSError as exc:
                # EEXIST: someone holds it. EACCES with no lock file: the folder is not
                # writable (Windows also says EACCES for a lock being deleted: try again).
                if exc.errno == errno.EACCES and not os.path.exists(self.path):
                    refused += 1
                if exc.errno not in (errno.EEXIST, errno.EACCES) or refused > 5:
                    raise InvalidInput(
                        "Journal '%s' cannot be written here (%s)."
                        % (self.journal, errno.errorcode.get(exc.errno, "error")),
                        hint="Give a journal path in a folder you can write to.")
                holder = _read_holder(self.path)
                if self._stale(holder):
                    _remove_if_same(self.path, holder)
                    continue
                if monotonic() > deadline:
                    raise JournalBusy(_busy_message(self.journal, self.path, holder),
                                      hint="Wait for that run to finish; if no agsadmin is "
                                           "running there, delete the lock file.")
                time.sleep(pause)
                pause = min(pause * 2, 0.1)
                continue
            with os.fdopen(fd, "w") as handle:
                handle.write(json.dumps({"pid": os.getpid(), "host": host_name(),
                                         "since": _now()}))
            return self

    def __exit__(self, *exc):
        try:
            os.remove(self.path)
        except OSError:  # pragma: no cover - removed by someone who judged it stale
            pass

    def _stale(self, holder):
        if holder is None:
            try:
                age = time.time() - os.path.getmtime(self.path)
            except OSError:
                return False  # gone already: just try again
            return age > UNREADABLE_LOCK_STALE
        return holder.host == host_name() and not pid_alive(holder.pid)


def _read_holder(path):
    try:
        with open(path) as handle:
            data = json.loads(handle.read())
        return LockHolder(int(data["pid"]), to_text(data["host"]), to_text(data["since"]))
    except (IOError, OSError, ValueError, KeyError, TypeError):
        return None


def _remove_if_same(path, holder):
    """Remove a stale lock, unless another process replaced it since we read it."""
    if _read_holder(path) == holder:
        try:
            os.remove(path)
        except OSError:
            pass


def _busy_message(journal, lock_path, holder):
    if holder is None:
        who = "another process"
    else:
        who = "process %d on %s (since %s)" % (holder.pid, holder.host, holder.since)
    return "Journal '%s' is locked by %s: lock file '%s'." % (journal, who, lock_path)
