"""``agsadmin delete``, ``rename`` and ``restore``: the commands that remove, move and bring
back services. A delete backs each service up first (or is told explicitly not to), lists
what it will delete, and asks on a terminal; without one it needs ``--yes``."""

import sys

from .. import options
from .._compat import stdin_is_terminal
from ..errors import InvalidInput
from .common import Argument, BATCH_OPTIONS, Command, PATTERNS_HELP, add_option


class Exclusive(object):
    """Declared options of which at most one may be given."""

    def __init__(self, *declared):
        self.declared = declared

    def add_to(self, parser):
        group = parser.add_mutually_exclusive_group()
        for option in self.declared:
            add_option(group, option)


def _ask(ctx, verb, refs, stream_in=None):
    """List ``refs`` on stderr and ask a yes/no question there; True on yes."""
    err = ctx.reporter.stream
    err.write(u"%s these %d service%s:\n" % (verb, len(refs), u"" if len(refs) == 1 else u"s"))
    for ref in refs:
        err.write(u"  %s\n" % (ref,))
    err.write(u"%s them? [y/N] " % verb)
    err.flush()
    answer = (stream_in or sys.stdin).readline()
    return answer.strip().lower() in ("y", "yes")


def _confirmation(ctx, verb, dry_run):
    """The ``confirm`` callback for the core, or None; refuses up front when no terminal
    can answer and --yes was not given."""
    if ctx.args.yes or dry_run:
        return None
    if not stdin_is_terminal():
        raise InvalidInput("Nothing was %s: there is no terminal to confirm on." %
                           ("deleted" if verb == "Delete" else "restored"),
                           hint="Add --yes to %s without asking." % verb.lower())
    return lambda items: _ask(ctx, verb, [getattr(i, "ref", i) for i in items])


def delete(args, ctx):
    if not args.patterns and not args.folder:
        raise InvalidInput("Name the services to delete: a name, a pattern such as "
                           "Maps/Old*, or --folder F.")
    if not args.backup_dir and not args.no_backup:
        raise InvalidInput("Nothing was deleted: choose where the backups go first.",
                           hint="Give --backup-dir D, or --no-backup to delete without one.")
    batch = ctx.batch_options()
    confirm = _confirmation(ctx, "Delete", batch.dry_run)
    with ctx.connect() as server:
        if batch.dry_run:
            ctx.reporter.info("Dry run: nothing will be backed up or deleted.")
        result = server.services.delete(args.patterns, backup_dir=args.backup_dir,
                                        backup=not args.no_backup,
                                        force_protected=args.force_protected,
                                        folder=args.folder, confirm=confirm, options=batch)
    ctx.printer.batch(result)


def rename(args, ctx):
    with ctx.connect() as server:
        result = server.services.rename(args.service, args.new_name, dry_run=args.dry_run,
                                        timeout=args.wait_timeout)
    what = "Would rename" if result.dry_run else "Renamed"
    ctx.printer.record(result.to_json(), [u"%s %s to %s" % (what, result.old, result.new),
                                          u"URL: %s" % result.url])


def restore(args, ctx):
    batch = ctx.batch_options()
    confirm = _confirmation(ctx, "Restore", batch.dry_run)
    with ctx.connect() as server:
        result = server.services.restore(args.backup_folder, services=args.services or None,
                                         confirm=confirm, options=batch)
    ctx.printer.batch(result)
    ctx.printer.note(u"Restored services have their saved configuration; item info and "
                     u"permissions are in the backup. A service whose data was removed "
                     u"with it must be republished from its .sd.")


DELETE_EPILOG = """examples:
  agsadmin delete 'Maps/Old*' --backup-dir backups
  agsadmin delete Maps/Parcels.MapServer --backup-dir backups --yes --json
  agsadmin delete Utilities/PrintingTools.GPServer --backup-dir backups --force-protected

Each service is backed up to D/<timestamp>/<Folder>/<Name.Type>/ (definition, status, item
info, manifest, permissions, and one backup.json index) before it is deleted; a service
whose backup fails is not deleted. Without a terminal, --yes is required.
exit codes: 0 ok, 1 some services were not deleted, 2 usage (no backup choice, no --yes,
no match, a protected service), 3 authentication, 4 cannot connect, 130 cancelled."""

RESTORE_EPILOG = """Recreates each saved service with createService, in its saved state. This
brings back its configuration: services whose data lives outside the server (registered
databases and folders, geometry and other data-less services) come back working; a
service whose published data was removed with it must be republished from its .sd.
Services that exist already are skipped, never overwritten."""

COMMANDS = [
    Command("delete", "back up, then delete services (asks first on a terminal)", delete, [
        Argument("patterns", nargs="*", metavar="PATTERN", help=PATTERNS_HELP),
        options.FOLDER, Exclusive(options.BACKUP_DIR, options.NO_BACKUP), options.YES,
        options.FORCE_PROTECTED,
    ] + list(BATCH_OPTIONS), epilog=DELETE_EPILOG),
    Command("rename", "rename a service in its folder; prints the new name and URL", rename, [
        Argument("service", metavar="SERVICE", help="Folder/Name.Type"),
        Argument("new_name", metavar="NEW_NAME",
                 help="the new name only (letters, digits, _ and -)"),
        options.DRY_RUN, options.WAIT_TIMEOUT,
    ]),
    Command("restore", "recreate services from a delete's backup folder", restore, [
        Argument("backup_folder", metavar="BACKUP_FOLDER",
                 help="a folder made by 'delete --backup-dir' (or one service's folder in it)"),
        Argument("services", nargs="*", metavar="PATTERN",
                 help="only these services of the backup"),
        options.YES,
    ] + list(BATCH_OPTIONS), epilog=RESTORE_EPILOG),
]
