"""Alembic revision files, oldest first (``0001`` ... ); see the parent package."""
