"""The declared key tables: which GenericInterface key carries which domain-model field, and how.

Each mapping between a wire key and a domain field is written here once. Both directions read it:
``wire.replies`` builds the reply readers from it (what a key holds and how it is read), and
``wire.requests`` and the adapter (``adapter.data``) take the keys that requests write from it.
The way each kind of value is read (the servers' quirks) is implemented once, in ``wire.replies``.

The tables follow the replies recorded from Znuny 7.0.19 and OTOBO 11.0.6
(``tests/data/contract``) and CONTRACT.md section 4.2.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = [
    "ARTICLE_EXTRA_KEYS",
    "ARTICLE_KEYS",
    "ATTACHMENT_EXTRA_KEYS",
    "ATTACHMENT_KEYS",
    "CHANNEL_NAMES",
    "HISTORY_ENTRY_KEYS",
    "PENDING_TIME_KEY",
    "TICKET_EXTRA_KEYS",
    "TICKET_KEYS",
    "ExtraKey",
    "Key",
    "Read",
    "id_name_keys",
    "request_keys",
]


class Read(Enum):
    """How a reply value is read. Each kind is implemented once, in ``wire.replies``."""

    TEXT = "text or null; a number reads as text"
    TEXT_OR_NONE = 'text or null; a number reads as text, "" as None'
    STRING = 'text (not null); a number reads as text; a missing key reads as ""'
    REQUIRED_TEXT = "text (not null); a number reads as text; the key must be there"
    REQUIRED_ID = "an integer or a numeric string; the key must be there"
    ID = 'an integer, a numeric string, "" or null; "" and null read as None'
    ID_OR_NONE = 'as ID, and 0 reads as None too (an ID the server writes as 0 for "none")'
    NUMBER = 'a number, a numeric string, "" or null; "" and null read as None'
    FLAG = "as ID, read as a bool (1 = True, 0 = False)"
    YES_NO = '"y" reads as True, anything else (or nothing) as False'
    SERVER_TIME = 'naive "YYYY-MM-DD HH:MM:SS" server time: aware, in the server\'s zone; zero or unreadable: None'
    EPOCH = "Unix seconds: an aware UTC datetime; 0 and null read as None"
    ID_NAME = "a name key and an ID key (``id_key``), read together as one IdName (None when both are empty)"
    DYNAMIC_FIELDS = 'a list of {"Name", "Value"}: {name: value}'
    ARTICLES = "a list of articles"
    ATTACHMENTS = "a list of attachments"
    BASE64 = "base64 text (not null): the decoded bytes"
    DISPOSITION = 'text or null: "attachment" or "inline", anything else reads as None'
    CHANNEL = "text or null; when empty, the name of the channel ``CommunicationChannelID`` names (``CHANNEL_NAMES``)"
    FILE_SIZE = "as ID; replaced by the length of the content when the content was fetched"


@dataclass(frozen=True, slots=True)
class Key:
    """One domain field and the key that carries it.

    ``wire`` is the key in replies; ``request`` is the key requests write the field under (None:
    requests do not write it). For ``Read.ID_NAME``, ``wire``/``request`` name the object and
    ``id_key`` is the key of its ID (in replies and in requests).
    """

    field: str
    wire: str
    read: Read
    request: str | None = None
    id_key: str | None = None


@dataclass(frozen=True, slots=True)
class ExtraKey:
    """A key replies carry that no field of the domain model names: validated as ``read``, then kept
    in the model's ``extra`` (``keep``; only when not None) or dropped."""

    wire: str
    read: Read
    keep: bool


# ---- TicketGet: ticket --------------------------------------------------------------------------

