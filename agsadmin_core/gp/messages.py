"""The toolbox's side of messages: a reporter over arcpy, the toolbox's words for the core's
hints, and the lines that describe a run from its :class:`~agsadmin_core.results.BatchResult`
and in-memory :class:`~agsadmin_core.journal.Journal` (never by reading a file back).

Lines are ``(severity, text)`` pairs: 0 a message, 1 a warning, 2 an error.
"""

from ..errors import BatchFailed, Cancelled
from ..reporter import Reporter
from ..results import CANCELLED, FAILED, OK, PLANNED, SKIPPED

INFO, WARNING, ERROR = 0, 1, 2

#: The toolbox's words for the actions a core hint suggests (errors.CLI_WORDS has the keys).
TOOLBOX_WORDS = {
    "keep_password": "store it with the Create Connection File tool, or set "
                     "AGSADMIN_PASSWORD",
    "sign_in_again": "run Create Connection File again",
    "create_connection": "create one with the Create Connection File tool",
    "list_services": "list what exists with the List Services tool",
    "choose_backup": "fill in the Backup Folder",
    "force_protected": "name it exactly (Folder/Name.Type) and check Force Protected",
    "stop_journal": "Stop Services",
    "use_ca_bundle": "give its bundle as the CA Bundle of Create Connection File",
    "skip_tls_check": "skip the certificate check",
    "raise_timeout": "raise the Timeout with Create Connection File",
    "allow_http": "check Allow HTTP in Create Connection File",
    "give_user": "give a user name",
    "overwrite": "check Overwrite",
    "start_publishing": "start System/PublishingTools.GPServer with the Start Services tool",
    "skip_keyring": "leave the Password empty and keep AGSADMIN_PASSWORD set: the connection "
                    "file is then written without storing anything",
}


def error_text(exc):
    """A complete one-paragraph message for an :class:`AdminError`, in the toolbox's words.

    The core guarantees that neither ``message`` nor ``hint`` holds a secret.
    """
    describe = getattr(exc, "describe", None)
    return describe(TOOLBOX_WORDS) if describe is not None else str(exc)


def unexpected_text(exc):
    """What to say about an exception that is not an AdminError (a bug): no traceback."""
    return ("AGSAdmin stopped on an unexpected %s: %s. Nothing more was changed; please "
            "report this with the messages above." % (type(exc).__name__, exc))


# -- the reporter: the core's progress and messages, shown by arcpy ---------------------------


class GPReporter(Reporter):
    """Shows the core's progress in the GP progressor and its messages in the tool messages.

    Args:
        arcpy: the arcpy module (handed in so this module never imports it).
        messages: the ``messages`` object ``execute`` received.

    Every call happens on the tool's own thread, because arcpy is not documented as safe to
    call from other threads: the core runs only HTTP calls on its workers and makes every
    reporter call from the thread that called it (``workers.run_bounded``).
    """

    def __init__(self, arcpy, messages):
        self._arcpy = arcpy
        self._messages = messages
        self._total = None

    def info(self, text):
        self._messages.addMessage(text)

    def warning(self, text):
        self._messages.addWarningMessage(text)

    def error(self, text):
        self._messages.addErrorMessage(text)

    def lines(self, lines):
        """Show ``(severity, text)`` lines, each with its severity."""
        show = {INFO: self.info, WARNING: self.warning, ERROR: self.error}
        for severity, text in lines:
            show[severity](text)

    def status(self, text):
        """A step without a count (connecting, listing): message and progressor label."""
        self._messages.addMessage(text)
        self._arcpy.SetProgressor("default", text)
        self._total = None

    def progress(self, done, total, label):
        if total != self._total:
            self._arcpy.SetProgressor("step", label, 0, max(int(total), 1), 1)
            self._total = total
        self._arcpy.SetProgressorLabel("%d of %d: %s" % (done, total, label))
        self._arcpy.SetProgressorPosition(done)

    def percent(self, done, label):
        """A step progressor from 0 to 100 with its own label, for work measured in
        something else than items (Query Logs: the share of the time window read)."""
        if self._total != 100:
            self._arcpy.SetProgressor("step", label, 0, 100, 1)
            self._total = 100
        self._arcpy.SetProgressorLabel(label)
        self._arcpy.SetProgressorPosition(max(0, min(100, int(done))))

    def cancelled(self):
        # isCancelled exists from ArcMap 10.4 on (reference 4.3); before that a cancel
        # stops the script outright and this is never reached.
        return bool(getattr(self._arcpy.env, "isCancelled", False))


