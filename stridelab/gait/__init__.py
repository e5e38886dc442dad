"""stridelab.gait."""
