"""The uploads area: uploaded items streamed to disk, and the service configuration of an ``.sd``.

State and rules only, no HTTP.

Sections refer to ``/work/shared/reference/admin-api-next.md`` (8: uploads, 9:
``serviceconfiguration.json``, 11: what an ``.sd`` is). Item files live in a temporary
``arcgisuploads`` folder of the site; bodies reach the model as file-like parts (the HTTP
layer spools them to disk), so a multi-GB upload never sits in memory here either.
"""

from __future__ import absolute_import, unicode_literals

import json
import os
import shutil
import tempfile
from collections import OrderedDict

from .. import envelopes as errors
from .. import sevenzip

# Server default of the uploadFileExtensionWhitelist property (-next 8.1).
DEFAULT_WHITELIST = ("soe", "sd", "sde", "odc", "csv", "txt", "zshp", "kmz")
CONFIG_NAME = "serviceconfiguration.json"
_COPY_BLOCK = 256 * 1024


class UploadNotAllowed(errors.AdminError):
    """An item whose extension is not in the whitelist.

    assumption: the text and code of this refusal were never recorded (-next 12.1).
    """

    code = 500

    def __init__(self, name, whitelist):
        super(UploadNotAllowed, self).__init__(
            "Uploading '%s' failed. The file extension is not allowed. Allowed file "
            "extensions: %s." % (name, ", ".join(whitelist)))


class UploadRefused(errors.AdminError):
    """Other refusals of the uploads area (wrong state, bad part number, not an .sd).

    assumption: texts unrecorded (-next 12.1); worded like the recorded admin errors.
    """

    code = 500


class Item(object):
    """One uploaded item (-next 8.1 fields); ``path`` is its file once committed."""

    def __init__(self, item_id, name, description, folder, now_ms, committed):
        self.item_id = item_id
        self.name = name
        self.description = description
        self.folder = folder        # the item's own folder under arcgisuploads
        self.date = now_ms
        self.committed = committed
        self.parts = {}             # part number -> file path
        self.path = os.path.join(folder, name)
        # A committed item of several parts stays in its part files, read as one (no copy
        # of gigabytes at commit): the files in order, else just ``path``.
        self.pieces = [self.path]
        self.service_name = ""

    @property
    def size(self):
        if not self.committed:
            return 0
        return sum(os.path.getsize(p) for p in self.pieces if os.path.exists(p))

    def open(self):
        """The committed item's bytes as one seekable binary file."""
        if len(self.pieces) == 1:
            return open(self.pieces[0], "rb")
        return JoinedFile(self.pieces)

    def to_json(self):
        # pathOnServer: assumption, a Linux-style path like the seed's other server paths.
        return OrderedDict([("itemID", self.item_id), ("itemName", self.name),
                            ("description", self.description),
                            ("pathOnServer", "/arcgis/server/usr/directories/arcgissystem/"
                                             "arcgisuploads/" + self.item_id),
                            ("date", self.date), ("committed", self.committed),
                            ("serviceName", self.service_name),
                            ("contentType", "application/octet-stream" if self.committed else "")])


