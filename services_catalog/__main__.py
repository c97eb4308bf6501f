"""Command line for the catalogue: `python -m services_catalog ensure-demo`."""
import argparse
import sys

from services_catalog.db import open_session
from services_catalog.demo_loader import ensure_catalogue
from services_catalog.repository import ServiceRepository


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services_catalog")
    commands = parser.add_subparsers(dest="command", required=True)
    ensure = commands.add_parser("ensure-demo", help="emergency contacts, and the demo catalogue when empty")
    ensure.add_argument("--region", default="fr")
    commands.add_parser("stats", help="how many services the catalogue holds")
    args = parser.parse_args(argv)
    with open_session() as session, session.begin():
        if args.command == "ensure-demo":
            print(ensure_catalogue(session, args.region))
        else:
            print(f"{ServiceRepository(session).count_services()} services")
    return 0


if __name__ == "__main__":
    sys.exit(main())
