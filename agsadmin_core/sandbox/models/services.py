"""The services area's state and rules: folders, services, their states and children. No HTTP.

Section numbers in comments refer to ``/work/shared/reference/admin-api.md``
(``-next`` for ``admin-api-next.md``). Methods return plain Python data and
raise ``envelopes`` classes; ``routes/services.py`` (admin API) and
``routes/catalog.py`` (REST services directory) turn both into HTTP.
"""

from __future__ import absolute_import, unicode_literals

import re
from collections import OrderedDict

from .. import envelopes as errors
from .. import seed
from . import logs
from .._compat import string_types, text_type

STARTED = "STARTED"
STOPPED = "STOPPED"
_STATES = (STARTED, STOPPED)

# Report sections a client may ask for; by default all are listed (D:servicesreport).
REPORT_PARAMETERS = ("description", "status", "instances", "iteminfo", "properties", "permissions")

# ArcObjects config-name rule: A-Z a-z 0-9 _ -, at most 120 characters (section 10).
_NAME_CHAR = re.compile(r"[A-Za-z0-9_\-]")
_MAX_NAME = 120


class Folder(object):
    """One services folder; the root is the folder named "/" (section 2.1)."""

    def __init__(self, name, description="", is_default=False, web_encrypted=False):
        self.name = name
        self.description = description
        self.is_default = is_default
        self.web_encrypted = web_encrypted
        self.services = OrderedDict()  # lookup key -> Service

    @property
    def is_root(self):
        return self.name == "/"


class Service(object):
    """One service: its JSON configuration plus configured and real-time state."""

    def __init__(self, folder, name, type_, description, config, state, now,
                 is_default=False, hosted=False):
        self.folder = folder
        self.name = name
        self.type = type_
        self.description = description
        self._config = config  # None: built from _spec on first use (see seed_from)
        self.is_default = is_default
        self.hosted = hosted
        self.private = False
        self.configured_state = state
        # realTimeState lags configuredState by settle_seconds: it reads
        # _rt_from until _rt_at, then _rt_to (moto's time-based ManagedState).
        self._rt_from = self._rt_to = state
        self._rt_at = now
        self._children = None  # seed.ServiceChildren: iteminfo, manifest, permissions
        self._spec = self._provider = None

    def seed_from(self, spec, provider):
        """Build config and children from ``spec`` lazily, on first use.

        Start-up with thousands of services stays fast (OrderedDicts are slow
        to build on Python 2.7); renames later do not change what was seeded.
        """
        self._spec, self._provider = spec, provider

    @property
    def config(self):
        """The type-specific service JSON (``seed.service_config``)."""
        if self._config is None and self._spec is not None:
            self._config = seed.service_config(self._spec, self._provider)
        return self._config

    @property
    def children(self):
        """iteminfo, manifest and permissions (``seed.service_children``)."""
        if self._children is None and self._spec is not None:
            self._children = seed.service_children(self._spec)
        return self._children

    @property
    def ref(self):
        """``Folder/Name.Type``, or ``Name.Type`` for the root folder."""
        leaf = "%s.%s" % (self.name, self.type)
        return leaf if self.folder.is_root else "%s/%s" % (self.folder.name, leaf)

    def realtime_state(self, now):
        """The real-time state at ``now``."""
        return self._rt_to if now >= self._rt_at else self._rt_from

    def set_state(self, state, now, settle_seconds):
        """Change the configured state at once and the real-time one after the settle delay."""
        current = self.realtime_state(now)
        self.configured_state = state
        self._rt_from, self._rt_to, self._rt_at = current, state, now + settle_seconds


# Keys of the service JSON that the model holds itself (not part of ``config``).
_MODEL_KEYS = ("serviceName", "type", "description", "configuredState", "private",
               "isDefault", "folderName", "realTimeState")


def _check_name(kind, name):
    if len(name) > _MAX_NAME:
        raise errors.InvalidParameter("%sName" % kind.lower(),
                                      "The name is longer than %d characters." % _MAX_NAME)
    for char in name:
        if not _NAME_CHAR.match(char):
            raise errors.InvalidName(kind, char)


