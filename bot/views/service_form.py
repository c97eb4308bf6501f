"""The portal's service form, both ways: a record → form values, a posted form → a record.

A posted form becomes a row of the CSV template and goes through
csv_format.record_from_row, so the portal validates exactly as a file import does.
"""
from typing import Dict, List, Mapping, Optional, Tuple

from localization import load_languages
from services_catalog.csv_format import RecordErrors, ServiceRecord, record_from_row
from services_catalog.opening_hours import WEEKDAYS

BLANK_SCHEDULE_LINES = 3


def weekdays() -> List[str]:
    """HSDS day codes, Monday first (the form shows them with their localised names)."""
    return list(WEEKDAYS)


def form_values(record: Optional[ServiceRecord]) -> dict:
    """What the form shows: the published record, or a blank new service."""
    launch = load_languages().codes
    if record is None:
        record = ServiceRecord(organization="", name="", topics=[], source_language=launch[0])
    schedule = [{"days": set(days.split(",")), "opens": opens, "closes": closes}
                for days, opens, closes in record.schedules]
    schedule += [{"days": set(), "opens": "", "closes": ""}] * BLANK_SCHEDULE_LINES
    return {
        "service_name": record.name, "topics": set(record.topics),
        "descriptions": dict(record.descriptions), "source_language": record.source_language,
        "address": record.address or "", "postal_code": record.postal_code or "",
        "city": record.city or "", "district": record.district or "",
        "latitude": "" if record.latitude is None else str(record.latitude),
        "longitude": "" if record.longitude is None else str(record.longitude),
        "phone": record.phone or "", "email": record.email or "", "url": record.url or "",
        "languages": {c for c in record.languages if c in launch},
        "other_languages": ";".join(c for c in record.languages if c not in launch),
        "free": record.is_free, "no_documents": record.no_documents_required,
        "minimum_age": "" if record.minimum_age is None else str(record.minimum_age),
        "maximum_age": "" if record.maximum_age is None else str(record.maximum_age),
        "schedule": schedule,
    }


def values_from_form(form: Mapping) -> dict:
    """The form as it was posted, to show it again with its errors."""
    values = form_values(None)
    for name in ("service_name", "address", "postal_code", "city", "district", "latitude", "longitude",
                 "phone", "email", "url", "other_languages", "minimum_age", "maximum_age",
                 "source_language"):
        values[name] = form.get(name, "")
    values.update(topics=set(form.getall("topics", [])), languages=set(form.getall("languages", [])),
                  descriptions={k[len("description_"):]: v for k, v in form.items()
                                if k.startswith("description_")},
                  free=bool(form.get("free")), no_documents=bool(form.get("no_documents")))
    lines, index = [], 0
    while f"schedule-{index}-opens" in form:
        lines.append({"days": set(form.getall(f"schedule-{index}-days", [])),
                      "opens": form.get(f"schedule-{index}-opens", ""),
                      "closes": form.get(f"schedule-{index}-closes", "")})
        index += 1
    values["schedule"] = lines or values["schedule"]
    return values


def _schedule_text(form: Mapping) -> str:
    """The schedule lines of the form as the template's "MO,WE 18:00-20:00; SA 10:00-12:00"."""
    parts = []
    index = 0
    while f"schedule-{index}-opens" in form:
        days = ",".join(form.getall(f"schedule-{index}-days", []))
        opens = form.get(f"schedule-{index}-opens", "").strip()
        closes = form.get(f"schedule-{index}-closes", "").strip()
        if days or opens or closes:
            parts.append(f"{days} {opens}-{closes}".strip())
        index += 1
    return "; ".join(parts)


def record_from_form(form: Mapping, organization: str) -> Tuple[Optional[ServiceRecord], Dict[str, str]]:
    """(record, {}) or (None, {field: problem}) for a posted service form."""
    launch = load_languages().codes
    languages = list(form.getall("languages", [])) + [
        c.strip() for c in form.get("other_languages", "").split(";") if c.strip()]
    row = {
        "organization": organization, "service_name": form.get("service_name", ""),
        "topics": ";".join(form.getall("topics", [])),
        "address": form.get("address", ""), "postal_code": form.get("postal_code", ""),
        "city": form.get("city", ""), "district": form.get("district", ""),
        "latitude": form.get("latitude", ""), "longitude": form.get("longitude", ""),
        "phone": form.get("phone", ""), "email": form.get("email", ""), "url": form.get("url", ""),
        "languages": ";".join(languages),
        "free": "yes" if form.get("free") else "no",
        "no_documents": "yes" if form.get("no_documents") else "no",
        "minimum_age": form.get("minimum_age", ""), "maximum_age": form.get("maximum_age", ""),
        "schedule": _schedule_text(form),
        "source_language": form.get("source_language", "") if form.get("source_language") in launch else "",
    }
    for lang in launch:
        row[f"description_{lang}"] = form.get(f"description_{lang}", "")
    errors: Dict[str, str] = {}
    if not row["source_language"]:
        errors["source_language"] = "mark the language of the original text"
    elif not row[f"description_{row['source_language']}"].strip():
        errors[f"description_{row['source_language']}"] = "the original text is empty"
    if len(row["service_name"]) > 255:
        errors["service_name"] = "at most 255 characters"
    try:
        record = record_from_row(row)
    except RecordErrors as bad:
        for error in bad.errors:
            errors.setdefault(error.field_name, str(error))
        return None, errors
    return (None, errors) if errors else (record, {})
