"""The offline rules of the toolbox's dialogs: plain values in, :class:`Finding` records out.

Nothing here connects to a server or imports arcpy, so the rules are tested without either
and the ``.pyt`` only applies the findings to its parameters. Reading a small local file (a
connection file, a journal) is the most a rule does.
"""

import collections
import os

from ..errors import AdminError
from .messages import error_text

CONNECTION_SUFFIX = ".agsadmin.json"

ERROR, WARNING = "error", "warning"


class Finding(collections.namedtuple("Finding", "parameter severity text")):
    """One validation message: the parameter it belongs on, ``error`` or ``warning``, text."""

    __slots__ = ()


def _error(parameter, text):
    return Finding(parameter, ERROR, text)


def _warning(parameter, text):
    return Finding(parameter, WARNING, text)


# -- paths -------------------------------------------------------------------------------------


def connection_file_name(path):
    """``path`` with the ``.agsadmin.json`` suffix added when it has no ``.json`` one."""
    if not path or path.lower().endswith(".json"):
        return path
    return path + CONNECTION_SUFFIX


# -- validation rules -------------------------------------------------------------------------


def check_connection_file(path, is_pro):
    """Findings for the connection file parameter, and the loaded ConnectionInfo (or None).

    Reads a small local file; never connects.
    """
    from ..connection import AUTH_PRO_SIGNIN, ConnectionInfo
    try:
        info = ConnectionInfo.load(path)
    except AdminError as exc:
        return [_error("connection_file", error_text(exc))], None
    if info.auth == AUTH_PRO_SIGNIN and not is_pro:
        return [_error("connection_file", "This connection signs in with the ArcGIS Pro "
                                          "portal sign-in, which exists only in ArcGIS Pro. "
                                          "Make a connection with a user name for ArcMap.")], \
            None
    return [], info


def check_patterns(values):
    """Findings for the services parameter: names and patterns must be well formed."""
    from ..selection import Selector
    try:
        Selector(values)
    except AdminError as exc:
        return [_error("services", error_text(exc))]
    return []


def check_stop_selection(services, folder):
    if not services and not folder:
        return [_error("services", "Name the services to stop (pick them, or type names or "
                                   "patterns such as Maps/*), or give a folder.")]
    return []


def check_start_selection(services, folder, journal, journal_given):
    """Start takes services (and/or a folder) or a journal, not both.

    ``journal_given`` is True when a journal is named, or comes from an upstream model process
    (ModelBuilder sets its path before the file exists).
    """
    if journal_given and (services or folder):
        return [_error("journal", "Give either services (or a folder) or a journal, not "
                                  "both: a journal restarts exactly what Stop Services "
                                  "stopped.")]
    if not journal_given and not services and not folder:
        return [_error("services", "Name the services to start (pick them, or type names or "
                                   "patterns such as Maps/*), or give the journal that Stop "
                                   "Services wrote.")]
    return []


def _read_journal(path):
    from ..journal import Journal
    return Journal.load(path)


def check_journal_output(path):
    """The Stop journal may exist: it is then reused, keeping what was never restarted.

    Returns findings; an existing file that is not a journal is an error (nothing would be
    stopped: the core refuses it first, but the dialog should say so now).
    """
    if not path or not os.path.isfile(path):
        return []
    try:
        journal = _read_journal(path)
    except AdminError as exc:
        return [_error("journal", "%s Choose a new file name for the journal."
                       % error_text(exc))]
    waiting = len(journal.to_restart())
    if waiting:
        return [_warning("journal", "This journal still lists %d service%s that %s never "
                                    "restarted; they stay in it, and Start Services with this "
                                    "journal restarts them too."
                         % (waiting, "" if waiting == 1 else "s",
                            "was" if waiting == 1 else "were"))]
    return []


def check_journal_input(path, connection_path=None):
    """The Start journal must be a journal, of the same site as the connection file."""
    if not path or not os.path.isfile(path):
        return []   # the framework reports a missing input file
    try:
        journal = _read_journal(path)
    except AdminError as exc:
        return [_error("journal", error_text(exc))]
    if connection_path and journal.site and os.path.isfile(connection_path):
        from ..connection import ConnectionInfo
        try:
            site = ConnectionInfo.load(connection_path).urls.site
        except AdminError:
            return []   # reported on the connection file parameter
        if site.lower() != journal.site.lower():
            return [_error("journal", "This journal belongs to %s, not to %s."
                           % (journal.site, site))]
    if not journal.to_restart():
        return [_warning("journal", "Every service in this journal was restarted already; "
                                    "running again changes nothing.")]
    return []


