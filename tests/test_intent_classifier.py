"""The stored intent model predicts exactly what the fitted pipeline predicts."""
import numpy as np

from rasa_ext.linear_intent_classifier import (LinearIntentClassifier, LinearIntentModel,
                                               build_pipeline)
from rasa_ext.text_normalization import normalize_text

EXAMPLES = {
    "greet": ["hello", "bonjour", "salam", "hi there", "привіт", "hola amigo", "salut à vous"],
    "cso_services_food": ["i need food", "je cherche à manger", "comida gratis", "nothing to eat",
                          "banque alimentaire", "où manger", "food bank near me"],
    "crisis_self_harm": ["i want to die", "je veux mourir", "quiero morir", "i want to disappear",
                         "je vais me tuer", "kill myself", "no quiero vivir"],
}


def fitted_pipeline():
    texts, labels = [], []
    for intent, examples in EXAMPLES.items():
        texts += [normalize_text(e) for e in examples]
        labels += [intent] * len(examples)
    config = {**LinearIntentClassifier.get_default_config(), "calibration_folds": 2}
    pipeline = build_pipeline(config)
    pipeline.fit(texts, np.array(labels))
    return pipeline


def test_plain_model_reproduces_the_pipeline_and_round_trips(tmp_path):
    pipeline = fitted_pipeline()
    model = LinearIntentModel.from_pipeline(pipeline)
    model.save(tmp_path)
    assert {p.name for p in tmp_path.iterdir()} == {"intent_weights.npz", "intent_vocabulary.json"}
    loaded = LinearIntentModel.load(tmp_path)
    texts = [normalize_text(t) for t in ["je veux manger", "hello friend", "i want to die now", "zzz"]]
    assert np.allclose(pipeline.predict_proba(texts), loaded.predict_proba(texts), atol=1e-6)
    assert list(loaded.classes_) == list(pipeline.classes_)
    assert loaded.classes_[loaded.predict_proba([normalize_text("je veux mourir")]).argmax()] \
        == "crisis_self_harm"


def test_weights_load_without_pickle(tmp_path):
    LinearIntentModel.from_pipeline(fitted_pipeline()).save(tmp_path)
    with np.load(tmp_path / "intent_weights.npz", allow_pickle=False) as weights:
        assert set(weights.files) == {"coef", "intercept", "sigmoid_a", "sigmoid_b"}
