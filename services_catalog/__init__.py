"""The local services catalogue: HSDS-shaped model, search and importers."""