def check_new_connection(server_url, username, password_given, use_signin, portal_url,
                         ca_bundle, skip_verification, allow_http, is_pro, password_hidden):
    """Findings for Create Connection File, all offline (URL syntax and option clashes)."""
    from ..auth import ensure_safe_transport
    from ..urls import parse_portal_url, parse_server_url
    findings = []
    urls = None
    if server_url:
        try:
            urls = parse_server_url(server_url)
        except AdminError as exc:
            findings.append(_error("server_url", error_text(exc)))
    if use_signin and not is_pro:
        findings.append(_error("use_pro_signin", "The portal sign-in is that of ArcGIS Pro; "
                                                 "in ArcMap give a user name and password."))
    if use_signin:
        if password_given:
            findings.append(_warning("password", "Not used: with the ArcGIS Pro sign-in no "
                                                 "password is checked or stored."))
        if portal_url:
            findings.append(_warning("portal_url", "Not used: the ArcGIS Pro sign-in comes "
                                                   "from the portal Pro is signed in to."))
    else:
        if server_url and not username:
            findings.append(_error("username", "A user name is needed (or check Use ArcGIS "
                                               "Pro Sign-in for a federated server)."))
        if password_given and not password_hidden:
            findings.append(_warning("password", "This ArcMap has no String Hidden type, so "
                                                 "the password may be kept in geoprocessing "
                                                 "history. Leave it empty and set "
                                                 "AGSADMIN_PASSWORD (or store it with "
                                                 "'agsadmin login') instead."))
        if portal_url:
            try:
                parse_portal_url(portal_url)
            except AdminError as exc:
                findings.append(_error("portal_url", error_text(exc)))
    if ca_bundle and skip_verification:
        findings.append(_error("skip_verification", "Give a CA bundle or skip the "
                                                    "certificate check, not both."))
    elif skip_verification:
        findings.append(_warning("skip_verification", "The server's certificate will not be "
                                                      "checked; use this only on a trusted "
                                                      "network."))
    if urls is not None:
        try:
            ensure_safe_transport(urls, allow_http)
        except AdminError as exc:
            findings.append(_error("server_url", error_text(exc)))
    return findings


# -- each tool's rules, as its dialog applies them ---------------------------------------------


def check_picker(catalog):
    """A warning on the services parameter when the picker's list is missing (late or
    failed); ``catalog`` is the cached one, or None when none was asked for."""
    from .picker import PICKER_TIMEOUT
    text = catalog.message(PICKER_TIMEOUT) if catalog is not None else None
    return [_warning("services", text)] if text else []


def check_stop(services, folder, journal, connection_given):
    """Stop Services: something to stop, and a journal that is one (or new)."""
    findings = []
    if connection_given:
        findings.extend(check_stop_selection(services, folder))
    if journal and os.path.isfile(journal):
        findings.extend(check_journal_output(journal))
    return findings


def check_start(services, folder, journal, journal_derived, journal_has_error,
                connection_path):
    """Start Services: services or a journal (a derived one from a model counts), and a
    journal of the connection's site."""
    findings = []
    if connection_path:
        findings.extend(check_start_selection(services, folder, journal,
                                              bool(journal) or journal_derived))
    if journal and not journal_derived and not journal_has_error:
        findings.extend(check_journal_input(journal, connection_path))
    return findings


def check_delete(services, folder):
    """Delete takes services and/or a folder."""
    if not services and not folder:
        return [_error("services", "Name the services to delete (pick them, or type names or "
                                   "patterns such as Maps/Old*), or give a folder.")]
    return []


def check_rename(service, new_name):
    """Rename takes one service name (no pattern) and a new name the server accepts."""
    from ..selection import is_pattern, parse_ref
    from ..services import check_new_name
    findings = []
    ref = None
    if service:
        if is_pattern(service):
            findings.append(_error("service", "Rename takes one service, not a pattern: "
                                              "pick it, or type Folder/Name.Type."))
        else:
            try:
                ref = parse_ref(service)
            except AdminError as exc:
                findings.append(_error("service", error_text(exc)))
    if new_name and ref is not None:
        try:
            check_new_name(ref, new_name)
        except AdminError as exc:
            findings.append(_error("new_name", error_text(exc)))
    return findings


def check_query_logs(since, until, codes):
    """Findings for Query Logs' window and codes: the same rules as the query, offline."""
    from ..errors import InvalidInput
    from ..logs import format_time, now_ms, parse_codes, parse_time
    findings = []
    now = now_ms()
    times = {}
    for name, value in (("since", since), ("until", until)):
        try:
            times[name] = parse_time(value, now, name)
        except InvalidInput as exc:
            findings.append(_error(name, exc.message))
    if times.get("since") is not None and times.get("until") is not None \
            and times["since"] > times["until"]:
        findings.append(_error("since", "Since (%s UTC) is after Until (%s UTC)."
                               % (format_time(times["since"]), format_time(times["until"]))))
    try:
        parse_codes(codes or [])
    except InvalidInput as exc:
        findings.append(_error("codes", exc.message))
    return findings
