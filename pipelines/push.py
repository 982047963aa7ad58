"""`terbuka push`: copy the portal and the release store to object storage (terbuka.json "publish"), then verify
the copy object by object against this workspace's records; `--check` only verifies."""

from __future__ import annotations

import sys

import click

from pipelines.options import SystemError_ as Unreachable
from pipelines.options import workspace_option
from publish.config import ConfigError
from publish.remote import TargetError, push as push_target, read_target, verify_remote
from publish.verify import verify_all


@click.command("push")
@click.option("--check", is_flag=True, help="Only verify what is on the target; upload nothing.")
@workspace_option
def push(workspace, check):
    """Copy site/ and the release store to S3-compatible object storage, then verify every object there.

    The target is declared in terbuka.json, e.g. "publish": {"target": "s3://bucket/prefix",
    "endpoint": "https://s3.example.go.id"}; credentials come from the environment (AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY or an AWS profile), never from the file. The portal goes to <target>/site (or
    "site"), the store to <target>/store. New versions go first (SHA256SUMS last), then pages, then each
    dataset's latest/ (copies of the newest live version) and releases.json. Nothing is pushed while the
    local store fails `terbuka verify`.

    \b
    Exit codes: 0 pushed (or checked) and verified, 1 verify found problems on the target,
    3 no target, the local store has problems, or the storage cannot be reached or written.

    \b
    Example:
        terbuka push
        terbuka push --check
    """
    try:
        target = read_target(workspace)
    except (TargetError, ConfigError) as exc:
        raise Unreachable(str(exc)) from None
    try:
        if not check:
            local = verify_all(workspace)
            if not local.ok:
                raise Unreachable("penyimpanan lokal bermasalah, tidak ada yang dikirim / the local store has problems, "
                                  f"nothing was pushed: {'; '.join(local.problems[:3])} (run `terbuka verify`)")
            done = push_target(workspace, target)
            click.echo(f"pushed to {target.store} and {target.site}: {len(done.uploaded)} uploaded, "
                       f"{len(done.copied)} copied as latest/, {len(done.deleted)} removed")
        result = verify_remote(workspace, target)
    except (OSError, ValueError) as exc:  # botocore and s3fs errors for a missing bucket, a refusal, no network
        raise Unreachable(f"penyimpanan tidak dapat dipakai / the storage cannot be used: "
                          f"{exc.__class__.__name__}: {exc}") from None
    for kind in ("missing", "changed", "extra", "broken", "stale"):
        for item in getattr(result, kind):
            click.echo(f"{kind}: {item}")
    click.echo(f"{result.checked} objects checked on the target: {'OK' if result.ok else 'PROBLEMS FOUND'}")
    sys.exit(0 if result.ok else 1)
