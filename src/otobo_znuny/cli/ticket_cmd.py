"""``otobo-znuny ticket ...``: each command builds library models from its options and calls the client;
printing is left to ``output``. The library is imported inside the commands (fast start-up)."""

from __future__ import annotations

import os
import sys
import tempfile
from enum import Enum
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Annotated, Any, Optional

import typer

from otobo_znuny.cli.output import (
    HISTORY_COLUMNS,
    REFERENCE_COLUMNS,
    TICKET_COLUMNS,
    OutputFormat,
    choose_format,
)
from otobo_znuny.cli.progress import progress_bar
from otobo_znuny.cli.runner import client_command

if TYPE_CHECKING:
    from otobo_znuny.client.async_client import OTOBOZnunyClient
    from otobo_znuny.models import Attachment, Ticket, TicketSearch

__all__ = ["ticket_app"]

ticket_app = typer.Typer(
    help="Read, search, create and change tickets.",
    epilog="Connection options (--base-url, --webservice, --user, --password, --ca-bundle, --debug, ...) "
    "may come before or after the command; see otobo-znuny --help.",
    no_args_is_help=True,
)

# ---- options shared by several commands ------------------------------------------------------------

OutputOption = Annotated[
    Optional[OutputFormat],
    typer.Option("--output", "-o", help="json, yaml or table (default: table on a terminal, JSON when piped)."),
]
FieldsOption = Annotated[
    Optional[str],
    typer.Option(
        "--fields",
        metavar="A,B.C",
        help="Comma-separated fields to show, e.g. id,number,queue.name,dynamic_fields.OrderID (checked).",
    ),
]
DynamicFieldOption = Annotated[
    Optional[list[str]],
    typer.Option("--df", metavar="NAME=VALUE", help="Dynamic field value; repeat a name for several values."),
]
AttachOption = Annotated[
    Optional[list[Path]], typer.Option("--attach", metavar="PATH", help="Attach a file (repeatable).")
]
BodyOption = Annotated[Optional[str], typer.Option("--body", metavar="TEXT", help="Article text.")]
BodyFileOption = Annotated[
    Optional[Path], typer.Option("--body-file", metavar="PATH", help="Read the article text from a file ('-': stdin).")
]
ContentTypeOption = Annotated[
    Optional[str],
    typer.Option("--content-type", metavar="TYPE", help="Article content type (default text/plain; charset=utf-8)."),
]
BatchSizeOption = Annotated[
    Optional[int], typer.Option("--batch-size", metavar="N", min=1, help="Tickets per TicketGet request (default 50).")
]
TicketIdArgument = Annotated[int, typer.Argument(min=1, metavar="ID", help="Ticket ID.")]


def _flag(*names: str, help: str) -> Any:
    """A flag without a value (no ``<bool>`` metavar in the help)."""
    return typer.Option(*names, metavar="", help=help)


def _texts(*names: str, metavar: str, help: str) -> Any:
    return typer.Option(*names, metavar=metavar, help=help)