# -- a batch result ---------------------------------------------------------------------------


def result_lines(result):
    """One line per service of a :class:`BatchResult`, failures as errors."""
    lines = []
    for item in result:
        states = ""
        if item.before or item.after:
            states = " (%s -> %s)" % (item.before or "?", item.after or "?")
        if item.status == OK:
            lines.append((INFO, "%s: %s%s" % (item.service, result.done_word, states)))
        elif item.status in (SKIPPED, PLANNED):
            lines.append((INFO, "%s: %s, %s" % (item.service, item.status, item.message)))
        elif item.status == FAILED:
            lines.append((ERROR, "%s: could not be %s: %s" % (item.service, result.done_word,
                                                             item.message)))
        else:
            lines.append((WARNING, "%s: %s, %s" % (item.service, item.status,
                                                   item.message or "")))
    return lines


def summary_line(result):
    """``4 services: 1 stopped, 1 skipped, 1 failed, 1 cancelled.`` (counts in status order)."""
    if not len(result):
        return "No service needed to be %s." % result.done_word
    words = {OK: result.done_word}
    return "%d services: %s." % (len(result), ", ".join(
        "%d %s" % (n, words.get(status, status)) for status, n in result.counts().items()))


# -- the journal, from the object the run kept --------------------------------------------

_JOURNAL_WORDS = {"stopped": "stopped by this journal, not restarted yet",
                  "pending": "about to be stopped when the run ended (Start Services checks it)",
                  "cancelled": "not stopped (cancelled)",
                  "failed": "the last operation on it failed",
                  "restarted": "restarted"}

RESTART_WITH_JOURNAL = ("Start Services with this journal restarts exactly the services that "
                        "were stopped; it can be run again safely.")


def journal_lines(journal):
    """What a :class:`Journal` records, one line per service (none for an empty one)."""
    if journal is None or not journal.entries:
        return []
    lines = ["Journal %s:" % (journal.path or "(in memory)")]
    for entry in journal.entries.values():
        state = entry.get("state")
        lines.append("  %s: %s" % (entry.get("service"), _JOURNAL_WORDS.get(state, state)))
    return lines


def journal_notes(journal, after):
    """Info lines after a failure or cancel: what the journal holds and what to do next.

    ``after`` is the last line, said only when the journal still lists services to restart.
    """
    if journal is None or not journal.to_restart():
        return []
    return [(INFO, line) for line in journal_lines(journal)] + [(INFO, after)]


def failure_lines(exc):
    """``(severity, text)`` lines for an AdminError that ended a tool: a
    :class:`BatchFailed` per service from its result, then one summary error."""
    result = getattr(exc, "result", None)
    if isinstance(exc, BatchFailed) and result is not None:
        lines = result_lines(result)
        lines.append((ERROR, "%d of %d services could not be %s (each is named above)."
                      % (len(result.failures), len(result), result.done_word)))
        return lines
    return [(ERROR, error_text(exc))]


def cancel_lines(exc):
    """A cancel ends a tool cleanly: a warning, and what was handled before it."""
    lines = [(WARNING, error_text(exc))]
    result = exc.result if isinstance(exc, Cancelled) else None
    if result is not None:
        handled = [r.service for r in result if r.status != CANCELLED]
        if handled and result.journal is None:
            lines.append((INFO, "Handled before the cancel: %s." % ", ".join(handled)))
    return lines


# -- a listing --------------------------------------------------------------------------------


def listing_line(infos, table):
    """``6 services (5 started, 1 stopped) written to <table>.``"""
    if not infos:
        return "No service matched; the table %s is empty." % table
    states = {}
    for info in infos:
        state = (info.realtime_state or "unknown").lower()
        states[state] = states.get(state, 0) + 1
    return "%d services (%s) written to %s." % (len(infos), ", ".join(
        "%d %s" % (n, s) for s, n in sorted(states.items())), table)
