"""Request bodies: the streaming multipart parser and chunked uploads (bytes kept, nothing cut)."""

from __future__ import absolute_import, unicode_literals

import hashlib
import io
import os

import pytest
import requests

from agsadmin_core.sandbox import bodies

BOUNDARY = "----sandboxBoundary7MA4YWxkTrZu0gW"


def _multipart(fields):
    out = io.BytesIO()
    for name, filename, data in fields:
        out.write(b"--" + BOUNDARY.encode("ascii") + b"\r\n")
        disposition = 'Content-Disposition: form-data; name="%s"' % name
        if filename:
            disposition += '; filename="%s"' % filename
        out.write(disposition.encode("utf-8") + b"\r\n")
        if filename:
            out.write(b"Content-Type: application/octet-stream\r\n")
        out.write(b"\r\n" + data + b"\r\n")
    out.write(b"--" + BOUNDARY.encode("ascii") + b"--\r\n")
    return out.getvalue()


def _chunks(data, size):
    return [data[i:i + size] for i in range(0, len(data), size)]


@pytest.mark.parametrize("chunk", [1, 3, 7, 64, 65536])
def test_parser_splits_parts_whatever_the_chunking(chunk):
    # A file part that contains CRLFs, dashes and a near-copy of the delimiter.
    tricky = b"\r\n--" + BOUNDARY[:-1].encode("ascii") + b"\r\n\x00\xff--\r\n" + os.urandom(300)
    body = _multipart([("f", None, b"json"), ("itemFile", "x.sd", tricky),
                       ("description", None, "Caf\u00e9".encode("utf-8"))])
    parts = bodies.parse_multipart(_chunks(body, chunk), BOUNDARY, memory_limit=100)
    assert [(p.name, p.filename) for p in parts] == [("f", None), ("itemFile", "x.sd"),
                                                     ("description", None)]
    assert parts[0].read() == b"json" and parts[1].read() == tricky
    assert parts[2].read().decode("utf-8") == "Caf\u00e9"
    assert parts[1].size == len(tricky)


def test_part_save_streams_to_a_path(tmp_path):
    data = os.urandom(200000)
    parts = bodies.parse_multipart(_chunks(_multipart([("itemFile", "a.sd", data)]), 4096), BOUNDARY,
                                   memory_limit=1024)
    path = parts[0].save(str(tmp_path / "a.sd"))
    with open(path, "rb") as handle:
        assert handle.read() == data


def test_chunked_upload_larger_than_the_limit_arrives_whole(make_sb):
    sb = make_sb(body_memory_limit=256 * 1024)
    data = os.urandom(1024 * 1024 + 5)

    def stream():  # a generator makes requests send Transfer-Encoding: chunked
        for piece in _chunks(data, 100000):
            yield piece

    body = requests.post(sb.control_url + "/body-digest", data=stream(),
                         headers={"Content-Type": "application/octet-stream"}).json()
    assert body["size"] == len(data) and body["spooled"] is True
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
