"""callpipe: post-call analytics and SingleInterface webhook delivery on Kafka."""

__version__ = "0.1.0"
