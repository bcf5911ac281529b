"""Per-request GraphQL context: the version being served when the request started, the settings, and the
query slots shared by every request of the app."""
from __future__ import annotations

from strawberry.fastapi import BaseContext

from semantic.layer import SemanticLayer
from server.questions import QuestionSlots
from server.settings import ServerSettings
from server.state import Served


class RequestContext(BaseContext):
    """Holds one `Served` for the whole request, so every resolver answers from the same version."""

    def __init__(self, served: Served, settings: ServerSettings, slots: QuestionSlots) -> None:
        super().__init__()
        self.served = served
        self.settings = settings
        self.slots = slots

    @property
    def layer(self) -> SemanticLayer:
        return self.served.layer
