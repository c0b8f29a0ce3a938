"""Service names (``Folder/Name.Type``) and the patterns and list files that select services.

Rules an administrator can predict:

- ``Maps/Parcels.MapServer`` names one service; ``Parcels.MapServer`` (or ``/Parcels...``) a
  root one. Without a type (``Maps/Parcels``) it names that service whatever its type.
- Glob patterns match the whole name, case-insensitively: ``Maps/*``, ``*.FeatureServer``,
  ``*/Parcels*``, ``*``.
- ``System``, ``Utilities`` and ``Hosted`` hold the site's own and hosted services: a pattern
  reaches them only when it names the folder itself (``Utilities/*``), never through ``*``.
- ``@list.txt`` reads names and patterns from a file, one per line, ``#`` for comments.
"""

import collections
import fnmatch
import re

from ._compat import open_text
from .errors import InvalidInput

#: Folders a wildcard never reaches unless the pattern names them.
PROTECTED_FOLDERS = ("system", "utilities", "hosted")

_WILDCARDS = re.compile(r"[*?\[]")
_NAME = re.compile(r"^[^/\\]+$")


class ServiceRef(collections.namedtuple("ServiceRef", "folder name type")):
    """One service: ``folder`` is "" for the root folder."""

    __slots__ = ()

    def __str__(self):
        base = "%s.%s" % (self.name, self.type)
        return "%s/%s" % (self.folder, base) if self.folder else base

    @property
    def admin_path(self):
        """Path under the admin root: ``services/Maps/Parcels.MapServer``."""
        return "services/" + str(self)


def parse_ref(text):
    """Parse ``Folder/Name.Type`` (or ``Name.Type``) into a :class:`ServiceRef`.

    Raises:
        InvalidInput: when ``text`` is not of that form.
    """
    raw = (text or "").strip().strip("/")
    folder, _, base = raw.rpartition("/")
    name, dot, kind = base.rpartition(".")
    if not dot or not name or not kind or "/" in folder or not _NAME.match(base):
        raise InvalidInput("'%s' is not a service name." % text,
                           hint="Write Folder/Name.Type, e.g. Maps/Parcels.MapServer, or "
                                "Name.Type for a root service.")
    return ServiceRef(folder, name, kind)


def is_pattern(text):
    return bool(_WILDCARDS.search(text))


class Selector(object):
    """Decides which services a list of names and patterns selects.

    Args:
        patterns: names and globs; ``@path`` entries are read from that file.
        folder: an optional folder that every selected service must be in.
        include_protected: with no patterns, select System, Utilities and Hosted too
            (a full inventory); patterns keep their own rule either way.
    """

    def __init__(self, patterns=None, folder=None, include_protected=False):
        self.patterns = expand_list_files(patterns or [])
        self.include_protected = include_protected
        self.folder = (folder or "").strip("/") or None
        if self.folder is not None and "/" in self.folder:
            raise InvalidInput("'%s' is not a folder name: folders have one level." % folder)
        for pattern in self.patterns:
            _check_pattern(pattern)
        self._matched = set()

    def folders_needed(self, all_folders):
        """Which folders' contents are needed, from the names in ``all_folders`` ("" = root).

        Lets a list of ``Maps/*`` read one folder instead of the whole site.
        """
        if self.folder is not None:
            return [f for f in all_folders if f.lower() == self.folder.lower()]
        if not self.patterns:
            return list(all_folders)
        needed = []
        for folder in all_folders:
            for pattern in self.patterns:
                head = _pattern_folder(pattern)
                if head is None or (head == "" and folder == "") or \
                        (head and fnmatch.fnmatchcase(folder.lower(), head.lower())):
                    needed.append(folder)
                    break
        return needed

    def matches(self, ref, is_default=False):
        """True when ``ref`` is selected; remembers which patterns matched something."""
        if self.folder is not None and ref.folder.lower() != self.folder.lower():
            return False
        if not self.patterns:
            return self.folder is not None or self.include_protected or \
                not _protected(ref, is_default)
        hit = False
        for pattern in self.patterns:
            if _match(pattern, ref, is_default, named_folder=self.folder):
                self._matched.add(pattern)
                hit = True
        return hit

    def unmatched(self):
        """The patterns that selected nothing: a typo the user should hear about."""
        return [p for p in self.patterns if p not in self._matched]


def expand_list_files(patterns):
    """Replace each ``@path`` entry with the names in that file."""
    out = []
    for entry in patterns:
        entry = (entry or "").strip()
        if not entry:
            continue
        if entry.startswith("@"):
            out.extend(read_list_file(entry[1:]))
        else:
            out.append(entry)
    return out


def read_list_file(path):
    """Names and patterns from a text file, one per line; blank lines and ``#`` are skipped.

    Raises:
        InvalidInput: when the file cannot be read.
    """
    try:
        with open_text(path) as handle:
            lines = handle.read().splitlines()
    except (IOError, OSError):
        raise InvalidInput("Service list file '%s' could not be read." % path)
    return [line.split("#", 1)[0].strip() for line in lines
            if line.split("#", 1)[0].strip()]


def _check_pattern(pattern):
    if pattern.count("/") > 1 or pattern.strip("/") == "":
        if pattern.strip() not in ("*",):
            raise InvalidInput("'%s' is not a service name or pattern." % pattern,
                               hint="Use Folder/Name.Type or a glob such as Maps/*.")


def _pattern_folder(pattern):
    """The folder part of a pattern: "" for root names, None when any folder may match."""
    text = pattern.strip().lstrip("/")
    if "/" in text:
        return text.split("/", 1)[0]
    if is_pattern(text):
        return None  # "*.MapServer" reaches every folder
    return ""  # "Parcels.MapServer" or "Parcels": a root service


def _protected(ref, is_default):
    return is_default or ref.folder.lower() in PROTECTED_FOLDERS


def _match(pattern, ref, is_default, named_folder=None):
    text = pattern.strip().lstrip("/")
    full = str(ref).lower()
    if not is_pattern(text):
        wanted = text.lower()
        if "." in wanted.rpartition("/")[2]:
            return full == wanted
        # No type given: the service of that name, whatever its type.
        return ("%s/%s" % (ref.folder, ref.name)).strip("/").lower() == wanted
    if not fnmatch.fnmatchcase(full, text.lower()):
        return False
    if _protected(ref, is_default):
        # Reached only when the pattern (or --folder) names the folder itself.
        head = text.split("/", 1)[0] if "/" in text else None
        return bool(named_folder) or (head is not None and not is_pattern(head))
    return True
