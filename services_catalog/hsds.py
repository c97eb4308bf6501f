"""Open Referral HSDS 3.0 JSON, both ways: a list of service objects.

Each service carries its organization, locations with a physical address,
phones, schedules (weekly, byday), languages and, as taxonomy attributes, the
help desk's topics. Texts other than the source language's description are
kept in an "x-helpdesk" extension, which HSDS consumers may ignore.
"""
from typing import Any, Dict, List, Tuple

from services_catalog.csv_format import KNOWN_TOPICS, RecordErrors, ServiceRecord, record_from_row


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


def _obj(value: Any) -> Dict[str, Any]:
    """An HSDS object, or {} when another directory put something else there."""
    return value if isinstance(value, dict) else {}


def _items(value: Any) -> List[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    """A scalar as text ('' for objects and lists, which no text field may hold)."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip()


def _topics_of(service: Dict[str, Any]) -> List[str]:
    topics = []
    for attribute in _items(service.get("attributes")):
        term = _obj(_obj(attribute).get("taxonomy_term"))
        for key in ("code", "term", "name"):
            value = _text(term.get(key))
            if value in KNOWN_TOPICS:
                topics.append(value)
            elif value.lower() in TAXONOMY_TO_TOPIC:
                topics.append(TAXONOMY_TO_TOPIC[value.lower()])
    return list(dict.fromkeys(topics))


def _row_of(service: Dict[str, Any], extra_topic: str = None) -> Tuple[Dict[str, str], List[str]]:
    """An HSDS service as a template row (so it is checked exactly like a CSV row),
    and the problems only HSDS can have (wrong shapes, unknown taxonomy terms)."""
    problems = []
    for name, kind in (("organization", dict), ("attributes", list), ("locations", list),
                       ("schedules", list), ("languages", list), ("phones", list),
                       ("cost_options", list), ("x-helpdesk", dict)):
        if service.get(name) is not None and not isinstance(service.get(name), kind):
            problems.append(f"field '{name}': expected {'an object' if kind is dict else 'a list'}")
    topics = _topics_of(service) + ([extra_topic] if extra_topic else [])
    if not topics and not problems:
        terms = [_text(_obj(_obj(a).get("taxonomy_term")).get("name")) for a in _items(service.get("attributes"))]
        problems.append(f"field 'attributes': no known topic among {terms} (use --topic)")
    location = _obj(next(iter(_items(service.get("locations"))), {}))
    address = _obj(next(iter(_items(location.get("addresses"))), {}))
    schedule_parts = []
    for schedule in _items(service.get("schedules")):
        schedule = _obj(schedule)
        schedule_parts.append(f"{_text(schedule.get('byday'))} {_text(schedule.get('opens_at'))[:5]}"
                              f"-{_text(schedule.get('closes_at'))[:5]}")
    extension = _obj(service.get("x-helpdesk"))
    source = _text(extension.get("source_language")) or "en"
    descriptions = {lang: _text(text) for lang, text in _obj(extension.get("descriptions")).items()}
    if not any(descriptions.values()) and _text(service.get("description")):
        descriptions = {source: _text(service.get("description"))}
    costs = _items(service.get("cost_options"))
    phone = _obj(next(iter(_items(service.get("phones"))), {}))
    row = {
        "organization": _text(_obj(service.get("organization")).get("name")),
        "service_name": _text(service.get("name")), "topics": ";".join(dict.fromkeys(topics)),
        "address": _text(address.get("address_1")), "postal_code": _text(address.get("postal_code")),
        "city": _text(address.get("city")), "district": _text(address.get("region")),
        "latitude": _text(location.get("latitude")), "longitude": _text(location.get("longitude")),
        "phone": _text(phone.get("number")), "email": _text(service.get("email")),
        "url": _text(service.get("url")),
        "languages": ";".join(_text(_obj(l).get("code")) for l in _items(service.get("languages"))
                              if _text(_obj(l).get("code"))),
        # Only a stated zero cost makes a service "free": no claim is invented.
        "free": "yes" if any(_obj(c).get("amount") == 0 for c in costs) else "no",
        "no_documents": "yes" if extension.get("no_documents_required") is True else "no",
        "minimum_age": _text(service.get("minimum_age")), "maximum_age": _text(service.get("maximum_age")),
        "schedule": "; ".join(schedule_parts), "assured_date": _text(service.get("assured_date"))[:10],
        "source_language": source,
        **{f"description_{lang}": text for lang, text in descriptions.items()},
    }
    return row, problems


def hsds_to_records(data: Any, name: str, extra_topic: str = None) -> Tuple[List[ServiceRecord], List[str]]:
    """HSDS 3.0 service objects → records, with every problem by record and field."""
    if not isinstance(data, list):
        return [], [f"{name}: expected a JSON list of HSDS service objects"]
    if not data:
        return [], [f"{name}: the list holds no service"]
    records, errors = [], []
    for index, service in enumerate(data, start=1):
        where = f"{name}, record {index}"
        if not isinstance(service, dict):
            errors.append(f"{where}: not an object")
            continue
        row, problems = _row_of(service, extra_topic)
        try:
            record = record_from_row(row)
        except RecordErrors as bad:
            problems += [f"field '{HSDS_FIELD.get(e.field_name, e.field_name)}': {e}" for e in bad.errors]
            record = None
        if problems:
            errors += [f"{where}, {p}" for p in dict.fromkeys(problems)]
        else:
            records.append(record)
    return records, errors


# Template columns by the HSDS field they come from, for error messages.
HSDS_FIELD = {"organization": "organization.name", "service_name": "name", "topics": "attributes",
              "latitude": "locations.latitude", "longitude": "locations.longitude",
              "schedule": "schedules", "languages": "languages", "free": "cost_options"}
