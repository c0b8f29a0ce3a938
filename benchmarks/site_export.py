"""Download a 1 GB site backup from the sandbox: the client's peak memory and its throughput
against a plain streamed ``requests`` download of the same URL.

The sandbox runs in this process and pads its backup to ``--size`` MB (written from a sparse
file, served from disk). Each client runs in a child process of its own, so its memory is its
own: the figure is the peak resident size (``ru_maxrss``) minus the size the child had once
its imports were done and it was signed in ("the interpreter"). Clients alternate over
``--rounds`` and the best time of each is kept. Prints figures; asserts nothing (target: peak
under 64 MB above the interpreter, flat with the size; throughput close to the plain download).

    python benchmarks/site_export.py [--size 1024] [--rounds 2]

Clients:
  plain      requests.Session().post(url, stream=True) + iter_content, to a file
  plain+sync the same, then flush and fsync, as AGSAdmin does before it renames the file
  download   AGSAdmin's session.download: temporary name, size and zip check, rename
  export     AGSAdmin's server.site.export_site(folder): exportSite, then the download
"""

from __future__ import print_function

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

MB = 1024 * 1024
KINDS = ("plain", "plain+sync", "download", "export")


def rss_now():
    """Resident size now, bytes (Linux /proc; falls back to the peak elsewhere)."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except IOError:
        pass
    return rss_peak()


def rss_peak():
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


# -- the children ------------------------------------------------------------------------

def child(kind, site_url, url, folder):
    """Run one client and print one JSON line: seconds, bytes, rss before and peak."""
    password = os.environ["AGSADMIN_BENCH_PASSWORD"]
    user = os.environ["AGSADMIN_BENCH_USER"]
    import requests
    dest = os.path.join(folder, "%s.agssite" % kind)
    if kind.startswith("plain"):
        http = requests.Session()
        token = http.post(site_url + "/admin/generateToken",
                          data={"username": user, "password": password, "client": "requestip",
                                "f": "json"}).json()["token"]
        before = rss_now()
        started = time.time()
        response = http.post(url, data={"token": token}, stream=True)
        size = 0
        with open(dest, "wb") as handle:
            for block in response.iter_content(256 * 1024):
                handle.write(block)
                size += len(block)
            if kind == "plain+sync":
                handle.flush()
                os.fsync(handle.fileno())
        seconds = time.time() - started
    else:
        from agsadmin_core import Server
        from agsadmin_core.site import _check_archive
        server = Server.connect(site_url, username=user, password=password)
        server.root()
        before = rss_now()
        started = time.time()
        if kind == "download":
            size = server.session.download(url, dest, check=_check_archive).size
        else:
            result = server.site.export_site(folder)
            size, dest = result.size, result.path
        seconds = time.time() - started
    peak = rss_peak()
    os.remove(dest)
    print(json.dumps({"kind": kind, "seconds": seconds, "bytes": size, "before": before,
                      "peak": peak}))


def run_child(kind, site_url, url, folder, env):
    out = subprocess.check_output([sys.executable, os.path.abspath(__file__), "--child", kind,
                                   site_url, url, folder], env=env)
    return json.loads(out.decode("utf-8").strip().splitlines()[-1])


# -- the parent --------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1024, help="backup size in MB")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--child", nargs=4, metavar=("KIND", "SITE", "URL", "FOLDER"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)

    from agsadmin_core.sandbox import DEMO_PASSWORD, DEMO_USER, Sandbox
    folder = tempfile.mkdtemp(prefix="agsadmin-bench-site-")
    env = dict(os.environ, AGSADMIN_BENCH_USER=DEMO_USER, AGSADMIN_BENCH_PASSWORD=DEMO_PASSWORD,
               PYTHONPATH=ROOT)
    sandbox = Sandbox(backup_pad_to=args.size * MB).start()
    try:
        import requests
        http = requests.Session()
        token = http.post(sandbox.admin_url + "/generateToken",
                          data={"username": DEMO_USER, "password": DEMO_PASSWORD,
                                "client": "requestip", "f": "json"}).json()["token"]
        started = time.time()
        url = http.post(sandbox.admin_url + "/exportSite",
                        data={"f": "json", "token": token}).json()["location"]
        print("sandbox wrote a %d MB backup in %.1f s (%s)"
              % (args.size, time.time() - started, url.rsplit("/", 1)[-1]))
        best = {}
        for _ in range(args.rounds):
            for kind in KINDS:
                figures = run_child(kind, sandbox.url, url, folder, env)
                if kind not in best or figures["seconds"] < best[kind]["seconds"]:
                    best[kind] = figures
        print("%-10s %9s %10s %12s %14s %12s" % ("client", "MB", "seconds", "MB/s",
                                                 "interpreter", "peak above"))
        for kind in KINDS:
            f = best[kind]
            print("%-10s %9.0f %10.2f %12.1f %11.1f MB %9.1f MB"
                  % (kind, f["bytes"] / float(MB), f["seconds"],
                     f["bytes"] / float(MB) / f["seconds"], f["before"] / float(MB),
                     (f["peak"] - f["before"]) / float(MB)))
        for plain in ("plain", "plain+sync"):
            ratio = best[plain]["seconds"] / best["download"]["seconds"]
            print("download throughput vs %s: %.2fx (1.00 = the same speed)" % (plain, ratio))
        print("export includes the server writing the backup (exportSite), then the download")
    finally:
        sandbox.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
