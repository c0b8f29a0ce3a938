"""The services of a site: list them, stop and start them, and pause them around a data load.

Wire contract (admin-api.md sections 2 and 3):

- ``POST /admin/services`` -> folders (``foldersDetail``) and root services;
- ``POST /admin/services[/<folder>]/report`` with ``parameters=["status"]`` -> every service of
  a folder with its configuredState and realTimeState, one request per folder;
- ``POST /admin/services/[<folder>/]<name>.<type>/status|start|stop``;
- ``POST /admin/services/stopServices|startServices`` with ``services={"services":[...]}``
  (10.3 and later) -> ``{"status":"success"}`` and no per-service detail, so each batch is
  followed by a status check, and a batch the server refuses is redone service by service.
"""

import collections
import contextlib
import time

from ._compat import monotonic
from .errors import AdminError, BatchFailed, Cancelled, InvalidInput, NotFound
from .journal import CANCELLED_ENTRY, FAILED, Journal, RESTARTED, STOPPED
from .reporter import Reporter
from .selection import Selector, ServiceRef, parse_ref
from .workers import run_bounded

STARTED_STATE, STOPPED_STATE = "STARTED", "STOPPED"

#: Most services per stopServices/startServices call: large enough to save requests, small
#: enough that progress, cancellation and the journal move in useful steps.
BATCH_SIZE = 25

# Result statuses.
OK, SKIPPED, FAILED_RESULT, CANCELLED, PLANNED = "ok", "skipped", "failed", "cancelled", "planned"


class ServiceInfo(collections.namedtuple(
        "ServiceInfo", "ref folder name type configured_state realtime_state is_default")):
    """One service as listed: ``ref`` is ``Folder/Name.Type`` (root: ``Name.Type``)."""

    __slots__ = ()

    @property
    def service_ref(self):
        return ServiceRef(self.folder, self.name, self.type)


class ServiceResult(collections.namedtuple("ServiceResult", "service status before after message")):
    """The outcome for one service of a batch.

    ``status`` is ``ok``, ``skipped`` (already in the wanted state), ``failed`` (``message``
    says why), ``cancelled`` (never started because the user cancelled) or ``planned``
    (``--dry-run``). ``before``/``after`` are realTimeStates.
    """

    __slots__ = ()


