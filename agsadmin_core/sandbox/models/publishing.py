"""The publishing area: ``System/PublishingTools`` jobs that turn an uploaded ``.sd`` into a service.

State and rules only, no HTTP.

Sections refer to ``/work/shared/reference/admin-api-next.md`` (10: the GP service, submit,
poll, effects; 12.5: what was never recorded). A job walks Submitted -> Executing ->
Succeeded | Failed by the site clock (``submit_seconds``, ``run_seconds``), so a client sees
states and messages arrive over time, and a test can ``site.advance_clock`` instead of
sleeping. The publish itself happens once, when the job reaches its end.
"""

from __future__ import absolute_import, unicode_literals

import json
import time
from collections import OrderedDict

from .. import envelopes as errors
from .._compat import string_types
from .services import STARTED, STOPPED
from .uploads import UploadRefused

NEW = "esriJobNew"
SUBMITTED = "esriJobSubmitted"
EXECUTING = "esriJobExecuting"
SUCCEEDED = "esriJobSucceeded"
FAILED = "esriJobFailed"
CANCELLING = "esriJobCancelling"
CANCELLED = "esriJobCancelled"
TERMINAL = (SUCCEEDED, FAILED, CANCELLED)

INFO = "esriJobMessageTypeInformative"
WARNING = "esriJobMessageTypeWarning"
ERROR = "esriJobMessageTypeError"

TASK = "Publish Service Definition"
SOURCE = "System/PublishingTools.GPServer"
REPLACEMENT = "esriServiceDefinitionType_Replacement"

# Recorded texts (-next 10.3, as printed by clients).
FAILED_TO_CREATE = "ERROR 001369: Failed to create the service."
FAILED_TO_EXECUTE = "Failed to execute (Publish Service Definition)."
FAILED_TAIL = "Failed."
DATA_LOCATION = ("ERROR 001487: Failed to update the published service with the server-side "
                 "data location. Please see the server's log for more details.")
NO_INSTANCES = ("Unable to process request. No instances for 'PublishingTools/GPServer' were "
                "available for 60.013 seconds. Wait timeout exceeded.")

# The task's parameters on a live 10.81 server, in order (-next 10.1, HIST).
PARAMETERS = [
    ("in_sdp_id", "Service Definition Package ID", "esriGPParameterDirectionInput",
     "esriGPParameterTypeRequired"),
    ("in_config_overwrite", "Configuration Overwrite", "esriGPParameterDirectionInput",
     "esriGPParameterTypeOptional"),
    ("in_publish_options", "Publish Options", "esriGPParameterDirectionInput",
     "esriGPParameterTypeOptional"),
    ("out_soap_svc_url", "SOAP Service URL", "esriGPParameterDirectionOutput",
     "esriGPParameterTypeDerived"),
    ("out_rest_svc_url", "REST Service URL", "esriGPParameterDirectionOutput",
     "esriGPParameterTypeDerived"),
    ("out_results", "Publish Results", "esriGPParameterDirectionOutput",
     "esriGPParameterTypeDerived"),
]
OUTPUTS = [p[0] for p in PARAMETERS if p[2].endswith("Output")]


class Job(object):
    """One ``Publish Service Definition`` job."""

    def __init__(self, job_id, inputs, base_url, now):
        self.job_id = job_id
        self.inputs = inputs
        self.base_url = base_url
        self.submitted = now
        self.status = SUBMITTED
        self.messages = [(INFO, "Submitted.")]
        self.results = OrderedDict()
        self.percent = 0
        self.ended = None

    def say(self, kind, text):
        self.messages.append((kind, text))

    def to_json(self, with_progress):
        body = OrderedDict([("jobId", self.job_id), ("jobStatus", self.status)])
        if with_progress and self.status == EXECUTING:
            # progress is reported from 10.8.1 (admin-api.md 8, GPJOB).
            body["progress"] = OrderedDict([("type", "default"), ("message", "Publishing"),
                                            ("percent", self.percent)])
        body["results"] = OrderedDict(
            (name, OrderedDict([("paramUrl", "results/%s" % name)])) for name in self.results)
        body["inputs"] = OrderedDict(
            (name, OrderedDict([("paramUrl", "inputs/%s" % name)])) for name in self.inputs)
        body["messages"] = [OrderedDict([("type", k), ("description", d)])
                            for k, d in self.messages]
        return body


