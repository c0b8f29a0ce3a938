"""Build real service definition (.sd) files for tests: a small 7-Zip writer, and the 7-Zip
tools when the machine has one.

A ``.sd`` is a 7-Zip archive with ``serviceconfiguration.json`` at its root
(admin-api-next.md section 11). :func:`write_7z` writes the format itself (7zFormat.txt):
stored ("Copy") entries on every Python, LZMA2 (optionally with the BCJ x86 filter and an
LZMA-compressed header, as 7-Zip and py7zr write by default) where ``lzma`` exists.
It is independent of both readers under test (the sandbox's and the client's).
"""

import io
import json
import os
import shutil
import struct
import subprocess
import zlib

try:
    import lzma
except ImportError:  # Python 2.7
    lzma = None

SIGNATURE = b"7z\xbc\xaf\x27\x1c"


def service_config(name="Parcels", type_="MapServer", folder="", **service):
    """A ``serviceconfiguration.json`` document shaped like the ones real clients read."""
    svc = {"serviceName": name, "type": type_, "clusterName": "default",
           "description": "Published by a test", "capabilities": "Map,Query,Data",
           "properties": {"maxRecordCount": "1000"},
           "extensions": [{"typeName": "KmlServer", "enabled": "false", "properties": {}}]}
    svc.update(service)
    return {"folderName": folder, "service": svc, "type": "esriServiceDefinitionType_New"}


def sd_entries(config=None, extra=b"", name="Parcels"):
    """The entries of a realistic small SD (root config, item info, a map document)."""
    config = service_config(name=name) if config is None else config
    return [("serviceconfiguration.json", json.dumps(config).encode("utf-8")),
            ("manifest.xml", b"<SVCManifest><Databases/></SVCManifest>"),
            ("esriinfo/iteminfo.xml", b"<ESRI_ItemInformation><name>%s</name>"
                                      b"</ESRI_ItemInformation>" % name.encode("utf-8")),
            ("p30/%s.mapx" % name, b'{"type":"CIMMapDocument"}' + extra),
            ("esriinfo/thumbnail/", None)]


def make_sd(path, config=None, coder="copy", encode_header=False, extra=b"", entries=None,
            name="Parcels"):
    """Write a test ``.sd`` at ``path`` and return ``path``."""
    write_7z(path, entries if entries is not None else sd_entries(config, extra, name),
             coder=coder, encode_header=encode_header)
    return path


# -- the writer -----------------------------------------------------------------------------

def _number(value):
    """7z NUMBER encoding (7zFormat.txt)."""
    for extra in range(9):
        if extra == 8 or value < (1 << (7 * (extra + 1))):
            break
    if extra == 8:
        return b"\xff" + struct.pack("<Q", value)
    high = value >> (8 * extra)
    first = (0xFF00 >> extra) & 0xFF | high
    return bytes(bytearray([first])) + struct.pack("<Q", value)[:extra]


def _bits(flags):
    out = bytearray()
    for i in range(0, len(flags), 8):
        byte = 0
        for j, flag in enumerate(flags[i:i + 8]):
            if flag:
                byte |= 0x80 >> j
        out.append(byte)
    return bytes(out)


def _crc(data):
    return zlib.crc32(data) & 0xFFFFFFFF


