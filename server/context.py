"""Per-request GraphQL context: the version being served when the request started, the settings, and the
query slots shared by every request of the app."""
from __future__ import annotations

from typing import Any, Mapping

import strawberry
from strawberry.fastapi import BaseContext

from semantic.access import Caller
from semantic.layer import SemanticLayer
from server.caller_schemas import schema_for
from server.questions import QuestionSlots
from server.settings import ServerSettings
from server.state import Served


class RequestContext(BaseContext):
    """Holds one `Served` for the whole request, so every resolver answers from the same version."""

    def __init__(self, served: Served, settings: ServerSettings, slots: QuestionSlots,
                 caller: Caller | None = None) -> None:
        super().__init__()
        self.served = served
        self.settings = settings
        self.slots = slots
        self.caller = caller if caller is not None else Caller.unrestricted()
        self.answers: list[Any] = []  # every answer given so far: their data version and freshness headers
        self.keepable: Any = None  # a Keepable when the response may be kept (server/kept_responses.py)
        self.clean = False  # the operation ran without errors

    @property
    def layer(self) -> SemanticLayer:
        return self.served.layer

    @property
    def schema(self) -> strawberry.Schema:
        """The schema this request executes on: its enums list only what the caller sees (server/caller_schemas.py)."""
        return schema_for(self.served, self.caller, self.settings)


CALLER_STATE = "caller"  # where the authentication middleware leaves the request's Caller (scope["state"])


def caller_of(scope: Mapping[str, Any]) -> Caller:
    """The Caller the authentication middleware identified; without authentication, everyone is unrestricted."""
    caller = (scope.get("state") or {}).get(CALLER_STATE)
    return caller if isinstance(caller, Caller) else Caller.unrestricted()
