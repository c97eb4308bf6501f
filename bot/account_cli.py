"""`python -m bot staff …` and `python -m bot cso …`: accounts from the command line.

Passwords are read from standard input (twice, hidden, on a terminal), never
from the command line, where they would sit in the shell's history.
"""
import argparse
import getpass
import sys
from typing import Optional

from bot.accounts import AccountError, AccountStore
from bot.settings import Settings
from bot.store import make_engine


def add_account_commands(commands: "argparse._SubParsersAction") -> None:
    staff = commands.add_parser("staff", help="help-desk staff accounts").add_subparsers(dest="action")
    create = staff.add_parser("create", help="create a staff account (password on stdin)")
    create.add_argument("email")
    create.add_argument("--languages", default="", help="languages spoken, e.g. fr,ar")
    create.add_argument("--role", choices=["caseworker", "admin"], default="caseworker")
    cso = commands.add_parser("cso", help="CSO accounts").add_subparsers(dest="action")
    create = cso.add_parser("create", help="create a CSO account (password on stdin)")
    create.add_argument("email")
    create.add_argument("--organization", required=True, help="organisation name or id")
    for group in (staff, cso):
        group.add_parser("list", help="list accounts")
        disable = group.add_parser("disable", help="disable an account and end its sessions")
        disable.add_argument("email")


def read_password(stream=sys.stdin) -> str:
    if stream.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != first:
            raise AccountError("the two passwords differ")
        return first
    return stream.readline().rstrip("\n")


def resolve_organization(name_or_id: str) -> Optional[str]:
    """The id of an organisation given by id or exact name."""
    from sqlalchemy import or_, select

    from services_catalog.db import open_session
    from services_catalog.models import Organization

    with open_session() as session:
        return session.execute(select(Organization.id).where(
            or_(Organization.id == name_or_id, Organization.name == name_or_id))).scalars().first()


def run_account_command(args: argparse.Namespace, stdin=sys.stdin) -> int:
    kind = args.command
    settings = Settings.from_env()
    accounts = AccountStore(make_engine(settings.database_url))
    try:
        if args.action == "create":
            organization_id = None
            if kind == "cso":
                organization_id = resolve_organization(args.organization)
                if organization_id is None:
                    print(f"no organisation named or with id {args.organization!r}", file=sys.stderr)
                    return 1
            languages = [c.strip() for c in getattr(args, "languages", "").split(",") if c.strip()]
            account = accounts.create(args.email, read_password(stdin), kind=kind,
                                      role=getattr(args, "role", "cso"), languages=languages,
                                      organization_id=organization_id)
            print(f"created {account.kind} account {account.email} ({account.role})")
            return 0
        if args.action == "list":
            for account in accounts.list(kind):
                state = "active" if account.active else "disabled"
                print(f"{account.email}\t{account.role}\t{','.join(account.languages)}\t{state}")
            return 0
        if args.action == "disable":
            account = accounts.by_email(args.email)
            if account is None or account.kind != kind:
                print(f"no {kind} account {args.email}", file=sys.stderr)
                return 1
            accounts.set_active(account.id, False)
            print(f"disabled {account.email}; its sessions have ended")
            return 0
    except AccountError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print("say what to do: create, list or disable", file=sys.stderr)
    return 2
