"""Nightly upkeep in Asia/Jakarta time: rebuild the portal and verify every published file."""

from __future__ import annotations

import dagster as dg


def build_schedules() -> list[dg.ScheduleDefinition]:
    return [dg.ScheduleDefinition(name="nightly_portal", job_name="portal_job", cron_schedule="0 2 * * *",
                                  execution_timezone="Asia/Jakarta", default_status=dg.DefaultScheduleStatus.RUNNING,
                                  description="02:00 WIB: rebuild the portal preview (and promote it when automatic), verify checksums and links.")]
