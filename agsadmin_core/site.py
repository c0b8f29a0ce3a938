"""The site as a whole: back it up (``exportSite``) and restore it (``importSite``).

Wire contract (admin-api.md section 6, admin-api-next.md sections 5 and 6):

- ``POST /admin/exportSite`` (10.2+), optional ``location`` (a folder the *server* can write)
  -> ``{"status":"success","location":...}``: the ``.agssite`` file the server wrote there,
  named ``YYYYMMDD-HHMMSS-UTC.agssite``; without ``location`` the server writes into a
  directory of its own and ``location`` is a URL to download it from.
- ``POST /admin/importSite`` (10.2+), ``location`` (a path the server can read),
  ``validate`` (11.1+) -> a report. Refused through a Web Adaptor: the server allows it only
  on a server machine's own URL, which ``GET /admin/machines`` lists as ``adminURL``.

Both are synchronous and can take minutes, so they get a long timeout of their own
(``options.SITE_TIMEOUT``). Neither is ever repeated blindly: a second export is harmless but
a second import is not, and an export that timed out may still be running.

Why an import reads a server path and never uploads: ``importSite`` takes a path the server
can read (or "the id of a stored configuration", whose link with the uploads API no source
confirms), the uploads API's default extension whitelist has no ``.agssite``, and Esri's own
backup tool (webgisdr) works through a shared location for the same reason. So a backup to
restore must sit on the server machine or on a share it reads; a local copy is checked here
before anything is sent.
"""

import collections
import os
import re
import threading
import time
import zipfile

from . import options
from ._compat import monotonic, urlsplit
from .errors import AdminError, Cancelled, ImportFailed, InvalidInput, ServerError
from .jobs import wait_until
from .reporter import Reporter
from .urls import shown

#: The name the server gives a backup (admin-api-next.md section 5); rotation touches only
#: files named like this.
BACKUP_NAME = re.compile(r"^\d{8}-\d{6}-UTC\.agssite$")

#: Releases that have the operations and the ``validate`` parameter.
EXPORT_SINCE = (10, 2)
VALIDATE_SINCE = (11, 1)

OK, FAILED = "ok", "failed"


class ExportResult(collections.namedtuple("ExportResult", "location path size removed")):
    """One backup.

    Attributes:
        location: what the server answered: the file it wrote (a server path) or the URL it
            offers the backup at.
        path: the local file it was downloaded to, or None (kept on the server).
        size: its size in bytes when downloaded, else None.
        removed: local backups removed by rotation (``keep``), oldest first.
    """

    __slots__ = ()

    def to_json(self):
        return {"location": self.location, "path": self.path, "size": self.size,
                "removed": list(self.removed)}


class ImportPart(collections.namedtuple("ImportPart", "name status messages")):
    """One part of an import's report (``services``, ``folders``, ``users``...): ``status``
    is ``ok`` or ``failed``; ``messages`` are the server's words about it."""

    __slots__ = ()


class ImportResult(object):
    """What an import did.

    Attributes:
        location: the backup that was imported (as the server read it).
        backup: the :class:`ExportResult` of the backup taken first, or None.
        parts: the report, a list of :class:`ImportPart`.
        validated: True when the server only checked the backup (``validate``).
    """

    def __init__(self, location, backup, parts, validated=False):
        self.location = location
        self.backup = backup
        self.parts = list(parts)
        self.validated = validated

    @property
    def failures(self):
        return [p for p in self.parts if p.status != OK]

    @property
    def ok(self):
        return not self.failures

    @property
    def imported(self):
        """True when the site now holds the backup's state: imported, every part ok."""
        return self.ok and not self.validated

    def failure_text(self):
        return "; ".join("%s: %s" % (p.name, " ".join(p.messages) or "failed")
                         for p in self.failures)

    def to_json(self):
        return {"location": self.location, "validated": self.validated,
                "imported": self.imported,
                "backup": self.backup.to_json() if self.backup is not None else None,
                "parts": [{"name": p.name, "status": p.status, "messages": list(p.messages)}
                          for p in self.parts]}


class Machine(collections.namedtuple("Machine", "name admin_url")):
    """A server machine of the site and its own admin URL (``GET /admin/machines``)."""

    __slots__ = ()

    @property
    def site_url(self):
        """The machine's site URL, e.g. ``https://gis01.example.com:6443/arcgis``."""
        return re.sub(r"/admin/?$", "", self.admin_url.rstrip("/"), flags=re.IGNORECASE)


