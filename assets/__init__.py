"""Terbuka's stage logic (ingest, validate) and the Dagster assets built from declarations."""
