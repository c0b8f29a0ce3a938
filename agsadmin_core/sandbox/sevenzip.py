"""A small 7-Zip reader: list an archive's entries and extract one, streamed, standard library only.

A service definition (``.sd``) is a 7-Zip archive with ``serviceconfiguration.json`` at its
root (admin-api-next.md section 11). This reader understands what the sandbox needs: the
signature header, plain and LZMA-encoded headers, folders of "Copy" (stored) entries
everywhere, and LZMA, LZMA2 and the BCJ/Delta filters in front of them where Python has
``lzma`` (3.3+). Anything else (PPMd, BZip2, Deflate, AES, or LZMA on 2.7) is refused with
:class:`Unsupported` naming the coder, never guessed. Entries are streamed: extracting one
holds a block, not the archive, in memory.

Format: 7zFormat.txt of the 7-Zip sources (signature header, property ids, NUMBER coding).
"""

from __future__ import absolute_import, unicode_literals

import struct
import zlib

try:  # Python 3.3+; absent on 2.7
    import lzma
except ImportError:  # pragma: no cover - exercised on 2.7
    lzma = None

SIGNATURE = b"7z\xbc\xaf\x27\x1c"
BLOCK = 256 * 1024
MAX_HEADER = 64 * 1024 * 1024  # a header beyond this is not an archive we should read

(K_END, K_HEADER, K_ARCHIVE_PROPERTIES, K_ADDITIONAL_STREAMS, K_MAIN_STREAMS, K_FILES_INFO,
 K_PACK_INFO, K_UNPACK_INFO, K_SUBSTREAMS_INFO, K_SIZE, K_CRC, K_FOLDER,
 K_CODERS_UNPACK_SIZE, K_NUM_UNPACK_STREAM, K_EMPTY_STREAM, K_EMPTY_FILE, K_ANTI, K_NAME,
 K_CTIME, K_ATIME, K_MTIME, K_WIN_ATTRIBUTES, K_COMMENT, K_ENCODED_HEADER, K_START_POS,
 K_DUMMY) = range(26)

COPY = b"\x00"
LZMA1 = b"\x03\x01\x01"
LZMA2 = b"\x21"
DELTA = b"\x03"
BCJ_X86 = b"\x03\x03\x01\x03"
_NAMES = {b"\x03\x04\x01": "PPMd", b"\x04\x01\x08": "Deflate", b"\x04\x02\x02": "BZip2",
          b"\x06\xf1\x07\x01": "AES-256 (encrypted)", b"\x04\x01\x09": "Deflate64"}


class BadArchive(ValueError):
    """The bytes are not a readable 7-Zip archive (wrong signature, truncated, bad CRC)."""


class Unsupported(BadArchive):
    """A valid archive that uses a coder this reader does not decode (named in the text)."""


class Entry(object):
    """One archive entry: ``name`` ('/'-separated), ``size``, ``is_dir``, and where its bytes
    are (``folder`` index and ``offset`` in that folder's unpacked stream; None when empty)."""

    def __init__(self, name, size, is_dir, folder, offset, crc):
        self.name = name
        self.size = size
        self.is_dir = is_dir
        self.folder = folder
        self.offset = offset
        self.crc = crc


class _Coder(object):
    def __init__(self, method, ins, outs, props):
        self.method = method
        self.ins = ins
        self.outs = outs
        self.props = props


class _Folder(object):
    def __init__(self):
        self.coders = []
        self.bind_pairs = []      # (in_index, out_index)
        self.packed = []          # in-stream indexes fed by pack streams
        self.unpack_sizes = []    # one per out stream
        self.crc = None
        self.first_pack = 0       # index of its first pack stream

    def size(self):
        bound = set(out for _, out in self.bind_pairs)
        for index, size in enumerate(self.unpack_sizes):
            if index not in bound:
                return size
        return self.unpack_sizes[-1] if self.unpack_sizes else 0


