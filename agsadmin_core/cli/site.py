"""``agsadmin site export`` and ``agsadmin site import``: back the site up and restore it."""

from .. import options
from .._compat import read_line, stdin_is_terminal
from ..errors import ImportFailed, InvalidInput
from .common import Argument, Command


def export(args, ctx):
    target = args.target
    if target is None and not args.server_location:
        target = "."   # the current folder, under the server's own file name
    with ctx.connect() as server:
        result = server.site.export_site(path=target, server_location=args.server_location,
                                         keep=args.keep, reporter=ctx.reporter,
                                         timeout=args.site_timeout)
    lines = ["Backup: %s (%s bytes)" % (result.path, result.size) if result.path else
             "Backup written by the server: %s" % result.location]
    lines += ["Removed older backup: %s" % path for path in result.removed]
    ctx.printer.record(result.to_json(), lines)


def import_(args, ctx):
    info = ctx.connection_info()
    if not args.yes and not args.validate:
        _confirm(info.urls.site, args.file)
    with ctx.connect(info) as server:
        try:
            result = server.site.import_site(args.file, backup_first=not args.no_backup,
                                             backup_to=args.backup_to,
                                             validate=args.validate, reporter=ctx.reporter,
                                             timeout=args.site_timeout)
        except ImportFailed as exc:
            _show(ctx, exc.result)
            raise
    _show(ctx, result)


def _confirm(site, path):
    question = ("Replace the whole configuration of %s with %s? A backup is taken first "
                "unless --no-backup. [y/N] " % (site, path))
    if not stdin_is_terminal():
        raise InvalidInput("An import replaces the whole site; nothing was changed.",
                           hint="Pass --yes to confirm when no one is at a terminal.")
    if read_line(question).strip().lower() not in ("y", "yes"):
        raise InvalidInput("Import not confirmed; nothing was changed.")


def _show(ctx, result):
    lines = []
    if result.backup is not None:
        lines.append("Backup of the site before the import: %s"
                     % (result.backup.path or result.backup.location))
    for part in result.parts:
        lines.append("%-10s %-6s %s" % (part.name, part.status, " ".join(part.messages)))
    if result.validated:
        lines.append("Validated %s: nothing was imported." % result.location)
    elif result.imported:
        lines.append("Imported %s." % result.location)
    ctx.printer.record(result.to_json(), lines)


EXPORT_EPILOG = """examples:
  agsadmin --connection prod.agsadmin.json site export backups/ --keep 7
  agsadmin --connection prod.agsadmin.json site export site.agssite
  agsadmin --connection prod.agsadmin.json site export --server-location D:\\backups

A folder keeps the server's name (YYYYMMDD-HHMMSS-UTC.agssite). The download goes to a
temporary file that takes its final name only once complete and checked."""

IMPORT_EPILOG = """The FILE is read by the server: give a path on the server machine or on a share
it can read. Connect to a server machine's own URL (https://machine:6443/arcgis): the server
refuses an import through a Web Adaptor, and so does agsadmin, before changing anything.

examples:
  agsadmin --connection direct.agsadmin.json site import D:\\backups\\20261130-220000-UTC.agssite --backup-to backups/
  agsadmin --connection direct.agsadmin.json site import /shares/backups/site.agssite --yes --json"""

COMMANDS = [
    Command("export", "back up the site's configuration to a .agssite file", export, [
        Argument("target", nargs="?", metavar="FILE_OR_FOLDER",
                 help="local file or folder to download the backup to (default: the "
                      "current folder)"),
        Argument("--server-location", metavar="DIR",
                 help="a folder the server writes the backup to itself; nothing is "
                      "downloaded"),
        options.KEEP, options.SITE_TIMEOUT,
    ], epilog=EXPORT_EPILOG, parent="site"),
    Command("import", "replace the site's configuration with a .agssite backup", import_, [
        Argument("file", metavar="FILE", help="the .agssite backup, as a path the server reads"),
        Argument("--no-backup", action="store_true",
                 help="do not export the current site first"),
        Argument("--backup-to", metavar="FOLDER",
                 help="download the backup taken first to this local folder (default: the "
                      "server keeps it in its own directory)"),
        Argument("--validate", action="store_true",
                 help="only let the server check the backup (ArcGIS Server 11.1+)"),
        options.YES, options.SITE_TIMEOUT,
    ], epilog=IMPORT_EPILOG, parent="site"),
]
