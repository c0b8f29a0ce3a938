"""The ``agsadmin`` command (also ``python -m agsadmin_core``): a thin front end on the public API.

Each module of this package declares its commands (:class:`~.common.Command`); :data:`COMMANDS`
lists them all and :func:`build_parser` makes the parser from them. A command gets a context
with one printer, table or JSON, chosen here once.

Exit codes: 0 success; 1 some services failed (or the server refused an operation);
2 usage or invalid input; 3 authentication; 4 cannot connect (or no JSON where JSON was
expected); 130 cancelled (Ctrl-C).
"""

from __future__ import print_function

import argparse
import errno
import os
import sys

from .._compat import argv_text, text_stream
from ..errors import AdminError, AuthenticationFailed, BatchFailed, Cancelled, \
    ConnectionFailed, InvalidInput, NotJSON
from ..version import __version__
from . import account, delete, local, publish, services
from . import site as site_commands
from . import logs
from .common import Context, add_global_options
from .printers import StderrReporter, printer_for

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_AUTH, EXIT_CONNECT, EXIT_CANCELLED = 0, 1, 2, 3, 4, 130

#: Every command, in the order ``--help`` lists them.
COMMANDS = (account.COMMANDS + services.COMMANDS + delete.COMMANDS + site_commands.COMMANDS +
            publish.COMMANDS + logs.COMMANDS + local.COMMANDS)

#: One line for a word that groups sub-commands (``site export``, ``site import``).
GROUP_HELP = {"site": "back up the site ('site export') or restore a backup ('site import')"}

#: The exit code of each kind of failure (first match wins; BatchFailed and Cancelled are
#: handled apart because their results are printed too).
EXIT_CODES = ((InvalidInput, EXIT_USAGE), (AuthenticationFailed, EXIT_AUTH),
              (ConnectionFailed, EXIT_CONNECT), (NotJSON, EXIT_CONNECT),
              (AdminError, EXIT_FAILED))

DESCRIPTION = """Administer ArcGIS Server through its Administrator REST API.

Connect with --connection FILE (made by 'login --save FILE') or --server URL --user NAME.
The password comes from AGSADMIN_PASSWORD, else the OS keyring ('login' stores it), else a
prompt. Global options may come before or after the command."""

EPILOG = """exit codes: 0 ok, 1 some services failed, 2 usage or invalid input,
3 authentication, 4 cannot connect, 130 cancelled.

examples:
  agsadmin --server https://gis.example.com:6443/arcgis --user siteadmin login --save prod.agsadmin.json
  agsadmin --connection prod.agsadmin.json services 'Maps/*'
  agsadmin --connection prod.agsadmin.json stop 'Maps/*' --journal nightly.journal.json
  agsadmin --connection prod.agsadmin.json start --journal nightly.journal.json
  agsadmin demo"""


def build_parser():
    parser = argparse.ArgumentParser(prog="agsadmin", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version="agsadmin " + __version__)
    add_global_options(parser, suppress_default=False)
    words = parser.add_subparsers(dest="command", metavar="COMMAND")
    groups = {}
    for command in COMMANDS:
        where = words
        if command.parent:
            if command.parent not in groups:
                text = GROUP_HELP.get(command.parent, "%s commands" % command.parent)
                group = words.add_parser(command.parent, help=text, description=text)
                groups[command.parent] = group.add_subparsers(dest="subcommand",
                                                              metavar="COMMAND")
            where = groups[command.parent]
        sub = where.add_parser(command.name, help=command.help, description=command.help,
                               epilog=command.epilog,
                               formatter_class=argparse.RawDescriptionHelpFormatter)
        add_global_options(sub, suppress_default=True)
        command.add_arguments(sub)
        sub.set_defaults(handler=command.run)
    return parser


def main(argv=None, stdout=None, stderr=None):
    """Run the command line; returns the exit code."""
    real_stdout = stdout is None or stdout is sys.stdout
    stdout = text_stream(stdout or sys.stdout)
    stderr = text_stream(stderr or sys.stderr)
    parser = build_parser()
    argv = argv_text(sys.argv[1:] if argv is None else argv)
    # argparse prints help and usage errors on sys.stdout/sys.stderr: point them at ours.
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = stdout, stderr
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    finally:
        sys.stdout, sys.stderr = saved
    if getattr(args, "handler", None) is None:
        parser.print_help(stderr)
        return EXIT_USAGE
    printer = printer_for(args.json, stdout)
    ctx = Context(args, printer, StderrReporter(stderr))
    if args.verbose:
        _log_to(stderr)
    try:
        code = args.handler(args, ctx)
        return EXIT_OK if code is None else code
    except BatchFailed as exc:
        printer.batch(exc.result, error=exc)
        return _fail(stderr, exc, EXIT_FAILED)
    except Cancelled as exc:
        if exc.result is not None:
            printer.batch(exc.result, error=exc)
        return _fail(stderr, exc, EXIT_CANCELLED)
    except KeyboardInterrupt:
        stderr.write("agsadmin: cancelled.\n")
        return EXIT_CANCELLED
    except (IOError, OSError) as exc:
        if exc.errno != errno.EPIPE:
            raise
        # `agsadmin services | head`: the reader has gone; stop quietly, as cat does.
        if real_stdout:
            _quiet_stdout()
        return EXIT_OK
    except AdminError as exc:
        # An error that ended work halfway (logs' QueryInterrupted) exits as its cause.
        cause = getattr(exc, "cause", None)
        kind_of = cause if isinstance(cause, AdminError) else exc
        code = next(c for kind, c in EXIT_CODES if isinstance(kind_of, kind))
        return _fail(stderr, exc, code)


def _quiet_stdout():
    """Point stdout at devnull so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):
        pass


def _log_to(stream):
    import logging
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
    logger = logging.getLogger("agsadmin_core")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)


def _fail(stderr, exc, code):
    stderr.write(u"agsadmin: error: %s\n" % (exc,))
    return code


def console_main():
    """Entry point of the ``agsadmin`` console script."""
    sys.exit(main())
