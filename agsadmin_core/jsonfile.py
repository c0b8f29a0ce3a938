"""Read and write the small JSON files AGSAdmin keeps: connection files and journals.

Both are read the same careful way (a missing, unreadable or foreign file is an
:class:`~agsadmin_core.errors.InvalidInput` that names the file) and written atomically.
"""

import json
import os

from ._compat import open_text, write_atomic
from .errors import InvalidInput


def read_format(path, file_format, what, hint=None):
    """Return the JSON object in ``path``, which must carry ``"format": file_format``.

    ``what`` names the kind of file in messages ("Connection file", "Journal").

    Raises:
        InvalidInput: the file is missing, unreadable, not JSON, or of another format.
    """
    if not path or not os.path.isfile(path):
        raise InvalidInput("%s '%s' does not exist." % (what, path), hint=hint)
    try:
        # utf-8-sig: a file saved by Notepad starts with a BOM, which json refuses.
        with open_text(path, encoding="utf-8-sig") as handle:
            data = json.load(handle)
    except (IOError, OSError, ValueError) as exc:
        raise InvalidInput("%s '%s' could not be read (%s)." % (what, path, type(exc).__name__),
                           hint=hint)
    if not isinstance(data, dict) or data.get("format") != file_format:
        raise InvalidInput("'%s' is not an AGSAdmin %s." % (path, what.lower()), hint=hint)
    return data


def write(path, data):
    """Write ``data`` as indented JSON, atomically (write, fsync, rename)."""
    write_atomic(path, json.dumps(data, indent=2, sort_keys=True) + "\n")
