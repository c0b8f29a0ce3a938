"""Backups of services before a delete: what is read from the server, and how it lies on disk.

A backup run makes one folder ``<backup_dir>/<timestamp>/`` holding, per service,
``<Folder>/<Name.Type>/`` (root services under ``(root)/``, a name no folder can have) with:

- ``service.json``: the service definition (``GET .../<name>.<type>``), which
  ``createService`` accepts back (admin-api-next.md section 3);
- ``status.json``: its configuredState and realTimeState;
- ``iteminfo.json``, ``manifest.json``, ``permissions.json``: item info, the manifest of
  its data and resources, and who may use it (admin-api.md 9.4).

Each file is written atomically (a reader sees the whole file or none). One ``backup.json``
index lists the site, the time, the services and what each file is, and after the delete
whether each service was deleted. None of this holds the ``.sd``: a service whose published
data was removed with it needs its ``.sd`` republished.
"""

import collections
import json
import os
import time

from ._compat import write_atomic
from .errors import InvalidInput, NotFound, ServerError
from .jsonfile import read_format, write as write_json
from .selection import ServiceRef

#: The ``format`` of a ``backup.json`` index.
INDEX_FORMAT = "agsadmin-backup/1"
INDEX_NAME = "backup.json"

#: The folder of root services inside a backup (parentheses are not allowed in folder names).
ROOT_DIR = "(root)"

#: Each file of a service's backup: (file name, path under the service's admin path, what
#: it is, required). A required part that cannot be read stops that service's delete.
PARTS = (
    ("service.json", "", "the service definition; createService accepts it back", True),
    ("status.json", "status", "configuredState and realTimeState at backup time", True),
    ("iteminfo.json", "iteminfo", "item info (title, summary, tags...)", False),
    ("manifest.json", "iteminfo/manifest/manifest.json",
     "the data and resources the service was published from", False),
    ("permissions.json", "permissions", "the principals allowed to use the service", False),
)

FILE_MEANINGS = collections.OrderedDict((name, meaning) for name, _, meaning, _ in PARTS)

HINT_REPUBLISH = ("a service whose data was removed with it must be republished from its "
                  ".sd; restore brings back its configuration only")


class ServiceBackup(collections.namedtuple("ServiceBackup", "ref path files missing")):
    """One service's backup on disk: ``ref`` (:class:`ServiceRef`), ``path`` (its folder),
    ``files`` (names written) and ``missing`` (``{file: why}`` for optional parts the
    server did not give)."""

    __slots__ = ()


def service_dir(ref):
    """``Maps/Parcels.MapServer`` -> ``("Maps", "Parcels.MapServer")`` inside a backup."""
    return (ref.folder or ROOT_DIR, "%s.%s" % (ref.name, ref.type))


def read_service(session, ref):
    """Read every part of ``ref``'s backup from the server: ``(parts, missing)``.

    Reads only (safe to repeat). ``parts`` maps file name to the parsed JSON.

    An optional part the server refuses (no manifest for this type...) is recorded in
    ``missing``; a part that could not be read at all (connection, sign-in) fails the whole
    backup, so the service is not deleted.

    Raises:
        AdminError: a required part (definition, status) could not be read, or the server
            could not be reached.
    """
    parts = collections.OrderedDict()
    missing = collections.OrderedDict()
    for name, child, _, required in PARTS:
        path = ref.admin_path + ("/" + child if child else "")
        try:
            parts[name] = session.call(path, operation="back up", service=ref.text,
                                       safe_to_repeat=True)
        except (NotFound, ServerError) as exc:
            if required:
                raise
            missing[name] = _short(exc)
    return parts, missing


