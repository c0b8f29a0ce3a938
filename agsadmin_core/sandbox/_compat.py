"""Python 2/3 differences for the sandbox, kept in this one module (stdlib only)."""

from __future__ import absolute_import, unicode_literals

import sys

# The only version test in the sandbox: every other module imports names and
# behaviour helpers from here (style-anchors.md section 6, "one module owns the
# differences").
if sys.version_info[0] == 2:  # pragma: no cover - exercised on the py27 venv
    import BaseHTTPServer as _http_server
    import SocketServer as _socketserver
    from urllib import quote as _quote, unquote as _unquote_bytes
    from urlparse import parse_qsl as _parse_qsl, urlsplit

    text_type = unicode  # noqa: F821 - py2 builtin
    binary_type = str
    string_types = (str, unicode)  # noqa: F821
    integer_types = (int, long)  # noqa: F821

    def unquote_text(value):
        """Percent-decode ``value`` (UTF-8) and return text."""
        return _unquote_bytes(ensure_bytes(value)).decode("utf-8", "replace")

    def quote_text(value, safe="/"):
        """Percent-encode text ``value`` as UTF-8."""
        return _quote(ensure_bytes(value), safe=ensure_bytes(safe)).decode("ascii")

    def parse_qsl_text(raw):
        """Parse an urlencoded string or bytes into a list of (text, text)."""
        pairs = _parse_qsl(ensure_bytes(raw), keep_blank_values=True)
        return [(k.decode("utf-8", "replace"), v.decode("utf-8", "replace"))
                for k, v in pairs]

    def request_path_text(raw_path):
        """Return the request target as text (py2 gives the raw bytes)."""
        return ensure_text(raw_path)

else:
    import http.server as _http_server
    import socketserver as _socketserver
    from urllib.parse import parse_qsl as _parse_qsl, quote as _quote, unquote as _unquote, urlsplit

    text_type = str
    binary_type = bytes
    string_types = (str,)
    integer_types = (int,)

    def unquote_text(value):
        """Percent-decode ``value`` (UTF-8) and return text."""
        return _unquote(ensure_text(value), encoding="utf-8", errors="replace")

    def quote_text(value, safe="/"):
        """Percent-encode text ``value`` as UTF-8."""
        return _quote(ensure_text(value), safe=safe, encoding="utf-8")

    def parse_qsl_text(raw):
        """Parse an urlencoded string or bytes into a list of (text, text)."""
        return _parse_qsl(ensure_text(raw), keep_blank_values=True,
                          encoding="utf-8", errors="replace")

    def request_path_text(raw_path):
        """Return the request target as text.

        http.server decodes the request line as ISO-8859-1; undo that so raw
        UTF-8 bytes in a path survive.
        """
        try:
            return raw_path.encode("iso-8859-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return raw_path


HTTPServer = _http_server.HTTPServer
BaseHTTPRequestHandler = _http_server.BaseHTTPRequestHandler
ThreadingMixIn = _socketserver.ThreadingMixIn


def ensure_text(value, encoding="utf-8"):
    """Return ``value`` as text, decoding bytes as UTF-8."""
    if isinstance(value, binary_type):
        return value.decode(encoding, "replace")
    return text_type(value)


def ensure_bytes(value, encoding="utf-8"):
    """Return ``value`` as bytes, encoding text as UTF-8."""
    if isinstance(value, text_type):
        return value.encode(encoding)
    return value


def native_str(value):
    """Return ``value`` as the native ``str`` type (header names and values)."""
    if str is binary_type:  # py2
        return ensure_bytes(value)
    return ensure_text(value)


__all__ = [
    "BaseHTTPRequestHandler", "HTTPServer", "ThreadingMixIn", "binary_type",
    "ensure_bytes", "ensure_text", "integer_types", "native_str",
    "parse_qsl_text", "quote_text", "request_path_text", "string_types",
    "text_type", "unquote_text", "urlsplit",
]
