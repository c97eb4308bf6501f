"""Put records into the catalogue, and take them out again, in one transaction."""
from typing import List

from sqlalchemy import select
from sqlalchemy.orm import Session

from services_catalog.csv_format import ServiceRecord
from services_catalog.models import (Location, Organization, Phone, Schedule, Service,
                                     ServiceLanguage, ServiceText, ServiceTopic, utcnow)


def add_record(session: Session, record: ServiceRecord) -> Service:
    """Add one service (its organisation is found by name or created)."""
    organization = session.execute(
        select(Organization).where(Organization.name == record.organization)).scalars().first()
    if organization is None:
        organization = Organization(name=record.organization)
        session.add(organization)
    service = Service(organization=organization)
    fill_service(service, record)
    session.add(service)
    return service


def fill_service(service: Service, record: ServiceRecord) -> Service:
    """Set every field the record carries on a new or existing service (not its
    organisation); other texts than descriptions are kept. Imports and approved
    portal changes both go through here."""
    service.name, service.is_free = record.name, record.is_free
    service.no_documents_required = record.no_documents_required
    service.minimum_age, service.maximum_age = record.minimum_age, record.maximum_age
    service.assured_date, service.source_language = record.assured_date, record.source_language
    service.email, service.url = record.email, record.url
    service.last_modified = utcnow()
    service.topics = [ServiceTopic(topic=t) for t in dict.fromkeys(record.topics)]
    service.languages = [ServiceLanguage(code=c) for c in dict.fromkeys(record.languages)]
    service.locations = [Location(address_1=record.address, city=record.city,
                                  postal_code=record.postal_code, district=record.district,
                                  latitude=record.latitude, longitude=record.longitude)]
    service.phones = [Phone(number=record.phone)] if record.phone else []
    service.schedules = [Schedule(byday=d, opens_at=o, closes_at=c) for d, o, c in record.schedules]
    # Texts are updated in place: (service, field, language) is unique and the
    # unit of work inserts new rows before it deletes old ones.
    current = {(t.field, t.language): t for t in service.texts}
    texts = [t for t in service.texts if t.field != "description"]
    for lang, text in record.descriptions.items():
        row = current.get(("description", lang)) or ServiceText(field="description", language=lang)
        row.text = text
        texts.append(row)
    service.texts = texts
    return service


def import_records(session: Session, records: List[ServiceRecord]) -> int:
    """Add every record; the caller's transaction makes it all or nothing."""
    for record in records:
        add_record(session, record)
    session.flush()
    return len(records)


def export_records(session: Session) -> List[ServiceRecord]:
    services = session.execute(select(Service).order_by(Service.name, Service.id)).scalars().all()
    return [record_of(s) for s in services]


def record_of(s: Service) -> ServiceRecord:
    """One service as a record (what export writes and a change is compared with)."""
    location = s.locations[0] if s.locations else None
    return ServiceRecord(
        organization=s.organization.name, name=s.name, topics=sorted(t.topic for t in s.topics),
        descriptions={t.language: t.text for t in s.texts if t.field == "description"},
        address=location.address_1 if location else None,
        postal_code=location.postal_code if location else None,
        city=location.city if location else None, district=location.district if location else None,
        latitude=location.latitude if location else None,
        longitude=location.longitude if location else None,
        phone=s.phones[0].number if s.phones else None, email=s.email, url=s.url,
        languages=sorted(l.code for l in s.languages), is_free=s.is_free,
        no_documents_required=s.no_documents_required, minimum_age=s.minimum_age,
        maximum_age=s.maximum_age,
        schedules=[(x.byday, x.opens_at, x.closes_at) for x in s.schedules],
        assured_date=s.assured_date, source_language=s.source_language)
