"""Export the catalogue as Open Referral HSDS 3.0 JSON: a list of service objects.

Each service carries its organization, locations with a physical address,
phones, schedules (weekly, byday), languages and, as taxonomy attributes, the
help desk's topics. Texts other than the source language's description are
kept in an "x-helpdesk" extension, which HSDS consumers may ignore.
"""
from typing import Any, Dict, List

from services_catalog.csv_format import ServiceRecord


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
        "cost_options": [] if not record.is_free else [{"option": "free", "amount": 0}],
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
