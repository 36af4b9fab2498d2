"""otobo-znuny 1.4's GenericInterface models (``otobo_znuny.models.request_models``, ``response_models``,
``ticket_models``, ``base_models``), for code that builds or reads them.

The field names are 1.4's. Differences: every model keeps keys it does not name (``extra="allow"``), so
a request built by the 1.4 mapper names (``to_ws_ticket_create``...) dumps to exactly the parameters
this client sends (``model_dump(exclude_none=True, by_alias=True)``); request fields default to ``None``
instead of 1.4's defaults (``Limit=0``, ``ArticleLimit=5``, ``Empty=1``...), which the client does not
send; and values keep the types the servers use (a dynamic-field value may be a list, an empty ID is ``None``).
"""

from __future__ import annotations

from typing import Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, SecretStr, SerializerFunctionWrapHandler, model_serializer

from otobo_znuny.auth import SecretDumpModel
from otobo_znuny.wire.shapes import OptInt

__all__ = [
    "BooleanInteger",
    "WsArticleDetail",
    "WsAuthData",
    "WsDynamicField",
    "WsDynamicFieldFilter",
    "WsTicketBase",
    "WsTicketGetRequest",
    "WsTicketGetResponse",
    "WsTicketMutationRequest",
    "WsTicketOutput",
    "WsTicketResponse",
    "WsTicketSearchRequest",
    "WsTicketSearchResponse",
    "WsTicketUpdateRequest",
]

BooleanInteger: TypeAlias = Literal[0, 1]
"""A GenericInterface flag: 1 or 0 (OTOBO 11 cannot read JSON true/false)."""


class _WsModel(BaseModel):
    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True)


class WsTicketBase(_WsModel):
    """The ``Ticket`` object of a request, and the ticket attributes of a reply."""

    Title: str | None = None
    Lock: str | None = None
    LockID: OptInt = None
    QueueID: OptInt = None
    Queue: str | None = None
    StateID: OptInt = None
    State: str | None = None
    PriorityID: OptInt = None
    Priority: str | None = None
    OwnerID: OptInt = None
    Owner: str | None = None
    CustomerUser: str | None = None
    TicketID: OptInt = None
    TicketNumber: str | None = None
    Type: str | None = None
    TypeID: OptInt = None
    CustomerID: str | None = None
    CustomerUserID: str | None = None
    CreateBy: OptInt = None
    ChangeBy: OptInt = None
    Created: str | None = None
    Changed: str | None = None


class WsDynamicField(_WsModel):
    """``{"Name": ..., "Value": ...}``; ``Value`` may be a list (multiselect) or null."""

    Name: str
    Value: Any = None


class WsArticleDetail(_WsModel):
    """An article as a request sends it or a reply returns it."""

    ArticleID: OptInt = None
    ArticleNumber: OptInt = None
    From: str | None = None
    Subject: str | None = None
    Body: str | None = None
    ContentType: str | None = None
    CreateTime: str | None = None
    ChangeTime: str | None = None
    To: str | None = None
    MessageID: str | None = None
    ChangeBy: OptInt = None
    CreateBy: OptInt = None


class WsTicketOutput(WsTicketBase):
    """A ticket of a TicketGet reply; ``Article`` is a list or one object."""

    Article: list[WsArticleDetail] | WsArticleDetail | None = None
    DynamicField: list[WsDynamicField] | None = None

    def get_articles(self) -> list[WsArticleDetail]:
        """The articles as a list."""
        if self.Article is None:
            return []
        if isinstance(self.Article, list):
            return self.Article
        return [self.Article]


class WsDynamicFieldFilter(_WsModel):
    """The operators of one dynamic-field search condition (``DynamicField_<Name>``)."""

    Empty: BooleanInteger | None = None
    Equals: Any = None
    Like: Any = None
    GreaterThan: Any = None
    GreaterThanEquals: Any = None
    SmallerThan: Any = None
    SmallerThanEquals: Any = None


class WsAuthData(SecretDumpModel):
    """Credentials; ``model_dump(with_secrets=True)`` puts the password in clear."""

    model_config = ConfigDict(extra="allow")

    UserLogin: str | None = Field(default=None, description="Agent login for authentication")
    CustomerUserLogin: str | None = Field(default=None, description="Customer-user login for authentication")
    Password: SecretStr = Field(..., description="Password for authentication")


class WsTicketSearchRequest(_WsModel):
    """TicketSearch parameters; ``DynamicFields={"Name": WsDynamicFieldFilter(...)}`` dumps as
    ``DynamicField_Name`` keys, as in 1.4."""

    TicketNumber: str | list[str] | None = None
    Title: str | list[str] | None = None
    Locks: list[str] | None = None
    LockIDs: list[int] | None = None
    Queues: list[str] | None = None
    QueueIDs: list[int] | None = None
    UseSubQueues: BooleanInteger | None = None
    Types: list[str] | None = None
    TypeIDs: list[int] | None = None
    States: list[str] | None = None
    StateIDs: list[int] | None = None
    Priorities: list[str] | None = None
    PriorityIDs: list[int] | None = None
    Limit: int | None = None
    SearchLimit: int | None = None
    DynamicFields: dict[str, WsDynamicFieldFilter] = Field(default_factory=dict)

    @model_serializer(mode="wrap")
    def _spread_dynamic_fields(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            for name, condition in (data.pop("DynamicFields", None) or {}).items():
                data[f"DynamicField_{name}"] = condition
        return data


class WsTicketGetRequest(_WsModel):
    """TicketGet parameters."""

    TicketID: int | list[int] | None = None
    DynamicFields: BooleanInteger | None = None
    Extended: BooleanInteger | None = None
    AllArticles: BooleanInteger | None = None
    ArticleSenderType: list[str] | None = None
    ArticleOrder: Literal["ASC", "DESC"] | None = None
    ArticleLimit: int | None = None
    Attachments: BooleanInteger | None = None
    GetAttachmentContents: BooleanInteger | None = None
    HTMLBodyAsAttachment: BooleanInteger | None = None


class WsTicketMutationRequest(_WsModel):
    """TicketCreate parameters (``Article`` is a list when several articles are sent)."""

    Ticket: WsTicketBase | None = None
    Article: WsArticleDetail | list[WsArticleDetail] | None = None
    DynamicField: list[WsDynamicField] | None = None


class WsTicketUpdateRequest(WsTicketMutationRequest):
    """TicketUpdate parameters."""

    TicketID: int | None = None
    TicketNumber: str | None = None


class WsTicketResponse(_WsModel):
    """A TicketCreate/TicketUpdate reply; ``Ticket`` only with the operation's ``IncludeTicketData``."""

    Ticket: WsTicketOutput | None = None


class WsTicketGetResponse(_WsModel):
    """A TicketGet reply."""

    Ticket: list[WsTicketOutput] = Field(default_factory=list)


class WsTicketSearchResponse(_WsModel):
    """A TicketSearch reply (``{}`` when nothing matched)."""

    TicketID: list[int] | None = None