QueueOption = Annotated[Optional[list[str]], _texts("--queue", metavar="QUEUE", help="Queue name or ID (repeatable).")]
SubQueuesOption = Annotated[bool, _flag("--sub-queues", help="Include sub-queues of --queue.")]
StateOption = Annotated[Optional[list[str]], _texts("--state", metavar="STATE", help="State name or ID (repeatable).")]
StateTypeOption = Annotated[
    Optional[list[str]],
    _texts(
        "--state-type",
        metavar="TYPE",
        help="new, open, closed, 'pending reminder', 'pending auto', ... (repeatable).",
    ),
]
PriorityOption = Annotated[
    Optional[list[str]], _texts("--priority", metavar="PRIORITY", help="Priority name or ID (repeatable).")
]
TypeOption = Annotated[
    Optional[list[str]], _texts("--type", metavar="TYPE", help="Ticket type name or ID (repeatable).")
]
OwnerIdOption = Annotated[
    Optional[list[int]], typer.Option("--owner-id", metavar="ID", help="Owner's user ID (repeatable).")
]
CustomerUserOption = Annotated[
    Optional[list[str]],
    _texts("--customer-user", metavar="LOGIN", help="Customer user login; * is a wildcard (repeatable)."),
]
CustomerIdOption = Annotated[
    Optional[list[str]], _texts("--customer-id", metavar="ID", help="Customer ID; * is a wildcard (repeatable).")
]
TitleOption = Annotated[
    Optional[list[str]], _texts("--title", metavar="TEXT", help="Title; * is a wildcard (repeatable).")
]
NumberOption = Annotated[
    Optional[list[str]], _texts("--number", metavar="NUMBER", help="Ticket number; * is a wildcard (repeatable).")
]
BodyTextOption = Annotated[
    Optional[str], typer.Option("--body", metavar="TEXT", help="Text contained in an article body.")
]
SearchDfOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--df",
        metavar="NAME=VALUE",
        help="Dynamic field equals VALUE (with *: matches the pattern); unknown names are refused.",
    ),
]
NoDfCheckOption = Annotated[
    bool,
    _flag(
        "--no-df-check",
        help="Send --df/--sort names unchecked (the server ignores an unknown name and matches every ticket).",
    ),
]
CreatedAfterOption = Annotated[
    Optional[str],
    typer.Option("--created-after", metavar="TIME", help="ISO 8601 time, or an age such as 7d (= within 7 days)."),
]
CreatedBeforeOption = Annotated[
    Optional[str],
    typer.Option("--created-before", metavar="TIME", help="ISO 8601 time, or an age such as 30d (= older than)."),
]
SortOption = Annotated[
    Optional[str],
    typer.Option("--sort", metavar="FIELD", help="Created, Changed, Age, Priority, ... or DynamicField_<Name>."),
]
OrderOption = Annotated[Optional[str], typer.Option("--order", metavar="up|down", help="up or down (needs --sort).")]
LimitOption = Annotated[
    Optional[int],
    typer.Option("--limit", metavar="N", min=1, help="At most N tickets (default: every match, however many)."),
]


def _search_from_options(**values: Any) -> TicketSearch:
    from otobo_znuny.cli.inputs import SearchOptions, build_search

    return build_search(
        SearchOptions(
            queues=values["queue"] or (),
            sub_queues=values["sub_queues"],
            states=values["state"] or (),
            state_types=values["state_type"] or (),
            priorities=values["priority"] or (),
            types=values["ticket_type"] or (),
            owner_ids=values["owner_id"] or (),
            customer_users=values["customer_user"] or (),
            customer_ids=values["customer_id"] or (),
            titles=values["title"] or (),
            numbers=values["number"] or (),
            body=values["body"],
            dynamic_fields=values["df"] or (),
            created_after=values["created_after"],
            created_before=values["created_before"],
            sort=values["sort"],
            order=values["order"],
            limit=values["limit"],
        )
    )


def _listed_dynamic_fields(tickets: list[Ticket]) -> list[str] | None:
    """The dynamic-field names the server listed (every defined field, empty ones too), if any ticket."""
    return list(tickets[0].dynamic_fields) if tickets else None


def _print_tickets(
    tickets: list[Ticket], output: OutputFormat | None, columns: list[str] | None, *, attachments: bool = False
) -> None:
    """Print tickets; a table is followed by the articles as readable text. Articles show
    ``attachments`` only when they were fetched (``attachments``)."""
    from otobo_znuny.cli.output import check_dynamic_field_columns, print_articles, print_result, ticket_json

    check_dynamic_field_columns(columns, _listed_dynamic_fields(tickets))
    records = [ticket_json(ticket, attachments=attachments) for ticket in tickets]
    print_result(records, output, fields=columns, columns=TICKET_COLUMNS)
    if choose_format(output) is OutputFormat.TABLE and columns is None:
        print_articles(records)


def _attachment_lines(attachments: list[Attachment]) -> list[str]:
    from otobo_znuny.cli.output import cell_text

    return [f"attached: {item.filename} ({cell_text(item.size)} bytes, {item.content_type})" for item in attachments]


# ---- commands -----------------------------------------------------------------------------------


