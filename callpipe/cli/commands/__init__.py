"""Sub-commands of the `callpipe` CLI (see callpipe.cli.main)."""
