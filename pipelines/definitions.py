"""The one Dagster Definitions object: assets from declarations, checks, jobs, sensors and schedules."""

from __future__ import annotations

import dagster as dg

from assets.factory import TerbukaResource, build_dataset_assets, build_portal_assets
from pipelines.schedules import build_schedules
from pipelines.sensors import build_inbox_sensor
from publish.config import promotes_automatically
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
    preview, portal, verify = build_portal_assets(ids)
    checked = dg.AssetSelection.checks(verify)
    # promote "auto" (the sample) puts the portal live in the same run; "manual" stops at the preview
    # and an officer promotes with promote_job (or by materializing `portal`) after a look. Nothing
    # scheduled ever promotes on its own when promotion is manual.
    auto = promotes_automatically(ws)
    # verify runs after promotion; with manual promotion a dataset run publishes nothing to check, and the
    # check (which has no upstream in that job) would run first and look green on a rejected file.
    live = dg.AssetSelection.assets(portal) if auto else dg.AssetSelection.assets()
    after = dg.AssetSelection.assets(preview) | live | (checked if auto else dg.AssetSelection.assets())
    nightly = dg.AssetSelection.assets(preview) | live | checked
    jobs = [dg.define_asset_job(dataset_job_name(d), selection=dg.AssetSelection.groups(d) | after,
                                description=f"Process one dropped file for {d}: raw, clean (checks), release, "
                                            "then the portal preview (and promotion when set to auto).")
            for d in ids]
    dataset_jobs = list(jobs)
    jobs.append(dg.define_asset_job("portal_job", selection=nightly,
                                    description="Rebuild the portal preview, promote it to site/ when promotion is "
                                                "automatic, and verify the published files and links."))
    jobs.append(dg.define_asset_job("promote_job", selection=dg.AssetSelection.assets(portal) | checked,
                                    description="Put the previewed portal live in site/ and verify it."))
    return dg.Definitions(
        assets=[*assets, preview, portal],
        asset_checks=[verify],
        jobs=jobs,
        sensors=[build_inbox_sensor(dataset_jobs)],
        schedules=build_schedules(),
        resources={"terbuka": TerbukaResource(workspace_dir=str(ws.root))},
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions()
