"""What every command shares: how a command is declared, the global options, and the context
a command runs in (its printer, its reporter, and the way to connect).

A command is a function ``run(args, ctx)`` plus a :class:`Command` declaration that lists its
arguments; ``cli/__init__.py`` builds the parser from the declarations, so adding a command
touches one module and one line of the registry.
"""

import argparse

from .. import options
from .._compat import native_str
from ..errors import InvalidInput


class Argument(object):
    """A command's own argument: argparse's ``add_argument`` arguments, kept for later."""

    def __init__(self, *flags, **settings):
        self.flags = flags
        self.settings = settings

    def add_to(self, parser):
        parser.add_argument(*self.flags, **self.settings)


class Command(object):
    """One ``agsadmin`` command.

    Args:
        name: the command word (``stop``).
        help: one line for ``agsadmin --help`` and the command's own ``--help``.
        run: ``run(args, ctx)`` -> an exit code (None means 0).
        arguments: :class:`Argument` s and :class:`~agsadmin_core.options.Option` s.
        epilog: examples and details for the command's ``--help``.
        parent: the group word for sub-commands (``site`` for ``site export``), or None.
    """

    def __init__(self, name, help, run, arguments=(), epilog=None, parent=None):
        self.name = name
        self.help = help
        self.run = run
        self.arguments = list(arguments)
        self.epilog = epilog
        self.parent = parent

    def add_arguments(self, parser):
        for argument in self.arguments:
            if isinstance(argument, options.Option):
                add_option(parser, argument)
            else:
                argument.add_to(parser)


def add_option(parser, option, suppress_default=False, unset_default=False):
    """Add a declared :class:`~agsadmin_core.options.Option` to an argparse parser.

    ``suppress_default`` leaves the attribute unset unless the option is given, so the same
    global option can be accepted before and after the command name. ``unset_default``
    makes the default None, for options that override a connection file's value.
    """
    settings = {"dest": option.name, "help": option.help}
    if option.kind is bool:
        settings["action"] = "store_true"
        settings["default"] = argparse.SUPPRESS if suppress_default else False
    else:
        settings["metavar"] = option.metavar
        settings["default"] = argparse.SUPPRESS if suppress_default else (
            None if unset_default else option.default)
        settings["type"] = _checked(option)
    parser.add_argument(*option.flags, **settings)


def _checked(option):
    def parse(text):
        try:
            return option.parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(native_str(exc.args[0]))
    parse.__name__ = option.name   # argparse names the type in some messages
    return parse


def add_global_options(parser, suppress_default):
    group = parser.add_argument_group("connection and output options")
    for option in options.GLOBAL:
        if option is options.INSECURE:
            continue   # with --ca-bundle, in a mutually exclusive group below
        if option is options.CA_BUNDLE:
            tls = group.add_mutually_exclusive_group()
            add_option(tls, options.CA_BUNDLE, suppress_default, unset_default=True)
            add_option(tls, options.INSECURE, suppress_default)
            continue
        # Unset unless given: a connection file's own values (timeout...) must win.
        add_option(group, option, suppress_default, unset_default=True)


class Context(object):
    """What a command runs with: ``printer`` (table or JSON, chosen once), ``reporter``
    (stderr), and :meth:`connect`."""

    def __init__(self, args, printer, reporter):
        self.args = args
        self.printer = printer
        self.reporter = reporter

    def connection_info(self):
        """The ConnectionInfo the options describe (a file, or --server/--user)."""
        from ..connection import ConnectionInfo
        args = self.args
        if args.connection:
            if args.server:
                raise InvalidInput("Give --connection or --server, not both.")
            info = ConnectionInfo.load(args.connection)
        elif args.server:
            info = ConnectionInfo(args.server, username=args.user, portal_url=args.portal)
        else:
            raise InvalidInput("No server given.",
                               hint="Use --connection FILE, or --server URL --user NAME.")
        changes = {}
        if args.user:
            changes["username"] = args.user
        if args.portal:
            changes["portal_url"] = args.portal
        if args.ca_bundle:
            changes["verify"] = args.ca_bundle
        if args.insecure:
            changes["verify"] = False
        if args.allow_http:
            changes["allow_http"] = True
        if args.timeout:
            changes["timeout"] = args.timeout
        # Checked like a file's own values (a CA bundle that does not exist...).
        info = info.replace(**changes) if changes else info
        if not args.token and not info.username:
            raise InvalidInput("No user name given.", hint="Use --user NAME (or --token).")
        return info

    def connect(self, info=None, password=None):
        """A signed-in Server for the options (or ``info``)."""
        from ..connect import open_server
        info = info or self.connection_info()
        if info.verify is False:
            self.reporter.warning("TLS certificate verification is off: the connection to "
                                  "%s can be intercepted. Prefer --ca-bundle PATH."
                                  % info.urls.host)
        return open_server(info, token=self.args.token, password=password)

    def batch_options(self):
        """BatchOptions from the batch options of a command (stop, start, delete...)."""
        from ..batch import BatchOptions
        args = self.args
        return BatchOptions(wait=not args.no_wait, timeout=args.wait_timeout,
                            parallel=args.parallel, batch=False if args.no_batch else None,
                            reporter=self.reporter, dry_run=args.dry_run)


#: The options of every command that changes a batch of services.
BATCH_OPTIONS = (options.DRY_RUN, options.NO_WAIT, options.WAIT_TIMEOUT, options.PARALLEL,
                 options.NO_BATCH)

PATTERNS_HELP = "names or globs (Maps/*, *.MapServer) or @list-file"
