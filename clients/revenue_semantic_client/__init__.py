"""Python client for the revenue semantic layer's API: sync and async, typed frames, coded errors, retries.

    from revenue_semantic_client import SemanticClient
    with SemanticClient("http://127.0.0.1:8000", token="s3cret") as client:
        frame = client.query(["bookings", "win_rate"], by=["account.segment"], grain="quarter").to_pandas()

docs/client.md in the repository describes it in full.
"""
from .answer import Answer, Column, EntityFreshness, Freshness
from .client import AsyncSemanticClient, SemanticClient
from .errors import (ApiError, AuthError, BadRequestError, NotFoundError, ServerBusyError, ServerError,
                     TooCostlyError, TransportError)
from .retry import RetryPolicy

__all__ = ["Answer", "ApiError", "AsyncSemanticClient", "AuthError", "BadRequestError", "Column", "EntityFreshness",
           "Freshness", "NotFoundError", "RetryPolicy", "SemanticClient", "ServerBusyError", "ServerError",
           "TooCostlyError", "TransportError"]
__version__ = "0.1.0"