class SiteManager(object):
    """``server.site``: the site's backup and restore."""

    def __init__(self, session):
        self._session = session

    # -- reads ------------------------------------------------------------------------

    def machines(self):
        """The site's machines with their own admin URLs."""
        body = self._session.call("machines", operation="list machines", safe_to_repeat=True)
        return [Machine(m.get("machineName", ""), m.get("adminURL", ""))
                for m in body.get("machines", []) if m.get("adminURL")]

    def direct_url(self, reporter=None):
        """None when this connection reaches a server machine directly; else the site URL
        of a machine, to use instead (the connection goes through a Web Adaptor or proxy).

        The scheme, port and context path of the connection are compared with each machine's
        own admin URL; host names are not, since a short name, the full name, an address and
        ``localhost`` all reach the same machine. When the machines cannot be read, this
        answers None after a warning: the server refuses an import through a Web Adaptor
        by itself.
        """
        try:
            machines = self.machines()
        except AdminError as exc:
            (reporter or Reporter()).warning(
                "could not read the site's machines to check for a Web Adaptor (%s)"
                % exc.message)
            return None
        mine = _endpoint(self._session.urls.admin)
        if not machines or any(_endpoint(m.admin_url) == mine for m in machines):
            return None
        return machines[0].site_url

    # -- exportSite -------------------------------------------------------------------

    def export_site(self, path=None, server_location=None, keep=None, reporter=None,
                    timeout=None):
        """Back up the site's configuration to a ``.agssite`` file.

        Args:
            path: a local file or folder to download the backup to (a folder keeps the
                server's name, ``YYYYMMDD-HHMMSS-UTC.agssite``). The bytes are streamed to a
                temporary file beside it, checked (the announced size, and that it is a
                readable archive) and only then renamed: an interrupted download never
                leaves a file under the final name.
            server_location: instead, a folder on the server's side (or a share it writes)
                where the server writes the file itself; nothing is downloaded.
            keep: with a folder ``path``, keep the ``keep`` newest server-named backups
                there and remove older ones; no other file is touched.
            reporter: a :class:`~agsadmin_core.reporter.Reporter` for progress.
            timeout: seconds for the export and the download (default
                ``options.SITE_TIMEOUT``).

        Without ``path`` and ``server_location`` the server keeps the backup in its own
        directory and ``location`` is the URL it offers it at.

        Returns:
            an :class:`ExportResult`.

        Raises:
            InvalidInput: both targets, a missing folder, a file that exists, ``keep``
                without a folder, a server older than 10.2 (nothing was sent).
            ConnectionFailed: the download stopped early (nothing kept under the name).
            ServerError: the server refused, or sent something that is not a backup.
            Cancelled: the reporter said so during the download (nothing kept).
        """
        reporter = reporter or Reporter()
        timeout = timeout or options.SITE_TIMEOUT.default
        if path is not None and server_location is not None:
            raise InvalidInput("Give a local file or folder, or a server location, not both.")
        if keep is not None:
            keep = int(keep)
            if keep < 1:
                raise InvalidInput("keep must be 1 or more, not %d." % keep)
        folder, dest = _local_target(path, keep) if path is not None else (None, None)
        if keep is not None and folder is None:
            raise InvalidInput("keep rotates the backups of a local folder: give a folder.")
        self._require(EXPORT_SINCE, "exportSite")
        params = {"location": server_location} if server_location else {}
        reporter.info("Exporting the site (the server may take minutes)...")
        started = time.time()
        body = _while_the_server_works(
            lambda: self._session.call("exportSite", params, operation="exportSite",
                                       timeout=timeout),
            reporter, "s: the server is writing the backup", timeout,
            "The export was cancelled while the server was writing the backup; it may still "
            "finish on the server, and nothing was downloaded.")
        location = body.get("location")
        if not location:
            raise ServerError("exportSite answered without the location of the backup.",
                              operation="exportSite", url=self._session.admin_url("exportSite"))
        reporter.info("The server wrote the backup in %.0f s: %s"
                      % (time.time() - started, _shown(location)))
        if path is None:
            return ExportResult(location, None, None, [])
        if "://" not in location:
            raise ServerError("The server kept the backup at %s on its side and gave no URL "
                              "to download it from." % location, operation="exportSite",
                              hint="Export with a server location the server can write, "
                                   "then copy the file from there.")
        if dest is None:
            dest = os.path.join(folder, _file_name(location))
            if os.path.exists(dest):
                raise InvalidInput("%s already exists; nothing was downloaded." % dest,
                                   hint="The backup stays on the server at %s."
                                        % _shown(location))
        download = self._session.download(location, dest, operation="download site backup",
                                          timeout=timeout, check=_check_archive,
                                          progress=_byte_progress(reporter))
        removed = rotate(folder, keep) if keep is not None else []
        for old in removed:
            reporter.info("Removed the older backup %s" % old)
        return ExportResult(location, download.path, download.size, removed)

    # -- importSite -------------------------------------------------------------------

    def import_site(self, path_or_location, backup_first=True, backup_to=None,
                    validate=False, reporter=None, timeout=None):
        """Replace the site's configuration with a backup's.

        Args:
            path_or_location: the ``.agssite`` file, as a path the *server* can read (on the
                server machine, or a share). When the same path exists here too, it is
                checked to be a readable archive before anything is sent.
            backup_first: export the current site first (see ``backup_to``), so the import
                can be undone; its result is ``result.backup``.
            backup_to: a local folder (or file) to download that backup to; None keeps it
                in the server's own directory (the result names its URL).
            validate: only ask the server to check the backup (11.1 and later); nothing
                is imported and no backup is taken.
            reporter, timeout: as :meth:`export_site`.

        Returns:
            an :class:`ImportResult`, a result per part of the server's report.

        Raises:
            InvalidInput: a Web Adaptor URL (the message names the URL to use), an
                unreadable local archive, ``validate`` before 11.1, a server before 10.2:
                all before any request that changes anything.
            ImportFailed: the report lists parts that failed; it carries the result.
            ServerError: the server refused the import.
        """
        reporter = reporter or Reporter()
        timeout = timeout or options.SITE_TIMEOUT.default
        location = (path_or_location or "").strip()
        if not location:
            raise InvalidInput("Name the .agssite backup to import.")
        if os.path.isfile(location):
            _check_local_archive(location)
            location = os.path.abspath(location)
        self._require(EXPORT_SINCE, "importSite")
        if validate:
            self._require(VALIDATE_SINCE, "importSite with validate")
        direct = self.direct_url(reporter)
        if direct is not None:
            raise InvalidInput(
                "%s reaches the site through a Web Adaptor or proxy, and the server imports "
                "a site only through a server machine's own URL; nothing was changed."
                % self._session.urls.site, hint="Connect to %s and import again." % direct)
        backup = None
        if backup_first and not validate:
            reporter.info("Backing up the current site first...")
            backup = self.export_site(path=backup_to, reporter=reporter, timeout=timeout)
            reporter.info("Backup of the current site: %s" % (backup.path or backup.location))
        params = {"location": location}
        if validate:
            params["validate"] = "true"
        reporter.info("%s %s (the server may take minutes)..."
                      % ("Validating" if validate else "Importing", location))
        # Not cancellable: once sent, the server imports whatever the client does.
        body = _while_the_server_works(
            lambda: self._session.call("importSite", params, operation="importSite",
                                       timeout=timeout),
            reporter, "s: the server is %s the backup" % (
                "checking" if validate else "importing"), timeout, None)
        result = ImportResult(location, backup, _parts(body), validated=validate)
        if result.failures:
            undo = (" The site before the import is in %s."
                    % (backup.path or backup.location)) if backup is not None else ""
            raise ImportFailed("The import of %s reported %d failed part%s: %s.%s"
                               % (location, len(result.failures),
                                  "" if len(result.failures) == 1 else "s",
                                  result.failure_text(), undo), result)
        return result

    # -- the machinery ----------------------------------------------------------------

    def _require(self, since, what):
        version = self._session.version
        if version < since:
            raise InvalidInput("%s needs ArcGIS Server %s or later; %s runs %s."
                               % (what, ".".join(str(p) for p in since),
                                  self._session.urls.site, ".".join(str(p) for p in version)))


