"""One exception hierarchy for everything that can go wrong while administering a server.

Every error carries what a person needs to act: the operation, the service, the server's code
and messages, and the URL with no token in it. Envelopes from the server are translated in
one place, :func:`from_envelope`, and ``requests`` exceptions in ``session.py``.
"""

import string

from ._compat import native_str, to_text

#: The actions a hint suggests, in the words of the command line (and of scripts, which see
#: them through ``str(error)``). Hints in the core name actions as ``{placeholders}``; each
#: front end supplies its own words (the toolbox names its tools), so no front end rewrites
#: another's prose.
CLI_WORDS = {
    "keep_password": "store the password once with 'agsadmin --server URL --user NAME "
                     "login', or set AGSADMIN_PASSWORD",
    "sign_in_again": "sign in again (agsadmin login) or give a fresh --token",
    "create_connection": "create one with 'agsadmin login --save FILE'",
    "list_services": "list what exists with 'agsadmin services'",
    "choose_backup": "give --backup-dir D, or --no-backup to delete without a backup",
    "force_protected": "name it exactly (Folder/Name.Type) and add --force-protected",
    "stop_journal": "'agsadmin stop --journal FILE'",
    "use_ca_bundle": "pass its bundle with --ca-bundle PATH",
    "skip_tls_check": "use --insecure",
    "raise_timeout": "raise the limit with --timeout",
    "allow_http": "pass --allow-http",
    "give_user": "give --user NAME or a connection file",
    "overwrite": "pass --overwrite",
    "start_publishing": "start it with 'agsadmin start System/PublishingTools.GPServer'",
    "skip_keyring": "run login with --no-keyring (add --save FILE to write the connection "
                    "file)",
}


class _Words(dict):
    """Leaves an unknown ``{placeholder}`` as it is instead of failing."""

    def __missing__(self, key):
        return "{%s}" % key


def render_hint(hint, words=None):
    """``hint`` with its action placeholders in ``words`` (default :data:`CLI_WORDS`)."""
    if not hint:
        return hint
    text = string.Formatter().vformat(to_text(hint), (), _Words(words or CLI_WORDS))
    return text[:1].upper() + text[1:]


class AdminError(Exception):
    """Base of every AGSAdmin error.

    Attributes:
        operation: what we were doing, e.g. ``"stop"`` or ``"generateToken"``.
        service: the ``Folder/Name.Type`` the error concerns, if any.
        code: the server's error code (404, 498, 499, 500...), if any.
        messages: the server's messages, as a list of strings.
        url: the request URL, never with a token or password in it.
        hint: what to do about it, in one sentence.
    """

    default_hint = None

    def __init__(self, message, operation=None, service=None, code=None, messages=None,
                 url=None, hint=None):
        # Text everywhere (unicode on 2.7): a server message such as "Caf\u00e9" or a service
        # in a non-ASCII folder must never turn into a UnicodeEncodeError.
        message = to_text(message)
        Exception.__init__(self, message)
        self.message = message
        self.operation = _text_or_none(operation)
        self.service = _text_or_none(service)
        self.code = code
        self.messages = [to_text(m) for m in (messages or [])]
        self.url = _text_or_none(url)
        self.hint = hint if hint is not None else self.default_hint

    def __str__(self):
        return native_str(self.describe())

    def __unicode__(self):  # Python 2.7's unicode(exc)
        return self.describe()

    def describe(self, words=None):
        """The message and the hint, the hint in a front end's ``words`` (always text)."""
        hint = render_hint(self.hint, words)
        return "%s %s" % (self.message, hint) if hint else self.message


class ConnectionFailed(AdminError):
    """The server could not be reached: DNS, refused connection, dropped connection."""

    default_hint = ("Check the server URL and port, that ArcGIS Server is running, "
                    "and that no firewall or proxy is in the way.")


class TLSError(ConnectionFailed):
    """The TLS handshake or certificate check failed."""

    default_hint = ("If the server uses a private certificate authority, {use_ca_bundle}; "
                    "{skip_tls_check} only on a trusted network.")


class RequestTimeout(ConnectionFailed):
    """The server did not answer within the timeout."""

    default_hint = "The server may be busy; try again, or {raise_timeout}."


class AuthenticationFailed(AdminError):
    """The server refused the credentials, or no credentials could be found."""

    default_hint = "Check the user name and password; {keep_password}."


class TokenRejected(AuthenticationFailed):
    """The server rejected the token (498/499) even after one automatic sign-in."""

    default_hint = "The token is invalid or expired and could not be renewed; {sign_in_again}."


class NotFound(AdminError):
    """The folder, service or operation does not exist on the server (404 envelope)."""

    default_hint = "{list_services}."


class ServerError(AdminError):
    """The server answered with an error envelope that is not one of the cases above."""


class AdminLockBusy(ServerError):
    """Another administrative operation holds the service or the configuration store."""

    default_hint = "Another administrator or job is changing the site; try again in a minute."


class NotJSON(AdminError):
    """The server answered with something other than JSON, typically an HTML login page."""

    default_hint = ("A Web Adaptor or proxy may be in the way: use the direct admin URL, "
                    "e.g. https://server.domain.com:6443/arcgis.")