@ticket_app.command("get")
def get_command(
    ctx: typer.Context,
    ticket_ids: Annotated[
        Optional[list[int]], typer.Argument(min=1, metavar="[ID]...", help="Ticket IDs.", show_default=False)
    ] = None,
    numbers: Annotated[
        Optional[list[str]],
        typer.Option("--number", metavar="NUMBER", help="A ticket number, e.g. from an e-mail subject (repeatable)."),
    ] = None,
    articles: Annotated[bool, typer.Option("--articles/--no-articles", help="Include articles.")] = True,
    attachments: Annotated[
        bool, _flag("--attachments", help="Include attachments (base64 in JSON; see also ticket attachments).")
    ] = False,
    batch_size: BatchSizeOption = None,
    output: OutputOption = None,
    fields: FieldsOption = None,
) -> None:
    """Fetch tickets by ID or --number (always printed as a list). Unreadable IDs are reported; the rest
    is printed. The table view shows the articles below the tickets."""
    from otobo_znuny.cli.output import check_article_columns, parse_fields
    from otobo_znuny.errors import AccessDeniedError, BatchFetchError, RequestValidationError
    from otobo_znuny.models import Ticket

    with client_command(ctx) as command:
        columns = parse_fields(fields, Ticket)
        check_article_columns(columns, articles, "--articles (not --no-articles)")
        if not ticket_ids and not numbers:
            raise RequestValidationError("ticket get", "give ticket IDs, or ticket numbers with --number")
        ids = list(ticket_ids or [])

        async def fetch(client: OTOBOZnunyClient) -> list[Ticket]:
            options: dict[str, Any] = {"articles": articles, "attachments": attachments}
            by_number = [await client.get_ticket_by_number(number, **options) for number in numbers or []]
            if not ids:
                return by_number
            with progress_bar("Fetching tickets") as progress:
                return [
                    *await client.get_tickets(ids, batch_size=batch_size, progress=progress, **options),
                    *by_number,
                ]

        try:
            tickets = command.run(fetch)
        except BatchFetchError as error:
            _print_tickets(error.tickets, output, columns, attachments=attachments)
            long_ids = [i for i, e in error.failed.items() if isinstance(e, AccessDeniedError) and len(str(i)) >= 10]
            if long_ids:
                sys.stderr.write(f"hint: {long_ids[0]} looks like a ticket number: ticket get --number {long_ids[0]}\n")
            raise
        _print_tickets(tickets, output, columns, attachments=attachments)


@ticket_app.command("search")
def search_command(
    ctx: typer.Context,
    queue: QueueOption = None,
    sub_queues: SubQueuesOption = False,
    state: StateOption = None,
    state_type: StateTypeOption = None,
    priority: PriorityOption = None,
    ticket_type: TypeOption = None,
    owner_id: OwnerIdOption = None,
    customer_user: CustomerUserOption = None,
    customer_id: CustomerIdOption = None,
    title: TitleOption = None,
    number: NumberOption = None,
    body: BodyTextOption = None,
    df: SearchDfOption = None,
    no_df_check: NoDfCheckOption = False,
    created_after: CreatedAfterOption = None,
    created_before: CreatedBeforeOption = None,
    sort: SortOption = None,
    order: OrderOption = None,
    limit: LimitOption = None,
    fetch: Annotated[bool, _flag("--fetch", help="Fetch the tickets instead of printing IDs.")] = False,
    articles: Annotated[bool, _flag("--articles", help="With --fetch: include articles.")] = False,
    output: OutputOption = None,
    fields: FieldsOption = None,
) -> None:
    """Search tickets; prints the IDs of every match (or the tickets with --fetch). Criteria are ANDed.

    Without --limit every match is returned, past the server's limit of 500 per search (walked in
    windows on the creation time, newest first unless --sort says otherwise).
    """
    from otobo_znuny.cli.output import check_article_columns, parse_fields, print_result
    from otobo_znuny.errors import RequestValidationError
    from otobo_znuny.models import Ticket

    with client_command(ctx) as command:
        command.check_dynamic_fields = not no_df_check
        if fields is not None and not fetch:
            raise RequestValidationError("--fields", "only with --fetch (without it the result is a list of IDs)")
        columns = parse_fields(fields, Ticket)
        check_article_columns(columns, articles, "--articles")
        search = _search_from_options(**locals())

        if not fetch:
            ids = command.run(lambda client: client.search_tickets(search))
            print_result(ids, output, columns=("id",))
            return

        async def search_and_fetch(client: OTOBOZnunyClient) -> list[Ticket]:
            with progress_bar("Fetching tickets") as progress:
                return await client.search_and_get(search, progress=progress, articles=articles)

        tickets = command.run(search_and_fetch)
        _print_tickets(tickets, output, columns)


