"""State and rules of one emulated ArcGIS Server site: one method per admin operation, no HTTP.

Section numbers in comments refer to ``/work/shared/reference/admin-api.md``.
Methods return plain Python data (ordered dicts) and raise ``errors`` classes;
``server.py`` turns both into HTTP. A ``Site`` is created per sandbox: no
module-level state.
"""

from __future__ import absolute_import, unicode_literals

import random
import re
import threading
import time
from collections import OrderedDict

from . import errors, seed
from ._compat import string_types, text_type

DEMO_USER = "siteadmin"
DEMO_PASSWORD = "sandbox-demo-pass"

STARTED = "STARTED"
STOPPED = "STOPPED"
_STATES = (STARTED, STOPPED)

# Report sections a client may ask for; by default all are listed (D:servicesreport).
REPORT_PARAMETERS = ("description", "status", "instances", "iteminfo", "properties", "permissions")

# ArcObjects config-name rule: A-Z a-z 0-9 _ -, at most 120 characters (section 10).
_NAME_CHAR = re.compile(r"[A-Za-z0-9_\-]")
_MAX_NAME = 120

_TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

# assumption: build numbers per release (only 10.1 "3009" and 10.8 "12670" are
# documented, section 9.1); the values only need to look real.
_BUILDS = {
    (10, 1): "3009", (10, 2): "3348", (10, 3): "4322", (10, 4): "5524", (10, 5): "6491",
    (10, 5, 1): "7333", (10, 6): "8321", (10, 6, 1): "9270", (10, 7): "10450",
    (10, 7, 1): "11595", (10, 8): "12670", (10, 8, 1): "14362", (10, 9): "26417",
    (10, 9, 1): "28388", (11, 0): "32522", (11, 1): "41833", (11, 2): "46933",
    (11, 3): "51575", (11, 4): "55243", (11, 5): "57366",
}


class Clock(object):
    """The site's wall clock, which tests move forward instead of sleeping."""

    def __init__(self, base=None):
        self._base = base or time.time
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self):
        """Return the current time in epoch seconds."""
        with self._lock:
            return self._base() + self._offset

    __call__ = now

    def advance(self, seconds):
        """Move the clock forward by ``seconds`` (token expiry, settle lag)."""
        with self._lock:
            self._offset += float(seconds)


class Version(object):
    """A server release such as "10.5.1" and the numbers the API reports for it."""

    def __init__(self, text):
        text = text_type(text).strip()
        try:
            self.parts = tuple(int(p) for p in text.split("."))
        except ValueError:
            raise ValueError("version must look like 10.5.1 or 11.3, got %r" % text)
        if len(self.parts) < 2 or self.parts[0] < 10:
            raise ValueError("version must be 10.1 or later, got %r" % text)
        while len(self.parts) > 2 and self.parts[-1] == 0:
            self.parts = self.parts[:-1]
        self.text = ".".join(str(p) for p in self.parts)

    def at_least(self, *parts):
        """True when this release is ``parts`` or later."""
        return self.parts >= tuple(parts)

    @property
    def number(self):
        """``currentVersion`` as a number: 10.5.1 -> 10.51 (recorded, section 9.1)."""
        return float("%d.%s" % (self.parts[0], "".join(str(p) for p in self.parts[1:])))

    @property
    def full(self):
        """``fullVersion``: "10.5.1" as recorded; 11.x reports three parts."""
        # assumption: 11.x sites report e.g. "11.3.0" (only 10.5.1 is recorded).
        if self.parts[0] >= 11 and len(self.parts) == 2:
            return self.text + ".0"
        return self.text

    @property
    def build(self):
        """``currentbuild`` string for /info."""
        return _BUILDS.get(self.parts, "0")


class Token(object):
    """An issued token and what binds it (section 1.5)."""

    __slots__ = ("value", "username", "expires", "client", "bound_to", "source")

    def __init__(self, value, username, expires, client, bound_to, source):
        self.value = value
        self.username = username
        self.expires = expires  # epoch seconds
        self.client = client  # "referer" | "requestip" | "ip" | None
        self.bound_to = bound_to  # the referer or IP the token is bound to
        self.source = source  # "admin" | "tokens" | "portal"

    @property
    def expires_ms(self):
        """Expiry in epoch milliseconds, as the token endpoints report it."""
        return int(round(self.expires * 1000))


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
        self.config = config
        self.is_default = is_default
        self.hosted = hosted
        self.private = False
        self.configured_state = state
        # realTimeState lags configuredState by settle_seconds: it reads
        # _rt_from until _rt_at, then _rt_to (moto's time-based ManagedState).
        self._rt_from = self._rt_to = state
        self._rt_at = now

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


