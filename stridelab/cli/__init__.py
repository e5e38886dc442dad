"""stridelab.cli."""
