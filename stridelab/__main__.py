"""``python -m stridelab`` runs the command line."""

from stridelab.cli.main import run

run()