class InvalidInput(AdminError, ValueError):
    """The request was refused before anything was sent: bad URL, pattern, file or option."""


class JournalBusy(InvalidInput):
    """Another run holds the journal's lock file; the message names the holder."""


class Cancelled(AdminError):
    """The user cancelled; what was done before is in ``result`` and its journal.

    ``result`` is the run's :class:`~agsadmin_core.results.BatchResult` (status ``cancelled``
    for the services never begun), or None when the cancel came before any service was
    handled. ``results`` is its list of service results (empty without one).
    """

    def __init__(self, message, result=None, **kwargs):
        AdminError.__init__(self, message, **kwargs)
        self.result = result
        self.results = list(result) if result is not None else []


class BatchFailed(AdminError):
    """Some services of a batch failed. ``result`` is the run's
    :class:`~agsadmin_core.results.BatchResult` (every service's outcome, and the journal);
    ``results`` its list of service results."""

    def __init__(self, message, result, operation=None):
        AdminError.__init__(self, message, operation=operation or
                            getattr(result, "operation", None))
        self.result = result
        self.results = list(result)

    @property
    def failures(self):
        return [r for r in self.results if r.status == "failed"]


class ServiceExists(InvalidInput):
    """Publishing would replace a service that exists, and replacing was not asked for."""

    default_hint = "To replace it, {overwrite}; or publish under another name or folder."


class PublishingUnavailable(ServerError):
    """The server cannot take a publishing job now: System/PublishingTools is stopped, or
    none of its instances was free."""


class PublishFailed(ServerError):
    """A publishing job ended without a service. ``messages`` holds every job message (the
    ``ERROR 00xxxx`` codes are what to search for), ``job_id`` the job, ``status`` its end
    state (``esriJobFailed``, ``esriJobTimedOut``, ``esriJobCancelled``...)."""

    default_hint = ("Search for the ERROR codes of the job's messages; the site's log "
                    "(source System/PublishingTools.GPServer) has more.")

    def __init__(self, message, job_id=None, status=None, **kwargs):
        ServerError.__init__(self, message, **kwargs)
        self.job_id = job_id
        self.status = status


class ImportFailed(AdminError):
    """``importSite`` ran but its report lists parts that failed. ``result`` is the
    :class:`~agsadmin_core.site.ImportResult` (a result per part, and the backup taken
    first, from which the site can be put back)."""

    def __init__(self, message, result=None, **kwargs):
        kwargs.setdefault("operation", "importSite")
        AdminError.__init__(self, message, **kwargs)
        self.result = result

    @property
    def failures(self):
        return self.result.failures if self.result is not None else []


# The server's "being configured by another administrative operation" and "another
# administrative operation is currently accessing the store" errors (admin-api.md section 3).
_LOCK_MARKERS = ("another administrative operation",)


def is_lock_message(text):
    """True when ``text`` is one of the server's admin-lock messages, which are safe to retry."""
    lowered = to_text(text or "").lower()
    return any(marker in lowered for marker in _LOCK_MARKERS)


def _text_or_none(value):
    return None if value is None else to_text(value)


#: HTTP statuses (and envelope codes) that mean "these credentials are refused", not a
#: server fault: 401 must exit 3 like any other refused sign-in.
_AUTH_CODES = (401,)


def class_for_status(code):
    """The error class for an HTTP status or envelope code, when the code alone decides it.

    Returns None for codes whose meaning depends on the message (500, 403...). The transport
    uses this for a non-JSON error answer; :func:`from_envelope` for an envelope.
    """
    if code in (498, 499):
        return TokenRejected
    if code in _AUTH_CODES:
        return AuthenticationFailed
    if code == 404:
        return NotFound
    return None


def from_envelope(body, operation=None, service=None, url=None):
    """Translate a server error body into the matching exception.

    Handles both shapes (admin-api.md 1.6): the admin ``{"status":"error","messages":[...],
    "code":N}`` and the REST ``{"error":{"code":N,"message":...,"details":[...]}}``.
    """
    if "error" in body and isinstance(body["error"], dict):
        err = body["error"]
        details = err.get("details") or []
        if not isinstance(details, list):
            details = [details]
        messages = [m for m in [err.get("message")] + list(details) if m]
        code = err.get("code")
    else:
        messages = body.get("messages") or []
        if not isinstance(messages, list):
            messages = [messages]
        code = body.get("code")
    messages = [to_text(m) for m in messages if m is not None]
    text = " ".join(messages) or "The server reported an error without a message."
    try:
        code = int(code) if code is not None and not isinstance(code, bool) else None
    except (TypeError, ValueError, OverflowError):
        code = None
    what = "%s failed" % to_text(operation) if operation else "The request failed"
    if service:
        what = "%s for %s" % (what, to_text(service))
    message = "%s: %s" % (what, text)
    cls = class_for_status(code)
    if cls is None:
        cls = AdminLockBusy if is_lock_message(text) else ServerError
    return cls(message, operation=operation, service=service, code=code, messages=messages,
               url=url)


def is_error_body(body):
    """True when a parsed JSON body is an error envelope of either shape."""
    if not isinstance(body, dict):
        return False
    if body.get("status") == "error":
        return True
    return isinstance(body.get("error"), dict)
