import pytest

from .conftest import bulk_body

ALL_TIME = {"startDate": "2000-01-01T00:00:00+00:00", "endDate": "2100-01-01T00:00:00+00:00"}
VOICE = {"pause": 1, "maxDtmf": 0, "maxCount": 1, "maxPeriod": 2, "minPeriod": 1, "repeatDtmf": "0",
         "voiceLanguage": "POLISH", "voiceRepeating": False}


def test_summary_and_pricing_reflect_configured_prices(tmp_path):
    from justsend_panel.sandbox.server import run_sandbox

    with run_sandbox(tmp_dir=tmp_path, starting_balance=246, starting_promo=350, prices={"ECO": 6.5}) as sandbox:
        with sandbox.client() as api:
            summary = api.get("payment/account/summary").json()
            assert (summary["accountBalance"], summary["promoPoints"]) == (246, 350)
            prices = {p["bulkVariant"]: p["priceInPoints"] for p in summary["pricingConfigs"]}
            assert prices["ECO"] == 6.5 and prices["INTER"] == 35
            assert sorted(api.get("pricing/config").json()) == sorted(prices)
            api.post("sender/bulk/send", json=bulk_body())
            assert api.get("payment/account/summary").json()["promoPoints"] == 350 - 13


def test_prices_from_environment(tmp_path, monkeypatch):
    from justsend_panel.sandbox.server import run_sandbox

    monkeypatch.setenv("JUSTSEND_SANDBOX_PRICES", "ECO=3,VOICE=20")
    monkeypatch.setenv("JUSTSEND_SANDBOX_STARTING_BALANCE", "99")
    with run_sandbox(tmp_dir=tmp_path) as sandbox, sandbox.client() as api:
        summary = api.get("payment/account/summary").json()
        prices = {p["bulkVariant"]: p["priceInPoints"] for p in summary["pricingConfigs"]}
        assert (prices["ECO"], prices["VOICE"], summary["accountBalance"]) == (3, 20, 99)


def test_transactions_filters_paging_and_errors(sandbox, api):
    sandbox.set_balance(balance=20_000)
    for index in range(3):
        api.post("sender/bulk/send", json=bulk_body(name=f"b{index}"))
    everything = api.get("payment/transaction", params=ALL_TIME).json()
    assert everything["totalElements"] == 4
    assert [t["transactionType"] for t in everything["content"]] == ["CHARGE"] + ["BULK_PAYMENT"] * 3
    assert everything["content"][0]["paymentMethod"] == "PROFORMA"
    by_method = api.get("payment/transaction", params={**ALL_TIME, "paymentMethod": "POINTS"}).json()
    assert by_method["totalElements"] == 3
    assert api.get("payment/transaction", params={**ALL_TIME, "paymentProvider": "PAYU"}).json()["totalElements"] == 0
    assert api.get("payment/transaction", params={**ALL_TIME, "transactionStatus": "ERROR"}).json()["totalElements"] == 0
    wanted = everything["content"][2]["internalTransactionId"]
    searched = api.get("payment/transaction", params={**ALL_TIME, "search": wanted[:8]}).json()
    assert [t["internalTransactionId"] for t in searched["content"]] == [wanted]
    page = api.get("payment/transaction", params={**ALL_TIME, "page": 1, "size": 3, "sortDirection": "DESC"}).json()
    assert (page["totalPages"], [t["transactionType"] for t in page["content"]]) == (2, ["CHARGE"])
    empty = api.get("payment/transaction", params={"startDate": "2001-01-01T00:00:00+01:00", "endDate": "2001-01-02T00:00:00+01:00"})
    assert empty.json()["totalElements"] == 0
    assert api.get("payment/transaction").status_code == 400
    assert api.get("payment/transaction", params={**ALL_TIME, "search": "ab"}).status_code == 400
    assert api.get("payment/transaction", params={**ALL_TIME, "paymentMethod": "CASH"}).status_code == 400
    assert api.get("payment/transaction", params={"startDate": "soon", "endDate": ALL_TIME["endDate"]}).status_code == 400


