"""The top layer: the `callpipe` command, its subcommands, the local stack and the demo.

Nothing below imports it (the import-layers contract in pyproject.toml).
"""
