"""What each toolbox tool does when it runs: one function per tool, given a :class:`ToolRun`.

``AGSAdmin.pyt`` keeps the parameter definitions, the dialogs and the shared execute path
(reporter, cancel setting, failures as messages); a tool class names its function here in
``RUN``. A function reads its parameters by name through the :class:`ToolRun`, calls the core
(:func:`~agsadmin_core.connect.open_server`, ``server.services``...), writes its outputs, and
describes the outcome from the result it holds in memory.
"""

import os

from ..errors import Cancelled, InvalidInput
from ..reporter import Reporter
from . import messages
from .messages import INFO, RESTART_WITH_JOURNAL
from .tables import Field, write_table


class ToolRun(object):
    """One run of one tool: its parameters by name, the reporter, and how to connect.

    Args:
        arcpy: the arcpy module (handed in; this package never imports it).
        parameters: ``{name: arcpy.Parameter}``.
        reporter: the run's :class:`~agsadmin_core.gp.messages.GPReporter`.
        is_pro: True inside ArcGIS Pro (decides the portal sign-in).

    Attributes:
        failure_notes: a callable giving ``(severity, text)`` lines to show after a failure
            (e.g. what the journal still lists); the execute path calls it.
    """

    def __init__(self, arcpy, parameters, reporter, is_pro):
        self.arcpy = arcpy
        self.parameters = parameters
        self.reporter = reporter
        self.is_pro = is_pro
        self.failure_notes = list

    def text(self, name):
        """The value as stripped text, or None when empty."""
        text = self.parameters[name].valueAsText
        if text is None or not text.strip():
            return None
        return text.strip()

    def values(self, name):
        """A multivalue parameter's items as a list of text."""
        return [v.strip() for v in (self.parameters[name].values or []) if v and v.strip()]

    def number(self, name, default):
        value = self.parameters[name].value
        return default if value is None else value

    def flag(self, name):
        return bool(self.parameters[name].value)

    def secret(self, name):
        """A password as typed: never stripped, never shown."""
        return self.parameters[name].valueAsText or None

    def set(self, name, value):
        self.parameters[name].value = value

    def signin(self):
        """ArcGIS Pro's portal sign-in (``arcpy.GetSigninToken``), or None outside Pro."""
        return getattr(self.arcpy, "GetSigninToken", None) if self.is_pro else None

    def connection(self):
        """The ConnectionInfo of the ``connection_file`` parameter."""
        from ..connection import ConnectionInfo
        return ConnectionInfo.load(self.text("connection_file"))

    def connect(self, info=None):
        """A signed-in Server for the connection file: its user's password from
        AGSADMIN_PASSWORD or the OS keyring, or the ArcGIS Pro portal sign-in; never a
        prompt (there is no console)."""
        from ..connect import open_server
        from ..connection import AUTH_PRO_SIGNIN
        info = info or self.connection()
        signin = self.signin() if info.auth == AUTH_PRO_SIGNIN else None
        self.reporter.status("Connecting to %s..." % info.urls.site)
        server = open_server(info, signin=signin, prompt=False)
        self.reporter.info("Connected to %s (ArcGIS Server %s)."
                           % (info.urls.site, _version(server.version)))
        return server

    def batch_options(self):
        """BatchOptions from ``wait_timeout`` (0: do not wait). One service at a time where
        the server has no batch operation (before 10.3), so a cancel in the dialog stops
        before the very next service; 10.3 and later batch anyway."""
        from ..batch import BatchOptions
        wait = int(self.number("wait_timeout", 0) or 0)
        return BatchOptions(wait=wait > 0, timeout=wait or None, parallel=1,
                            reporter=self.reporter)


def _version(numbers):
    return ".".join(str(n) for n in numbers)


# -- Create Connection File -------------------------------------------------------------------


