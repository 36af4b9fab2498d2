"""TicketSearch parameters, TicketGet options and TicketUpdate semantics."""

from __future__ import annotations

import base64

import httpx
import pytest

from otobo_znuny.emulator import Emulator
from otobo_znuny.emulator.state import Helpdesk

from .conftest import AGENT, FakeClock, call, new_ticket

DEMO_AGENT = {"UserLogin": "api-agent", "Password": "api-secret-1"}
NOTE = {"Subject": "s", "Body": "b", "ContentType": "text/plain; charset=utf8"}


def search(client: httpx.Client, **params: object) -> list[str]:
    reply = call(client, "TicketSearch", **DEMO_AGENT, **params)
    return list(reply.get("TicketID", []))


# ---------------------------------------------------------------- TicketSearch
def test_search_defaults_and_empty(gt: httpx.Client) -> None:
    new_ticket(gt)
    assert search(gt) == ["2", "1"]  # Age Down: newest first
    assert search(gt, OrderBy="Up") == ["1", "2"]
    assert call(gt, "TicketSearch", **AGENT, Title="no-such-title") == {}


def test_search_wildcards_and_fields(gt: httpx.Client) -> None:
    new_ticket(gt, Ticket={"Title": "Printer ON fire"})
    assert search(gt, Title="printer*") == ["2"]
    assert search(gt, Title="%on fire") == ["2"]
    assert search(gt, Title="*") == ["2", "1"]  # only wildcards: ignored
    assert search(gt, CustomerUserLogin="CUSTOMER-*") == ["2"]
    assert search(gt, CustomerID="customer-company-1") == ["2"]
    assert search(gt, CustomerIDRaw="customer-company") == []
    number = call(gt, "TicketGet", **AGENT, TicketID=2)["Ticket"][0]["TicketNumber"]
    assert search(gt, TicketNumber=[number, "x"]) == ["2"]
    assert search(gt, TicketID=["1", "2"], Limit=1) == ["2"]


def test_search_ids_states_queues(demo: Emulator) -> None:
    from otobo_znuny.emulator import EmulatorTransport

    with httpx.Client(transport=EmulatorTransport(demo), base_url=GT_URL) as client:
        everything = search(client, Limit=1000)
        assert len(everything) == 30
        hardware = search(client, Queues=["Support::Hardware"])
        support = search(client, Queues="Support")
        with_sub = search(client, Queues="Support", UseSubQueues=1)
        assert set(with_sub) == set(hardware) | set(support)
        assert search(client, QueueIDs=["abc"]) == []  # non-integer ID gives {}
        assert search(client, Queues="NoSuchQueue") == []
        new = search(client, States="new")
        assert set(search(client, StateType="new")) == set(new)
        assert search(client, StateType="Open") == []  # compat names are not supported through the GI
        closed = search(client, StateType="closed", Limit=1000)
        assert set(closed) == set(search(client, StateTypeIDs=[3]))
        assert set(search(client, StateIDs=[1])) == set(new)
        assert search(client, Priorities="5 very high")
        assert search(client, Locks="unlock", Limit=1000) == everything
        assert set(search(client, OwnerIDs=[4])) == set(search(client, OwnerIDs="4"))
        assert search(client, Types="Unclassified", Limit=1000) == everything
        assert search(client, SortBy="Nope") == []
        assert search(client, OrderBy="Sideways") == []


