"""Command line entry: ``python -m agsadmin_core.sandbox [--port P] [--services N] ...``."""

from __future__ import absolute_import, unicode_literals

import argparse
import sys

from . import run_foreground


def main(argv=None):
    """Parse arguments and serve in the foreground until Ctrl-C."""
    parser = argparse.ArgumentParser(
        prog="python -m agsadmin_core.sandbox",
        description="Run a local emulator of the ArcGIS Server Administrator API on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0, help="port to bind (default: a free one)")
    parser.add_argument("--services", type=int, default=0,
                        help="extra generated MapServers in Bulk01, Bulk02... (50 per folder)")
    parser.add_argument("--latency", type=int, default=0, metavar="MS",
                        help="delay added to every request, in milliseconds")
    parser.add_argument("--version", default="11.3",
                        help="emulated ArcGIS Server release, e.g. 10.1, 10.5.1, 11.3")
    parser.add_argument("--request-log", metavar="FILE",
                        help="append one JSON line per request (field names only) to FILE")
    parser.add_argument("--log-records", type=int, default=0, metavar="N",
                        help="seed N synthetic log records over the last days (generated on demand)")
    parser.add_argument("--coverage-table", "--coverage", dest="coverage", action="store_true",
                        help="print the table of declared routes (Markdown, as in docs/sandbox.md) and exit")
    args = parser.parse_args(argv)
    if args.coverage:
        from .httpd import coverage_markdown
        sys.stdout.write(coverage_markdown())
        return 0
    return run_foreground(port=args.port, services=args.services, latency_ms=args.latency,
                          version=args.version, request_log=args.request_log, out=sys.stdout,
                          log_records=args.log_records)


if __name__ == "__main__":
    sys.exit(main())