def _check_name(kind, name):
    if len(name) > _MAX_NAME:
        raise errors.InvalidParameter("%sName" % kind.lower(),
                                      "The name is longer than %d characters." % _MAX_NAME)
    for char in name:
        if not _NAME_CHAR.match(char):
            raise errors.InvalidName(kind, char)


class Site(object):
    """One emulated ArcGIS Server site: folders, services, users and tokens."""

    def __init__(self, version="11.3", users=None, token_minutes=60, max_token_minutes=1440,
                 settle_seconds=0.0, service_op_ms=0, federated=False, case_insensitive=True,
                 seed=0, services=0, clock=None, sleep=None):
        self.version = Version(version)
        self.users = dict(users) if users else {DEMO_USER: DEMO_PASSWORD}
        self.token_minutes = int(token_minutes)
        self.max_token_minutes = int(max_token_minutes)
        self.settle_seconds = float(settle_seconds)
        self.service_op_ms = int(service_op_ms)
        self.federated = bool(federated)
        self.case_insensitive = bool(case_insensitive)
        self.seed = seed
        self.bulk_services = int(services)
        self.clock = clock or Clock()
        self._sleep = sleep or time.sleep
        self._lock = threading.RLock()
        self._populate()

    # -- lifecycle -------------------------------------------------------

    def _populate(self):
        self._random = random.Random(self.seed)
        self._tokens = {}
        self.root = Folder("/", "Root folder")
        self.folders = OrderedDict()  # lookup key -> Folder, root excluded
        provider = "ArcObjects11" if self.version.at_least(11) else "ArcObjects"
        for spec in seed.folder_specs(self.bulk_services):
            self.folders[self._key(spec.name)] = Folder(spec.name, spec.description, spec.is_default)
        for spec in seed.service_specs(self.bulk_services):
            folder = self.root if spec.folder == "/" else self.folders[self._key(spec.folder)]
            self._add(folder, spec.name, spec.type, spec.description,
                      seed.service_config(spec, provider), spec.state, spec.is_default, spec.hosted)

    def reset(self):
        """Restore the seeded state and forget every token (moto's reset)."""
        with self._lock:
            self._populate()

    def advance_clock(self, seconds):
        """Move the site's clock forward (token expiry, settle lag) without sleeping."""
        self.clock.advance(seconds)

    def _now(self):
        return self.clock.now()

    def _key(self, name):
        # Lookups are case-insensitive with stored case preserved (section 10; unconfirmed).
        return name.lower() if self.case_insensitive else name

    def _add(self, folder, name, type_, description, config, state, is_default, hosted):
        svc = Service(folder, name, type_, description, config, state, self._now(),
                      is_default=is_default, hosted=hosted)
        folder.services[self._key("%s.%s" % (name, type_))] = svc
        return svc

    # -- tokens (section 1) ------------------------------------------------

    def generate_token(self, username, password, client=None, referer=None, ip=None,
                       expiration=None, request_ip=None, source="admin"):
        """Admin API: POST ``/generateToken`` (also /arcgis/tokens and Portal) -> ``Token``.

        Raises:
            MissingParameter, BadCredentials, InvalidParameter, ClientIdRequired.
        """
        missing = [n for n, v in (("username", username), ("password", password)) if not v]
        if missing:
            raise errors.MissingParameter(*missing)
        # User names are case sensitive on generateToken (section 1.1).
        if self.users.get(username) != password:
            raise errors.BadCredentials()
        client = (client or "").strip().lower() or None
        if client == "referrer":  # the 10.1 doc's spelling (section 1.1)
            client = "referer"
        if client not in (None, "referer", "requestip", "ip"):
            raise errors.InvalidParameter("client", "Values: referer | ip | requestip.")
        # assumption: without ``client`` the admin endpoint issues a token bound
        # to nothing (the default is unstated for 10.1+, section 1.1).
        bound_to = None
        if client == "referer":
            if not referer:
                raise errors.MissingParameter("referer")
            bound_to = referer
        elif client == "ip":
            if not ip:
                raise errors.MissingParameter("ip")
            bound_to = ip
        elif client == "requestip":
            bound_to = request_ip
        minutes = self._token_minutes(expiration)
        if client is None and source == "tokens" and self.version.at_least(10, 3) \
                and minutes > self.token_minutes:
            # 10.3 made client required for long tokens (Esri/resource-proxy#224).
            raise errors.ClientIdRequired()
        with self._lock:
            # assumption: token shape (64 URL-safe characters and a dot) only looks real.
            value = "".join(self._random.choice(_TOKEN_ALPHABET) for _ in range(64)) + "."
            token = Token(value, username, self._now() + minutes * 60.0, client, bound_to, source)
            self._tokens[value] = token
        return token

    def _token_minutes(self, expiration):
        if expiration in (None, ""):
            return self.token_minutes
        try:
            minutes = int(text_type(expiration).strip())
        except ValueError:
            raise errors.InvalidParameter("expiration", "Expiration must be an integer (minutes).")
        if minutes <= 0:
            # assumption: a non-positive expiration falls back to the default lifetime.
            return self.token_minutes
        # Requests above the maximum get the maximum lifetime (section 1.4).
        return min(minutes, self.max_token_minutes)

    def check_token(self, value, referer=None, request_ip=None):
        """Validate a presented token and return it (sections 1.5, 1.6).

        Raises:
            TokenRequired (499), InvalidToken, TokenExpired, ClientIdMismatch (498).
        """
        if not value:
            raise errors.TokenRequired()
        with self._lock:
            token = self._tokens.get(value)
        if token is None or (token.source == "portal" and not self.federated):
            raise errors.InvalidToken()
        if self._now() >= token.expires:
            raise errors.TokenExpired()
        # assumption: the Referer header must equal the issued referer exactly.
        if token.client == "referer" and (referer or "") != token.bound_to:
            raise errors.ClientIdMismatch()
        if token.client in ("requestip", "ip") and request_ip != token.bound_to:
            raise errors.ClientIdMismatch()
        return token

    def expire_all_tokens(self):
        """Make every issued token expired now (fault injection)."""
        with self._lock:
            now = self._now()
            for token in self._tokens.values():
                token.expires = min(token.expires, now)

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

    # -- resources ---------------------------------------------------------

    def root_resource(self):
        """Admin API: GET ``/`` (recorded 10.5.1, section 9.1)."""
        resources = ["machines", "clusters", "system", "services", "security", "data",
                     "uploads", "logs", "mode", "usagereports"]
        if self.version.at_least(11):
            # assumption: clusters were removed at 11.0, so 11.x omits them.
            resources.remove("clusters")
        return OrderedDict([("resources", resources), ("currentVersion", self.version.number),
                            ("fullVersion", self.version.full), ("acceptLanguage", None)])

    def root_resource_names(self):
        """Top-level admin resource names of this release."""
        return self.root_resource()["resources"]

    def admin_info(self, username):
        """Admin API: GET ``/info``, lower-case keys (section 9.1)."""
        info = OrderedDict([("currentversion", self.version.text),
                            ("currentbuild", self.version.build)])
        newer = self.version.at_least(10, 3)  # assumption: fonts/user keys from 10.3 on
        if newer:
            info["supportedFonts"] = ["Arial", "Arial Black", "Courier New", "Tahoma",
                                      "Times New Roman", "Verdana"]
        info["timezone"] = OrderedDict([("displayname", "(UTC) Coordinated Universal Time"),
                                        ("windowsid", "UTC"), ("olsonid", "Etc/UTC"),
                                        ("daylightsavings", False)])
        if newer:
            info["loggedInUser"] = username
            info["loggedInUserPrivilege"] = "ADMINISTER"
        return info

    def rest_info(self, base_url, portal_url=None):
        """REST: GET ``/arcgis/rest/info`` (recorded 10.5.1, section 1.2 / 9.1)."""
        info = OrderedDict([("currentVersion", self.version.number),
                            ("fullVersion", self.version.full),
                            ("soapUrl", base_url + "/services"),
                            ("secureSoapUrl", None)])  # assumption: no HTTPS port in the sandbox
        token_url = base_url + "/tokens/"
        if self.federated and portal_url:
            info["owningSystemUrl"] = portal_url
            token_url = portal_url + "/sharing/rest/generateToken"
        info["authInfo"] = OrderedDict([("isTokenBasedSecurity", True),
                                        ("tokenServicesUrl", token_url),
                                        ("shortLivedTokenValidity", self.token_minutes)])
        return info

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
        self._transition(svc, STARTED)
        return _success()

    def stop_service(self, svc):
        """Admin API: POST ``.../stop`` -> ``{"status":"success"}``. Raises HostedStartStop."""
        self._transition(svc, STOPPED)
        return _success()

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

    def start_services(self, entries):
        """Admin API (10.3+): POST ``/services/startServices`` (section 3)."""
        return self._batch(entries, lambda svc: self._transition(svc, STARTED))

    def stop_services(self, entries):
        """Admin API (10.3+): POST ``/services/stopServices`` (section 3)."""
        return self._batch(entries, lambda svc: self._transition(svc, STOPPED))

    def delete_services(self, entries):
        """Admin API (10.7.1+): POST ``/services/deleteServices`` (section 3)."""
        return self._batch(entries, self._delete)

    def _batch(self, entries, apply):
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
        self._delete(svc)
        return _success()

    def _delete(self, svc):
        # assumption: hosted services can be deleted here like any other (unrecorded).
        if svc.is_default:
            # assumption: refused, Esri's procedure first sets isDefault false (section 2.2).
            raise errors.DefaultServiceRefused(svc.ref)
        with self._lock:
            svc.folder.services.pop(self._key("%s.%s" % (svc.name, svc.type)), None)

    def rename_service(self, folder_name, service_name, service_type, new_name):
        """Admin API: POST ``/services/[<folder>/]renameService`` (section 5)."""
        missing = [n for n, v in (("serviceName", service_name), ("serviceType", service_type),
                                  ("serviceNewName", new_name)) if not v]
        if missing:
            raise errors.MissingParameter(*missing)
        svc = self.get_service(folder_name, service_name, service_type)
        if svc.is_default:
            raise errors.DefaultServiceRefused(svc.ref)
        _check_name("Service", new_name)
        with self._lock:
            new_key = self._key("%s.%s" % (new_name, svc.type))
            old_key = self._key("%s.%s" % (svc.name, svc.type))
            if new_key in svc.folder.services and new_key != old_key:
                # assumption: duplicate-name text unrecorded (section 12).
                raise errors.ServiceExists("%s.%s" % (new_name, svc.type))
            del svc.folder.services[old_key]
            svc.name = new_name
            svc.folder.services[new_key] = svc
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
        return _success()

    def delete_folder(self, folder_name):
        """Admin API: POST ``/services/<folder>/deleteFolder``: removes the folder and its services."""
        folder = self.get_folder(folder_name)
        if folder.is_default or folder.is_root:
            raise errors.ReservedFolder(folder.name)
        with self._lock:
            self.folders.pop(self._key(folder.name), None)
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
            entry["iteminfo"] = OrderedDict([
                ("description", svc.description), ("summary", ""), ("tags", []),
                ("thumbnail", ""), ("title", svc.name), ("typeKeywords", [svc.type]),
                ("snippet", ""), ("accessInformation", ""), ("licenseInfo", "")])
        if "properties" in wanted:
            entry["properties"] = svc.config.get("properties", {})
        if "permissions" in wanted:
            entry["permissions"] = [OrderedDict([("principal", "esriEveryone"),
                                                 ("permission", OrderedDict([("isAllowed", True)]))])]
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
            config = type_config or seed.service_config(
                spec, "ArcObjects11" if self.version.at_least(11) else "ArcObjects")
            return self._add(folder, name, type_, description, config, state, is_default,
                             hosted).ref

    def snapshot(self):
        """Plain-data view of the site for the control plane (no secrets)."""
        with self._lock:
            now = self._now()
            services = []
            for ref in self.service_refs():
                svc = self.resolve(ref)
                services.append(OrderedDict([("ref", ref),
                                             ("configuredState", svc.configured_state),
                                             ("realTimeState", svc.realtime_state(now)),
                                             ("hosted", svc.hosted)]))
            return OrderedDict([
                ("version", self.version.text), ("federated", self.federated),
                ("clock", now), ("folders", [f.name for f in self._sorted_folders()]),
                ("services", services), ("tokensIssued", len(self._tokens)),
                ("activeTokens", sum(1 for t in self._tokens.values() if t.expires > now)),
            ])


def _success():
    return OrderedDict([("status", "success")])