class UploadsArea(object):
    """Uploaded items of one site (the ``uploads`` area, ``site.uploads``).

    Attributes:
        whitelist: the allowed extensions (``uploadFileExtensionWhitelist``).
        committed_bytes: bytes written to item files since the last reset (benchmarks read it).
    """

    area = "uploads"

    def __init__(self, site):
        self.site = site
        self._lock = site.lock
        self.whitelist = list(DEFAULT_WHITELIST)
        self.items = OrderedDict()
        self.root = None
        self.committed_bytes = 0

    # -- lifecycle -------------------------------------------------------------------------

    def populate(self):
        """Forget every item and its files (a reset starts with an empty upload folder)."""
        with self._lock:
            self._remove_root()
            self.root = tempfile.mkdtemp(prefix="agsadmin-sandbox-uploads-")
            self.items = OrderedDict()
            self.whitelist = list(DEFAULT_WHITELIST)
            self.committed_bytes = 0

    def _remove_root(self):
        if self.root and os.path.isdir(self.root):
            shutil.rmtree(self.root, True)

    def close(self):
        """Delete the upload folder (the sandbox stops)."""
        self._remove_root()

    def snapshot(self):
        with self._lock:
            return OrderedDict([("uploads", [i.to_json() for i in self.items.values()])])

    # -- rules -----------------------------------------------------------------------------

    def _new_item(self, name, description, committed):
        if not name:
            raise errors.MissingParameter("itemName")
        name = os.path.basename(name.replace("\\", "/"))
        extension = name.rpartition(".")[2].lower() if "." in name else ""
        if extension not in [e.lower() for e in self.whitelist]:
            raise UploadNotAllowed(name, self.whitelist)
        digits = "%032x" % self.site.random.getrandbits(128)
        item_id = "i%s-%s-4%s-a%s-%s" % (digits[:8], digits[8:12], digits[13:16], digits[17:20],
                                         digits[20:])   # "i" + a lower-case uuid4 (-next 8.2)
        folder = os.path.join(self.root, item_id)
        os.makedirs(folder)
        item = Item(item_id, name, description or None, folder,
                    int(self.site.now() * 1000), committed)
        return item

    def get(self, item_id):
        """The item ``item_id``; the 404 envelope naming it when unknown."""
        with self._lock:
            item = self.items.get(item_id) or self.items.get((item_id or "").lower())
        if item is None:
            raise errors.NotFound(item_id)
        return item

    def upload(self, part, description=None):
        """``uploads/upload``: one request, the whole file in ``part`` (a file-like part with
        ``filename`` and ``save(path)``)."""
        if part is None or not part.filename:
            raise errors.MissingParameter("itemFile")
        with self._lock:
            item = self._new_item(part.filename, description, True)
        _take(part, item.path)   # outside the lock: a large copy must not stop the site
        with self._lock:
            self.committed_bytes += item.size
            self.items[item.item_id] = item
        return OrderedDict([("status", "success"), ("item", item.to_json())])

    def register(self, item_name, description=None):
        """``uploads/register``: an uncommitted item that parts are uploaded to."""
        with self._lock:
            item = self._new_item(item_name, description, False)
            self.items[item.item_id] = item
        return OrderedDict([("status", "success"), ("item", item.to_json())])

    def upload_part(self, item_id, part_number, part):
        """``uploads/<id>/uploadPart``: ``partNumber`` and the ``partFile`` part."""
        item = self.get(item_id)
        if part is None:
            raise errors.MissingParameter("partFile")
        if part_number in (None, ""):
            raise errors.MissingParameter("partNumber")
        try:
            number = int(part_number)
        except ValueError:
            raise errors.InvalidParameter("partNumber", "The value is not an integer.")
        if number < 1:
            raise errors.InvalidParameter("partNumber", "Part numbers start at 1.")
        if item.committed:
            raise UploadRefused("The item '%s' is already committed; no more parts can be "
                                "uploaded." % item.item_id)
        path = os.path.join(item.folder, "part-%06d" % number)
        _take(part, path + ".tmp")
        if os.path.exists(path):
            os.remove(path)   # a part sent again (a retry) replaces the earlier copy
        os.rename(path + ".tmp", path)
        with self._lock:
            item.parts[number] = path
        return OrderedDict([("status", "success")])

    def parts(self, item_id):
        """``uploads/<id>/parts``: the part numbers received, ascending."""
        item = self.get(item_id)
        return OrderedDict([("parts", sorted(item.parts))])

    def commit(self, item_id, parts=None):
        """``uploads/<id>/commit``: join the parts in the order ``parts`` gives (a comma list
        or a JSON array, -next 8.2), else ascending; the item becomes committed."""
        item = self.get(item_id)
        if item.committed:
            raise UploadRefused("The item '%s' is already committed." % item.item_id)
        order = _part_order(parts) if parts not in (None, "") else sorted(item.parts)
        missing = [n for n in order if n not in item.parts]
        if missing or not order:
            # assumption: unrecorded text (-next 12.1).
            raise UploadRefused("Committing the item '%s' failed. Missing parts: %s."
                                % (item.item_id, ", ".join(str(n) for n in missing) or "all"))
        pieces = [item.parts[n] for n in order]
        for path in set(item.parts.values()) - set(pieces):
            os.remove(path)   # received but left out of ``parts``
        if len(pieces) == 1:
            os.rename(pieces[0], item.path)
            pieces = [item.path]
        with self._lock:
            item.parts = {}
            item.pieces = pieces
            item.committed = True
            self.committed_bytes += item.size
        return OrderedDict([("status", "success"), ("item", item.to_json())])

    def item(self, item_id):
        """``uploads/<id>``: the item object, no wrapper (-next 8.2)."""
        return self.get(item_id).to_json()

    def list(self):
        """``uploads``: every item."""
        with self._lock:
            return OrderedDict([("items", [i.to_json() for i in self.items.values()])])

    def delete(self, item_id):
        """``uploads/<id>/delete``: the item and its file are gone; later calls answer 404."""
        item = self.get(item_id)
        with self._lock:
            self.items.pop(item.item_id, None)
        shutil.rmtree(item.folder, True)
        return OrderedDict([("status", "success")])

    def consume(self, item_id):
        """Remove an item a publishing job used, quietly when it is already gone.

        The doc says "the service definition file is deleted from the server" (-next 10.4).
        """
        with self._lock:
            item = self.items.pop(item_id, None)
        if item is not None:
            shutil.rmtree(item.folder, True)

    def service_configuration(self, item_id):
        """``uploads/<id>/serviceconfiguration.json``: the document inside a committed ``.sd``.

        Raises the 404 envelope for an unknown item and an error envelope for an item that is
        not a committed ``.sd`` or not a readable archive (assumption: texts unrecorded).
        """
        item = self.get(item_id)
        if not item.committed:
            raise UploadRefused("The item '%s' is not committed." % item.item_id)
        if not item.name.lower().endswith(".sd"):
            raise UploadRefused("The item '%s' is not a service definition (.sd) file."
                                % item.item_id)
        return read_service_configuration(item.open, item.name)


