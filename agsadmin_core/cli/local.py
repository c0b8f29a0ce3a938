"""Commands that need no site: ``sandbox``, ``demo`` and ``info``."""

from ..version import __version__
from .common import Argument, Command


def sandbox(args, ctx):
    from ..sandbox import run_foreground  # the emulator; never imported by the client itself
    run_foreground(port=args.port, services=args.services, latency_ms=args.latency,
                   version=args.server_version, request_log=args.request_log,
                   unicode_names=args.unicode_names, out=ctx.printer.out,
                   log_records=args.log_records)


def demo(args, ctx):
    from ..demo import run_demo
    return run_demo(ctx.printer.out)


def info(args, ctx):
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
    ctx.printer.record(versions, ["%-9s %s" % (k, versions[k]) for k in sorted(versions)])


COMMANDS = [
    Command("sandbox", "run the local ArcGIS Server emulator in the foreground", sandbox, [
        Argument("--port", type=int, default=0, help="port (default: a free one)"),
        Argument("--services", type=int, default=0, metavar="N",
                 help="add N generated services (folders Bulk01, Bulk02, ...)"),
        Argument("--latency", type=int, default=0, metavar="MS",
                 help="milliseconds added to every request"),
        Argument("--version", dest="server_version", default="11.3", metavar="V",
                 help="ArcGIS Server version to emulate (default 11.3)"),
        Argument("--request-log", metavar="FILE",
                 help="write one JSON line per request (field names only)"),
        Argument("--unicode-names", action="store_true",
                 help="add a folder and services with non-ASCII names (French, "
                      "Japanese, German), to try scripts on them"),
        Argument("--log-records", type=int, default=0, metavar="N",
                 help="seed N synthetic log records over the past 7 days (generated on "
                      "demand: a million cost little memory)"),
    ]),
    Command("demo", "walk through a stop/start cycle on an embedded sandbox", demo),
    Command("info", "print the versions of Python, requests, urllib3 and OpenSSL", info),
]