def create_connection_file(run):
    """Check the credentials against the server, keep the password in the keyring, write the
    connection file (no secret in it)."""
    from ..connect import login, open_server
    from ..connection import AUTH_PRO_SIGNIN, AUTH_USER, ConnectionInfo
    from ..errors import AuthenticationFailed
    from .validation import connection_file_name
    url = run.text("server_url")
    out = connection_file_name(run.text("out_connection_file"))
    ca_bundle = run.text("ca_bundle")
    if ca_bundle and run.flag("skip_verification"):
        raise InvalidInput("Give a CA bundle or skip the certificate check, not both.")
    options = dict(verify=ca_bundle or not run.flag("skip_verification"),
                   allow_http=run.flag("allow_http"), timeout=float(run.number("timeout", 60)))
    if run.flag("use_pro_signin"):
        if not run.is_pro:
            raise InvalidInput("The portal sign-in is that of ArcGIS Pro; in ArcMap give a "
                               "user name and password.")
        info = ConnectionInfo(url, auth=AUTH_PRO_SIGNIN, **options)
        run.reporter.status("Signing in to %s with the ArcGIS Pro portal sign-in..."
                            % info.urls.site)
        server = open_server(info, signin=run.signin(), prompt=False)
        try:
            version = server.version
        finally:
            server.close()
        run.reporter.info("Signed in to %s as the ArcGIS Pro portal sign-in (ArcGIS Server "
                          "%s)." % (info.urls.site, _version(version)))
    else:
        user = run.text("username")
        if not user:
            raise InvalidInput("A user name is needed (or use the ArcGIS Pro sign-in).")
        info = ConnectionInfo(url, username=user, portal_url=run.text("portal_url"),
                              auth=AUTH_USER, **options)
        run.reporter.status("Signing in to %s as %s..." % (info.urls.site, user))
        try:
            # Not typed: login finds AGSADMIN_PASSWORD or an entry stored earlier; it checks
            # the transport before it looks.
            done = login(info, password=run.secret("password"), store=True, prompt=False)
        except AuthenticationFailed as exc:
            # Hints in this tool's terms (the core's "store it with Create Connection File"
            # would send the user to the tool they are in). A password that was right but
            # could not be stored (operation "login") keeps login's own advice.
            if exc.operation is None:
                exc.hint = ("Type the password: it is checked, then kept in the OS keyring, "
                            "never in the file.")
            elif exc.operation != "login":
                exc.hint = "Check the user name (case sensitive) and the password."
            raise
        run.reporter.info("Signed in to %s as %s (ArcGIS Server %s)."
                          % (done.site, user, _version(done.version)))
        if done.stored:
            run.reporter.info("Password stored in the OS keyring for %s, user %s."
                              % (info.urls.admin, user))
        elif done.not_stored:
            run.reporter.warning("The password was not stored (%s): keep AGSADMIN_PASSWORD "
                                 "set wherever AGSAdmin runs with this connection file."
                                 % done.not_stored)
    info.save(out)
    run.set("out_connection_file", out)
    run.reporter.info("Connection file written: %s (it holds no password)." % out)


# -- List Services ----------------------------------------------------------------------------

#: The table List Services writes; names fit dBASE (10 characters), as it may go to a folder.
SERVICE_FIELDS = (Field("SERVICE", "TEXT", 255, "Service"), Field("FOLDER", "TEXT", 120, "Folder"),
                  Field("NAME", "TEXT", 120, "Name"), Field("TYPE", "TEXT", 40, "Type"),
                  Field("CONFIGURED", "TEXT", 20, "Configured State"),
                  Field("REALTIME", "TEXT", 20, "Real-time State"))


def list_services(run):
    """Services and their states into a table; a pattern matching nothing is a warning."""
    from ..selection import Selector
    selector = Selector(run.values("services"), run.text("folder"))
    server = run.connect()
    try:
        run.reporter.status("Listing services...")
        infos = server.services.list(patterns=selector)
    finally:
        server.close()
    for text in infos.warnings():
        run.reporter.warning(text)
    # "/" is how ArcGIS Server itself names the root folder.
    rows = ([i.ref, i.folder or "/", i.name, i.type, i.configured_state, i.realtime_state]
            for i in infos)
    table, count = write_table(run.arcpy, run.text("out_table"), SERVICE_FIELDS, rows)
    run.set("out_table", table)
    run.set("service_count", count)
    run.reporter.info(messages.listing_line(infos, table))


# -- Stop Services / Start Services -----------------------------------------------------------


#: The journal Stop Services writes when none is named, in the scratch folder (the .pyt
#: writes the same name into the dialog; a test keeps the two equal).
DEFAULT_JOURNAL = "agsadmin_stop.journal.json"


