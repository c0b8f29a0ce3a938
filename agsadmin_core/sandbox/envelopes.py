"""Server errors of the emulated site, one class per error, rendering the recorded envelopes.

Two envelope families exist on a real ArcGIS Server (admin-api.md section 1.6):

* the Administrator API: ``{"status":"error","messages":[...],"code":N}`` sent
  with HTTP 200 whatever N is (recorded on 10.5.1);
* the REST side (``/arcgis/tokens``, ``/arcgis/rest``, Portal):
  ``{"error":{"code":N,"message":"...","details":[...]}}``.

Models raise these classes; ``routing.py`` renders them, turning an admin
error into the REST envelope on REST paths (``as_rest``). Texts marked
"recorded" are word for word from admin-api.md; the others are assumptions
and say so.
"""

from __future__ import absolute_import, unicode_literals

from collections import OrderedDict


class AdminError(Exception):
    """An Administrator API error envelope (admin-api.md 1.6): HTTP 200, ``status: error``."""

    code = 500
    http_status = 200  # section 10: admin errors all arrive as HTTP 200

    def __init__(self, *messages):
        self.messages = [m for m in messages if m]
        super(AdminError, self).__init__("; ".join(self.messages))

    def envelope(self):
        """Return the body as ordered Python data (serialised by wire.render)."""
        return OrderedDict([("status", "error"), ("messages", list(self.messages)),
                            ("code", self.code)])


class ServiceNotStarted(AdminError):
    """A REST request to a stopped service."""

    # assumption: the REST text for a stopped service is unrecorded; code 500
    # and "Service <Folder/Name>/<Type> not started" are what clients are
    # reported to print.
    code = 500

    def __init__(self, name, type_):
        super(ServiceNotStarted, self).__init__("Service %s/%s not started" % (name, type_))


class CustomAdminError(AdminError):
    """An admin envelope with a caller-chosen code (fault injection)."""

    def __init__(self, code, *messages):
        self.code = int(code)
        super(CustomAdminError, self).__init__(*messages)


class NotFound(AdminError):
    """Missing folder, service, child or operation (recorded on 10.5.1, section 2.3).

    The name is the first path segment that does not resolve: the recorded
    ``.../directories/arcgisoutput2/edit`` answer names ``arcgisoutput2``.
    """

    code = 404

    def __init__(self, segment):
        super(NotFound, self).__init__(
            "Could not find resource or operation '%s' on the system." % segment)


class TokenRequired(AdminError):
    """No token on a call that needs one (recorded, section 1.6)."""

    code = 499

    def __init__(self):
        super(TokenRequired, self).__init__(
            "Unauthorized access. Token not found. You can generate a token "
            "using the 'generateToken' operation.")


class TokenExpired(AdminError):
    """A known token past its expiry (recorded, section 1.6)."""

    code = 498

    def __init__(self):
        super(TokenExpired, self).__init__("Token Expired.")


class InvalidToken(AdminError):
    """A token the site never issued (recorded, section 1.6)."""

    code = 498

    def __init__(self):
        super(InvalidToken, self).__init__("Could not decrypt token. Token may not be valid.")


class ClientIdMismatch(AdminError):
    """A referer/IP-bound token presented from elsewhere (ISSUE AaronPLopez/Soccer#2, section 1.5)."""

    code = 498

    def __init__(self):
        super(ClientIdMismatch, self).__init__("Invalid token, ClientID does not match.")


class BadCredentials(AdminError):
    """Wrong user name or password on the admin generateToken."""

    # assumption: the admin text is unrecorded (section 12); the wording and
    # code mirror the recorded REST body "Unable to generate token." /
    # "Invalid username or password." (section 1.1).
    code = 400

    def __init__(self):
        super(BadCredentials, self).__init__("Unable to generate token.",
                                             "Invalid username or password.")


class MissingParameter(AdminError):
    """A required form field is absent or empty."""

    # assumption: unrecorded; the "'x' must be specified." phrasing is the
    # recorded Portal wording (section 1.1, Esri/developer-support#345).
    code = 400

    def __init__(self, *names):
        super(MissingParameter, self).__init__(
            *["'%s' must be specified." % n for n in names])


