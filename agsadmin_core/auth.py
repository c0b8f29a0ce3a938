"""Token providers: small objects that each know one way to get (and renew) a token.

The session asks its provider for a token when it has none, when the one it has is about to
expire, and once more after the server rejects it (498/499). Passwords live only inside a
provider's private attribute and travel only in POST bodies.
"""

import collections
import logging
import time

from ._compat import monotonic, to_text
from .errors import AuthenticationFailed, InvalidInput, NotFound, NotJSON, ServerError, \
    TokenRejected
from .urls import is_loopback_url, shown

log = logging.getLogger(__name__)

#: Lifetime we ask for, in minutes. The server caps it at its own maximum (admin-api.md 1.4).
DEFAULT_EXPIRATION_MINUTES = 60


class Token(collections.namedtuple("Token", "value expires_at referer")):
    """A token, when it expires (``monotonic`` seconds, or None), and the Referer it is bound to.

    The value is kept out of ``repr`` so a token can never leak through a log line or a
    traceback that prints locals.
    """

    __slots__ = ()

    def __repr__(self):
        return "Token(value=<hidden>, expires_at=%r, referer=%r)" % (self.expires_at,
                                                                     self.referer)

    def seconds_left(self, now=None):
        if self.expires_at is None:
            return None
        return self.expires_at - (monotonic() if now is None else now)


def parse_expires(value, server_now_ms=None):
    """Return the seconds from now until ``expires``, read as a string or a number.

    ArcGIS sends epoch milliseconds, as a string from ``/admin/generateToken`` and as a number
    from ``/tokens`` and the Portal (admin-api.md 1.1). Without the server's clock we trust
    ours; a token already expired by our clock is given a short life so it is renewed soon.
    """
    try:
        millis = float(value)
    except (TypeError, ValueError):
        return None
    if millis < 1e11:  # a value in seconds, as a few proxies rewrite it
        millis *= 1000.0
    now_ms = server_now_ms if server_now_ms is not None else time.time() * 1000.0
    return max((millis - now_ms) / 1000.0, 30.0)


class TokenProvider(object):
    """Base class: ``fetch(session)`` returns a fresh :class:`Token`."""

    #: False when the provider cannot make a new token (a token the user gave us).
    can_renew = True
    #: A short description for messages, never containing a secret.
    describe = "token"

    def fetch(self, session):
        raise NotImplementedError


class GivenToken(TokenProvider):
    """A token the user already has (``--token``); it cannot be renewed."""

    can_renew = False
    describe = "the given token"

    def __init__(self, token, referer=None):
        self._token = token
        self._referer = referer

    def __repr__(self):
        return "GivenToken(<hidden>)"

    def fetch(self, session):
        return Token(self._token, None, self._referer)


class PasswordTokenProvider(TokenProvider):
    """Signs in with a user name and password at the site's own token endpoints.

    ``POST <admin>/generateToken`` first; where the admin endpoint is refused (not found,
    blocked by a Web Adaptor, an HTML page), ``POST <site>/tokens/generateToken``, which the
    admin API also accepts (admin-api.md 1.2). Wrong credentials are not retried at the
    second endpoint: each failed sign-in counts towards the account's lock-out.

    Tokens are bound to a Referer (``client=referer``), which survives proxies and load
    balancers where ``requestip`` does not; the session sends that Referer on every call.
    """

    describe = "user name and password"

    def __init__(self, username, password, expiration=DEFAULT_EXPIRATION_MINUTES):
        if not username:
            raise InvalidInput("A user name is needed to sign in.",
                               hint="{give_user}.")
        self.username = username
        self._password = password
        self.expiration = expiration

    def __repr__(self):
        return "PasswordTokenProvider(username=%r, password=<hidden>)" % self.username

    def _form(self, referer):
        return {"username": self.username, "password": self._password, "client": "referer",
                "referer": referer, "expiration": str(self.expiration), "f": "json"}

    def fetch(self, session):
        referer = session.urls.site
        form = self._form(referer)
        try:
            body = session.post_form(session.urls.admin + "/generateToken", form,
                                     operation="generateToken")
        except (NotFound, NotJSON) as exc:
            log.debug("admin generateToken refused (%s); trying the token service",
                      type(exc).__name__)
            body = self._fetch_public(session, form)
        except ServerError as exc:
            if exc.code in (403, 405):
                body = self._fetch_public(session, form)
            else:
                raise _signin_failed(exc, self.username, session.urls.admin)
        except TokenRejected as exc:
            raise _signin_failed(exc, self.username, session.urls.admin)
        return _token_from(body, referer, session.urls.admin)

    def _fetch_public(self, session, form):
        try:
            return session.post_form(session.urls.tokens, form, operation="generateToken")
        except (ServerError, NotFound, TokenRejected) as exc:
            raise _signin_failed(exc, self.username, session.urls.tokens)


