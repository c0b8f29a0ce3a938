"""AdminSession: the one object that owns a connection to a site and sends every admin call.

Every request of the core goes through :meth:`AdminSession.post_form`, the single choke point
that adds ``f=json``, applies timeouts, refuses redirects, parses JSON whatever the
Content-Type, and translates ``requests`` exceptions and error envelopes into
:mod:`agsadmin_core.errors`. :meth:`AdminSession.call` adds the token, renews it before it
expires and once more after a 498/499, and retries the admin lock with backoff.
"""

import json
import logging
import random
import re
import threading
import time

import requests

from .version import __version__
from ._compat import monotonic, quote
from .errors import AuthenticationFailed, ConnectionFailed, NotJSON, \
    RequestTimeout, ServerError, TLSError, TokenRejected, from_envelope, is_error_body, \
    is_lock_message
from .transfer import IncompleteDownload, MultipartBody, save_stream
from .urls import origin, shown, strip_secrets

log = logging.getLogger(__name__)

#: Renew a token this many seconds before it expires, so a long batch never sends a stale one.
RENEW_MARGIN_SECONDS = 120.0


class RetryPolicy(object):
    """How often and how patiently to repeat a call that is safe to repeat.

    Attributes (class defaults, overridable per instance):
        lock_attempts: tries in all when the server says another administrative operation
            holds the service or the store (admin-api.md section 3).
        connect_attempts: tries in all when the connection failed before or while sending.
        backoff: first pause in seconds; each later pause doubles, with jitter, up to
            ``max_pause``. Six lock attempts wait about 15 s in all.
        lock_budget: seconds a whole run (one batch, or one session's calls until the
            engine starts the next run) may spend waiting for the admin lock, whatever the
            number of calls: a lock that persists fails every remaining call at once
            instead of costing each of them its own round of retries.
    """

    lock_attempts = 6
    connect_attempts = 3
    backoff = 0.5
    max_pause = 8.0
    lock_budget = 60.0

    def __init__(self, lock_attempts=None, connect_attempts=None, backoff=None,
                 max_pause=None, lock_budget=None):
        for name, value in (("lock_attempts", lock_attempts),
                            ("connect_attempts", connect_attempts), ("backoff", backoff),
                            ("max_pause", max_pause), ("lock_budget", lock_budget)):
            if value is not None:
                setattr(self, name, value)

    def pause(self, attempt):
        delay = min(self.backoff * (2 ** (attempt - 1)), self.max_pause)
        return delay * (0.75 + random.random() * 0.5)


