"""Value extractors: the customer's reply text -> a name, a model or an email."""

from callpipe.analysis.values.emails import extract_email, is_email, read_email
from callpipe.analysis.values.extractor import RuleExtractor, ValueExtractor
from callpipe.analysis.values.models import extract_model, read_model
from callpipe.analysis.values.names import extract_name, read_name
from callpipe.analysis.values.reading import Reading

__all__ = [
    "Reading",
    "RuleExtractor",
    "ValueExtractor",
    "extract_email",
    "extract_model",
    "extract_name",
    "is_email",
    "read_email",
    "read_model",
    "read_name",
]
