"""Files over HTTP without holding them in memory: multipart bodies streamed from disk, and
downloads streamed to a temporary file that takes its final name only when complete.

``requests`` builds a multipart body in memory (``files=``) and has no atomic download, and
an ``.sd`` or a site backup can be several GB. These two small pieces are used by the
session's single send path (:meth:`AdminSession.call` with ``files=`` or ``download_to=``).
"""

import collections
import os
import tempfile
import uuid

from ._compat import replace_file, to_text

#: Bytes read from disk or the network at a time: memory per transfer stays at this.
BLOCK = 256 * 1024


class FilePart(collections.namedtuple("FilePart",
                                      "path filename offset length content_type")):
    """A file (or the slice ``offset``..``offset+length`` of one) sent as a multipart part.

    ``filename`` defaults to the file's own name; ``length`` None means to the end.
    """

    __slots__ = ()

    def __new__(cls, path, filename=None, offset=0, length=None,
                content_type="application/octet-stream"):
        if length is None:
            length = os.path.getsize(path) - offset
        return super(FilePart, cls).__new__(cls, path, filename or os.path.basename(path),
                                            int(offset), int(length), content_type)


class MultipartBody(object):
    """A ``multipart/form-data`` body that reads its file parts from disk block by block.

    ``requests`` sends an object with ``read`` and ``len`` as a streamed body with a
    Content-Length, so the server sees an ordinary (not chunked) upload. A new body is made
    for each attempt, so a retried request starts from the first byte.

    Args:
        fields: ``{name: text}`` form fields (the token among them: it stays in the body).
        files: ``{name: FilePart}``.
        progress: ``progress(sent, total)``, called as file bytes are read.
    """

    def __init__(self, fields, files, progress=None):
        self.boundary = "agsadmin-%s" % uuid.uuid4().hex
        self.content_type = "multipart/form-data; boundary=%s" % self.boundary
        self._progress = progress
        self._pieces = []   # bytes, or FilePart to stream
        for name, value in sorted(fields.items()):
            self._pieces.append(self._head(name) + b"\r\n\r\n" +
                                to_text(value).encode("utf-8") + b"\r\n")
        for name, part in sorted(files.items()):
            head = self._head(name) + ('; filename="%s"\r\nContent-Type: %s\r\n\r\n'
                                       % (_quoted(part.filename), part.content_type)
                                       ).encode("utf-8")
            self._pieces.extend([head, part, b"\r\n"])
        self._pieces.append(("--%s--\r\n" % self.boundary).encode("ascii"))
        self.len = sum(len(p) if isinstance(p, bytes) else p.length for p in self._pieces)
        self.file_bytes = sum(p.length for p in self._pieces if isinstance(p, FilePart))
        self._sent_file_bytes = 0
        self._index = 0
        self._handle = None
        self._left = None
        self._position = 0

    def _head(self, name):
        return ('--%s\r\nContent-Disposition: form-data; name="%s"'
                % (self.boundary, _quoted(name))).encode("utf-8")

    def __len__(self):
        return self.len

    def tell(self):
        return self._position

    def read(self, size=-1):
        """The next bytes of the body, at most ``size`` (and at most one block)."""
        size = BLOCK if size is None or size < 0 else min(size, BLOCK)
        while self._index < len(self._pieces):
            piece = self._pieces[self._index]
            if isinstance(piece, bytes):
                self._index += 1
                self._position += len(piece)
                return piece
            if self._handle is None:
                self._handle = open(piece.path, "rb")
                self._handle.seek(piece.offset)
                self._left = piece.length
            data = self._handle.read(min(size, self._left)) if self._left else b""
            if not data:
                self._handle.close()
                self._handle = None
                if self._left:
                    raise IOError("%s became shorter while it was being sent" % piece.path)
                self._index += 1
                continue
            self._left -= len(data)
            self._position += len(data)
            self._sent_file_bytes += len(data)
            if self._progress is not None:
                self._progress(self._sent_file_bytes, self.file_bytes)
            return data
        return b""

    def close(self):
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def _quoted(text):
    return to_text(text).replace('"', "%22").replace("\r", " ").replace("\n", " ")


class Download(collections.namedtuple("Download", "path size")):
    """A completed download: the final ``path`` and its ``size`` in bytes."""

    __slots__ = ()


def save_stream(response, dest, check=None, progress=None):
    """Write a streamed ``requests`` response to ``dest``, atomically.

    The bytes go to a temporary file beside ``dest``; it is checked (the size the server
    announced, then ``check(path)``, which raises to refuse it) and only then renamed to
    ``dest``. On any failure the temporary file is removed, so ``dest`` is either the whole
    file or untouched.

    Raises:
        IncompleteDownload: fewer (or more) bytes than the server announced.
        whatever ``check`` or the connection raise.
    """
    folder = os.path.dirname(os.path.abspath(dest))
    expected = response.headers.get("Content-Length")
    expected = int(expected) if expected and expected.isdigit() else None
    fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(dest), suffix=".part",
                               dir=folder)
    size = 0
    try:
        with os.fdopen(fd, "wb") as handle:
            for block in response.iter_content(BLOCK):
                handle.write(block)
                size += len(block)
                if progress is not None:
                    progress(size, expected)
            handle.flush()
            os.fsync(handle.fileno())
        if expected is not None and size != expected:
            raise IncompleteDownload(size, expected)
        if check is not None:
            check(tmp)
        replace_file(tmp, dest)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    finally:
        response.close()
    return Download(dest, size)


class IncompleteDownload(IOError):
    """The connection ended before (or after) the announced number of bytes."""

    def __init__(self, size, expected):
        IOError.__init__(self, "received %d of %d bytes" % (size, expected))
        self.size = size
        self.expected = expected