class AdminSession(object):
    """A connection to one site: URLs, HTTP session, token, TLS and timeout settings.

    Args:
        urls: the site's :class:`~agsadmin_core.urls.ServerUrls`.
        token_provider: a :mod:`~agsadmin_core.auth` provider, or None for public calls only.
        verify: True (default), False (no TLS check; warns), or a CA bundle path.
        timeout: seconds for ordinary calls; long operations pass their own.
        http: an optional ``requests.Session`` to use (proxies, custom adapters).
        retry: a :class:`RetryPolicy`.
    """

    def __init__(self, urls, token_provider=None, verify=True, timeout=60.0, http=None,
                 retry=None):
        self.urls = urls
        self.token_provider = token_provider
        self.timeout = float(timeout)
        self.retry = retry or RetryPolicy()
        self.http = http or requests.Session()
        self.http.verify = verify
        # requests lets REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE override session.verify; an
        # explicit choice (a CA bundle, or no check) is therefore passed with every request,
        # and the environment applies only when nothing was chosen (verify=True).
        self._verify = None if verify is True else verify
        self.http.headers["User-Agent"] = "agsadmin/%s %s" % (__version__,
                                                             self.http.headers["User-Agent"])
        if verify is False:
            log.warning("TLS certificate verification is off for %s", urls.host)
            _silence_insecure_warning()
        # Let parallel workers share connections instead of opening one each.
        adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=16)
        self.http.mount("https://", adapter)
        self.http.mount("http://", adapter)
        self._token = None
        self._token_lock = threading.Lock()
        self._signin_refused = None
        self._root = None
        self._lock_waited = 0.0
        self._lock_budget_lock = threading.Lock()
        #: Number of HTTP requests sent; benchmarks and tests read it.
        self.request_count = 0
        self._count_lock = threading.Lock()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.http.close()

    # -- the site ---------------------------------------------------------------------------

    def root(self):
        """The admin root resource (``currentVersion``, ``fullVersion``, ``resources``), read
        once per session: reading it proves that the token works on the admin API."""
        if self._root is None:
            self._root = self.call("", operation="admin root", safe_to_repeat=True)
        return self._root

    @property
    def version(self):
        """The server version as a tuple of ints, e.g. ``(11, 3)`` or ``(10, 5, 1)``.

        ``fullVersion`` where the server gives it; else ``currentVersion``, which 10.5.1
        writes as the number 10.51 (admin-api.md 9.1).
        """
        root = self.root()
        text = root.get("fullVersion")
        if not text:
            number = str(root.get("currentVersion", "0"))
            major, _, minor = number.partition(".")
            text = ".".join([major] + list(minor)) if len(minor) > 1 else number
        return tuple(int(p) for p in re.findall(r"\d+", str(text))[:3]) or (0,)

    # -- the token ----------------------------------------------------------------------

    def token(self, force_new=False, stale=None):
        """Return a usable token, signing in when there is none or it is about to expire.

        ``stale`` is the token a caller saw rejected: if another thread already replaced it,
        that newer one is returned instead of signing in again (one sign-in per expiry, not
        one per worker).
        """
        with self._token_lock:
            current = self._token
            if current is not None and stale is not None and current.value != stale.value:
                return current
            renewable = self.token_provider is not None and self.token_provider.can_renew
            if current is not None and not force_new:
                left = current.seconds_left()
                if left is None or left > RENEW_MARGIN_SECONDS or not renewable:
                    return current
            if self.token_provider is None:
                raise TokenRejected("No credentials were given for this site.",
                                    url=self.urls.admin)
            if current is not None and force_new and not renewable:
                raise TokenRejected("The server rejected %s." % self.token_provider.describe,
                                    url=self.urls.admin)
            if self._signin_refused is not None:
                # Directory policies lock an account after 3-10 failed sign-ins: after one
                # refusal, nothing in this session signs in again.
                raise self._signin_refused
            try:
                self._token = self.token_provider.fetch(self)
            except AuthenticationFailed as exc:
                self._signin_refused = exc
                raise
            return self._token

    def sign_in(self):
        """Get a token now, so that bad credentials fail before any work starts."""
        return self.token()

    def new_run(self, notice=None):
        """Start a new run: the time spent waiting for the admin lock counts from zero, and
        ``notice(text)`` (a reporter's warning) hears once when the lock makes it wait."""
        with self._lock_budget_lock:
            self._lock_waited = 0.0
            self._lock_notice = notice

    def _lock_pause(self, attempt, exc):
        """The pause before the next lock retry, or None when the run's budget is spent."""
        pause = self.retry.pause(attempt)
        with self._lock_budget_lock:
            if self._lock_waited + pause > self.retry.lock_budget:
                return None
            first = self._lock_waited == 0.0
            self._lock_waited += pause
            notice = getattr(self, "_lock_notice", None)
        if first and notice is not None:
            notice("The server is busy with another administrative operation (it says: %s); "
                   "waiting for up to %g s in all." % (" ".join(exc.messages) or exc.message,
                                                       self.retry.lock_budget))
        return pause

    # -- calls --------------------------------------------------------------------------

    def admin_url(self, path):
        """The admin URL of ``path`` (segments are %-encoded, '/' kept)."""
        return "%s/%s" % (self.urls.admin, quote(path.strip("/"), safe="/"))

    def call(self, path, params=None, operation=None, service=None, timeout=None,
             safe_to_repeat=False, files=None, progress=None):
        """POST an admin call with the token in the body and return the parsed JSON.

        Args:
            path: path under the admin root, e.g. ``"services/Maps/Parcels.MapServer/stop"``.
            params: form fields; dict or list values are sent as JSON text, as the API wants.
            operation: the operation's name for messages (defaults to the last path segment).
            service: the ``Folder/Name.Type`` concerned, for messages.
            timeout: seconds; long operations pass a long one.
            safe_to_repeat: True for reads and idempotent operations (start, stop): they are
                retried after a dropped connection and while the admin lock is held.
            files: ``{field: transfer.FilePart}`` to send as ``multipart/form-data``,
                streamed from disk (and from the first byte again on a retry).
            progress: ``progress(sent, total)`` for the bytes of ``files``.

        Raises:
            AdminError: one of its subclasses, after the retries that are safe.
        """
        return self._send(self.admin_url(path), params, operation or _last_segment(path),
                          service, timeout, safe_to_repeat, files=files, progress=progress)

    def rest_url(self, path):
        """The REST URL of ``path`` under ``<site>/rest`` (segments %-encoded, '/' kept)."""
        return "%s/%s" % (self.urls.rest, quote(path.strip("/"), safe="/"))

    def call_rest(self, path, params=None, operation=None, service=None, timeout=None,
                  safe_to_repeat=False):
        """POST a call to the REST side of the site (``<site>/rest/<path>``), e.g. a GP
        service's ``submitJob`` or job status, through the same send path as :meth:`call`:
        the token in the body, its renewal, the retries that are safe, and both error
        envelopes (the REST one is ``{"error": {...}}``)."""
        return self._send(self.rest_url(path), params, operation or _last_segment(path),
                          service, timeout, safe_to_repeat)

    def download(self, path_or_url, dest, params=None, operation="download", timeout=None,
                 check=None, progress=None):
        """Stream a file the server offers (a site backup...) to ``dest``, atomically.

        ``path_or_url`` is a path under the admin root or a full URL on this site. The
        token goes in the POST body. The bytes go to a temporary file beside ``dest``,
        which takes the final name only once the size the server announced has arrived and
        ``check(path)`` (if given) has not raised: an interrupted download never leaves a
        partial file under the final name. Retried from the start after a dropped
        connection. Returns a :class:`~agsadmin_core.transfer.Download`.
        """
        url = path_or_url if "://" in path_or_url else self.admin_url(path_or_url)
        if origin(url) != origin(self.urls.site):
            # A URL the server names may point anywhere: the token goes only to this site.
            raise ServerError("The server offered a file at %s, which is not on %s; the "
                              "token is not sent there." % (shown(url), self.urls.site),
                              operation=operation, url=shown(url),
                              hint="Fetch the file from the server another way (a site "
                                   "backup: export to a server location and copy it).")
        return self._send(url, params, operation, None, timeout, True,
                          download=(dest, check, progress))

    def _send(self, url, params, operation, service, timeout, safe_to_repeat, files=None,
              progress=None, download=None):
        """The token, its renewal, and the retries that are safe, around :meth:`post_form`."""
        form = {}
        for key, value in (params or {}).items():
            form[key] = json.dumps(value) if isinstance(value, (dict, list)) else value
        attempt_lock = attempt_connect = 0
        renewed = False
        while True:
            token = self.token() if self.token_provider is not None else None
            data = dict(form)
            headers = {}
            if token is not None:
                data["token"] = token.value
                if token.referer:
                    headers["Referer"] = token.referer
            try:
                return self.post_form(url, data, operation=operation, service=service,
                                      timeout=timeout, headers=headers, files=files,
                                      progress=progress, download=download)
            except TokenRejected:
                # One automatic sign-in per call (like requests' bounded digest retry).
                if renewed or token is None or not self.token_provider.can_renew:
                    raise
                renewed = True
                log.info("token rejected during %s; signing in again", operation)
                self.token(force_new=True, stale=token)
            except ConnectionFailed as exc:
                attempt_connect += 1
                if not safe_to_repeat or isinstance(exc, TLSError) or \
                        attempt_connect >= self.retry.connect_attempts:
                    raise
                time.sleep(self.retry.pause(attempt_connect))
            except ServerError as exc:
                if safe_to_repeat and exc.code in _PROXY_BUSY and not exc.messages:
                    # A proxy or load balancer in front of the server (502, 503, 504):
                    # the request may not have reached it; retried like a dropped connection.
                    attempt_connect += 1
                    if attempt_connect >= self.retry.connect_attempts:
                        raise
                    time.sleep(self.retry.pause(attempt_connect))
                    continue
                if not (safe_to_repeat and _is_lock(exc)):
                    raise
                attempt_lock += 1
                pause = self._lock_pause(attempt_lock, exc) \
                    if attempt_lock < self.retry.lock_attempts else None
                if pause is None:
                    raise
                log.info("%s: admin lock held, retrying (%d)", operation, attempt_lock)
                time.sleep(pause)

    def post_form(self, url, data, operation=None, service=None, timeout=None, headers=None,
                  files=None, progress=None, download=None):
        """Send one form POST and return its JSON body; the transport's single choke point.

        With ``files`` the form goes as a streamed multipart body. With ``download``
        (``(dest, check, progress)``) a file answer is streamed to ``dest`` and a
        :class:`~agsadmin_core.transfer.Download` returned; a JSON answer (an error
        envelope) is parsed as usual.

        Raises:
            ConnectionFailed, TLSError, RequestTimeout: the request did not get an answer.
            NotJSON: the answer was an HTML page or other non-JSON text.
            ServerError: an HTTP error status, or a redirect (never followed with a token).
            AdminError subclasses: from the server's error envelope.
        """
        data = dict(data)
        data.setdefault("f", "json")
        headers = dict(headers or {})
        clean_url = strip_secrets(url)
        body = data
        if files:
            body = MultipartBody(data, files, progress)
            headers["Content-Type"] = body.content_type
        started = monotonic()
        with self._count_lock:
            self.request_count += 1
        context = dict(operation=operation, service=service, url=clean_url)
        try:
            response = self.http.post(url, data=body, headers=headers,
                                      timeout=timeout or self.timeout, allow_redirects=False,
                                      stream=download is not None, verify=self._verify)
            log.debug("POST %s -> %s in %.3fs", clean_url, response.status_code,
                      monotonic() - started)
            if download is not None and response.status_code == 200 and \
                    not _is_text(response):
                dest, check, on_bytes = download
                try:
                    return save_stream(response, dest, check=check, progress=on_bytes)
                except IncompleteDownload as exc:
                    raise ConnectionFailed("The download from %s stopped early (%s); "
                                           "nothing was kept." % (clean_url, exc), **context)
                except (requests.exceptions.ConnectionError,
                        requests.exceptions.ChunkedEncodingError):
                    # urllib3 notices a connection that ends short of Content-Length first.
                    raise ConnectionFailed("The download from %s stopped early: the "
                                           "connection ended before the whole file arrived; "
                                           "nothing was kept." % clean_url, **context)
        except requests.exceptions.SSLError as exc:
            raise TLSError("TLS check failed for %s: %s." % (clean_url, _reason(exc)),
                           **context)
        except requests.exceptions.Timeout:
            raise RequestTimeout("No answer from %s within %s seconds."
                                 % (clean_url, timeout or self.timeout), **context)
        except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError,
                requests.exceptions.StreamConsumedError) as exc:
            raise ConnectionFailed("Could not connect to %s: %s." % (clean_url, _reason(exc)),
                                   **context)
        finally:
            if files:
                body.close()
        return _parse(response, clean_url, operation, service)


