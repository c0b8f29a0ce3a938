"""The backups area's state and rules: ``exportSite`` and ``importSite``. No HTTP.

Sections refer to ``/work/shared/reference/admin-api-next.md`` (5: exportSite, 6: importSite).
A real ``.agssite`` is a zip whose inside is private to Esri; the sandbox writes a zip of its own
(assumption, -next 5 item 4) that its ``importSite`` reads back:

- ``agssite.json``: format name and version, the release, the time it was written;
- ``folders.json``: every folder (name, description, isDefault, webEncrypted);
- ``services.json``: every service with its state and its whole definition (``config``);
- ``logs/settings.json``: the log settings;
- ``security/users.json``: user names with a salted SHA-256 of the password, never the
  password itself (a backup is a file a test may scan for canary secrets);
- ``padding.bin`` (only with ``pad_to``): zeros, so a benchmark can ask for a 1 GB backup;
  written from a sparse file, never held in memory.

Like the real operation (-next 5) a backup leaves out caches, data, logs and the Web Adaptor's
configuration; the sandbox has none of them anyway.
"""

from __future__ import absolute_import, unicode_literals

import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
import zipfile
from collections import OrderedDict

from .. import envelopes as errors
from .. import seed
from .._compat import string_types, text_type
from .services import STARTED, STOPPED, Folder

FORMAT = "agsadmin-sandbox-agssite"
FORMAT_VERSION = 1
SUFFIX = ".agssite"

# The log settings come from the logs area (``site.logs``); these are kept here only for a
# site built without one (``Site(areas=...)``). assumption: values as a fresh 11.x site shows.
DEFAULT_LOG_SETTINGS = OrderedDict([
    ("logDir", "C:\\arcgisserver\\logs\\"), ("logLevel", "WARNING"), ("maxErrorReportsCount", 10),
    ("maxLogFileAge", 90), ("usageMeteringEnabled", False), ("statisticsConfig", OrderedDict([
        ("enabled", True), ("samplingInterval", 28), ("maxHistory", 0),
        ("statisticsDir", "C:\\arcgisserver\\directories\\arcgissystem")])),
])

