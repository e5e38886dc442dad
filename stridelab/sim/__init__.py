"""Synthetic recordings with known gait events, for tests and demonstrations."""

from stridelab.sim.runner import (
    RunnerSpec,
    SyntheticRun,
    lab_rotation,
    simulate_runner,
    write_trc,
)

__all__ = ["RunnerSpec", "SyntheticRun", "lab_rotation", "simulate_runner", "write_trc"]
