"""Errors of the local infrastructure, each one line an operator can act on."""


class LocalInfraError(RuntimeError):
    """Base of every `callpipe local` failure."""


class MissingToolError(LocalInfraError):
    """A required program (java, mvn) is not installed."""


class StartupError(LocalInfraError):
    """A service did not become ready in time."""
