"""The schema registry: registration with BACKWARD compatibility and Avro serdes."""

from connectors.registry.errors import DecodeError, EncodeError, RegistryError
from connectors.registry.serde import AvroSerde, SerdeFactory

__all__ = ["AvroSerde", "DecodeError", "EncodeError", "RegistryError", "SerdeFactory"]
