import io
import json
import sys

from .conftest import bulk_body


def _upload(api, request: dict, csv_bytes: bytes, *, as_file_part: bool = True, filename="recipients.csv"):
    request_part = ("blob", json.dumps(request), "application/json") if as_file_part else None
    files = {"file": (filename, io.BytesIO(csv_bytes), "text/csv")}
    if request_part:
        files["request"] = request_part
        return api.post("upload/bulk", files=files)
    return api.post("upload/bulk", files=files, data={"request": json.dumps(request)})


def _spec(**overrides):
    body = bulk_body(**overrides)
    body.pop("recipients")
    return body


def test_upload_standard_csv_with_header_and_invalid_rows(sandbox, api):
    csv_bytes = b"msisdn;name\n48500100200;Anna\n48500100201;Jan\nabc;x\n\n48500100200;dup\n"
    response = _upload(api, _spec(name="from-file"), csv_bytes)
    assert response.status_code == 201, response.text
    bulk = api.get(f"overview/bulks/{response.json()['id']}").json()
    assert (bulk["name"], bulk["recipientsCount"], bulk["invalidRecipientsCount"], bulk["duplicateRecipientsCount"]) == (
        "from-file", 2, 1, 1)
    logged = sandbox.requests(path="/api/upload/bulk")[-1]
    assert logged["multipart"]["request"]["name"] == "from-file"
    assert logged["multipart"]["file"]["filename"] == "recipients.csv"
    assert logged["multipart"]["file"]["rows"] == 4
    assert logged["multipart"]["file"]["bytes"] == len(csv_bytes)


def test_upload_personalized_and_parametrized_columns(api):
    personalized = _upload(api, _spec(bulkType="PERSONALIZED", message=None),
                           "48500100200,Cześć Anna\n48500100201\n".encode())
    assert personalized.status_code == 201
    bulk = api.get(f"overview/bulks/{personalized.json()['id']}").json()
    assert (bulk["recipientsCount"], bulk["invalidRecipientsCount"], bulk["totalMessageCount"]) == (1, 1, 1)
    reasons = api.get(f"overview/bulks/{bulk['uuid']}/invalid-recipients").json()["content"]
    assert reasons == [{"msisdn": "48500100201", "reason": "MISSING_CONTENT"}]

    parametrized = _upload(api, _spec(bulkType="PARAMETRIZED", message="Hi $1, code $2"),
                           b"48500100300;John;1234\n", as_file_part=False)
    assert parametrized.status_code == 201
    history = api.get("overview/user-history", params={
        "msisdn": "48500100300", "fromDate": "2000-01-01T00:00:00Z", "toDate": "2100-01-01T00:00:00Z"}).json()
    assert history["content"][0]["content"] == "Hi John, code 1234"


def test_upload_errors_and_descriptors(api):
    assert api.post("upload/bulk", json=_spec()).status_code == 400  # not multipart
    no_file = api.post("upload/bulk", files={"request": ("blob", json.dumps(_spec()), "application/json")})
    assert no_file.status_code == 400 and "file" in no_file.json()["message"]
    bad_request = _upload(api, {**_spec(), "bulkVariant": "NOPE"}, b"48500100200\n", filename="bad.csv")
    assert bad_request.status_code == 400
    ok = _upload(api, _spec(), b"48500100200\n", filename="good.csv")
    descriptors = api.get("upload/bulk/descriptors", params={"sortField": "createDate", "sortDirection": "ASC"}).json()
    assert [(d["fileName"], d["status"]) for d in descriptors["content"]] == [("bad.csv", "ERROR"), ("good.csv", "SUCCESS")]
    assert descriptors["content"][1]["bulkUuid"] == ok.json()["id"]
    assert api.get("upload/bulk/descriptors", params={"importStatus": "SUCCESS"}).json()["totalElements"] == 1
    paged = api.get("upload/bulk/descriptors", params={"page": 1, "size": 1}).json()
    assert (paged["totalPages"], len(paged["content"])) == (2, 1)


def test_upload_of_200k_rows_stores_charges_and_sends_them_all(sandbox, api):
    # How fast: bench/sandbox_upload.py prints it (no timed assertion here).
    rows = 200_000
    csv_bytes = "".join(f"48{600000000 + i}\n" for i in range(rows)).encode()
    sandbox.set_balance(balance=rows * 7)
    response = _upload(api, _spec(name="big"), csv_bytes)
    assert response.status_code == 201, response.text
    bulk_id = response.json()["id"]
    bulk = api.get(f"overview/bulks/{bulk_id}").json()
    assert (bulk["recipientsCount"], bulk["chargedPoints"]) == (rows, rows * 7)
    assert api.get("payment/account/summary").json()["accountBalance"] == 0
    sandbox.advance(2)  # one step moves 100,000 recipients at once
    assert api.get(f"overview/bulks/{bulk_id}").json()["sentCount"] == rows // 2
    sandbox.advance(10)
    bulk = api.get(f"overview/bulks/{bulk_id}").json()
    assert bulk["bulkStatus"] == "FINISHED"
    assert bulk["deliveredCount"] + bulk["undeliveredCount"] + bulk["expiredCount"] == rows
    assert bulk["undeliveredCount"] > 0 and bulk["expiredCount"] > 0


