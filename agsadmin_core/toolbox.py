"""What the ArcGIS toolbox ``AGSAdmin.pyt`` needs that is not arcpy: validation rules, the
service picker's cache, the reporter over arcpy messages, and the wording of results and errors.

``AGSAdmin.pyt`` imports this module only inside validation and ``execute``, never while the
toolbox loads, so opening a tool dialog costs nothing. Importing it imports neither arcpy,
requests nor keyring: arcpy is handed in by the caller, and the HTTP and keyring code is
imported only when the picker or a tool actually talks to a server.

Validation rules take plain values (text, booleans, lists) and return :class:`Finding`
records, so they can be tested without arcpy and the ``.pyt`` only applies them.
"""

import collections
import os
import threading

from .errors import AdminError, BatchFailed
from .reporter import Reporter

#: Seconds the service picker may hold a tool dialog, once per connection file (and mtime).
PICKER_TIMEOUT = 5.0

CONNECTION_SUFFIX = ".agsadmin.json"

ERROR, WARNING = "error", "warning"


class Finding(collections.namedtuple("Finding", "parameter severity text")):
    """One validation message: the parameter it belongs on, ``error`` or ``warning``, text."""

    __slots__ = ()


def _error(parameter, text):
    return Finding(parameter, ERROR, text)


def _warning(parameter, text):
    return Finding(parameter, WARNING, text)


# -- wording: the core's hints name actions; the toolbox words them with its tools ---------

#: The toolbox's words for the actions a core hint suggests (errors.CLI_WORDS has the keys).
TOOLBOX_WORDS = {
    "keep_password": "store it with the Create Connection File tool, or set "
                     "AGSADMIN_PASSWORD",
    "sign_in_again": "run Create Connection File again",
    "create_connection": "create one with the Create Connection File tool",
    "list_services": "list what exists with the List Services tool",
    "stop_journal": "Stop Services",
    "use_ca_bundle": "give its bundle as the CA Bundle of Create Connection File",
    "skip_tls_check": "skip the certificate check",
    "raise_timeout": "raise the Timeout with Create Connection File",
    "allow_http": "check Allow HTTP in Create Connection File",
    "give_user": "give a user name",
    "skip_keyring": "leave the Password empty and keep AGSADMIN_PASSWORD set: the connection "
                    "file is then written without storing anything",
}


def error_text(exc):
    """A complete one-paragraph message for an :class:`AdminError`, in the toolbox's words.

    The core guarantees that neither ``message`` nor ``hint`` holds a secret.
    """
    describe = getattr(exc, "describe", None)
    return describe(TOOLBOX_WORDS) if describe is not None else str(exc)


def unexpected_text(exc):
    """What to say about an exception that is not an AdminError (a bug): no traceback."""
    return ("AGSAdmin stopped on an unexpected %s: %s. Nothing more was changed; please "
            "report this with the messages above." % (type(exc).__name__, exc))


# -- the reporter: the core's progress and messages, shown by arcpy ---------------------------


class GPReporter(Reporter):
    """Shows the core's progress in the GP progressor and its messages in the tool messages.

    Args:
        arcpy: the arcpy module (handed in so this module never imports it).
        messages: the ``messages`` object ``execute`` received.

    Every call happens on the tool's own thread, because arcpy is not documented as safe to
    call from other threads: the core runs only HTTP calls on its workers and makes every
    reporter call from the thread that called it (``workers.run_bounded``).
    """

    def __init__(self, arcpy, messages):
        self._arcpy = arcpy
        self._messages = messages
        self._total = None
        self.handled = []   # services reported done (any outcome), in order

    def info(self, text):
        self._messages.addMessage(text)

    def warning(self, text):
        self._messages.addWarningMessage(text)

    def status(self, text):
        """A step without a count (connecting, listing): message and progressor label."""
        self._messages.addMessage(text)
        self._arcpy.SetProgressor("default", text)
        self._total = None

    def progress(self, done, total, label):
        if total != self._total:
            self._arcpy.SetProgressor("step", label, 0, max(int(total), 1), 1)
            self._total = total
        self.handled.append(label)
        self._arcpy.SetProgressorLabel("%d of %d: %s" % (done, total, label))
        self._arcpy.SetProgressorPosition(done)

    def cancelled(self):
        # isCancelled exists from ArcMap 10.4 on (reference 4.3); before that a cancel
        # stops the script outright and this is never reached.
        return bool(getattr(self._arcpy.env, "isCancelled", False))


# -- results and journals as messages ---------------------------------------------------------

_DONE_WORDS = {"stop": "stopped", "start": "started"}