@ticket_app.command("create")
def create_command(
    ctx: typer.Context,
    title: Annotated[str, typer.Option("--title", metavar="TEXT", help="Ticket title.")],
    queue: Annotated[str, typer.Option("--queue", metavar="QUEUE", help="Queue name or ID.")],
    customer_user: Annotated[
        str, typer.Option("--customer-user", metavar="LOGIN", help="Customer user login or e-mail address.")
    ],
    state: Annotated[Optional[str], typer.Option("--state", metavar="STATE", help="State (default: new).")] = None,
    priority: Annotated[
        Optional[str], typer.Option("--priority", metavar="PRIORITY", help="Priority (default: 3 normal).")
    ] = None,
    ticket_type: Annotated[Optional[str], typer.Option("--type", metavar="TYPE", help="Ticket type.")] = None,
    customer_id: Annotated[Optional[str], typer.Option("--customer-id", metavar="ID", help="Customer ID.")] = None,
    subject: Annotated[
        Optional[str], typer.Option("--subject", metavar="TEXT", help="Article subject (default: the title).")
    ] = None,
    body: BodyOption = None,
    body_file: BodyFileOption = None,
    content_type: ContentTypeOption = None,
    attach: AttachOption = None,
    df: DynamicFieldOption = None,
    output: OutputOption = None,
    fields: FieldsOption = None,
) -> None:
    """Create a ticket with a first article; prints the created ticket (one object). Each attached file
    is listed on stderr as the server stored it."""
    from otobo_znuny.cli.inputs import dynamic_field_values, id_or_name, load_attachments, read_body
    from otobo_znuny.cli.output import parse_fields, print_result, ticket_json
    from otobo_znuny.models import Article, Ticket, TicketCreate

    with client_command(ctx) as command:
        columns = parse_fields(fields, Ticket)
        text = read_body(body, body_file, required=True)
        files = load_attachments(attach or [])
        article = Article(subject=subject or title, body=text, content_type=content_type, attachments=files)
        values: dict[str, Any] = {
            "title": title,
            "queue": id_or_name(queue),
            "customer_user": customer_user,
            "article": article,
            "dynamic_fields": dynamic_field_values(df or []),
        }
        optional = {"state": state, "priority": priority, "type": ticket_type}
        values.update({name: id_or_name(value) for name, value in optional.items() if value is not None})
        if customer_id is not None:
            values["customer_id"] = customer_id
        ticket = TicketCreate.model_validate(values)

        async def create(client: OTOBOZnunyClient) -> tuple[Ticket, list[str]]:
            created = await client.create_ticket(ticket)
            if not files:
                return created, []
            return created, await _stored_attachments(client, created.id, None, files)

        created, lines = command.run(create)
        for line in lines:
            sys.stderr.write(line + "\n")
        print_result(ticket_json(created, attachments=False), output, fields=columns, columns=TICKET_COLUMNS)


async def _stored_attachments(
    client: OTOBOZnunyClient, ticket_id: int, article_id: int | None, sent: list[Attachment]
) -> list[str]:
    """``attached: ...`` lines for the attachments the server stored on the article (the first one when
    ``article_id`` is None); the sent files, marked, when they cannot be read back."""
    from otobo_znuny.errors import OTOBOZnunyError

    try:
        stored = await client.get_ticket(ticket_id, attachments=True, attachment_contents=False)
    except OTOBOZnunyError as error:
        return [*_attachment_lines(sent), f"(not read back: {error})"]
    chosen = next((a for a in stored.articles if article_id is None or a.id == article_id), None)
    return _attachment_lines(chosen.attachments if chosen is not None else [])


