"""stridelab.report."""
