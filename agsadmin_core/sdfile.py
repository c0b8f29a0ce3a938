"""Checking a service definition (``.sd``) file before anything is sent: it exists, it is a
7-Zip archive, and it holds a ``serviceconfiguration.json`` at its root.

An ``.sd`` can be gigabytes, so only the archive's header is read: the 32-byte signature
header, then the header it points to at the end of the file (names, sizes), decoded with
``lzma`` when 7-Zip compressed it (as it does by default). On Python 2.7, which has no
``lzma``, a compressed header cannot be listed: the file is still checked as a 7-Zip
archive, and the server checks the rest. Format: 7zFormat.txt of the 7-Zip sources.
"""

import collections
import os
import struct
import zlib

from .errors import InvalidInput

try:
    import lzma
except ImportError:  # Python 2.7
    lzma = None

SIGNATURE = b"7z\xbc\xaf\x27\x1c"
CONFIG_NAME = "serviceconfiguration.json"
_MAX_HEADER = 64 * 1024 * 1024

_END, _HEADER, _ARCHIVE_PROPS, _ADDITIONAL, _MAIN, _FILES, _PACK, _UNPACK, _SUBSTREAMS, \
    _SIZE, _CRC, _FOLDER, _UNPACK_SIZE, _NUM_UNPACK, _EMPTY_STREAM = range(15)
_NAME = 0x11
_ENCODED = 0x17
_LZMA1, _LZMA2, _BCJ = b"\x03\x01\x01", b"\x21", b"\x03\x03\x01\x03"


class SdInfo(collections.namedtuple("SdInfo", "path size names")):
    """A checked ``.sd``: its ``path``, ``size`` in bytes, and the archive's entry ``names``
    (None when the header could not be listed, see the module notes)."""

    __slots__ = ()


def check_sd(path):
    """Check that ``path`` is a service definition and return its :class:`SdInfo`.

    Raises:
        InvalidInput: the file is missing, is not a 7-Zip archive, is damaged, or has no
            ``serviceconfiguration.json`` at its root.
    """
    if not os.path.isfile(path):
        raise InvalidInput("The service definition %s does not exist." % path,
                           hint="Check the path of the .sd file.")
    size = os.path.getsize(path)
    try:
        names = _names(path)
    except _Bad as exc:
        raise InvalidInput("%s is not a service definition: %s." % (path, exc),
                           hint="Give an .sd file made by ArcGIS (Share > Save As Service "
                                "Definition, or arcpy's StageService).")
    if names is not None and CONFIG_NAME not in [n.lower() for n in names]:
        raise InvalidInput("%s is not a service definition: the archive has no %s."
                           % (path, CONFIG_NAME),
                           hint="Give an .sd file made by ArcGIS (Share > Save As Service "
                                "Definition, or arcpy's StageService).")
    return SdInfo(path, size, names)


class _Bad(ValueError):
    pass


class _NoLzma(Exception):
    pass


def _names(path):
    with open(path, "rb") as handle:
        start = handle.read(32)
        if len(start) < 32 or start[:6] != SIGNATURE:
            raise _Bad("it is not a 7-Zip archive")
        start_crc, offset, size, crc = struct.unpack("<IQQI", start[8:32])
        if zlib.crc32(start[12:32]) & 0xFFFFFFFF != start_crc:
            raise _Bad("its 7-Zip start header is damaged")
        if size > _MAX_HEADER:
            raise _Bad("its 7-Zip header is implausibly large")
        handle.seek(32 + offset)
        header = handle.read(size)
        if len(header) != size:
            raise _Bad("the file is cut short (it may still be copying)")
        if zlib.crc32(header) & 0xFFFFFFFF != crc:
            raise _Bad("its 7-Zip header is damaged")
        buf = _Buffer(header)
        kind = buf.byte()
        try:
            while kind == _ENCODED:
                buf = _Buffer(_decode_header(handle, buf))
                kind = buf.byte()
        except _NoLzma:
            return None
    if kind != _HEADER:
        raise _Bad("its 7-Zip header has an unknown layout")
    return _header_names(buf)


def _decode_header(handle, buf):
    """The plain header that an encoded header describes (one folder, read from the file)."""
    pack_pos, pack_size, folders, sizes = _streams(buf)
    if len(folders) != 1:
        raise _Bad("its 7-Zip header has an unknown layout")
    if lzma is None:
        raise _NoLzma()
    filters = []
    for method, props in folders[0]:
        filters.append(_filter(method, bytearray(props)))
    handle.seek(32 + pack_pos)
    packed = handle.read(pack_size)
    if len(packed) != pack_size:
        raise _Bad("the file is cut short")
    try:
        data = lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=filters).decompress(packed)
    except lzma.LZMAError:
        raise _Bad("its 7-Zip header is damaged")
    return data[:sizes[0]]