def result_lines(results, verb):
    """``(severity, text)`` per service result; severity 0 info, 1 warning, 2 error."""
    lines = []
    for result in results:
        states = ""
        if result.before or result.after:
            states = " (%s -> %s)" % (result.before or "?", result.after or "?")
        if result.status == "ok":
            lines.append((0, "%s: %s%s" % (result.service, _DONE_WORDS[verb], states)))
        elif result.status == "skipped":
            lines.append((0, "%s: skipped, %s" % (result.service, result.message)))
        elif result.status == "failed":
            lines.append((2, "%s: could not be %s: %s" % (result.service, _DONE_WORDS[verb],
                                                          result.message)))
        else:
            lines.append((1, "%s: %s, %s" % (result.service, result.status,
                                             result.message or "")))
    return lines


def summary_line(results, verb):
    counts = collections.OrderedDict((k, 0) for k in ("ok", "skipped", "failed", "cancelled"))
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    if not results:
        return "No service needed to be %s." % _DONE_WORDS[verb]
    words = {"ok": _DONE_WORDS[verb]}
    return "%d services: %s." % (len(results), ", ".join(
        "%d %s" % (n, words.get(k, k)) for k, n in counts.items() if n))


def failure_messages(exc):
    """``(severity, text)`` lines for an AdminError; per-service lines for a BatchFailed."""
    if isinstance(exc, BatchFailed):
        verb = exc.operation if exc.operation in _DONE_WORDS else "stop"
        lines = result_lines(exc.results, verb)
        failed = len(exc.failures)
        lines.append((2, "%d of %d services could not be %s (each is named above)."
                      % (failed, len(exc.results), _DONE_WORDS[verb])))
        return lines
    return [(2, error_text(exc))]


_JOURNAL_WORDS = {"stopped": "stopped by this journal, not restarted yet",
                  "pending": "about to be stopped when the run ended (Start Services checks it)",
                  "cancelled": "not stopped (cancelled)",
                  "failed": "the last operation on it failed",
                  "restarted": "restarted"}


def journal_waiting(path):
    """How many services a journal file still lists for restart (0 if unreadable)."""
    try:
        return len(_read_journal(path).to_restart())
    except AdminError:
        return 0


def journal_lines(path):
    """What a journal records, one line per service, for messages after a cancel or failure."""
    try:
        entries = list(_read_journal(path).entries.values())
    except AdminError:
        return ["The journal %s could not be read back." % path]
    lines = ["Journal %s:" % path]
    for entry in entries:
        state = entry.get("state")
        lines.append("  %s: %s" % (entry.get("service"), _JOURNAL_WORDS.get(state, state)))
    return lines


# -- paths -------------------------------------------------------------------------------------


def connection_file_name(path):
    """``path`` with the ``.agsadmin.json`` suffix added when it has no ``.json`` one."""
    if not path or path.lower().endswith(".json"):
        return path
    return path + CONNECTION_SUFFIX


def split_table_path(path):
    """``(workspace, name)`` of a table path; a table in a plain folder gets ``.dbf``.

    Splits on both separators, because ``memory\\name`` is written with a backslash on every
    platform.
    """
    cut = max(path.rfind("/"), path.rfind("\\"))
    workspace, name = (path[:cut], path[cut + 1:]) if cut >= 0 else ("", path)
    lowered = workspace.lower().rstrip("/\\")
    is_database = lowered.endswith((".gdb", ".sde", ".mdb", ".gpkg", ".sqlite")) or \
        lowered in ("memory", "in_memory")
    if not is_database and "." not in name:
        name += ".dbf"   # CreateTable in a folder makes a dBASE table
    return workspace, name


# -- validation rules -------------------------------------------------------------------------


def check_connection_file(path, is_pro):
    """Findings for the connection file parameter, and the loaded ConnectionInfo (or None).

    Reads a small local file; never connects.
    """
    from .connection import AUTH_PRO_SIGNIN, ConnectionInfo
    try:
        info = ConnectionInfo.load(path)
    except AdminError as exc:
        return [_error("connection_file", error_text(exc))], None
    if info.auth == AUTH_PRO_SIGNIN and not is_pro:
        return [_error("connection_file", "This connection signs in with the ArcGIS Pro "
                                          "portal sign-in, which exists only in ArcGIS Pro. "
                                          "Make a connection with a user name for ArcMap.")], \
            None
    return [], info


def check_patterns(values):
    """Findings for the services parameter: names and patterns must be well formed."""
    from .selection import Selector
    try:
        Selector(values)
    except AdminError as exc:
        return [_error("services", error_text(exc))]
    return []