def _last_segment(path):
    return path.rstrip("/").rsplit("/", 1)[-1] or "admin"


def _is_text(response):
    """True for the answers that are messages rather than a file: JSON, text, HTML."""
    kind = response.headers.get("Content-Type", "").lower()
    return not kind or any(word in kind for word in ("json", "text/", "html"))


def _parse(response, url, operation, service):
    """Parse a response into JSON or raise the error that explains it."""
    if response.is_redirect or response.status_code in (301, 302, 303, 307, 308):
        target = strip_secrets(response.headers.get("Location", ""))
        raise ServerError(
            "The server redirected %s to %s." % (url, target or "another address"),
            operation=operation, service=service, code=response.status_code, url=url,
            hint="Use the address it redirects to (often the https URL) as the server URL.")
    text = response.text or ""
    content_type = response.headers.get("Content-Type", "")
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    if body is None and response.status_code in (401, 403):
        # A Web Adaptor, proxy or IIS refusing the request itself (not the admin API,
        # which answers 200 with an envelope): the credentials are not accepted there.
        raise AuthenticationFailed("%s answered HTTP %s: not authorized."
                                   % (url, response.status_code), operation=operation,
                                   service=service, code=response.status_code, url=url,
                                   hint="Check the user name and password, and use the "
                                        "server's direct admin URL (port 6443) if a Web "
                                        "Adaptor or proxy asks for its own sign-in.")
    if body is None and response.status_code in _PROXY_BUSY:
        raise ServerError("%s answered HTTP %s: a proxy or load balancer could not reach the "
                          "server." % (url, response.status_code), operation=operation,
                          service=service, code=response.status_code, url=url,
                          hint="Try again in a moment; if it persists, use the server's "
                               "direct URL or ask who runs the proxy.")
    if body is None:
        looks_html = "html" in content_type.lower() or text.lstrip()[:1] == "<"
        what = "an HTML page" if looks_html else "text that is not JSON"
        if response.status_code != 200 and not looks_html:
            raise ServerError("%s answered HTTP %s." % (url, response.status_code),
                              operation=operation, service=service,
                              code=response.status_code, url=url)
        raise NotJSON("%s answered with %s (HTTP %s) where JSON was expected."
                      % (url, what, response.status_code), operation=operation,
                      service=service, code=response.status_code, url=url)
    if is_error_body(body):
        raise from_envelope(body, operation=operation, service=service, url=url)
    if response.status_code != 200:
        raise ServerError("%s answered HTTP %s." % (url, response.status_code),
                          operation=operation, service=service, code=response.status_code,
                          url=url)
    return body


#: HTTP statuses of a proxy or load balancer that could not reach the server for now.
_PROXY_BUSY = (502, 503, 504)


def _is_lock(exc):
    return is_lock_message(" ".join(exc.messages))


def _reason(exc):
    """A short reason for a requests exception, without the URL (which may be long)."""
    text = str(exc)
    for marker in ("Connection refused", "Name or service not known", "nodename nor servname",
                   "getaddrinfo failed", "CERTIFICATE_VERIFY_FAILED", "Connection reset",
                   "Connection aborted", "RemoteDisconnected", "BadStatusLine",
                   "timed out", "wrong version number"):
        if marker.lower() in text.lower():
            return marker
    return type(exc).__name__


def _silence_insecure_warning():
    try:
        from urllib3.exceptions import InsecureRequestWarning
    except ImportError:  # pragma: no cover - requests always ships urllib3
        return
    import warnings
    warnings.simplefilter("ignore", InsecureRequestWarning)
