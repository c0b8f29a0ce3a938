"""``agsadmin demo``: a newcomer's first real stop/start cycle, on an embedded sandbox.

Everything goes over real HTTP to the emulator, through the same public API that scripts use,
and each step prints the command that does the same against a real site.
"""

import json
import os
import shutil
import tempfile

from .cli import printers as output
from .server import Server

JOURNAL_NAME = "nightly.journal.json"


def run_demo(out):
    """Run the walkthrough, writing to ``out``; returns 0 on success."""
    from .sandbox import DEMO_PASSWORD, DEMO_USER, Sandbox  # the emulator, for the demo only

    workdir = tempfile.mkdtemp(prefix="agsadmin-demo-")
    journal = os.path.join(workdir, JOURNAL_NAME)
    try:
        with Sandbox() as sandbox:
            url = sandbox.url
            step(out, 1, "Started an ArcGIS Server sandbox at %s" % url,
                 "agsadmin sandbox    # the same emulator, in the foreground")
            server = Server.connect(url, username=DEMO_USER, password=DEMO_PASSWORD)
            base = "agsadmin --server %s --user %s" % (url, DEMO_USER)
            step(out, 2, "Signed in as '%s' (server version %s); the token travels only in "
                         "POST bodies" % (DEMO_USER, ".".join(str(v) for v in server.version)),
                 "%s login --save site.agsadmin.json" % base)
            step(out, 3, "The services of folder Maps:",
                 "%s services 'Maps/*'" % base)
            output.services_table(server.services.list(patterns=["Maps/*"]), out)
            step(out, 4, "Stopping Maps/* before a data load, recording a journal first:",
                 "%s stop 'Maps/*' --journal %s" % (base, JOURNAL_NAME))
            output.results_table(server.services.stop(["Maps/*"], journal=journal), out)
            step(out, 5, "The journal names exactly what was running and is now stopped:",
                 "cat %s" % JOURNAL_NAME)
            with open(journal) as handle:
                for entry in json.load(handle)["services"]:
                    out.write("  %-32s before=%-8s now=%s\n"
                              % (entry["service"], entry["before"], entry["state"]))
            step(out, 6, "(your data load runs here; if it fails, the journal still knows)",
                 None)
            step(out, 7, "Restarting exactly those services from the journal:",
                 "%s start --journal %s" % (base, JOURNAL_NAME))
            output.results_table(server.services.start(journal=journal), out)
            step(out, 8, "Running it again is safe: nothing is left to restart.",
                 "%s start --journal %s" % (base, JOURNAL_NAME))
            again = server.services.start(journal=journal)
            out.write("  %d services restarted the second time.\n" % len(again))
            step(out, 9, "Back where we began:", "%s services 'Maps/*'" % base)
            output.services_table(server.services.list(patterns=["Maps/*"]), out)
            server.close()
        out.write("\nDone. Point the same commands at your site with --server URL --user "
                  "NAME, or use the toolbox AGSAdmin.pyt in ArcGIS Pro.\n")
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def step(out, number, text, command):
    out.write("\n%d. %s\n" % (number, text))
    if command:
        out.write("   $ %s\n" % command)