def _personalized_rows(rows: int) -> tuple[bytes, list[str]]:
    """Rows with every kind of number the sink tells apart; returns the file and the texts."""
    lines, texts = [], []
    for i in range(rows):
        number = f"48{700000000 + i}"
        if i % 1000 == 1:
            number = "12345"  # invalid
        elif i % 1000 == 2:
            number = f"49{700000000 + i}"  # foreign, for ECO
        elif i % 1000 == 3:
            lines.append(f"{number}\n")  # no content
            continue
        elif i % 1000 == 4:
            number = f"48{700000000 + i - 4}"  # the duplicate of an earlier row
        text = f"Cześć Anna{i}, wyprzedaż" if i % 2 else f"Hello Jan{i}"
        texts.append(text)
        lines.append(f"{number};{text}\n")
    return "".join(lines).encode(), texts


def test_large_personalized_upload_is_written_in_order_with_every_check(sandbox, api):
    """60,000 rows: the batches go through the writer thread; counts, order and charge hold."""
    api.post("blacklist/add", params={"country": "POLAND"}, json=["48700000010", "48700059999"])
    rows = 60_000
    csv_bytes, _texts = _personalized_rows(rows)
    sandbox.set_balance(balance=10**6)
    switch_interval = sys.getswitchinterval()
    response = _upload(api, _spec(name="large", bulkType="PERSONALIZED", message=None), csv_bytes)
    assert response.status_code == 201, response.text
    assert sys.getswitchinterval() == switch_interval
    bulk = api.get(f"overview/bulks/{response.json()['id']}").json()
    per_thousand_invalid = 3  # invalid, foreign, no content; the duplicate is counted apart
    invalid = rows // 1000 * per_thousand_invalid + 2  # and the two blacklisted
    duplicates = rows // 1000
    assert (bulk["invalidRecipientsCount"], bulk["duplicateRecipientsCount"]) == (invalid, duplicates)
    assert bulk["recipientsCount"] == rows - invalid - duplicates
    # Polish letters: UCS-2, one part each; the others GSM-7, one part each.
    assert bulk["totalMessageCount"] == bulk["recipientsCount"]
    reasons = {item["reason"] for item in api.get(
        f"overview/bulks/{bulk['uuid']}/invalid-recipients", params={"size": 1000}).json()["content"]}
    assert reasons == {"INVALID_MSISDN", "FOREIGN_NUMBER", "MISSING_CONTENT", "BLACKLISTED"}
    store = sandbox.app.store
    first, last = store.all(
        "SELECT msisdn, content FROM recipients WHERE id IN (SELECT MIN(id) FROM recipients"
        " UNION SELECT MAX(id) FROM recipients) ORDER BY id")
    assert tuple(first) == ("48700000000", "Hello Jan0")
    assert tuple(last) == ("48700059998", "Hello Jan59998")  # 59999 is blacklisted
    # The duplicate kept the first row's text.
    assert store.scalar("SELECT content FROM recipients WHERE msisdn = '48700001000'") == "Hello Jan1000"


def test_large_upload_refused_for_the_balance_leaves_nothing_behind(sandbox, api):
    """The writer has written batches when the charge fails: all of it is rolled back."""
    csv_bytes, _texts = _personalized_rows(60_000)
    sandbox.set_balance(balance=10)
    before = sandbox.state()["counts"]
    response = _upload(api, _spec(name="short", bulkType="PERSONALIZED", message=None), csv_bytes)
    assert response.status_code == 400 and response.json()["code"] == "INSUFFICIENT_FUNDS", response.text
    after = sandbox.state()["counts"]
    assert (after["recipients"], after["invalid_recipients"], after["bulks"]) == (
        before["recipients"], before["invalid_recipients"], before["bulks"])
    sandbox.set_balance(balance=10**6)
    again = _upload(api, _spec(name="again", bulkType="PERSONALIZED", message=None), csv_bytes)
    assert again.status_code == 201, again.text


def test_large_json_bulk_refused_half_way_stops_the_writer_and_keeps_nothing(sandbox, api):
    """A PERSONALIZED JSON recipient without content refuses the request after 30,000 rows."""
    recipients = [{"msisdn": f"48{710000000 + i}", "content": f"Hi {i}"} for i in range(30_000)]
    recipients.append({"msisdn": "48719999999"})
    sandbox.set_balance(balance=10**6)
    before = sandbox.state()["counts"]
    switch_interval = sys.getswitchinterval()
    response = api.post("sender/bulk/send", json={**_spec(bulkType="PERSONALIZED", message=None),
                                                  "recipients": recipients})
    assert response.status_code == 400 and "content" in response.json()["message"], response.text
    assert sys.getswitchinterval() == switch_interval
    assert sandbox.state()["counts"] == before
    ok = api.post("sender/bulk/send", json={**_spec(bulkType="PERSONALIZED", message=None),
                                            "recipients": recipients[:-1]})
    assert ok.status_code == 201, ok.text
    assert api.get(f"overview/bulks/{ok.json()['id']}").json()["recipientsCount"] == 30_000