@ticket_app.command("update")
def update_command(
    ctx: typer.Context,
    ticket_id: TicketIdArgument,
    state: Annotated[Optional[str], typer.Option("--state", metavar="STATE", help="New state.")] = None,
    priority: Annotated[Optional[str], typer.Option("--priority", metavar="PRIORITY", help="New priority.")] = None,
    queue: Annotated[Optional[str], typer.Option("--queue", metavar="QUEUE", help="Move to this queue.")] = None,
    owner: Annotated[
        Optional[str], typer.Option("--owner", metavar="LOGIN", help="New owner (login or user ID).")
    ] = None,
    title: Annotated[Optional[str], typer.Option("--title", metavar="TEXT", help="New title.")] = None,
    ticket_type: Annotated[Optional[str], typer.Option("--type", metavar="TYPE", help="New ticket type.")] = None,
    df: DynamicFieldOption = None,
    pending_in: Annotated[
        Optional[str],
        typer.Option("--pending-in", metavar="DURATION", help="Pending time from now, e.g. 2h or 3d (pending states)."),
    ] = None,
    pending_until: Annotated[
        Optional[str],
        typer.Option("--pending-until", metavar="TIME", help="Pending time as ISO 8601, e.g. 2025-03-01T09:00."),
    ] = None,
    output: OutputOption = None,
    fields: FieldsOption = None,
) -> None:
    """Change a ticket; only the given options change. Prints the updated ticket (one object)."""
    from otobo_znuny.cli.inputs import dynamic_field_values, id_or_name, parse_duration, parse_moment
    from otobo_znuny.cli.output import parse_fields, print_result, ticket_json
    from otobo_znuny.errors import RequestValidationError
    from otobo_znuny.models import Ticket, TicketUpdate

    with client_command(ctx) as command:
        columns = parse_fields(fields, Ticket)
        changes: dict[str, Any] = {
            name: id_or_name(value)
            for name, value in {
                "state": state,
                "priority": priority,
                "queue": queue,
                "owner": owner,
                "type": ticket_type,
            }.items()
            if value is not None
        }
        if title is not None:
            changes["title"] = title
        if df:
            changes["dynamic_fields"] = dynamic_field_values(df)
        if pending_in is not None and pending_until is not None:
            raise RequestValidationError("--pending-in", "give --pending-in or --pending-until, not both")
        if (pending_in is not None or pending_until is not None) and state is None:
            flag = "--pending-in" if pending_in is not None else "--pending-until"
            raise RequestValidationError(
                flag,
                "the server sets a pending time only with a state change and ignores it alone: give the pending "
                "--state too (e.g. --state 'pending reminder')",
            )
        if pending_in is not None:
            changes["pending_time"] = parse_duration(pending_in, "--pending-in")
        if pending_until is not None:
            changes["pending_time"] = parse_moment(pending_until, "--pending-until")
        if not changes:
            raise RequestValidationError(
                "ticket update",
                "nothing to change: give --state, --priority, --queue, --owner, --title, --type or --df",
            )
        update = TicketUpdate.model_validate({"id": ticket_id, **changes})
        updated = command.run(lambda client: client.update_ticket(update))
        print_result(ticket_json(updated, attachments=False), output, fields=columns, columns=TICKET_COLUMNS)


@ticket_app.command("note")
def note_command(
    ctx: typer.Context,
    ticket_id: TicketIdArgument,
    body: BodyOption = None,
    body_file: BodyFileOption = None,
    subject: Annotated[str, typer.Option("--subject", metavar="TEXT", help="Article subject.")] = "Note",
    public: Annotated[bool, _flag("--public", help="Visible to the customer (default: internal).")] = False,
    time_unit: Annotated[
        Optional[float], typer.Option("--time-unit", metavar="UNITS", min=0, help="Time spent (accounted).")
    ] = None,
    content_type: ContentTypeOption = None,
    attach: AttachOption = None,
    output: OutputOption = None,
    fields: FieldsOption = None,
) -> None:
    """Add a note (an article) to a ticket; prints the ticket reference with the new article ID. Each
    attached file is listed on stderr as the server stored it."""
    from otobo_znuny.cli.inputs import load_attachments, read_body
    from otobo_znuny.cli.output import parse_fields, print_result
    from otobo_znuny.models import TicketReference

    with client_command(ctx) as command:
        columns = parse_fields(fields, TicketReference)
        text = read_body(body, body_file, required=True)
        files = load_attachments(attach or [])

        async def note(client: OTOBOZnunyClient) -> tuple[TicketReference, list[str]]:
            reference = await client.add_note(
                ticket_id,
                text,
                subject=subject,
                internal=not public,
                content_type=content_type,
                time_unit=time_unit,
                attachments=files,
            )
            if not files or not reference.article_ids:
                return reference, []
            return reference, await _stored_attachments(client, ticket_id, reference.article_ids[0], files)

        reference, lines = command.run(note)
        for line in lines:
            sys.stderr.write(line + "\n")
        print_result(reference, output, fields=columns, columns=REFERENCE_COLUMNS)


@ticket_app.command("history")
def history_command(
    ctx: typer.Context,
    ticket_id: TicketIdArgument,
    output: OutputOption = None,
    fields: FieldsOption = None,
) -> None:
    """Show a ticket's history, oldest first (always a list); ``text`` is the entry as the agent
    interface words it (``name`` keeps the server's raw %%-separated values)."""
    from otobo_znuny.cli.output import parse_fields, print_result
    from otobo_znuny.models import HistoryEntry

    with client_command(ctx) as command:
        columns = parse_fields(fields, HistoryEntry, extra=("text",))
        entries = command.run(lambda client: client.get_ticket_history(ticket_id))
        rows = [{**entry.model_dump(mode="json"), "text": entry.text} for entry in entries]
        print_result(rows, output, fields=columns, columns=HISTORY_COLUMNS)


