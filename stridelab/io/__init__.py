"""stridelab.io."""