class PublishingArea(object):
    """Publishing jobs of one site (the ``publishing`` area, ``site.publishing``).

    Attributes (settable by tests and scripts):
        submit_seconds: time a job stays Submitted.
        run_seconds: time it stays Executing before it ends.
        fail_next: a list of messages: the next job fails with them (the recorded
            ERROR 001487 texts when set to True).
        end_next: a job status (``esriJobTimedOut``, ``esriJobDeleted``, or any text): the
            next job ends in it instead of running, to test how clients stop waiting.
        log: the site log records of the jobs (source ``System/PublishingTools.GPServer``).
    """

    area = "publishing"

    def __init__(self, site):
        self.site = site
        self._lock = site.lock
        self.populate()

    def populate(self):
        """The starting state (also what a reset returns to): no jobs, default timings."""
        with self._lock:
            self.jobs = OrderedDict()
            self.log = []
            self.submit_seconds = 0.1
            self.run_seconds = 0.3
            self.fail_next = None
            self.end_next = None

    def snapshot(self):
        with self._lock:
            return OrderedDict([("publishingJobs", OrderedDict(
                (j.job_id, j.status) for j in self.jobs.values()))])

    # -- the GP service's descriptions (-next 10.1) ---------------------------------------

    def task(self, name):
        """The task resource clients read before submitting (ARC reads every task)."""
        if name.lower() == TASK.lower():
            params = [OrderedDict([("name", n), ("dataType", "GPString"), ("displayName", d),
                                   ("description", ""), ("direction", direction),
                                   ("defaultValue", ""), ("parameterType", kind),
                                   ("category", "")])
                      for n, d, direction, kind in PARAMETERS]
            name, display = "PublishServiceDefinition", TASK
        else:
            # assumption: the other 17 tasks are described without their parameters.
            params, display = [], name
            name = name.replace(" ", "")
        return OrderedDict([("name", name), ("displayName", display),
                            ("description", ""), ("category", ""), ("helpUrl", ""),
                            ("executionType", "esriExecutionTypeAsynchronous"),
                            ("parameters", params)])

    # -- submit, poll, cancel --------------------------------------------------------------

    def submit(self, inputs, base_url):
        """``submitJob``: a new job in ``esriJobSubmitted`` (-next 10.2).

        ``inputs`` are the form fields; the optional ones may be empty strings (ARC sends
        them so). A missing ``in_sdp_id`` is refused at once (assumption: wording).
        """
        if not inputs.get("in_sdp_id"):
            raise errors.RestError(400, "Unable to complete operation.",
                                   ["Error executing tool. Publish Service Definition: "
                                    "parameter 'in_sdp_id' is required."])
        with self._lock:
            job_id = "j%032x" % self.site.random.getrandbits(128)
            job = Job(job_id, OrderedDict((k, inputs.get(k) or "")
                                          for k, _, direction, _ in PARAMETERS
                                          if direction.endswith("Input")),
                      base_url, self.site.now())
            self.jobs[job_id] = job
            self._record("INFO", "Job %s submitted (Publish Service Definition)." % job_id)
            return OrderedDict([("jobId", job_id), ("jobStatus", SUBMITTED)])

    def get(self, job_id):
        """The job ``job_id``, moved on to the state the clock says. Unknown: REST error
        (assumption: code 400 and this wording, -next 12.5)."""
        with self._lock:
            job = self.jobs.get(job_id)
            if job is None:
                raise errors.RestError(400, "Invalid or missing input parameters.",
                                       ["Job '%s' does not exist or is inaccessible." % job_id])
            self._advance(job)
            return job

    def status(self, job_id):
        return self.get(job_id).to_json(self.site.version.at_least(10, 8, 1))

    def result(self, job_id, name):
        job = self.get(job_id)
        if name not in job.results:
            raise errors.RestError(400, "Invalid or missing input parameters.",
                                   ["Parameter '%s' does not exist or is not available." % name])
        return OrderedDict([("paramName", name), ("dataType", "GPString"),
                            ("value", job.results[name])])

    def input(self, job_id, name):
        job = self.get(job_id)
        if name not in job.inputs:
            raise errors.RestError(400, "Invalid or missing input parameters.",
                                   ["Parameter '%s' does not exist." % name])
        return OrderedDict([("paramName", name), ("dataType", "GPString"),
                            ("value", job.inputs[name])])

    def cancel(self, job_id):
        """``jobs/<id>/cancel``: a running job becomes Cancelling, then Cancelled at the next
        look; an ended job is left as it is (assumption: no error)."""
        with self._lock:
            job = self.get(job_id)
            if job.status not in TERMINAL:
                job.status = CANCELLING
                job.say(WARNING, "Cancel requested.")
            return OrderedDict([("jobId", job.job_id), ("jobStatus", job.status)])

    # -- the state machine -----------------------------------------------------------------

    def _advance(self, job):
        now = self.site.now()
        if job.status == CANCELLING:
            job.status = CANCELLED
            job.say(ERROR, "Cancelled.")
            self._record("WARNING", "Job %s cancelled." % job.job_id)
            return
        if job.status == SUBMITTED and now >= job.submitted + self.submit_seconds:
            job.status = EXECUTING
            job.say(INFO, "Executing (Publish Service Definition): PublishServiceDefinition "
                          "%s" % job.inputs.get("in_sdp_id"))
            job.say(INFO, "Start Time: %s" % _ctime(now))
        if job.status == EXECUTING:
            start = job.submitted + self.submit_seconds
            share = 1.0 if self.run_seconds <= 0 else (now - start) / self.run_seconds
            if share >= 0.5 and job.percent < 50:
                job.say(INFO, "Creating the service.")
            job.percent = int(min(1.0, max(0.0, share)) * 100)
            if share >= 1.0:
                self._finish(job, now)

    def _finish(self, job, now):
        elapsed = now - job.submitted
        if self.end_next:
            job.status, self.end_next = self.end_next, None
            job.say(ERROR, "The job ended as %s." % job.status)
            return
        try:
            ref, rest_url = self._publish(job)
        except _JobFailed as exc:
            job.status = FAILED
            for text in exc.messages:
                job.say(ERROR, text)
            job.say(ERROR, "Failed at %s (Elapsed Time: %.2f seconds)" % (_ctime(now), elapsed))
            for text in exc.messages:
                self._record("SEVERE", text)
            return
        job.status = SUCCEEDED
        job.percent = 100
        job.say(INFO, "Succeeded at %s (Elapsed Time: %.2f seconds)" % (_ctime(now), elapsed))
        # assumption: the values of the three outputs were never recorded (-next 12.5).
        job.results["out_soap_svc_url"] = rest_url.replace("/rest/services/", "/services/")
        job.results["out_rest_svc_url"] = rest_url
        job.results["out_results"] = json.dumps({"service": ref, "url": rest_url})
        self._record("INFO", "Service %s was published." % ref)

    def _publish(self, job):
        """Create the service an ended job describes; raise _JobFailed with its messages."""
        if self.fail_next:
            messages = [DATA_LOCATION, FAILED_TO_CREATE] if self.fail_next is True \
                else list(self.fail_next)
            self.fail_next = None
            raise _JobFailed(messages + [FAILED_TO_EXECUTE, FAILED_TAIL])
        item_id = job.inputs.get("in_sdp_id")
        uploads = self.site.uploads
        try:
            item = uploads.get(item_id)
        except errors.AdminError:
            # assumption: wording of an unknown item (the ERROR 001369 family, -next 10.4).
            raise _JobFailed(["The service definition package '%s' was not found on the "
                              "server." % item_id, FAILED_TO_CREATE, FAILED_TO_EXECUTE,
                              FAILED_TAIL])
        try:
            config = uploads.service_configuration(item.item_id)
        except UploadRefused as exc:
            raise _JobFailed(list(exc.messages) + [FAILED_TO_CREATE, FAILED_TO_EXECUTE,
                                                   FAILED_TAIL])
        overwrite = job.inputs.get("in_config_overwrite")
        if overwrite:
            try:
                config = json.loads(overwrite)
            except ValueError:
                raise _JobFailed(["Invalid value for parameter in_config_overwrite: the "
                                  "value is not valid JSON.", FAILED_TO_EXECUTE, FAILED_TAIL])
            if not isinstance(config, dict) or not isinstance(config.get("service"), dict):
                raise _JobFailed(["Invalid value for parameter in_config_overwrite: it has "
                                  "no service.", FAILED_TO_EXECUTE, FAILED_TAIL])
        service = config["service"]
        name, type_ = service.get("serviceName"), service.get("type")
        folder = config.get("folderName") or ""   # null means the root (-next 9, ARC)
        if not isinstance(name, string_types) or not name or not type_:
            raise _JobFailed(["The service configuration names no service.",
                              FAILED_TO_CREATE, FAILED_TO_EXECUTE, FAILED_TAIL])
        folder = "" if folder in ("/", "") else folder
        leaf = "%s.%s" % (name, type_)
        ref = "%s/%s" % (folder, leaf) if folder else leaf
        services = self.site.services
        existing = None
        try:
            existing = services.resolve(ref)
        except errors.AdminError:
            pass
        if existing is not None and config.get("type") != REPLACEMENT:
            # assumption: the first line's wording; the ERROR 001369 lines are recorded.
            raise _JobFailed(["Service '%s' already exists." % ref, FAILED_TO_CREATE,
                              FAILED_TO_EXECUTE, FAILED_TAIL])
        if folder:
            try:
                services.get_folder(folder)
            except errors.NotFound:
                try:
                    services.create_folder(folder)   # assumption: the job creates it
                except errors.AdminError as exc:
                    raise _JobFailed(list(exc.messages) + [FAILED_TO_CREATE,
                                                           FAILED_TO_EXECUTE, FAILED_TAIL])
        if existing is not None:
            services._delete(existing)
        # assumption: a service configuration may carry configuredState STOPPED (the admin
        # service JSON's field); the service is created stopped then. Default: started.
        state = STOPPED if str(service.get("configuredState", "")).upper() == STOPPED \
            else STARTED
        ref = services.add_service(ref, state=state, description=service.get("description", ""))
        svc = services.resolve(ref)
        for key in ("capabilities", "clusterName", "properties", "extensions",
                    "minInstancesPerNode", "maxInstancesPerNode"):
            if key in service:
                svc.config[key] = service[key]
        uploads.consume(item.item_id)
        path = "/".join(p for p in (folder, name, type_) if p)
        return ref, "%s/arcgis/rest/services/%s" % (job.base_url, path)

    def _record(self, level, message):
        # assumption: message codes of the publishing job's log records (unrecorded).
        code = 8007 if level == "INFO" else 8008
        record = OrderedDict([("type", level), ("message", message),
                              ("time", int(self.site.now() * 1000)), ("source", SOURCE),
                              ("code", code)])
        self.log.append(record)
        logs = getattr(self.site, "logs", None)
        if hasattr(logs, "write"):   # the site's log (logs area): what logs/query returns
            logs.write((level, code, SOURCE, "%(message)s"), message=message)


class _JobFailed(Exception):
    def __init__(self, messages):
        Exception.__init__(self, messages[0])
        self.messages = messages


def _ctime(seconds):
    return time.strftime("%A, %B %d, %Y %H:%M:%S", time.gmtime(seconds))