def test_search_sorting(demo: Emulator) -> None:
    from otobo_znuny.emulator import EmulatorTransport

    with httpx.Client(transport=EmulatorTransport(demo), base_url=GT_URL) as client:
        by_title = search(client, SortBy="Title", OrderBy="Up", Limit=1000)
        titles = [demo.helpdesk.data.tickets[int(i)].title for i in by_title]
        assert titles == sorted(titles)
        multi = search(client, SortBy=["Priority", "Age"], OrderBy=["Down", "Up"], Limit=1000)
        keys = [
            (-demo.helpdesk.data.tickets[int(i)].priority_id, demo.helpdesk.data.tickets[int(i)].created) for i in multi
        ]
        assert keys == sorted(keys)
        by_field = search(client, SortBy="DynamicField_OrderID", OrderBy="Up", Limit=1000)
        assert len(by_field) == 30
        # every SortBy needs its OrderBy: the core search returns nothing otherwise ("Need valid OrderBy",
        # Kernel/System/Ticket/TicketSearch.pm of both servers); without OrderBy the operation sends "Down"
        assert search(client, SortBy=["Priority", "Age"], OrderBy="Down", Limit=1000) == []
        assert search(client, SortBy=["Priority", "Age"], OrderBy=["Down"], Limit=1000) == []
        assert search(client, SortBy=["Priority", "Age"], Limit=1000) == []
        assert search(client, SortBy=["Priority", "Age"], OrderBy=["Down", "Down"], Limit=1000)


def test_search_time_filters(demo: Emulator, clock: FakeClock) -> None:
    from otobo_znuny.emulator import EmulatorTransport

    with httpx.Client(transport=EmulatorTransport(demo), base_url=GT_URL) as client:
        recent = search(client, TicketCreateTimeNewerMinutes=60 * 24 * 10, Limit=1000)
        old = search(client, TicketCreateTimeOlderMinutes=60 * 24 * 10, Limit=1000)
        assert recent
        assert set(recent) | set(old) == set(search(client, Limit=1000))
        date = (clock.now.replace(microsecond=0)).strftime("%Y-%m-%d %H:%M:%S")
        assert len(search(client, TicketCreateTimeOlderDate=date, Limit=1000)) == 30
        assert search(client, TicketCreateTimeNewerDate="not a date") == []
        assert search(client, TicketCloseTimeNewerMinutes=60 * 24 * 365, Limit=1000)
        assert search(client, TicketPendingTimeOlderMinutes=0, Limit=1000) == []
        assert len(search(client, TicketPendingTimeNewerMinutes=0, Limit=1000)) == 4
        assert search(client, TicketPendingTimeOlderMinutes=-60 * 24 * 7, Limit=1000)
        assert search(client, ArticleCreateTimeNewerMinutes=60 * 24 * 100, Limit=1000)
        assert search(client, TicketEscalationTimeOlderMinutes=10) == []


def test_search_article_content(gt: httpx.Client) -> None:
    new_ticket(
        gt, Article={"Subject": "Invoice question", "Body": "Hello, THE invoice is wrong", "From": "a@b.example"}
    )
    new_ticket(gt, Article={"Subject": "Other", "Body": "nothing"})
    assert search(gt, MIMEBase_Body="%hello%") == ["2"]
    assert search(gt, MIMEBase_Body="the invoice") == ["2"]
    assert search(gt, MIMEBase_Subject="invoice", MIMEBase_Body="nothing") == []
    assert search(gt, MIMEBase_Subject="invoice", MIMEBase_Body="nothing", ContentSearch="OR") == ["3", "2"]
    assert search(gt, MIMEBase_From="a@b") == ["2"]
    assert search(gt, Body="nothing") == ["3", "2", "1"]  # unknown key ignored
    assert search(gt, Fulltext="invoice") == ["2"]


def test_search_attachment_names(gt: httpx.Client) -> None:
    """MIMEBase_AttachmentName searches the names of the non-inline attachments (the index string of
    ``ArticleSearchableContentGet``, with IndexAttachmentNames on, OTOBO 11's default)."""
    content = base64.b64encode(b"data").decode()
    attached = {"Content": content, "ContentType": "application/pdf", "Filename": "invoice-2026.pdf"}
    inline = {**attached, "Filename": "logo.png", "ContentType": "image/png", "Disposition": "inline"}
    new_ticket(gt, Attachment=[attached])
    new_ticket(gt, Attachment=[inline])
    assert search(gt, MIMEBase_AttachmentName="invoice") == ["2"]
    assert search(gt, MIMEBase_AttachmentName="*.pdf") == ["2"]
    assert search(gt, MIMEBase_AttachmentName="logo") == []  # inline attachments are not indexed
    assert search(gt, MIMEBase_AttachmentName="zz-no-such") == []


