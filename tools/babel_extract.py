"""Babel extractors for texts that live in YAML: domain responses, emergency labels.

Registered in babel.cfg so that `pybabel extract` puts every user-facing text
in locales/messages.pot, next to the texts marked with N_() in Python.
"""
from typing import BinaryIO, Iterator, Tuple

import yaml


def domain_texts(data: dict) -> Iterator[Tuple[str, str]]:
    """(response name, text) for each response text and button title."""
    for name, variations in (data.get("responses") or {}).items():
        for variation in variations:
            if variation.get("text"):
                yield name, variation["text"]
            for button in variation.get("buttons") or []:
                yield name, button["title"]


def extract_domain(fileobj: BinaryIO, keywords, comment_tags, options):
    data = yaml.safe_load(fileobj.read().decode("utf-8"))
    for lineno, (name, text) in enumerate(domain_texts(data), start=1):
        yield lineno, None, text, [f"response {name}"]


def extract_emergency_labels(fileobj: BinaryIO, keywords, comment_tags, options):
    data = yaml.safe_load(fileobj.read().decode("utf-8"))
    for lineno, contact in enumerate(data.get("contacts") or [], start=1):
        yield lineno, None, contact["label"], ["emergency contact label: translate with care"]
