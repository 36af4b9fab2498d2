"""``otobo-znuny ticket ...``: each command builds library models from its options and calls one
client method; printing is left to ``output``."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import IO, Annotated, Any, Optional

import typer

from otobo_znuny.cli.inputs import (
    SearchOptions,
    build_search,
    dynamic_field_values,
    id_or_name,
    load_attachments,
    parse_duration,
    parse_moment,
    read_body,
)
from otobo_znuny.cli.output import (
    HISTORY_COLUMNS,
    REFERENCE_COLUMNS,
    TICKET_COLUMNS,
    CsvRowWriter,
    JsonLinesWriter,
    OutputFormat,
    parse_fields,
    print_result,
)
from otobo_znuny.cli.progress import progress_bar
from otobo_znuny.cli.runner import client_command
from otobo_znuny.client.async_client import OTOBOZnunyClient
from otobo_znuny.errors import BatchFetchError, RequestValidationError
from otobo_znuny.models import (
    Article,
    HistoryEntry,
    Ticket,
    TicketCreate,
    TicketReference,
    TicketSearch,
    TicketUpdate,
)

__all__ = ["ticket_app"]

ticket_app = typer.Typer(help="Read, search, create and change tickets.", no_args_is_help=True)

# ---- options shared by several commands ------------------------------------------------------------

OutputOption = Annotated[
    Optional[OutputFormat],
    typer.Option("--output", "-o", help="json, yaml or table (default: table on a terminal, JSON when piped)."),
]
FieldsOption = Annotated[
    Optional[str],
    typer.Option("--fields", help="Comma-separated fields to show, e.g. id,number,queue.name,dynamic_fields.OrderID."),
]
DynamicFieldOption = Annotated[
    Optional[list[str]],
    typer.Option("--df", metavar="NAME=VALUE", help="Dynamic field value; repeat a name for several values."),
]
AttachOption = Annotated[
    Optional[list[Path]], typer.Option("--attach", metavar="PATH", help="Attach a file (repeatable).")
]
BodyOption = Annotated[Optional[str], typer.Option("--body", help="Article text.")]
BodyFileOption = Annotated[
    Optional[Path], typer.Option("--body-file", metavar="PATH", help="Read the article text from a file ('-': stdin).")
]
ContentTypeOption = Annotated[
    Optional[str], typer.Option("--content-type", help="Article content type (default text/plain; charset=utf-8).")
]
BatchSizeOption = Annotated[
    Optional[int], typer.Option("--batch-size", min=1, help="Tickets per TicketGet request (default 50).")
]
TicketIdArgument = Annotated[int, typer.Argument(min=1, help="Ticket ID.")]

QueueOption = Annotated[Optional[list[str]], typer.Option("--queue", help="Queue name or ID (repeatable).")]
SubQueuesOption = Annotated[bool, typer.Option("--sub-queues", help="Include sub-queues of --queue.")]
StateOption = Annotated[Optional[list[str]], typer.Option("--state", help="State name or ID (repeatable).")]
StateTypeOption = Annotated[
    Optional[list[str]],
    typer.Option("--state-type", help="new, open, closed, 'pending reminder', 'pending auto', ... (repeatable)."),
]
PriorityOption = Annotated[Optional[list[str]], typer.Option("--priority", help="Priority name or ID (repeatable).")]
TypeOption = Annotated[Optional[list[str]], typer.Option("--type", help="Ticket type name or ID (repeatable).")]
OwnerIdOption = Annotated[Optional[list[int]], typer.Option("--owner-id", help="Owner's user ID (repeatable).")]
CustomerUserOption = Annotated[
    Optional[list[str]], typer.Option("--customer-user", help="Customer user login; * is a wildcard (repeatable).")
]
CustomerIdOption = Annotated[
    Optional[list[str]], typer.Option("--customer-id", help="Customer ID; * is a wildcard (repeatable).")
]
TitleOption = Annotated[Optional[list[str]], typer.Option("--title", help="Title; * is a wildcard (repeatable).")]
NumberOption = Annotated[
    Optional[list[str]], typer.Option("--number", help="Ticket number; * is a wildcard (repeatable).")
]
BodyTextOption = Annotated[Optional[str], typer.Option("--body", help="Text contained in an article body.")]
SearchDfOption = Annotated[
    Optional[list[str]],
    typer.Option("--df", metavar="NAME=VALUE", help="Dynamic field equals VALUE (with *: matches the pattern)."),
]
CreatedAfterOption = Annotated[
    Optional[str], typer.Option("--created-after", help="ISO 8601 time, or an age such as 7d (= within 7 days).")
]
CreatedBeforeOption = Annotated[
    Optional[str], typer.Option("--created-before", help="ISO 8601 time, or an age such as 30d (= older than).")
]
SortOption = Annotated[
    Optional[str], typer.Option("--sort", help="Created, Changed, Age, Priority, ... or DynamicField_<Name>.")
]
OrderOption = Annotated[Optional[str], typer.Option("--order", help="up or down (needs --sort).")]
LimitOption = Annotated[
    Optional[int], typer.Option("--limit", min=1, help="At most this many tickets (server default 500).")
]


def _search_from_options(
    *,
    queue: list[str] | None,
    sub_queues: bool,
    state: list[str] | None,
    state_type: list[str] | None,
    priority: list[str] | None,
    ticket_type: list[str] | None,
    owner_id: list[int] | None,
    customer_user: list[str] | None,
    customer_id: list[str] | None,
    title: list[str] | None,
    number: list[str] | None,
    body: str | None,
    df: list[str] | None,
    created_after: str | None,
    created_before: str | None,
    sort: str | None,
    order: str | None,
    limit: int | None,
) -> TicketSearch:
    return build_search(
        SearchOptions(
            queues=queue or (),
            sub_queues=sub_queues,
            states=state or (),
            state_types=state_type or (),
            priorities=priority or (),
            types=ticket_type or (),
            owner_ids=owner_id or (),
            customer_users=customer_user or (),
            customer_ids=customer_id or (),
            titles=title or (),
            numbers=number or (),
            body=body,
            dynamic_fields=df or (),
            created_after=created_after,
            created_before=created_before,
            sort=sort,
            order=order,
            limit=limit,
        )
    )


# ---- commands -----------------------------------------------------------------------------------


@ticket_app.command("get")
def get_command(
    ctx: typer.Context,
    ticket_ids: Annotated[list[int], typer.Argument(min=1, help="Ticket IDs.", show_default=False)],
    articles: Annotated[bool, typer.Option("--articles/--no-articles", help="Include articles.")] = True,
    attachments: Annotated[bool, typer.Option("--attachments", help="Include attachments (base64 in JSON).")] = False,
    batch_size: BatchSizeOption = None,
    output: OutputOption = None,
    fields: FieldsOption = None,
) -> None:
    """Fetch tickets by ID (always printed as a list). Unreadable IDs are reported; the rest is printed."""
    with client_command(ctx) as command:
        columns = parse_fields(fields, Ticket)

        async def fetch(client: OTOBOZnunyClient) -> list[Ticket]:
            with progress_bar("Fetching tickets") as progress:
                return await client.get_tickets(
                    ticket_ids, batch_size=batch_size, progress=progress, articles=articles, attachments=attachments
                )

        try:
            tickets = command.run(fetch)
        except BatchFetchError as error:
            print_result(error.tickets, output, fields=columns, columns=TICKET_COLUMNS)
            raise
        print_result(tickets, output, fields=columns, columns=TICKET_COLUMNS)


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
    created_after: CreatedAfterOption = None,
    created_before: CreatedBeforeOption = None,
    sort: SortOption = None,
    order: OrderOption = None,
    limit: LimitOption = None,
    fetch: Annotated[bool, typer.Option("--fetch", help="Fetch the tickets instead of printing IDs.")] = False,
    articles: Annotated[bool, typer.Option("--articles", help="With --fetch: include articles.")] = False,
    output: OutputOption = None,
    fields: FieldsOption = None,
) -> None:
    """Search tickets; prints the matching IDs, or the tickets with --fetch. Criteria are ANDed."""
    with client_command(ctx) as command:
        if fields is not None and not fetch:
            raise RequestValidationError("--fields", "only with --fetch (without it the result is a list of IDs)")
        columns = parse_fields(fields, Ticket)
        search = _search_from_options(
            queue=queue,
            sub_queues=sub_queues,
            state=state,
            state_type=state_type,
            priority=priority,
            ticket_type=ticket_type,
            owner_id=owner_id,
            customer_user=customer_user,
            customer_id=customer_id,
            title=title,
            number=number,
            body=body,
            df=df,
            created_after=created_after,
            created_before=created_before,
            sort=sort,
            order=order,
            limit=limit,
        )

        if not fetch:
            ids = command.run(lambda client: client.search_tickets(search))
            print_result(ids, output, columns=("id",))
            return

        async def search_and_fetch(client: OTOBOZnunyClient) -> list[Ticket]:
            with progress_bar("Fetching tickets") as progress:
                return await client.search_and_get(search, progress=progress, articles=articles)

        tickets = command.run(search_and_fetch)
        print_result(tickets, output, fields=columns, columns=TICKET_COLUMNS)


@ticket_app.command("create")
def create_command(
    ctx: typer.Context,
    title: Annotated[str, typer.Option("--title", help="Ticket title.")],
    queue: Annotated[str, typer.Option("--queue", help="Queue name or ID.")],
    customer_user: Annotated[str, typer.Option("--customer-user", help="Customer user login or e-mail address.")],
    state: Annotated[Optional[str], typer.Option("--state", help="State (default: new).")] = None,
    priority: Annotated[Optional[str], typer.Option("--priority", help="Priority (default: 3 normal).")] = None,
    ticket_type: Annotated[Optional[str], typer.Option("--type", help="Ticket type.")] = None,
    customer_id: Annotated[Optional[str], typer.Option("--customer-id", help="Customer ID.")] = None,
    subject: Annotated[Optional[str], typer.Option("--subject", help="Article subject (default: the title).")] = None,
    body: BodyOption = None,
    body_file: BodyFileOption = None,
    content_type: ContentTypeOption = None,
    attach: AttachOption = None,
    df: DynamicFieldOption = None,
    output: OutputOption = None,
    fields: FieldsOption = None,
) -> None:
    """Create a ticket with a first article; prints the created ticket (one object)."""
    with client_command(ctx) as command:
        columns = parse_fields(fields, Ticket)
        text = read_body(body, body_file, required=True)
        article = Article(
            subject=subject or title, body=text, content_type=content_type, attachments=load_attachments(attach or [])
        )
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
        created = command.run(lambda client: client.create_ticket(ticket))
        print_result(created, output, fields=columns, columns=TICKET_COLUMNS)


@ticket_app.command("update")
def update_command(
    ctx: typer.Context,
    ticket_id: TicketIdArgument,
    state: Annotated[Optional[str], typer.Option("--state", help="New state.")] = None,
    priority: Annotated[Optional[str], typer.Option("--priority", help="New priority.")] = None,
    queue: Annotated[Optional[str], typer.Option("--queue", help="Move to this queue.")] = None,
    owner: Annotated[Optional[str], typer.Option("--owner", help="New owner (login or user ID).")] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="New title.")] = None,
    ticket_type: Annotated[Optional[str], typer.Option("--type", help="New ticket type.")] = None,
    df: DynamicFieldOption = None,
    pending_in: Annotated[
        Optional[str], typer.Option("--pending-in", help="Pending time from now, e.g. 2h or 3d (pending states).")
    ] = None,
    pending_until: Annotated[
        Optional[str], typer.Option("--pending-until", help="Pending time as ISO 8601, e.g. 2025-03-01T09:00.")
    ] = None,
    output: OutputOption = None,
    fields: FieldsOption = None,
) -> None:
    """Change a ticket; only the given options change. Prints the updated ticket (one object)."""
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
        print_result(updated, output, fields=columns, columns=TICKET_COLUMNS)


@ticket_app.command("note")
def note_command(
    ctx: typer.Context,
    ticket_id: TicketIdArgument,
    body: BodyOption = None,
    body_file: BodyFileOption = None,
    subject: Annotated[str, typer.Option("--subject", help="Article subject.")] = "Note",
    public: Annotated[bool, typer.Option("--public", help="Visible to the customer (default: internal).")] = False,
    time_unit: Annotated[Optional[float], typer.Option("--time-unit", min=0, help="Time spent (accounted).")] = None,
    content_type: ContentTypeOption = None,
    attach: AttachOption = None,
    output: OutputOption = None,
    fields: FieldsOption = None,
) -> None:
    """Add a note (an article) to a ticket; prints the ticket reference with the new article ID."""
    with client_command(ctx) as command:
        columns = parse_fields(fields, TicketReference)
        text = read_body(body, body_file, required=True)
        attachments = load_attachments(attach or [])
        reference = command.run(
            lambda client: client.add_note(
                ticket_id,
                text,
                subject=subject,
                internal=not public,
                content_type=content_type,
                time_unit=time_unit,
                attachments=attachments,
            )
        )
        print_result(reference, output, fields=columns, columns=REFERENCE_COLUMNS)


@ticket_app.command("history")
def history_command(
    ctx: typer.Context,
    ticket_id: TicketIdArgument,
    output: OutputOption = None,
    fields: FieldsOption = None,
) -> None:
    """Show a ticket's history, oldest first (always a list)."""
    with client_command(ctx) as command:
        columns = parse_fields(fields, HistoryEntry)
        entries = command.run(lambda client: client.get_ticket_history(ticket_id))
        print_result(entries, output, fields=columns, columns=HISTORY_COLUMNS)