def test_auth_codes_crud(api):
    created = api.post("mail2sms/config/auth-codes", json={"senderOverride": "MYBRAND", "bulkVariant": "PRO"})
    assert created.status_code == 201
    code = created.json()
    assert code["senderOverride"] == "MYBRAND" and code["bulkVariant"] == "PRO" and code["code"] and code["createDate"]
    inter = api.post("mail2sms/config/auth-codes", json={"senderOverride": "MYBRAND", "bulkVariant": "INTER",
                                                         "properties": {"country": "SLOVAKIA"}})
    assert inter.status_code == 201 and inter.json()["properties"] == {"country": "SLOVAKIA"}
    voice = api.post("mail2sms/config/auth-codes", json={"senderOverride": "VOICE", "bulkVariant": "VOICE",
                                                         "properties": {"voiceConfig": VOICE}})
    assert voice.status_code == 201
    assert [c["id"] for c in api.get("mail2sms/config/auth-codes").json()] == [code["id"], inter.json()["id"], voice.json()["id"]]

    updated = api.put(f"mail2sms/config/auth-codes/{code['id']}", json={"senderOverride": "NEWBRAND"})
    assert updated.status_code == 200
    assert (updated.json()["senderOverride"], updated.json()["bulkVariant"], updated.json()["code"]) == (
        "NEWBRAND", "PRO", code["code"])
    assert api.delete(f"mail2sms/config/auth-codes/{code['id']}").status_code == 204
    assert api.delete(f"mail2sms/config/auth-codes/{code['id']}").status_code == 404
    assert api.put(f"mail2sms/config/auth-codes/{code['id']}", json={"senderOverride": "X"}).status_code == 404
    assert len(api.get("mail2sms/config/auth-codes").json()) == 2


@pytest.mark.parametrize(
    "body",
    [
        {"senderOverride": "X"},
        {"senderOverride": "X", "bulkVariant": "BASIC"},
        {"senderOverride": "X", "bulkVariant": "INTER"},
        {"senderOverride": "X", "bulkVariant": "VOICE", "properties": {"voiceConfig": {**VOICE, "pause": 30}}},
        {"senderOverride": 5, "bulkVariant": "PRO"},
    ],
)
def test_auth_code_validation(api, body):
    assert api.post("mail2sms/config/auth-codes", json=body).status_code == 400


def test_whitelist_list_and_delete(sandbox, api):
    first = sandbox.add_whitelist("jan@example.com")
    sandbox.add_whitelist("firma@example.com")
    listed = api.get("mail2sms/config/whitelist").json()
    assert [e["email"] for e in listed] == ["jan@example.com", "firma@example.com"]
    assert listed[0]["id"] == first["id"] and listed[0]["createDate"]
    assert api.delete(f"mail2sms/config/whitelist/{first['id']}").status_code == 204
    assert api.delete(f"mail2sms/config/whitelist/{first['id']}").status_code == 404
    assert [e["email"] for e in api.get("mail2sms/config/whitelist").json()] == ["firma@example.com"]


def test_blacklist_add_get_remove(api):
    added = api.post("blacklist/add", params={"country": "POLAND", "forUserId": 2},
                     json=["48500100200", "48500100201", "bad-number", "48500100200"])
    assert added.status_code == 200
    assert added.json() == {"added": 2, "alreadyPresent": 0, "skipped": ["bad-number"]}
    api.post("blacklist/add", params={"country": "AUSTRIA"}, json=["436641234567"])
    listed = api.get("blacklist/get", params={"size": 2, "page": 0}).json()
    assert (listed["totalElements"], listed["totalPages"]) == (3, 2)
    assert listed["content"][0] == {"id": listed["content"][0]["id"], "msisdn": "48500100200", "userId": 1001,
                                    "country": "POLAND"}
    removed = api.put("blacklist/remove", params={"country": "POLAND"}, json=["48500100200", "436641234567"])
    assert removed.json() == {"removed": 1}  # the Austrian entry is kept: wrong country
    assert sorted(e["msisdn"] for e in api.get("blacklist/get").json()["content"]) == ["436641234567", "48500100201"]


@pytest.mark.parametrize(
    ("method", "path", "params", "body"),
    [
        ("POST", "blacklist/add", {}, ["48500100200"]),
        ("POST", "blacklist/add", {"country": "NARNIA"}, ["48500100200"]),
        ("POST", "blacklist/add", {"country": "POLAND"}, ["nope"]),
        ("POST", "blacklist/add", {"country": "POLAND"}, {"msisdn": "48500100200"}),
        ("PUT", "blacklist/remove", {"country": "POLAND"}, ["nope"]),
        ("PUT", "blacklist/remove", {}, ["48500100200"]),
    ],
)
def test_blacklist_validation(api, method, path, params, body):
    assert api.request(method, path, params=params, json=body).status_code == 400
