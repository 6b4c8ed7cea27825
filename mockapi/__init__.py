"""mockapi: an offline, stateful, contract-validated fake of the OpenAI REST API."""

from mockapi.config import Config
from mockapi.fake import Fake

__all__ = ["Config", "Fake"]
__version__ = "0.1.0"
