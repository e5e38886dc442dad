"""Alembic revisions of the stridelab database (``env.py`` and ``versions/``).

Revisions ``0001`` to ``0004`` are the hand-written schema of stridelab 0.1 (its
``schema_version`` 1 to 4), so that a log made by it is stamped at its version and upgraded
in place. Every revision also records its number in ``schema_version``, so an older
stridelab refuses a database that a newer one has changed.
"""
