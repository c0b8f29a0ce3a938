"""Fixtures shared by the whole suite: an isolated keyring, a clean environment, a sandbox."""

import copy
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

# Secrets that must never show up in any output, file, exception or request log.
CANARY_PASSWORD = "Canary-Pw-7f3e9a1c!"
CANARY_USER = "canaryadmin"


class MemoryKeyring(object):
    """Builds an in-memory keyring backend, so tests never touch the machine's real keyring."""

    @staticmethod
    def make():
        import keyring.backend

        class _Memory(keyring.backend.KeyringBackend):
            priority = 1

            def __init__(self):
                keyring.backend.KeyringBackend.__init__(self)
                self.store = {}

            def get_password(self, service, username):
                return self.store.get((service, username))

            def set_password(self, service, username, password):
                self.store[(service, username)] = password

            def delete_password(self, service, username):
                self.store.pop((service, username), None)

        return _Memory()


@pytest.fixture(autouse=True)
def isolated_credentials(monkeypatch):
    """Every test starts with no password in the environment and an empty in-memory keyring."""
    monkeypatch.delenv("AGSADMIN_PASSWORD", raising=False)
    import keyring
    previous = keyring.get_keyring()
    backend = MemoryKeyring.make()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring(isolated_credentials):
    return isolated_credentials


def _sandbox(**options):
    from agsadmin_core.sandbox import Sandbox
    users = options.pop("users", None) or {"siteadmin": "sandbox-demo-pass",
                                           CANARY_USER: CANARY_PASSWORD}
    return Sandbox(users=users, **options).start()


class SandboxBaseline(object):
    """What a test may change on the shared sandbox beyond what ``Sandbox.reset()`` restores.

    ``reset()`` reseeds every area of the site (services, folders, users, tokens, logs),
    disarms faults and clears the request log. It leaves the clock's offset and the site's and
    app's settings (version, token lifetimes, latency...) as a test left them, so these are
    noted once and put back here, in the fixture, rather than in the sandbox.
    """

    SITE = ("token_minutes", "max_token_minutes", "settle_seconds", "service_op_ms",
            "federated", "case_insensitive", "catalog_requires_token", "seed", "bulk_services",
            "unicode_names", "log_records", "version")
    APP = ("latency_ms", "op_latency_ms", "admin_token_endpoint")

    def __init__(self, sb):
        self.site = dict((name, copy.deepcopy(getattr(sb.site, name))) for name in self.SITE)
        self.app = dict((name, copy.deepcopy(getattr(sb.app, name))) for name in self.APP)

    def restore(self, sb):
        from agsadmin_core.sandbox.models import Clock
        for name, value in self.site.items():
            setattr(sb.site, name, copy.deepcopy(value))
        for name, value in self.app.items():
            setattr(sb.app, name, copy.deepcopy(value))
        sb.site.clock = Clock()   # forget advance_clock(); tokens are reissued by reset()
        sb.reset()


@pytest.fixture(scope="session")
def shared_sandbox():
    """The one default sandbox of the run; use ``sandbox``, which resets it for each test."""
    sb = _sandbox()
    baseline = SandboxBaseline(sb)
    yield sb, baseline
    sb.stop()


@pytest.fixture
def sandbox(shared_sandbox):
    """The default sandbox (11.3, seeded, canary user), reset to its seeded state for this test.

    One server serves the whole run, so tests do not pay a start and a stop each; a test that
    needs other options (version, latency, federation...) takes ``make_sandbox`` instead.
    """
    sb, baseline = shared_sandbox
    baseline.restore(sb)
    yield sb
    sb.faults.clear()   # nothing armed may fire at the next test's sign-in


@pytest.fixture
def make_sandbox():
    """A factory for fresh sandboxes with options (version, latency, federation...)."""
    started = []

    def factory(**options):
        sb = _sandbox(**options)
        started.append(sb)
        return sb

    yield factory
    for sb in started:
        sb.stop()


@pytest.fixture
def fast_retry():
    from agsadmin_core.session import RetryPolicy
    return RetryPolicy(lock_attempts=6, connect_attempts=3, backoff=0.01, max_pause=0.05)


@pytest.fixture
def connect(sandbox, fast_retry):
    """connect(**kw) -> a Server signed in to the default sandbox as the canary user."""
    from agsadmin_core import Server
    servers = []

    def factory(sb=None, **options):
        sb = sb or sandbox
        options.setdefault("username", CANARY_USER)
        options.setdefault("password", CANARY_PASSWORD)
        options.setdefault("retry", fast_retry)
        server = Server.connect(sb.url, **options)
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.close()


def answers(sb, fragment):
    """The envelope codes (None for a success) of the logged requests whose path ends with
    ``fragment``, in order: how a test proves that an armed fault really fired."""
    return [r["envelope_code"] for r in sb.requests if r["path"].endswith(fragment)]
