"""Proposed changes to the catalogue: propose, compare, approve or reject, confirm, stale.

A CSO never writes the published catalogue: it proposes a `ServiceChange`;
staff approve it, and only then is it applied, through the importer's own
`fill_service`, with one `ServiceHistory` row per changed field. The caller
owns the transaction (`with session.begin():`), so each step is all or nothing.
"""
import json
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from localization import load_languages
from services_catalog.csv_format import ServiceRecord, format_schedule
from services_catalog.hsds import hsds_to_records, record_to_hsds
from services_catalog.importer import fill_service, record_of
from services_catalog.models import (Organization, Service, ServiceChange, ServiceHistory,
                                     utcnow)
from services_catalog.repository import ServiceCard

KINDS = ("new", "update", "close")
STALE_AFTER_DAYS = 180


class ChangeError(Exception):
    """The proposal is not valid; `errors` name the record and field."""

    def __init__(self, errors: List[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


class NotYours(Exception):
    """The service (or change) belongs to another organisation."""


class NotFound(Exception):
    """No such service, organisation or change."""


class NotPending(Exception):
    """The change was already reviewed (or superseded)."""


@dataclass
class FieldDiff:
    field: str
    previous: Optional[str]
    proposed: Optional[str]


def _text(value) -> Optional[str]:
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    return str(value)


def flatten(record: Optional[ServiceRecord]) -> Dict[str, Optional[str]]:
    """A record as the template's columns, one text per field (for diffs and history)."""
    if record is None:
        return {}
    # Lists are sets to a reader: compare them sorted, whatever order a form or file gave.
    fields = {"name": record.name, "topics": _text(sorted(record.topics))}
    languages = list(load_languages().codes) + sorted(set(record.descriptions) - set(load_languages().codes))
    for lang in languages:
        fields[f"description_{lang}"] = _text(record.descriptions.get(lang))
    fields.update({
        "source_language": record.source_language, "address": _text(record.address),
        "postal_code": _text(record.postal_code), "city": _text(record.city),
        "district": _text(record.district), "latitude": _text(record.latitude),
        "longitude": _text(record.longitude), "phone": _text(record.phone),
        "email": _text(record.email), "url": _text(record.url),
        "languages": _text(sorted(record.languages)), "free": _text(record.is_free),
        "no_documents": _text(record.no_documents_required),
        "minimum_age": _text(record.minimum_age), "maximum_age": _text(record.maximum_age),
        "schedule": _text(format_schedule(record.schedules)),
    })
    return {k: _text(v) for k, v in fields.items()}


def record_of_change(change: ServiceChange) -> ServiceRecord:
    """The proposed record, read back with the HSDS importer's validation."""
    records, errors = hsds_to_records([json.loads(change.record)], f"change {change.id}")
    if errors:  # stored proposals were valid when stored; a failure here is a bug
        raise ChangeError(errors)
    return records[0]


def parse_proposal(data, organization_name: str) -> ServiceRecord:
    """One HSDS service object from a CSO → a record of its own organisation.

    The organisation is the account's: a record naming another one is refused."""
    if not isinstance(data, dict):
        raise ChangeError(["request: expected one HSDS service object"])
    named = ((data.get("organization") or {}).get("name") or "").strip() \
        if isinstance(data.get("organization"), dict) else ""
    if named and named != organization_name:
        raise NotYours(named)
    data = dict(data, organization={"name": organization_name})
    records, errors = hsds_to_records([data], "service")
    if errors:
        raise ChangeError([e.replace("service, record 1, ", "") for e in errors])
    return records[0]


def _organization(session: Session, organization_id: str) -> Organization:
    organization = session.get(Organization, organization_id)
    if organization is None:
        raise NotFound(organization_id)
    return organization


def own_service(session: Session, organization_id: str, service_id: str) -> Service:
    """The service if it belongs to the organisation; NotFound or NotYours otherwise."""
    service = session.get(Service, service_id)
    if service is None:
        raise NotFound(service_id)
    if service.organization_id != organization_id:
        raise NotYours(service_id)
    return service


def propose(session: Session, organization_id: str, account_id: str, kind: str,
            record: Optional[ServiceRecord] = None, service_id: Optional[str] = None) -> ServiceChange:
    """A pending change; an earlier pending change of the same service is superseded."""
    if kind not in KINDS:
        raise ValueError(kind)
    organization = _organization(session, organization_id)
    service = own_service(session, organization_id, service_id) if kind != "new" else None
    if kind == "close":
        record = record_of(service)
    if record is None:
        raise ValueError("a new service or an update needs a record")
    record.organization = organization.name
    record.assured_date = None  # set by approval, not by the proposer
    if service is not None:
        for earlier in session.execute(select(ServiceChange).where(
                ServiceChange.service_id == service.id, ServiceChange.state == "pending")).scalars():
            earlier.state = "superseded"
    change = ServiceChange(organization_id=organization_id, service_id=service.id if service else None,
                           kind=kind, record=json.dumps(record_to_hsds(record), ensure_ascii=False),
                           state="pending", proposed_by=account_id, proposed_at=utcnow())
    session.add(change)
    session.flush()
    return change


def diff(session: Session, change: ServiceChange) -> List[FieldDiff]:
    """Field by field: the published service (nothing for a new one) against the proposal."""
    if change.state == "approved":  # what was applied, as recorded then
        return [FieldDiff(h.field_name, h.previous_value, h.replacement_value)
                for h in session.execute(select(ServiceHistory).where(
                    ServiceHistory.change_id == change.id).order_by(ServiceHistory.id)).scalars()]
    service = session.get(Service, change.service_id) if change.service_id else None
    if change.kind == "close":
        return [FieldDiff("status", service.status if service else None, "inactive")]
    before = flatten(record_of(service)) if service is not None else {}
    after = flatten(record_of_change(change))
    return [FieldDiff(name, before.get(name), value) for name, value in after.items()
            if before.get(name) != value]


def _history(session: Session, service_id: str, changes: Sequence[FieldDiff], who: str,
             action: str, change_id: Optional[str] = None) -> None:
    when = utcnow()
    for item in changes:
        session.add(ServiceHistory(resource_id=service_id, field_name=item.field,
                                   previous_value=item.previous, replacement_value=item.proposed,
                                   updated_by=who, last_action_date=when, last_action_type=action,
                                   change_id=change_id))


def _pending(session: Session, change_id: str) -> ServiceChange:
    change = session.execute(select(ServiceChange).where(ServiceChange.id == change_id)
                             .with_for_update()).scalars().first()
    if change is None:
        raise NotFound(change_id)
    if change.state != "pending":
        raise NotPending(change.state)
    return change


def approve(session: Session, change_id: str, reviewer_id: str,
            today: Optional[date] = None) -> Service:
    """Publish the change: apply it, record who/when per field, set assured_date."""
    change = _pending(session, change_id)
    changed = diff(session, change)
    today = today or date.today()
    if change.kind == "new":
        service = Service(organization=_organization(session, change.organization_id))
        fill_service(service, record_of_change(change))
        session.add(service)
        session.flush()
        change.service_id = service.id
        action = "create"
    else:
        service = own_service(session, change.organization_id, change.service_id)
        if change.kind == "update":
            fill_service(service, record_of_change(change))
            action = "update"
        else:
            service.status = "inactive"  # HSDS status; search shows only active services
            action = "update"
    changed.append(FieldDiff("assured_date", _text(service.assured_date) if action != "create" else None,
                             today.isoformat()))
    service.assured_date = today
    service.last_modified = utcnow()
    _history(session, service.id, changed, reviewer_id, action, change.id)
    change.state, change.reviewed_by, change.reviewed_at = "approved", reviewer_id, utcnow()
    session.flush()
    return service


def reject(session: Session, change_id: str, reviewer_id: str, reason: str) -> ServiceChange:
    """Refuse the change with a reason the CSO sees in the portal."""
    reason = (reason or "").strip()
    if not reason:
        raise ChangeError(["reason: is required"])
    change = _pending(session, change_id)
    change.state, change.reviewed_by, change.reviewed_at = "rejected", reviewer_id, utcnow()
    change.reason = reason
    session.flush()
    return change


def confirm_still_correct(session: Session, organization_id: str, service_id: str,
                          account_id: str, today: Optional[date] = None) -> Service:
    """The CSO's one-click "still correct": the service was checked today."""
    service = own_service(session, organization_id, service_id)
    today = today or date.today()
    _history(session, service.id, [FieldDiff("assured_date", _text(service.assured_date),
                                             today.isoformat())], account_id, "confirm")
    service.assured_date, service.last_modified = today, utcnow()
    session.flush()
    return service


def stale_services(session: Session, days: int = STALE_AFTER_DAYS, organization_id: Optional[str] = None,
                   today: Optional[date] = None) -> List[Service]:
    """Active services not checked for `days` days (or never), oldest first."""
    limit = (today or date.today()) - timedelta(days=days)
    query = (select(Service).where(Service.status == "active",
                                   or_(Service.assured_date.is_(None), Service.assured_date < limit))
             .order_by(Service.assured_date.is_(None).desc(), Service.assured_date, Service.name))
    if organization_id:
        query = query.where(Service.organization_id == organization_id)
    return list(session.execute(query).scalars())


def changes_of(session: Session, organization_id: Optional[str] = None,
               state: Optional[str] = None) -> List[ServiceChange]:
    """An organisation's changes (or every organisation's, for staff), newest first."""
    query = select(ServiceChange).order_by(ServiceChange.proposed_at.desc(), ServiceChange.id)
    if organization_id:
        query = query.where(ServiceChange.organization_id == organization_id)
    if state:
        query = query.where(ServiceChange.state == state)
    return list(session.execute(query).scalars())


def read_upload(filename: str, content: bytes) -> Tuple[List[ServiceRecord], List[str]]:
    """Records and errors from an uploaded CSV, XLSX or HSDS JSON file, by its suffix,
    with the same readers as `python -m services_catalog import`."""
    from services_catalog.__main__ import read_any

    suffix = Path(filename or "").suffix.lower()
    if suffix not in (".csv", ".xlsx", ".json"):
        return [], [f"{Path(filename or 'file').name}: upload a .csv, .xlsx or HSDS .json file"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{Path(filename).stem[:60] or 'upload'}{suffix}"
        path.write_bytes(content)
        return read_any(path)


def propose_records(session: Session, organization_id: str, account_id: str,
                    records: List[ServiceRecord], source: str = "upload") -> List[ServiceChange]:
    """Every record as a pending change (an update when the organisation already has a
    service of that name, else a new one), or ChangeError and nothing at all."""
    organization = _organization(session, organization_id)
    errors = [f"{source}, record {n} ({r.name!r}), field 'organization': {r.organization!r} is not "
              f"your organisation" for n, r in enumerate(records, start=1)
              if r.organization.strip() != organization.name]
    names = [r.name.strip().casefold() for r in records]
    errors += [f"{source}, record {n} ({r.name!r}), field 'service_name': appears twice in the file"
               for n, r in enumerate(records, start=1) if names.count(r.name.strip().casefold()) > 1]
    if errors:
        raise ChangeError(errors)
    existing = {s.name.strip().casefold(): s for s in session.execute(
        select(Service).where(Service.organization_id == organization_id)).scalars()}
    changes = []
    for record in records:
        service = existing.get(record.name.strip().casefold())
        changes.append(propose(session, organization_id, account_id,
                               "update" if service else "new", record,
                               service.id if service else None))
    return changes


def card_from_record(record: ServiceRecord, service_id: str = "preview",
                     assured: Optional[date] = None) -> ServiceCard:
    """What the bot would show of a (proposed) record: the card presentation.describe takes."""
    return ServiceCard(
        id=service_id, name=record.name, organization=record.organization,
        topics=sorted(record.topics), address=record.address, postal_code=record.postal_code,
        city=record.city, phone=record.phone, is_free=record.is_free,
        no_documents_required=record.no_documents_required, languages=sorted(record.languages),
        assured_date=assured or record.assured_date, source_language=record.source_language,
        texts={"description": dict(record.descriptions)},
        schedules=[{"byday": d, "opens_at": o, "closes_at": c} for d, o, c in record.schedules])


def iso(moment: Optional[datetime]) -> Optional[str]:
    """A stored naive-UTC time as ISO 8601 with its zone."""
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


def change_json(session: Session, change: ServiceChange, with_diff: bool = True) -> dict:
    """A change as the JSON API shows it."""
    out = {"id": change.id, "kind": change.kind, "state": change.state,
           "service_id": change.service_id, "organization_id": change.organization_id,
           "proposed_by": change.proposed_by, "proposed_at": iso(change.proposed_at),
           "reviewed_by": change.reviewed_by, "reviewed_at": iso(change.reviewed_at),
           "reason": change.reason, "proposed": json.loads(change.record)}
    if with_diff:
        out["diff"] = [vars(d) for d in diff(session, change)]
    return out


def service_hsds(service: Service) -> dict:
    """A published service as an HSDS object with the ids, status and time a consumer syncs on."""
    data = record_to_hsds(record_of(service))
    data.update(id=service.id, status=service.status, last_modified=iso(service.last_modified))
    data["organization"]["id"] = service.organization_id
    return data


def history_of(session: Session, service_id: str) -> List[ServiceHistory]:
    return list(session.execute(select(ServiceHistory).where(ServiceHistory.resource_id == service_id)
                                .order_by(ServiceHistory.last_action_date, ServiceHistory.id)).scalars())