@ticket_app.command("attachments")
def attachments_command(
    ctx: typer.Context,
    ticket_id: TicketIdArgument,
    article: Annotated[
        Optional[int], typer.Option("--article", metavar="ID", min=1, help="Only this article's attachments.")
    ] = None,
    save: Annotated[
        Optional[Path],
        typer.Option("--save", metavar="DIR", help="Save the files into DIR (names made safe, never outside DIR)."),
    ] = None,
    force: Annotated[bool, _flag("--force", help="With --save: replace files that exist in DIR.")] = False,
    output: OutputOption = None,
) -> None:
    """List a ticket's attachments (article, file name, size, type), or save them with --save DIR."""
    from otobo_znuny.cli.attachments import check_directory, save_attachments
    from otobo_znuny.cli.output import print_result
    from otobo_znuny.errors import RequestValidationError

    with client_command(ctx) as command:
        if save is not None:
            check_directory(save, "--save")
        ticket = command.run(
            lambda client: client.get_ticket(ticket_id, attachments=True, attachment_contents=save is not None)
        )
        chosen = [a for a in ticket.articles if article is None or a.id == article]
        if article is not None and not chosen:
            known = ", ".join(str(a.id) for a in ticket.articles) or "none"
            raise RequestValidationError(
                "--article", f"ticket {ticket_id} has no article {article} (articles: {known})"
            )
        rows = [
            {
                "article_id": item.id,
                "filename": attachment.filename,
                "size": attachment.size,
                "content_type": attachment.content_type,
                "disposition": attachment.disposition,
            }
            for item in chosen
            for attachment in item.attachments
        ]
        if save is not None:
            saved = save_attachments([(a.id, att) for a in chosen for att in a.attachments], save, force=force)
            for row, path in zip(rows, saved, strict=True):
                row["saved_to"] = str(path)
                sys.stderr.write(f"saved {path} ({row['size']} bytes)\n")
        if not rows:
            sys.stderr.write(f"ticket {ticket_id} has no attachments\n")
        columns = ("article_id", "filename", "size", "content_type", *(("saved_to",) if save is not None else ()))
        print_result(rows, output, columns=columns)


class ExportFormat(str, Enum):
    """``ticket export --format`` choices."""

    JSONL = "jsonl"
    CSV = "csv"


def _writable_file(value: Optional[Path]) -> Optional[Path]:
    """``--out FILE``: its directory must exist and be writable (checked before anything is sent);
    ``-`` is standard output, as without ``--out``."""
    if value is None or str(value) == "-":
        return None
    if value.is_dir():
        raise typer.BadParameter(f"{value} is a directory; give a file name")
    directory = value.expanduser().resolve().parent
    if not directory.is_dir():
        raise typer.BadParameter(f"the directory {directory} does not exist (create it first)")
    if not os.access(directory, os.W_OK):
        raise typer.BadParameter(f"the directory {directory} is not writable")
    return value


class ExportTarget:
    """stdout, or a temporary file beside ``out`` that replaces ``out`` only when the export succeeded
    and found tickets (or ``force``): an empty result never replaces a good earlier export."""

    def __init__(self, out: Path | None, *, force: bool) -> None:
        self.out = out
        self.force = force
        self._temporary: str | None = None
        self._stream: IO[str] | None = None

    def __enter__(self) -> IO[str]:
        if self.out is None:
            return sys.stdout
        handle, self._temporary = tempfile.mkstemp(prefix=f".{self.out.name}.", dir=self.out.resolve().parent)
        self._stream = os.fdopen(handle, "w", encoding="utf-8", newline="")
        return self._stream

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._stream is not None:
            self._stream.close()
        if exc_type is not None and self._temporary is not None:
            Path(self._temporary).unlink(missing_ok=True)

    def finish(self, count: int) -> str:
        """Put the export in place (or keep the old file); the line to report on stderr."""
        if self.out is None or self._temporary is None:
            return f"exported {count} ticket(s)" if count else "0 tickets matched"
        if count == 0 and self.out.exists() and not self.force:
            Path(self._temporary).unlink(missing_ok=True)
            return f"0 tickets matched; kept the existing {self.out} (give --force to replace it with an empty export)"
        os.replace(self._temporary, self.out)
        if count == 0:
            return f"0 tickets matched; wrote an empty {self.out}"
        return f"exported {count} ticket(s) to {self.out}"


