"""The one batch engine: run an operation over many services, safely, with a result for each.

An operation (stop, start, delete...) is declared as an :class:`Operation`; the engine does
the rest the same way for all of them:

- skip the services already in the operation's target state;
- record the plan in the journal before the first request, and each outcome after it;
- send the server's batch operation where the version has one (``stopServices``), in chunks
  side by side, else one request per service, ``parallel`` at once; a batch the server
  refuses is redone service by service so that each failure is named;
- never repeat an operation that is not safe to repeat: after a dropped connection it reads
  the service's state to learn whether the request took effect;
- wait until each service really reaches the target state;
- return a :class:`~agsadmin_core.results.BatchResult`, and raise one error at the end that
  lists every failure (:class:`~agsadmin_core.errors.BatchFailed`) or says what a cancel left
  (:class:`~agsadmin_core.errors.Cancelled`); both carry the result and its journal.

Only HTTP calls run on worker threads; journal writes and reporter calls happen on the
caller's thread (:func:`~agsadmin_core.workers.run_bounded`).
"""

import collections

from . import options as declared
from .errors import AdminError, AuthenticationFailed, BatchFailed, Cancelled, \
    ConnectionFailed, InvalidInput
from .jobs import wait_until
from .journal import CANCELLED_ENTRY, FAILED as JOURNAL_FAILED
from .reporter import Reporter
from .results import BatchResult, CANCELLED, FAILED, OK, PLANNED, SKIPPED, ServiceResult
from .workers import run_bounded

#: Most services per batch request: large enough to save requests, small enough that
#: progress, cancellation and the journal move in useful steps.
BATCH_SIZE = 25

#: Absent from the server: the "state" a delete waits for.
GONE = None


class Operation(collections.namedtuple("Operation", [
        "name", "path", "batch_path", "batch_since", "target", "done_word", "journal_state",
        "plans_journal", "safe_to_repeat"])):
    """How to run one kind of change over services.

    Attributes:
        name: the operation's name in messages and results (``stop``).
        path: the per-service operation, appended to the service's admin path (``stop``).
        batch_path: the server's many-services operation under ``services/``
            (``stopServices``), or None.
        batch_since: the first server version that has ``batch_path``, e.g. ``(10, 3)``.
        target: the realTimeState a service has afterwards (``STOPPED``), or :data:`GONE`.
            Services already there are skipped; the engine waits until each reaches it.
        done_word: past tense for messages (``stopped``).
        journal_state: the journal entry's state once the change is done (or None).
        plans_journal: True when the journal records the services *before* the change (a
            stop: so that a crash still leaves a list of what to restart).
        safe_to_repeat: True when sending it twice does no harm (stop, start), so dropped
            connections and the admin lock are retried; a delete is not.
    """

    __slots__ = ()


class BatchOptions(collections.namedtuple("BatchOptions",
                                          "wait timeout parallel batch reporter dry_run")):
    """How to run a batch: wait for the new states (up to ``timeout`` seconds), ``parallel``
    requests at once, use the server's batch operation (``batch``: None = when the server
    has it), report to ``reporter``, or only plan (``dry_run``)."""

    __slots__ = ()

    def __new__(cls, wait=True, timeout=None, parallel=None, batch=None, reporter=None,
                dry_run=False):
        # The defaults and limits are declared once, in options.py.
        timeout = declared.WAIT_TIMEOUT.default if timeout is None else timeout
        parallel = declared.PARALLEL.default if parallel is None else parallel
        try:
            timeout = float(timeout)
            parallel = int(parallel)
        except (TypeError, ValueError):
            raise InvalidInput("The wait timeout must be a number of seconds and parallel a "
                               "whole number.")
        if not (0 < timeout < float("inf")):
            raise InvalidInput("The wait timeout must be a positive number of seconds.")
        if not declared.PARALLEL.minimum <= parallel <= declared.PARALLEL.maximum:
            raise InvalidInput("Parallel must be between %d and %d."
                               % (declared.PARALLEL.minimum, declared.PARALLEL.maximum))
        return super(BatchOptions, cls).__new__(cls, bool(wait), timeout, parallel, batch,
                                                reporter or Reporter(), bool(dry_run))

    @classmethod
    def build(cls, options=None, **keywords):
        """``options`` with ``keywords`` applied over it (scripts may pass either).

        Raises:
            TypeError: an unknown keyword (a typo must not pass silently).
        """
        unknown = set(keywords) - set(cls._fields)
        if unknown:
            raise TypeError("unknown batch option(s): %s" % ", ".join(sorted(unknown)))
        values = (options or cls())._asdict()
        values.update(keywords)
        return cls(**values)


