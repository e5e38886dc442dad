"""The web app (``stridelab serve``): pages and a JSON API over the public API."""

from stridelab.web.app import create_app
from stridelab.web.settings import Settings

__all__ = ["Settings", "create_app"]
