"""`python -m tools.backup create DIR` / `restore DIR`: back up and restore every database.

SQLite files are copied with SQLite's online backup API (safe while the
gateway and Rasa write); PostgreSQL databases with pg_dump / pg_restore.
After a restore, every conversation erased since the backup was taken (the
erasure ledger, bot/erasure_ledger.py) is erased again: a restore never brings
back what a person asked us to forget. Stop the processes before restoring.
"""
import argparse
import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Dict, Tuple
from urllib.parse import urlparse

from bot.accounts import AccountStore
from bot.erasure_ledger import ErasureLedger
from bot.settings import Settings
from bot.store import GatewayStore, make_engine
from bot.tracker_eraser import TrackerEraser
from services_catalog.db import engine_for

MANIFEST = "manifest.json"


def databases(settings: Settings) -> Dict[str, str]:
    """Each database to back up, by name (the tracker store may share the gateway's)."""
    found = {"helpdesk": settings.database_url}
    if settings.tracker_store_url != settings.database_url:
        found["tracker"] = settings.tracker_store_url
    return found


def _sqlite_path(url: str) -> Path:
    return Path(url.split("sqlite:///", 1)[1])


def _pg(url: str) -> Tuple[str, Dict[str, str]]:
    """A libpq URL without its password (which `ps` would show), and the environment
    that carries the password instead (pg_dump does not know SQLAlchemy's +driver)."""
    parsed = urlparse(url)
    environment = dict(os.environ)
    netloc = parsed.netloc
    if parsed.password:
        environment["PGPASSWORD"] = parsed.password
        netloc = netloc.replace(f":{parsed.password}@", "@", 1)
    return parsed._replace(scheme="postgresql", netloc=netloc).geturl(), environment


def _copy_sqlite(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def create(settings: Settings, directory: Path) -> dict:
    directory.mkdir(parents=True, exist_ok=True)
    manifest = {"taken_at": datetime.now(timezone.utc).isoformat(), "files": {}}
    for name, url in databases(settings).items():
        if url.startswith("sqlite"):
            target = directory / f"{name}.sqlite"
            _copy_sqlite(_sqlite_path(url), target)
        elif url.startswith("postgresql"):
            target = directory / f"{name}.pgdump"
            libpq_url, environment = _pg(url)
            subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}",
                            libpq_url], check=True, env=environment)
        else:
            raise SystemExit(f"cannot back up a {url.split(':')[0]} database")
        manifest["files"][name] = target.name
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return manifest


def restore(settings: Settings, directory: Path) -> int:
    """Restore the backup, then erase again what was erased since; returns how many."""
    manifest = json.loads((directory / MANIFEST).read_text())
    taken_at = datetime.fromisoformat(manifest["taken_at"])
    # Read before touching anything: if the ledger cannot be read, nothing is restored.
    ledger = ErasureLedger(settings.ledger_path, settings.ledger_days)
    # A margin: erasing again what was already gone when the backup was taken is harmless.
    erased = ledger.since(taken_at - timedelta(minutes=5))
    urls = databases(settings)
    for name, filename in manifest["files"].items():
        url = urls[name]
        if url.startswith("sqlite"):
            _copy_sqlite(directory / filename, _sqlite_path(url))
        else:
            libpq_url, environment = _pg(url)
            subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner",
                            f"--dbname={libpq_url}", str(directory / filename)], check=True,
                           env=environment)
    store = GatewayStore(make_engine(settings.database_url))
    # Sessions revoked since the backup (sign-outs, disabled accounts) must stay revoked:
    # every session ends. Accounts disabled since the backup must be disabled again by hand.
    AccountStore(store.engine).end_all_sessions()
    tracker = TrackerEraser(engine_for(settings.tracker_store_url))
    for conversation_id in erased:
        store.erase_conversation(conversation_id)
        tracker.erase(conversation_id)
    return len(erased)


def main(argv=None) -> int:
    os.umask(0o077)  # backups hold conversations: readable by their owner only
    parser = argparse.ArgumentParser(prog="python -m tools.backup")
    parser.add_argument("action", choices=["create", "restore"])
    parser.add_argument("directory", type=Path)
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if args.action == "create":
        manifest = create(settings, args.directory)
        print(f"backup of {', '.join(manifest['files'])} written to {args.directory}")
    else:
        count = restore(settings, args.directory)
        print(f"restored from {args.directory}; {count} conversations erased since were erased again")
    return 0


if __name__ == "__main__":
    sys.exit(main())