class BatchEngine(object):
    """Runs :class:`Operation` s for one session.

    Args:
        session: the :class:`~agsadmin_core.session.AdminSession`.
        read_states: ``read_states(folder)`` -> the folder's
            :class:`~agsadmin_core.services.ServiceInfo` list, to wait for new states and to
            learn the outcome of a request whose answer was lost.
    """

    def __init__(self, session, read_states):
        self._session = session
        self._read_states = read_states

    def run(self, operation, infos, options, journal=None, raise_failures=True):
        """Apply ``operation`` to ``infos`` (ServiceInfo, in the order to report them).

        Returns:
            a :class:`BatchResult` holding ``journal``.

        Raises:
            BatchFailed: some service failed (when ``raise_failures``).
            Cancelled: the reporter said so before every service was handled.
        """
        op = operation
        self._session.new_run(notice=options.reporter.warning)
        results = collections.OrderedDict()
        interrupted = []
        todo = []
        for info in infos:
            if op.target is not GONE and info.configured_state == op.target and \
                    info.realtime_state == op.target:
                results[info.ref] = ServiceResult(info.ref, SKIPPED, info.realtime_state,
                                                  info.realtime_state,
                                                  "already %s" % op.target.lower())
                if journal is not None and not op.plans_journal and op.journal_state:
                    journal.mark(info.ref, op.journal_state, "was already %s"
                                 % op.target.lower())
            else:
                todo.append(info)

        def finish(raise_failures=raise_failures):
            result = BatchResult(op.name, [results[i.ref] for i in infos], op.done_word,
                                 journal, options.dry_run)
            not_begun = result.having(CANCELLED)
            if not_begun or interrupted:
                raise Cancelled("Cancelled: %d of %d services were not %s."
                                % (len(not_begun), len(todo), op.done_word), result=result,
                                operation=op.name,
                                hint="What was done is in the results%s."
                                     % (" and the journal" if journal is not None and
                                        journal.path else ""))
            if raise_failures and result.failures:
                raise BatchFailed("%d of %d services could not be %s: %s"
                                  % (len(result.failures), len(result), op.done_word,
                                     result.failure_text()), result)
            return result

        if options.dry_run:
            for info in todo:
                results[info.ref] = ServiceResult(info.ref, PLANNED, info.realtime_state,
                                                  None, "would %s" % op.name)
            return finish()
        if journal is not None and op.plans_journal:
            journal.plan([(i.ref, i.realtime_state) for i in todo])
        outcomes = {}
        try:
            # Each outcome is written to the journal as it arrives (journal.py keeps a mark
            # cheap), so a crash at any point leaves a true record.
            self._send(op, todo, options, journal, outcomes)
        except KeyboardInterrupt:
            # Ctrl-C: what was confirmed is kept; the rest is reported as cancelled (a
            # request under way may still have done its work: the journal keeps those
            # services, and a restart checks their real state).
            interrupted.append(True)
        for info in todo:
            status, message = outcomes.get(
                info.ref, (CANCELLED, "cancelled before it was %s" % op.done_word))
            results[info.ref] = ServiceResult(info.ref, status, info.realtime_state, None,
                                              message)
            if status == CANCELLED and journal is not None and op.plans_journal:
                journal.mark(info.ref, CANCELLED_ENTRY, message)
        requested = [i for i in todo if results[i.ref].status == OK]
        if options.wait and requested and not interrupted:
            try:
                self._wait(op, requested, results, options, journal)
            except KeyboardInterrupt:
                interrupted.append(True)
        return finish()

    # -- sending ----------------------------------------------------------------------------

    def _use_batch(self, op, todo, options):
        if not op.batch_path or len(todo) < 2 or options.batch is False:
            return False
        return options.batch is True or self._session.version >= op.batch_since

    def _send(self, op, todo, options, journal, done):
        """Ask the server to change each service; fills ``done`` with ``{ref: (status,
        message)}`` as answers arrive (so a Ctrl-C keeps what was confirmed).

        Raises:
            AuthenticationFailed: the sign-in was refused; nothing more was sent.
        """
        reporter = options.reporter
        total = len(todo)
        fatal = []

        def stop_now():
            return bool(fatal) or reporter.cancelled()

        def record(info, outcome, to_journal=True):
            if isinstance(outcome, AuthenticationFailed):
                fatal.append(outcome)   # the sign-in is refused: no more attempts at all
                return
            done[info.ref] = outcome
            if journal is not None and to_journal:
                state = op.journal_state if outcome[0] == OK else JOURNAL_FAILED
                if state:
                    journal.mark(info.ref, state, outcome[1])
            reporter.progress(len(done), total, info.ref)

        def one(info):
            try:
                self._session.call(info.service_ref.admin_path + "/" + op.path,
                                   operation=op.name, service=info.ref,
                                   safe_to_repeat=op.safe_to_repeat)
                return OK, None
            except ConnectionFailed as exc:
                if op.safe_to_repeat:
                    return FAILED, _short(exc)
                return self._outcome_after_lost_answer(op, [info], exc)[info.ref]
            except AuthenticationFailed as exc:
                return exc
            except AdminError as exc:
                return FAILED, _short(exc)

        if not self._use_batch(op, todo, options):
            run_bounded(one, todo, workers=options.parallel, cancelled=stop_now,
                        on_done=record)
            if fatal:
                raise fatal[0]
            return

        def send(chunk):
            payload = {"services": [{"folderName": i.folder, "serviceName": i.name,
                                     "type": i.type} for i in chunk]}
            # The server works through the list before it answers: time per service.
            timeout = max(self._session.timeout, 30.0 + 5.0 * len(chunk))
            try:
                self._session.call("services/" + op.batch_path, {"services": payload},
                                   operation=op.batch_path, timeout=timeout,
                                   safe_to_repeat=op.safe_to_repeat)
            except ConnectionFailed as exc:
                if op.safe_to_repeat:
                    raise
                return self._outcome_after_lost_answer(op, chunk, exc)
            return None

        def chunk_done(chunk, outcome):
            if isinstance(outcome, AuthenticationFailed):
                fatal.append(outcome)
                return
            if isinstance(outcome, dict):   # the answer was lost; the states tell
                for info in chunk:
                    record(info, outcome[info.ref])
                return
            if isinstance(outcome, AdminError):
                # The batch answer names no service: learn which failed and why, one by one
                # (only safe operations are resent; the others are read back above).
                reporter.warning("%s failed (%s); trying the services one by one."
                                 % (op.batch_path, _short(outcome)))
                if not op.safe_to_repeat:
                    # The server may have done part of the batch before it refused: read
                    # the states, count what was done, and send singly only the rest.
                    chunk = self._left_after_refusal(op, chunk, outcome, record)
                run_bounded(one, chunk, workers=options.parallel, cancelled=stop_now,
                            on_done=record)
                return
            if outcome is not None:
                raise outcome
            # The batch did its work: put all of it on record before any callback runs.
            if journal is not None and op.journal_state:
                journal.mark_many([i.ref for i in chunk], op.journal_state)
            for info in chunk:
                record(info, (OK, None), to_journal=False)

        # The server works through a batch one service at a time, so the chunks go out
        # `parallel` at once, sized to spread the work evenly (at most BATCH_SIZE each).
        size = max(1, min(BATCH_SIZE, -(-total // options.parallel)))
        chunks = [todo[i:i + size] for i in range(0, total, size)]
        run_bounded(send, chunks, workers=options.parallel, cancelled=stop_now,
                    on_done=chunk_done)
        if fatal:
            raise fatal[0]

    def _left_after_refusal(self, op, chunk, error, record):
        """After a refused batch of an unsafe operation: record the services the server
        changed anyway and return those it did not (the only ones to send singly)."""
        try:
            now = self._states_of(chunk)
        except AdminError as exc:
            for info in chunk:
                record(info, (FAILED, "%s failed (%s) and the outcome could not be checked "
                                      "(%s); nothing was resent"
                              % (op.batch_path, _short(error), _short(exc))))
            return []
        left = []
        for info in chunk:
            if _reached(op, now.get(info.ref.lower())):
                record(info, (OK, None))
            else:
                left.append(info)
        return left

    def _outcome_after_lost_answer(self, op, infos, error):
        """The connection dropped after a request that must not be repeated: read the
        services' states to learn what happened, instead of sending it again."""
        outcome = {}
        try:
            now = self._states_of(infos)
        except AdminError:
            now = None
        for info in infos:
            if now is None:
                outcome[info.ref] = (FAILED, "the connection dropped (%s) and the outcome "
                                             "could not be checked; list the services to see "
                                             "it" % _short(error))
            elif _reached(op, now.get(info.ref.lower())):
                outcome[info.ref] = (OK, "the connection dropped, but the server had "
                                         "%s it" % op.done_word)
            else:
                outcome[info.ref] = (FAILED, "the connection dropped (%s) and the service "
                                             "was not %s; nothing was resent"
                                     % (_short(error), op.done_word))
        return outcome

    # -- waiting ----------------------------------------------------------------------------

    def _states_of(self, infos):
        """``{ref.lower(): ServiceInfo}`` for the folders of ``infos``, as the server says now."""
        states = {}
        for folder in sorted(set(i.folder for i in infos)):
            for info in self._read_states(folder):
                states[info.ref.lower()] = info
        return states

    def _wait(self, op, requested, results, options, journal):
        """Poll the folders until each requested service reaches the target state."""
        waiting = dict((i.ref.lower(), i) for i in requested)
        reporter = options.reporter

        def poll():
            for folder in sorted(set(i.folder for i in waiting.values())):
                try:
                    states = self._read_states(folder)
                except AdminError as exc:
                    reporter.warning("Could not read the states of folder '%s': %s"
                                     % (folder or "(root)", _short(exc)))
                    continue
                now = dict((info.ref.lower(), info) for info in states)
                for key in [k for k in waiting if waiting[k].folder == folder]:
                    info = now.get(key)
                    if _reached(op, info):
                        ref = waiting.pop(key).ref
                        after = info.realtime_state if info is not None else None
                        results[ref] = results[ref]._replace(after=after)
            return waiting

        wait_until(poll, lambda left: not left, options.timeout)
        for info in waiting.values():
            message = ("still not %s after %ss" % (op.target, int(options.timeout))
                       if op.target is not GONE else
                       "still on the server after %ss" % int(options.timeout))
            results[info.ref] = results[info.ref]._replace(status=FAILED, message=message)
            if journal is not None and not op.plans_journal:
                journal.mark(info.ref, JOURNAL_FAILED, message)


def _reached(op, info):
    """True when ``info`` (None: not on the server) shows ``op`` done."""
    if op.target is GONE:
        return info is None
    return info is not None and info.realtime_state == op.target


def _short(exc):
    """The server's words for a failure, without our own prefix."""
    return " ".join(exc.messages) if exc.messages else str(exc)