def check_stop_selection(services, folder):
    if not services and not folder:
        return [_error("services", "Name the services to stop (pick them, or type names or "
                                   "patterns such as Maps/*), or give a folder.")]
    return []


def check_start_selection(services, folder, journal, journal_given):
    """Start takes services (and/or a folder) or a journal, not both.

    ``journal_given`` is True when a journal is named, or comes from an upstream model process
    (ModelBuilder sets its path before the file exists).
    """
    if journal_given and (services or folder):
        return [_error("journal", "Give either services (or a folder) or a journal, not "
                                  "both: a journal restarts exactly what Stop Services "
                                  "stopped.")]
    if not journal_given and not services and not folder:
        return [_error("services", "Name the services to start (pick them, or type names or "
                                   "patterns such as Maps/*), or give the journal that Stop "
                                   "Services wrote.")]
    return []


def _read_journal(path):
    from .journal import Journal
    return Journal.load(path)


def check_journal_output(path):
    """The Stop journal may exist: it is then reused, keeping what was never restarted.

    Returns findings; an existing file that is not a journal is an error (nothing would be
    stopped: the core refuses it first, but the dialog should say so now).
    """
    if not path or not os.path.isfile(path):
        return []
    try:
        journal = _read_journal(path)
    except AdminError as exc:
        return [_error("journal", "%s Choose a new file name for the journal."
                       % error_text(exc))]
    waiting = len(journal.to_restart())
    if waiting:
        return [_warning("journal", "This journal still lists %d service%s that %s never "
                                    "restarted; they stay in it, and Start Services with this "
                                    "journal restarts them too."
                         % (waiting, "" if waiting == 1 else "s",
                            "was" if waiting == 1 else "were"))]
    return []


def check_journal_input(path, connection_path=None):
    """The Start journal must be a journal, of the same site as the connection file."""
    if not path or not os.path.isfile(path):
        return []   # the framework reports a missing input file
    try:
        journal = _read_journal(path)
    except AdminError as exc:
        return [_error("journal", error_text(exc))]
    if connection_path and journal.site and os.path.isfile(connection_path):
        from .connection import ConnectionInfo
        try:
            site = ConnectionInfo.load(connection_path).urls.site
        except AdminError:
            return []   # reported on the connection file parameter
        if site.lower() != journal.site.lower():
            return [_error("journal", "This journal belongs to %s, not to %s."
                           % (journal.site, site))]
    if not journal.to_restart():
        return [_warning("journal", "Every service in this journal was restarted already; "
                                    "running again changes nothing.")]
    return []


def check_new_connection(server_url, username, password_given, use_signin, portal_url,
                         ca_bundle, skip_verification, allow_http, is_pro, password_hidden):
    """Findings for Create Connection File, all offline (URL syntax and option clashes)."""
    from .auth import ensure_safe_transport
    from .urls import parse_portal_url, parse_server_url
    findings = []
    urls = None
    if server_url:
        try:
            urls = parse_server_url(server_url)
        except AdminError as exc:
            findings.append(_error("server_url", error_text(exc)))
    if use_signin and not is_pro:
        findings.append(_error("use_pro_signin", "The portal sign-in is that of ArcGIS Pro; "
                                                 "in ArcMap give a user name and password."))
    if use_signin:
        if password_given:
            findings.append(_warning("password", "Not used: with the ArcGIS Pro sign-in no "
                                                 "password is checked or stored."))
        if portal_url:
            findings.append(_warning("portal_url", "Not used: the ArcGIS Pro sign-in comes "
                                                   "from the portal Pro is signed in to."))
    else:
        if server_url and not username:
            findings.append(_error("username", "A user name is needed (or check Use ArcGIS "
                                               "Pro Sign-in for a federated server)."))
        if password_given and not password_hidden:
            findings.append(_warning("password", "This ArcMap has no String Hidden type, so "
                                                 "the password may be kept in geoprocessing "
                                                 "history. Leave it empty and set "
                                                 "AGSADMIN_PASSWORD (or store it with "
                                                 "'agsadmin login') instead."))
        if portal_url:
            try:
                parse_portal_url(portal_url)
            except AdminError as exc:
                findings.append(_error("portal_url", error_text(exc)))
    if ca_bundle and skip_verification:
        findings.append(_error("skip_verification", "Give a CA bundle or skip the "
                                                    "certificate check, not both."))
    elif skip_verification:
        findings.append(_warning("skip_verification", "The server's certificate will not be "
                                                      "checked; use this only on a trusted "
                                                      "network."))
    if urls is not None:
        try:
            ensure_safe_transport(urls, allow_http)
        except AdminError as exc:
            findings.append(_error("server_url", error_text(exc)))
    return findings


