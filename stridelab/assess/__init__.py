"""stridelab.assess."""
