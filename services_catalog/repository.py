"""Read the catalogue: services for a topic and place, and emergency contacts.

Returns plain dataclasses so that actions and the gateway never hold ORM
objects or sessions.
"""
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Dict, List, Optional, Sequence, Tuple

from sqlalchemy import bindparam, case, exists, func, literal, or_, select
from sqlalchemy.orm import Session

from services_catalog.geo import Point, distance_km, longitude_scale, ordering_expression, valid_point
from services_catalog.models import (EmergencyContact, Location, Organization, Phone, Schedule,
                                     Service, ServiceLanguage, ServiceText, ServiceTopic)
from services_catalog.opening_hours import day_and_clock


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
    distance_km: Optional[float] = None  # from the person, when their position is known


@dataclass
class EmergencyLine:
    number: str
    label: str  # English gettext id
    sms: bool


@dataclass
class SearchRequest:
    """One search as the assistant runs it; kept in a slot so "More" repeats it."""

    topic: str
    postal_code_prefix: Optional[str] = None  # the area, when no position is known
    near: Optional[Point] = None  # (latitude, longitude): nearest first
    language: Optional[str] = None  # services speaking it come first
    child_ages: Optional[Tuple[int, int]] = None  # the child's age band, in years
    free_only: bool = False
    open_at: Optional[datetime] = None  # aware; with `timezone`, the region's
    timezone: str = "UTC"
    offset: int = 0

    def to_slot(self) -> Dict[str, Any]:
        """JSON for a Rasa slot (open_at is a moment, not a lasting wish: dropped)."""
        data = asdict(self)
        data.pop("open_at")
        return data

    @classmethod
    def from_slot(cls, data: Any) -> Optional["SearchRequest"]:
        """The request a slot holds, or None when it holds none (or something else)."""
        if not isinstance(data, dict) or not data.get("topic"):
            return None
        near, ages = data.get("near"), data.get("child_ages")
        try:
            return cls(topic=str(data["topic"]), postal_code_prefix=data.get("postal_code_prefix"),
                       near=(float(near[0]), float(near[1])) if near and len(near) == 2
                       and valid_point(*near) else None,
                       language=data.get("language"),
                       child_ages=(int(ages[0]), int(ages[1])) if ages and len(ages) == 2 else None,
                       free_only=bool(data.get("free_only")), timezone=data.get("timezone") or "UTC",
                       offset=max(0, int(data.get("offset") or 0)))
        except (TypeError, ValueError):
            return None


@dataclass
class SearchPage:
    cards: List[ServiceCard]
    has_more: bool
    request: SearchRequest  # as run: the area widened where nothing was closer
    widened: bool = False


def _nearest(locations: List[Any], near: Optional[Point]) -> Tuple[Optional[Any], Optional[float]]:
    """The location to show (the nearest one when the person's position is known) and its distance."""
    if not locations:
        return None, None
    if near is not None:
        placed = [(distance_km(near, (l.latitude, l.longitude)), l) for l in locations
                  if l.latitude is not None and l.longitude is not None]
        if placed:
            distance, location = min(placed, key=lambda pair: pair[0])
            return location, distance
    return locations[0], None


# Statements are built once per shape (which filters are on) with every value
# a bound parameter: building and hashing a fresh statement cost more than
# SQLite's own work on small catalogues. The covering indexes they rely on
# (models.py: ix_*_search, ix_location_area) let SQLite answer from indexes alone.
NO_COORDINATES = 1e9  # larger than any squared distance in degrees: such services come last


