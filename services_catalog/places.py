"""Find the place a person names: a postcode, or a town or district in any script."""
import re
from functools import lru_cache
from typing import List, Optional, Tuple

import yaml

from rasa_ext.text_normalization import normalize_text
from services_catalog.demo_loader import REGIONS_DIR

POSTCODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")


@lru_cache(maxsize=8)
def _places(region: str) -> List[Tuple[List[str], str, Optional[re.Pattern], Optional[str]]]:
    data = yaml.safe_load((REGIONS_DIR / f"{region}.yml").read_text(encoding="utf-8"))
    places = []
    for place in data.get("places") or []:
        pattern = re.compile(place["pattern"]) if place.get("pattern") else None
        places.append(([normalize_text(n) for n in place["names"]], str(place["postcode"]),
                       pattern, place.get("pattern_postcode")))
    return places


def place_in(text: Optional[str], region: str) -> Optional[str]:
    """A postcode or postcode prefix for the place named in `text`, if any."""
    if not text:
        return None
    match = POSTCODE.search(text)
    if match:
        return match.group(1)
    folded = normalize_text(text)
    for names, postcode, pattern, pattern_postcode in _places(region):
        if pattern is not None and pattern_postcode:
            found = pattern.search(folded)
            if found:
                return pattern_postcode.format(found.group(1))
        if any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", folded) for name in names):
            return postcode
    return None
