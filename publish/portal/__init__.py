"""The static portal: pages in Indonesian and English, catalogues, feeds and a static CKAN API, built from releases."""

from publish.portal.build import build_site

__all__ = ["build_site"]
