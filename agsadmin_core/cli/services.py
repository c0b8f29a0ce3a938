"""``agsadmin services``, ``stop`` and ``start``: the services of a site."""

from .. import options
from ..errors import InvalidInput
from .common import Argument, BATCH_OPTIONS, Command, PATTERNS_HELP


def list_services(args, ctx):
    with ctx.connect() as server:
        infos = server.services.list(folder=args.folder, patterns=args.patterns)
    # The same verdict as the toolbox: a warning on stderr, exit 0 (ServiceListing).
    for text in infos.warnings():
        ctx.reporter.warning(text)
    ctx.printer.services(infos)


def stop(args, ctx):
    return _change("stop", args, ctx)


def start(args, ctx):
    if not args.patterns and not args.folder and not args.journal:
        raise InvalidInput("Name the services to start, or give --journal FILE.")
    return _change("start", args, ctx)


def _change(verb, args, ctx):
    batch = ctx.batch_options()
    with ctx.connect() as server:
        if batch.dry_run:
            ctx.reporter.info("Dry run: nothing will be changed.")
        extra = {"any_site": args.any_site} if verb == "start" else {}
        result = getattr(server.services, verb)(args.patterns, folder=args.folder,
                                                journal=args.journal, options=batch, **extra)
    ctx.printer.batch(result)


COMMANDS = [
    Command("services", "list services with their configured and real-time state",
            list_services, [Argument("patterns", nargs="*", metavar="PATTERN",
                                     help=PATTERNS_HELP), options.FOLDER]),
    Command("stop", "stop services (System, Utilities, Hosted only when named)", stop, [
        Argument("patterns", nargs="*", metavar="PATTERN", help=PATTERNS_HELP),
        options.FOLDER,
        Argument("--journal", metavar="FILE",
                 help="record what was running and what was stopped, so that 'start "
                      "--journal FILE' restarts exactly those"),
    ] + list(BATCH_OPTIONS)),
    Command("start", "start services, or exactly those a stop journal recorded", start, [
        Argument("patterns", nargs="*", metavar="PATTERN",
                 help="names or globs, or none with --journal"),
        options.FOLDER,
        Argument("--journal", metavar="FILE",
                 help="restart exactly the services a 'stop --journal' recorded"),
        Argument("--any-site", action="store_true",
                 help="accept a journal written through another URL of the same site (a "
                      "Web Adaptor URL and the direct one, say)"),
    ] + list(BATCH_OPTIONS)),
]