def test_search_dynamic_fields(gt: httpx.Client) -> None:
    new_ticket(gt, DynamicField=[{"Name": "OrderID", "Value": "ORD-1"}, {"Name": "Tags", "Value": ["vip", "bug"]}])
    new_ticket(gt, DynamicField={"Name": "OrderID", "Value": "ORD-2"})
    assert search(gt, DynamicField={"Name": "OrderID", "Equals": "ORD-1"}) == ["2"]
    assert search(gt, DynamicField=[{"Name": "OrderID", "Like": "ORD-*"}, {"Name": "Tags", "Equals": "bug"}]) == ["2"]
    assert search(gt, DynamicField={"Name": "OrderID", "Equals": ["ORD-1", "ORD-2"]}) == ["3", "2"]
    assert search(gt, DynamicField_OrderID={"GreaterThan": "ORD-1"}) == ["3"]
    assert search(gt, DynamicField_OrderID={"SmallerThanEquals": "ORD-2", "GreaterThanEquals": "ORD-2"}) == ["3"]
    assert search(gt, DynamicField_OrderID={"Empty": 1}) == ["1"]
    assert search(gt, DynamicField_OrderID={"Empty": 0}) == ["3", "2"]
    assert search(gt, DynamicField={"Name": "NoSuchField", "Equals": "x"}) == ["3", "2", "1"]
    # the legacy form is used only without a DynamicField key
    assert search(
        gt, DynamicField={"Name": "OrderID", "Equals": "ORD-2"}, DynamicField_OrderID={"Equals": "ORD-1"}
    ) == ["3"]


def test_search_permissions(gt: httpx.Client) -> None:
    new_ticket(gt)
    customer = {"CustomerUserLogin": "customer-1", "Password": "customer-secret-1"}
    assert call(gt, "TicketSearch", **customer) == {"TicketID": ["2"]}


# ---------------------------------------------------------------- TicketGet
def test_ticket_get_id_forms_and_order(gt: httpx.Client) -> None:
    new_ticket(gt)
    for ids in ("2,1", [2, 1], ["2", "1"], "2 , 1"):
        tickets = call(gt, "TicketGet", **AGENT, TicketID=ids)["Ticket"]
        assert [t["TicketID"] for t in tickets] == [2, 1]
    ticket = call(gt, "TicketGet", **AGENT, TicketID=2)["Ticket"][0]
    assert "Article" not in ticket
    assert "DynamicField" not in ticket
    assert ticket["SLAID"] == ""
    assert ticket["ServiceID"] == ""
    assert "Service" not in ticket


def test_ticket_get_articles(gt: httpx.Client) -> None:
    new_ticket(gt)
    for index in range(3):
        call(
            gt,
            "TicketUpdate",
            **AGENT,
            TicketID=2,
            Article={
                "Subject": f"note {index}",
                "Body": "x",
                "ContentType": "text/plain; charset=utf8",
                "IsVisibleForCustomer": index % 2,
                "SenderType": "agent" if index else "system",
            },
        )
    articles = call(gt, "TicketGet", **AGENT, TicketID=2, AllArticles=1)["Ticket"][0]["Article"]
    assert [a["ArticleNumber"] for a in articles] == [1, 2, 3, 4]
    desc = call(gt, "TicketGet", **AGENT, TicketID=2, AllArticles=1, ArticleLimit=2, ArticleOrder="DESC")
    assert [a["Subject"] for a in desc["Ticket"][0]["Article"]] == ["note 2", "note 1"]
    no_limit = call(gt, "TicketGet", **AGENT, TicketID=2, AllArticles=1, ArticleOrder="DESC")
    assert no_limit["Ticket"][0]["Article"][0]["Subject"] == "subject"  # DESC needs ArticleLimit
    grouped = call(gt, "TicketGet", **AGENT, TicketID=2, AllArticles=1, ArticleSenderType=["agent", "customer"])
    assert [a["SenderType"] for a in grouped["Ticket"][0]["Article"]] == ["agent", "agent", "customer"]
    customer = {"CustomerUserLogin": "customer-1", "Password": "customer-secret-1"}
    visible = call(gt, "TicketGet", **customer, TicketID=2, AllArticles=1)["Ticket"][0]["Article"]
    assert [a["Subject"] for a in visible] == ["subject", "note 1"]
    assert call(gt, "TicketGet", **customer, TicketID=1)["Error"]["ErrorCode"] == "TicketGet.AccessDenied"


