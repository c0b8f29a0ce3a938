"""Routes of ``System/PublishingTools`` on the REST side (admin-api-next.md section 10): the
task descriptions clients read before submitting, ``submitJob``, job status, results, cancel.

The GP service itself (``.../PublishingTools/GPServer``) is the catalog's; these routes
answer only while that service is started, as on a real server.
"""

from __future__ import absolute_import, unicode_literals

from .. import envelopes as errors
from ..routing import route

GP = "/arcgis/rest/services/System/PublishingTools/GPServer"
TASK = GP + "/<task>"
JOB = TASK + "/jobs/<job>"


def _running(app):
    # A stopped PublishingTools answers "not started", like any stopped service.
    app.site.services.catalog_service("System", "PublishingTools", "GPServer")


def _publish_task(app, task):
    _running(app)
    if task.lower() != "publish service definition":
        raise errors.rest_not_emulated("System/PublishingTools/GPServer/%s jobs" % task)


def task(app, req, task):
    """The task resource (name, parameters...), by GET and POST (ARC POSTs it)."""
    _running(app)
    return app.site.publishing.task(task)


def submit_job(app, req, task):
    """``submitJob``: ``in_sdp_id``, optional ``in_config_overwrite``, ``in_publish_options``."""
    _publish_task(app, task)
    inputs = dict((name, req.get(name)) for name in
                  ("in_sdp_id", "in_config_overwrite", "in_publish_options"))
    return app.site.publishing.submit(inputs, app.base_url(req))


def job(app, req, task, job):
    """``jobs/<jobId>``: status, messages, results (progress from 10.8.1)."""
    _publish_task(app, task)
    return app.site.publishing.status(job)


def job_result(app, req, task, job, param):
    """``jobs/<jobId>/results/<param>``."""
    _publish_task(app, task)
    return app.site.publishing.result(job, param)


def job_input(app, req, task, job, param):
    """``jobs/<jobId>/inputs/<param>``."""
    _publish_task(app, task)
    return app.site.publishing.input(job, param)


def cancel(app, req, task, job):
    """``jobs/<jobId>/cancel``."""
    _publish_task(app, task)
    return app.site.publishing.cancel(job)


ROUTES = [
    route("GET POST", TASK, task, auth="catalog",
          doc="task description; Publish Service Definition with its six parameters"),
    route("GET POST", TASK + "/submitJob", submit_job, auth="catalog",
          doc="Publish Service Definition only; jobId j+32 hex, esriJobSubmitted"),
    route("GET POST", JOB, job, auth="catalog",
          doc="Submitted -> Executing -> Succeeded/Failed by the site clock; messages; progress 10.8.1+"),
    route("GET POST", JOB + "/status", job, auth="catalog", doc="same as the job (a Go client's form)"),
    route("GET POST", JOB + "/results/<param>", job_result, auth="catalog",
          doc="out_soap_svc_url, out_rest_svc_url, out_results"),
    route("GET POST", JOB + "/inputs/<param>", job_input, auth="catalog", doc="the inputs as sent"),
    route("GET POST", JOB + "/cancel", cancel, auth="catalog",
          doc="Cancelling, then Cancelled at the next look"),
]
