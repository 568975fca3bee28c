"""The schema registry: registration with BACKWARD compatibility and Avro serdes."""

from callpipe.connectors.registry.errors import DecodeError, EncodeError, RegistryError
from callpipe.connectors.registry.serde import AvroSerde, RegistryConfig, SerdeFactory

__all__ = [
    "AvroSerde",
    "DecodeError",
    "EncodeError",
    "RegistryConfig",
    "RegistryError",
    "SerdeFactory",
]
