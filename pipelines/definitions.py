"""The one Dagster Definitions object: assets from declarations, checks, jobs, sensors and schedules."""

from __future__ import annotations

import dagster as dg

from assets.factory import TerbukaResource, build_dataset_assets, build_portal_asset
from pipelines.schedules import build_schedules
from pipelines.sensors import build_inbox_sensor
from publish.declarations import load_all
from publish.workspace import Workspace, resolve_workspace


def dataset_job_name(dataset: str) -> str:
    return f"{dataset}_job"


def build_definitions(workspace: Workspace | None = None) -> dg.Definitions:
    """Everything Dagster shows for one workspace; adding a declaration adds its assets, no Python."""
    ws = workspace or resolve_workspace()
    declarations = load_all(ws)
    ids = [d.id for d in declarations]
    assets = [a for d in declarations for a in build_dataset_assets(d, ids)]
    portal = build_portal_asset(ids)
    jobs = [dg.define_asset_job(dataset_job_name(d), selection=dg.AssetSelection.groups(d) | dg.AssetSelection.assets(portal),
                                description=f"Process one dropped file for {d}: raw, clean (checks), release, portal.")
            for d in ids]
    dataset_jobs = list(jobs)
    jobs.append(dg.define_asset_job("portal_job", selection=dg.AssetSelection.assets(portal),
                                    description="Rebuild the static portal from the published releases."))
    return dg.Definitions(
        assets=[*assets, portal],
        jobs=jobs,
        sensors=[build_inbox_sensor(dataset_jobs)],
        schedules=build_schedules(),
        resources={"terbuka": TerbukaResource(workspace_dir=str(ws.root))},
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions()