TICKET_KEYS: tuple[Key, ...] = (
    Key("number", "TicketNumber", Read.REQUIRED_TEXT),
    Key("title", "Title", Read.TEXT, request="Title"),
    Key("lock", "Lock", Read.ID_NAME, request="Lock", id_key="LockID"),
    Key("queue", "Queue", Read.ID_NAME, request="Queue", id_key="QueueID"),
    Key("state", "State", Read.ID_NAME, request="State", id_key="StateID"),
    Key("priority", "Priority", Read.ID_NAME, request="Priority", id_key="PriorityID"),
    Key("type", "Type", Read.ID_NAME, request="Type", id_key="TypeID"),
    Key("owner", "Owner", Read.ID_NAME, request="Owner", id_key="OwnerID"),
    Key("responsible", "Responsible", Read.ID_NAME, request="Responsible", id_key="ResponsibleID"),
    Key("customer_user", "CustomerUserID", Read.TEXT_OR_NONE, request="CustomerUser"),
    Key("customer_id", "CustomerID", Read.TEXT_OR_NONE, request="CustomerID"),
    Key("created_at", "Created", Read.SERVER_TIME),
    Key("changed_at", "Changed", Read.SERVER_TIME),
    Key("dynamic_fields", "DynamicField", Read.DYNAMIC_FIELDS),
    Key("id", "TicketID", Read.REQUIRED_ID),
    Key("service", "Service", Read.ID_NAME, request="Service", id_key="ServiceID"),
    Key("sla", "SLA", Read.ID_NAME, request="SLA", id_key="SLAID"),
    Key("state_type", "StateType", Read.TEXT),
    Key("group_id", "GroupID", Read.ID),
    Key("created_by", "CreateBy", Read.ID),
    Key("changed_by", "ChangeBy", Read.ID),
    Key("archived", "ArchiveFlag", Read.YES_NO),
    Key("age", "Age", Read.ID),
    Key("pending_until", "RealTillTimeNotUsed", Read.EPOCH),
    Key("unlock_timeout", "UnlockTimeout", Read.EPOCH),
    Key("escalation_time", "EscalationTime", Read.EPOCH),
    Key("escalation_response_time", "EscalationResponseTime", Read.EPOCH),
    Key("escalation_update_time", "EscalationUpdateTime", Read.EPOCH),
    Key("escalation_solution_time", "EscalationSolutionTime", Read.EPOCH),
    Key("time_unit", "TimeUnit", Read.NUMBER),
    Key("articles", "Article", Read.ARTICLES),
)
"""``Ticket`` fields (all but ``extra``). ``request`` marks the attributes of a request's ``Ticket``
object (TicketCreate, TicketUpdate); ``PendingTime`` is written there too (``wire.requests``)."""

PENDING_TIME_KEY = "PendingTime"
"""The ``Ticket`` attribute of TicketCreate/TicketUpdate for ``pending_time`` (``{"Diff": minutes}`` or a
date and time); replies carry the result as ``RealTillTimeNotUsed`` (``Ticket.pending_until``)."""

TICKET_EXTRA_KEYS: tuple[ExtraKey, ...] = (ExtraKey("UntilTime", Read.ID, keep=True),)
"""Seconds until a pending time, computed at request time (kept in ``Ticket.extra``)."""

# ---- TicketGet: article -------------------------------------------------------------------------

ARTICLE_KEYS: tuple[Key, ...] = (
    Key("id", "ArticleID", Read.REQUIRED_ID),
    Key("article_number", "ArticleNumber", Read.ID),
    Key("from_addr", "From", Read.TEXT, request="From"),
    Key("to", "To", Read.TEXT_OR_NONE, request="To"),
    Key("cc", "Cc", Read.TEXT_OR_NONE, request="Cc"),
    Key("bcc", "Bcc", Read.TEXT_OR_NONE, request="Bcc"),
    Key("reply_to", "ReplyTo", Read.TEXT_OR_NONE, request="ReplyTo"),
    Key("subject", "Subject", Read.TEXT, request="Subject"),
    Key("body", "Body", Read.TEXT, request="Body"),
    Key("content_type", "ContentType", Read.TEXT, request="ContentType"),
    Key("mime_type", "MimeType", Read.TEXT),
    Key("charset", "Charset", Read.TEXT),
    Key("sender_type", "SenderType", Read.TEXT, request="SenderType"),
    Key("communication_channel", "CommunicationChannel", Read.CHANNEL, request="CommunicationChannel"),
    Key("is_visible_for_customer", "IsVisibleForCustomer", Read.FLAG, request="IsVisibleForCustomer"),
    Key("time_unit", "TimeUnit", Read.NUMBER, request="TimeUnit"),
    Key("message_id", "MessageID", Read.TEXT_OR_NONE, request="MessageID"),
    Key("in_reply_to", "InReplyTo", Read.TEXT_OR_NONE, request="InReplyTo"),
    Key("references", "References", Read.TEXT_OR_NONE, request="References"),
    Key("created_at", "CreateTime", Read.SERVER_TIME),
    Key("changed_at", "ChangeTime", Read.SERVER_TIME),
    Key("created_by", "CreateBy", Read.ID),
    Key("changed_by", "ChangeBy", Read.ID),
    Key("incoming_time", "IncomingTime", Read.EPOCH),
    Key("attachments", "Attachment", Read.ATTACHMENTS),
    Key("dynamic_fields", "DynamicField", Read.DYNAMIC_FIELDS),
)
"""``Article`` fields (all but ``extra``). ``request`` marks the keys of a request's ``Article``. Znuny 7
replies carry only ``CommunicationChannelID``, OTOBO 11 replies both."""

