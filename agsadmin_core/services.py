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

from .batch import BatchEngine, BatchOptions, Operation
from .errors import BatchFailed, Cancelled, InvalidInput, NotFound
from .journal import Journal, RESTARTED, STOPPED as JOURNAL_STOPPED
from .results import BatchResult, SKIPPED, STARTED, STOPPED, ServiceResult
from .selection import Selector, ServiceRef, parse_ref
from .workers import run_bounded

#: The operations of this resource, as the batch engine runs them (batch.Operation).
STOP = Operation(name="stop", path="stop", batch_path="stopServices", batch_since=(10, 3),
                 target=STOPPED, done_word="stopped", journal_state=JOURNAL_STOPPED,
                 plans_journal=True, safe_to_repeat=True)
START = Operation(name="start", path="start", batch_path="startServices", batch_since=(10, 3),
                  target=STARTED, done_word="started", journal_state=RESTARTED,
                  plans_journal=False, safe_to_repeat=True)


class ServiceInfo(collections.namedtuple(
        "ServiceInfo", "ref folder name type configured_state realtime_state is_default")):
    """One service as listed: ``ref`` is ``Folder/Name.Type`` (root: ``Name.Type``)."""

    __slots__ = ()

    @property
    def service_ref(self):
        return ServiceRef(self.folder, self.name, self.type)


class ServiceListing(list):
    """What :meth:`ServicesManager.list` returns: the :class:`ServiceInfo` s, sorted, and the
    patterns that matched nothing.

    A pattern that matches nothing is a *warning* in a listing, the same in every front end
    (the CLI prints it on stderr and exits 0; the toolbox adds a warning message): listing is
    a question, and "none" is an answer. Changing services (stop, start) refuses such a
    pattern instead, before anything is changed.
    """

    def __init__(self, infos=(), unmatched=()):
        list.__init__(self, infos)
        self.unmatched = list(unmatched)

    def warnings(self):
        """One sentence per pattern that matched nothing."""
        return ["No service matches '%s'." % pattern for pattern in self.unmatched]