class _Streams(object):
    def __init__(self):
        self.pack_pos = 0
        self.pack_sizes = []
        self.folders = []
        self.substream_counts = []
        self.substream_sizes = []
        self.substream_crcs = []


class _Buffer(object):
    """Reads 7z's header encodings from bytes in memory (headers are small)."""

    def __init__(self, data):
        self.data = data
        self.pos = 0

    def byte(self):
        if self.pos >= len(self.data):
            raise BadArchive("the archive header is cut short")
        value = bytearray(self.data[self.pos:self.pos + 1])[0]
        self.pos += 1
        return value

    def take(self, count):
        if self.pos + count > len(self.data):
            raise BadArchive("the archive header is cut short")
        data = self.data[self.pos:self.pos + count]
        self.pos += count
        return data

    def number(self):
        first = self.byte()
        mask = 0x80
        value = 0
        for i in range(8):
            if not first & mask:
                return value | ((first & (mask - 1)) << (8 * i))
            value |= self.byte() << (8 * i)
            mask >>= 1
        return value

    def uint32(self):
        return struct.unpack("<I", self.take(4))[0]

    def bits(self, count):
        result = []
        value = mask = 0
        for _ in range(count):
            if mask == 0:
                value, mask = self.byte(), 0x80
            result.append(bool(value & mask))
            mask >>= 1
        return result

    def defined_bits(self, count):
        all_defined = self.byte()
        return [True] * count if all_defined else self.bits(count)

    def digests(self, count):
        defined = self.defined_bits(count)
        return [self.uint32() if d else None for d in defined]


