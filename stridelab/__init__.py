"""stridelab: running gait analysis, evidence-graded findings and strength & balance programs.

The package is laid out as the data flows (see ``README.md``)::

    io -> gait -> kinematics -> assess -> program -> report
    load (watch files) -> store

Each stage only imports from stages before it.
"""

__version__ = "0.1.0"
