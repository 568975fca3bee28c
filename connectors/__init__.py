"""I/O at the edges: sources and sinks."""
