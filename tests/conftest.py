"""Fixtures shared by the whole suite: an isolated keyring, a clean environment, a sandbox."""

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


@pytest.fixture
def sandbox():
    """A fresh sandbox per test (its state is per instance), on a free loopback port."""
    sb = _sandbox()
    yield sb
    sb.stop()


@pytest.fixture
def make_sandbox():
    """A factory for sandboxes with options (version, latency, federation...)."""
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