def _filter(method, props):
    if method == _LZMA2:
        p = props[0] if props else 0
        return {"id": lzma.FILTER_LZMA2,
                "dict_size": 0xFFFFFFFF if p >= 40 else (2 | (p & 1)) << (p // 2 + 11)}
    if method == _LZMA1 and len(props) >= 5:
        d = props[0]
        return {"id": lzma.FILTER_LZMA1, "lc": d % 9, "lp": (d // 9) % 5, "pb": d // 45,
                "dict_size": struct.unpack("<I", bytes(props[1:5]))[0]}
    if method == _BCJ:
        return {"id": lzma.FILTER_X86}
    raise _Bad("its 7-Zip header uses a compression this check does not read")


def _header_names(buf):
    kind = buf.byte()
    if kind == _ARCHIVE_PROPS:
        while buf.byte() != _END:
            buf.take(buf.number())
        kind = buf.byte()
    for wanted in (_ADDITIONAL, _MAIN):
        if kind == wanted:
            _streams(buf)
            kind = buf.byte()
    if kind != _FILES:
        return []   # an empty archive
    count = buf.number()
    names = []
    while True:
        prop = buf.byte()
        if prop == _END:
            break
        data = buf.take(buf.number())
        if prop == _NAME:
            if data[:1] != b"\x00":
                raise _Bad("its file names are stored outside the header")
            names = data[1:].decode("utf-16-le").split(u"\x00")[:count]
    return [n.replace(u"\\", u"/") for n in names]


def _streams(buf):
    """Parse a StreamsInfo; return (pack position, first pack size, folders, unpack sizes)
    where each folder is a list of (method, properties) from the output side inward."""
    pack_pos = pack_size = 0
    folders, sizes, folder_crcs = [], [], []
    kind = buf.byte()
    if kind == _PACK:
        pack_pos = buf.number()
        count = buf.number()
        kind = buf.byte()
        while kind != _END:
            if kind == _SIZE:
                found = [buf.number() for _ in range(count)]
                pack_size = found[0] if found else 0
            elif kind == _CRC:
                _digests(buf, count)
            kind = buf.byte()
        kind = buf.byte()
    if kind == _UNPACK:
        if buf.byte() != _FOLDER:
            raise _Bad("its 7-Zip header has an unknown layout")
        count = buf.number()
        if buf.byte() != 0:
            raise _Bad("its 7-Zip header has an unknown layout")
        outs = []
        for _ in range(count):
            coders, n_out = _folder(buf)
            folders.append(coders)
            outs.append(n_out)
        if buf.byte() != _UNPACK_SIZE:
            raise _Bad("its 7-Zip header has an unknown layout")
        for n_out in outs:
            these = [buf.number() for _ in range(n_out)]
            sizes.append(these[0] if these else 0)
        kind = buf.byte()
        folder_crcs = [False] * count
        if kind == _CRC:
            folder_crcs = _digests(buf, count)
            kind = buf.byte()
        kind = buf.byte()
    if kind == _SUBSTREAMS:
        # Skipped field by field: it has no length prefix. Counts default to one per folder.
        counts = [1] * len(folders)
        kind = buf.byte()
        if kind == _NUM_UNPACK:
            counts = [buf.number() for _ in folders]
            kind = buf.byte()
        if kind == _SIZE:
            for n in counts:
                for _ in range(max(0, n - 1)):
                    buf.number()
            kind = buf.byte()
        while kind != _END:
            if kind == _CRC:
                # CRCs of the substreams that their folder's own CRC does not cover.
                _digests(buf, sum(n for n, has in zip(counts, folder_crcs)
                                  if not (n == 1 and has)))
            kind = buf.byte()
        kind = buf.byte()
    if kind != _END:
        raise _Bad("its 7-Zip header has an unknown layout")
    return pack_pos, pack_size, folders, sizes


def _folder(buf):
    coders = []
    ins = outs = 0
    for _ in range(buf.number()):
        flags = buf.byte()
        if flags & 0x80:
            raise _Bad("its 7-Zip header has an unknown layout")
        method = buf.take(flags & 0x0F)
        n_in, n_out = (buf.number(), buf.number()) if flags & 0x10 else (1, 1)
        props = buf.take(buf.number()) if flags & 0x20 else b""
        coders.append((method, props))
        ins += n_in
        outs += n_out
    for _ in range(outs - 1):
        buf.number()
        buf.number()
    if ins - (outs - 1) > 1:
        for _ in range(ins - (outs - 1)):
            buf.number()
    return coders, outs


def _digests(buf, count):
    defined = [True] * count if buf.byte() else _bits(buf, count)
    for flag in defined:
        if flag:
            buf.take(4)
    return defined


def _bits(buf, count):
    out = []
    value = mask = 0
    for _ in range(count):
        if not mask:
            value, mask = buf.byte(), 0x80
        out.append(bool(value & mask))
        mask >>= 1
    return out


class _Buffer(object):
    def __init__(self, data):
        self.data = bytearray(data)
        self.pos = 0

    def byte(self):
        if self.pos >= len(self.data):
            raise _Bad("its 7-Zip header is cut short")
        self.pos += 1
        return self.data[self.pos - 1]

    def take(self, count):
        if self.pos + count > len(self.data):
            raise _Bad("its 7-Zip header is cut short")
        self.pos += count
        return bytes(self.data[self.pos - count:self.pos])

    def number(self):
        first = self.byte()
        mask, value = 0x80, 0
        for i in range(8):
            if not first & mask:
                return value | ((first & (mask - 1)) << (8 * i))
            value |= self.byte() << (8 * i)
            mask >>= 1
        return value
