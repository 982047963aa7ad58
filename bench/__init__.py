"""`make bench`: Terbuka against frictionless-py and the DuckDB floor on generated files (not part of make test)."""
