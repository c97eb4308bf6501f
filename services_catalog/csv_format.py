"""The catalogue's CSV template: one row per service, one column per field.

Columns (docs/catalogue_template.md explains each): organization, service_name,
topics, description_<lang> for each launch language, address, postal_code,
city, district, latitude, longitude, phone, email, url, languages, free,
no_documents, minimum_age, maximum_age, schedule, assured_date,
source_language. Lists are separated by ";". A schedule reads
"MO,WE 18:00-20:00; SA 10:00-12:00".

Parsing never touches the database: it returns services or a list of errors
naming the row and the field, so an import can be all or nothing.
"""
import csv
import zipfile
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from localization import load_languages
from services_catalog.opening_hours import WEEKDAYS
from services_catalog.taxonomy import CRISIS_INTENTS, TOPIC_INTENTS

KNOWN_TOPICS = set(TOPIC_INTENTS) | set(CRISIS_INTENTS)
TRUE = {"yes", "y", "true", "1", "oui", "si", "sí"}
FALSE = {"no", "n", "false", "0", "non", ""}
SCHEDULE_PART = re.compile(r"^([A-Za-z]{2}(?:,[A-Za-z]{2})*)\s+(\d{1,2}:\d{2})-(\d{1,2}:\d{2})$")


def columns() -> List[str]:
    langs = load_languages().codes
    return (["organization", "service_name", "topics"] + [f"description_{l}" for l in langs]
            + ["address", "postal_code", "city", "district", "latitude", "longitude", "phone",
               "email", "url", "languages", "free", "no_documents", "minimum_age", "maximum_age",
               "schedule", "assured_date", "source_language"])


@dataclass
class ServiceRecord:
    """One service as the importers and exporters exchange it."""

    organization: str
    name: str
    topics: List[str]
    descriptions: Dict[str, str] = field(default_factory=dict)
    address: Optional[str] = None
    postal_code: Optional[str] = None
    city: Optional[str] = None
    district: Optional[str] = None
    latitude: Optional[float] = None
    longitude: Optional[float] = None
    phone: Optional[str] = None
    email: Optional[str] = None
    url: Optional[str] = None
    languages: List[str] = field(default_factory=list)
    is_free: bool = True
    no_documents_required: bool = False
    minimum_age: Optional[int] = None
    maximum_age: Optional[int] = None
    schedules: List[Tuple[str, str, str]] = field(default_factory=list)  # (byday, opens, closes)
    assured_date: Optional[date] = None
    source_language: str = "fr"


class RecordError(Exception):
    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field_name = field_name


def _bool(value: str, name: str) -> bool:
    value = value.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise RecordError(name, f"write yes or no, not {value!r}")


def _int(value: str, name: str, low: int, high: int) -> Optional[int]:
    if not value.strip():
        return None
    try:
        number = int(value)
    except ValueError:
        raise RecordError(name, f"{value!r} is not a whole number") from None
    if not low <= number <= high:
        raise RecordError(name, f"{number} is outside {low}–{high}")
    return number


def _float(value: str, name: str, low: float, high: float) -> Optional[float]:
    if not value.strip():
        return None
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        raise RecordError(name, f"{value!r} is not a number") from None
    if not low <= number <= high:
        raise RecordError(name, f"{number} is outside {low}–{high}")
    return number


def _time(value: str, name: str) -> str:
    hours, minutes = value.split(":")
    if not (0 <= int(hours) <= 23 and 0 <= int(minutes) <= 59):
        raise RecordError(name, f"{value!r} is not a time of day")
    return f"{int(hours):02d}:{minutes}"


def parse_schedule(value: str, name: str = "schedule") -> List[Tuple[str, str, str]]:
    parts = []
    for part in filter(None, (p.strip() for p in value.split(";"))):
        match = SCHEDULE_PART.match(part)
        if not match:
            raise RecordError(name, f"{part!r} should look like 'MO,WE 18:00-20:00'")
        days = match.group(1).upper()
        unknown = [d for d in days.split(",") if d not in WEEKDAYS]
        if unknown:
            raise RecordError(name, f"unknown day {unknown[0]!r} (use MO TU WE TH FR SA SU)")
        opens, closes = _time(match.group(2), name), _time(match.group(3), name)
        if opens >= closes:
            raise RecordError(name, f"{part!r} closes before it opens")
        parts.append((days, opens, closes))
    return parts


def format_schedule(schedules: List[Tuple[str, str, str]]) -> str:
    return "; ".join(f"{days} {opens}-{closes}" for days, opens, closes in schedules)