class Archive(object):
    """An open 7-Zip archive: ``entries`` (list of :class:`Entry`), ``names()``, ``find(name)``,
    ``open_entry(entry)`` (an iterator of byte blocks) and ``read(name)`` (for small entries).

    Raises:
        BadArchive: not a 7-Zip archive, or a damaged one.
        Unsupported: a coder (or an LZMA-encoded header without ``lzma``) it cannot decode.
    """

    def __init__(self, path):
        # ``path`` is a file name, or a callable that opens the archive (a multi-part upload
        # is read as one file without being joined on disk).
        self.path = path
        self._open = path if callable(path) else (lambda: open(path, "rb"))
        with self._open() as handle:
            start = handle.read(32)
            if len(start) < 32 or start[:6] != SIGNATURE:
                raise BadArchive("it is not a 7-Zip archive (no 7z signature)")
            start_crc, next_offset, next_size, next_crc = struct.unpack("<IQQI", start[8:32])
            if zlib.crc32(start[12:32]) & 0xFFFFFFFF != start_crc:
                raise BadArchive("its 7z start header is damaged (CRC mismatch)")
            if next_size > MAX_HEADER:
                raise BadArchive("its 7z header is implausibly large")
            handle.seek(32 + next_offset)
            header = handle.read(next_size)
        if len(header) != next_size:
            raise BadArchive("the archive is cut short (its header is missing)")
        if zlib.crc32(header) & 0xFFFFFFFF != next_crc:
            raise BadArchive("its 7z header is damaged (CRC mismatch)")
        self.streams = _Streams()
        self.entries = []
        buf = _Buffer(header)
        kind = buf.byte()
        while kind == K_ENCODED_HEADER:
            streams = self._streams_info(buf)
            data = b"".join(self._folder_blocks(streams, 0))
            buf = _Buffer(data)
            kind = buf.byte()
        if kind != K_HEADER:
            raise BadArchive("its 7z header has an unknown layout")
        self._header(buf)

    # -- header parsing ------------------------------------------------------------------

    def _header(self, buf):
        kind = buf.byte()
        if kind == K_ARCHIVE_PROPERTIES:
            while True:
                prop = buf.byte()
                if prop == K_END:
                    break
                buf.take(buf.number())
            kind = buf.byte()
        if kind == K_ADDITIONAL_STREAMS:
            self._streams_info(buf)
            kind = buf.byte()
        if kind == K_MAIN_STREAMS:
            self.streams = self._streams_info(buf)
            kind = buf.byte()
        if kind == K_FILES_INFO:
            self._files_info(buf)
            kind = buf.byte()
        if kind != K_END:
            raise BadArchive("its 7z header has an unknown layout")

    def _streams_info(self, buf):
        streams = _Streams()
        kind = buf.byte()
        if kind == K_PACK_INFO:
            streams.pack_pos = buf.number()
            count = buf.number()
            kind = buf.byte()
            while kind != K_END:
                if kind == K_SIZE:
                    streams.pack_sizes = [buf.number() for _ in range(count)]
                elif kind == K_CRC:
                    buf.digests(count)
                else:
                    buf.take(buf.number())
                kind = buf.byte()
            kind = buf.byte()
        if kind == K_UNPACK_INFO:
            self._unpack_info(buf, streams)
            kind = buf.byte()
        streams.substream_counts = [1] * len(streams.folders)
        if kind == K_SUBSTREAMS_INFO:
            self._substreams_info(buf, streams)
            kind = buf.byte()
        else:
            streams.substream_sizes = [f.size() for f in streams.folders]
            streams.substream_crcs = [f.crc for f in streams.folders]
        if kind != K_END:
            raise BadArchive("its 7z stream information has an unknown layout")
        first = 0
        for folder in streams.folders:
            folder.first_pack = first
            first += len(folder.packed)
        return streams

    def _unpack_info(self, buf, streams):
        if buf.byte() != K_FOLDER:
            raise BadArchive("its 7z folder information has an unknown layout")
        count = buf.number()
        if buf.byte() != 0:
            raise Unsupported("it keeps its folder information outside the header")
        for _ in range(count):
            streams.folders.append(self._folder(buf))
        if buf.byte() != K_CODERS_UNPACK_SIZE:
            raise BadArchive("its 7z folder information has an unknown layout")
        for folder in streams.folders:
            outs = sum(c.outs for c in folder.coders)
            folder.unpack_sizes = [buf.number() for _ in range(outs)]
        kind = buf.byte()
        if kind == K_CRC:
            for folder, crc in zip(streams.folders, buf.digests(count)):
                folder.crc = crc
            kind = buf.byte()
        if kind != K_END:
            raise BadArchive("its 7z folder information has an unknown layout")

    def _folder(self, buf):
        folder = _Folder()
        ins = outs = 0
        for _ in range(buf.number()):
            flags = buf.byte()
            if flags & 0x80:
                raise Unsupported("it uses alternative coder methods")
            method = buf.take(flags & 0x0F)
            n_in, n_out = (buf.number(), buf.number()) if flags & 0x10 else (1, 1)
            props = buf.take(buf.number()) if flags & 0x20 else b""
            folder.coders.append(_Coder(method, n_in, n_out, props))
            ins += n_in
            outs += n_out
        folder.bind_pairs = [(buf.number(), buf.number()) for _ in range(outs - 1)]
        n_packed = ins - len(folder.bind_pairs)
        if n_packed == 1:
            bound_ins = set(i for i, _ in folder.bind_pairs)
            folder.packed = [i for i in range(ins) if i not in bound_ins][:1]
        else:
            folder.packed = [buf.number() for _ in range(n_packed)]
        return folder

    def _substreams_info(self, buf, streams):
        kind = buf.byte()
        if kind == K_NUM_UNPACK_STREAM:
            streams.substream_counts = [buf.number() for _ in streams.folders]
            kind = buf.byte()
        sizes = []
        for folder, count in zip(streams.folders, streams.substream_counts):
            if count == 0:
                continue
            these = []
            if kind == K_SIZE:
                these = [buf.number() for _ in range(count - 1)]
            these.append(folder.size() - sum(these))
            sizes.extend(these)
        if kind == K_SIZE:
            kind = buf.byte()
        crcs = []
        unknown = sum(c for f, c in zip(streams.folders, streams.substream_counts)
                      if not (c == 1 and f.crc is not None))
        digests = []
        while kind != K_END:
            if kind == K_CRC:
                digests = buf.digests(unknown)
            else:
                buf.take(buf.number())
            kind = buf.byte()
        digests = iter(digests)
        for folder, count in zip(streams.folders, streams.substream_counts):
            if count == 1 and folder.crc is not None:
                crcs.append(folder.crc)
            else:
                crcs.extend(next(digests, None) for _ in range(count))
        streams.substream_sizes = sizes
        streams.substream_crcs = crcs

    def _files_info(self, buf):
        count = buf.number()
        empty_stream = [False] * count
        empty_file = []
        names = []
        while True:
            kind = buf.byte()
            if kind == K_END:
                break
            size = buf.number()
            data = buf.take(size)
            prop = _Buffer(data)
            if kind == K_EMPTY_STREAM:
                empty_stream = prop.bits(count)
            elif kind == K_EMPTY_FILE:
                empty_file = prop.bits(sum(empty_stream))
            elif kind == K_NAME:
                if prop.byte() != 0:
                    raise Unsupported("it keeps its file names outside the header")
                text = data[1:].decode("utf-16-le")
                names = text.split("\x00")[:count]
        if len(names) != count:
            raise BadArchive("its 7z file names are missing")
        streams = self.streams
        # Walk the folders' substreams in order to place each non-empty entry.
        places = []
        index = 0
        for number, n_sub in enumerate(streams.substream_counts):
            offset = 0
            for _ in range(n_sub):
                size = streams.substream_sizes[index]
                places.append((number, offset, size, streams.substream_crcs[index]))
                offset += size
                index += 1
        places = iter(places)
        empties = iter(empty_file)
        for i, name in enumerate(names):
            name = name.replace("\\", "/")
            if empty_stream[i]:
                is_file = next(empties, False)
                self.entries.append(Entry(name, 0, not is_file, None, None, None))
            else:
                try:
                    folder, offset, size, crc = next(places)
                except StopIteration:
                    raise BadArchive("its 7z header lists more files than streams")
                self.entries.append(Entry(name, size, False, folder, offset, crc))

    # -- reading -------------------------------------------------------------------------

    def names(self):
        """Every entry name, in archive order."""
        return [e.name for e in self.entries]

    def find(self, name):
        """The entry called ``name`` (case-insensitive, '/' or '\\'), or None."""
        wanted = name.replace("\\", "/").lower()
        for entry in self.entries:
            if entry.name.lower() == wanted:
                return entry
        return None

    def open_entry(self, entry):
        """Iterate over the bytes of ``entry``, block by block (CRC checked at the end)."""
        if entry.folder is None:
            return
        skip = entry.offset
        left = entry.size
        crc = 0
        for block in self._folder_blocks(self.streams, entry.folder):
            if skip >= len(block):
                skip -= len(block)
                continue
            block = block[skip:skip + left]
            skip = 0
            left -= len(block)
            crc = zlib.crc32(block, crc)
            yield block
            if left <= 0:
                break
        if left > 0:
            raise BadArchive("the entry %s is cut short" % entry.name)
        if entry.crc is not None and crc & 0xFFFFFFFF != entry.crc:
            raise BadArchive("the entry %s is damaged (CRC mismatch)" % entry.name)

    def read(self, name, limit=16 * 1024 * 1024):
        """The bytes of the (small) entry ``name``; KeyError when absent."""
        entry = self.find(name)
        if entry is None:
            raise KeyError(name)
        if entry.size > limit:
            raise BadArchive("the entry %s is too large to read at once" % name)
        return b"".join(self.open_entry(entry))

    def _folder_blocks(self, streams, number):
        """The unpacked stream of folder ``number``, block by block."""
        folder = streams.folders[number]
        if len(folder.packed) != 1:
            raise Unsupported("it uses a multi-stream coder (e.g. BCJ2)")
        start = 32 + streams.pack_pos + sum(streams.pack_sizes[:folder.first_pack])
        packed_size = streams.pack_sizes[folder.first_pack]
        chain = _chain(folder)
        with self._open() as handle:
            handle.seek(start)
            raw = _read_range(handle, packed_size)
            if chain is None:
                for block in raw:
                    yield block
                return
            decoder = lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=chain)
            total = folder.size()
            produced = 0
            for block in raw:
                while block and produced < total:
                    out = decoder.decompress(block, BLOCK)
                    block = b""
                    produced += len(out)
                    if out:
                        yield out
                    while not decoder.needs_input and produced < total and not decoder.eof:
                        out = decoder.decompress(b"", BLOCK)
                        if not out:
                            break
                        produced += len(out)
                        yield out
            if produced < total:
                raise BadArchive("a compressed stream of the archive is cut short")


