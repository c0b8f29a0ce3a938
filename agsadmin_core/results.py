"""What a batch operation did: one vocabulary of statuses, a result per service, and the
whole run's :class:`BatchResult`, which carries its journal.

Every front end describes a run from a ``BatchResult`` held in memory (the CLI's table and
JSON, the toolbox's messages, the demo), never by reading the journal file back.
"""

import collections

#: A service's real-time and configured states, as the server spells them.
STARTED, STOPPED = "STARTED", "STOPPED"

#: Result statuses: done; not needed (already in the wanted state); failed (``message`` says
#: why); never begun because the user cancelled; what ``dry_run`` would do.
OK, SKIPPED, FAILED, CANCELLED, PLANNED = "ok", "skipped", "failed", "cancelled", "planned"
STATUSES = (OK, SKIPPED, PLANNED, FAILED, CANCELLED)


class ServiceResult(collections.namedtuple("ServiceResult", "service status before after message")):
    """The outcome for one service: ``service`` is ``Folder/Name.Type``, ``status`` one of
    :data:`STATUSES`, ``before``/``after`` its realTimeStates (None when unknown)."""

    __slots__ = ()


class BatchResult(object):
    """The results of one run of an operation over many services, in the order selected.

    It behaves as a sequence of :class:`ServiceResult` (``for r in result``, ``len``,
    ``result[0]``), and also holds:

    Attributes:
        operation: the operation's name (``stop``, ``start``, ``delete``...).
        done_word: its past tense for messages (``stopped``).
        journal: the :class:`~agsadmin_core.journal.Journal` the run kept, or None. Its
            ``path`` is None for an in-memory journal.
        dry_run: True when nothing was changed and ``planned`` says what would be.
    """

    def __init__(self, operation, results, done_word=None, journal=None, dry_run=False):
        self.operation = operation
        self.results = list(results)
        self.done_word = done_word or operation + "ed"
        self.journal = journal
        self.dry_run = dry_run

    def __iter__(self):
        return iter(self.results)

    def __len__(self):
        return len(self.results)

    def __getitem__(self, index):
        return self.results[index]

    def __repr__(self):
        return "<BatchResult %s: %s>" % (self.operation, self.summary())

    def with_results(self, results):
        """A copy holding ``results`` (e.g. with results prepended) and the same journal."""
        return BatchResult(self.operation, results, self.done_word, self.journal,
                           self.dry_run)

    def having(self, status):
        return [r for r in self.results if r.status == status]

    @property
    def failures(self):
        return self.having(FAILED)

    @property
    def ok(self):
        """True when no service failed and none was cancelled."""
        return not any(r.status in (FAILED, CANCELLED) for r in self.results)

    def counts(self):
        """``{status: count}`` in the order of :data:`STATUSES`, zero counts left out."""
        counts = collections.OrderedDict()
        for status in STATUSES:
            number = len(self.having(status))
            if number:
                counts[status] = number
        return counts

    def summary(self):
        """One line such as ``3 ok, 1 skipped`` (``no services`` for an empty run)."""
        parts = ["%d %s" % (n, status) for status, n in self.counts().items()]
        return ", ".join(parts) if parts else "no services"

    def failure_text(self):
        """``Folder/A.MapServer: why; Folder/B.MapServer: why`` for every failure."""
        return "; ".join("%s: %s" % (r.service, r.message) for r in self.failures)

    def to_json(self):
        """A plain dict for ``--json`` output and logs."""
        return {"operation": self.operation, "dry_run": self.dry_run,
                "journal": self.journal.path if self.journal is not None else None,
                "results": [{"service": r.service, "status": r.status, "before": r.before,
                             "after": r.after, "message": r.message} for r in self.results]}


class BackupResult(BatchResult):
    """The result of a delete (or a restore) that works with a backup folder.

    Attributes (besides those of :class:`BatchResult`):
        backup: the backup run's folder (``<backup_dir>/<timestamp>``) a delete wrote, or
            the folder a restore read; None for a delete without backup or a dry run.
    """

    def __init__(self, operation, results, done_word=None, backup=None, dry_run=False):
        BatchResult.__init__(self, operation, results, done_word, None, dry_run)
        self.backup = backup

    def with_results(self, results):
        return BackupResult(self.operation, results, self.done_word, self.backup,
                            self.dry_run)

    def to_json(self):
        data = BatchResult.to_json(self)
        data["backup"] = self.backup
        return data