@ticket_app.command("export")
def export_command(
    ctx: typer.Context,
    queue: QueueOption = None,
    sub_queues: SubQueuesOption = False,
    state: StateOption = None,
    state_type: StateTypeOption = None,
    priority: PriorityOption = None,
    ticket_type: TypeOption = None,
    owner_id: OwnerIdOption = None,
    customer_user: CustomerUserOption = None,
    customer_id: CustomerIdOption = None,
    title: TitleOption = None,
    number: NumberOption = None,
    body: BodyTextOption = None,
    df: SearchDfOption = None,
    no_df_check: NoDfCheckOption = False,
    created_after: CreatedAfterOption = None,
    created_before: CreatedBeforeOption = None,
    sort: SortOption = None,
    order: OrderOption = None,
    limit: LimitOption = None,
    export_format: Annotated[ExportFormat, typer.Option("--format", help="jsonl (one ticket per line) or csv.")] = (
        ExportFormat.JSONL
    ),
    out: Annotated[
        Optional[Path],
        typer.Option(
            "--out",
            metavar="FILE",
            callback=_writable_file,
            help="Write to FILE, replaced only when the export succeeded and matched tickets ('-': stdout).",
        ),
    ] = None,
    force: Annotated[bool, _flag("--force", help="Replace --out FILE even when nothing matched.")] = False,
    articles: Annotated[bool, _flag("--articles", help="Include articles (jsonl).")] = False,
    batch_size: BatchSizeOption = None,
    fields: FieldsOption = None,
) -> None:
    """Stream every ticket of a search as JSON Lines or CSV, fetched in batches.

    Nothing matched (a typo in --queue looks the same): "0 tickets matched" on stderr, and an existing
    --out FILE is kept (exit 1) unless --force.
    """
    from otobo_znuny.cli.output import (
        CsvRowWriter,
        JsonLinesWriter,
        check_article_columns,
        check_dynamic_field_columns,
        parse_fields,
        ticket_json,
    )
    from otobo_znuny.models import Ticket

    with client_command(ctx) as command:
        command.check_dynamic_fields = not no_df_check
        columns = parse_fields(fields, Ticket)
        check_article_columns(columns, articles, "--articles")
        search = _search_from_options(**locals())
        target = ExportTarget(out, force=force)

        async def export(client: OTOBOZnunyClient) -> str:
            count = 0
            with target as stream, progress_bar("Exporting tickets") as progress:
                writer = (
                    CsvRowWriter(stream, columns or TICKET_COLUMNS)
                    if export_format is ExportFormat.CSV
                    else JsonLinesWriter(stream, columns)
                )
                async for ticket in client.iter_tickets(
                    search, batch_size=batch_size, progress=progress, articles=articles
                ):
                    if count == 0:
                        check_dynamic_field_columns(columns, list(ticket.dynamic_fields))
                    writer.write(ticket_json(ticket, attachments=False))
                    count += 1
            return target.finish(count)

        message = command.run(export)
        sys.stderr.write(message + "\n")
        if message.startswith("0 tickets matched; kept"):
            raise typer.Exit(1)


