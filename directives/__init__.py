"""The domain app: units, documents, directives, assignments and their history."""
