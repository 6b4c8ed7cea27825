"""The contract layer: the official OpenAI document, normalized, as fast per-operation validators.

contract = Contract.load()                      # cached per process
op = contract.operation("POST", "/chat/completions")
op.validate_body(body)                          # raises mockapi.errors.APIError (400)
query = op.validate_query({"limit": ["5"]})     # typed, defaults filled
problems = op.validate_response(200, payload)   # list of readable violations
"""

from mockapi.contract.messages import param_name
from mockapi.contract.normalize import NORMALIZER_VERSION, normalized
from mockapi.contract.spec import SPEC_SHA256, SpecChecksumError, load_document, load_overlay
from mockapi.contract.validators import Contract, Operation

__all__ = [
    "NORMALIZER_VERSION",
    "SPEC_SHA256",
    "Contract",
    "Operation",
    "SpecChecksumError",
    "load_document",
    "load_overlay",
    "normalized",
    "param_name",
]