# -- the service picker -----------------------------------------------------------------------

LOADING, READY, FAILED = "loading", "ready", "failed"


class Catalog(object):
    """What the server listed for one connection file, filled by a background thread.

    Attributes:
        state: ``loading``, ``ready`` or ``failed``.
        services, folders, types: sorted names (ready only).
        error: why the list is missing (failed only).
    """

    def __init__(self):
        self.state = LOADING
        self.services = []
        self.folders = []
        self.types = []
        self.error = None
        self.done = threading.Event()

    def choices(self, current=()):
        """The picker's list: ``*``, ``Folder/*``, ``*.Type``, every service, and whatever is
        already in the parameter (so a typed pattern stays valid against the list)."""
        base = ["*"] + ["%s/*" % f for f in self.folders] + \
            ["*.%s" % t for t in self.types] + list(self.services)
        known = set(base)
        return base + [v for v in current if v not in known]

    def message(self, timeout):
        if self.state == LOADING:
            return ("The server did not send its list of services within %g s: type names "
                    "or patterns instead of picking (the list appears if it arrives)."
                    % timeout)
        if self.state == FAILED:
            return ("The server's list of services could not be read (%s): type names or "
                    "patterns instead of picking." % self.error)
        return None


# Module-level, not on the tool object: ArcGIS makes a new tool object for every dialog and
# validation, so a cache on ``self`` would be empty every time and refetch.
_CATALOGS = {}
_CATALOGS_LOCK = threading.Lock()


def clear_catalogs():
    """Forget every cached list (tests; or to force a fresh list)."""
    with _CATALOGS_LOCK:
        _CATALOGS.clear()


def _catalog_key(path):
    full = os.path.normcase(os.path.abspath(path))
    return full, os.path.getmtime(full)


def cached_catalog(path):
    """The cached catalog for ``path`` as it is now on disk, or None; never fetches."""
    try:
        key = _catalog_key(path)
    except (OSError, IOError):
        return None
    with _CATALOGS_LOCK:
        return _CATALOGS.get(key)


def service_catalog(path, signin=None, timeout=None):
    """The catalog for ``path``, fetched once per (path, mtime) and kept for the session.

    The first call starts the fetch in a daemon thread and waits for it at most ``timeout``
    seconds (default :data:`PICKER_TIMEOUT`); every later call returns at once, whatever
    the state. A dead or slow server therefore holds a dialog once, for at most ``timeout``.

    ``signin`` is a callable giving the ArcGIS Pro portal token, for pro-signin connections;
    the caller takes the token on its own thread and hands over a plain function.
    """
    timeout = PICKER_TIMEOUT if timeout is None else timeout
    try:
        key = _catalog_key(path)
    except (OSError, IOError):
        return None
    with _CATALOGS_LOCK:
        catalog = _CATALOGS.get(key)
        if catalog is not None:
            return catalog
        for old in [k for k in _CATALOGS if k[0] == key[0]]:
            del _CATALOGS[old]   # the file changed: its old list is stale
        catalog = _CATALOGS[key] = Catalog()
    worker = threading.Thread(target=_fill, args=(catalog, path, signin),
                              name="agsadmin-picker")
    worker.daemon = True   # a hung server must never keep ArcGIS from closing
    worker.start()
    catalog.done.wait(timeout)
    return catalog


def _fill(catalog, path, signin):
    try:
        from .connection import AUTH_PRO_SIGNIN, ConnectionInfo
        from .server import Server
        from .session import RetryPolicy
        info = ConnectionInfo.load(path)
        # Requests keep the connection's own timeout: the dialog stops waiting after
        # ``timeout``, but a slow server's list is still welcome at the next validation.
        server = Server.connect_info(
            info, prompt=False,
            signin=signin if info.auth == AUTH_PRO_SIGNIN else None,
            # One attempt each: the picker is a convenience, not worth a wait.
            retry=RetryPolicy(lock_attempts=1, connect_attempts=1))
        try:
            infos = server.services.list(include_protected=True)
        finally:
            server.close()
        # Folders that hold services: an empty one has nothing to pick.
        catalog.folders = sorted(set(i.folder for i in infos if i.folder),
                                 key=lambda f: f.lower())
        catalog.types = sorted(set(i.type for i in infos))
        catalog.services = [i.ref for i in infos]
        catalog.state = READY
    except AdminError as exc:
        catalog.error = getattr(exc, "message", None) or str(exc)
        catalog.state = FAILED
    except Exception as exc:  # noqa: BLE001 - no list is all that can go wrong here
        catalog.error = type(exc).__name__
        catalog.state = FAILED
    finally:
        catalog.done.set()
