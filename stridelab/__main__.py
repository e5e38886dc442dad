"""``python -m stridelab`` runs the command line."""

from stridelab.cli.main import run

if __name__ == "__main__":  # pose processes (spawn) import this module as __mp_main__
    run()