class InvalidParameter(AdminError):
    """A form field that cannot be parsed (bad JSON, bad number, bad value)."""

    # assumption: unrecorded wording; code 500 is what the server uses for
    # other refused operations (section 1.1 no-site case, PUP directory errors).
    code = 500

    def __init__(self, name, reason):
        super(InvalidParameter, self).__init__(
            "Invalid value for parameter '%s'. %s" % (name, reason))


class CredentialsInQuery(AdminError):
    """10.3+: user name/password sent in the query string of the admin generateToken."""

    # assumption: only the REST form is recorded (405, Esri/resource-proxy#177);
    # the admin endpoint is assumed to refuse with the same code and text.
    code = 405

    def __init__(self):
        super(CredentialsInQuery, self).__init__(
            "Generate Token request should not contain username and password "
            "in the query string.")


class PostOnly(AdminError):
    """A GET on a POST-only operation."""

    # assumption: the GET-on-operation body was not found (sections 10, 12).
    code = 405

    def __init__(self, operation):
        super(PostOnly, self).__init__(
            "Method not supported. The '%s' operation supports only the POST method." % operation)


class ServiceLocked(AdminError):
    """Another admin operation holds the service (ISSUE khibma/ArcGISAdministrationToolkit#15).

    The two spaces before "Please" are as recorded (section 3).
    """

    code = 500

    def __init__(self, service, folder):
        super(ServiceLocked, self).__init__(
            "Service '%s' in folder '%s' is currently being configured by another "
            "administrative operation.  Please try again later" % (service, folder))


class StoreLocked(AdminError):
    """The configuration store is busy (ISSUE Esri/ops-server-config#786, section 3)."""

    code = 500

    def __init__(self):
        super(StoreLocked, self).__init__(
            "Another administrative operation is currently accessing the store. "
            "Please try again later.")


class HostedStartStop(AdminError):
    """Hosted services cannot be started or stopped (ISSUE Esri/ops-server-config#933)."""

    # assumption: the server's text for this refusal is unrecorded.
    code = 500

    def __init__(self, ref):
        super(HostedStartStop, self).__init__(
            "Service '%s' is a hosted service. Hosted services cannot be started or stopped." % ref)


class FolderExists(AdminError):
    """createFolder with a name in use (pattern of the recorded "already registered" error)."""

    # assumption: wording modelled on PUP's recorded directory error (section 11 item 19).
    code = 500

    def __init__(self, name):
        super(FolderExists, self).__init__(
            "Failed to create the folder '%s'. A folder with the name '%s' already exists." % (name, name))


class ReservedFolder(AdminError):
    """createFolder/deleteFolder on System or Utilities."""

    # assumption: unrecorded; System and Utilities are the built-in folders (section 2.2).
    code = 500

    def __init__(self, name):
        super(ReservedFolder, self).__init__(
            "The folder name '%s' is reserved by ArcGIS Server." % name)


class InvalidName(AdminError):
    """A folder or service name with a character outside ``A-Z a-z 0-9 _ -``."""

    # assumption: wording of the Kubernetes admin API (section 10, "Name rules").
    code = 500

    def __init__(self, kind, char):
        super(InvalidName, self).__init__(
            "%s name is invalid. The name contains illegal character '%s'." % (kind, char))


class DefaultServiceRefused(AdminError):
    """delete/rename of an ``isDefault`` service (implied by Esri KB 000028531, section 2.2)."""

    # assumption: the exact refusal text was not found.
    code = 500

    def __init__(self, ref):
        super(DefaultServiceRefused, self).__init__(
            "Service '%s' is a default service and cannot be modified or deleted." % ref)


class ServiceExists(AdminError):
    """renameService to a name already used in the folder (section 5)."""

    # assumption: the duplicate-name text was not found (section 12).
    code = 500

    def __init__(self, ref):
        super(ServiceExists, self).__init__("Service '%s' already exists." % ref)


class ClientIdRequired(AdminError):
    """10.3+ ``/arcgis/tokens``: a long token without ``client``; rendered by ``rest_client_id_required``."""

    code = 201

    def __init__(self):
        super(ClientIdRequired, self).__init__("Client ID is required for long expiration tokens.")