def rotate(folder, keep):
    """Remove all but the ``keep`` newest server-named backups of ``folder``; return the
    removed paths, oldest first. Files with any other name are never touched."""
    names = sorted(n for n in os.listdir(folder)
                   if BACKUP_NAME.match(n) and os.path.isfile(os.path.join(folder, n)))
    removed = []
    for name in names[:max(0, len(names) - keep)]:
        target = os.path.join(folder, name)
        os.remove(target)
        removed.append(target)
    return removed


def _local_target(path, keep):
    """``(folder, dest)``: ``dest`` None means "the server's name inside ``folder``"."""
    path = os.path.expanduser(path)
    if os.path.isdir(path) or path.endswith(("/", os.sep)):
        if not os.path.isdir(path):
            raise InvalidInput("The folder %s does not exist." % path)
        folder, dest = path, None
    else:
        if keep is not None:
            return None, path
        if os.path.exists(path):
            raise InvalidInput("%s already exists; give a new file name or a folder." % path)
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise InvalidInput("The folder %s does not exist." % folder)
        dest = path
    if not os.access(folder, os.W_OK):
        raise InvalidInput("The folder %s cannot be written." % folder)
    return folder, dest


def _file_name(location):
    """The backup's own file name from the URL or path the server gave."""
    tail = urlsplit(location).path if "://" in location else location
    name = re.split(r"[\\/]", tail.rstrip("/\\"))[-1]
    if not name.lower().endswith(".agssite") or name.startswith("."):
        name = time.strftime("%Y%m%d-%H%M%S-UTC.agssite", time.gmtime())
    return name


