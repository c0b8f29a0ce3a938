"""Request bodies: read in full (never truncated), spooled to a temporary file above a memory limit.

A body up to ``memory_limit`` bytes stays in memory; a larger one rolls over
to an anonymous temporary file (``tempfile.SpooledTemporaryFile``), so a
multi-GB upload costs disk, not memory. Multipart bodies are split by a
streaming parser: every part keeps its bytes in its own spooled file and is
handed to handlers as a ``Part`` (file-like access, ``save`` to a path).
"""

from __future__ import absolute_import, unicode_literals

import os
import shutil
import tempfile

from ._compat import ensure_bytes, ensure_text

MEMORY_LIMIT = 8 * 1024 * 1024  # above this a body (or a part) is spooled to disk
CHUNK = 64 * 1024
STREAM_CHUNK = 1024 * 1024   # multipart uploads are parsed from the socket in these pieces


def _spool(memory_limit):
    return tempfile.SpooledTemporaryFile(max_size=memory_limit)


class Body(object):
    """The bytes of one request body, in memory or in a temporary file."""

    def __init__(self, memory_limit=MEMORY_LIMIT):
        self.memory_limit = memory_limit
        self.file = _spool(memory_limit)
        self.size = 0

    def write(self, data):
        """Append bytes."""
        self.file.write(data)
        self.size += len(data)

    @property
    def spooled(self):
        """True once the body lives in a temporary file rather than in memory."""
        return self.size > self.memory_limit

    def read(self):
        """Every byte (use ``chunks`` for bodies that may be large)."""
        self.file.seek(0)
        return self.file.read()

    def chunks(self, size=CHUNK):
        """Iterate over the body in pieces of at most ``size`` bytes."""
        self.file.seek(0)
        while True:
            piece = self.file.read(size)
            if not piece:
                return
            yield piece

    def close(self):
        """Release memory or delete the temporary file."""
        self.file.close()


def read_body(rfile, headers, memory_limit=MEMORY_LIMIT):
    """Read the whole body (Content-Length or chunked) so keep-alive stays in step."""
    body = Body(memory_limit)
    if (headers.get("Transfer-Encoding") or "").lower() == "chunked":
        while True:
            size_line = rfile.readline(1024)
            try:
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
            except ValueError:
                size = 0
            if size == 0:
                while rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                break
            _copy(rfile, body, size)
            rfile.readline(1024)
        return body
    _copy(rfile, body, int(headers.get("Content-Length") or 0))
    return body


class ParsedBody(object):
    """A multipart body split into parts while it arrived (:func:`read_multipart`): the
    bytes live only in the parts' spooled files, never a second time as a whole body."""

    spooled = True

    def __init__(self, parts, size, memory_limit=MEMORY_LIMIT):
        self.parts = parts
        self.size = size
        self.memory_limit = memory_limit

    def read(self):
        return b""   # the whole body was not kept; read the parts

    def chunks(self, size=CHUNK):
        return iter(())

    def close(self):
        for part in self.parts:
            part.close()


def read_multipart(rfile, headers, boundary, memory_limit=MEMORY_LIMIT, file_dir=None):
    """Read a multipart body and split it into parts as it arrives (one pass to disk for a
    file part, instead of the body first and the part again). The whole body is consumed, so
    keep-alive stays in step. With ``file_dir``, file parts are written to named files there
    (:class:`FilePart`), which a handler may ``claim`` (rename) instead of copying."""
    count = [0]

    def pieces():
        if (headers.get("Transfer-Encoding") or "").lower() == "chunked":
            whole = read_body(rfile, headers, memory_limit)   # rare: the ordinary way
            try:
                for piece in whole.chunks(STREAM_CHUNK):
                    count[0] += len(piece)
                    yield piece
            finally:
                whole.close()
            return
        left = int(headers.get("Content-Length") or 0)
        while left > 0:
            piece = rfile.read(min(STREAM_CHUNK, left))
            if not piece:
                return   # the client went away; what arrived is all there is
            left -= len(piece)
            count[0] += len(piece)
            yield piece

    stream = pieces()
    parts = parse_multipart(stream, boundary, memory_limit, file_dir)
    for _ in stream:
        pass   # an epilogue after the closing delimiter
    return ParsedBody(parts, count[0], memory_limit)


def _copy(rfile, body, length):
    while length > 0:
        piece = rfile.read(min(CHUNK, length))
        if not piece:
            break  # the client went away; what arrived is all there is
        body.write(piece)
        length -= len(piece)