def test_ticket_get_attachments_and_fields(gt: httpx.Client) -> None:
    content = base64.b64encode(b"hello attachment\n").decode()
    new_ticket(
        gt,
        Attachment=[
            {"Content": content, "ContentType": "text/plain", "Filename": "a.txt"},
            {
                "Content": content,
                "ContentType": "image/png",
                "Filename": "b.png",
                "Disposition": "inline",
                "ContentID": "<cid1>",
            },
        ],
        DynamicField={"Name": "Tags", "Value": "vip"},
    )
    ticket = call(gt, "TicketGet", **AGENT, TicketID=2, AllArticles=1, Attachments=1, DynamicFields=1)["Ticket"][0]
    attachments = ticket["Article"][0]["Attachment"]
    assert [a["FileID"] for a in attachments] == ["1", "2"]
    assert attachments[0]["Content"] == content
    assert attachments[0]["FilesizeRaw"] == "17"
    assert attachments[1]["Disposition"] == "inline"
    assert attachments[1]["ContentID"] == "<cid1>"
    assert {"Name": "Tags", "Value": ["vip"]} in ticket["DynamicField"]
    meta = call(gt, "TicketGet", **AGENT, TicketID=2, AllArticles=1, Attachments=1, GetAttachmentContents=0)
    assert meta["Ticket"][0]["Article"][0]["Attachment"][0]["Content"] == ""
    extended = call(gt, "TicketGet", **AGENT, TicketID=2, Extended=1)["Ticket"][0]
    assert "FirstResponse" not in extended  # only a customer article so far


def test_ticket_get_empty_list_is_wrong_structure(gt: httpx.Client) -> None:
    reply = call(gt, "TicketGet", **AGENT, TicketID=[])
    assert reply["Error"] == {
        "ErrorCode": "TicketGet.WrongStructure",
        "ErrorMessage": "TicketGet: Structure for TicketID is not correct!",
    }


def test_ticket_get_list_items_are_not_split_on_commas(gt: httpx.Client) -> None:
    first = new_ticket(gt)["TicketID"]
    second = new_ticket(gt)["TicketID"]
    reply = call(gt, "TicketGet", **AGENT, TicketID=[f"{first},{second}"])
    assert reply["Error"]["ErrorCode"] == "TicketGet.WrongStructure"
    listed = call(gt, "TicketGet", **AGENT, TicketID=[first, second])
    assert [t["TicketID"] for t in listed["Ticket"]] == [int(first), int(second)]
    comma_string = call(gt, "TicketGet", **AGENT, TicketID=f"{first}, {second}")
    assert len(comma_string["Ticket"]) == 2


# ---------------------------------------------------------------- TicketUpdate
def test_update_partial_and_history(gt: httpx.Client) -> None:
    new_ticket(gt)
    reply = call(gt, "TicketUpdate", **AGENT, TicketID="2", Ticket={"Title": "new", "Type": "Unclassified"})
    assert reply["TicketID"] == "2"  # echoed as sent
    assert "ArticleID" not in reply
    ticket = call(gt, "TicketGet", **AGENT, TicketID=2)["Ticket"][0]
    assert (ticket["Title"], ticket["Queue"], ticket["State"]) == ("new", "Raw", "new")
    history = call(gt, "TicketHistoryGet", **AGENT, TicketID=2)["TicketHistory"][0]["History"]
    assert [h["HistoryType"] for h in history][-1] == "TitleUpdate"
    assert history[-1]["Name"] == "%%test ticket%%new"


def test_update_by_number_wins(gt: httpx.Client) -> None:
    created = new_ticket(gt)
    reply = call(gt, "TicketUpdate", **AGENT, TicketID=1, TicketNumber=created["TicketNumber"], Ticket={"Title": "x"})
    assert reply["TicketID"] == 2
    assert call(gt, "TicketGet", **AGENT, TicketID=1)["Ticket"][0]["Title"] == "Welcome to Znuny!"


