"""Find the place a person names (a postcode, or a town or district in any script) and its centre."""
import re
from functools import lru_cache
from typing import Dict, List, Optional, Tuple

import yaml

from rasa_ext.text_normalization import normalize_text
from services_catalog.demo_loader import REGIONS_DIR
from services_catalog.geo import Point

POSTCODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")


@lru_cache(maxsize=8)
def _places(region: str) -> List[Tuple[List[str], str, List[re.Pattern], Optional[str]]]:
    data = yaml.safe_load((REGIONS_DIR / f"{region}.yml").read_text(encoding="utf-8"))
    places = []
    for place in data.get("places") or []:
        raw = place.get("pattern") or []
        patterns = [re.compile(p) for p in ([raw] if isinstance(raw, str) else raw)]
        places.append(([normalize_text(n) for n in place["names"]], str(place["postcode"]),
                       patterns, place.get("pattern_postcode")))
    return places


@lru_cache(maxsize=512)
def _name_pattern(name: str) -> re.Pattern:
    """A place name as a whole word, allowing an Arabic-script letter or article
    joined in front ("بفيلوربان": in Villeurbanne) and a Slavic case ending
    ("у Лионе", "в Ліоні")."""
    return re.compile(rf"(?<!\w)(?:[بفولکك]?ال|[بفولکك])?{re.escape(name)}[а-яёіїєґ]{{0,2}}(?!\w)")


def _named(name: str, folded: str) -> bool:
    return bool(_name_pattern(name).search(folded))


def place_in(text: Optional[str], region: str) -> Optional[str]:
    """A postcode or postcode prefix for the place named in `text`, if any."""
    if not text:
        return None
    folded = normalize_text(text)  # also makes Arabic-Indic and Persian digits ASCII
    match = POSTCODE.search(folded)
    if match:
        return match.group(1)
    for names, postcode, patterns, pattern_postcode in _places(region):
        for pattern in patterns if pattern_postcode else []:
            found = pattern.search(folded)
            if found:
                return pattern_postcode.format(found.group(1))
        if any(_named(name, folded) for name in names):
            return postcode
    return None


@lru_cache(maxsize=8)
def _centres(region: str) -> Dict[str, Tuple[str, Point]]:
    data = yaml.safe_load((REGIONS_DIR / f"{region}.yml").read_text(encoding="utf-8"))
    return {str(key): (value["name"], (float(value["at"][0]), float(value["at"][1])))
            for key, value in (data.get("centres") or {}).items()}


def centre_of(place: Optional[str], region: str) -> Optional[Tuple[str, Point]]:
    """(name, (latitude, longitude)) of a place as place_in returns it, when the region knows it."""
    return _centres(region).get(place) if place else None
