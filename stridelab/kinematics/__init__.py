"""stridelab.kinematics."""
