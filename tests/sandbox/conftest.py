"""Fixtures for the sandbox's own tests: a sandbox on a free loopback port and a thin HTTP helper."""

from __future__ import absolute_import, unicode_literals

import pytest
import requests

from agsadmin_core.sandbox import DEMO_PASSWORD, DEMO_USER, Sandbox


class Admin(object):
    """Plain-requests helper for one sandbox: sign in, then POST/GET admin paths."""

    def __init__(self, sb):
        self.sb = sb
        self.http = requests.Session()
        self._token = None

    def token(self, **fields):
        """A fresh admin token (form body, client=requestip unless told otherwise)."""
        data = {"username": DEMO_USER, "password": DEMO_PASSWORD, "client": "requestip", "f": "json"}
        data.update(fields)
        body = self.http.post(self.sb.admin_url + "/generateToken", data=data).json()
        return body["token"]

    def sign_in(self):
        """Get (once) the token that ``post`` uses by default, before faults are armed."""
        return self.default_token

    @property
    def default_token(self):
        if self._token is None:
            self._token = self.token()
        return self._token

    def post(self, path, token=True, **fields):
        """POST ``fields`` to ``admin_url + path`` with f=json and the token in the body."""
        data = {"f": "json"}
        if token is True:
            data["token"] = self.default_token
        elif token:
            data["token"] = token
        data.update(fields)
        return self.http.post(self.sb.admin_url + path, data=data, allow_redirects=False)

    def get(self, path, **params):
        """GET ``admin_url + path`` with ``params`` in the query string."""
        return self.http.get(self.sb.admin_url + path, params=params, allow_redirects=False)

    def ok(self, path, **fields):
        """POST and return the parsed JSON body."""
        return self.post(path, **fields).json()

    def close(self):
        self.http.close()


@pytest.fixture
def make_sb():
    """Factory for started sandboxes with options; all are stopped after the test."""
    started = []

    def factory(**options):
        sb = Sandbox(**options).start()
        started.append(sb)
        return sb

    yield factory
    for sb in started:
        sb.stop()


@pytest.fixture
def sb(make_sb):
    """A default sandbox (11.3, seeded, no latency) per test."""
    return make_sb()


@pytest.fixture
def admin(sb):
    helper = Admin(sb)
    yield helper
    helper.close()


@pytest.fixture
def make_admin():
    helpers = []

    def factory(sandbox):
        helper = Admin(sandbox)
        helpers.append(helper)
        return helper

    yield factory
    for helper in helpers:
        helper.close()