def stop_services(run):
    """Stop services, recording in the journal what ran before; outputs the journal and a
    Boolean for preconditions."""
    from ..journal import Journal
    journal_path = run.text("journal") or os.path.join(run.arcpy.env.scratchFolder,
                                                       DEFAULT_JOURNAL)
    run.set("out_journal", journal_path)
    run.set("stopped", False)
    info = run.connection()
    # The toolbox holds the journal object, so every outcome (done, failed, cancelled, a
    # dropped connection) is described from memory, never by reading the file back.
    book = Journal.open(journal_path, info.urls.site)
    run.failure_notes = lambda: messages.journal_notes(book, RESTART_WITH_JOURNAL)
    server = run.connect(info)
    try:
        run.reporter.status("Stopping services...")
        result = server.services.stop(run.values("services"), folder=run.text("folder"),
                                      journal=book, options=run.batch_options())
    except Cancelled as exc:
        run.reporter.lines(messages.cancel_lines(exc))
        run.reporter.lines(messages.journal_notes(
            book, "Start Services with this journal restarts exactly the services stopped "
                  "so far."))
        return
    finally:
        server.close()
    run.reporter.lines(messages.result_lines(result))
    run.reporter.info(messages.summary_line(result))
    run.reporter.info("Journal: %s. Start Services with this journal restarts exactly the "
                      "services stopped here." % journal_path)
    run.set("stopped", True)


def start_services(run):
    """Start services, or exactly those a Stop Services journal recorded."""
    from ..journal import Journal
    journal_path = run.text("journal")
    run.set("started", False)
    info = run.connection()
    book = Journal.load(journal_path, info.urls.site) if journal_path else None
    if book is not None:
        run.failure_notes = lambda: [(INFO, "Start Services can be run again with the same "
                                            "journal: it restarts only what is still "
                                            "stopped.")]
    server = run.connect(info)
    try:
        run.reporter.status("Starting services...")
        if book is not None:
            result = server.services.start(journal=book, options=run.batch_options())
        else:
            result = server.services.start(run.values("services") or None,
                                           folder=run.text("folder"),
                                           options=run.batch_options())
    except Cancelled as exc:
        run.reporter.lines(messages.cancel_lines(exc))
        run.reporter.lines(messages.journal_notes(
            book, "Run Start Services with this journal again to restart the rest."))
        return
    finally:
        server.close()
    run.reporter.lines(messages.result_lines(result))
    run.reporter.info(messages.summary_line(result))
    run.set("started", True)


# -- Publish Service Definition ----------------------------------------------------------------


