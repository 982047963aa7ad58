"""Terbuka's Dagster definitions, resources, sensors, schedules and the `terbuka` command line."""
