"""`python -m bot`: run the gateway, or manage staff and CSO accounts."""
import argparse
import logging
import sys

from aiohttp import web

from bot.access_log import RedactingAccessLogger
from bot.account_cli import add_account_commands, run_account_command
from bot.app import init_app
from bot.settings import Settings


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="run the gateway (the default)")
    add_account_commands(commands)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command in (None, "serve"):
        settings = Settings.from_env()
        web.run_app(init_app(settings), host=settings.host, port=settings.port,
                    access_log_class=RedactingAccessLogger, print=lambda *_: None)
        return 0
    if args.command in ("staff", "cso"):
        return run_account_command(args)
    parser.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