class PortalTokenProvider(PasswordTokenProvider):
    """Signs in at the Portal that a federated server trusts (``sharing/rest/generateToken``).

    The Portal token is issued for the server's URL as Referer and is accepted by the
    federated server's admin API (admin-api.md 1.7).
    """

    describe = "Portal user name and password"

    def __init__(self, portal_token_url, username, password,
                 expiration=DEFAULT_EXPIRATION_MINUTES, allow_http=False):
        # The password goes to the Portal, not to the server: the plain-http guard applies
        # to this URL on its own, whatever the server URL is.
        check_credential_url(portal_token_url, allow_http, "Portal")
        PasswordTokenProvider.__init__(self, username, password, expiration)
        self.portal_token_url = portal_token_url

    def fetch(self, session):
        referer = session.urls.site
        try:
            body = session.post_form(self.portal_token_url, self._form(referer),
                                     operation="generateToken")
        except (ServerError, NotFound, TokenRejected) as exc:
            raise _signin_failed(exc, self.username, self.portal_token_url)
        return _token_from(body, referer, self.portal_token_url)


class SigninTokenProvider(TokenProvider):
    """A token handed over by a host application, e.g. ArcGIS Pro's portal sign-in.

    ``source`` is called for each new token and returns ``{"token":..., "referer":...,
    "expires":...}`` or None when nobody is signed in.
    """

    describe = "the ArcGIS Pro portal sign-in"

    def __init__(self, source):
        self._source = source

    def fetch(self, session):
        info = self._source() or {}
        if not info.get("token"):
            raise AuthenticationFailed(
                "ArcGIS Pro is not signed in to a portal.",
                hint="Sign in to the portal that the server is federated with, in Pro.")
        seconds = parse_expires(info.get("expires"))
        expires_at = monotonic() + seconds if seconds else None
        return Token(info["token"], expires_at, info.get("referer"))


def _token_from(body, referer, url):
    value = body.get("token") if isinstance(body, dict) else None
    if not value:
        raise AuthenticationFailed("The server's sign-in answer held no token.", url=url)
    seconds = parse_expires(body.get("expires"))
    expires_at = monotonic() + seconds if seconds else None
    return Token(value, expires_at, referer)


def _signin_failed(exc, username, url):
    """An AuthenticationFailed that keeps the server's own words, and never a secret."""
    words = " ".join(exc.messages) or to_text(exc.message)
    return AuthenticationFailed("Sign-in as '%s' failed: %s" % (username, words),
                                operation="generateToken", code=exc.code,
                                messages=exc.messages, url=url)


def ensure_safe_transport(urls, allow_http, portal_url=None):
    """Refuse to send credentials in clear text over the network.

    Plain http is fine on loopback (the sandbox, or a script on the server itself); to any
    other host it needs ``allow_http``. Every URL that receives a password or token is
    checked: the site (its admin and token URLs share its scheme and host) and the Portal.

    Raises:
        InvalidInput: for plain http to a non-loopback host without ``allow_http``.
    """
    for url in (urls.site, urls.admin, urls.tokens):
        check_credential_url(url, allow_http, "server")
    if portal_url:
        check_credential_url(portal_url, allow_http, "Portal")


def check_credential_url(url, allow_http, what="server"):
    """Refuse plain http to ``url`` unless it is loopback or ``allow_http`` is set.

    Loopback is decided from the parsed address (``127.0.0.1.example.com`` is not).
    """
    text = (url or "").strip()
    if text.lower().startswith("http://") and not is_loopback_url(text) and not allow_http:
        raise InvalidInput(
            "Refusing to send credentials over plain http to the %s at %s."
            % (what, shown(text)),
            hint="Use the https URL (port 6443 on a direct install), or {allow_http} if this "
                 "network is trusted.")


__all__ = ["Token", "TokenProvider", "GivenToken", "PasswordTokenProvider",
           "PortalTokenProvider", "SigninTokenProvider", "ensure_safe_transport",
           "check_credential_url",
           "parse_expires"]
