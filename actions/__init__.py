"""Custom actions served by `rasa run actions`: thin glue over the catalogue."""
