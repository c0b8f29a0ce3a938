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
import re
import time

from . import service_backup
from .batch import BatchEngine, BatchOptions, GONE, Operation
from .errors import AdminError, AuthenticationFailed, BatchFailed, Cancelled, \
    ConnectionFailed, InvalidInput, NotFound, ServerError
from .jobs import wait_until
from .journal import Journal, RESTARTED, STOPPED as JOURNAL_STOPPED
from .results import BackupResult, BatchResult, CANCELLED, FAILED, OK, PLANNED, SKIPPED, STARTED, \
    STOPPED, ServiceResult
from .selection import PROTECTED_FOLDERS, Selector, ServiceRef, is_pattern, parse_ref
from .workers import run_bounded

#: The operations of this resource, as the batch engine runs them (batch.Operation).
STOP = Operation(name="stop", path="stop", batch_path="stopServices", batch_since=(10, 3),
                 target=STOPPED, done_word="stopped", journal_state=JOURNAL_STOPPED,
                 plans_journal=True, safe_to_repeat=True)
START = Operation(name="start", path="start", batch_path="startServices", batch_since=(10, 3),
                  target=STARTED, done_word="started", journal_state=RESTARTED,
                  plans_journal=False, safe_to_repeat=True)

# deleteServices arrived at 10.7.1 (admin-api.md section 3). A delete is not safe to
# repeat: after a dropped connection the engine reads the states back instead.
DELETE = Operation(name="delete", path="delete", batch_path="deleteServices",
                   batch_since=(10, 7, 1), target=GONE, done_word="deleted",
                   journal_state=None, plans_journal=False, safe_to_repeat=False)

