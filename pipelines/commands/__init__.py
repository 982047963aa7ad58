"""The `terbuka` commands, by what they act on: files, the portal, the workspace."""
