"""An in-domain language identifier trained on the assistant's own NLU data.

py3langid knows 97 languages from general text, but not how newcomers write to
a help desk: Arabic in Latin letters, Finglish, Russian in translit, SMS French.
The training examples under data/nlu/<lang>/ are exactly that, so a small
character n-gram naive Bayes over them (scikit-learn, already a Rasa
dependency; about a second to fit) tells the launch languages apart, while
py3langid is still what recognises a language outside the launch set.
"""
import logging
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import yaml

from rasa_ext.text_normalization import normalize_text

logger = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent


def training_examples(languages: Sequence[str], data_dir: Path = ROOT / "data" / "nlu"):
    texts: List[str] = []
    labels: List[str] = []
    for lang in languages:
        for path in sorted((data_dir / lang).glob("*.yml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for block in data.get("nlu", []):
                for line in (block.get("examples") or "").splitlines():
                    line = line.strip()
                    if line.startswith("- "):
                        texts.append(line[2:])
                        labels.append(lang)
    return texts, labels


class InDomainLanguageModel:
    """P(language | text) over the launch languages that have NLU data."""

    def __init__(self, languages: Sequence[str]):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.naive_bayes import MultinomialNB
        from sklearn.pipeline import make_pipeline

        texts, labels = training_examples(languages)
        self.languages = sorted(set(labels))
        self.pipeline = make_pipeline(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True,
                            preprocessor=normalize_text, max_features=200_000),
            MultinomialNB(alpha=0.02),
        )
        if len(self.languages) >= 2:
            self.pipeline.fit(texts, labels)
        logger.info("language model fitted on %d examples in %d languages",
                    len(texts), len(self.languages))

    def probabilities(self, text: str, candidates: Sequence[str]) -> List[Tuple[str, float]]:
        """Languages among `candidates` ranked by probability (renormalised)."""
        usable = [c for c in candidates if c in self.languages]
        if not usable:
            return []
        if len(self.languages) < 2:
            return [(usable[0], 1.0)]
        scores: Dict[str, float] = dict(zip(self.pipeline.classes_,
                                            self.pipeline.predict_proba([text])[0]))
        total = sum(scores[c] for c in usable) or 1.0
        return sorted(((c, scores[c] / total) for c in usable), key=lambda x: -x[1])


@lru_cache(maxsize=4)
def language_model(languages: Tuple[str, ...]) -> InDomainLanguageModel:
    return InDomainLanguageModel(languages)
