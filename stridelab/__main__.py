"""``python -m stridelab`` and the ``stridelab`` command.

The command line is imported only when it runs: worker processes (spawn) import the main
module again, and they need MediaPipe, not Typer and Rich.
"""


def main() -> None:
    """Run the ``stridelab`` command."""
    from stridelab.cli.main import run

    run()


if __name__ == "__main__":
    main()
