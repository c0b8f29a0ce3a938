"""The ``agsadmin`` command (also ``python -m agsadmin_core``): a thin front end on the public API.

Exit codes: 0 success; 1 some services failed (or the server refused an operation);
2 usage or invalid input; 3 authentication; 4 cannot connect (or no JSON where JSON was
expected); 130 cancelled (Ctrl-C).
"""

from __future__ import print_function

import argparse
import sys

from . import __version__
from .errors import AdminError, AuthenticationFailed, BatchFailed, Cancelled, \
    ConnectionFailed, InvalidInput, NotJSON
from . import output

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_AUTH, EXIT_CONNECT, EXIT_CANCELLED = 0, 1, 2, 3, 4, 130

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


def _add_global_options(parser, suppress):
    """The connection options, on the main parser and (suppressed defaults) on each command,
    so they are accepted before or after the command name."""
    def default(value):
        return argparse.SUPPRESS if suppress else value

    group = parser.add_argument_group("connection options")
    group.add_argument("--connection", metavar="FILE", default=default(None),
                       help="a connection file (*.agsadmin.json) made by 'login --save'")
    group.add_argument("--server", metavar="URL", default=default(None),
                       help="site URL, e.g. https://gis.example.com:6443/arcgis")
    group.add_argument("--user", metavar="NAME", default=default(None),
                       help="administrator user name")
    group.add_argument("--portal", metavar="URL", default=default(None),
                       help="Portal that issues tokens for a federated server")
    group.add_argument("--token", metavar="T", default=default(None),
                       help="use this token instead of a password (it is visible to other "
                            "users of this machine; prefer AGSADMIN_PASSWORD or the keyring)")
    tls = group.add_mutually_exclusive_group()
    tls.add_argument("--ca-bundle", metavar="PATH", default=default(None),
                     help="CA bundle to verify the server's certificate with")
    tls.add_argument("--insecure", action="store_true", default=default(False),
                     help="do not verify TLS certificates (warns)")
    group.add_argument("--allow-http", action="store_true", default=default(False),
                       help="allow credentials over plain http to a non-loopback host")
    group.add_argument("--timeout", metavar="S", type=float, default=default(None),
                       help="seconds to wait for each answer (default 60)")
    group.add_argument("--json", action="store_true", default=default(False),
                       help="print JSON on stdout instead of tables")
    group.add_argument("--verbose", "-v", action="store_true", default=default(False),
                       help="log each request (method, URL without query, status, time) "
                            "to stderr; secrets are never logged")


def _add_change_options(parser, verb):
    parser.add_argument("--folder", metavar="F", help="only services of this folder")
    parser.add_argument("--journal", metavar="FILE",
                        help="record what was running and what was stopped (stop), or "
                             "restart exactly what the journal recorded (start)"
                        if verb == "stop" else
                        "restart exactly the services a 'stop --journal' recorded")
    parser.add_argument("--dry-run", action="store_true",
                        help="print the plan and change nothing")
    parser.add_argument("--no-wait", action="store_true",
                        help="do not wait until each service reports its new state")
    parser.add_argument("--wait-timeout", metavar="S", type=float, default=120.0,
                        help="seconds to wait for the new states (default 120)")
    parser.add_argument("--parallel", metavar="N", type=int, default=4,
                        help="requests at once: batches on 10.3+, else single services "
                             "(default 4)")
    parser.add_argument("--no-batch", action="store_true",
                        help="never use the server's %sServices batch operation" % verb)