class Part(object):
    """One multipart part: its name, file name, type and bytes (a spooled file)."""

    def __init__(self, name, filename, content_type, memory_limit=MEMORY_LIMIT):
        self.name = name
        self.filename = filename  # None for a plain form field
        self.content_type = content_type
        self.file = _spool(memory_limit)
        self.size = 0

    def write(self, data):
        """Append bytes (the parser feeds the part piece by piece)."""
        self.file.write(data)
        self.size += len(data)

    def open(self):
        """The part's bytes as a file-like object positioned at the start."""
        self.file.seek(0)
        return self.file

    def read(self):
        """Every byte of the part."""
        return self.open().read()

    def save(self, path):
        """Stream the part to ``path`` (large uploads never pass through memory); return path."""
        with open(path, "wb") as out:
            shutil.copyfileobj(self.open(), out, CHUNK)
        return path

    def close(self):
        """Release memory or delete the temporary file."""
        self.file.close()


class FilePart(Part):
    """A file part written straight to a named file in ``folder``: ``claim(path)`` moves it to
    ``path`` (a rename, no copy); an unclaimed one is deleted on ``close``."""

    def __init__(self, name, filename, content_type, folder):
        self.name = name
        self.filename = filename
        self.content_type = content_type
        fd, self.path = tempfile.mkstemp(prefix=".part-", dir=folder)
        self.file = os.fdopen(fd, "w+b")
        self.size = 0
        self.claimed = False

    def claim(self, path):
        """Give the file the name ``path`` and stop managing it; return ``path``."""
        self.file.close()
        os.rename(self.path, path)
        self.claimed = True
        return path

    def close(self):
        if not self.file.closed:
            self.file.close()
        if not self.claimed and os.path.exists(self.path):
            os.remove(self.path)


def boundary_of(content_type):
    """The multipart boundary named in a Content-Type header, or None."""
    for piece in (content_type or "").split(";"):
        key, _, value = piece.strip().partition("=")
        if key.lower() == "boundary":
            return value.strip().strip('"')
    return None


def _disposition(head):
    name = filename = ctype = None
    for line in head.split(b"\r\n"):
        key, _, value = line.partition(b":")
        key = key.strip().lower()
        if key == b"content-disposition":
            for item in value.split(b";"):
                k, _, v = item.strip().partition(b"=")
                k = k.strip().lower()
                if k == b"name":
                    name = ensure_text(v.strip().strip(b'"'))
                elif k == b"filename":
                    filename = ensure_text(v.strip().strip(b'"'))
        elif key == b"content-type":
            ctype = ensure_text(value.strip())
    return name, filename, ctype


def parse_multipart(chunks, boundary, memory_limit=MEMORY_LIMIT, file_dir=None):
    """Split a multipart body given as an iterable of byte chunks into ``Part`` objects.

    Streaming: at most one chunk plus a delimiter is held in memory, whatever
    the size of a part. (The cgi module is gone in Python 3.13, hence this.)
    """
    delim = b"\r\n--" + ensure_bytes(boundary)
    source = iter(chunks)
    buf = b"\r\n"  # the first delimiter has no CRLF before it
    parts = []
    part = None
    state = "preamble"
    exhausted = False
    while True:
        if state == "preamble":
            i = buf.find(delim)
            if i >= 0:
                buf, state = buf[i + len(delim):], "after"
                continue
            buf = buf[-len(delim):]
        elif state == "after":
            if len(buf) >= 2:
                if buf.startswith(b"--"):
                    break  # closing delimiter
                buf, state = (buf[2:] if buf.startswith(b"\r\n") else buf), "head"
                continue
        elif state == "head":
            i = buf.find(b"\r\n\r\n")
            if i >= 0:
                name, filename, ctype = _disposition(buf[:i])
                part = FilePart(name, filename, ctype, file_dir) \
                    if file_dir and filename is not None else \
                    Part(name, filename, ctype, memory_limit)
                buf, state = buf[i + 4:], "content"
                continue
        elif state == "content":
            i = buf.find(delim)
            if i >= 0:
                part.write(buf[:i])
                parts.append(part)
                part, buf, state = None, buf[i + len(delim):], "after"
                continue
            keep = len(delim) - 1
            if len(buf) > keep:
                part.write(buf[:-keep])
                buf = buf[-keep:]
        if exhausted:
            break
        piece = next(source, None)
        if piece is None:
            exhausted = True
        elif state == "content" and len(buf) < len(delim) and len(piece) > len(delim) and \
                (buf + piece[:len(delim)]).find(delim) < 0 and piece.find(delim) < 0:
            # Fast path inside a large part: no delimiter in the tail and this piece, so
            # write them as they are (one copy of the piece, not three) and keep a new tail.
            keep = len(delim) - 1
            part.write(buf)
            part.write(piece[:-keep])
            buf = piece[-keep:]
        else:
            buf += piece
    if part is not None:  # a body cut short: keep what arrived
        part.write(buf)
        parts.append(part)
    return [p for p in parts if p.name is not None]