def _check_archive(path):
    """Refuse a download that is not a readable ``.agssite`` (a zip): the session then
    removes it, so only a real backup takes the final name."""
    problem = _archive_problem(path)
    if problem:
        raise ServerError("The file the server sent is not a readable .agssite backup (%s); "
                          "nothing was kept." % problem, operation="download site backup")


def _check_local_archive(path):
    problem = _archive_problem(path)
    if problem:
        raise InvalidInput("%s is not a readable .agssite backup (%s); nothing was sent."
                           % (path, problem))


def _archive_problem(path):
    """Why ``path`` is not a readable archive, or None. Reads the central directory only:
    the announced size has already been checked, and reading 1 GB again would halve the
    speed of a backup."""
    try:
        with zipfile.ZipFile(path) as archive:
            if not archive.namelist():
                return "the archive is empty"
    except (zipfile.BadZipfile, IOError, OSError) as exc:
        return str(exc) or type(exc).__name__
    return None


def _parts(body):
    """The import report as :class:`ImportPart` s.

    The report's shape is not recorded anywhere (admin-api-next.md section 12), so this reads
    leniently: a list of parts under ``report`` (or ``report.parts``/``parts``), each with a
    ``name`` (or ``part``), a ``status`` and ``messages``; without one, the whole answer is
    one part named ``site``.
    """
    report = body.get("report", body)
    entries = report.get("parts") if isinstance(report, dict) else report
    if not isinstance(entries, list) or not entries:
        entries = [{"name": "site", "status": body.get("status", "success"),
                    "messages": body.get("messages") or []}]
    parts = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        status = str(entry.get("status", "success")).lower()
        messages = entry.get("messages") or []
        if not isinstance(messages, list):
            messages = [messages]
        parts.append(ImportPart(str(entry.get("name") or entry.get("part") or "site"),
                                OK if status in ("success", "ok", "succeeded") else FAILED,
                                [str(m) for m in messages]))
    return parts


def _while_the_server_works(call, reporter, label, timeout, cancel_text):
    """Run ``call`` (one long synchronous request) on a helper thread, and meanwhile report
    the seconds that pass, on the caller's thread, where front ends expect their reporter to
    be called. With ``cancel_text``, a cancel stops the wait (not the server) and raises
    :class:`Cancelled` with it."""
    outcome = {}

    def work():
        try:
            outcome["value"] = call()
        except BaseException as exc:  # handed to the caller's thread below
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="agsadmin-site-call")
    worker.daemon = True
    worker.start()
    started = monotonic()
    total = int(timeout)

    def poll():
        elapsed = min(int(monotonic() - started), total)
        reporter.progress(elapsed, total, label)
        return not worker.is_alive()

    # The pause is a join: the wait ends as soon as the answer is there.
    waited = wait_until(poll, bool, timeout + 60, first_pause=1.0, max_pause=1.0,
                        cancelled=reporter.cancelled if cancel_text else None,
                        sleep=worker.join)
    if waited.cancelled:
        raise Cancelled(cancel_text)
    worker.join()   # the call's own timeout ends it; this only waits for its last step
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _byte_progress(reporter):
    """A download progress callback reporting whole megabytes, and honouring cancel."""
    last = [-1]

    def progress(done, total):
        megabytes = done // (1024 * 1024)
        if megabytes != last[0]:
            last[0] = megabytes
            total_mb = (total // (1024 * 1024)) if total else megabytes
            reporter.progress(megabytes, max(total_mb, megabytes), "MB of the backup")
        # Asked after each block, the last one too: the file takes its name only after this.
        if reporter.cancelled():
            raise Cancelled("The download of the backup was cancelled; nothing was kept.",
                            operation="download site backup")
    return progress


def _endpoint(url):
    """(scheme, port, context path) of an admin URL: what tells a machine from a Web Adaptor."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, parts.port or _default_port(scheme), parts.path.rstrip("/").lower()


def _default_port(scheme):
    return 443 if scheme == "https" else 80


def _shown(location):
    """A location for messages: a URL without its user info, query or fragment (where a
    token could be); a server path as it is."""
    return shown(location) if "://" in location else location
