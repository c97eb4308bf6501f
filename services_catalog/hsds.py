"""Open Referral HSDS 3.0 JSON, both ways: a list of service objects.

Each service carries its organization, locations with a physical address,
phones, schedules (weekly, byday), languages and, as taxonomy attributes, the
help desk's topics. Texts other than the source language's description are
kept in an "x-helpdesk" extension, which HSDS consumers may ignore.
"""
from datetime import date
from typing import Any, Dict, List, Tuple

from services_catalog.csv_format import KNOWN_TOPICS, RecordError, ServiceRecord, parse_schedule


def record_to_hsds(record: ServiceRecord) -> Dict[str, Any]:
    source = record.descriptions.get(record.source_language) or next(iter(record.descriptions.values()), None)
    return {
        "name": record.name,
        "description": source,
        "status": "active",
        "email": record.email,
        "url": record.url,
        "minimum_age": record.minimum_age,
        "maximum_age": record.maximum_age,
        "assured_date": record.assured_date.isoformat() if record.assured_date else None,
        "organization": {"name": record.organization},
        "cost_options": [{"option": "free", "amount": 0}] if record.is_free else [{"option": "fee"}],
        "locations": [{
            "location_type": "physical",
            "latitude": record.latitude, "longitude": record.longitude,
            "addresses": [{"address_type": "physical", "address_1": record.address,
                           "city": record.city, "postal_code": record.postal_code,
                           "region": record.district, "country": "FR"}],
        }],
        "phones": [{"number": record.phone}] if record.phone else [],
        "schedules": [{"freq": "WEEKLY", "byday": days, "opens_at": opens, "closes_at": closes}
                      for days, opens, closes in record.schedules],
        "languages": [{"code": code} for code in record.languages],
        "attributes": [{"taxonomy_term": {"code": topic, "vocabulary": "helpdesk-topics"}}
                       for topic in record.topics],
        "x-helpdesk": {"descriptions": record.descriptions,
                       "no_documents_required": record.no_documents_required,
                       "source_language": record.source_language},
    }


def records_to_hsds(records: List[ServiceRecord]) -> List[Dict[str, Any]]:
    return [record_to_hsds(r) for r in records]


# Common taxonomy terms of other directories (Open Eligibility, 211 / AIRS
# style, UK and US open referral feeds), lower-cased, mapped to our topics.
TAXONOMY_TO_TOPIC = {
    "language classes": "language_course_find", "esl": "language_course_find",
    "english as a second language": "language_course_find", "language courses": "language_course_find",
    "cours de langue": "language_course_find", "fle": "language_course_find",
    "child care": "childcare_find", "childcare": "childcare_find", "day care": "childcare_find",
    "daycare": "childcare_find", "preschool": "childcare_find", "crèche": "childcare_find",
    "primary care": "health_find_doctor", "medical care": "health_find_doctor",
    "health care": "health_find_doctor", "clinic": "health_find_doctor",
    "health insurance": "health_no_insurance", "dental care": "health_dentist", "dentist": "health_dentist",
    "prenatal care": "health_maternity", "maternity care": "health_maternity",
    "immunizations": "health_vaccination", "vaccination": "health_vaccination",
    "mental health": "health_mental", "counseling": "health_mental", "counselling": "health_mental",
    "legal aid": "rights_legal_aid", "legal services": "rights_legal_aid", "legal advice": "rights_legal_aid",
    "immigration": "rights_residence_permit", "immigration services": "rights_residence_permit",
    "asylum": "rights_asylum_application", "refugee services": "rights_asylum_application",
    "discrimination": "rights_discrimination", "employment": "rights_work",
    "food pantry": "cso_services_food", "food bank": "cso_services_food", "food": "cso_services_food",
    "meals": "cso_services_food", "soup kitchen": "cso_services_food",
    "clothing": "cso_services_clothes", "clothes": "cso_services_clothes",
    "showers": "cso_services_hygiene", "personal hygiene": "cso_services_hygiene",
    "laundry": "cso_services_hygiene", "mail": "cso_services_domiciliation",
    "postal address": "cso_services_domiciliation", "case management": "cso_services_social_support",
    "social services": "cso_services_social_support", "emergency shelter": "housing_emergency_shelter",
    "shelter": "housing_emergency_shelter", "homeless shelter": "housing_emergency_shelter",
    "domestic violence": "crisis_violence", "human trafficking": "crisis_trafficking",
    "suicide prevention": "crisis_self_harm",
}


