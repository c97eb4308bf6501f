"""Read the catalogue: services for a topic and place, and emergency contacts.

Returns plain dataclasses so that actions and the gateway never hold ORM
objects or sessions.
"""
from dataclasses import dataclass, field
from datetime import date
from typing import Dict, List, Optional, Sequence

from sqlalchemy import case, exists, select
from sqlalchemy.orm import Session

from services_catalog.models import (EmergencyContact, Location, Service, ServiceLanguage,
                                     ServiceTopic)


@dataclass
class ServiceCard:
    """What the assistant shows of one service."""

    id: str
    name: str
    organization: str
    topics: List[str]
    address: Optional[str]
    postal_code: Optional[str]
    city: Optional[str]
    phone: Optional[str]
    is_free: bool
    no_documents_required: bool
    languages: List[str]
    assured_date: Optional[date]
    source_language: str
    texts: Dict[str, Dict[str, str]] = field(default_factory=dict)  # field -> lang -> text
    schedules: List[Dict[str, str]] = field(default_factory=list)


@dataclass
class EmergencyLine:
    number: str
    label: str  # English gettext id
    sms: bool


def _card(service: Service) -> ServiceCard:
    location: Optional[Location] = service.locations[0] if service.locations else None
    texts: Dict[str, Dict[str, str]] = {}
    for text in service.texts:
        texts.setdefault(text.field, {})[text.language] = text.text
    return ServiceCard(
        id=service.id, name=service.name, organization=service.organization.name,
        topics=sorted(t.topic for t in service.topics),
        address=location.address_1 if location else None,
        postal_code=location.postal_code if location else None,
        city=location.city if location else None,
        phone=service.phones[0].number if service.phones else None,
        is_free=service.is_free, no_documents_required=service.no_documents_required,
        languages=sorted(l.code for l in service.languages),
        assured_date=service.assured_date, source_language=service.source_language,
        texts=texts,
        schedules=[{"byday": s.byday, "opens_at": s.opens_at, "closes_at": s.closes_at}
                   for s in service.schedules],
    )


class ServiceRepository:
    """Queries over one session."""

    def __init__(self, session: Session):
        self.session = session

    def search(self, topic: str, postal_code_prefix: Optional[str] = None,
               language: Optional[str] = None, limit: int = 3, offset: int = 0) -> List[ServiceCard]:
        """Active services for `topic` (in the postcode area if given), those
        where the person's language is spoken first; filtered, ordered and
        limited in SQL so that only the services shown are loaded."""
        query = (select(Service.id).join(ServiceTopic)
                 .where(ServiceTopic.topic == topic, Service.status == "active"))
        if postal_code_prefix:
            query = query.where(exists().where(Location.service_id == Service.id,
                                               Location.postal_code.startswith(postal_code_prefix)))
        if language:
            speaks = exists().where(ServiceLanguage.service_id == Service.id,
                                    ServiceLanguage.code == language)
            query = query.order_by(case((speaks, 0), else_=1))
        query = query.order_by(Service.name, Service.id).offset(offset).limit(limit)
        ids = list(self.session.execute(query).scalars())
        if not ids:
            return []
        services = {s.id: s for s in self.session.execute(
            select(Service).where(Service.id.in_(ids))).scalars()}
        return [_card(services[i]) for i in ids]

    def emergency_lines(self, region: str, kinds: Sequence[str]) -> List[EmergencyLine]:
        contacts = self.session.execute(
            select(EmergencyContact).where(EmergencyContact.region == region)
            .order_by(EmergencyContact.rank)
        ).scalars()
        wanted = set(kinds)
        return [EmergencyLine(c.number, c.label, c.sms) for c in contacts
                if wanted & set(c.kinds.split(","))]

    def count_services(self) -> int:
        return len(self.session.execute(select(Service.id)).scalars().all())
