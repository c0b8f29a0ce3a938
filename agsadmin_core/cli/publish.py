"""``agsadmin publish FILE.sd``: publish a service definition, with its upload and job shown."""

from .. import options
from .common import Argument, Command

MB = 1024 * 1024


def publish(args, ctx):
    with ctx.connect() as server:
        result = server.publish_sd(
            args.sd, folder=args.folder, service_name=args.service_name,
            overwrite=args.overwrite, start=not args.no_start,
            part_size=int(args.part_size * MB) if args.part_size else None,
            reporter=ctx.reporter, timeout=args.job_timeout)
    lines = ["%s %s (%s)." % ("Replaced" if result.replaced else "Published", result.service,
                              "started" if result.started else "stopped"),
             result.url]
    ctx.printer.record(result.to_json(), lines)


COMMANDS = [
    Command("publish", "publish a service definition (.sd): upload it, run the publishing "
                       "job, print the new service's URL", publish, [
        Argument("sd", metavar="FILE.sd", help="the service definition file"),
        options.PUBLISH_FOLDER, options.SERVICE_NAME, options.OVERWRITE, options.NO_START,
        options.PART_SIZE, options.JOB_TIMEOUT,
    ], epilog="""The file is checked first (a 7-Zip archive holding serviceconfiguration.json),
then uploaded (progress on stderr), then the System/PublishingTools job runs; its messages
are shown as they arrive. The uploaded item is deleted afterwards, also on failure. A failed
job exits 1 and prints the job's messages (search for their ERROR codes); a file that is not
an .sd, or a service that exists without --overwrite, exits 2; Ctrl-C cancels the job (130).

examples:
  agsadmin --connection prod.agsadmin.json publish Parcels.sd --folder Maps
  agsadmin --connection prod.agsadmin.json publish Parcels.sd --folder Maps --overwrite
  agsadmin --connection prod.agsadmin.json publish Big.sd --part-size 20 --json"""),
]
