"""One way to connect and to log in, for every front end (the CLI, the toolbox, scripts).

:func:`open_server` turns a :class:`~agsadmin_core.connection.ConnectionInfo` into a signed-in
:class:`~agsadmin_core.server.Server`; :func:`login` checks a password and keeps it in the OS
keyring. Both check that the transport is safe *before* a password is looked up, so nobody
is asked for a password that would then be refused.
"""

import collections

from .auth import GivenToken, PasswordTokenProvider, PortalTokenProvider, \
    SigninTokenProvider, ensure_safe_transport
from .connection import AUTH_PRO_SIGNIN, PASSWORD_ENV, find_password, \
    read_keyring_password, store_password
from .errors import AuthenticationFailed, InvalidInput
from .urls import parse_portal_url


class LoginResult(collections.namedtuple("LoginResult",
                                         "site user version source stored not_stored")):
    """What :func:`login` did: signed in to ``site`` as ``user`` (server ``version``, a
    tuple), with a password from ``source`` (``given``, ``environment``, ``keyring``,
    ``prompt``). ``stored`` is True when it was saved in the OS keyring now and reads back;
    ``not_stored`` says why it was not, when storing was asked for and failed (only possible
    with the password in the environment, where it is not needed)."""

    __slots__ = ()


def open_server(info, signin=None, password=None, token=None, prompt=True, retry=None,
                http=None, sign_in_now=True):
    """Connect to the site ``info`` describes and sign in.

    Credentials, first found wins: ``token``; ``signin`` (a callable giving a host
    application's portal token, e.g. ArcGIS Pro's ``arcpy.GetSigninToken``) when the
    connection asks for it or has no user; ``password``; then the chain of
    :func:`~agsadmin_core.connection.find_password` for ``info.username`` (environment,
    keyring, a prompt when ``prompt`` and a person is at the terminal).

    Raises:
        InvalidInput: credentials over plain http without ``allow_http``.
        AuthenticationFailed: no password found, the server refused it, or the connection
            asks for the ArcGIS Pro sign-in and none was given.
        ConnectionFailed: the site cannot be reached.
    """
    from .server import Server
    from .session import AdminSession  # imports requests: only when connecting

    check_transport(info)
    provider = _token_provider(info, signin, password, token, prompt)
    session = AdminSession(info.urls, provider, verify=info.verify, timeout=info.timeout,
                           http=http, retry=retry)
    if sign_in_now:
        try:
            # Reading the admin root proves that the token (a given one too) works on the
            # admin API, and its version decides which operations exist.
            session.root()
        except Exception:
            session.close()
            raise
    return Server(session)


def login(info, password=None, store=True, prompt=True):
    """Check the password of ``info.username`` against the server; keep it in the keyring.

    The password is ``password``, else found by the chain (environment, keyring, prompt).
    It is stored when ``store`` and it did not come from the keyring already.

    Returns:
        a :class:`LoginResult`.
    """
    if not info.username:
        raise InvalidInput("'login' needs a user name.", hint="{give_user}.")
    if info.auth == AUTH_PRO_SIGNIN:
        raise InvalidInput("This connection signs in with the ArcGIS Pro portal sign-in; "
                           "there is no password to check or store.")
    check_transport(info)
    source = "given"
    if password is None:
        password, source = find_password(info.urls.admin, info.username, prompt=prompt)
    server = open_server(info, password=password, prompt=False)
    try:
        version = server.version
    finally:
        server.close()
    stored, problem = False, None
    if store and source != "keyring":
        try:
            store_password(info.urls.admin, info.username, password)
            # A null or fail-silent backend accepts and forgets: only a read-back counts.
            stored = read_keyring_password(info.urls.admin, info.username) == password
            if not stored:
                problem = "the OS keyring accepted it but does not give it back (no usable " \
                          "keyring backend on this machine)"
        except AuthenticationFailed as exc:
            problem = exc.message
        if problem and source != "environment":
            raise AuthenticationFailed(
                "The password is right, but it could not be stored: %s" % problem,
                operation="login",
                hint="Where no keyring works (a server without a desktop session), set "
                     "%s where AGSAdmin runs and {skip_keyring}." % PASSWORD_ENV)
    return LoginResult(info.urls.site, info.username, version, source, stored, problem)


def check_transport(info):
    """Refuse plain http to another host for every URL that receives credentials."""
    ensure_safe_transport(info.urls, info.allow_http, portal_url=info.portal_url)


def _token_provider(info, signin, password, token, prompt):
    if token:
        return GivenToken(token, referer=info.urls.site)
    if info.auth == AUTH_PRO_SIGNIN or (signin is not None and not info.username):
        if signin is None:
            raise AuthenticationFailed(
                "This connection signs in with the ArcGIS Pro portal sign-in.",
                hint="Use it from ArcGIS Pro while signed in to the portal; elsewhere "
                     "{create_connection}, with a user name.")
        return SigninTokenProvider(signin)
    if not info.username:
        raise InvalidInput("No user name given.", hint="{give_user}.")
    if password is None:
        password, _ = find_password(info.urls.admin, info.username, prompt=prompt)
    if info.portal_url:
        return PortalTokenProvider(parse_portal_url(info.portal_url), info.username, password,
                                   allow_http=info.allow_http)
    return PasswordTokenProvider(info.username, password)
