"""Streamed multipart uploads and atomic downloads through the session's one send path, over
real HTTP to a tiny server written here (the sandbox's upload and backup areas come later and
have tests of their own)."""

import hashlib
import json
import os
import threading

import pytest

from agsadmin_core import ConnectionFailed, InvalidInput
from agsadmin_core.auth import GivenToken
from agsadmin_core.session import AdminSession, RetryPolicy
from agsadmin_core.transfer import BLOCK, FilePart, MultipartBody
from agsadmin_core.urls import parse_server_url

try:
    from http.server import BaseHTTPRequestHandler, HTTPServer
except ImportError:  # Python 2.7
    from BaseHTTPServer import BaseHTTPRequestHandler, HTTPServer

CANARY_TOKEN = "Canary-Token-5b2d"


class Recorder(object):
    """What the server saw and what it should answer."""

    def __init__(self):
        self.bodies = []
        self.content_types = []
        self.file = None        # bytes to serve
        self.cut_after = None   # close the connection after this many bytes, announcing all
        self.cuts_left = 0


def make_server(recorder):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            recorder.bodies.append(body)
            recorder.content_types.append(self.headers.get("Content-Type"))
            if self.path.endswith("/download") and recorder.file is not None:
                data = recorder.file
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if recorder.cuts_left:
                    recorder.cuts_left -= 1
                    self.wfile.write(data[:recorder.cut_after])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(data)
                return
            if self.path.endswith("/refuse"):
                answer = {"status": "error", "messages": ["Backup not found."], "code": 404}
            else:
                answer = {"status": "success", "received": len(body)}
            payload = json.dumps(answer).encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/plain;charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.daemon = True
    thread.start()
    return server


@pytest.fixture
def site():
    recorder = Recorder()
    server = make_server(recorder)
    urls = parse_server_url("http://127.0.0.1:%d/arcgis" % server.server_address[1])
    session = AdminSession(urls, GivenToken(CANARY_TOKEN),
                           retry=RetryPolicy(connect_attempts=3, backoff=0.01, max_pause=0.02))
    yield session, recorder
    session.close()
    server.shutdown()
    server.server_close()


def parts_of(body, content_type):
    """{name: (filename, bytes)} of a multipart body, parsed by hand (cgi is gone in 3.13)."""
    boundary = content_type.split("boundary=")[1].encode("ascii")
    found = {}
    for chunk in body.split(b"--" + boundary)[1:-1]:
        head, _, value = chunk[2:].partition(b"\r\n\r\n")
        head = head.decode("utf-8")
        name = head.split('name="')[1].split('"')[0]
        filename = head.split('filename="')[1].split('"')[0] if "filename=" in head else None
        found[name] = (filename, value[:-2])
    return found


def big_file(tmp_path, size):
    path = os.path.join(str(tmp_path), "Parcels.sd")
    block = hashlib.sha256(b"agsadmin").digest() * 4096
    with open(path, "wb") as handle:
        left = size
        while left:
            handle.write(block[:min(left, len(block))])
            left -= min(left, len(block))
    return path


def test_multipart_streams_fields_and_the_file_with_the_token_in_the_body(site, tmp_path):
    session, recorder = site
    path = big_file(tmp_path, 3 * BLOCK + 17)
    seen = []
    answer = session.call("uploads/upload", {"description": u"Caf\u00e9"},
                          files={"itemFile": FilePart(path)},
                          progress=lambda sent, total: seen.append((sent, total)))
    body, kind = recorder.bodies[-1], recorder.content_types[-1]
    assert answer["received"] == len(body)
    parts = parts_of(body, kind)
    with open(path, "rb") as handle:
        assert parts["itemFile"] == ("Parcels.sd", handle.read())
    assert parts["token"][1] == CANARY_TOKEN.encode("utf-8")
    assert parts["description"][1] == u"Caf\u00e9".encode("utf-8")
    assert parts["f"][1] == b"json"
    # Read block by block: progress moved in several steps and ended at the whole size.
    assert len(seen) >= 4 and seen[-1] == (os.path.getsize(path), os.path.getsize(path))


