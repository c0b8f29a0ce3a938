"""Publishing a service definition (``.sd``): check, upload, the publishing job, a clear outcome.

``server.publish_sd(path, ...)`` does what ArcGIS's own clients do (admin-api-next.md
sections 8-11), with what they miss: the file is checked before anything is sent, the upload
is streamed (in parts above 50 MB), the job's messages are reported as they arrive, every
end state of the job ends the wait (an unknown one too), a failed job raises an error that
carries all its messages, and the uploaded item is deleted afterwards, also on failure.

The job runs on the REST side of the site (``System/PublishingTools/GPServer``), so its calls
go through :meth:`~agsadmin_core.session.AdminSession.call_rest`.
"""

import collections
import copy
import logging

from ._compat import quote
from .errors import AdminError, Cancelled, InvalidInput, NotFound, PublishFailed, \
    PublishingUnavailable, RequestTimeout, ServiceExists
from .jobs import wait_until
from .reporter import Reporter
from .sdfile import check_sd
from .selection import ServiceRef
from .uploads import CHUNK_THRESHOLD, DEFAULT_PART_SIZE, MB, Transferred, UploadsManager

log = logging.getLogger(__name__)

GP_SERVICE = "services/System/PublishingTools/GPServer"
TASK = GP_SERVICE + "/Publish Service Definition"
PUBLISHING_REF = "System/PublishingTools.GPServer"

SUCCEEDED = "esriJobSucceeded"
#: The states of a job still on its way (GP job states, admin-api.md 8); any other state,
#: known or not, ends the wait.
RUNNING = ("esriJobNew", "esriJobSubmitted", "esriJobWaiting", "esriJobExecuting",
           "esriJobCancelling", "esriJobDeleting")
#: The terminal states a server documents, for messages.
TERMINAL = (SUCCEEDED, "esriJobFailed", "esriJobTimedOut", "esriJobCancelled",
            "esriJobDeleted")
REPLACEMENT = "esriServiceDefinitionType_Replacement"
#: Seconds a publishing job may run before the wait gives up (the job may go on).
JOB_TIMEOUT = 3600.0

_NO_INSTANCES = "no instances for"
_NOT_STARTED = "not started"


class JobMessage(collections.namedtuple("JobMessage", "kind text")):
    """One message of a GP job: ``kind`` (``informative``, ``warning``, ``error``...) and
    ``text``."""

    __slots__ = ()

    def __str__(self):
        return self.text


class JobStatus(collections.namedtuple("JobStatus", "job_id status messages percent results")):
    """What one look at a GP job gave: its ``status``, every ``messages`` so far, its
    ``percent`` done (None when the server does not say) and the names of its ``results``."""

    __slots__ = ()

    @classmethod
    def from_json(cls, body, job_id):
        messages = []
        for item in body.get("messages") or []:
            kind = (item.get("type") or "").replace("esriJobMessageType", "").lower()
            messages.append(JobMessage(kind or "informative", item.get("description") or ""))
        progress = body.get("progress") or {}
        percent = progress.get("percent") if isinstance(progress, dict) else None
        return cls(body.get("jobId") or job_id, body.get("jobStatus") or "", messages,
                   percent, sorted((body.get("results") or {}).keys()))

    @property
    def running(self):
        return self.status in RUNNING


class PublishResult(collections.namedtuple(
        "PublishResult", "service url job_id messages item_id replaced started")):
    """A published service: ``service`` (``Folder/Name.Type``), its REST ``url``, the
    ``job_id`` and every job ``messages``, the ``item_id`` of the (deleted) upload,
    ``replaced`` (an existing service was overwritten) and ``started``."""

    __slots__ = ()

    def to_json(self):
        return collections.OrderedDict([
            ("service", self.service), ("url", self.url), ("jobId", self.job_id),
            ("replaced", self.replaced), ("started", self.started),
            ("messages", [m.text for m in self.messages])])


