"""The service picker of Stop/Start Services: the site's services, listed once per
connection file, in a background thread that never holds a dialog longer than
:data:`PICKER_TIMEOUT`.

It connects the way every front end does (:func:`agsadmin_core.connect.open_server`), with a
single attempt per request: the list is a convenience, not worth a wait.
"""

import os
import threading

from ..errors import AdminError

#: Seconds the service picker may hold a tool dialog, once per connection file (and mtime).
PICKER_TIMEOUT = 5.0

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


def forget_catalog(path):
    """Forget the cached list of one connection file: after a delete or a rename the next
    dialog reads the server's list again."""
    try:
        full = os.path.normcase(os.path.abspath(path))
    except (TypeError, ValueError, AttributeError):
        return
    with _CATALOGS_LOCK:
        for key in [k for k in _CATALOGS if k[0] == full]:
            del _CATALOGS[key]


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
        from ..connect import open_server
        from ..connection import AUTH_PRO_SIGNIN, ConnectionInfo
        from ..session import RetryPolicy
        info = ConnectionInfo.load(path)
        # Requests keep the connection's own timeout: the dialog stops waiting after
        # ``timeout``, but a slow server's list is still welcome at the next validation.
        server = open_server(info, prompt=False,
                             signin=signin if info.auth == AUTH_PRO_SIGNIN else None,
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