class PercentReporter(Reporter):
    """The publish step's progress (upload bytes, then the job's percent) as a 0-100
    progressor, moved only when the whole percent changes; the rest goes to ``reporter``."""

    def __init__(self, reporter):
        self._reporter = reporter
        self._last = None

    def info(self, text):
        self._reporter.info(text)

    def warning(self, text):
        self._reporter.warning(text)

    def progress(self, done, total, label):
        percent = int(done * 100 // total) if total else 100
        if (percent, label.split(":")[0]) != self._last:
            self._last = (percent, label.split(":")[0])
            self._reporter.progress(percent, 100, label)

    def cancelled(self):
        return self._reporter.cancelled()


def publish_service_definition(run):
    """Publish an .sd: upload (the progressor follows it), the publishing job (its messages
    as they arrive); outputs the new service's REST URL. A cancel stops the upload or asks
    the server to cancel the job."""
    path = run.text("sd_file")
    run.set("service_url", "")
    server = run.connect()
    try:
        run.reporter.status("Publishing %s..." % os.path.basename(path or ""))
        result = server.publish_sd(path, folder=run.text("folder"),
                                   service_name=run.text("service_name"),
                                   overwrite=run.flag("overwrite"),
                                   reporter=PercentReporter(run.reporter))
    except Cancelled as exc:
        run.reporter.lines(messages.cancel_lines(exc))
        return
    finally:
        server.close()
    run.set("service_url", result.url)
    run.reporter.info("%s %s (%s): %s" % ("Replaced" if result.replaced else "Published",
                                          result.service,
                                          "started" if result.started else "stopped",
                                          result.url))


# -- Delete Services / Rename Service ---------------------------------------------------------


def delete_services(run):
    """Back up, then delete services; outputs the run's backup folder and a Boolean for
    preconditions. The service picker of this connection file reads the server again."""
    from ..errors import BatchFailed
    from . import picker
    path = run.text("connection_file")
    run.set("deleted", False)
    held = {}

    def notes():
        backup = getattr(held.get("result"), "backup", None)
        if not backup:
            return [(INFO, "Nothing was backed up, and nothing deleted.")]
        return [(INFO, "The backups of every deleted service are in %s; 'agsadmin restore "
                       "%s' brings back a service's configuration." % (backup, backup))]

    run.failure_notes = notes
    server = run.connect()
    try:
        run.reporter.status("Backing up and deleting services...")
        try:
            result = server.services.delete(
                run.values("services"), folder=run.text("folder"),
                backup_dir=run.text("backup_folder"),
                force_protected=run.flag("force_protected"), options=run.batch_options())
        except (BatchFailed, Cancelled) as exc:
            held["result"] = exc.result
            if getattr(exc.result, "backup", None):
                run.set("out_backup_folder", exc.result.backup)
            if isinstance(exc, BatchFailed):
                raise
            run.reporter.lines(messages.cancel_lines(exc))
            run.reporter.lines(notes())
            return
    finally:
        server.close()
        picker.forget_catalog(path)
    held["result"] = result
    run.set("out_backup_folder", result.backup)
    run.reporter.lines(messages.result_lines(result))
    run.reporter.info(messages.summary_line(result))
    run.reporter.lines(notes())
    run.set("deleted", True)


def rename_service(run):
    """Rename one service; outputs its new REST URL. The service picker of this connection
    file reads the server again."""
    from . import picker
    path = run.text("connection_file")
    wait = int(run.number("wait_timeout", 120) or 0)
    server = run.connect()
    try:
        run.reporter.status("Renaming %s..." % run.text("service"))
        result = server.services.rename(run.text("service"), run.text("new_name"),
                                        wait=wait > 0, timeout=wait or None)
    finally:
        server.close()
        picker.forget_catalog(path)
    run.set("out_service_url", result.url)
    run.reporter.info("Renamed %s to %s (%s)." % (result.old, result.new,
                                                  (result.state or "state unknown").lower()))
    run.reporter.info("Service URL: %s" % result.url)


# -- Export Site / Import Site ----------------------------------------------------------------


def export_site(run):
    """Back up the site to the output file; the derived output is that file.

    With the geoprocessing overwrite setting on, an existing file is replaced only once the
    new backup is complete and checked (downloaded beside it under the server's name first).
    """
    from .._compat import replace_file
    out = run.text("out_backup")
    run.set("backup", None)
    replace = os.path.exists(out) and bool(getattr(run.arcpy.env, "overwriteOutput", False))
    server = run.connect()
    try:
        run.reporter.status("Exporting the site...")
        result = server.site.export_site(os.path.dirname(os.path.abspath(out)) if replace
                                         else out, reporter=run.reporter,
                                         timeout=float(run.number("site_timeout", 3600)))
    finally:
        server.close()
    if replace:
        replace_file(result.path, out)
    run.set("backup", out)
    run.reporter.info("Site backup written: %s (%d bytes)." % (out, result.size))


def import_site(run):
    """Back up the site into the backup folder, then import the backup file; the derived
    outputs are the backup written first and a Boolean "imported"."""
    from ..errors import ImportFailed
    run.set("imported", False)
    run.set("backup_written", None)
    server = run.connect()
    try:
        run.reporter.status("Importing the site...")
        try:
            result = server.site.import_site(
                run.text("backup_file"), backup_to=run.text("backup_folder"),
                reporter=run.reporter, timeout=float(run.number("site_timeout", 3600)))
        except ImportFailed as exc:
            run.reporter.lines(_part_lines(exc.result))
            if exc.result.backup is not None:
                run.set("backup_written", exc.result.backup.path)
            raise
    finally:
        server.close()
    run.set("backup_written", result.backup.path)
    run.reporter.lines(_part_lines(result))
    run.reporter.info("Imported %s. The site as it was before is in %s."
                      % (result.location, result.backup.path))
    run.set("imported", True)


def _part_lines(result):
    """A message per part of the server's import report (failed parts as errors)."""
    return [(messages.ERROR if part.status != "ok" else INFO,
             "%s: %s%s" % (part.name, part.status,
                           (" (" + " ".join(part.messages) + ")") if part.messages else ""))
            for part in result.parts]


# -- Query Logs -------------------------------------------------------------------------------

#: The table Query Logs writes: one row per record, typed; names fit dBASE (10 characters).
LOG_FIELDS = (Field("TIME", "DATE", None, "Time (UTC)"), Field("LEVEL", "TEXT", 10, "Level"),
              Field("CODE", "LONG", None, "Code"), Field("SOURCE", "TEXT", 255, "Source"),
              Field("MACHINE", "TEXT", 255, "Machine"), Field("USER_NAME", "TEXT", 255, "User"),
              Field("ELAPSED", "DOUBLE", None, "Elapsed (s)"),
              Field("PROCESS", "TEXT", 32, "Process"), Field("THREAD", "TEXT", 32, "Thread"),
              Field("METHOD", "TEXT", 255, "Method"),
              Field("REQUEST_ID", "TEXT", 64, "Request ID"),
              Field("MESSAGE", "TEXT", 4000, "Message"))
#: The window Query Logs reads when Since is empty (as the command line).
DEFAULT_LOG_SINCE = "24h"


def _log_rows(records, fields, summary, counter):
    """Table rows of ``records`` (text cut to each field's length), counted and summarised."""
    # Times are UTC; a table stores them naive (its alias says UTC).
    lengths = [f.length if f.type == "TEXT" else None for f in fields]

    def cut(text, length):
        return text if text is None or len(text) <= length else text[:length - 1] + u"\u2026"

    for record in records:
        summary.add(record)
        counter[0] += 1
        row = [record.time.replace(tzinfo=None), record.level, record.code, record.source,
               record.machine, record.user, record.elapsed, record.process, record.thread,
               record.method_name, record.request_id, record.message]
        yield [cut(v, n) if n else v for v, n in zip(row, lengths)]


def query_logs(run):
    """Log records into a table (one row per record, typed fields), optionally an HTML
    report; a summary in the messages. Cancel between pages keeps the rows written."""
    from ..logs import format_time, now_ms, parse_time
    from ..logwriters import LogSummary, format_summary, report
    from .tables import DBASE_TEXT_LENGTH, split_table_path
    table_path = run.text("out_table")
    report_path = run.text("out_report")
    since = run.text("since") or DEFAULT_LOG_SINCE
    until = run.text("until")
    services = run.values("services")
    if run.text("folder"):
        services = services + ["%s/*" % run.text("folder").strip("/")]
    limit = run.parameters["limit"].value
    # The window, to show how far back the walk has read as a share of it.
    now = now_ms()
    newest = parse_time(until, now, "until") or now
    oldest = parse_time(since, now, "since")
    fields = LOG_FIELDS
    if split_table_path(table_path).is_dbase:
        fields = tuple(f._replace(length=min(f.length, DBASE_TEXT_LENGTH)) if f.length
                       else f for f in fields)
    target = split_table_path(table_path)
    written = target.workspace + ("\\" if "\\" in table_path else "/") + target.name \
        if target.workspace else target.name
    summary = LogSummary()
    counter = [0]
    run.failure_notes = lambda: [(INFO, "The table %s keeps the %d records read before the "
                                        "error." % (written, counter[0]))] if counter[0] else []

    def progress(count, reached):
        label = "%d records read" % count
        share = 0
        if reached is not None:
            from ..logs import datetime_to_ms
            reached_ms = datetime_to_ms(reached)
            label += ", back to %s UTC" % format_time(reached_ms)[:16]
            if oldest is not None and newest > oldest:
                share = 100.0 * (newest - reached_ms) / (newest - oldest)
        run.reporter.percent(share, label)

    server = run.connect()
    cancelled = None
    try:
        run.reporter.status("Reading the logs...")
        records = server.logs.query(level=run.text("level") or "WARNING", since=since,
                                    until=until, services=services or None,
                                    codes=run.values("codes") or None,
                                    text=run.text("text"), limit=limit,
                                    progress=progress, reporter=run.reporter)
        try:
            table, count = write_table(run.arcpy, table_path, fields,
                                       _log_rows(records, fields, summary, counter))
        except Cancelled as exc:
            cancelled = exc
            table, count = written, counter[0]
    finally:
        server.close()
    run.set("out_table", table)
    run.set("record_count", count)
    if cancelled is not None:
        run.reporter.lines(messages.cancel_lines(cancelled))
        run.reporter.info("The table %s keeps the %d records read before the cancel."
                          % (table, count))
    for line in format_summary(summary):
        run.reporter.info(line)
    if report_path:
        try:
            report(summary, report_path)
        except (IOError, OSError) as exc:
            raise InvalidInput("The report %s cannot be written (%s); the table %s holds "
                               "the records." % (report_path, exc.strerror or exc, table))
        run.set("out_report", report_path)
        run.reporter.info("Report: %s" % report_path)
    if cancelled is None:
        run.reporter.info("%d records written to %s." % (count, table))