def test_update_pending_lock_owner_customer(gt: httpx.Client, clock: FakeClock) -> None:
    new_ticket(gt)
    reply = call(
        gt, "TicketUpdate", **AGENT, TicketID=2, Ticket={"State": "pending reminder", "PendingTime": {"Diff": 60}}
    )
    assert "Error" not in reply
    ticket = call(gt, "TicketGet", **AGENT, TicketID=2)["Ticket"][0]
    assert ticket["StateType"] == "pending reminder"
    assert ticket["UntilTime"] == 3600
    when = {"Year": 2030, "Month": 2, "Day": 28, "Hour": 10, "Minute": 5}
    assert "Error" not in call(
        gt, "TicketUpdate", **AGENT, TicketID=2, Ticket={"State": "pending auto close+", "PendingTime": when}
    )
    bad = {"Year": 2030, "Month": 2, "Day": 30, "Hour": 10, "Minute": 5}
    assert (
        call(gt, "TicketUpdate", **AGENT, TicketID=2, Ticket={"State": "pending reminder", "PendingTime": bad})[
            "Error"
        ]["ErrorCode"]
        == "TicketUpdate.InvalidParameter"
    )
    call(
        gt,
        "TicketUpdate",
        **AGENT,
        TicketID=2,
        Ticket={"Lock": "lock", "Owner": "root@localhost", "Responsible": "api-agent"},
    )
    ticket = call(gt, "TicketGet", **AGENT, TicketID=2)["Ticket"][0]
    assert (ticket["Lock"], ticket["Owner"], ticket["Responsible"]) == ("lock", "root@localhost", "api-agent")
    call(gt, "TicketUpdate", **AGENT, TicketID=2, Ticket={"State": "closed successful"})
    ticket = call(gt, "TicketGet", **AGENT, TicketID=2)["Ticket"][0]
    assert ticket["Lock"] == "unlock"  # closing unlocks
    call(gt, "TicketUpdate", **AGENT, TicketID=2, Ticket={"CustomerID": "other-company"})
    ticket = call(gt, "TicketGet", **AGENT, TicketID=2)["Ticket"][0]
    assert (ticket["CustomerUserID"], ticket["CustomerID"]) == ("", "other-company")  # CustomerUser cleared
    history = [
        h["HistoryType"] for h in call(gt, "TicketHistoryGet", **AGENT, TicketID=2)["TicketHistory"][0]["History"]
    ]
    for kind in (
        "Lock",
        "Unlock",
        "OwnerUpdate",
        "ResponsibleUpdate",
        "SetPendingTime",
        "StateUpdate",
        "CustomerUpdate",
    ):
        assert kind in history


def test_update_dynamic_fields_set_and_clear(gt: httpx.Client) -> None:
    new_ticket(gt)
    call(
        gt,
        "TicketUpdate",
        **AGENT,
        TicketID=2,
        DynamicField=[{"Name": "OrderID", "Value": "0"}, {"Name": "Tags", "Value": ["bug"]}],
    )
    fields = {
        f["Name"]: f["Value"]
        for f in call(gt, "TicketGet", **AGENT, TicketID=2, DynamicFields=1)["Ticket"][0]["DynamicField"]
    }
    assert (fields["OrderID"], fields["Tags"]) == ("0", ["bug"])
    call(
        gt,
        "TicketUpdate",
        **AGENT,
        TicketID=2,
        DynamicField=[{"Name": "OrderID", "Value": ""}, {"Name": "Tags", "Value": ""}],
    )
    fields = {
        f["Name"]: f["Value"]
        for f in call(gt, "TicketGet", **AGENT, TicketID=2, DynamicFields=1)["Ticket"][0]["DynamicField"]
    }
    assert (fields["OrderID"], fields["Tags"]) == (None, None)
    bad_date = call(
        gt, "TicketUpdate", **AGENT, TicketID=2, DynamicField={"Name": "TicketCalendarEndTime", "Value": "2030-01-01"}
    )
    assert bad_date["Error"]["ErrorCode"] == "TicketUpdate.InvalidParameter"
    ok_date = call(
        gt,
        "TicketUpdate",
        **AGENT,
        TicketID=2,
        DynamicField={"Name": "TicketCalendarEndTime", "Value": "2030-01-01 10:00:00"},
    )
    assert "Error" not in ok_date


