"""Upload a 2 GB service definition through publish_sd against a raw streamed POST of the same file.

Both clients run in child processes (so their memory is theirs alone) against one sandbox
served by this process, one after the other, alternating over the rounds. The raw client is
the floor: ``requests.post(url, data=<open file>)`` streams the file as one body to the
sandbox's upload URL, with no multipart framing, no parts and no progress. The AGSAdmin
client runs ``server.publish_sd`` (checked, uploaded in 50 MB parts, published); its upload
time is taken when the upload step reports its end, and the whole publish time is printed
too. Peak memory is the child's peak RSS minus its RSS once imported and connected.

Prints figures; asserts nothing (targets: memory flat, under 64 MB above the interpreter;
upload throughput at least 80% of the raw POST's).

    python benchmarks/upload.py [--size-mb 2048] [--part-mb 50] [--rounds 1]
"""

from __future__ import print_function

import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

MB = 1024 * 1024
BLOCK = 4 * MB


def make_big_sd(path, size):
    """Write a stored (Copy) 7-Zip ``.sd`` of about ``size`` bytes, streamed: a real
    serviceconfiguration.json and one large entry, never more than a block in memory."""
    from tests.sdmaker import SIGNATURE, _crc, _number, _streams_info, service_config
    config = json.dumps(service_config("Big", folder="Bench")).encode("utf-8")
    payload = max(0, size - len(config) - 200)
    block = os.urandom(BLOCK)
    crc = 0
    with open(path, "wb") as out:
        out.write(b"\x00" * 32)   # the start header, written last
        out.write(config)
        left = payload
        while left > 0:
            piece = block[:min(BLOCK, left)]
            out.write(piece)
            crc = zlib.crc32(piece, crc)
            left -= len(piece)
        sizes = [len(config), payload]
        header = b"\x01\x04" + _streams_info(0, sum(sizes), b"\x01\x01\x00", [sum(sizes)],
                                             sub_sizes=sizes,
                                             sub_crcs=[_crc(config), crc & 0xFFFFFFFF])
        names = b"\x00" + b"".join((n + "\x00").encode("utf-16-le")
                                   for n in ("serviceconfiguration.json", "p30/big.bin"))
        header += b"\x05" + _number(2) + b"\x11" + _number(len(names)) + names + b"\x00\x00"
        out.write(header)
        start = struct.pack("<QQI", sum(sizes), len(header), _crc(header))
        out.seek(0)
        out.write(SIGNATURE + b"\x00\x04" + struct.pack("<I", _crc(start)) + start)
    return path


# -- the children ------------------------------------------------------------------------------

def _rss_kb():
    """Current resident memory in KB (Linux /proc), else the peak so far."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except IOError:
        pass
    return _peak_kb()


def _peak_kb():
    """Peak resident memory in KB: VmHWM on Linux (reset by exec, unlike ru_maxrss, which a
    child inherits from its parent), else ru_maxrss."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except IOError:
        pass
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def child_raw(url, user, password, path):
    import requests
    http = requests.Session()
    token = http.post(url + "/admin/generateToken",
                      data={"username": user, "password": password, "client": "requestip",
                            "f": "json"}).json()["token"]
    base = _rss_kb()
    size = os.path.getsize(path)
    started = time.time()
    with open(path, "rb") as handle:
        # One streamed body of the whole file; the token in the query only because a raw
        # body has no form fields (this is the floor, not how AGSAdmin sends it). As JSON,
        # the sandbox only spools the body to disk: no form or multipart parsing.
        http.post(url + "/admin/uploads/upload?f=json&token=" + token, data=handle,
                  headers={"Content-Type": "application/json",
                           "Content-Length": str(size)})
    seconds = time.time() - started
    return {"seconds": seconds, "upload_seconds": seconds, "base_kb": base,
            "peak_kb": _peak_kb(), "size": size}


def child_publish(url, user, password, path, part_mb):
    from agsadmin_core import Reporter, Server
    marks = {}

    class Marks(Reporter):
        def info(self, text):
            if text.startswith("Uploaded ") and "upload" not in marks:
                marks["upload"] = time.time()

    server = Server.connect(url, username=user, password=password)
    server.root()
    from agsadmin_core import publishing  # noqa: F401 - imported before the baseline
    base = _rss_kb()
    started = time.time()
    result = server.publish_sd(path, overwrite=True, part_size=int(part_mb * MB),
                               reporter=Marks())
    ended = time.time()
    return {"seconds": ended - started, "upload_seconds": marks["upload"] - started,
            "base_kb": base, "peak_kb": _peak_kb(), "size": os.path.getsize(path),
            "service": result.service}


def run_child(kind, url, path, part_mb):
    from agsadmin_core.sandbox import DEMO_PASSWORD, DEMO_USER
    out = subprocess.check_output([sys.executable, os.path.abspath(__file__), "--child", kind,
                                   url, DEMO_USER, DEMO_PASSWORD, path, str(part_mb)])
    return json.loads(out.decode("utf-8").strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=2048)
    parser.add_argument("--part-mb", type=float, default=50)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--child", nargs=6, metavar="X", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, url, user, password, path, part_mb = args.child
        data = child_raw(url, user, password, path) if kind == "raw" else \
            child_publish(url, user, password, path, float(part_mb))
        print(json.dumps(data))
        return 0

    from agsadmin_core.sandbox import Sandbox
    work = tempfile.mkdtemp(prefix="agsadmin-bench-upload-")
    try:
        path = os.path.join(work, "Big.sd")
        made = time.time()
        make_big_sd(path, args.size_mb * MB)
        size = os.path.getsize(path)
        print("file: %s, %.0f MB (written in %.1f s)" % (path, size / float(MB),
                                                      time.time() - made))
        results = {"raw": [], "publish": []}
        with Sandbox() as sb:
            sb.site.publishing.submit_seconds = 0.1
            sb.site.publishing.run_seconds = 0.2
            for _ in range(args.rounds):
                for kind in ("raw", "publish"):
                    results[kind].append(run_child(kind, sb.url, path, args.part_mb))
                    sb.site.uploads.populate()   # free the server's disk between runs
        print("")
        print("%-34s %10s %10s %15s %10s" % ("client", "upload s", "MB/s", "peak - base MB",
                                             "peak MB"))
        best = {}
        for kind, label in (("raw", "raw streamed POST (requests)"),
                            ("publish", "publish_sd upload (%g MB parts)" % args.part_mb)):
            runs = results[kind]
            fastest = min(runs, key=lambda r: r["upload_seconds"])
            best[kind] = fastest
            growth = max((r["peak_kb"] - r["base_kb"]) / 1024.0 for r in runs)
            print("%-34s %10.2f %10.1f %15.1f %10.1f"
                  % (label, fastest["upload_seconds"],
                     size / float(MB) / fastest["upload_seconds"], growth,
                     max(r["peak_kb"] for r in runs) / 1024.0))
        ratio = best["raw"]["upload_seconds"] / best["publish"]["upload_seconds"]
        print("")
        print("publish_sd upload throughput: %.0f%% of the raw POST (target >= 80%%)"
              % (ratio * 100))
        print("publish_sd whole run (check, upload, job, clean-up): %.2f s"
              % best["publish"]["seconds"])
        print("client memory above the interpreter: raw %.1f MB, publish_sd %.1f MB "
              "(target < 64 MB)"
              % tuple((best[k]["peak_kb"] - best[k]["base_kb"]) / 1024.0
                      for k in ("raw", "publish")))
    finally:
        shutil.rmtree(work, True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