#: Service names the server accepts: letters, digits, _ and -, at most 120 characters
#: (ArcObjects configuration names, admin-api.md section 10).
SERVICE_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
MAX_NAME = 120


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

    # -- delete, rename, restore ------------------------------------------------------

    def delete(self, patterns, backup_dir=None, backup=True, force_protected=False,
               folder=None, confirm=None, options=None, **option_keywords):
        """Back up the selected services, then delete them.

        Before any delete, each service's definition, status, item info, manifest and
        permissions are saved under ``<backup_dir>/<timestamp>/<Folder>/<Name.Type>/``
        (each file written atomically), with one ``backup.json`` index; a service whose
        backup cannot be read is not deleted. Then the batch engine deletes them
        (``deleteServices`` on 10.7.1 and later, else one request per service,
        ``parallel`` at once), never resending a delete blindly: after a dropped connection
        it checks whether the service is still there. The index then records what was
        deleted, so the backups of every deleted service exist even when the run fails
        half-way.

        Args:
            patterns: names, globs and ``@list`` files (see :mod:`selection`).
            backup_dir: where the backup run's folder is made. Required unless
                ``backup=False`` is given explicitly.
            backup: False to delete without any backup.
            force_protected: allow System, Utilities, hosted and default services; each
                must also be named exactly (``Utilities/Geometry.GeometryServer``).
            folder: only services of this folder.
            confirm: ``confirm(infos)`` -> bool, asked once the selection is known and before
                anything is written or deleted (the command line asks on a terminal).
            options: :class:`~agsadmin_core.batch.BatchOptions` or their keywords
                (``parallel``, ``dry_run``, ``wait``...).

        Returns:
            a :class:`~agsadmin_core.results.BackupResult` (``backup``: the run's folder).

        Raises:
            InvalidInput: no backup choice, nothing named, a pattern that matches nothing,
                a protected service not allowed; nothing was written or deleted.
            Cancelled: ``confirm`` said no (nothing changed), or the reporter said so.
            BatchFailed: at the end, listing every service that was not deleted.
        """
        options = BatchOptions.build(options, **option_keywords)
        if not patterns and not folder:
            raise InvalidInput("Name the services to delete: a name, a pattern such as "
                               "Maps/Old*, or a folder.")
        if backup and not backup_dir:
            raise InvalidInput("Nothing was deleted: choose where the backups go first.",
                               hint="{choose_backup}.")
        selector = Selector(patterns, folder)
        infos = self._select_with(selector)
        _check_protected(infos, selector.patterns, force_protected)
        if confirm is not None and not options.dry_run and not confirm(infos):
            raise Cancelled("Nothing was deleted.", operation=DELETE.name)
        if options.dry_run:
            planned = self._engine.run(DELETE, infos, options)
            where = (" after a backup under %s" % backup_dir) if backup else \
                " without a backup"
            return BackupResult(DELETE.name, [r._replace(message=r.message + where)
                                              for r in planned], DELETE.done_word,
                                None, True)
        reporter = options.reporter
        book, saved, refused = None, collections.OrderedDict(), {}
        if backup:
            book = service_backup.BackupFolder.create(backup_dir)
            saved, refused = self._back_up(book, infos, options)
            created = _utc_now()
            book.write_index(self._session.urls.site, created, list(saved.values()))
            reporter.info("Backed up %d service%s to %s"
                          % (len(saved), "" if len(saved) == 1 else "s", book.path))
        todo = [i for i in infos if i.ref not in refused]
        stopped = None
        try:
            result = self._engine.run(DELETE, todo, options, raise_failures=False)
        except Cancelled as exc:
            stopped, result = exc, exc.result
        by_ref = dict((r.service, r) for r in (result or []))
        results = []
        for info in infos:
            if info.ref in refused:
                results.append(ServiceResult(info.ref, refused[info.ref][0],
                                             info.realtime_state, info.realtime_state,
                                             refused[info.ref][1]))
            else:
                results.append(by_ref.get(info.ref) or ServiceResult(
                    info.ref, CANCELLED, info.realtime_state, None, "not deleted: cancelled"))
        final = BackupResult(DELETE.name, results, DELETE.done_word,
                             book.path if book is not None else None)
        if book is not None:
            book.write_index(self._session.urls.site, created, list(saved.values()),
                             dict((r.service, (r.status == OK, r.message)) for r in results))
        if stopped is not None or final.having(CANCELLED):
            raise Cancelled("Cancelled: %d of %d services were not deleted."
                            % (len(final.having(CANCELLED)), len(final)), result=final,
                            operation=DELETE.name,
                            hint="What was done is in the results%s."
                                 % (" and in %s" % book.path if book is not None else ""))
        if final.failures:
            raise BatchFailed("%d of %d services could not be deleted: %s"
                              % (len(final.failures), len(final), final.failure_text()),
                              final)
        return final

    def _back_up(self, book, infos, options):
        """Read and write every service's backup, ``parallel`` at once.

        Returns ``(saved, refused)``: ``{ref: ServiceBackup}`` in selection order, and
        ``{ref: (status, message)}`` for the services that must not be deleted.
        """
        reporter = options.reporter
        outcomes = {}
        fatal = []

        def one(info):
            parts, missing = service_backup.read_service(self._session, info.service_ref)
            return book.write_service(info.service_ref, parts, missing)

        def done(info, outcome):
            if isinstance(outcome, AuthenticationFailed):
                fatal.append(outcome)
            outcomes[info.ref] = outcome
            reporter.progress(len(outcomes), len(infos), "backed up %s" % info.ref)

        run_bounded(one, infos, workers=options.parallel,
                    cancelled=lambda: bool(fatal) or reporter.cancelled(), on_done=done)
        if fatal:
            raise fatal[0]
        saved, refused = collections.OrderedDict(), {}
        for info in infos:
            outcome = outcomes.get(info.ref)
            if isinstance(outcome, service_backup.ServiceBackup):
                saved[info.ref] = outcome
            elif outcome is None:
                refused[info.ref] = (CANCELLED, "not deleted: cancelled before its backup")
            else:
                why = _short(outcome) if isinstance(outcome, AdminError) else \
                    "%s: %s" % (type(outcome).__name__, outcome)
                refused[info.ref] = (FAILED, "not deleted: its backup failed (%s)" % why)
        return saved, refused

    def rename(self, service, new_name, wait=True, timeout=None, dry_run=False):
        """Rename one service in its folder, keeping its type and its state.

        Checks the new name (letters, digits, ``_`` and ``-``, at most 120 characters) and
        that it is free in the folder, sends the folder's ``renameService``, waits until
        the new name answers (and, for a running service, runs again), and returns the new
        reference and its REST URL.

        Raises:
            InvalidInput: a bad or taken name, a pattern, a default service (nothing sent).
            NotFound: the service does not exist.
            ServerError: the server refused (its words say why).
        """
        text = service if not isinstance(service, (ServiceRef, ServiceInfo)) else None
        if text is not None and is_pattern(text):
            raise InvalidInput("Rename takes one service, not a pattern: '%s'." % text,
                               hint="Write Folder/Name.Type, e.g. Maps/Parcels.MapServer.")
        ref = _as_ref(service)
        new_name = check_new_name(ref, new_name)
        timeout = BatchOptions(timeout=timeout).timeout
        entries = self._folder_entries(ref.folder)
        current = _find_entry(entries, ref.name, ref.type)
        if current is None:
            raise NotFound("%s does not exist: nothing was renamed." % ref.text,
                           operation="rename", service=ref.text)
        folder = current.get("folderName") or ref.folder
        ref = ServiceRef("" if folder == "/" else folder, current["serviceName"],
                         current["type"])   # as the server spells them
        if current.get("isDefault") or ref.folder.lower() in ("system", "utilities"):
            raise InvalidInput("%s is a default service of the site; it cannot be renamed."
                               % ref.text)
        new_ref = ServiceRef(ref.folder, new_name, ref.type)
        taken = _find_entry(entries, new_name, ref.type)
        if taken is not None and taken is not current:
            raise InvalidInput("%s already exists: choose another name. Nothing was renamed."
                               % new_ref.text, hint="{list_services}.")
        if new_name == ref.name:
            raise InvalidInput("%s already has that name." % ref.text)
        before = self.status(ref)
        if dry_run:
            return RenameResult(ref.text, new_ref.text, self._rest_url(new_ref),
                                self._session.admin_url(new_ref.admin_path), before[1], True)
        path = "services/%s/renameService" % ref.folder if ref.folder else \
            "services/renameService"
        try:
            self._session.call(path, {"serviceName": ref.name, "serviceType": ref.type,
                                      "serviceNewName": new_name},
                               operation="rename", service=ref.text, safe_to_repeat=False)
        except ConnectionFailed as exc:
            # Not resent: the new name answering tells whether it was done.
            if self._state_or_none(new_ref) is None:
                raise ConnectionFailed("The connection dropped while renaming %s and the "
                                       "server did not rename it; nothing was resent."
                                       % ref.text, operation="rename", service=ref.text,
                                       url=exc.url)
        state = before
        if wait:
            state = self._wait_renamed(ref, new_ref, before, timeout)
        return RenameResult(ref.text, new_ref.text, self._rest_url(new_ref),
                            self._session.admin_url(new_ref.admin_path), state[1], False)

    def _wait_renamed(self, ref, new_ref, before, timeout):
        """Wait until ``new_ref`` answers and, if it ran before, runs again."""
        def poll():
            return self._state_or_none(new_ref)

        def done(state):
            return state is not None and (before[1] != STARTED or state[1] == STARTED)

        waited = wait_until(poll, done, timeout)
        state = waited.value
        if state is not None and before[1] == STARTED and state[0] != STARTED:
            self.start_service(new_ref)   # it ran before the rename: keep it running
            waited = wait_until(poll, done, timeout)
            state = waited.value
        if not waited.done:
            raise ServerError("%s was renamed to %s, but it %s after %ss."
                              % (ref.text, new_ref.text,
                                 "does not answer" if state is None else "is not running",
                                 int(timeout)), operation="rename", service=new_ref.text)
        return state

    def restore(self, backup_folder, services=None, confirm=None, options=None,
                **option_keywords):
        """Recreate services from a backup with ``createService``, each in its state.

        ``backup_folder`` is a backup run's folder (every service its ``backup.json``
        lists, or those ``services`` patterns select) or one service's folder inside it.
        A service that exists already is skipped, never overwritten; a missing folder is
        created. This brings back a service's configuration only: services whose data
        lives outside the server (registered databases and folders, by-reference
        rasters, geometry and other data-less services) come back working; a service
        whose published data was removed with it must be republished from its ``.sd``.
        Item info and permissions are kept in the backup but not re-applied.

        Returns:
            a :class:`~agsadmin_core.results.BackupResult`.

        Raises:
            InvalidInput: not a backup folder, or patterns that match nothing in it.
            Cancelled: ``confirm`` said no, or the reporter said so.
            BatchFailed: some services could not be created.
        """
        options = BatchOptions.build(options, **option_keywords)
        reporter = options.reporter
        site, saved = service_backup.load(backup_folder)
        if services:
            selector = Selector(services)
            saved = [s for s in saved if selector.matches(s.ref)]
            if selector.unmatched():
                raise InvalidInput("No service of the backup matches %s."
                                   % ", ".join("'%s'" % m for m in selector.unmatched()))
        if not saved:
            raise InvalidInput("The backup '%s' lists no services." % backup_folder)
        if site and site.rstrip("/").lower() != self._session.urls.site.lower():
            reporter.warning("The backup was made on %s; restoring to %s."
                             % (site, self._session.urls.site))
        folders, _ = self.folders()
        known = dict((f.lower(), f) for f in folders)
        live = set()
        for name in sorted(set(s.ref.folder for s in saved)):
            if not name or name.lower() in known:
                live.update(e.lower() for e in self._refs_in(known.get(name.lower(), name)))
        results = collections.OrderedDict()
        todo = []
        for item in saved:
            if item.ref.text.lower() in live:
                results[item.ref.text] = ServiceResult(
                    item.ref.text, SKIPPED, None, None,
                    "already on the server; delete or rename it to restore this backup")
            else:
                todo.append(item)
        if confirm is not None and todo and not options.dry_run and \
                not confirm([s.ref for s in todo]):
            raise Cancelled("Nothing was restored.", operation="restore")
        if options.dry_run:
            for item in todo:
                results[item.ref.text] = ServiceResult(item.ref.text, PLANNED, None,
                                                       item.configured_state,
                                                       "would create it from %s" % item.path)
            return BackupResult("restore", [results[s.ref.text] for s in saved], "restored",
                                backup_folder, True)
        for name in sorted(set(s.ref.folder for s in todo)):
            if name and name.lower() not in known:
                self._session.call("services/createFolder", {"folderName": name,
                                                             "description": ""},
                                   operation="createFolder")
                known[name.lower()] = name

        def record(item, outcome):
            if not isinstance(outcome, tuple):
                outcome = (FAILED, _short(outcome) if isinstance(outcome, AdminError)
                           else str(outcome))
            status, message, after = (outcome + (None,))[:3]
            results[item.ref.text] = ServiceResult(item.ref.text, status, None, after, message)
            reporter.progress(len(results), len(saved), item.ref.text)

        run_bounded(self._restore_one, todo, workers=options.parallel,
                    cancelled=reporter.cancelled, on_done=record)
        final = BackupResult("restore", [results.get(s.ref.text) or ServiceResult(
            s.ref.text, CANCELLED, None, None, "not restored: cancelled") for s in saved],
            "restored", backup_folder)
        if final.having(CANCELLED):
            raise Cancelled("Cancelled: %d of %d services were not restored."
                            % (len(final.having(CANCELLED)), len(final)), result=final,
                            operation="restore")
        if final.failures:
            raise BatchFailed("%d of %d services could not be restored: %s"
                              % (len(final.failures), len(final), final.failure_text()),
                              final)
        return final

    def _restore_one(self, item):
        """createService from the saved definition, then the saved configured state."""
        ref = item.ref
        path = "services/%s/createService" % ref.folder if ref.folder else \
            "services/createService"
        try:
            self._session.call(path, {"service": item.definition}, operation="createService",
                               service=ref.text, safe_to_repeat=False,
                               timeout=max(self._session.timeout, 300.0))
        except ConnectionFailed as exc:
            if self._state_or_none(ref) is None:
                return (FAILED, "the connection dropped (%s) and it was not created; nothing "
                                "was resent" % _short(exc))
        except AuthenticationFailed:
            raise
        except AdminError as exc:
            return (FAILED, "%s (%s)" % (_short(exc), service_backup.HINT_REPUBLISH))
        want = item.configured_state
        state = self.status(ref)
        if want == STARTED and state[0] != STARTED:
            self.start_service(ref)
        elif want == STOPPED and state[0] != STOPPED:
            self.stop_service(ref)
        state = self.status(ref)
        return (OK, "created from its definition (%s)" % (state[0] or "").lower(), state[1])

    # -- the machinery ----------------------------------------------------------------

    def _journal(self, journal):
        if isinstance(journal, Journal):
            return journal
        return Journal.open(journal, self._session.urls.site)

    def _folder_entries(self, folder):
        """The services entries of one folder's listing (admin-api.md 2.1, 2.2)."""
        path = "services/%s" % folder if folder else "services"
        try:
            body = self._session.call(path, operation="list services", safe_to_repeat=True)
        except NotFound:
            raise NotFound("Folder '%s' does not exist." % folder, operation="list services")
        return body.get("services", [])

    def _refs_in(self, folder):
        return [ServiceRef(folder, e["serviceName"], e["type"]).text
                for e in self._folder_entries(folder)]

    def _state_or_none(self, ref):
        """``(configuredState, realTimeState)``, or None when the service is not there."""
        try:
            return self.status(ref)
        except NotFound:
            return None

    def _rest_url(self, ref):
        """The service's REST URL: ``<site>/rest/services/[<folder>/]<name>/<type>``."""
        from ._compat import quote
        path = "%s/%s" % (ref.folder, ref.name) if ref.folder else ref.name
        return "%s/services/%s/%s" % (self._session.urls.rest, quote(path, safe="/"),
                                      ref.type)

    def _select(self, patterns, folder):
        return self._select_with(Selector(patterns, folder))

    def _select_with(self, selector):
        infos = self.list(patterns=selector)
        missing = selector.unmatched()
        if missing:
            raise InvalidInput("No service matches %s." % ", ".join("'%s'" % m for m in missing),
                               hint="Nothing was changed. {list_services}; System, "
                                    "Utilities and Hosted are reached only when named, "
                                    "e.g. Utilities/*.")
        return infos