@lru_cache(maxsize=128)
def _ids_statement(near: bool, area: Optional[str], ranged: bool, free_only: bool, ages: bool,
                   open_at: bool, language: bool):
    query = (select(Service.id).join(ServiceTopic, ServiceTopic.service_id == Service.id)
             .where(ServiceTopic.topic == bindparam("topic"), Service.status == "active"))
    in_area = Location.postal_code.startswith(bindparam("area_start"))
    if ranged:  # the same area as a range, which an index can read (LIKE with a parameter cannot)
        in_area &= ((Location.postal_code >= bindparam("area_start"))
                    & (Location.postal_code < bindparam("area_end")))
    if area == "narrow":  # a postcode or a town: few locations, read them first
        query = query.where(Service.id.in_(select(Location.service_id).where(in_area)))
    elif area == "wide":  # a département: most of the catalogue, check each service of the topic
        query = query.where(exists().where(Location.service_id == Service.id, in_area))
    if free_only:
        query = query.where(Service.is_free.is_(True))
    if ages:  # the service takes some child of the band
        query = query.where(or_(Service.minimum_age.is_(None), Service.minimum_age <= bindparam("oldest")),
                            or_(Service.maximum_age.is_(None), Service.maximum_age >= bindparam("youngest")))
    if open_at:
        query = query.where(exists().where(
            Schedule.service_id == Service.id,
            (literal(",") + Schedule.byday + literal(",")).contains(bindparam("day")),
            Schedule.opens_at <= bindparam("clock"), Schedule.closes_at > bindparam("clock")))
    if near:
        # One correlated subquery, evaluated once per row (ORDER BY d IS NULL, d would
        # evaluate it twice); nearest first, and nothing else to compute per row.
        distance = (select(func.min(ordering_expression(Location.latitude, Location.longitude,
                                                        bindparam("latitude"), bindparam("longitude"),
                                                        bindparam("scale"))))
                    .where(Location.service_id == Service.id).scalar_subquery())
        order = [func.coalesce(distance, NO_COORDINATES)]
    else:
        order = []
        if language:
            order.append(case((exists().where(ServiceLanguage.service_id == Service.id,
                                              ServiceLanguage.code == bindparam("language")), 0), else_=1))
        order.append(Service.is_free.desc())
    order += [Service.name, Service.id]
    return query.order_by(*order).limit(bindparam("limit")).offset(bindparam("offset"))


def _area_end(prefix: str) -> Optional[str]:
    """The first postcode after those starting with `prefix`, for an index range
    ("6900" → "6901"); digit prefixes only, where every collation agrees."""
    if prefix.isascii() and prefix.isdigit() and int(prefix) + 1 < 10 ** len(prefix):
        return str(int(prefix) + 1).zfill(len(prefix))
    return None


def _ids_parameters(r: SearchRequest, limit: int) -> Tuple[Tuple[Any, ...], Dict[str, Any]]:
    area, end = None, None
    values: Dict[str, Any] = {"topic": r.topic, "limit": limit, "offset": r.offset}
    if r.near is not None:
        values.update(latitude=r.near[0], longitude=r.near[1], scale=longitude_scale(r.near[0]))
    elif r.postal_code_prefix:
        prefix, end = r.postal_code_prefix, _area_end(r.postal_code_prefix)
        area = "narrow" if len(prefix) >= 4 else "wide"
        values["area_start"] = prefix
        if end is not None:
            values["area_end"] = end
    shape = (r.near is not None, area, end is not None, r.free_only, bool(r.child_ages),
             r.open_at is not None, bool(r.language) and r.near is None)
    if r.child_ages:
        values["youngest"], values["oldest"] = r.child_ages
    if r.open_at is not None:
        day, values["clock"] = day_and_clock(r.open_at, r.timezone)
        values["day"] = f",{day},"
    if r.language and r.near is None:
        values["language"] = r.language
    return shape, values


_IDS = bindparam("ids", expanding=True)
_CARD_STATEMENTS = {
    "services": select(Service.id, Service.name, Organization.name.label("organization"), Service.is_free,
                       Service.no_documents_required, Service.assured_date, Service.source_language)
    .join(Organization, Organization.id == Service.organization_id).where(Service.id.in_(_IDS)),
    "topics": select(ServiceTopic.service_id, ServiceTopic.topic).where(ServiceTopic.service_id.in_(_IDS)),
    "languages": select(ServiceLanguage.service_id, ServiceLanguage.code)
    .where(ServiceLanguage.service_id.in_(_IDS)),
    "texts": select(ServiceText.service_id, ServiceText.field, ServiceText.language, ServiceText.text)
    .where(ServiceText.service_id.in_(_IDS)),
    "locations": select(Location.service_id, Location.address_1, Location.postal_code, Location.city,
                        Location.latitude, Location.longitude).where(Location.service_id.in_(_IDS)),
    "phones": select(Phone.service_id, Phone.number).where(Phone.service_id.in_(_IDS)).order_by(Phone.id),
    "schedules": select(Schedule.service_id, Schedule.byday, Schedule.opens_at, Schedule.closes_at)
    .where(Schedule.service_id.in_(_IDS)).order_by(Schedule.id),
}