def _read_range(handle, size):
    while size > 0:
        block = handle.read(min(BLOCK, size))
        if not block:
            raise BadArchive("the archive is cut short")
        size -= len(block)
        yield block


def _chain(folder):
    """The ``lzma`` raw filter chain of a folder (outermost first), or None for Copy."""
    # Follow from the folder's unbound output down to the packed input.
    bound_outs = dict((out, i) for i, out in folder.bind_pairs)
    in_base, out_base = [], []
    ins = outs = 0
    for coder in folder.coders:
        in_base.append(ins)
        out_base.append(outs)
        ins += coder.ins
        outs += coder.outs
    out_index = next(i for i in range(outs) if i not in bound_outs)
    order = []
    while True:
        coder_index = max(i for i, base in enumerate(out_base) if base <= out_index)
        coder = folder.coders[coder_index]
        if coder.ins != 1 or coder.outs != 1:
            raise Unsupported("it uses a multi-stream coder (e.g. BCJ2)")
        order.append(coder)
        in_index = in_base[coder_index]
        next_out = [out for i, out in folder.bind_pairs if i == in_index]
        if not next_out:
            break
        out_index = next_out[0]
    if all(c.method == COPY for c in order):
        return None
    if lzma is None:
        raise Unsupported("it is compressed with %s, which needs Python's lzma module "
                          "(Python 3.3 or later); only stored entries can be read here"
                          % "+".join(_name(c.method) for c in order))
    return [_filter(c) for c in order if c.method != COPY]