class ServicesArea(object):
    """Folders and services of one site (the ``services`` area, ``site.services``)."""

    area = "services"

    def __init__(self, site):
        self.site = site
        self._lock = site.lock
        self.root = None
        self.folders = OrderedDict()

    # Shared site settings, read live so a test can change them on the site.
    version = property(lambda self: self.site.version)
    settle_seconds = property(lambda self: self.site.settle_seconds)
    service_op_ms = property(lambda self: self.site.service_op_ms)

    def _now(self):
        return self.site.now()

    def _key(self, name):
        return self.site.key(name)

    def _sleep(self, seconds):
        self.site.sleep(seconds)

    # -- lifecycle -------------------------------------------------------

    def populate(self):
        """(Re)build the seeded folders and services (``seed.py``)."""
        site = self.site
        self.root = Folder("/", "Root folder")
        self.folders = OrderedDict()  # lookup key -> Folder, root excluded
        provider = "ArcObjects11" if self.version.at_least(11) else "ArcObjects"
        for spec in seed.folder_specs(site.bulk_services, site.unicode_names):
            self.folders[self._key(spec.name)] = Folder(spec.name, spec.description, spec.is_default)
        for spec in seed.service_specs(site.bulk_services, site.unicode_names):
            folder = self.root if spec.folder == "/" else self.folders[self._key(spec.folder)]
            svc = self._add(folder, spec.name, spec.type, spec.description, None, spec.state,
                            spec.is_default, spec.hosted)
            svc.seed_from(spec, provider)

    def _add(self, folder, name, type_, description, config, state, is_default, hosted):
        svc = Service(folder, name, type_, description, config, state, self._now(),
                      is_default=is_default, hosted=hosted)
        folder.services[self._key("%s.%s" % (name, type_))] = svc
        return svc


    # -- lookups -----------------------------------------------------------

    def get_folder(self, name):
        """Return the folder ``name`` ("" or "/" is the root). Raises NotFound."""
        if name in ("", "/", None):
            return self.root
        with self._lock:
            folder = self.folders.get(self._key(name))
        if folder is None:
            raise errors.NotFound(name)
        return folder

    def get_service(self, folder_name, name, type_):
        """Return one service. Raises NotFound naming the first part that is missing."""
        folder = self.get_folder(folder_name)
        leaf = "%s.%s" % (name, type_)
        with self._lock:
            svc = folder.services.get(self._key(leaf))
        if svc is None:
            raise errors.NotFound(leaf)
        return svc

    def resolve(self, ref):
        """Return the service named ``Folder/Name.Type`` (root: ``Name.Type``)."""
        folder_name, _, leaf = ref.strip("/").rpartition("/")
        name, dot, type_ = leaf.rpartition(".")
        if not dot or not name:
            raise errors.NotFound(leaf)
        return self.get_service(folder_name, name, type_)

    def _summary(self, svc):
        return OrderedDict([("folderName", svc.folder.name), ("serviceName", svc.name),
                            ("type", svc.type), ("description", svc.description)])

    def _sorted_folders(self):
        # assumption: folders and services are listed in case-insensitive name order.
        return sorted(self.folders.values(), key=lambda f: f.name.lower())

    @staticmethod
    def _sorted_services(folder):
        return sorted(folder.services.values(), key=lambda s: (s.name.lower(), s.type.lower()))

    def list_root(self, detail=False):
        """Admin API: GET ``/services`` (section 2.1): root folderName is "/"."""
        with self._lock:
            folders = self._sorted_folders()
            services = self._sorted_services(self.root)
            if detail:
                # assumption: detail=true expands each entry to the full service JSON.
                entries = [self._detail_entry(s) for s in services]
            else:
                entries = [self._summary(s) for s in services]
            return OrderedDict([
                ("folderName", "/"), ("description", self.root.description),
                ("webEncrypted", False), ("isDefault", False),
                ("folders", [f.name for f in folders]),
                ("foldersDetail", [OrderedDict([("folderName", f.name),
                                                ("description", f.description),
                                                ("webEncrypted", f.web_encrypted),
                                                ("isDefault", f.is_default)]) for f in folders]),
                ("services", entries),
            ])

    def _detail_entry(self, svc):
        entry = OrderedDict([("folderName", svc.folder.name)])
        entry.update(self.service_json(svc))
        return entry

    def list_folder(self, folder_name):
        """Admin API: GET ``/services/<folder>`` (section 2.2)."""
        folder = self.get_folder(folder_name)
        if folder.is_root:
            return self.list_root()
        with self._lock:
            return OrderedDict([("folderName", folder.name), ("description", folder.description),
                                ("services", [self._summary(s) for s in self._sorted_services(folder)])])

    def service_json(self, svc):
        """Admin API: GET ``/services/[<folder>/]<name>.<type>`` (section 2.3)."""
        with self._lock:
            body = OrderedDict([("serviceName", svc.name), ("type", svc.type),
                                ("description", svc.description)])
            for key, value in svc.config.items():
                if key == "properties":
                    body["configuredState"] = svc.configured_state
                    body["private"] = svc.private
                    body["isDefault"] = svc.is_default
                body[key] = value
            return body

    def status(self, svc):
        """Admin API: GET ``.../<name>.<type>/status`` (section 2.4)."""
        with self._lock:
            return OrderedDict([("configuredState", svc.configured_state),
                                ("realTimeState", svc.realtime_state(self._now()))])

    # -- start / stop (section 3) -------------------------------------------

    def start_service(self, svc):
        """Admin API: POST ``.../start`` -> ``{"status":"success"}``. Raises HostedStartStop."""
        self._logged("Start", svc, lambda: self._transition(svc, STARTED))
        return _success()

    def stop_service(self, svc):
        """Admin API: POST ``.../stop`` -> ``{"status":"success"}``. Raises HostedStartStop."""
        self._logged("Stop", svc, lambda: self._transition(svc, STOPPED))
        return _success()

    def _logged(self, operation, svc, action):
        """Run ``action``; a refusal is written to the site's logs before it is raised."""
        try:
            return action()
        except errors.AdminError as exc:
            self.site.log(logs.REFUSED, source=svc.ref, operation="%s of '%s'" % (operation, svc.ref),
                          reason=" ".join(exc.messages))
            raise

    def _transition(self, svc, target):
        if svc.hosted:
            raise errors.HostedStartStop(svc.ref)
        # Each transition costs service_op_ms, slept outside the lock so that
        # concurrent single calls overlap while a batch pays once per service.
        if self.service_op_ms > 0:
            self._sleep(self.service_op_ms / 1000.0)
        with self._lock:
            # assumption: starting a started (stopping a stopped) service is an
            # idempotent success (section 3, no recorded body).
            if svc.configured_state != target:
                svc.set_state(target, self._now(), self.settle_seconds)
                self.site.log(logs.STARTED if target == STARTED else logs.STOPPED,
                              source=svc.ref, ref=svc.ref)

    def start_services(self, entries):
        """Admin API (10.3+): POST ``/services/startServices`` (section 3)."""
        return self._batch(entries, lambda svc: self._transition(svc, STARTED), "startServices")

    def stop_services(self, entries):
        """Admin API (10.3+): POST ``/services/stopServices`` (section 3)."""
        return self._batch(entries, lambda svc: self._transition(svc, STOPPED), "stopServices")

    def delete_services(self, entries):
        """Admin API (10.7.1+): POST ``/services/deleteServices`` (section 3)."""
        return self._batch(entries, self._delete, "deleteServices")

    def _batch(self, entries, apply, operation):
        # assumption: per-service failures in a batch are unrecorded (section 3).
        # Every valid entry is applied in order; if any entry is missing or
        # refused, the call answers one error envelope listing each failure,
        # and those services are left unchanged.
        # An empty list is a no-op success (assumption, unrecorded).
        targets = [self._batch_entry(e) for e in entries]
        failures = []
        for folder_name, name, type_ in targets:
            label = "%s.%s" % (name, type_) if folder_name in ("", "/") else \
                "%s/%s.%s" % (folder_name, name, type_)
            try:
                apply(self.get_service(folder_name, name, type_))
            except errors.AdminError as exc:
                failures.append("%s: %s" % (label, " ".join(exc.messages)))
                self.site.log(logs.REFUSED, source=label, operation="%s of '%s'" % (operation, label),
                              reason=" ".join(exc.messages))
        self.site.log(logs.BATCH, operation=operation, count=len(targets), failed=len(failures))
        if failures:
            raise errors.BatchFailed(failures)
        return _success()

    @staticmethod
    def _batch_entry(entry):
        if not isinstance(entry, dict):
            raise errors.InvalidParameter("services", "Each entry must be a JSON object.")
        folder = entry.get("folderName") or ""
        name = entry.get("serviceName")
        type_ = entry.get("type")
        if not all(isinstance(v, string_types) and v for v in (name, type_)) or \
                not isinstance(folder, string_types):
            raise errors.InvalidParameter(
                "services", "Each entry needs 'folderName', 'serviceName' and 'type'.")
        return folder, name, type_

    # -- delete / rename (sections 4, 5) -----------------------------------

    def delete_service(self, svc):
        """Admin API: POST ``.../delete`` (section 4). Raises DefaultServiceRefused."""
        self._logged("Delete", svc, lambda: self._delete(svc))
        return _success()

    def _delete(self, svc):
        # assumption: hosted services can be deleted here like any other (unrecorded).
        if svc.is_default:
            # assumption: refused, Esri's procedure first sets isDefault false (section 2.2).
            raise errors.DefaultServiceRefused(svc.ref)
        with self._lock:
            svc.folder.services.pop(self._key("%s.%s" % (svc.name, svc.type)), None)
        self.site.log(logs.DELETED, source=svc.ref, ref=svc.ref)

    def rename_service(self, folder_name, service_name, service_type, new_name):
        """Admin API: POST ``/services/[<folder>/]renameService`` (section 5)."""
        missing = [n for n, v in (("serviceName", service_name), ("serviceType", service_type),
                                  ("serviceNewName", new_name)) if not v]
        if missing:
            raise errors.MissingParameter(*missing)
        svc = self.get_service(folder_name, service_name, service_type)
        return self._logged("Rename", svc, lambda: self._rename(svc, new_name))

    def _rename(self, svc, new_name):
        if svc.is_default:
            raise errors.DefaultServiceRefused(svc.ref)
        _check_name("Service", new_name)
        old_ref = svc.ref
        with self._lock:
            new_key = self._key("%s.%s" % (new_name, svc.type))
            old_key = self._key("%s.%s" % (svc.name, svc.type))
            if new_key in svc.folder.services and new_key != old_key:
                # assumption: duplicate-name text unrecorded (section 12).
                raise errors.ServiceExists("%s.%s" % (new_name, svc.type))
            del svc.folder.services[old_key]
            svc.name = new_name
            svc.folder.services[new_key] = svc
        self.site.log(logs.RENAMED, source=old_ref, ref=old_ref, new=svc.ref)
        return _success()

    def create_service(self, folder_name, service):
        """Admin API: POST ``/services/[<folder>/]createService`` with ``service`` (section 2.3 JSON).

        The definition is the service JSON a GET returns (-next section 3: DSC
        feeds it back this way). Raises NotFound (folder), MissingParameter,
        InvalidName, ServiceExists.
        """
        if not isinstance(service, dict):
            raise errors.InvalidParameter("service", "Expected a JSON object.")
        name, type_ = service.get("serviceName"), service.get("type")
        missing = [n for n, v in (("serviceName", name), ("type", type_))
                   if not isinstance(v, string_types) or not v]
        if missing:
            # assumption: unrecorded; the missing-field wording of MissingParameter.
            raise errors.MissingParameter(*missing)
        folder = self.get_folder(folder_name)
        # assumption: a folderName inside the JSON must agree with the URL's folder
        # (the doc says the service is created "in a folder"; the clash text is unrecorded).
        inner = service.get("folderName")
        if inner not in (None, "", "/") and self._key(inner) != self._key(folder.name):
            raise errors.InvalidParameter(
                "service", "folderName '%s' is not the folder of this URL." % inner)
        _check_name("Service", name)
        state = text_type(service.get("configuredState") or STARTED).upper()
        if state not in _STATES:
            raise errors.InvalidParameter("service", "configuredState must be STARTED or STOPPED.")
        config = OrderedDict((k, v) for k, v in service.items() if k not in _MODEL_KEYS)
        with self._lock:
            if self._key("%s.%s" % (name, type_)) in folder.services:
                raise errors.ServiceExists("%s.%s" % (name, type_))
            # assumption: the new service takes the definition's configuredState
            # (STARTED when absent), at once; it is neither hosted nor a default service.
            svc = self._add(folder, name, type_, text_type(service.get("description") or ""),
                            config, state, False, False)
            svc.private = bool(service.get("private"))
            # assumption: a created service has minimal children: item info from
            # the definition, an empty manifest, no permissions (none were given).
            svc._children = seed.ServiceChildren(
                OrderedDict([("name", name), ("title", name),
                             ("description", svc.description), ("tags", [])]),
                OrderedDict([("databases", []), ("resources", [])]), [])
        self.site.log(logs.CREATED, source=svc.ref, ref=svc.ref)
        return _success()

    # -- folders (section 2.2) ---------------------------------------------

    def exists(self, folder_name=None, service_name=None, type_=None):
        """Admin API: POST ``/services/exists`` -> ``{"exists": bool}``."""
        if not service_name and not type_:
            if not folder_name:
                raise errors.MissingParameter("folderName")
            found = folder_name in ("/",) or self._key(folder_name) in self.folders
            return OrderedDict([("exists", bool(found))])
        if not service_name or not type_:
            # assumption: a service check needs both serviceName and type.
            raise errors.MissingParameter(*[n for n, v in (("serviceName", service_name),
                                                           ("type", type_)) if not v])
        try:
            self.get_service(folder_name or "", service_name, type_)
            found = True
        except errors.NotFound:
            found = False
        return OrderedDict([("exists", found)])

    def create_folder(self, folder_name, description=""):
        """Admin API: POST ``/services/createFolder`` (section 2.2, one level only)."""
        if not folder_name:
            raise errors.MissingParameter("folderName")
        if folder_name.lower() in ("system", "utilities"):
            raise errors.ReservedFolder(folder_name)
        _check_name("Folder", folder_name)
        with self._lock:
            if self._key(folder_name) in self.folders:
                raise errors.FolderExists(folder_name)
            self.folders[self._key(folder_name)] = Folder(folder_name, description or "")
        self.site.log(logs.FOLDER_CREATED, folder=folder_name)
        return _success()

    def delete_folder(self, folder_name):
        """Admin API: POST ``/services/<folder>/deleteFolder``: removes the folder and its services."""
        folder = self.get_folder(folder_name)
        if folder.is_default or folder.is_root:
            raise errors.ReservedFolder(folder.name)
        with self._lock:
            self.folders.pop(self._key(folder.name), None)
        self.site.log(logs.FOLDER_DELETED, folder=folder.name)
        return _success()

    # -- report (section 2.2) ----------------------------------------------

    def report(self, folder_name, parameters=None, services=None):
        """Admin API: GET ``/services/[<folder>/]report`` -> ``{"reports": [...]}``.

        ``parameters``: list of report sections; None means all (D:servicesreport).
        ``services``: optional list of ``{folderName, serviceName, type}`` to restrict to.
        Unknown section names are ignored (the doc's own example asks for "state").
        """
        folder = self.get_folder(folder_name)
        wanted = REPORT_PARAMETERS if parameters is None else \
            [p for p in REPORT_PARAMETERS if p in parameters]
        with self._lock:
            chosen = self._sorted_services(folder)
            if services:
                keys = set()
                for entry in services:
                    _, name, type_ = self._batch_entry(entry)
                    keys.add(self._key("%s.%s" % (name, type_)))
                chosen = [s for s in chosen if self._key("%s.%s" % (s.name, s.type)) in keys]
            return OrderedDict([("reports", [self._report_entry(s, wanted) for s in chosen])])

    def _report_entry(self, svc, wanted):
        now = self._now()
        # assumption: root services report folderName "/" as in the listing (section 2.1).
        entry = OrderedDict([("folderName", svc.folder.name), ("serviceName", svc.name),
                             ("type", svc.type), ("isDefault", svc.is_default),
                             ("isPrivate", svc.private)])
        if "description" in wanted:
            entry["description"] = svc.description
        if "status" in wanted:
            entry["status"] = OrderedDict([("configuredState", svc.configured_state),
                                           ("realTimeState", svc.realtime_state(now))])
        if "instances" in wanted:
            running = svc.realtime_state(now) == STARTED and not svc.hosted
            maximum = svc.config.get("maxInstancesPerNode", 2)
            entry["instances"] = OrderedDict([
                ("folderName", svc.folder.name), ("serviceName", svc.name), ("type", svc.type),
                ("max", maximum if running else 0), ("busy", 0),
                ("free", svc.config.get("minInstancesPerNode", 1) if running else 0),
                ("initializing", 0), ("notCreated", 0), ("transactions", 0),
                ("totalBusyTime", 0), ("isStatisticsAvailable", running)])
        if "iteminfo" in wanted:
            entry["iteminfo"] = self.iteminfo(svc)
        if "properties" in wanted:
            entry["properties"] = svc.config.get("properties", {})
        if "permissions" in wanted:
            entry["permissions"] = self.permissions(svc)["permissions"]
        return entry

    # -- helpers for tests and the control plane ---------------------------

    def service_state(self, ref):
        """Return ``(configuredState, realTimeState)`` of ``Folder/Name.Type``."""
        svc = self.resolve(ref)
        with self._lock:
            return svc.configured_state, svc.realtime_state(self._now())

    def set_service_state(self, ref, state):
        """Set both states of a service at once (test setup; no settle delay)."""
        state = text_type(state).upper()
        if state not in _STATES:
            raise ValueError("state must be STARTED or STOPPED")
        svc = self.resolve(ref)
        with self._lock:
            svc.set_state(state, self._now(), 0.0)

    def service_refs(self):
        """Sorted ``Folder/Name.Type`` (root: ``Name.Type``) of every service."""
        with self._lock:
            refs = [s.ref for s in self.root.services.values()]
            for folder in self.folders.values():
                refs.extend(s.ref for s in folder.services.values())
        return sorted(refs)

    def add_service(self, ref, state=STARTED, description="", type_config=None,
                    hosted=False, is_default=False):
        """Add a service outside the seed (test setup; creates the folder if needed).

        No name validation, so tests can build names a client must %-encode.
        """
        folder_name, _, leaf = ref.strip("/").rpartition("/")
        name, _, type_ = leaf.rpartition(".")
        if not name or not type_:
            raise ValueError("ref must look like Folder/Name.Type")
        with self._lock:
            if folder_name and self._key(folder_name) not in self.folders:
                self.folders[self._key(folder_name)] = Folder(folder_name, "")
            folder = self.get_folder(folder_name)
            spec = seed.ServiceSpec(folder.name, name, type_, description, state, is_default,
                                    hosted, False)
            svc = self._add(folder, name, type_, description, type_config, state, is_default, hosted)
            svc.seed_from(spec, "ArcObjects11" if self.version.at_least(11) else "ArcObjects")
            return svc.ref

    def snapshot(self):
        """This area's part of the control plane's state view."""
        with self._lock:
            now = self._now()
            services = []
            for ref in self.service_refs():
                svc = self.resolve(ref)
                services.append(OrderedDict([("ref", ref),
                                             ("configuredState", svc.configured_state),
                                             ("realTimeState", svc.realtime_state(now)),
                                             ("hosted", svc.hosted)]))
            return OrderedDict([("folders", [f.name for f in self._sorted_folders()]),
                                ("services", services)])

    # -- service children a backup reads (-next section 3) ------------------

    def iteminfo(self, svc):
        """Admin API: GET ``.../<name>.<type>/iteminfo`` (section 9.4)."""
        return OrderedDict(svc.children.iteminfo)

    def manifest(self, svc):
        """Admin API: GET ``.../iteminfo/manifest/manifest.json`` (section 9.4)."""
        return OrderedDict(svc.children.manifest)

    def permissions(self, svc):
        """Admin API: GET ``.../<name>.<type>/permissions``."""
        return OrderedDict([("permissions", list(svc.children.permissions))])

    # -- the REST services directory (-next section 10.4, item 1) -----------

    def _running(self, svc):
        return svc.realtime_state(self._now()) == STARTED

    def catalog_folder(self, folder_name):
        """REST: ``/arcgis/rest/services[/<folder>]``: sub-folders (root only) and started services.

        Entries are ``{"name": "Folder/Name", "type": "MapServer"}`` (folder-qualified, -next 10.4).
        """
        folder = self.get_folder(folder_name)
        with self._lock:
            folders = [f.name for f in self._sorted_folders()] if folder.is_root else []
            # Real directories list started services only (issue 7).
            services = [OrderedDict([("name", s.ref.rpartition(".")[0]), ("type", s.type)])
                        for s in self._sorted_services(folder) if self._running(s)]
        return folder, folders, services

    def catalog_service(self, folder_name, name, type_):
        """The started service a REST URL names. Raises NotFound, ServiceNotStarted."""
        svc = self.get_service(folder_name, name, type_)
        if not self._running(svc):
            raise errors.ServiceNotStarted(svc.ref.rpartition(".")[0], svc.type)
        return svc


def _success():
    return OrderedDict([("status", "success")])