def test_a_slice_of_a_file_is_one_part(site, tmp_path):
    session, recorder = site
    path = big_file(tmp_path, 1000)
    session.call("uploads/i1/uploadPart", {"partNumber": 2},
                 files={"partFile": FilePart(path, offset=300, length=400)})
    parts = parts_of(recorder.bodies[-1], recorder.content_types[-1])
    with open(path, "rb") as handle:
        handle.seek(300)
        assert parts["partFile"][1] == handle.read(400)
    assert parts["partNumber"][1] == b"2"


def test_the_body_never_holds_more_than_a_block_of_the_file(tmp_path):
    path = big_file(tmp_path, 10 * BLOCK)
    body = MultipartBody({"f": "json"}, {"itemFile": FilePart(path)})
    sizes = []
    while True:
        data = body.read(10 ** 9)
        if not data:
            break
        sizes.append(len(data))
    assert max(sizes) <= BLOCK and sum(sizes) == body.len == len(body)


def test_download_arrives_whole_under_the_final_name(site, tmp_path):
    session, recorder = site
    recorder.file = os.urandom(2 * BLOCK + 5)
    dest = os.path.join(str(tmp_path), "site.agssite")
    done = session.download("exportSite/x/download", dest)
    assert done.size == len(recorder.file)
    with open(dest, "rb") as handle:
        assert handle.read() == recorder.file
    assert os.listdir(str(tmp_path)) == ["site.agssite"]
    # The token went in the body, not the URL.
    assert CANARY_TOKEN.encode("utf-8") in recorder.bodies[-1]


def test_a_download_cut_short_leaves_no_file_and_is_retried(site, tmp_path):
    session, recorder = site
    recorder.file = os.urandom(3 * BLOCK)
    recorder.cut_after, recorder.cuts_left = BLOCK, 1
    dest = os.path.join(str(tmp_path), "site.agssite")
    session.download("exportSite/x/download", dest)
    assert recorder.cuts_left == 0 and len(recorder.bodies) == 2   # the cut really happened
    with open(dest, "rb") as handle:
        assert handle.read() == recorder.file


def test_a_download_cut_every_time_fails_clearly_and_keeps_nothing(site, tmp_path):
    session, recorder = site
    recorder.file = os.urandom(3 * BLOCK)
    recorder.cut_after, recorder.cuts_left = BLOCK, 99
    dest = os.path.join(str(tmp_path), "site.agssite")
    with pytest.raises(ConnectionFailed) as info:
        session.download("exportSite/x/download", dest)
    assert len(recorder.bodies) == session.retry.connect_attempts
    assert os.listdir(str(tmp_path)) == []
    assert CANARY_TOKEN not in str(info.value)


def test_a_download_that_fails_its_check_is_removed(site, tmp_path):
    session, recorder = site
    recorder.file = b"not a zip"
    dest = os.path.join(str(tmp_path), "site.agssite")

    def check(path):
        raise InvalidInput("'%s' is not a readable site backup." % os.path.basename(dest))

    with pytest.raises(InvalidInput):
        session.download("exportSite/x/download", dest, check=check)
    assert os.listdir(str(tmp_path)) == []


def test_an_error_envelope_instead_of_a_file_is_an_error(site, tmp_path):
    session, _ = site
    from agsadmin_core import NotFound
    dest = os.path.join(str(tmp_path), "site.agssite")
    with pytest.raises(NotFound) as info:
        session.download("exportSite/x/refuse", dest)
    assert "Backup not found." in str(info.value)
    assert os.listdir(str(tmp_path)) == []


def test_a_download_from_another_host_is_refused_before_the_token_leaves(site, tmp_path):
    session, recorder = site
    dest = os.path.join(str(tmp_path), "site.agssite")
    from agsadmin_core import ServerError
    for url in ("http://attacker.example.com/arcgis/x/download",
                "https://127.0.0.1:%d/arcgis/x/download" % session.urls.site.count("x"),
                "http://user:pw@elsewhere.example.com:6080/a?token=%s" % CANARY_TOKEN):
        with pytest.raises(ServerError) as info:
            session.download(url, dest)
        assert "not sent there" in str(info.value)
        assert CANARY_TOKEN not in str(info.value) and "pw" not in str(info.value)
    assert recorder.bodies == [] and os.listdir(str(tmp_path)) == []
    # The site's own URL, written in full, is fine.
    recorder.file = b"backup"
    session.download(session.urls.admin + "/exportSite/x/download", dest)
    assert open(dest, "rb").read() == b"backup"