class BackupsArea(object):
    """Site backups of one site (the ``backups`` area, ``site.backups``).

    Settings (plain attributes, kept across ``reset``): ``delay_ms`` (each export and import
    takes this long, as a real one takes minutes), ``pad_to`` (pad each backup to about this
    many bytes).
    """

    area = "backups"

    def __init__(self, site):
        self.site = site
        self.delay_ms = 0
        self.pad_to = 0
        self._directory = None
        self._dir_lock = threading.Lock()
        self._known = {}  # password digest -> password, for users seen at an export
        self.log_settings = None

    # -- lifecycle -------------------------------------------------------

    def populate(self):
        """Fresh log settings; backups already written stay on disk, as on a server."""
        self.log_settings = json.loads(json.dumps(DEFAULT_LOG_SETTINGS),
                                       object_pairs_hook=OrderedDict)

    def snapshot(self):
        """This area's part of the control plane's state view."""
        return OrderedDict([("backups", OrderedDict([
            ("directory", self._directory),
            ("files", sorted(os.listdir(self._directory)) if self._directory else [])]))])

    @property
    def directory(self):
        """The server-owned directory for backups written without ``location`` (created on
        first use; removed by ``close``)."""
        with self._dir_lock:
            if self._directory is None:
                self._directory = tempfile.mkdtemp(prefix="agsadmin-sandbox-backups-")
            return self._directory

    def close(self):
        """Remove the server-owned directory and what it holds."""
        with self._dir_lock:
            folder, self._directory = self._directory, None
        if folder:
            shutil.rmtree(folder, ignore_errors=True)

    # -- exportSite (-next 5) ---------------------------------------------

    def export_site(self, location=None, validate=False):
        """Write a backup; return the path of the file written.

        ``location``: a folder the server can write (absolute, existing); None writes into
        :attr:`directory`. ``validate`` (11.1+): check the folder only and return None.

        Raises:
            BackupLocationInvalid.
        """
        folder = self.directory if not location else location
        if location and not (os.path.isabs(location) and os.path.isdir(location)
                             and os.access(location, os.W_OK)):
            raise errors.BackupLocationInvalid(location)
        if validate:
            return None
        state = self._capture()
        self._pause()
        path = self._free_name(folder)
        tmp = path + ".writing"
        try:
            self._write(tmp, state)
            os.rename(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.remove(tmp)
            raise
        return path

    def backup_file(self, name):
        """The path of a backup in :attr:`directory` (the download URL's file). Raises
        NotFound."""
        if os.path.basename(name) != name or not name.lower().endswith(SUFFIX):
            raise errors.NotFound(name)
        path = os.path.join(self.directory, name)
        if not os.path.isfile(path):
            raise errors.NotFound(name)
        return path

    def _free_name(self, folder):
        # The server's name, from the site clock (-next 5: YYYYMMDD-HHMMSS-UTC.agssite).
        # assumption: a second export within the same second takes the next free second.
        moment = int(self.site.now())
        while True:
            name = time.strftime("%Y%m%d-%H%M%S-UTC", time.gmtime(moment)) + SUFFIX
            path = os.path.join(folder, name)
            if not os.path.exists(path) and not os.path.exists(path + ".writing"):
                return path
            moment += 1

    def _capture(self):
        """The site's state as plain data, read under the site lock."""
        site = self.site
        services = site.services
        with site.lock:
            folders = [OrderedDict([("folderName", f.name), ("description", f.description),
                                    ("isDefault", f.is_default),
                                    ("webEncrypted", f.web_encrypted)])
                       for f in services._sorted_folders()]
            entries = []
            for folder in [services.root] + services._sorted_folders():
                for svc in services._sorted_services(folder):
                    entries.append(OrderedDict([
                        ("folderName", folder.name), ("serviceName", svc.name),
                        ("type", svc.type), ("description", svc.description),
                        ("configuredState", svc.configured_state),
                        ("isDefault", svc.is_default), ("hosted", svc.hosted),
                        ("private", svc.private), ("config", svc.config)]))
            users = []
            for name in sorted(site.users):
                digest = _digest(site.users[name])
                self._known[digest] = site.users[name]
                users.append(OrderedDict([("username", name), ("passwordHash", digest)]))
            logs = getattr(site, "logs", None)
            settings = logs.settings_json()["settings"] if logs is not None else \
                self.log_settings
            manifest = OrderedDict([("format", FORMAT), ("formatVersion", FORMAT_VERSION),
                                    ("serverVersion", site.version.text),
                                    ("created", int(site.now() * 1000))])
            return OrderedDict([("agssite.json", manifest), ("folders.json", folders),
                                ("services.json", entries), ("logs/settings.json", settings),
                                ("security/users.json", users)])

    def _write(self, path, state):
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            for name, data in state.items():
                text = json.dumps(data, indent=1, ensure_ascii=False)
                archive.writestr(name, text.encode("utf-8"))
        missing = int(self.pad_to) - os.path.getsize(path) - 200  # about the entry's headers
        if missing > 0:
            self._pad(path, missing)

    def _pad(self, path, size):
        fd, zeros = tempfile.mkstemp(prefix=".padding-", dir=os.path.dirname(path))
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.truncate(size)  # sparse: no disk and no memory for the zeros
            with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED, allowZip64=True) as archive:
                archive.write(zeros, "padding.bin")
        finally:
            os.remove(zeros)

    # -- importSite (-next 6) ---------------------------------------------

    def import_site(self, location, validate=False, via_web_adaptor=False):
        """Replace the site's state with a backup's; return the report.

        ``location``: an absolute path of a backup, or the name of one in :attr:`directory`
        (assumption: "the id of a stored configuration", -next 6). ``validate`` (11.1+):
        read it and report, change nothing.

        Raises:
            ImportThroughWebAdaptor, MissingParameter, BackupUnreadable.
        """
        if via_web_adaptor:
            raise errors.ImportThroughWebAdaptor()
        if not location:
            raise errors.MissingParameter("location")
        state = self._read(location)
        self._pause()
        if validate:
            parts = [_part(name, []) for name in ("folders", "services", "logSettings", "users")]
        else:
            with self.site.lock:
                parts = [self._restore_folders(state["folders.json"]),
                         self._restore_services(state["services.json"]),
                         self._restore_logs(state["logs/settings.json"]),
                         self._restore_users(state["security/users.json"])]
        # assumption: the report's shape is unrecorded (-next 12, item 3): a part per area.
        return OrderedDict([("status", "success"), ("validated", bool(validate)),
                            ("report", OrderedDict([("parts", parts)]))])

    def _resolve(self, location):
        if os.path.isabs(location) and os.path.isfile(location):
            return location
        if os.path.basename(location) == location:
            candidate = os.path.join(self.directory, location)
            if os.path.isfile(candidate):
                return candidate
        raise errors.BackupUnreadable(location, "The file does not exist on the server.")

    def _read(self, location):
        path = self._resolve(location)
        try:
            with zipfile.ZipFile(path) as archive:
                state = OrderedDict()
                for name in ("agssite.json", "folders.json", "services.json",
                             "logs/settings.json", "security/users.json"):
                    raw = archive.read(name).decode("utf-8")
                    state[name] = json.loads(raw, object_pairs_hook=OrderedDict)
        except (zipfile.BadZipfile, KeyError, ValueError, IOError, OSError) as exc:
            raise errors.BackupUnreadable(location, "It is not a readable site backup (%s)."
                                          % (text_type(exc) or type(exc).__name__))
        if state["agssite.json"].get("format") != FORMAT:
            raise errors.BackupUnreadable(location, "It is not a site backup.")
        return state

    def _restore_folders(self, folders):
        services = self.site.services
        services.root = Folder("/", services.root.description)
        services.folders = OrderedDict()
        problems = []
        for entry in folders:
            name = entry.get("folderName") if isinstance(entry, dict) else None
            if not isinstance(name, string_types) or not name or name == "/":
                problems.append("A folder entry has no valid folderName.")
                continue
            services.folders[self.site.key(name)] = Folder(
                name, entry.get("description") or "", bool(entry.get("isDefault")),
                bool(entry.get("webEncrypted")))
        return _part("folders", problems)

    def _restore_services(self, entries):
        services = self.site.services
        problems = []
        for entry in entries:
            problem = _service_problem(entry)
            folder = None
            if problem is None:
                try:
                    folder = services.get_folder(entry["folderName"])
                except errors.NotFound:
                    problem = "its folder '%s' is not in the backup" % entry["folderName"]
            if problem is not None:
                label = "%s/%s.%s" % (entry.get("folderName"), entry.get("serviceName"),
                                      entry.get("type")) if isinstance(entry, dict) else "?"
                problems.append("%s was not imported: %s." % (label, problem))
                continue
            state = entry["configuredState"]
            svc = services._add(folder, entry["serviceName"], entry["type"],
                                entry.get("description") or "", entry["config"], state,
                                bool(entry.get("isDefault")), bool(entry.get("hosted")))
            svc.private = bool(entry.get("private"))
            svc.seed_from(seed.ServiceSpec(folder.name, svc.name, svc.type, svc.description,
                                           state, svc.is_default, svc.hosted, False), None)
        return _part("services", problems)

    def _restore_logs(self, settings):
        if not isinstance(settings, dict):
            return _part("logSettings", ["The log settings are not a JSON object."])
        logs = getattr(self.site, "logs", None)
        if logs is None:
            self.log_settings = settings
            return _part("logSettings", [])
        try:
            logs.edit_settings(log_level=settings.get("logLevel"), log_dir=settings.get("logDir"),
                               max_log_file_age=settings.get("maxLogFileAge"),
                               max_error_reports_count=settings.get("maxErrorReportsCount"),
                               usage_metering_enabled=settings.get("usageMeteringEnabled"))
        except errors.AdminError as exc:
            return _part("logSettings", list(exc.messages))
        return _part("logSettings", [])

    def _restore_users(self, users):
        # assumption: a backup restores the built-in user store; the sandbox can restore a
        # password only when it saw it (current users, or users of an earlier export).
        restored, problems = {}, []
        for entry in users:
            name = entry.get("username") if isinstance(entry, dict) else None
            digest = entry.get("passwordHash") if isinstance(entry, dict) else None
            current = self.site.users.get(name)
            if current is not None and _digest(current) == digest:
                restored[name] = current
            elif digest in self._known:
                restored[name] = self._known[digest]
            else:
                problems.append("User '%s' was not imported: its password is unknown to the "
                                "sandbox." % name)
        if restored:
            self.site.users = restored
        return _part("users", problems)

    def _pause(self):
        if self.delay_ms > 0:
            self.site.sleep(self.delay_ms / 1000.0)


def _service_problem(entry):
    if not isinstance(entry, dict):
        return "the entry is not a JSON object"
    for key in ("folderName", "serviceName", "type"):
        if not isinstance(entry.get(key), string_types) or not entry.get(key):
            return "it has no %s" % key
    if entry.get("configuredState") not in (STARTED, STOPPED):
        return "its configuredState is not STARTED or STOPPED"
    if not isinstance(entry.get("config"), dict):
        return "its definition is not a JSON object"
    return None


def _part(name, problems):
    return OrderedDict([("name", name), ("status", "error" if problems else "success"),
                        ("messages", list(problems))])


def _digest(password):
    # A fixed salt: the digest only has to recognise a password the sandbox has seen.
    return hashlib.sha256(("agsadmin-sandbox:" + password).encode("utf-8")).hexdigest()

