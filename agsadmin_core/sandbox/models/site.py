"""The site area's state and rules: clock, release, users and tokens, and the areas it holds.

Section numbers in comments refer to ``/work/shared/reference/admin-api.md``.
No HTTP here: methods return plain data or small objects and raise
``envelopes`` classes. ``Site`` is the root model; every other area's model
(services, and later logs, uploads, jobs, backups) is created from the
registry in ``areas.py`` and reachable as an attribute named after the area
(``site.services``).
"""

from __future__ import absolute_import, unicode_literals

import random
import threading
import time
from collections import OrderedDict

from .. import envelopes as errors
from .._compat import text_type
from . import logs

# Where a sign-in is logged, by token endpoint. assumption: unrecorded.
_LOG_SOURCES = {"admin": "Admin", "tokens": "Rest", "portal": "Rest"}

DEMO_USER = "siteadmin"
DEMO_PASSWORD = "sandbox-demo-pass"

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



class Site(object):
    """One emulated ArcGIS Server site: release, clock, users, tokens, and one model per area.

    ``areas`` is a list of model classes (``areas.model_classes()``); each is
    built with this site and set as ``self.<cls.area>``. The Python-level
    helpers tests use (``service_state``, ``service_refs``...) are kept here
    and forward to the services area.
    """

    def __init__(self, version="11.3", users=None, token_minutes=60, max_token_minutes=1440,
                 settle_seconds=0.0, service_op_ms=0, federated=False, case_insensitive=True,
                 seed=0, services=0, clock=None, sleep=None, unicode_names=False,
                 catalog_requires_token=True, areas=None, log_records=0):
        self.version = Version(version)
        self._seed_users = dict(users) if users else {DEMO_USER: DEMO_PASSWORD}
        self.token_minutes = int(token_minutes)
        self.max_token_minutes = int(max_token_minutes)
        self.settle_seconds = float(settle_seconds)
        self.service_op_ms = int(service_op_ms)
        self.federated = bool(federated)
        self.case_insensitive = bool(case_insensitive)
        self.catalog_requires_token = bool(catalog_requires_token)
        self.seed = seed
        self.bulk_services = int(services)  # a count of generated services, not a model
        self.unicode_names = bool(unicode_names)
        self.log_records = int(log_records)  # synthetic log history (models/logs.py), a count
        self.clock = clock or Clock()
        self.sleep = sleep or time.sleep
        self.lock = threading.RLock()  # one lock for every area: cross-area rules stay atomic
        if areas is None:
            from ..areas import model_classes
            areas = model_classes()
        self.area_models = []
        for cls in areas:
            model = cls(self)
            setattr(self, cls.area, model)
            self.area_models.append(model)
        self._populate()

    # -- lifecycle -------------------------------------------------------

    def _populate(self):
        self.random = random.Random(self.seed)
        self.users = dict(self._seed_users)
        self._tokens = {}
        for model in self.area_models:
            model.populate()

    def reset(self):
        """Restore the seeded state of every area and forget every token (moto's reset)."""
        with self.lock:
            self._populate()

    def advance_clock(self, seconds):
        """Move the site's clock forward (token expiry, settle lag) without sleeping."""
        self.clock.advance(seconds)

    def now(self):
        """The site clock, epoch seconds."""
        return self.clock.now()

    _now = now

    def log(self, kind, **values):
        """Write a record of what just happened to the logs area (if the site has one).

        ``kind`` is one of the ``models.logs`` record kinds (``logs.STARTED``...).
        """
        area = getattr(self, "logs", None)
        if area is not None:
            return area.write(kind, **values)
        return None

    def key(self, name):
        """Lookup key of a name: lower-cased when lookups are case-insensitive (section 10)."""
        return name.lower() if self.case_insensitive else name

    # -- users and tokens (section 1) ---------------------------------------

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
            self.log(logs.SIGN_IN_FAILED, source=_LOG_SOURCES.get(source), user=username)
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
        with self.lock:
            # assumption: token shape (64 URL-safe characters and a dot) only looks real.
            value = "".join(self.random.choice(_TOKEN_ALPHABET) for _ in range(64)) + "."
            token = Token(value, username, self._now() + minutes * 60.0, client, bound_to, source)
            self._tokens[value] = token
        self.log(logs.SIGN_IN, source=_LOG_SOURCES.get(source), user=username)
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
        with self.lock:
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
        with self.lock:
            now = self._now()
            for token in self._tokens.values():
                token.expires = min(token.expires, now)

    def change_password(self, username, new_password, expire_tokens=True):
        """Fault: the user's password changes mid-run (an administrator rotated it).

        Later sign-ins with the old password fail with the bad-credentials
        error; with ``expire_tokens`` the user's tokens issued so far are
        expired now, so a client must sign in again and meet that failure.
        """
        if not new_password:
            raise ValueError("new_password must not be empty")
        with self.lock:
            if username not in self.users:
                raise ValueError("no such user: %r" % (username,))
            self.users[username] = new_password
            if expire_tokens:
                now = self._now()
                for token in self._tokens.values():
                    if token.username == username:
                        token.expires = min(token.expires, now)

    # -- site resources (section 9.1) ----------------------------------------

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

    # -- helpers for tests and the control plane ---------------------------

    def service_state(self, ref):
        """``(configuredState, realTimeState)`` of ``Folder/Name.Type`` (services area)."""
        return self.services.service_state(ref)

    def set_service_state(self, ref, state):
        """Set both states of a service at once (test setup; services area)."""
        return self.services.set_service_state(ref, state)

    def service_refs(self):
        """Sorted ``Folder/Name.Type`` (root: ``Name.Type``) of every service."""
        return self.services.service_refs()

    def add_service(self, ref, **options):
        """Add a service outside the seed (see ``ServicesArea.add_service``)."""
        return self.services.add_service(ref, **options)

    def resolve(self, ref):
        """The service named ``Folder/Name.Type``."""
        return self.services.resolve(ref)

    def snapshot(self):
        """Plain-data view of the site for the control plane (no secrets)."""
        with self.lock:
            now = self._now()
            state = OrderedDict([("version", self.version.text), ("federated", self.federated),
                                 ("clock", now)])
            for model in self.area_models:
                state.update(model.snapshot())
            state["tokensIssued"] = len(self._tokens)
            state["activeTokens"] = sum(1 for t in self._tokens.values() if t.expires > now)
            return state