ARTICLE_EXTRA_KEYS: tuple[ExtraKey, ...] = (
    ExtraKey("ContentCharset", Read.TEXT, keep=True),
    ExtraKey("SenderTypeID", Read.ID, keep=True),
    ExtraKey("CommunicationChannelID", Read.ID, keep=True),
    ExtraKey("TicketID", Read.ID, keep=False),
)

CHANNEL_NAMES: dict[int, str] = {1: "Email", 2: "Phone", 3: "Internal"}
"""The IDs of the three communication channels every installation ships (Znuny and OTOBO alike)."""

# ---- TicketGet: attachment ----------------------------------------------------------------------

ATTACHMENT_KEYS: tuple[Key, ...] = (
    Key("filename", "Filename", Read.STRING, request="Filename"),
    Key("content", "Content", Read.BASE64, request="Content"),
    Key("content_type", "ContentType", Read.STRING, request="ContentType"),
    Key("disposition", "Disposition", Read.DISPOSITION, request="Disposition"),
    Key("content_id", "ContentID", Read.TEXT_OR_NONE, request="ContentID"),
    Key("file_id", "FileID", Read.ID),
    Key("size", "FilesizeRaw", Read.FILE_SIZE),
)
"""``Attachment`` fields (``size``: ``FilesizeRaw`` tells the size when the content was not fetched,
``attachment_contents=False``). Keys not named here are dropped."""

ATTACHMENT_EXTRA_KEYS: tuple[ExtraKey, ...] = (ExtraKey("ContentAlternative", Read.TEXT, keep=False),)

# ---- TicketHistoryGet ----------------------------------------------------------------------------

HISTORY_ENTRY_KEYS: tuple[Key, ...] = (
    Key("ticket_id", "TicketID", Read.ID),
    Key("history_type", "HistoryType", Read.REQUIRED_TEXT),
    Key("history_type_id", "HistoryTypeID", Read.ID),
    Key("name", "Name", Read.STRING),
    Key("article_id", "ArticleID", Read.ID_OR_NONE),
    Key("created_at", "CreateTime", Read.SERVER_TIME),
    Key("created_by", "CreateBy", Read.ID),
    Key("queue_id", "QueueID", Read.ID),
    Key("owner_id", "OwnerID", Read.ID),
    Key("priority_id", "PriorityID", Read.ID),
    Key("state_id", "StateID", Read.ID),
    Key("type_id", "TypeID", Read.ID),
)
"""``HistoryEntry`` fields (the 12 keys the server whitelists). An entry without ``TicketID`` takes the
ID of the history it is listed in. Keys not named here are dropped."""


def request_keys(table: tuple[Key, ...], *reads: Read) -> dict[str, str]:
    """``{request key: field}`` of the rows of ``table`` that requests write (of the given kinds, if any)."""
    return {key.request: key.field for key in table if key.request and (not reads or key.read in reads)}


def id_name_keys(table: tuple[Key, ...]) -> tuple[tuple[str, str, str], ...]:
    """``(field, name key, ID key)`` of the id+name pairs of ``table``."""
    return tuple((key.field, key.wire, key.id_key) for key in table if key.read is Read.ID_NAME and key.id_key)