def test_update_article_defaults_and_booleans(gt: httpx.Client) -> None:
    new_ticket(gt)
    reply = call(
        gt,
        "TicketUpdate",
        **AGENT,
        TicketID=2,
        Article={
            "Subject": "s",
            "Body": "b",
            "ContentType": "text/plain; charset=utf8",
            "IsVisibleForCustomer": False,
            "TimeUnit": "1,5",
        },
    )
    assert isinstance(reply["ArticleID"], int)
    article = call(gt, "TicketGet", **AGENT, TicketID=2, AllArticles=1)["Ticket"][0]["Article"][-1]
    assert article["From"] == "API Agent"
    assert article["IsVisibleForCustomer"] == 0  # JSON false became 0
    assert article["CommunicationChannelID"] == 3  # Internal by default
    assert article["TimeUnit"] == 1.5


def test_customer_ticket_create(gt: httpx.Client) -> None:
    reply = call(
        gt,
        "TicketCreate",
        CustomerUserLogin="customer-1",
        Password="customer-secret-1",
        Ticket={"Title": "help", "Queue": "Raw", "State": "new", "Priority": "3 normal", "CustomerUser": "customer-1"},
        Article={"Subject": "s", "Body": "b", "ContentType": "text/plain; charset=utf-8"},
    )
    ticket = call(gt, "TicketGet", **AGENT, TicketID=reply["TicketID"], AllArticles=1)["Ticket"][0]
    assert ticket["Owner"] == "root@localhost"
    assert ticket["Article"][0]["SenderType"] == "customer"
    assert ticket["Article"][0]["From"] == '"Carla Customer" <customer@example.com>'


GT_URL = "http://emulator/otrs/nph-genericinterface.pl/Webservice/GenericTicket"


def test_ticket_time_unit_is_the_running_total(gt: httpx.Client) -> None:
    ticket_id = new_ticket(gt, Article={"TimeUnit": "15"})["TicketID"]
    call(gt, "TicketUpdate", **AGENT, TicketID=ticket_id, Article={**NOTE, "TimeUnit": "2.5"})
    reply = call(gt, "TicketGet", **AGENT, TicketID=ticket_id)
    assert reply["Ticket"][0]["TimeUnit"] == 17.5
    call(gt, "TicketUpdate", **AGENT, TicketID=ticket_id, Article={**NOTE, "TimeUnit": "0.5"})
    assert call(gt, "TicketGet", **AGENT, TicketID=ticket_id)["Ticket"][0]["TimeUnit"] == 18
    history = call(gt, "TicketHistoryGet", **AGENT, TicketID=ticket_id)["TicketHistory"][0]["History"]
    assert [h["Name"] for h in history if h["HistoryType"] == "TimeAccounting"][-1] == "%%0.5%%18"


# ---------------------------------------------------------------- ticket numbers
@pytest.mark.slow
def test_generated_ticket_numbers_are_unique() -> None:
    emulator = Emulator.with_tickets(2000)
    data = emulator.helpdesk.data
    numbers = [ticket.number for ticket in data.tickets.values()]
    assert len(set(numbers)) == len(numbers)
    assert len(data.ticket_numbers) == len(data.tickets)
    assert all(data.ticket_numbers[t.number] == t.id for t in data.tickets.values())


def test_ticket_number_counter_is_kept_per_day(clock: FakeClock) -> None:
    helpdesk = Helpdesk(clock=clock)
    first = helpdesk.new_ticket_number()
    clock.advance(days=1)
    helpdesk.new_ticket_number()
    clock.advance(days=-1)
    second = helpdesk.new_ticket_number()
    assert first != second
    assert first[:8] == second[:8]
    assert second[10:15] == "00002"
