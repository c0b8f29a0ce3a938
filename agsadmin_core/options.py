"""Options declared once: name, default, limits and help, for the command line and the toolbox.

The command line builds its argparse options from these declarations (``cli/common.py``);
``AGSAdmin.pyt`` writes the same defaults and ranges into its parameter table, because loading
it may import nothing but arcpy, and a test proves that the two agree. The batch engine takes
its defaults from here too, so a default is written in one place.

This module imports nothing: every layer may use it.
"""

import math


class Option(object):
    """One option a user can set.

    Attributes:
        name: the attribute name (``wait_timeout``), also the toolbox parameter's name.
        flags: the command line flags (``("--wait-timeout",)``).
        default: the value when none is given.
        kind: ``float``, ``int``, ``str`` or ``bool`` (a flag: present means True).
        minimum, maximum: the accepted range for numbers (inclusive).
        metavar, help: for ``--help``.
    """

    def __init__(self, name, flags, kind=str, default=None, minimum=None, maximum=None,
                 metavar=None, help=None):
        self.name = name
        self.flags = tuple(flags)
        self.kind = kind
        self.default = default
        self.minimum = minimum
        self.maximum = maximum
        self.metavar = metavar
        self.help = help

    def __repr__(self):
        return "<Option %s>" % self.name

    def parse(self, text):
        """``text`` as this option's value, or ValueError saying why ("must be ..."; the
        caller names the option)."""
        if self.kind in (int, float):
            try:
                value = self.kind(text)
            except (TypeError, ValueError):
                raise ValueError("must be %s, not '%s'" % (
                    "a whole number" if self.kind is int else "a number", text))
            if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
                raise ValueError("must be a finite number, not '%s'" % text)
            if (self.minimum is not None and value < self.minimum) or \
                    (self.maximum is not None and value > self.maximum):
                raise ValueError("must be between %s and %s, not '%s'"
                                 % (_plain(self.minimum), _plain(self.maximum), text))
            return value
        return text


def _plain(number):
    """A bound as people write it: 2147483647, not 2.14748e+09; 0.5 stays 0.5."""
    if number is None:
        return "any"
    return "%d" % number if float(number).is_integer() else "%g" % number


# -- connecting ---------------------------------------------------------------------------

CONNECTION = Option("connection", ["--connection"], metavar="FILE",
                    help="a connection file (*.agsadmin.json) made by 'login --save'")
SERVER = Option("server", ["--server"], metavar="URL",
                help="site URL, e.g. https://gis.example.com:6443/arcgis")
USER = Option("user", ["--user"], metavar="NAME", help="administrator user name")
PORTAL = Option("portal", ["--portal"], metavar="URL",
                help="Portal that issues tokens for a federated server")
TOKEN = Option("token", ["--token"], metavar="T",
               help="use this token instead of a password (it is visible to other users of "
                    "this machine; prefer AGSADMIN_PASSWORD or the keyring)")
CA_BUNDLE = Option("ca_bundle", ["--ca-bundle"], metavar="PATH",
                   help="CA bundle to verify the server's certificate with")
INSECURE = Option("insecure", ["--insecure"], kind=bool, default=False,
                  help="do not verify TLS certificates (warns)")
ALLOW_HTTP = Option("allow_http", ["--allow-http"], kind=bool, default=False,
                    help="allow credentials over plain http to a non-loopback host")
TIMEOUT = Option("timeout", ["--timeout"], kind=float, default=60.0, minimum=1, maximum=3600,
                 metavar="S", help="seconds to wait for each answer (default 60)")

# -- batches of services --------------------------------------------------------------------

FOLDER = Option("folder", ["--folder"], metavar="F", help="only services of this folder")
DRY_RUN = Option("dry_run", ["--dry-run"], kind=bool, default=False,
                 help="print the plan and change nothing")
NO_WAIT = Option("no_wait", ["--no-wait"], kind=bool, default=False,
                 help="do not wait until each service reports its new state")
