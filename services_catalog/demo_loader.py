"""Load a region's emergency contacts and the demo catalogue from YAML files."""
from datetime import date
from pathlib import Path

import yaml
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services_catalog.models import (EmergencyContact, Location, Organization, Phone, Schedule,
                                     Service, ServiceLanguage, ServiceText, ServiceTopic)

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


def load_demo(session: Session, path: Path = DEMO_FILE) -> int:
    """Add the demo organisations and services; returns how many services."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    count = 0
    for org_data in data["organizations"]:
        org = Organization(name=org_data["name"], description="Demonstration data")
        session.add(org)
        for spec in org_data["services"]:
            service = Service(
                name=spec["name"], organization=org, is_free=bool(spec.get("free", True)),
                no_documents_required=bool(spec.get("no_documents")),
                minimum_age=spec.get("minimum_age"), maximum_age=spec.get("maximum_age"),
                assured_date=spec.get("assured_date") or date(2026, 11, 1), source_language="fr",
            )
            service.topics = [ServiceTopic(topic=t) for t in spec["topics"]]
            service.languages = [ServiceLanguage(code=c) for c in spec.get("languages", [])]
            loc = spec.get("location") or {}
            service.locations = [Location(address_1=loc.get("address"), city=loc.get("city"),
                                          postal_code=str(loc.get("postal_code", "")),
                                          district=loc.get("district"),
                                          latitude=loc.get("lat"), longitude=loc.get("lon"))]
            if spec.get("phone"):
                service.phones = [Phone(number=spec["phone"])]
            service.schedules = [Schedule(byday=s["days"], opens_at=s["opens"], closes_at=s["closes"])
                                 for s in spec.get("schedule", [])]
            service.texts = [ServiceText(field="description", language=lang, text=text)
                             for lang, text in (spec.get("description") or {}).items()]
            session.add(service)
            count += 1
    return count


def ensure_catalogue(session: Session, region: str = "fr") -> str:
    """Emergency contacts always current; the demo only into an empty catalogue."""
    load_region(session, region)
    if session.execute(select(Service.id).limit(1)).first() is None:
        return f"demo catalogue loaded ({load_demo(session)} services)"
    return "catalogue already has services"