class ExportFormat(str, Enum):
    """``ticket export --format`` choices."""

    JSONL = "jsonl"
    CSV = "csv"


@contextmanager
def _export_target(out: Path | None) -> Iterator[IO[str]]:
    """stdout, or a temporary file beside ``out`` that replaces it only when the export succeeded."""
    if out is None:
        yield sys.stdout
        return
    directory = out.resolve().parent
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=directory, text=True)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            yield stream
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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
    created_after: CreatedAfterOption = None,
    created_before: CreatedBeforeOption = None,
    sort: SortOption = None,
    order: OrderOption = None,
    limit: LimitOption = None,
    export_format: Annotated[ExportFormat, typer.Option("--format", help="jsonl (one ticket per line) or csv.")] = (
        ExportFormat.JSONL
    ),
    out: Annotated[
        Optional[Path], typer.Option("--out", metavar="FILE", help="Write to FILE (replaced only on success).")
    ] = None,
    articles: Annotated[bool, typer.Option("--articles", help="Include articles (jsonl).")] = False,
    batch_size: BatchSizeOption = None,
    fields: FieldsOption = None,
) -> None:
    """Stream the tickets of a search as JSON Lines or CSV, fetched in batches."""
    with client_command(ctx) as command:
        columns = parse_fields(fields, Ticket)
        search = _search_from_options(
            queue=queue,
            sub_queues=sub_queues,
            state=state,
            state_type=state_type,
            priority=priority,
            ticket_type=ticket_type,
            owner_id=owner_id,
            customer_user=customer_user,
            customer_id=customer_id,
            title=title,
            number=number,
            body=body,
            df=df,
            created_after=created_after,
            created_before=created_before,
            sort=sort,
            order=order,
            limit=limit,
        )

        async def export(client: OTOBOZnunyClient) -> int:
            count = 0
            with _export_target(out) as stream, progress_bar("Exporting tickets") as progress:
                writer = (
                    CsvRowWriter(stream, columns or TICKET_COLUMNS)
                    if export_format is ExportFormat.CSV
                    else JsonLinesWriter(stream, columns)
                )
                async for ticket in client.iter_tickets(
                    search, batch_size=batch_size, progress=progress, articles=articles
                ):
                    writer.write(ticket)
                    count += 1
            return count

        count = command.run(export)
        sys.stderr.write(f"exported {count} ticket(s)" + (f" to {out}" if out is not None else "") + "\n")
