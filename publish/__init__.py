"""Terbuka's publishing library: workspaces, declarations, releases and the static portal (no Dagster)."""