def _lzma2_props(dict_size):
    for p in range(40):
        if ((2 | (p & 1)) << (p // 2 + 11)) >= dict_size:
            return p
    return 40


def _coders(coder):
    """(folder coder description bytes, lzma filter chain or None) for ``coder``."""
    dict_size = 1 << 20
    if coder == "copy":
        return b"\x01" + b"\x01\x00", None
    if lzma is None:
        raise RuntimeError("writing %s needs Python's lzma module" % coder)
    lz2 = b"\x21\x21\x01" + bytes(bytearray([_lzma2_props(dict_size)]))
    chain = [{"id": lzma.FILTER_LZMA2, "dict_size": dict_size, "preset": 6}]
    if coder == "lzma2":
        return b"\x01" + lz2, chain
    if coder == "bcj+lzma2":
        # Two coders: BCJ (output side) bound to LZMA2 (reads the pack stream).
        bcj = b"\x04\x03\x03\x01\x03"
        return b"\x02" + bcj + lz2 + _number(0) + _number(1), [{"id": lzma.FILTER_X86}] + chain
    raise ValueError(coder)


def _streams_info(pack_pos, packed_size, coder_bytes, unpack_sizes, folder_crc=None,
                  sub_sizes=None, sub_crcs=None):
    out = io.BytesIO()
    out.write(b"\x06" + _number(pack_pos) + _number(1) + b"\x09" + _number(packed_size) + b"\x00")
    out.write(b"\x07\x0b" + _number(1) + b"\x00" + coder_bytes + b"\x0c")
    for size in unpack_sizes:
        out.write(_number(size))
    if folder_crc is not None:
        out.write(b"\x0a\x01" + struct.pack("<I", folder_crc))
    out.write(b"\x00")
    if sub_sizes is not None:
        out.write(b"\x08\x0d" + _number(len(sub_sizes)))
        if len(sub_sizes) > 1:
            out.write(b"\x09")
            for size in sub_sizes[:-1]:
                out.write(_number(size))
        out.write(b"\x0a\x01")
        for crc in sub_crcs:
            out.write(struct.pack("<I", crc))
        out.write(b"\x00")
    out.write(b"\x00")
    return out.getvalue()


def write_7z(path, entries, coder="copy", encode_header=False):
    """Write ``entries`` (``(name, bytes)``; ``bytes`` None for a folder) as one solid folder."""
    files = [(n, d) for n, d in entries if d]
    data = b"".join(d for _, d in files)
    coder_bytes, chain = _coders(coder)
    packed = data if chain is None else lzma.compress(data, lzma.FORMAT_RAW, filters=chain)
    n_outs = 2 if coder == "bcj+lzma2" else 1
    header = io.BytesIO()
    header.write(b"\x01")
    if files:
        header.write(b"\x04" + _streams_info(0, len(packed), coder_bytes, [len(data)] * n_outs,
                                             sub_sizes=[len(d) for _, d in files],
                                             sub_crcs=[_crc(d) for _, d in files]))
    header.write(b"\x05" + _number(len(entries)))
    empty = [not d for _, d in entries]
    if any(empty):
        flags = _bits(empty)
        header.write(b"\x0e" + _number(len(flags)) + flags)
        empty_files = _bits([d is not None for _, d in entries if not d])
        header.write(b"\x0f" + _number(len(empty_files)) + empty_files)
    names = b"\x00" + b"".join((n.rstrip("/") + "\x00").encode("utf-16-le") for n, _ in entries)
    header.write(b"\x11" + _number(len(names)) + names)
    header.write(b"\x00\x00")
    header = header.getvalue()
    body = packed
    if encode_header:
        if lzma is None:
            raise RuntimeError("an encoded header needs Python's lzma module")
        h_coder, h_chain = _coders("lzma2")
        h_packed = lzma.compress(header, lzma.FORMAT_RAW, filters=h_chain)
        header = b"\x17" + _streams_info(len(packed), len(h_packed), h_coder, [len(header)],
                                         folder_crc=_crc(header))
        body = packed + h_packed
    start = struct.pack("<QQI", len(body), len(header), _crc(header))
    with open(path, "wb") as out:
        out.write(SIGNATURE + b"\x00\x04" + struct.pack("<I", _crc(start)) + start)
        out.write(body)
        out.write(header)
    return path


# -- real tools -----------------------------------------------------------------------------

def seven_zip_tool():
    """The path of an installed 7-Zip command (7z, 7za, 7zr, 7zz), or None."""
    for name in ("7z", "7za", "7zr", "7zz"):
        found = shutil.which(name) if hasattr(shutil, "which") else None
        if found:
            return found
    return None


def make_sd_with_tool(path, workdir, config=None, name="Parcels", switches=()):
    """Write a test ``.sd`` with the real 7-Zip tool (from a folder of the usual entries)."""
    tool = seven_zip_tool()
    source = os.path.join(workdir, "sd-source")
    os.makedirs(source)
    for entry, data in sd_entries(config, name=name):
        target = os.path.join(source, *entry.rstrip("/").split("/"))
        if data is None:
            os.makedirs(target)
            continue
        if not os.path.isdir(os.path.dirname(target)):
            os.makedirs(os.path.dirname(target))
        with open(target, "wb") as out:
            out.write(data)
    if os.path.exists(path):
        os.remove(path)
    subprocess.check_call([tool, "a", "-t7z", "-bd", "-y"] + list(switches) +
                          [os.path.abspath(path), "."], cwd=source,
                          stdout=subprocess.DEVNULL if hasattr(subprocess, "DEVNULL") else None)
    return path