def build_parser():
    parser = argparse.ArgumentParser(prog="agsadmin", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version="agsadmin " + __version__)
    _add_global_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name, help_text):
        sub = commands.add_parser(name, help=help_text, description=help_text)
        _add_global_options(sub, suppress=True)
        return sub

    login = command("login", "check the credentials, store the password in the OS keyring, "
                             "optionally save a connection file")
    login.add_argument("--save", metavar="FILE",
                       help="write a connection file (it never holds the password)")
    login.add_argument("--no-keyring", action="store_true",
                       help="check the credentials but do not store the password")

    command("logout", "remove the password that 'login' stored in the OS keyring")

    services = command("services", "list services with their configured and real-time state")
    services.add_argument("patterns", nargs="*", metavar="PATTERN",
                          help="names or globs (Maps/*, *.MapServer) or @list-file")
    services.add_argument("--folder", metavar="F", help="only services of this folder")

    stop = command("stop", "stop services (System, Utilities, Hosted only when named)")
    stop.add_argument("patterns", nargs="*", metavar="PATTERN",
                      help="names or globs (Maps/*, *.MapServer) or @list-file")
    _add_change_options(stop, "stop")

    start = command("start", "start services, or exactly those a stop journal recorded")
    start.add_argument("patterns", nargs="*", metavar="PATTERN",
                       help="names or globs, or none with --journal")
    _add_change_options(start, "start")

    sandbox = command("sandbox", "run the local ArcGIS Server emulator in the foreground")
    sandbox.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    sandbox.add_argument("--services", type=int, default=0, metavar="N",
                         help="add N generated services (folders Bulk01, Bulk02, ...)")
    sandbox.add_argument("--latency", type=int, default=0, metavar="MS",
                         help="milliseconds added to every request")
    sandbox.add_argument("--version", dest="server_version", default="11.3", metavar="V",
                         help="ArcGIS Server version to emulate (default 11.3)")
    sandbox.add_argument("--request-log", metavar="FILE",
                         help="write one JSON line per request (field names only)")

    command("demo", "walk through a stop/start cycle on an embedded sandbox")
    command("info", "print the versions of Python, requests, urllib3 and OpenSSL")
    return parser


