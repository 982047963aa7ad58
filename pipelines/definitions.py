"""The one Dagster Definitions object: assets from declarations, checks, jobs, sensors and schedules."""

from __future__ import annotations

import dagster as dg

from assets.factory import build_dataset_assets, build_portal_assets, job_name
from pipelines.executors import chosen_executor
from pipelines.schedules import build_schedules
from pipelines.sensors import build_inbox_sensor
from publish.workspace import Workspace, resolve_workspace


def build_definitions(workspace: Workspace | None = None) -> dg.Definitions:
    """Everything Dagster shows for one workspace; adding a declaration adds its assets, no Python. The
    Workspace object (its config and declarations read once) is the resource every step uses."""
    ws = workspace or resolve_workspace()
    declarations = list(ws.declarations.values())
    ids = [d.id for d in declarations]
    assets = [build_dataset_assets(d, ids) for d in declarations]
    email = (ws.config.get("publisher") or {}).get("email") or ""
    auto = ws.config.promotes_automatically
    preview, portal, verify = build_portal_assets(ids, owners=[email] if "@" in email else None, promote=auto)
    checked = dg.AssetSelection.checks(verify)
    # promote "auto" (the sample) puts the portal live in the same run; "manual" stops at the preview
    # and an officer promotes with promote_job (or by materializing `portal`) after a look. Nothing
    # scheduled ever promotes on its own when promotion is manual.
    # verify runs after promotion; with manual promotion a dataset run publishes nothing to check, and the
    # check (which has no upstream in that job) would run first and look green on a rejected file.
    live = dg.AssetSelection.assets(portal) if auto else dg.AssetSelection.assets()
    after = dg.AssetSelection.assets(preview) | live | (checked if auto else dg.AssetSelection.assets())
    nightly = dg.AssetSelection.assets(preview) | live | checked
    # one process per file's run unless TERBUKA_EXECUTOR says otherwise: the steps share their imports, so a
    # small drop goes live in seconds; runs of different files still run side by side (the run queue)
    executor = chosen_executor()
    jobs = [dg.define_asset_job(job_name(d), selection=dg.AssetSelection.groups(d) | after,
                                executor_def=executor or dg.in_process_executor,
                                description=f"Process one dropped file for {d}: raw (checks), clean, release, "
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
        sensors=[build_inbox_sensor(dataset_jobs),
                 # releases made outside the dataset jobs (a backfill started in the UI) still reach the portal
                 dg.AutomationConditionSensorDefinition("portal_after_releases", minimum_interval_seconds=30,
                                                        target=dg.AssetSelection.assets(preview, portal),
                                                        default_status=dg.DefaultSensorStatus.RUNNING)],
        schedules=build_schedules(),
        resources={"terbuka": ws},
        executor=executor,  # Dagster's default, or Celery workers (TERBUKA_EXECUTOR=celery)
    )


@dg.definitions
def defs() -> dg.Definitions:
    """The code location `dagster dev` and the daemon load: the workspace named by $TERBUKA_WORKSPACE."""
    return build_definitions(resolve_workspace().ensure())
