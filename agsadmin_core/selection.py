"""Service names (``Folder/Name.Type``) and the patterns and list files that select services.

Rules an administrator can predict:

- ``Maps/Parcels.MapServer`` names one service; ``Parcels.MapServer`` (or ``/Parcels...``) a
  root one. Without a type (``Maps/Parcels``) it names that service whatever its type.
- Glob patterns match the whole name, case-insensitively: ``Maps/*``, ``*.FeatureServer``,
  ``*/Parcels*``, ``*``.
- ``System``, ``Utilities`` and ``Hosted`` hold the site's own and hosted services: a pattern
  reaches them only when it names the folder itself (``Utilities/*``), never through ``*``.
- ``@list.txt`` reads names and patterns from a file, one per line, ``#`` for comments.
- A selection that is given but empty once parsed (``''``, ``' '``, an empty or comments-only
  list file) is an error, never "everything": a script's unset ``$SERVICES`` must not stop a
  site. ``*`` selects every service, and must be asked for.
"""

import collections
import fnmatch
import re

from ._compat import native_str, open_text, string_types, to_text
from .errors import InvalidInput

#: Folders a wildcard never reaches unless the pattern names them.
PROTECTED_FOLDERS = ("system", "utilities", "hosted")

_WILDCARDS = re.compile(r"[*?\[]")
_NAME = re.compile(r"^[^/\\]+$")
# What a service name or pattern can hold: ArcGIS names are letters, digits and "_" (any
# script: "Caf\u00e9", "\u65e5\u672c"), plus "." before the type, "-" and " " in folders,
# and the glob characters. A line of another kind of file (/etc/shadow, a key) fails this,
# and is then reported by its line number only.
_PATTERN_CHARS = re.compile(r"^[\w.\- /*?\[\]!]+$", re.UNICODE)
_MAX_PATTERN = 250

EMPTY_SELECTION_HINT = "Nothing was changed; to select every service, ask for '*'."


class ServiceRef(collections.namedtuple("ServiceRef", "folder name type")):
    """One service: ``folder`` is "" for the root folder."""

    __slots__ = ()

    @property
    def text(self):
        """``Folder/Name.Type`` as text (unicode on 2.7, where ``str()`` of ``Caf\u00e9``
        would be UTF-8 bytes)."""
        base = u"%s.%s" % (to_text(self.name), to_text(self.type))
        return u"%s/%s" % (to_text(self.folder), base) if self.folder else base

    def __str__(self):
        return native_str(self.text)

    def __unicode__(self):  # Python 2.7's unicode(ref)
        return self.text

    @property
    def admin_path(self):
        """Path under the admin root: ``services/Maps/Parcels.MapServer``."""
        return u"services/" + self.text


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
        given = _as_list(patterns)
        self.patterns = expand_list_files(given)
        if given and not self.patterns:
            # Asked for something that parsed to nothing: never read as "everything".
            raise InvalidInput("The service selection is empty (%s)." % _describe_empty(given),
                               hint=EMPTY_SELECTION_HINT)
        self.include_protected = include_protected
        if folder is not None and not isinstance(folder, string_types):
            raise InvalidInput("A folder must be a name, not %s." % type(folder).__name__)
        self.folder = to_text(folder or "").strip().strip("/") or None
        if self.folder is not None and ("/" in self.folder or
                                        not _PATTERN_CHARS.match(self.folder)):
            raise InvalidInput("'%s' is not a folder name: folders have one level of letters, "
                               "digits and _." % self.folder[:_MAX_PATTERN])
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


def _as_list(patterns):
    """The entries of a selection: a single string is one pattern, not its characters."""
    if patterns is None:
        return []
    if isinstance(patterns, (string_types, bytes)):
        return [patterns]
    try:
        return list(patterns)
    except TypeError:
        raise InvalidInput("Services must be given as a name, a pattern or a list of them, "
                           "not %s." % type(patterns).__name__)


def _describe_empty(given):
    files = [e.strip()[1:] for e in given
             if isinstance(e, string_types) and e.strip().startswith("@")]
    if files:
        return "list file %s holds no name or pattern" % ", ".join("'%s'" % f for f in files)
    return "only blank names were given"


def expand_list_files(patterns):
    """Replace each ``@path`` entry with the names in that file; check every entry.

    Blank entries are dropped (the caller decides whether an empty result is an error).

    Raises:
        InvalidInput: an entry that is not text or not a name or pattern, or a list file
            that cannot be read or holds a line that is not one.
    """
    out = []
    for entry in _as_list(patterns):
        if entry is None:
            continue
        if not isinstance(entry, (string_types, bytes)):
            raise InvalidInput("A service name must be text, not %s." % type(entry).__name__)
        entry = to_text(entry).strip()
        if not entry:
            continue
        if entry.startswith("@"):
            out.extend(read_list_file(entry[1:]))
        else:
            _check_pattern(entry)
            out.append(entry)
    return out


def read_list_file(path):
    """Names and patterns from a UTF-8 text file (a BOM is fine), one per line; blank lines
    and ``#`` comments are skipped.

    Errors name the line by number and never quote it: ``@/etc/shadow`` must not print
    the file's content.

    Raises:
        InvalidInput: when the file cannot be read, is not UTF-8 text, or has a line that is
            not a service name or pattern.
    """
    try:
        # utf-8-sig: Notepad's BOM would otherwise glue itself to the first name.
        with open_text(path, encoding="utf-8-sig") as handle:
            lines = handle.read().splitlines()
    except (IOError, OSError) as exc:
        raise InvalidInput("Service list file '%s' could not be read (%s)."
                           % (path, type(exc).__name__))
    except ValueError:  # UnicodeDecodeError: a binary file, or another encoding
        raise InvalidInput("Service list file '%s' is not UTF-8 text." % path,
                           hint="Save it as UTF-8 with one Folder/Name.Type per line.")
    out = []
    for number, line in enumerate(lines, 1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        if not _is_pattern_text(text):
            raise InvalidInput("Line %d of service list file '%s' is not a service name or "
                               "pattern." % (number, path),
                               hint="Write one Folder/Name.Type or glob such as Maps/* per "
                                    "line; '#' starts a comment.")
        out.append(text)
    return out


def _is_pattern_text(pattern):
    if len(pattern) > _MAX_PATTERN or not _PATTERN_CHARS.match(pattern):
        return False
    return pattern.strip() == "*" or (pattern.count("/") <= 1 and pattern.strip("/") != "")


def _check_pattern(pattern):
    if not _is_pattern_text(pattern):
        raise InvalidInput("'%s' is not a service name or pattern."
                           % _printable(pattern[:_MAX_PATTERN]),
                           hint="Use Folder/Name.Type or a glob such as Maps/*.")


def _printable(text):
    """``text`` with control characters shown as ``?``, so a message stays one line."""
    return "".join(c if ord(c) >= 32 else "?" for c in text)


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
    full = ref.text.lower()
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
