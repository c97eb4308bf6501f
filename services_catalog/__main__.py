"""Command line for the catalogue.

    python -m services_catalog import FILE.csv|.xlsx|.json [--topic TOPIC]   all or nothing
    python -m services_catalog export FILE.csv|FILE.json          CSV, or HSDS 3.0 JSON
    python -m services_catalog ensure-demo                        emergency numbers, demo when empty
    python -m services_catalog stats
"""
import argparse
import json
import sys
from pathlib import Path

from services_catalog.csv_format import KNOWN_TOPICS, read_csv, read_xlsx, write_csv
from services_catalog.db import open_session
from services_catalog.demo_loader import ensure_catalogue
from services_catalog.hsds import hsds_to_records, records_to_hsds
from services_catalog.importer import export_records, import_records
from services_catalog.repository import ServiceRepository


def read_any(path: Path, topic: str = None):
    """Records and errors from a CSV, XLSX or HSDS JSON file, by suffix."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(path)
    if suffix == ".xlsx":
        return read_xlsx(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        return [], [f"{path.name}: not valid JSON ({error})"]
    return hsds_to_records(data, path.name, topic)


def import_file(path: Path, topic: str = None) -> int:
    if path.suffix.lower() not in (".csv", ".xlsx", ".json"):
        print(f"{path.name}: import takes .csv, .xlsx or HSDS .json files", file=sys.stderr)
        return 2
    if not path.exists():
        print(f"{path}: no such file", file=sys.stderr)
        return 2
    if topic and topic not in KNOWN_TOPICS:
        print(f"--topic {topic!r} is not a topic of docs/intents.md", file=sys.stderr)
        return 2
    records, errors = read_any(path, topic)
    if errors:
        for error in errors:
            print(error, file=sys.stderr)
        print(f"nothing imported: {len(errors)} error(s)", file=sys.stderr)
        return 1
    if topic:
        for record in records:
            record.topics = list(dict.fromkeys(record.topics + [topic]))
    with open_session() as session, session.begin():
        count = import_records(session, records)
    print(f"{count} services imported from {path.name}")
    return 0


def export_file(path: Path) -> int:
    with open_session() as session:
        records = export_records(session)
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(records_to_hsds(records), ensure_ascii=False, indent=2),
                        encoding="utf-8")
    else:
        write_csv(records, path)
    print(f"{len(records)} services exported to {path}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services_catalog")
    commands = parser.add_subparsers(dest="command", required=True)
    importing = commands.add_parser("import", help="import CSV, XLSX or HSDS 3.0 JSON, all or nothing")
    importing.add_argument("file", type=Path)
    importing.add_argument("--topic", help="add this topic to every service of the file")
    exporting = commands.add_parser("export", help="export to CSV, or HSDS 3.0 JSON by suffix")
    exporting.add_argument("file", type=Path)
    ensure = commands.add_parser("ensure-demo", help="emergency contacts, and the demo catalogue when empty")
    ensure.add_argument("--region", default="fr")
    commands.add_parser("stats", help="how many services the catalogue holds")
    args = parser.parse_args(argv)
    if args.command == "import":
        return import_file(args.file, args.topic)
    if args.command == "export":
        return export_file(args.file)
    with open_session() as session, session.begin():
        if args.command == "ensure-demo":
            print(ensure_catalogue(session, args.region))
        else:
            print(f"{ServiceRepository(session).count_services()} services")
    return 0


if __name__ == "__main__":
    sys.exit(main())