def read_service_configuration(opener, name):
    """The parsed ``serviceconfiguration.json`` of the ``.sd`` that ``opener()`` opens.

    Raises ``UploadRefused`` naming what is wrong (not 7-Zip, no configuration, a coder
    this Python cannot decode, not JSON).
    """
    try:
        archive = sevenzip.Archive(opener)
        data = archive.read(CONFIG_NAME)
    except KeyError:
        raise UploadRefused("The service definition '%s' has no %s." % (name, CONFIG_NAME))
    except sevenzip.BadArchive as exc:
        raise UploadRefused("The service definition '%s' cannot be read: %s." % (name, exc))
    try:
        config = json.loads(data.decode("utf-8-sig"))
    except ValueError:
        raise UploadRefused("The %s of '%s' is not valid JSON." % (CONFIG_NAME, name))
    if not isinstance(config, dict) or not isinstance(config.get("service"), dict):
        raise UploadRefused("The %s of '%s' has no service." % (CONFIG_NAME, name))
    return config


def _take(part, path):
    """Give the part's bytes the name ``path``: a rename when the part was written to a file
    of the uploads folder as it arrived (``bodies.FilePart``), else a copy."""
    if hasattr(part, "claim"):
        part.claim(path)
    else:
        part.save(path)


class JoinedFile(object):
    """Files read one after the other as one seekable binary file (a multi-part item)."""

    def __init__(self, paths):
        self.sizes = [os.path.getsize(p) for p in paths]
        self.paths = list(paths)
        self.size = sum(self.sizes)
        self.pos = 0
        self._index = None
        self._handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def seek(self, offset, whence=0):
        base = {0: 0, 1: self.pos, 2: self.size}[whence]
        self.pos = max(0, base + offset)
        return self.pos

    def tell(self):
        return self.pos

    def read(self, size=-1):
        left = self.size - self.pos if size is None or size < 0 else size
        out = []
        while left > 0 and self.pos < self.size:
            start = 0
            for index, length in enumerate(self.sizes):
                if self.pos < start + length:
                    break
                start += length
            if self._index != index:
                self.close()
                self._handle, self._index = open(self.paths[index], "rb"), index
            self._handle.seek(self.pos - start)
            block = self._handle.read(min(left, start + length - self.pos))
            if not block:
                break
            out.append(block)
            self.pos += len(block)
            left -= len(block)
        return b"".join(out)

    def close(self):
        if self._handle is not None:
            self._handle.close()
        self._handle = self._index = None


def _part_order(parts):
    text = parts.strip()
    try:
        value = json.loads(text) if text.startswith("[") else [p for p in text.split(",")
                                                             if p.strip()]
        return [int(p) for p in value]
    except (TypeError, ValueError):
        raise errors.InvalidParameter("parts", "Expected part numbers, e.g. 1,2,3.")