class Publisher(object):
    """The steps of :meth:`Server.publish_sd <agsadmin_core.server.Server.publish_sd>`, one
    method each, over one session."""

    def __init__(self, session, services, uploads=None, reporter=None):
        self.session = session
        self.services = services
        self.uploads = uploads or UploadsManager(session)
        self.reporter = reporter or Reporter()

    def publish(self, path, folder=None, service_name=None, overwrite=False, start=True,
                part_size=None, chunk_threshold=CHUNK_THRESHOLD, timeout=JOB_TIMEOUT,
                description=None):
        sd = check_sd(path)
        folder = _clean_name(folder, "folder")
        service_name = _clean_name(service_name, "service name")
        self.check_publishing_tools()
        item = self.upload(sd, part_size, chunk_threshold, description)
        replaced = was_running = False
        target = None
        try:
            config = self.configuration(item.item_id, folder, service_name)
            target = _target(config)
            if folder:
                self.ensure_folder(folder)
            existing = self.existing_state(target)
            if existing is not None:
                if not overwrite:
                    raise ServiceExists("%s already exists on the server; nothing was "
                                        "published." % (target,), operation="publish",
                                        service=str(target))
                was_running = existing == "STARTED"
                if was_running:
                    self.reporter.info("Stopping %s to replace it." % (target,))
                    self.services.stop_service(target)
                config["type"] = REPLACEMENT
                replaced = True
            if not start:
                # The service JSON's own field; servers that ignore it are stopped below.
                config["service"]["configuredState"] = "STOPPED"
            try:
                status = self.run_job(item.item_id, config, timeout)
            except BaseException:
                if was_running:
                    self._restart_old(target)
                raise
            url = self.result_url(status, target)
            started = self.settle_state(target, start)
        finally:
            self._delete_upload(item.item_id)
        self.reporter.info("Published %s: %s" % (target, url))
        return PublishResult(str(target), url, status.job_id, status.messages, item.item_id,
                             replaced, started)

    # -- the steps -------------------------------------------------------------------------

    def check_publishing_tools(self):
        """Make sure ``System/PublishingTools`` can take a job before a large upload."""
        try:
            self.session.call_rest(GP_SERVICE, operation="read PublishingTools",
                                   safe_to_repeat=True)
        except NotFound:
            raise PublishingUnavailable(
                "This site has no System/PublishingTools service, so it cannot publish "
                "service definitions.", operation="publish",
                hint="Check that the URL names an ArcGIS Server site with publishing enabled.")
        except AdminError as exc:
            raise _explained(exc)

    def upload(self, sd, part_size, chunk_threshold, description):
        """Upload the checked ``.sd``: in parts above ``chunk_threshold`` bytes."""
        reporter = self.reporter
        name = sd.path.replace("\\", "/").rsplit("/", 1)[-1]

        def report(t):
            reporter.progress(t.sent, t.total, "uploading %s: %.1f of %.1f MB, %.1f MB/s"
                              % (name, t.sent / float(MB), t.total / float(MB),
                                 t.rate() / MB))

        watch = Transferred(sd.size, report)
        progress = lambda sent, total: watch.update(sent)  # noqa: E731
        if part_size or sd.size > chunk_threshold:
            item = self.uploads.upload_in_parts(sd.path, part_size or DEFAULT_PART_SIZE,
                                                description, progress, reporter.cancelled)
        else:
            item = self.uploads.upload(sd.path, description, progress, reporter.cancelled)
        watch.update(sd.size, force=True)
        reporter.info("Uploaded %s (%.1f MB, %.1f MB/s) as item %s."
                      % (name, sd.size / float(MB), watch.rate() / MB, item.item_id))
        return item

    def configuration(self, item_id, folder, service_name):
        """The item's service configuration with the folder and name overrides applied."""
        config = copy.deepcopy(self.uploads.service_configuration(item_id))
        if not isinstance(config.get("service"), dict):
            raise PublishFailed("The server found no service in the service definition's "
                                "configuration.", operation="publish")
        if folder is not None:
            config["folderName"] = folder
        if service_name:
            config["service"]["serviceName"] = service_name
        return config

    def ensure_folder(self, folder):
        """Create ``folder`` when the site does not have it."""
        folders, _ = self.services.folders()
        if not any(f.lower() == folder.lower() for f in folders):
            self.reporter.info("Creating the folder %s." % folder)
            self.session.call("services/createFolder", {"folderName": folder},
                              operation="createFolder")

    def existing_state(self, target):
        """The real-time state of ``target`` when it exists, else None."""
        try:
            return self.services.status(target)[1] or "UNKNOWN"
        except NotFound:
            return None

    def run_job(self, item_id, config, timeout):
        """Submit the job, follow it to its end, and return its last :class:`JobStatus`.

        Raises:
            PublishFailed: the job ended in any state but succeeded.
            PublishingUnavailable: the server could not take the job.
            RequestTimeout: still running after ``timeout`` seconds.
            Cancelled: the user cancelled (the server is asked to cancel the job).
        """
        try:
            body = self.session.call_rest(TASK + "/submitJob", {
                "in_sdp_id": item_id, "in_config_overwrite": config,
                "in_publish_options": ""}, operation="submitJob")
        except AdminError as exc:
            raise _explained(exc)
        job_id = body.get("jobId")
        if not job_id:
            raise PublishFailed("The server did not start a publishing job (no job id in "
                                "its answer).", operation="submitJob")
        self.reporter.info("Publishing job %s submitted." % job_id)
        shown = [0]

        def poll():
            status = JobStatus.from_json(
                self.session.call_rest("%s/jobs/%s" % (TASK, job_id), operation="job status",
                                       safe_to_repeat=True), job_id)
            for message in status.messages[shown[0]:]:
                if message.kind == "error":
                    self.reporter.warning(message.text)
                else:
                    self.reporter.info(message.text)
            shown[0] = max(shown[0], len(status.messages))
            if status.percent is not None:
                self.reporter.progress(int(status.percent), 100, "publishing (%s)"
                                       % status.status.replace("esriJob", "").lower())
            return status

        try:
            waited = wait_until(poll, lambda s: not s.running, timeout, first_pause=0.2,
                                max_pause=5.0, cancelled=self.reporter.cancelled)
        except KeyboardInterrupt:   # Ctrl-C in a shell: the job should not run on unseen
            self._cancel_job(job_id)
            raise
        status = waited.value
        if waited.cancelled:
            self._cancel_job(job_id)
            raise Cancelled("Publishing was cancelled; the server was asked to cancel job "
                            "%s." % job_id, operation="publish")
        if not waited.done:
            raise RequestTimeout("The publishing job %s was still %s after %d seconds; it "
                                 "may still finish on the server." %
                                 (job_id, status.status, timeout), operation="publish")
        if status.status != SUCCEEDED:
            raise _job_failed(status)
        return status

    def _cancel_job(self, job_id):
        try:
            self.session.call_rest("%s/jobs/%s/cancel" % (TASK, job_id),
                                   operation="cancel job")
        except AdminError as exc:
            log.warning("could not cancel job %s: %s", job_id, exc)

    def result_url(self, status, target):
        """The new service's REST URL: the job's ``out_rest_svc_url``, or the site's URL."""
        if "out_rest_svc_url" in status.results:
            try:
                body = self.session.call_rest("%s/jobs/%s/results/out_rest_svc_url"
                                              % (TASK, status.job_id), operation="job result",
                                              safe_to_repeat=True)
                if body.get("value"):
                    return body["value"]
            except AdminError as exc:
                log.info("no out_rest_svc_url: %s", exc)
        return _rest_url(self.session.urls.rest, target)

    def settle_state(self, target, start):
        """Leave the new service started or stopped as asked; return True when started."""
        try:
            state = self.services.status(target)[1]
        except NotFound:
            raise PublishFailed("The job succeeded but %s is not on the server." % (target,),
                                operation="publish", service=str(target))
        if start and state != "STARTED":
            self.services.start_service(target)
        elif not start and state != "STOPPED":
            self.services.stop_service(target)
        return bool(start)

    def _restart_old(self, target):
        try:
            self.services.start_service(target)
            self.reporter.info("Started the previous %s again." % (target,))
        except AdminError as exc:
            self.reporter.warning("Could not start the previous %s again: %s" % (target, exc))

    def _delete_upload(self, item_id):
        try:
            self.uploads.delete(item_id)
        except NotFound:
            pass   # the server deletes a published item itself (admin-api-next.md 10.4)
        except AdminError as exc:
            self.reporter.warning("Could not delete the uploaded item %s: %s" % (item_id, exc))