class ServicesManager(object):
    """``server.services``: operations on the site's services."""

    def __init__(self, session):
        self._session = session
        self._engine = BatchEngine(session, self._folder_infos)

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
                                  service=ref.text, safe_to_repeat=True)
        return body.get("configuredState"), body.get("realTimeState")

    def stop_service(self, service):
        """``POST .../<name>.<type>/stop``; safe to repeat, so the admin lock is retried."""
        ref = _as_ref(service)
        self._session.call(ref.admin_path + "/stop", operation="stop", service=ref.text,
                           safe_to_repeat=True)

    def start_service(self, service):
        """``POST .../<name>.<type>/start``; safe to repeat, so the admin lock is retried."""
        ref = _as_ref(service)
        self._session.call(ref.admin_path + "/start", operation="start", service=ref.text,
                           safe_to_repeat=True)

    # -- listing ----------------------------------------------------------------------

    def list(self, folder=None, patterns=None, parallel=4, include_protected=False):
        """Services with their states, optionally limited to a folder and/or patterns.

        Without patterns, System, Utilities and Hosted are left out unless
        ``include_protected`` (every service of the site, e.g. for a picker).

        Reads the root listing, then one status report per folder that the selection can
        reach (so ``Maps/*`` costs two requests, whatever the size of the site).

        Returns:
            a :class:`ServiceListing` (a list of :class:`ServiceInfo`, and ``unmatched``:
            the patterns that matched nothing, which a front end shows as warnings).

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
        return ServiceListing(sorted(infos, key=lambda i: (i.folder.lower(), i.name.lower(),
                                                           i.type)), selector.unmatched())

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
            infos.append(ServiceInfo(ref.text, folder, ref.name, ref.type, configured,
                                     realtime, bool(entry.get("isDefault"))))
        return infos

    def _folder_exists(self, folder):
        if not folder:
            return True
        folders, _ = self.folders()
        return any(f.lower() == folder.lower() for f in folders)

    # -- stop, start, pause -----------------------------------------------------------

    def stop(self, patterns, folder=None, journal=None, options=None, **option_keywords):
        """Stop the selected services that are running.

        Args:
            patterns: names, globs and ``@list`` files (see :mod:`selection`).
            folder: only services of this folder.
            journal: a path or a :class:`Journal`; written before the first stop and after
                each one, so the services can be restarted exactly (see :meth:`start`).
            options: a :class:`~agsadmin_core.batch.BatchOptions`; its fields may also be
                given as keywords (``wait=False``, ``parallel=8``, ``dry_run=True``...).

        Returns:
            a :class:`~agsadmin_core.results.BatchResult` (a result per service, and the
            journal).

        Raises:
            InvalidInput: nothing named, or a pattern that matches no service (nothing
                is changed).
            BatchFailed: at the end, when any service failed; it carries the result.
            Cancelled: the reporter said so; the result and journal record what was done.
        """
        options = BatchOptions.build(options, **option_keywords)
        if not patterns and not folder:
            raise InvalidInput("Name the services to stop: a name, a pattern such as Maps/*, "
                               "a folder, or '*' for every service.")
        infos = self._select(patterns, folder)
        book = self._journal(journal) if journal is not None else None
        return self._engine.run(STOP, infos, options, book)

    def start(self, patterns=None, folder=None, journal=None, options=None, any_site=False,
              **option_keywords):
        """Start the selected services, or those a stop journal recorded.

        With ``journal``: the services the journal recorded that have not been restarted yet,
        each started only if it is still stopped, then marked as restarted, so running it
        again is safe. A journal written through another URL is refused unless ``any_site``
        (the same site reached by another name). Arguments and result otherwise as
        :meth:`stop`.

        Raises:
            InvalidInput: both or neither of patterns/journal given, a bad journal, a
                pattern that matches nothing.
            BatchFailed, Cancelled: as :meth:`stop`.
        """
        options = BatchOptions.build(options, **option_keywords)
        if journal is not None and (patterns or folder):
            raise InvalidInput("Give either service names or a journal, not both.")
        if journal is None:
            if not patterns and not folder:
                raise InvalidInput("Name the services to start, or give a journal.")
            return self._engine.run(START, self._select(patterns, folder), options)
        book = journal if isinstance(journal, Journal) else \
            Journal.load(journal, self._session.urls.site, any_site=any_site)
        names = book.to_restart()
        if not names:
            options.reporter.info("The journal has nothing left to restart.")
            return BatchResult(START.name, [], START.done_word, book, options.dry_run)
        live = dict((i.ref.lower(), i) for i in self.list(patterns=names))
        infos, gone = [], []
        for name in names:
            info = live.get(name.lower())
            if info is None:
                gone.append(ServiceResult(name, SKIPPED, None, None,
                                          "no longer on the server; nothing to restart"))
                if not options.dry_run:
                    book.mark(name, RESTARTED, "no longer on the server")
            else:
                infos.append(info)
        for result in gone:
            options.reporter.warning("%s: %s" % (result.service, result.message))
        try:
            result = self._engine.run(START, infos, options, book, raise_failures=False)
        except Cancelled as exc:
            exc.result = exc.result.with_results(gone + exc.results)
            exc.results = list(exc.result)
            raise
        result = result.with_results(gone + result.results)
        if result.failures:
            raise BatchFailed("%d of %d services could not be started: %s"
                              % (len(result.failures), len(result), result.failure_text()),
                              result)
        return result

    @contextlib.contextmanager
    def paused(self, patterns, journal=None, folder=None, options=None, **option_keywords):
        """Stop the selected services for the ``with`` block and restart exactly those after.

        They are restarted even when the block raises; if the stop itself partly fails,
        what was stopped is restarted before the error is raised. ``journal`` (a path) keeps
        a record on disk in case the process dies in the middle. Yields the stop's result.
        """
        options = BatchOptions.build(options, **option_keywords)
        book = self._journal(journal)
        restart = options._replace(dry_run=False)
        try:
            result = self.stop(patterns, folder=folder, journal=book, options=options)
        except (BatchFailed, Cancelled):
            self.start(journal=book, options=restart)
            raise
        try:
            yield result
        finally:
            self.start(journal=book, options=restart)

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
    return ServiceInfo(ref.text, folder, ref.name, ref.type, status.get("configuredState"),
                       status.get("realTimeState"), bool(entry.get("isDefault")))
