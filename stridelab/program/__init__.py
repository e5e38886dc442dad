"""stridelab.program."""
