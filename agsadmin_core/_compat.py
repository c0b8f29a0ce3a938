"""The one place where Python 2.7 and Python 3 differ for the client side of agsadmin_core.

Other modules import names and helpers from here and never test the interpreter version
themselves (a test enforces that), so the differences stay in one small file.
"""

import codecs
import errno
import io
import os
import socket
import sys
import tempfile
import time

try:  # Python 3
    from urllib.parse import quote, urlsplit, urlunsplit
except ImportError:  # Python 2.7
    from urllib import quote as _quote_bytes
    from urlparse import urlsplit, urlunsplit  # noqa: F401

    def quote(text, safe="/"):
        """2.7's ``urllib.quote`` raises KeyError on non-ASCII unicode (``\u65e5``): quote
        its UTF-8 bytes, as Python 3 does, and give text back."""
        if isinstance(text, unicode):  # noqa: F821
            text = text.encode("utf-8")
        if isinstance(safe, unicode):  # noqa: F821 - bytes and text must not mix here
            safe = safe.encode("utf-8")
        return _quote_bytes(text, safe=safe).decode("ascii")

try:
    import queue
except ImportError:  # Python 2.7
    import Queue as queue  # noqa: F401

_PY2 = sys.version_info[0] == 2

if _PY2:  # pragma: no cover - exercised by the 2.7 CI leg
    text_type = unicode  # noqa: F821
    string_types = (str, unicode)  # noqa: F821
else:
    text_type = str
    string_types = (str,)

_StreamWriter = codecs.StreamWriter

#: A clock that never goes backwards, for deadlines and timings.
monotonic = getattr(time, "monotonic", time.time)


def to_text(value):
    """Return ``value`` as text (unicode on 2.7), decoding bytes as UTF-8."""
    if isinstance(value, bytes) and not isinstance(value, text_type):
        return value.decode("utf-8", "replace")
    if isinstance(value, text_type):
        return value
    return text_type(value)


def native_str(text):
    """``text`` as the interpreter's ``str``: UTF-8 bytes on 2.7 (for ``__str__``), else text.

    On 2.7 ``str(exc)`` must return bytes; returning non-ASCII unicode there raises
    UnicodeEncodeError, which is how ``Caf\u00e9`` used to crash a whole run.
    """
    text = to_text(text)
    return text.encode("utf-8") if _PY2 else text


def text_stream(stream):
    """``stream`` made safe for text with any character.

    On 2.7 a ``file`` (sys.stdout) takes bytes, and writing non-ASCII text to a pipe, whose
    encoding is None, raises UnicodeEncodeError: it is wrapped to encode in the terminal's
    encoding, or UTF-8 for a pipe. On 3, a stream whose encoding cannot hold a character (a
    C locale on 3.6) escapes it instead of failing.
    """
    if _PY2 and isinstance(stream, file):  # noqa: F821  pragma: no cover - 2.7 only
        import codecs
        return codecs.getwriter(stream.encoding or "utf-8")(stream, errors="replace")
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    if not encoding or encoding == "utf8":
        return stream
    reconfigure = getattr(stream, "reconfigure", None)   # 3.7 and later
    if reconfigure is not None:
        try:
            reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):
            pass
        return stream
    buffer = getattr(stream, "buffer", None)   # 3.6: a new wrapper over the same bytes
    if buffer is None:
        return stream
    stream.flush()
    return io.TextIOWrapper(buffer, encoding=stream.encoding, errors="backslashreplace",
                            line_buffering=True)


def argv_text(args):
    """Command line arguments as text. Python 2.7 hands them over as bytes: UTF-8 on Linux
    and macOS (even when the locale claims ASCII), the ANSI code page on Windows; UTF-8 is
    tried first because bytes of another encoding almost never decode as UTF-8."""
    encoding = sys.getfilesystemencoding() or "utf-8"
    found = []
    for arg in args:
        if isinstance(arg, text_type) and any(u"\udc80" <= c <= u"\udcff" for c in arg):
            # Python 3 in an ASCII locale (3.6 with LANG=C) keeps the bytes it could not
            # decode as surrogates: get those bytes back and read them as UTF-8.
            try:
                arg = arg.encode(encoding, "surrogateescape")
            except (UnicodeError, LookupError):
                pass
        if isinstance(arg, bytes) and not isinstance(arg, text_type):
            try:
                arg = arg.decode("utf-8")
            except UnicodeDecodeError:
                arg = arg.decode(encoding, "replace")
        found.append(arg)
    return found


