"""Whitespace tokenizer whose tokens carry a normalised lemma for featurisers.

The featurisers read `token.lemma` (``use_lemma`` is on by default), so folding
spelling variants here lets "médecin", "medecin" and "MEDECIN", or ي and ی,
share features, while token text and offsets stay those of the message.
"""
from typing import List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from rasa_ext.text_normalization import normalize_text


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class NormalizingTokenizer(WhitespaceTokenizer):
    """WhitespaceTokenizer plus script-aware normalisation of each token."""

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        tokens = super().tokenize(message, attribute)
        for token in tokens:
            token.lemma = normalize_text(token.text)
        return tokens