class RenameResult(collections.namedtuple(
        "RenameResult", "old new url admin_url state dry_run")):
    """A rename: ``old`` and ``new`` references, the new REST ``url`` and ``admin_url``, its
    realTimeState afterwards (before, for a dry run)."""

    __slots__ = ()

    def to_json(self):
        return {"operation": "rename", "old": self.old, "service": self.new, "url": self.url,
                "adminUrl": self.admin_url, "realTimeState": self.state,
                "dry_run": self.dry_run}


def check_new_name(ref, new_name):
    """``new_name`` for a rename of ``ref``, checked offline: the name only (a trailing
    ``.Type`` of the same type is dropped), the characters the server accepts, the length.

    Raises:
        InvalidInput: saying what is wrong.
    """
    name = (new_name or "").strip()
    if "/" in name or "\\" in name:
        raise InvalidInput("A rename cannot move %s to another folder: give the new name "
                           "only." % ref.text)
    if name.lower().endswith("." + ref.type.lower()):
        name = name[:-len(ref.type) - 1]
    elif "." in name:
        raise InvalidInput("A rename cannot change the type of %s: give the new name only."
                           % ref.text)
    if not name:
        raise InvalidInput("Give the new name of %s." % ref.text)
    if len(name) > MAX_NAME:
        raise InvalidInput("The new name is %d characters long; the server accepts at most "
                           "%d." % (len(name), MAX_NAME))
    if not SERVICE_NAME.match(name):
        bad = "".join(sorted(set(c for c in name if not SERVICE_NAME.match(c))))
        raise InvalidInput("The new name '%s' has characters the server does not accept "
                           "(%s): use letters, digits, _ and -." % (name, bad))
    return name


def _find_entry(entries, name, kind):
    for entry in entries:
        if entry.get("serviceName", "").lower() == name.lower() and \
                entry.get("type", "").lower() == kind.lower():
            return entry
    return None


def _check_protected(infos, patterns, force):
    """Refuse System, Utilities, hosted and default services unless each is named exactly
    and ``force`` is given."""
    exact = set(p.strip().lstrip("/").lower() for p in patterns if not is_pattern(p))
    refused = [i.ref for i in infos
               if (i.is_default or i.folder.lower() in PROTECTED_FOLDERS) and
               not (force and i.ref.lower() in exact)]
    if refused:
        raise InvalidInput("Nothing was deleted: %s %s a System, Utilities, hosted or default "
                           "service." % (", ".join(refused),
                                         "is" if len(refused) == 1 else "are each"),
                           hint="To delete one anyway, {force_protected}.")


def _utc_now():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _short(exc):
    return " ".join(exc.messages) if getattr(exc, "messages", None) else str(exc)


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