class BackupFolder(object):
    """One backup run's folder: ``<root>/<timestamp>/`` with its services and index.

    Args:
        path: the run's folder (made by :meth:`create`, or an existing one to read).
    """

    def __init__(self, path):
        self.path = path

    @classmethod
    def create(cls, root, now=None):
        """Make a new, empty ``<root>/<UTC timestamp>/`` (``-2``, ``-3``... if taken).

        Raises:
            InvalidInput: ``root`` cannot be created or written.
        """
        # time.gmtime, not datetime.utcnow (deprecated in 3.12) nor timezone.utc (not in 2.7).
        stamp = now.strftime("%Y%m%dT%H%M%SZ") if now is not None else \
            time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        try:
            if not os.path.isdir(root):
                os.makedirs(root)
            for attempt in range(1, 1000):
                path = os.path.join(root, stamp if attempt == 1 else "%s-%d" % (stamp, attempt))
                try:
                    os.mkdir(path)
                    return cls(path)
                except OSError:
                    if not os.path.exists(path):
                        raise
        except (IOError, OSError) as exc:
            raise InvalidInput("The backup folder '%s' cannot be written (%s)."
                               % (root, exc.strerror or type(exc).__name__),
                               hint="Choose a folder you can write to.")
        raise InvalidInput("The backup folder '%s' has too many backups from this second."
                           % root)

    def write_service(self, ref, parts, missing):
        """Write one service's parts, each atomically; returns its :class:`ServiceBackup`."""
        folder, leaf = service_dir(ref)
        path = os.path.join(self.path, folder, leaf)
        if not os.path.isdir(path):
            os.makedirs(path)
        for name, data in parts.items():
            write_atomic(os.path.join(path, name),
                         json.dumps(data, indent=2, sort_keys=True) + "\n")
        return ServiceBackup(ref, path, list(parts), dict(missing))

    def write_index(self, site, created, backups, outcomes=None):
        """Write ``backup.json`` atomically: the site, the time, each service's files and,
        once known, ``outcomes`` (``{ref: (deleted, message)}``)."""
        outcomes = outcomes or {}
        services = []
        for backup in backups:
            ref = backup.ref.text
            deleted, message = outcomes.get(ref, (None, None))
            services.append({
                "service": ref, "folder": backup.ref.folder, "name": backup.ref.name,
                "type": backup.ref.type,
                "path": "/".join(service_dir(backup.ref)),
                "files": backup.files, "missing": backup.missing,
                "deleted": deleted, "message": message})
        write_json(os.path.join(self.path, INDEX_NAME), {
            "format": INDEX_FORMAT, "site": site, "created": created,
            "files": FILE_MEANINGS, "services": services,
            "note": "Restore with 'agsadmin restore %s'; %s." % (self.path, HINT_REPUBLISH)})


class SavedService(collections.namedtuple("SavedService", "ref path definition status")):
    """A service read back from a backup: its ``ref``, folder on disk, definition (the
    service JSON) and saved status (``{"configuredState":..., "realTimeState":...}``)."""

    __slots__ = ()

    @property
    def configured_state(self):
        return (self.status or {}).get("configuredState")


def load(path):
    """The services saved under ``path``: a backup run's folder (with ``backup.json``, every
    service it lists) or one service's folder (with ``service.json``).

    Returns:
        ``(site, [SavedService])``; ``site`` is None for a single service's folder.

    Raises:
        InvalidInput: ``path`` is neither, or a file in it cannot be read.
    """
    hint = ("Give a folder made by 'agsadmin delete --backup-dir', e.g. "
            "backups/20261130T223000Z, or one service's folder inside it.")
    if not path or not os.path.isdir(path):
        raise InvalidInput("Backup folder '%s' does not exist." % path, hint=hint)
    index = os.path.join(path, INDEX_NAME)
    if os.path.isfile(index):
        data = read_format(index, INDEX_FORMAT, "Backup index", hint=hint)
        saved = []
        for entry in data.get("services") or []:
            try:
                ref = ServiceRef(entry.get("folder") or "", entry["name"], entry["type"])
                where = os.path.join(path, *entry["path"].split("/"))
            except (KeyError, AttributeError, TypeError):
                raise InvalidInput("Backup index '%s' has an entry without a service name."
                                   % index, hint=hint)
            saved.append(_load_service(ref, where, hint))
        return data.get("site"), saved
    if os.path.isfile(os.path.join(path, "service.json")):
        full = os.path.abspath(path)
        leaf = os.path.basename(full)
        folder = os.path.basename(os.path.dirname(full))
        name, dot, kind = leaf.rpartition(".")
        if not dot or not name:
            raise InvalidInput("'%s' is not a service's backup folder (Name.Type)." % path,
                               hint=hint)
        ref = ServiceRef("" if folder == ROOT_DIR else folder, name, kind)
        return None, [_load_service(ref, path, hint)]
    raise InvalidInput("'%s' holds no AGSAdmin backup (no %s or service.json)."
                       % (path, INDEX_NAME), hint=hint)


def _load_service(ref, path, hint):
    definition = _read_json(os.path.join(path, "service.json"), hint)
    status_path = os.path.join(path, "status.json")
    status = _read_json(status_path, hint) if os.path.isfile(status_path) else {}
    if not isinstance(definition, dict) or not definition.get("serviceName"):
        raise InvalidInput("'%s' is not a service definition." %
                           os.path.join(path, "service.json"), hint=hint)
    return SavedService(ref, path, definition, status if isinstance(status, dict) else {})


def _read_json(path, hint):
    from ._compat import open_text
    try:
        with open_text(path) as handle:
            return json.load(handle)
    except (IOError, OSError, ValueError) as exc:
        raise InvalidInput("Backup file '%s' could not be read (%s)."
                           % (path, type(exc).__name__), hint=hint)


def _short(exc):
    return " ".join(exc.messages) if exc.messages else str(exc)
