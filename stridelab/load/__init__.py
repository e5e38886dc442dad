"""stridelab.load."""