@ticket_app.command("watch")
def watch_command(
    ctx: typer.Context,
    queue: QueueOption = None,
    sub_queues: SubQueuesOption = False,
    state: StateOption = None,
    state_type: StateTypeOption = None,
    priority: PriorityOption = None,
    ticket_type: TypeOption = None,
    owner_id: OwnerIdOption = None,
    customer_user: CustomerUserOption = None,
    customer_id: CustomerIdOption = None,
    title: TitleOption = None,
    number: NumberOption = None,
    body: BodyTextOption = None,
    df: SearchDfOption = None,
    no_df_check: NoDfCheckOption = False,
    created_after: CreatedAfterOption = None,
    created_before: CreatedBeforeOption = None,
    state_file: Annotated[
        Optional[Path],
        typer.Option(
            "--state-file",
            metavar="FILE",
            help="Keep the position here: read at the start, replaced atomically after each printed line.",
        ),
    ] = None,
    cursor: Annotated[
        Optional[str],
        typer.Option("--cursor", metavar="CURSOR", help='Start after this cursor (a line\'s "cursor" value).'),
    ] = None,
    since: Annotated[
        Optional[str],
        typer.Option(
            "--since",
            metavar="TIME|now",
            help="Without a stored position: start at this ISO 8601 time, or after the newest change (now); "
            "default: from the beginning.",
        ),
    ] = None,
    once: Annotated[bool, _flag("--once", help="Print what changed since the position, then stop.")] = False,
    new_only: Annotated[
        bool, _flag("--new-only", help="Only new tickets, each once (later changes are not printed).")
    ] = False,
    poll_interval: Annotated[
        float,
        typer.Option("--poll-interval", metavar="SECONDS", min=0.1, help="Seconds between two looks (default 10)."),
    ] = 10.0,
    articles: Annotated[bool, _flag("--articles", help="Include articles.")] = False,
    skip_unreadable: Annotated[
        bool,
        _flag(
            "--skip-unreadable",
            help="Leave out a matching ticket that cannot be read (default: stop before it, exit 4).",
        ),
    ] = False,
    batch_size: BatchSizeOption = None,
    fields: FieldsOption = None,
) -> None:
    """Print each new or changed ticket once, oldest first, as JSON Lines: {"cursor": ..., "ticket": {...}}.

    Without --once it keeps watching (every --poll-interval seconds) until Ctrl-C, which stops it
    cleanly with exit code 130; the state file then holds the position after the last printed line, so
    the next run neither repeats nor skips. Times are the server's: a change is printed once its second
    is over on the server's clock. See docs/changes.md for what counts as a change.
    """
    from otobo_znuny.cli.inputs import parse_moment
    from otobo_znuny.cli.output import JsonLinesWriter, check_article_columns, check_dynamic_field_columns, parse_fields
    from otobo_znuny.cli.state_file import StateFile
    from otobo_znuny.errors import RequestValidationError
    from otobo_znuny.models import Ticket

    with client_command(ctx) as command:
        command.check_dynamic_fields = not no_df_check
        columns = parse_fields(fields, Ticket)
        check_article_columns(columns, articles, "--articles")
        search = _search_from_options(**{**locals(), "sort": None, "order": None, "limit": None})
        store = StateFile(state_file) if state_file is not None else None
        if store is not None:
            store.check_writable()
        if cursor is not None and store is not None and store.read() is not None:
            raise RequestValidationError("--cursor", f"{state_file} already holds a position; give one of the two")
        start = cursor if cursor is not None else (store.read() if store is not None else None)
        origin = "--cursor" if cursor is not None else "--state-file"
        if start is not None and since is not None:
            raise RequestValidationError("--since", f"{origin} holds a position already; --since is for a first run")
        begin: Any = None
        if since is not None:
            begin = "now" if since.strip().lower() == "now" else parse_moment(since, "--since")
        writer = JsonLinesWriter(sys.stdout)

        async def watch(client: OTOBOZnunyClient) -> int:
            feed = client.iter_new_tickets if new_only else client.iter_changes
            printed = 0
            try:
                async for change in feed(
                    search,
                    cursor=start,
                    since=begin,
                    follow=not once,
                    poll_interval=poll_interval,
                    on_error="skip" if skip_unreadable else "raise",
                    batch_size=batch_size,
                    articles=articles,
                ):
                    if printed == 0:  # an unknown dynamic_fields.<Name> is refused, never printed as null
                        check_dynamic_field_columns(columns, list(change.ticket.dynamic_fields))
                    # no await between printing and storing: Ctrl-C (a task cancel) cannot fall in between
                    ticket = to_ticket_record(change.ticket, columns)
                    writer.write({"cursor": change.cursor, "ticket": ticket})
                    sys.stdout.flush()
                    if store is not None:
                        store.write(change.cursor)
                    printed += 1
            except RequestValidationError as error:
                if error.field != "cursor":
                    raise
                where = f"{state_file}" if origin == "--state-file" else "the cursor"
                if "another search" in error.problem:
                    problem = (
                        f"{where} holds the position of another search or feed (other search options, or "
                        "--new-only): run with the options it was made with, or use another --state-file"
                    )
                else:
                    problem = f'{where} is not a position of ticket watch (give a line\'s "cursor" value as it is)'
                raise RequestValidationError(origin, problem) from None
            return printed

        try:
            printed = command.run(watch)
        except KeyboardInterrupt:
            kept = f"; the position is kept in {state_file}" if store is not None else ""
            sys.stderr.write(f"stopped (Ctrl-C){kept}\n")
            raise typer.Exit(130) from None
        if once:
            sys.stderr.write(f"{printed} change(s)\n" if not new_only else f"{printed} new ticket(s)\n")


def to_ticket_record(ticket: Ticket, columns: list[str] | None) -> Any:
    """The ticket as printed by ``ticket export``: JSON values, reduced to ``--fields``."""
    from otobo_znuny.cli.output import project, ticket_json

    return project(ticket_json(ticket, attachments=False), columns)
