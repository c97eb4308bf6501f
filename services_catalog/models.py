"""The catalogue's tables, after Open Referral HSDS 3.0 plus what the help desk needs.

HSDS gives organization → service → location/address, phone, schedule and
language; the help desk adds topics from the intent taxonomy, texts per
language, free / no-documents flags and the region's emergency contacts.
"""
import uuid
from datetime import date, datetime, timezone

from sqlalchemy import (Boolean, Column, Date, DateTime, Float, ForeignKey, Index, Integer, String,
                        Text, UniqueConstraint)
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    """Naive UTC: what SQLite and PostgreSQL `timestamp` columns both store unchanged."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Organization(Base):
    __tablename__ = "organization"
    id = Column(String(36), primary_key=True, default=new_id)
    name = Column(String(255), nullable=False, unique=True)
    description = Column(Text)
    website = Column(String(255))
    email = Column(String(255))
    services = relationship("Service", back_populates="organization", cascade="all, delete-orphan")


class Service(Base):
    __tablename__ = "service"
    # Covering index for catalogue search (repository.py): filters and order without reading rows.
    __table_args__ = (Index("ix_service_search", "id", "status", "is_free", "name",
                            "minimum_age", "maximum_age"),)
    id = Column(String(36), primary_key=True, default=new_id)
    organization_id = Column(String(36), ForeignKey("organization.id"), nullable=False, index=True)
    name = Column(String(255), nullable=False)  # as the organisation gives it
    source_language = Column(String(8), nullable=False, default="fr")
    status = Column(String(16), nullable=False, default="active")
    is_free = Column(Boolean, nullable=False, default=True)
    no_documents_required = Column(Boolean, nullable=False, default=False)
    minimum_age = Column(Integer)
    maximum_age = Column(Integer)
    assured_date = Column(Date, default=date.today)  # HSDS: last verified
    email = Column(String(255))
    url = Column(String(255))
    # When the published record last changed (import, approved change, confirmation):
    # the HSDS feed's `modified_after` filter.
    last_modified = Column(DateTime, default=utcnow, index=True)
    organization = relationship("Organization", back_populates="services")
    topics = relationship("ServiceTopic", cascade="all, delete-orphan", lazy="selectin")
    texts = relationship("ServiceText", cascade="all, delete-orphan", lazy="selectin")
    languages = relationship("ServiceLanguage", cascade="all, delete-orphan", lazy="selectin")
    locations = relationship("Location", cascade="all, delete-orphan", lazy="selectin")
    phones = relationship("Phone", cascade="all, delete-orphan", lazy="selectin")
    schedules = relationship("Schedule", cascade="all, delete-orphan", lazy="selectin")


class ServiceTopic(Base):
    """A topic from the intent taxonomy (e.g. `health_dentist`); a service may have several."""

    __tablename__ = "service_topic"
    __table_args__ = (Index("ix_service_topic_search", "topic", "service_id"),)  # covering, for search
    service_id = Column(String(36), ForeignKey("service.id"), primary_key=True)
    topic = Column(String(64), primary_key=True, index=True)


class ServiceText(Base):
    """description / eligibility / how_to_access in one language."""

    __tablename__ = "service_text"
    __table_args__ = (UniqueConstraint("service_id", "field", "language"),)
    id = Column(Integer, primary_key=True, autoincrement=True)
    service_id = Column(String(36), ForeignKey("service.id"), nullable=False, index=True)
    field = Column(String(32), nullable=False)
    language = Column(String(8), nullable=False)
    text = Column(Text, nullable=False)


class ServiceLanguage(Base):
    """A language spoken at the service (HSDS language)."""

    __tablename__ = "service_language"
    service_id = Column(String(36), ForeignKey("service.id"), primary_key=True)
    code = Column(String(8), primary_key=True)


class Location(Base):
    """HSDS location with its physical address folded in."""

    __tablename__ = "location"
    # Covering indexes for search: a service's locations; the services of a postcode area.
    __table_args__ = (Index("ix_location_search", "service_id", "postal_code", "latitude", "longitude"),
                      Index("ix_location_area", "postal_code", "service_id"))
    id = Column(String(36), primary_key=True, default=new_id)
    service_id = Column(String(36), ForeignKey("service.id"), nullable=False, index=True)
    name = Column(String(255))
    address_1 = Column(String(255))
    city = Column(String(128))
    postal_code = Column(String(16), index=True)
    district = Column(String(128))
    latitude = Column(Float)
    longitude = Column(Float)


class Phone(Base):
    __tablename__ = "phone"
    id = Column(Integer, primary_key=True, autoincrement=True)
    service_id = Column(String(36), ForeignKey("service.id"), nullable=False, index=True)
    number = Column(String(32), nullable=False)


class Schedule(Base):
    """HSDS weekly schedule: `byday` (MO,TU…) with opening and closing times."""

    __tablename__ = "schedule"
    id = Column(Integer, primary_key=True, autoincrement=True)
    service_id = Column(String(36), ForeignKey("service.id"), nullable=False, index=True)
    byday = Column(String(32), nullable=False)
    opens_at = Column(String(5), nullable=False)  # "09:00", local time of the region
    closes_at = Column(String(5), nullable=False)


class EmergencyContact(Base):
    """A region's emergency number; `label` is an English gettext message id."""

    __tablename__ = "emergency_contact"
    id = Column(Integer, primary_key=True, autoincrement=True)
    region = Column(String(8), nullable=False, index=True)
    number = Column(String(16), nullable=False)
    label = Column(String(255), nullable=False)
    kinds = Column(String(255), nullable=False)  # comma-separated crisis types / topics
    sms = Column(Boolean, nullable=False, default=False)
    rank = Column(Integer, nullable=False, default=0)


class ServiceChange(Base):
    """A CSO's proposal (new service, update, closing) waiting for staff review.

    `record` is the proposed service as HSDS JSON (services_catalog/hsds.py), so
    it is validated by the same code as a file import when it is read back.
    """

    __tablename__ = "service_change"
    id = Column(String(36), primary_key=True, default=new_id)
    organization_id = Column(String(36), ForeignKey("organization.id"), nullable=False, index=True)
    # None for a new service until it is approved.
    service_id = Column(String(36), ForeignKey("service.id"), index=True)
    kind = Column(String(8), nullable=False)  # new | update | close
    record = Column(Text, nullable=False)
    # pending | approved | rejected | superseded (by a later proposal for the same service)
    state = Column(String(12), nullable=False, default="pending", index=True)
    proposed_by = Column(String(64), nullable=False)  # account id
    proposed_at = Column(DateTime, nullable=False, default=utcnow)
    reviewed_by = Column(String(64))
    reviewed_at = Column(DateTime)
    reason = Column(Text)


class ServiceHistory(Base):
    """One field's change, after HSDS `metadata` (who changed what, when, from what to what)."""

    __tablename__ = "service_history"
    id = Column(Integer, primary_key=True, autoincrement=True)
    resource_id = Column(String(36), nullable=False, index=True)
    resource_type = Column(String(16), nullable=False, default="service")
    field_name = Column(String(64), nullable=False)
    previous_value = Column(Text)
    replacement_value = Column(Text)
    updated_by = Column(String(64), nullable=False)  # account id
    last_action_date = Column(DateTime, nullable=False, default=utcnow)
    last_action_type = Column(String(16), nullable=False)  # create | update | confirm
    change_id = Column(String(36))  # the approved ServiceChange, when there is one