def main(argv=None, stdout=None, stderr=None):
    """Run the command line; returns the exit code."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if not args.command:
        parser.print_help(stderr)
        return EXIT_USAGE
    handler = HANDLERS[args.command]
    reporter = output.StderrReporter(stderr)
    if args.verbose:
        _log_to(stderr)
    try:
        return handler(args, stdout, reporter)
    except BatchFailed as exc:
        if not args.json:
            output.results_table(exc.results, stdout)
        else:
            output.write_json({"operation": exc.operation, "results":
                               output.results_json(exc.results), "error": exc.message}, stdout)
        return _fail(stderr, exc, EXIT_FAILED)
    except Cancelled as exc:
        if exc.results and not args.json:
            output.results_table(exc.results, stdout)
        return _fail(stderr, exc, EXIT_CANCELLED)
    except KeyboardInterrupt:
        stderr.write("agsadmin: cancelled.\n")
        return EXIT_CANCELLED
    except InvalidInput as exc:
        return _fail(stderr, exc, EXIT_USAGE)
    except AuthenticationFailed as exc:
        return _fail(stderr, exc, EXIT_AUTH)
    except (ConnectionFailed, NotJSON) as exc:
        return _fail(stderr, exc, EXIT_CONNECT)
    except AdminError as exc:
        return _fail(stderr, exc, EXIT_FAILED)


def _log_to(stream):
    import logging
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
    logger = logging.getLogger("agsadmin_core")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)


def _fail(stderr, exc, code):
    stderr.write("agsadmin: error: %s\n" % exc)
    return code


# -- connecting ------------------------------------------------------------------------


def connection_info(args):
    """The ConnectionInfo the options describe (a file, or --server/--user)."""
    from .connection import ConnectionInfo
    if args.connection:
        if args.server:
            raise InvalidInput("Give --connection or --server, not both.")
        info = ConnectionInfo.load(args.connection)
    elif args.server:
        info = ConnectionInfo(args.server, username=args.user, portal_url=args.portal)
    else:
        raise InvalidInput("No server given.",
                           hint="Use --connection FILE, or --server URL --user NAME.")
    if args.user:
        info.username = args.user
    if args.portal:
        info.portal_url = args.portal
    if args.ca_bundle:
        info.verify = args.ca_bundle
    if args.insecure:
        info.verify = False
    if args.allow_http:
        info.allow_http = True
    if args.timeout:
        info.timeout = args.timeout
    if not args.token and not info.username:
        raise InvalidInput("No user name given.", hint="Use --user NAME (or --token).")
    return info


def connect(args, reporter, password=None):
    from .server import Server
    info = connection_info(args)
    if info.verify is False:
        reporter.warning("TLS certificate verification is off: the connection to %s can be "
                         "intercepted. Prefer --ca-bundle PATH." % info.urls.host)
    return Server.connect_info(info, token=args.token, password=password)


# -- commands --------------------------------------------------------------------------


def cmd_login(args, out, reporter):
    from .connection import find_password, store_password
    info = connection_info(args)
    if args.token:
        raise InvalidInput("'login' signs in with a password, not a token.")
    password, source = find_password(info.urls.admin, info.username)
    server = connect(args, reporter, password=password)
    server.close()
    stored = False
    if not args.no_keyring and source != "keyring":
        store_password(info.urls.admin, info.username, password)
        stored = True
    if args.save:
        info.save(args.save)
    if args.json:
        output.write_json({"server": info.urls.site, "user": info.username,
                           "stored_in_keyring": stored, "connection_file": args.save}, out)
    else:
        out.write("Signed in to %s as %s.\n" % (info.urls.site, info.username))
        if stored:
            out.write("Password stored in the OS keyring.\n")
        if args.save:
            out.write("Connection saved to %s (it holds no password).\n" % args.save)
    return EXIT_OK


def cmd_logout(args, out, reporter):
    from .connection import delete_password
    info = connection_info(args)
    removed = delete_password(info.urls.admin, info.username)
    if args.json:
        output.write_json({"server": info.urls.site, "user": info.username,
                           "removed": removed}, out)
    elif removed:
        out.write("Removed the stored password of %s at %s.\n" % (info.username,
                                                                  info.urls.site))
    else:
        out.write("No stored password for %s at %s.\n" % (info.username, info.urls.site))
    return EXIT_OK


def cmd_services(args, out, reporter):
    with connect(args, reporter) as server:
        infos = server.services.list(folder=args.folder, patterns=args.patterns)
    if args.json:
        output.write_json(output.services_json(infos), out)
    else:
        output.services_table(infos, out)
    return EXIT_OK


def _change(verb, args, out, reporter):
    options = dict(folder=args.folder, journal=args.journal, dry_run=args.dry_run,
                   wait=not args.no_wait, timeout=args.wait_timeout,
                   parallel=max(1, args.parallel), reporter=reporter)
    if args.no_batch:
        options["batch"] = False
    with connect(args, reporter) as server:
        if args.dry_run:
            reporter.info("Dry run: nothing will be changed.")
        results = getattr(server.services, verb)(args.patterns, **options)
    if args.json:
        output.write_json({"operation": verb, "results": output.results_json(results),
                           "journal": args.journal, "dry_run": args.dry_run}, out)
    else:
        output.results_table(results, out)
        if args.journal and verb == "stop" and not args.dry_run:
            out.write("Journal: %s (restart with: agsadmin start --journal %s)\n"
                      % (args.journal, args.journal))
    return EXIT_OK


def cmd_stop(args, out, reporter):
    return _change("stop", args, out, reporter)


def cmd_start(args, out, reporter):
    if not args.patterns and not args.folder and not args.journal:
        raise InvalidInput("Name the services to start, or give --journal FILE.")
    return _change("start", args, out, reporter)


def cmd_sandbox(args, out, reporter):
    from .sandbox import run_foreground  # the emulator; never imported by the client itself
    run_foreground(port=args.port, services=args.services, latency_ms=args.latency,
                   version=args.server_version, request_log=args.request_log, out=out)
    return EXIT_OK


def cmd_demo(args, out, reporter):
    from .demo import run_demo
    return run_demo(out)


def cmd_info(args, out, reporter):
    import platform
    import ssl
    versions = {"agsadmin": __version__, "python": platform.python_version(),
                "openssl": ssl.OPENSSL_VERSION}
    for name in ("requests", "urllib3", "keyring"):
        try:
            module = __import__(name)
            versions[name] = getattr(module, "__version__", "installed")
        except ImportError:
            versions[name] = "not installed"
    if args.json:
        output.write_json(versions, out)
    else:
        for key in sorted(versions):
            out.write("%-9s %s\n" % (key, versions[key]))
    return EXIT_OK


HANDLERS = {"login": cmd_login, "logout": cmd_logout, "services": cmd_services, "stop": cmd_stop,
            "start": cmd_start, "sandbox": cmd_sandbox, "demo": cmd_demo, "info": cmd_info}


def console_main():
    """Entry point of the ``agsadmin`` console script."""
    sys.exit(main())
