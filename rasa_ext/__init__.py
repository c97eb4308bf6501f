"""Extensions loaded inside the Rasa process: tokenizer and input channel."""
