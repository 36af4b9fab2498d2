"""The GenericInterface's JSON shapes (PascalCase, as on the wire), used to parse replies.

Every reply model carries the optional ``Error`` object, so one validation pass over the raw bytes
both detects business errors and parses the data. The models coerce what the servers send
inconsistently (IDs as strings or numbers, ``""`` for "no ID", a scalar where a list is usual) and
keep unknown keys (``extra="allow"``).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

__all__ = [
    "WsArticle",
    "WsAttachment",
    "WsDynamicField",
    "WsError",
    "WsHistoryEntry",
    "WsKeyValue",
    "WsReply",
    "WsSessionCreateReply",
    "WsSessionGetReply",
    "WsSuccessReply",
    "WsTicket",
    "WsTicketGetReply",
    "WsTicketHistory",
    "WsTicketHistoryReply",
    "WsTicketSearchReply",
    "WsTicketWriteReply",
]


def _empty_to_none(value: Any) -> Any:
    return None if value == "" else value


def _as_list(value: Any) -> Any:
    if value is None or isinstance(value, list):
        return value
    return [value]


OptInt = Annotated[int | None, BeforeValidator(_empty_to_none)]
OptFloat = Annotated[float | None, BeforeValidator(_empty_to_none)]
IntList = Annotated[list[int], BeforeValidator(_as_list)]


class WsModel(BaseModel):
    """Base of the wire shapes: lax, keeps unknown keys, numbers accepted where strings are expected."""

    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True, frozen=True)


class WsError(WsModel):
    """``{"ErrorCode": "TicketGet.AccessDenied", "ErrorMessage": "..."}``."""

    ErrorCode: str
    ErrorMessage: str = ""


class WsReply(WsModel):
    """Any operation reply: data keys, or an ``Error`` object."""

    Error: WsError | None = None


class WsDynamicField(WsModel):
    """``{"Name": "OrderID", "Value": "A-1"}``; ``Value`` may be a list (multiselect) or null."""

    Name: str
    Value: Any = None


class WsAttachment(WsModel):
    """An attachment of an article; ``Content`` is base64 without line breaks."""

    Filename: str = ""
    Content: str = ""
    ContentType: str = ""
    Disposition: str | None = None
    ContentID: str | None = None
    ContentAlternative: str | None = None
    FileID: OptInt = None
    FilesizeRaw: OptInt = None


class WsArticle(WsModel):
    """An article as TicketGet returns it."""

    ArticleID: int
    TicketID: OptInt = None
    ArticleNumber: OptInt = None
    From: str | None = None
    To: str | None = None
    Cc: str | None = None
    Bcc: str | None = None
    ReplyTo: str | None = None
    Subject: str | None = None
    Body: str | None = None
    ContentType: str | None = None
    MimeType: str | None = None
    Charset: str | None = None
    ContentCharset: str | None = None
    SenderType: str | None = None
    SenderTypeID: OptInt = None
    CommunicationChannel: str | None = None
    CommunicationChannelID: OptInt = None
    IsVisibleForCustomer: OptInt = None
    TimeUnit: OptFloat = None
    MessageID: str | None = None
    InReplyTo: str | None = None
    References: str | None = None
    IncomingTime: OptInt = None
    CreateTime: str | None = None
    ChangeTime: str | None = None
    CreateBy: OptInt = None
    ChangeBy: OptInt = None
    Attachment: list[WsAttachment] = Field(default_factory=list)
    DynamicField: list[WsDynamicField] = Field(default_factory=list)


class WsTicket(WsModel):
    """A ticket as TicketGet returns it (CONTRACT §4.2)."""

    TicketID: int
    TicketNumber: str
    Title: str | None = None
    QueueID: OptInt = None
    Queue: str | None = None
    StateID: OptInt = None
    State: str | None = None
    StateType: str | None = None
    PriorityID: OptInt = None
    Priority: str | None = None
    TypeID: OptInt = None
    Type: str | None = None
    LockID: OptInt = None
    Lock: str | None = None
    ServiceID: OptInt = None
    Service: str | None = None
    SLAID: OptInt = None
    SLA: str | None = None
    OwnerID: OptInt = None
    Owner: str | None = None
    ResponsibleID: OptInt = None
    Responsible: str | None = None
    CustomerID: str | None = None
    CustomerUserID: str | None = None
    GroupID: OptInt = None
    Created: str | None = None
    Changed: str | None = None
    CreateBy: OptInt = None
    ChangeBy: OptInt = None
    ArchiveFlag: str | None = None
    Age: OptInt = None
    UnlockTimeout: OptInt = None
    RealTillTimeNotUsed: OptInt = None
    UntilTime: OptInt = None
    EscalationTime: OptInt = None
    EscalationResponseTime: OptInt = None
    EscalationUpdateTime: OptInt = None
    EscalationSolutionTime: OptInt = None
    TimeUnit: OptFloat = None
    Article: Annotated[list[WsArticle], BeforeValidator(_as_list)] = Field(default_factory=list)
    DynamicField: list[WsDynamicField] = Field(default_factory=list)


class WsTicketGetReply(WsReply):
    """``{"Ticket": [...]}``."""

    Ticket: list[WsTicket] = Field(default_factory=list)


class WsTicketSearchReply(WsReply):
    """``{"TicketID": ["3", "2"]}``, or ``{}`` when nothing matched."""

    TicketID: IntList = Field(default_factory=list)


class WsTicketWriteReply(WsReply):
    """TicketCreate / TicketUpdate: ``{"TicketID", "TicketNumber", "ArticleID" | "ArticleIDs"}``."""

    TicketID: OptInt = None
    TicketNumber: str | None = None
    ArticleID: Annotated[list[int] | None, BeforeValidator(_as_list)] = None
    ArticleIDs: Annotated[list[int] | None, BeforeValidator(_as_list)] = None


class WsHistoryEntry(WsModel):
    """One history line (the 12 whitelisted keys)."""

    HistoryType: str
    HistoryTypeID: OptInt = None
    TicketID: OptInt = None
    ArticleID: OptInt = None
    Name: str = ""
    CreateBy: OptInt = None
    CreateTime: str | None = None
    QueueID: OptInt = None
    OwnerID: OptInt = None
    PriorityID: OptInt = None
    StateID: OptInt = None
    TypeID: OptInt = None


class WsTicketHistory(WsModel):
    """The history of one ticket."""

    TicketID: int
    History: list[WsHistoryEntry] = Field(default_factory=list)


class WsTicketHistoryReply(WsReply):
    """``{"TicketHistory": [{"TicketID": "2", "History": [...]}]}``."""

    TicketHistory: list[WsTicketHistory] = Field(default_factory=list)


class WsSessionCreateReply(WsReply):
    """``{"SessionID": "..."}``."""

    SessionID: str | None = None


class WsKeyValue(WsModel):
    """One entry of SessionData; ``Serialized`` = 1 when ``Value`` is JSON text."""

    Key: str
    Value: Any = None
    Serialized: OptInt = None


class WsSessionGetReply(WsReply):
    """``{"SessionData": [{"Key": ..., "Value": ...}]}``."""

    SessionData: list[WsKeyValue] = Field(default_factory=list)


class WsSuccessReply(WsReply):
    """``{"Success": 1}`` (SessionRemove)."""

    Success: OptInt = None
