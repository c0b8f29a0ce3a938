"""``server.uploads``: files sent to the site's upload store (``/admin/uploads``), streamed from
disk, in one request or in parts.

A service definition can be gigabytes. Both ways read the file block by block
(:class:`~agsadmin_core.transfer.MultipartBody`), so memory stays at one block whatever the
file's size. In parts (register, uploadPart x N, commit; admin-api-next.md 8.2) a dropped
part costs one part, not the whole file, and the token is checked (and renewed) before each
part, so a long upload outlives a token.
"""

import collections
import logging
import os
import time

from ._compat import monotonic
from .errors import AdminError, Cancelled, ConnectionFailed, InvalidInput, NotFound, \
    ServerError, TokenRejected
from .transfer import FilePart

log = logging.getLogger(__name__)

MB = 1024 * 1024
#: Files above this size go in parts by default.
CHUNK_THRESHOLD = 50 * MB
#: Default size of one part.
DEFAULT_PART_SIZE = 50 * MB
#: Tries in all for one part (a part sent again replaces the earlier copy).
PART_ATTEMPTS = 3
#: Seconds for one upload request; a part or a file of gigabytes takes minutes.
UPLOAD_TIMEOUT = 3600.0


class UploadItem(collections.namedtuple("UploadItem",
                                        "item_id name description committed date path_on_server")):
    """An item of the upload store: ``item_id`` (``i<guid>``), ``name``, ``description``,
    ``committed`` (False while parts are still coming), ``date`` (as the server gives it),
    ``path_on_server``."""

    __slots__ = ()

    @classmethod
    def from_json(cls, data):
        return cls(data.get("itemID"), data.get("itemName"), data.get("description"),
                   bool(data.get("committed", True)), data.get("date"),
                   data.get("pathOnServer"))


class Transferred(object):
    """Progress of an upload for a reporter: ``sent`` of ``total`` bytes, and the rate."""

    def __init__(self, total, report=None, every=0.25):
        self.total = total
        self.sent = 0
        self.started = monotonic()
        self._report = report
        self._every = every
        self._last = 0.0

    def rate(self):
        """Bytes per second so far."""
        elapsed = monotonic() - self.started
        return self.sent / elapsed if elapsed > 0 else 0.0

    def update(self, sent, force=False):
        self.sent = sent
        now = monotonic()
        if self._report is not None and (force or now - self._last >= self._every or
                                         sent >= self.total):
            self._last = now
            self._report(self)


class UploadsManager(object):
    """``server.uploads``: the site's upload store."""

    def __init__(self, session):
        self._session = session

    def upload(self, path, description=None, progress=None, cancelled=None):
        """Upload ``path`` in one request (``uploads/upload``) and return its
        :class:`UploadItem`.

        ``progress(sent, total)`` is called as bytes go out; ``cancelled()`` is asked as
        they go and stops the upload (raising :class:`~agsadmin_core.errors.Cancelled`).
        Not repeated after a dropped connection: a repeat could leave a second item.
        """
        size = _size(path)
        params = {"description": description} if description else {}
        body = self._session.call("uploads/upload", params, operation="upload",
                                  files={"itemFile": FilePart(path)},
                                  progress=_watch(progress, cancelled, 0, size),
                                  timeout=UPLOAD_TIMEOUT)
        return self._item_of(body)

    def upload_in_parts(self, path, part_size=DEFAULT_PART_SIZE, description=None,
                        progress=None, cancelled=None, attempts=PART_ATTEMPTS):
        """Upload ``path`` in parts of ``part_size`` bytes: register, uploadPart (in order,
        each streamed from its place in the file, a failed part sent again up to
        ``attempts`` times), commit. Returns the committed :class:`UploadItem`.

        On any failure or cancel the registered item is deleted before the error is raised,
        so nothing half-uploaded is left on the server.
        """
        size = _size(path)
        part_size = int(part_size)
        if part_size < 1:
            raise InvalidInput("The part size must be at least one byte.")
        params = {"itemName": os.path.basename(path)}
        if description:
            params["description"] = description
        item = self._item_of(self._session.call("uploads/register", params,
                                                operation="register"))
        try:
            numbers = []
            for number, offset in enumerate(range(0, max(size, 1), part_size), 1):
                length = min(part_size, size - offset)
                self._send_part(item.item_id, number, FilePart(path, offset=offset,
                                                               length=length),
                                _watch(progress, cancelled, offset, size), attempts)
                numbers.append(number)
            body = self._session.call("uploads/%s/commit" % item.item_id,
                                      {"parts": ",".join(str(n) for n in numbers)},
                                      operation="commit", timeout=UPLOAD_TIMEOUT)
        except BaseException:
            self._forget(item.item_id)
            raise
        return self._item_of(body) if body.get("item") else self.item(item.item_id)

    def _send_part(self, item_id, number, part, progress, attempts):
        for attempt in range(1, attempts + 1):
            try:
                self._session.call("uploads/%s/uploadPart" % item_id, {"partNumber": number},
                                   operation="uploadPart", files={"partFile": part},
                                   progress=progress, timeout=UPLOAD_TIMEOUT)
                return
            except (TokenRejected, NotFound, Cancelled):
                raise
            except (ConnectionFailed, ServerError) as exc:
                if attempt >= attempts:
                    raise
                log.info("part %d of %s failed (%s); sending it again", number, item_id, exc)
                time.sleep(min(0.5 * 2 ** (attempt - 1), 4.0))

    def _forget(self, item_id):
        try:
            self.delete(item_id)
        except AdminError as exc:   # the first error is the one worth raising
            log.warning("could not delete the unfinished upload %s: %s", item_id, exc)

    def items(self):
        """Every item of the upload store, as :class:`UploadItem` s."""
        body = self._session.call("uploads", operation="uploads", safe_to_repeat=True)
        return [UploadItem.from_json(i) for i in body.get("items", [])]

    def item(self, item_id):
        """One item. Raises NotFound when it does not exist (any more)."""
        body = self._session.call("uploads/%s" % item_id, operation="upload item",
                                  safe_to_repeat=True)
        return UploadItem.from_json(body.get("item", body))

    def delete(self, item_id):
        """Delete an item and its file."""
        self._session.call("uploads/%s/delete" % item_id, operation="delete upload",
                           safe_to_repeat=True)

    def service_configuration(self, item_id):
        """The ``serviceconfiguration.json`` inside an uploaded ``.sd``, as a dict (the
        whole document: ``folderName``, ``service`` with ``serviceName``, ``type``...)."""
        return self._session.call("uploads/%s/serviceconfiguration.json" % item_id,
                                  operation="read service configuration",
                                  safe_to_repeat=True)

    def _item_of(self, body):
        data = body.get("item")
        if not isinstance(data, dict) or not data.get("itemID"):
            raise ServerError("The server accepted the upload but named no item.",
                              operation="upload")
        return UploadItem.from_json(data)


def _size(path):
    if not os.path.isfile(path):
        raise InvalidInput("%s does not exist." % path, hint="Check the path of the file.")
    return os.path.getsize(path)


def _watch(progress, cancelled, offset, total):
    """A ``progress(sent, total)`` for one request's bytes that reports the whole file's and
    stops the request when ``cancelled()`` says so."""
    def on_bytes(sent, _part_total):
        if cancelled is not None and cancelled():
            raise Cancelled("The upload was cancelled; nothing was published.",
                            operation="upload")
        if progress is not None:
            progress(offset + sent, total)
    return on_bytes