WAIT_TIMEOUT = Option("wait_timeout", ["--wait-timeout"], kind=float, default=120.0,
                      minimum=1, maximum=86400, metavar="S",
                      help="seconds to wait for the new states (default 120)")
PARALLEL = Option("parallel", ["--parallel"], kind=int, default=4, minimum=1, maximum=32,
                  metavar="N",
                  help="requests at once: batches on 10.3+, else single services "
                       "(default 4, at most 32)")
NO_BATCH = Option("no_batch", ["--no-batch"], kind=bool, default=False,
                  help="never use the server's batch operation (stopServices...)")

# -- publishing -----------------------------------------------------------------------------

PUBLISH_FOLDER = Option("folder", ["--folder"], metavar="F",
                        help="publish into this folder (created when missing); default: the "
                             "folder the .sd names")
SERVICE_NAME = Option("service_name", ["--name"], metavar="N",
                      help="publish under this service name; default: the name the .sd gives")
OVERWRITE = Option("overwrite", ["--overwrite"], kind=bool, default=False,
                   help="replace a service of that name (it is stopped first, and started "
                        "again if publishing fails)")
NO_START = Option("no_start", ["--no-start"], kind=bool, default=False,
                  help="leave the new service stopped")
PART_SIZE = Option("part_size", ["--part-size"], kind=float, default=None, minimum=1,
                   maximum=2048, metavar="MB",
                   help="upload in parts of this many MB (default: in one request up to "
                        "50 MB, in 50 MB parts above)")
JOB_TIMEOUT = Option("job_timeout", ["--job-timeout"], kind=float, default=3600.0, minimum=1,
                     maximum=86400, metavar="S",
                     help="seconds to follow the publishing job (default 3600)")

# -- delete, rename, restore ---------------------------------------------------------------

BACKUP_DIR = Option("backup_dir", ["--backup-dir"], metavar="D",
                    help="save each service's definition, status, item info, manifest and "
                         "permissions under D/<timestamp>/ before deleting it")
NO_BACKUP = Option("no_backup", ["--no-backup"], kind=bool, default=False,
                   help="delete without any backup (say so explicitly)")
YES = Option("yes", ["--yes", "-y"], kind=bool, default=False,
             help="do not ask for confirmation (required when no terminal can answer)")
FORCE_PROTECTED = Option("force_protected", ["--force-protected"], kind=bool, default=False,
                         help="allow System, Utilities, hosted and default services, each "
                              "named exactly")

# -- site backups ---------------------------------------------------------------------------

# exportSite and importSite answer only when the whole site is written or read: minutes on a
# large site. Esri's own cookbook gives admin calls 3600 s (admin-api-next.md section 5).
SITE_TIMEOUT = Option("site_timeout", ["--site-timeout"], kind=float, default=3600.0,
                      minimum=60, maximum=86400, metavar="S",
                      help="seconds to wait for exportSite/importSite and for the backup's "
                           "download (default 3600)")
KEEP = Option("keep", ["--keep"], kind=int, default=None, minimum=1, maximum=100000,
              metavar="N",
              help="keep the N newest backups (server-named YYYYMMDD-HHMMSS-UTC.agssite) in "
                   "the folder and remove older ones; other files are never touched")

# -- logs ---------------------------------------------------------------------------------

LIMIT = Option("limit", ["--limit"], kind=int, default=None, minimum=1, maximum=2147483647,
               metavar="N", help="stop after N records (default: every matching record)")

# -- output ---------------------------------------------------------------------------------

JSON = Option("json", ["--json"], kind=bool, default=False,
              help="print JSON on stdout instead of tables")
VERBOSE = Option("verbose", ["--verbose", "-v"], kind=bool, default=False,
                 help="log each request (method, URL without query, status, time) to stderr; "
                      "secrets are never logged")

#: The options every command accepts, before or after the command name.
GLOBAL = (CONNECTION, SERVER, USER, PORTAL, TOKEN, CA_BUNDLE, INSECURE, ALLOW_HTTP, TIMEOUT,
          JSON, VERBOSE)
