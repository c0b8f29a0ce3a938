"""``agsadmin login`` and ``logout``: check a password and keep it in the OS keyring."""

from ..errors import InvalidInput
from .common import Argument, Command


def login(args, ctx):
    from ..connect import login as check_and_store
    info = ctx.connection_info()
    if args.token:
        raise InvalidInput("'login' signs in with a password, not a token.")
    done = check_and_store(info, store=not args.no_keyring)
    if args.save:
        info.save(args.save)
    lines = ["Signed in to %s as %s." % (done.site, done.user)]
    if done.stored:
        lines.append("Password stored in the OS keyring.")
    elif done.not_stored:
        ctx.reporter.warning("The password was not stored: %s. AGSADMIN_PASSWORD is set and "
                             "will be used, as it was now." % done.not_stored)
    if args.save:
        lines.append("Connection saved to %s (it holds no password)." % args.save)
    ctx.printer.record({"server": done.site, "user": done.user,
                        "stored_in_keyring": done.stored, "not_stored": done.not_stored,
                        "connection_file": args.save},
                       lines)


def logout(args, ctx):
    from ..connection import delete_password
    info = ctx.connection_info()
    removed = delete_password(info.urls.admin, info.username)
    line = ("Removed the stored password of %s at %s." if removed else
            "No stored password for %s at %s.") % (info.username, info.urls.site)
    ctx.printer.record({"server": info.urls.site, "user": info.username, "removed": removed},
                       [line])


COMMANDS = [
    Command("login", "check the credentials, store the password in the OS keyring, "
                     "optionally save a connection file", login, [
                         Argument("--save", metavar="FILE",
                                  help="write a connection file (it never holds the password)"),
                         Argument("--no-keyring", action="store_true",
                                  help="check the credentials but do not store the password"),
                     ]),
    Command("logout", "remove the password that 'login' stored in the OS keyring", logout),
]