def _target(config):
    service = config["service"]
    name, kind = service.get("serviceName"), service.get("type")
    if not name or not kind:
        raise PublishFailed("The service definition's configuration names no service "
                            "(serviceName and type).", operation="publish")
    folder = config.get("folderName") or ""
    return ServiceRef("" if folder == "/" else folder, name, kind)


def _rest_url(rest_root, target):
    """``<site>/rest/services/[Folder/]Name/Type``: the REST address of a service."""
    parts = [p for p in (target.folder, target.name, target.type) if p]
    return "%s/services/%s" % (rest_root, quote("/".join(parts), safe="/"))


def _clean_name(value, what):
    if value is None:
        return None
    value = value.strip().strip("/")
    if "/" in value or "\\" in value:
        raise InvalidInput("The %s %r may not contain '/' or '\\'." % (what, value))
    return value


def _explained(exc):
    """The server's refusal of a publishing call, worded with what to do."""
    text = " ".join(exc.messages) or exc.message
    if _NO_INSTANCES in text.lower():
        return PublishingUnavailable(
            "The server had no free System/PublishingTools instance to take the job (%s)."
            % text, operation=exc.operation, code=exc.code, messages=exc.messages,
            url=exc.url, hint="Wait until other publishing jobs finish and try again, or "
                              "raise the maximum number of instances of "
                              "System/PublishingTools.GPServer.")
    if _NOT_STARTED in text.lower():
        return PublishingUnavailable(
            "System/PublishingTools.GPServer is stopped, so nothing can be published (%s)."
            % text, operation=exc.operation, code=exc.code, messages=exc.messages,
            url=exc.url, hint="{start_publishing}, then publish again.")
    return exc


def _job_failed(status):
    errors = [m.text for m in status.messages if m.kind == "error"]
    texts = [m.text for m in status.messages]
    ended = _ENDINGS.get(status.status) or "ended in an unknown state (%s)" % (
        status.status or "none")
    failure = PublishFailed("The publishing job %s %s: %s"
                            % (status.job_id, ended, " ".join(errors or texts[-3:]) or
                               "the server gave no message."),
                            operation="publish", messages=texts, job_id=status.job_id,
                            status=status.status)
    if _NO_INSTANCES in " ".join(texts).lower():
        failure.hint = ("Wait until other publishing jobs finish and try again, or raise the "
                        "maximum number of instances of System/PublishingTools.GPServer.")
    return failure


_ENDINGS = {"esriJobFailed": "failed", "esriJobTimedOut": "timed out on the server",
            "esriJobCancelled": "was cancelled on the server",
            "esriJobDeleted": "was deleted on the server"}