def open_text(path, mode="r", encoding="utf-8"):
    """Open a UTF-8 text file the same way on both Pythons (``utf-8-sig`` drops a BOM)."""
    return io.open(path, mode, encoding=encoding)


def host_name():
    """This machine's name, as a lock file records it."""
    try:
        return to_text(socket.gethostname())
    except (OSError, socket.error):  # pragma: no cover - no name at all
        return "unknown"


def pid_alive(pid):
    """True when process ``pid`` exists on this machine (or when we cannot tell).

    POSIX: signal 0 probes without touching the process. Windows: ``os.kill`` would
    *terminate* it, so ask the kernel through ctypes instead.
    """
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    if os.name == "nt":  # pragma: no cover - Windows only
        return _pid_alive_windows(pid)
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno != errno.ESRCH  # EPERM: it exists, owned by someone else
    return True


def _pid_alive_windows(pid):  # pragma: no cover - Windows only
    import ctypes
    kernel32 = ctypes.windll.kernel32
    query_limited_information, still_active = 0x1000, 259
    handle = kernel32.OpenProcess(query_limited_information, False, pid)
    if not handle:
        return ctypes.GetLastError() == 5  # access denied: it exists
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == still_active
    finally:
        kernel32.CloseHandle(handle)


def replace_file(src, dst):
    """Atomically move ``src`` over ``dst``.

    Python 3 has ``os.replace``. On 2.7, ``os.rename`` replaces on POSIX but fails on Windows
    when ``dst`` exists, so there we remove the target first: the journal stays valid because
    the new content is complete and fsynced before the swap.
    """
    replace = getattr(os, "replace", None)
    if replace is not None:
        replace(src, dst)
        return
    if os.name == "nt" and os.path.exists(dst):  # pragma: no cover - Windows on 2.7 only
        os.remove(dst)
    os.rename(src, dst)


def write_atomic(path, text):
    """Write ``text`` to ``path`` so a reader sees the old file or the new one, never half.

    write to a temporary file in the same folder, flush, fsync, then rename over the target.
    """
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".part", dir=folder)
    try:
        with io.open(fd, "w", encoding="utf-8") as handle:
            handle.write(to_text(text))
            handle.flush()
            os.fsync(handle.fileno())
        replace_file(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def stdin_is_terminal():
    """True when a person can answer a prompt on standard input."""
    stream = sys.stdin
    try:
        return bool(stream) and stream.isatty()
    except (AttributeError, ValueError):
        return False


try:  # Python 2.7: input() evaluates what is typed; raw_input() reads a line
    read_line = raw_input  # noqa: F821
except NameError:
    read_line = input


class _TextSink(object):
    """A binary stream over a text stream (a ``StringIO`` standing in for stdout)."""

    def __init__(self, text_stream):
        self._text = text_stream

    def write(self, data):
        self._text.write(data.decode("utf-8"))

    def flush(self):
        flush = getattr(self._text, "flush", None)
        if flush is not None:
            flush()


def binary_out(stream):
    """A stream that takes UTF-8 bytes and writes them to ``stream`` (stdout).

    Python 3's ``sys.stdout`` has its ``buffer``; Python 2.7's is a byte stream already; a
    text stream (tests' ``StringIO``) gets the bytes decoded.
    """
    if isinstance(stream, _StreamWriter):
        stream = stream.stream   # text_stream's 2.7 wrapper: write under it
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        flush = getattr(stream, "flush", None)
        if flush is not None:
            flush()   # what the text layer holds goes out first
        return buffer
    if isinstance(stream, io.TextIOBase) or not _PY2:
        return _TextSink(stream)
    return stream