class ServiceRepository:
    """Queries over one session."""

    def __init__(self, session: Session):
        self.session = session

    def search(self, topic: str, postal_code_prefix: Optional[str] = None,
               language: Optional[str] = None, limit: int = 3, offset: int = 0,
               **filters: Any) -> List[ServiceCard]:
        """Active services for `topic` (in the postcode area if given), those
        where the person's language is spoken first, free ones next; nearest
        first instead when `near` is given. `filters` are the other
        SearchRequest fields (near, child_ages, free_only, open_at, timezone)."""
        request = SearchRequest(topic, postal_code_prefix=postal_code_prefix, language=language,
                                offset=offset, **filters)
        return self.cards(self._ids(request, limit), request.near)

    def page(self, request: SearchRequest, size: int = 3) -> SearchPage:
        """One page of results. A first page with nothing in the postcode
        widens to its département, then to the whole catalogue."""
        scopes = [request]
        prefix = request.postal_code_prefix
        if request.near is None and prefix and request.offset == 0:
            scopes += [replace(request, postal_code_prefix=p) for p in dict.fromkeys((prefix[:2], None))
                       if p != prefix]
        for scope in scopes:
            ids = self._ids(scope, size + 1)  # one more than shown: is there a next page?
            if ids:
                return SearchPage(self.cards(ids[:size], scope.near), len(ids) > size, scope,
                                  widened=scope is not request)
        return SearchPage([], False, request)

    def _ids(self, request: SearchRequest, limit: int) -> List[str]:
        """Filtered, ordered and limited in SQL, so that only the services
        shown are loaded."""
        shape, values = _ids_parameters(request, limit)
        return list(self.session.connection().execute(_ids_statement(*shape), values).scalars())

    def cards(self, ids: List[str], near: Optional[Point] = None) -> List[ServiceCard]:
        """The cards of these services, in this order: plain column queries,
        one per table (ORM objects with their collections cost three times
        the search itself)."""
        if not ids:
            return []
        connection = self.session.connection()
        fetched: Dict[str, Dict[str, List[Any]]] = {}
        for name, statement in _CARD_STATEMENTS.items():
            fetched[name] = {}
            for row in connection.execute(statement, {"ids": ids}):
                fetched[name].setdefault(row[0], []).append(row)
        cards = []
        for service_id in ids:
            if service_id not in fetched["services"]:  # deleted between the two queries
                continue
            row = fetched["services"][service_id][0]
            location, distance = _nearest(fetched["locations"].get(service_id, []), near)
            texts: Dict[str, Dict[str, str]] = {}
            for text in fetched["texts"].get(service_id, []):
                texts.setdefault(text.field, {})[text.language] = text.text
            phones = fetched["phones"].get(service_id)
            cards.append(ServiceCard(
                id=service_id, name=row.name, organization=row.organization,
                topics=sorted(t.topic for t in fetched["topics"].get(service_id, [])),
                address=location.address_1 if location else None,
                postal_code=location.postal_code if location else None,
                city=location.city if location else None,
                phone=phones[0].number if phones else None,
                is_free=row.is_free, no_documents_required=row.no_documents_required,
                languages=sorted(l.code for l in fetched["languages"].get(service_id, [])),
                assured_date=row.assured_date, source_language=row.source_language, texts=texts,
                schedules=[{"byday": x.byday, "opens_at": x.opens_at, "closes_at": x.closes_at}
                           for x in fetched["schedules"].get(service_id, [])],
                distance_km=distance))
        return cards

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