class RecordErrors(Exception):
    """Every problem of one row, each naming its field."""

    def __init__(self, errors: List[RecordError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def record_from_row(row: Dict[str, str]) -> ServiceRecord:
    """One CSV row → a record, or RecordErrors naming every bad field."""
    get = lambda name: (row.get(name) or "").strip()  # noqa: E731
    errors: List[RecordError] = []

    def check(function, *args, default=None):
        try:
            return function(*args)
        except RecordError as error:
            errors.append(error)
            return default

    for required in ("organization", "service_name", "topics"):
        if not get(required):
            errors.append(RecordError(required, "is required"))
    topics = [t.strip() for t in get("topics").split(";") if t.strip()]
    unknown = [t for t in topics if t not in KNOWN_TOPICS]
    if unknown:
        errors.append(RecordError("topics", f"unknown topic {unknown[0]!r} (see docs/intents.md)"))
    languages = [c.strip().lower() for c in get("languages").split(";") if c.strip()]
    bad = [c for c in languages if not re.fullmatch(r"[a-z]{2,3}", c)]
    if bad:
        errors.append(RecordError("languages", f"{bad[0]!r} is not a language code such as fr or ar"))
    assured = None
    if get("assured_date"):
        try:
            assured = date.fromisoformat(get("assured_date"))
        except ValueError:
            errors.append(RecordError("assured_date", "write the date as YYYY-MM-DD"))
    minimum = check(_int, get("minimum_age"), "minimum_age", 0, 120)
    maximum = check(_int, get("maximum_age"), "maximum_age", 0, 120)
    if minimum is not None and maximum is not None and minimum > maximum:
        errors.append(RecordError("maximum_age", "is below minimum_age"))
    latitude = check(_float, get("latitude"), "latitude", -90, 90)
    longitude = check(_float, get("longitude"), "longitude", -180, 180)
    is_free = check(_bool, get("free") or "yes", "free", default=True)
    no_documents = check(_bool, get("no_documents"), "no_documents", default=False)
    schedules = check(parse_schedule, get("schedule"), default=[])
    if errors:
        raise RecordErrors(errors)
    descriptions = {key[len("description_"):]: value.strip() for key, value in row.items()
                    if key and key.startswith("description_") and value and value.strip()}
    return ServiceRecord(
        organization=get("organization"), name=get("service_name"), topics=topics,
        descriptions=descriptions, address=get("address") or None,
        postal_code=get("postal_code") or None, city=get("city") or None,
        district=get("district") or None, latitude=latitude, longitude=longitude,
        phone=get("phone") or None, email=get("email") or None, url=get("url") or None,
        languages=languages, is_free=is_free, no_documents_required=no_documents,
        minimum_age=minimum, maximum_age=maximum, schedules=schedules,
        assured_date=assured, source_language=get("source_language") or "fr")


def records_from_rows(name: str, header: List[str], rows) -> Tuple[List[ServiceRecord], List[str]]:
    """Records from (row number, row dict) pairs, with every error by row and field."""
    missing = {"organization", "service_name", "topics"} - set(header)
    if missing:
        return [], [f"{name}: missing column(s) {', '.join(sorted(missing))}"]
    records, errors = [], []
    for number, row in rows:
        if not any((value or "").strip() for value in row.values()):
            continue  # blank lines at the end of spreadsheets
        try:
            records.append(record_from_row(row))
        except RecordErrors as bad_row:
            errors += [f"{name}, row {number}, field '{e.field_name}': {e}" for e in bad_row.errors]
    return records, errors


def read_csv(path: Path) -> Tuple[List[ServiceRecord], List[str]]:
    """All records of the file, and one error line per bad row and field."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            # Row 1 is the header, so data starts on row 2, as a spreadsheet shows it.
            return records_from_rows(path.name, list(reader.fieldnames or []),
                                     list(enumerate(reader, start=2)))
    except UnicodeDecodeError:
        return [], [f"{path.name}: not UTF-8 text (save the file as CSV UTF-8)"]


def read_xlsx(path: Path) -> Tuple[List[ServiceRecord], List[str]]:
    """The same template as an Excel workbook (first sheet, header on row 1)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as error:
        return [], [f"{path.name}: not a readable XLSX workbook ({type(error).__name__})"]
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(c).strip() if c is not None else "" for c in next(rows, [])]

    def text(value) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))  # postcodes typed as numbers
        if hasattr(value, "date") and callable(value.date):
            return value.date().isoformat()
        return str(value)

    numbered = [(number, {h: text(v) for h, v in zip(header, row) if h})
                for number, row in enumerate(rows, start=2)]
    workbook.close()
    return records_from_rows(path.name, header, numbered)


def write_csv(records: List[ServiceRecord], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns())
        writer.writeheader()
        for r in records:
            row = {"organization": r.organization, "service_name": r.name,
                   "topics": ";".join(r.topics), "address": r.address or "",
                   "postal_code": r.postal_code or "", "city": r.city or "",
                   "district": r.district or "",
                   "latitude": "" if r.latitude is None else r.latitude,
                   "longitude": "" if r.longitude is None else r.longitude,
                   "phone": r.phone or "", "email": r.email or "", "url": r.url or "",
                   "languages": ";".join(r.languages), "free": "yes" if r.is_free else "no",
                   "no_documents": "yes" if r.no_documents_required else "no",
                   "minimum_age": "" if r.minimum_age is None else r.minimum_age,
                   "maximum_age": "" if r.maximum_age is None else r.maximum_age,
                   "schedule": format_schedule(r.schedules),
                   "assured_date": r.assured_date.isoformat() if r.assured_date else "",
                   "source_language": r.source_language}
            for lang, text in r.descriptions.items():
                if f"description_{lang}" in writer.fieldnames:
                    row[f"description_{lang}"] = text
            writer.writerow(row)