def _topics_of(service: Dict[str, Any]) -> List[str]:
    topics = []
    for attribute in service.get("attributes") or []:
        term = (attribute or {}).get("taxonomy_term") or {}
        for key in ("code", "term", "name"):
            value = str(term.get(key) or "").strip()
            if value in KNOWN_TOPICS:
                topics.append(value)
            elif value.lower() in TAXONOMY_TO_TOPIC:
                topics.append(TAXONOMY_TO_TOPIC[value.lower()])
    return list(dict.fromkeys(topics))


def hsds_to_records(data: Any, name: str, extra_topic: str = None) -> Tuple[List[ServiceRecord], List[str]]:
    """HSDS 3.0 service objects → records, with every problem by record and field."""
    if not isinstance(data, list):
        return [], [f"{name}: expected a JSON list of HSDS service objects"]
    records, errors = [], []
    for index, service in enumerate(data, start=1):
        where = f"{name}, record {index}"
        if not isinstance(service, dict):
            errors.append(f"{where}: not an object")
            continue
        problems = []
        organization = ((service.get("organization") or {}).get("name") or "").strip()
        if not organization:
            problems.append("field 'organization.name': is required")
        if not str(service.get("name") or "").strip():
            problems.append("field 'name': is required")
        topics = _topics_of(service) + ([extra_topic] if extra_topic else [])
        if not topics:
            terms = [((a or {}).get("taxonomy_term") or {}).get("name") or
                     ((a or {}).get("taxonomy_term") or {}).get("term") for a in service.get("attributes") or []]
            problems.append(f"field 'attributes': no known topic among {terms} (use --topic)")
        location = next(iter(service.get("locations") or []), {}) or {}
        address = next(iter(location.get("addresses") or []), {}) or {}
        schedules = []
        for schedule in service.get("schedules") or []:
            try:
                schedules += parse_schedule(f"{schedule['byday']} {schedule['opens_at'][:5]}-{schedule['closes_at'][:5]}")
            except (KeyError, TypeError, RecordError) as error:
                problems.append(f"field 'schedules': {error}")
        assured = None
        if service.get("assured_date"):
            try:
                assured = date.fromisoformat(str(service["assured_date"])[:10])
            except ValueError:
                problems.append("field 'assured_date': not a date")
        extension = service.get("x-helpdesk") or {}
        descriptions = dict(extension.get("descriptions") or {})
        source = extension.get("source_language") or "en"
        if not descriptions and service.get("description"):
            descriptions = {source: str(service["description"])}
        costs = service.get("cost_options") or []
        if problems:
            errors += [f"{where}, {p}" for p in problems]
            continue
        phone = next(iter(service.get("phones") or []), {}) or {}
        records.append(ServiceRecord(
            organization=organization, name=str(service["name"]).strip(), topics=topics,
            descriptions=descriptions, address=address.get("address_1"),
            postal_code=address.get("postal_code"), city=address.get("city"),
            district=address.get("region"), latitude=location.get("latitude"),
            longitude=location.get("longitude"), phone=phone.get("number"),
            email=service.get("email"), url=service.get("url"),
            languages=[str(l.get("code")).lower() for l in service.get("languages") or [] if l.get("code")],
            # Only a stated zero cost makes a service "free": no claim is invented.
            is_free=any((c or {}).get("amount") == 0 for c in costs if isinstance(c, dict)),
            no_documents_required=bool(extension.get("no_documents_required")),
            minimum_age=service.get("minimum_age"), maximum_age=service.get("maximum_age"),
            schedules=schedules, assured_date=assured, source_language=source))
    return records, errors
