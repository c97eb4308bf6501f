"""Load a region's emergency contacts and the demo catalogue from YAML files."""
from datetime import date
from pathlib import Path
from typing import List

import yaml
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services_catalog.csv_format import ServiceRecord
from services_catalog.importer import import_records
from services_catalog.models import EmergencyContact, Service

HERE = Path(__file__).resolve().parent
REGIONS_DIR = HERE / "regions"
DEMO_FILE = HERE / "demo" / "lyon.yml"


def region_timezone(region: str) -> str:
    """The IANA time zone in which the region's opening hours are written."""
    data = yaml.safe_load((REGIONS_DIR / f"{region}.yml").read_text(encoding="utf-8"))
    return data.get("timezone", "UTC")


def load_region(session: Session, region: str) -> int:
    """Replace the region's emergency contacts with those of regions/<region>.yml."""
    data = yaml.safe_load((REGIONS_DIR / f"{region}.yml").read_text(encoding="utf-8"))
    session.execute(delete(EmergencyContact).where(EmergencyContact.region == region))
    for rank, contact in enumerate(data["contacts"]):
        session.add(EmergencyContact(region=region, number=str(contact["number"]),
                                     label=contact["label"], kinds=",".join(contact["kinds"]),
                                     sms=bool(contact.get("sms")), rank=rank))
    return len(data["contacts"])


def demo_records(path: Path = DEMO_FILE) -> List[ServiceRecord]:
    """The demo YAML as the records every importer exchanges."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    records = []
    for org in data["organizations"]:
        for spec in org["services"]:
            loc = spec.get("location") or {}
            records.append(ServiceRecord(
                organization=org["name"], name=spec["name"], topics=spec["topics"],
                descriptions=dict(spec.get("description") or {}), address=loc.get("address"),
                postal_code=str(loc.get("postal_code", "")) or None, city=loc.get("city"),
                district=loc.get("district"), latitude=loc.get("lat"), longitude=loc.get("lon"),
                phone=spec.get("phone"), languages=spec.get("languages", []),
                is_free=bool(spec.get("free", True)),
                no_documents_required=bool(spec.get("no_documents")),
                minimum_age=spec.get("minimum_age"), maximum_age=spec.get("maximum_age"),
                schedules=[(s["days"], s["opens"], s["closes"]) for s in spec.get("schedule", [])],
                assured_date=spec.get("assured_date") or date(2026, 11, 1)))
    return records


def load_demo(session: Session, path: Path = DEMO_FILE) -> int:
    """Add the demo organisations and services; returns how many services."""
    return import_records(session, demo_records(path))


def ensure_catalogue(session: Session, region: str = "fr") -> str:
    """Emergency contacts always current; the demo only into an empty catalogue."""
    load_region(session, region)
    if session.execute(select(Service.id).limit(1)).first() is None:
        return f"demo catalogue loaded ({load_demo(session)} services)"
    return "catalogue already has services"
