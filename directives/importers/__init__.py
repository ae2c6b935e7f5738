"""Importers: source document text → document fields and numbered directives. No HTTP here."""