def _name(method):
    return {COPY: "Copy", LZMA1: "LZMA", LZMA2: "LZMA2", DELTA: "Delta",
            BCJ_X86: "BCJ"}.get(method, _NAMES.get(method, "coder 0x%s" % _hex(method)))


def _hex(data):
    return "".join("%02x" % b for b in bytearray(data))


def _filter(coder):
    props = bytearray(coder.props)
    if coder.method == LZMA1:
        if len(props) < 5:
            raise BadArchive("its LZMA properties are damaged")
        d = props[0]
        lc, d = d % 9, d // 9
        lp, pb = d % 5, d // 5
        return {"id": lzma.FILTER_LZMA1, "dict_size": struct.unpack("<I", bytes(props[1:5]))[0],
                "lc": lc, "lp": lp, "pb": pb}
    if coder.method == LZMA2:
        p = props[0] if props else 0
        dict_size = 0xFFFFFFFF if p >= 40 else (2 | (p & 1)) << (p // 2 + 11)
        return {"id": lzma.FILTER_LZMA2, "dict_size": dict_size}
    if coder.method == BCJ_X86:
        return {"id": lzma.FILTER_X86}
    if coder.method == DELTA:
        return {"id": lzma.FILTER_DELTA, "dist": (props[0] + 1) if props else 1}
    raise Unsupported("it is compressed with %s, which this reader does not decode"
                      % _name(coder.method))