class BatchFailed(AdminError):
    """startServices/stopServices/deleteServices where some entries failed."""

    # assumption: per-service failure reporting in a batch is not documented
    # (section 3); the sandbox applies every valid entry and lists the others.
    code = 500

    def __init__(self, failures):
        super(BatchFailed, self).__init__(*failures)


class NotEmulated(AdminError):
    """A real operation or resource this sandbox does not emulate (style-anchors 10: never a made-up success)."""

    code = 501

    def __init__(self, what):
        super(NotEmulated, self).__init__(
            "'%s' is not emulated by the AGSAdmin sandbox." % what)


class BackupLocationInvalid(AdminError):
    """exportSite: a ``location`` the server cannot write (-next section 5, item 3)."""

    # assumption: the text is unrecorded (-next section 12, item 2); code 500 as other refusals.
    code = 500

    def __init__(self, location):
        super(BackupLocationInvalid, self).__init__(
            "The location '%s' does not exist or the server cannot write to it." % location)


class BackupUnreadable(AdminError):
    """importSite: a ``location`` that is absent or not a site backup (-next section 6)."""

    # assumption: the text is unrecorded (-next section 12, item 3).
    code = 500

    def __init__(self, location, why):
        super(BackupUnreadable, self).__init__(
            "Unable to import the site configuration from '%s'. %s" % (location, why))


class ImportThroughWebAdaptor(AdminError):
    """importSite reached through a Web Adaptor: documented as refused (-next section 6)."""

    # assumption: the refusal's text and code are unrecorded.
    code = 403

    def __init__(self):
        super(ImportThroughWebAdaptor, self).__init__(
            "The importSite operation is not available through the Web Adaptor. "
            "Use the URL of a GIS Server machine in the site, for example "
            "https://gisserver.domain.com:6443/arcgis/admin.")


class RestError(Exception):
    """A REST/Portal envelope ``{"error":{"code","message","details"}}`` (section 1.6)."""

    http_status = 200

    def __init__(self, code, message, details=None):
        self.code = int(code)
        self.message = message
        self.details = [] if details is None else details
        super(RestError, self).__init__(message)

    def envelope(self):
        """Return the body as ordered Python data."""
        inner = OrderedDict([("code", self.code), ("message", self.message),
                             ("details", self.details)])
        return OrderedDict([("error", inner)])


def as_rest(exc):
    """The REST envelope for an admin error raised on a REST path (section 1.6)."""
    if isinstance(exc, RestError):
        return exc
    if isinstance(exc, TokenRequired):
        return RestError(499, "Token Required", [])  # recorded (section 1.6)
    if isinstance(exc, (InvalidToken, TokenExpired, ClientIdMismatch)):
        # Recorded "Invalid Token." (section 1.6); the reason goes in details.
        return RestError(498, "Invalid Token.", list(exc.messages))
    if isinstance(exc, NotFound):
        # assumption: REST "not found" wording; the admin text is kept in details.
        return RestError(404, "Requested resource not found", list(exc.messages))
    return RestError(exc.code, " ".join(exc.messages), [])


def rest_bad_credentials():
    """Recorded Portal/ArcGIS Online body for wrong credentials (section 1.1)."""
    return RestError(400, "Unable to generate token.", ["Invalid username or password."])


def rest_missing_credentials(names):
    """Recorded variant when username/password are missing (Esri/developer-support#345)."""
    return RestError(400, "Unable to generate token.",
                     ["'%s' must be specified." % n for n in names])


def rest_credentials_in_query():
    """Recorded 10.3+ refusal; note ``details`` is a string here (Esri/resource-proxy#177)."""
    return RestError(405, "Method not supported",
                     "Generate Token request should not contain username and password "
                     "in the query string.")


def rest_client_id_required():
    """10.3+ long token without a client (Esri/resource-proxy#224).

    assumption: the recorded details text is elided ("...Client ID is required
    for long expiration tokens."), only its end is reproduced.
    """
    return RestError(201, "Exception in generating token",
                     "Client ID is required for long expiration tokens.")


def rest_not_emulated(what):
    """A REST resource the sandbox does not emulate (explicit, never a made-up success)."""
    return RestError(501, "'%s' is not emulated by the AGSAdmin sandbox." % what, [])
