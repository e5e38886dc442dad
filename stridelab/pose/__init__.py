"""stridelab.pose."""
