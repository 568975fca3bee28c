"""Value extractors: the customer's reply text -> a name, a model or an email."""

from callpipe.analysis.values.emails import extract_email, is_email
from callpipe.analysis.values.extractor import RuleExtractor, ValueExtractor
from callpipe.analysis.values.models import extract_model
from callpipe.analysis.values.names import extract_name

__all__ = [
    "RuleExtractor",
    "ValueExtractor",
    "extract_email",
    "extract_model",
    "extract_name",
    "is_email",
]
