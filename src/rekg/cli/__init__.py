"""The command line: argument parsing only, one module per command group; each command
calls a plain function of the stage packages and maps errors to exit codes."""

from rekg.cli.main import main

__all__ = ["main"]