class ServicesManager(object):
    """``server.services``: operations on the site's services."""

    def __init__(self, server):
        self._server = server
        self._session = server.session

    # -- the server's operations ------------------------------------------------------

    def folders(self):
        """The root listing: ``(folders, root_services)``.

        ``folders`` maps each folder name to its ``isDefault`` flag (System and Utilities are
        default folders); ``root_services`` are the root folder's entries as the server sent
        them.
        """
        body = self._session.call("services", operation="list services", safe_to_repeat=True)
        details = body.get("foldersDetail")
        if details:
            folders = collections.OrderedDict(
                (d["folderName"], bool(d.get("isDefault"))) for d in details)
        else:  # older servers list names only
            folders = collections.OrderedDict((name, name.lower() in ("system", "utilities"))
                                              for name in body.get("folders", []))
        return folders, body.get("services", [])

    def report(self, folder=""):
        """Every service of ``folder`` ("" = root) with its states, in one request.

        Raises:
            NotFound: the folder does not exist, or the server has no report resource.
        """
        path = "services/%s/report" % folder if folder else "services/report"
        body = self._session.call(path, {"parameters": ["status"]},
                                  operation="report", safe_to_repeat=True)
        return [_info_from_report(entry, folder) for entry in body.get("reports", [])]

    def status(self, service):
        """``(configuredState, realTimeState)`` of one service."""
        ref = _as_ref(service)
        body = self._session.call(ref.admin_path + "/status", operation="status",
                                  service=str(ref), safe_to_repeat=True)
        return body.get("configuredState"), body.get("realTimeState")

    def stop_service(self, service):
        """``POST .../<name>.<type>/stop``; safe to repeat, so the admin lock is retried."""
        ref = _as_ref(service)
        self._session.call(ref.admin_path + "/stop", operation="stop", service=str(ref),
                           safe_to_repeat=True)

    def start_service(self, service):
        """``POST .../<name>.<type>/start``; safe to repeat, so the admin lock is retried."""
        ref = _as_ref(service)
        self._session.call(ref.admin_path + "/start", operation="start", service=str(ref),
                           safe_to_repeat=True)

    def stop_services(self, services):
        """``POST /services/stopServices`` (10.3+) for many services in one request."""
        self._batch("stopServices", services)

    def start_services(self, services):
        """``POST /services/startServices`` (10.3+) for many services in one request."""
        self._batch("startServices", services)

    def _batch(self, operation, services):
        refs = [_as_ref(s) for s in services]
        payload = {"services": [{"folderName": r.folder, "serviceName": r.name, "type": r.type}
                                for r in refs]}
        # The server works through the list before it answers: give it time per service.
        timeout = max(self._session.timeout, 30.0 + 5.0 * len(refs))
        self._session.call("services/" + operation, {"services": payload},
                           operation=operation, timeout=timeout, safe_to_repeat=True)

    # -- listing ----------------------------------------------------------------------

    def list(self, folder=None, patterns=None, parallel=4, include_protected=False):
        """Services with their states, optionally limited to a folder and/or patterns.

        Without patterns, System, Utilities and Hosted are left out unless
        ``include_protected`` (every service of the site, e.g. for a picker).

        Reads the root listing, then one status report per folder that the selection can
        reach (so ``Maps/*`` costs two requests, whatever the size of the site).

        Raises:
            NotFound: ``folder`` does not exist.
            InvalidInput: a malformed pattern.
        """
        selector = patterns if isinstance(patterns, Selector) else \
            Selector(patterns, folder, include_protected)
        folders, _ = self.folders()
        names = [""] + list(folders)
        if selector.folder is not None and not selector.folders_needed(names):
            raise NotFound("Folder '%s' does not exist." % selector.folder,
                           operation="list services")
        needed = selector.folders_needed(names)
        reports = run_bounded(self._folder_infos, needed, workers=parallel)
        infos = []
        for folder_name, found in zip(needed, reports):
            if isinstance(found, Exception):
                raise found
            default_folder = folders.get(folder_name, False)
            for info in found:
                if default_folder and not info.is_default:
                    info = info._replace(is_default=True)
                if selector.matches(ServiceRef(info.folder, info.name, info.type),
                                    info.is_default):
                    infos.append(info)
        return sorted(infos, key=lambda i: (i.folder.lower(), i.name.lower(), i.type))

    def _folder_infos(self, folder):
        try:
            return self.report(folder)
        except NotFound:
            if not self._folder_exists(folder):
                raise
        # No report resource on this server: list the folder, then one status per service.
        path = "services/%s" % folder if folder else "services"
        body = self._session.call(path, operation="list services", safe_to_repeat=True)
        infos = []
        for entry in body.get("services", []):
            ref = ServiceRef(folder, entry["serviceName"], entry["type"])
            configured, realtime = self.status(ref)
            infos.append(ServiceInfo(str(ref), folder, ref.name, ref.type, configured,
                                     realtime, bool(entry.get("isDefault"))))
        return infos

    def _folder_exists(self, folder):
        if not folder:
            return True
        folders, _ = self.folders()
        return any(f.lower() == folder.lower() for f in folders)

    # -- stop, start, pause -----------------------------------------------------------

    def stop(self, patterns, folder=None, journal=None, dry_run=False, wait=True,
             timeout=120.0, parallel=4, batch=None, reporter=None):
        """Stop the selected services that are running; return a result per service.

        Args:
            patterns: names, globs and ``@list`` files (see :mod:`selection`).
            folder: only services of this folder.
            journal: a path or a :class:`Journal`; written before the first stop and after
                each one, so the services can be restarted exactly (see :meth:`start`).
            dry_run: return the plan (status ``planned``/``skipped``) and change nothing.
            wait: poll until each service really reports STOPPED, up to ``timeout`` seconds.
            parallel: requests at once: batches of up to 25 services on 10.3+, else
                single services.
            batch: use stopServices (default: when the server has it, 10.3+).
            reporter: a :class:`Reporter` for progress and cancellation.

        Raises:
            InvalidInput: nothing named, or a pattern that matches no service (nothing
                is changed).
            BatchFailed: at the end, when any service failed; ``results`` holds them all.
            Cancelled: the reporter said so; the journal records what was done.
        """
        if not patterns and not folder:
            raise InvalidInput("Name the services to stop: a name, a pattern such as Maps/*, "
                               "a folder, or '*' for every service.")
        infos = self._select(patterns, folder)
        book = self._journal(journal) if journal is not None else None
        return self._change(STOPPED_STATE, infos, book, dry_run, wait, timeout, parallel,
                            batch, reporter)

    def start(self, patterns=None, folder=None, journal=None, dry_run=False, wait=True,
              timeout=120.0, parallel=4, batch=None, reporter=None):
        """Start the selected services, or those a stop journal recorded.

        With ``journal``: the services the journal recorded that have not been restarted yet,
        each started only if it is still stopped, then marked as restarted, so running it
        again is safe. Arguments otherwise as :meth:`stop`.

        Raises:
            InvalidInput: both or neither of patterns/journal given, a bad journal, a
                pattern that matches nothing.
            BatchFailed, Cancelled: as :meth:`stop`.
        """
        if journal is not None and (patterns or folder):
            raise InvalidInput("Give either service names or a journal, not both.")
        if journal is None:
            if not patterns and not folder:
                raise InvalidInput("Name the services to start, or give a journal.")
            infos = self._select(patterns, folder)
            return self._change(STARTED_STATE, infos, None, dry_run, wait, timeout, parallel,
                                batch, reporter)
        book = journal if isinstance(journal, Journal) else \
            Journal.load(journal, self._session.urls.site)
        names = book.to_restart()
        reporter = reporter or Reporter()
        if not names:
            reporter.info("The journal has nothing left to restart.")
            return []
        live = dict((i.ref.lower(), i) for i in self.list(patterns=names))
        infos, gone = [], []
        for name in names:
            info = live.get(name.lower())
            if info is None:
                gone.append(ServiceResult(name, SKIPPED, None, None,
                                          "no longer on the server; nothing to restart"))
                if not dry_run:
                    book.mark(name, RESTARTED, "no longer on the server")
            else:
                infos.append(info)
        for result in gone:
            reporter.warning("%s: %s" % (result.service, result.message))
        results = self._change(STARTED_STATE, infos, book, dry_run, wait, timeout, parallel,
                               batch, reporter, raise_failures=False)
        results = gone + results
        _raise_if_failed(results, "start")
        return results

    @contextlib.contextmanager
    def paused(self, patterns, journal=None, folder=None, **options):
        """Stop the selected services for the ``with`` block and restart exactly those after.

        They are restarted even when the block raises; if the stop itself partly fails,
        what was stopped is restarted before the error is raised. ``journal`` (a path) keeps
        a record on disk in case the process dies in the middle.
        """
        book = self._journal(journal)
        try:
            results = self.stop(patterns, folder=folder, journal=book, **options)
        except (BatchFailed, Cancelled):
            self.start(journal=book, **_start_options(options))
            raise
        try:
            yield results
        finally:
            self.start(journal=book, **_start_options(options))

    # -- the machinery ----------------------------------------------------------------

    def _journal(self, journal):
        if isinstance(journal, Journal):
            return journal
        return Journal.open(journal, self._session.urls.site)

    def _select(self, patterns, folder):
        selector = Selector(patterns, folder)
        infos = self.list(patterns=selector)
        missing = selector.unmatched()
        if missing:
            raise InvalidInput("No service matches %s." % ", ".join("'%s'" % m for m in missing),
                               hint="Nothing was changed. {list_services}; System, "
                                    "Utilities and Hosted are reached only when named, "
                                    "e.g. Utilities/*.")
        return infos

    def _change(self, target, infos, book, dry_run, wait, timeout, parallel, batch, reporter,
                raise_failures=True):
        reporter = reporter or Reporter()
        verb = "stop" if target == STOPPED_STATE else "start"
        results = collections.OrderedDict()
        todo = []
        for info in infos:
            if info.configured_state == target and info.realtime_state == target:
                results[info.ref] = ServiceResult(info.ref, SKIPPED, info.realtime_state,
                                                  info.realtime_state,
                                                  "already %s" % target.lower())
            else:
                todo.append(info)
        if dry_run:
            for info in todo:
                results[info.ref] = ServiceResult(info.ref, PLANNED, info.realtime_state,
                                                  None, "would %s" % verb)
            return [results[i.ref] for i in infos]
        for info in infos:
            if info.ref in results and book is not None and target == STARTED_STATE:
                book.mark(info.ref, RESTARTED, "was already running")
        if book is not None and target == STOPPED_STATE:
            book.plan([(i.ref, i.realtime_state) for i in todo])
        done = self._run(verb, todo, parallel, batch, reporter, book)
        for info in todo:
            status, message = done.get(info.ref, (CANCELLED, "cancelled before it was %s"
                                                  % ("stopped" if verb == "stop" else
                                                     "started")))
            results[info.ref] = ServiceResult(info.ref, status, info.realtime_state, None,
                                              message)
            if status == CANCELLED and book is not None and target == STOPPED_STATE:
                book.mark(info.ref, CANCELLED_ENTRY, message)
        requested = [i for i in todo if results[i.ref].status == OK]
        if wait and requested:
            self._wait_for(target, requested, results, timeout, reporter, book)
        ordered = [results[i.ref] for i in infos]
        if any(r.status == CANCELLED for r in ordered):
            raise Cancelled("Cancelled: %d of %d services were not %s."
                            % (sum(r.status == CANCELLED for r in ordered), len(todo),
                               "stopped" if verb == "stop" else "started"), results=ordered,
                            operation=verb, hint="What was done is in the results%s."
                                 % (" and the journal" if book is not None and book.path
                                    else ""))
        if raise_failures:
            _raise_if_failed(ordered, verb)
        return ordered

    def _run(self, verb, todo, parallel, batch, reporter, book):
        """Ask the server to change each service; returns {ref: (status, message)}."""
        done = {}
        total = len(todo)
        if batch is None:
            batch = len(todo) > 1 and self._server.version >= (10, 3)

        def record(info, outcome, journal=True):
            done[info.ref] = outcome
            if book is not None and journal:
                state = _journal_state(verb, outcome[0])
                if state:
                    book.mark(info.ref, state, outcome[1])
            reporter.progress(len(done), total, info.ref)

        def one(info):
            try:
                getattr(self, verb + "_service")(info.service_ref)
                return OK, None
            except AdminError as exc:
                return FAILED_RESULT, _short(exc)

        if not batch:
            run_bounded(one, todo, workers=parallel, cancelled=reporter.cancelled,
                        on_done=record)
            return done
        def send(chunk):
            getattr(self, verb + "_services")([i.service_ref for i in chunk])
            return None

        def chunk_done(chunk, error):
            if isinstance(error, AdminError):
                # The batch answer names no service: redo this chunk one by one to learn
                # which failed and why (start and stop are idempotent).
                reporter.warning("%sServices failed (%s); retrying one by one."
                                 % (verb, _short(error)))
                run_bounded(one, chunk, workers=parallel, cancelled=reporter.cancelled,
                            on_done=record)
                return
            if error is not None:
                raise error
            # The batch did its work: put all of it on record before any callback runs.
            if book is not None:
                book.mark_many([i.ref for i in chunk], _journal_state(verb, OK))
            for info in chunk:
                record(info, (OK, None), journal=False)

        # The server works through a batch one service at a time, so the chunks go out
        # `parallel` at once, sized to spread the work evenly (at most BATCH_SIZE each).
        size = max(1, min(BATCH_SIZE, -(-total // max(1, parallel))))
        chunks = [todo[i:i + size] for i in range(0, total, size)]
        run_bounded(send, chunks, workers=parallel, cancelled=reporter.cancelled,
                    on_done=chunk_done)
        return done

    def _wait_for(self, target, requested, results, timeout, reporter, book):
        """Poll the folders' reports until each service's realTimeState is ``target``."""
        deadline = monotonic() + float(timeout)
        waiting = dict((i.ref.lower(), i) for i in requested)
        pause = 0.1
        while waiting:
            for folder in sorted(set(i.folder for i in waiting.values())):
                try:
                    states = self._folder_infos(folder)
                except AdminError as exc:
                    reporter.warning("Could not read the status of folder '%s': %s"
                                     % (folder or "(root)", _short(exc)))
                    continue
                for info in states:
                    key = info.ref.lower()
                    if key in waiting and info.realtime_state == target:
                        ref = waiting.pop(key).ref
                        results[ref] = results[ref]._replace(after=info.realtime_state)
            if not waiting or monotonic() >= deadline:
                break
            time.sleep(pause)
            pause = min(pause * 2, 2.0)
        for info in waiting.values():
            message = "still not %s after %ss" % (target, int(timeout))
            results[info.ref] = results[info.ref]._replace(status=FAILED_RESULT,
                                                           message=message)
            if book is not None and target == STARTED_STATE:
                book.mark(info.ref, FAILED, message)


def _journal_state(verb, status):
    if verb == "stop":
        return STOPPED if status == OK else FAILED
    return RESTARTED if status == OK else FAILED


def _start_options(options):
    keep = ("wait", "timeout", "parallel", "batch", "reporter")
    return dict((k, v) for k, v in options.items() if k in keep)


def _raise_if_failed(results, verb):
    failed = [r for r in results if r.status == FAILED_RESULT]
    if failed:
        lines = "; ".join("%s: %s" % (r.service, r.message) for r in failed)
        raise BatchFailed("%d of %d services could not be %s: %s"
                          % (len(failed), len(results),
                             "stopped" if verb == "stop" else "started", lines),
                          results, operation=verb)


def _short(exc):
    """The server's words for a failure, without our own prefix."""
    return " ".join(exc.messages) if exc.messages else str(exc)


def _as_ref(service):
    if isinstance(service, ServiceRef):
        return service
    if isinstance(service, ServiceInfo):
        return service.service_ref
    return parse_ref(service)


def _info_from_report(entry, folder):
    status = entry.get("status") or {}
    folder = entry.get("folderName", folder)
    folder = "" if folder in ("/", None) else folder
    ref = ServiceRef(folder, entry["serviceName"], entry["type"])
    return ServiceInfo(str(ref), folder, ref.name, ref.type, status.get("configuredState"),
                       status.get("realTimeState"), bool(entry.get("isDefault")))
