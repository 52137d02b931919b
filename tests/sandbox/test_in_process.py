import httpx

from justsend_panel.sandbox import create_app


def test_the_wsgi_app_works_in_process_without_a_server(tmp_path):
    app = create_app(state_path=tmp_path / "state.sqlite3", app_key="k", clock="manual", starting_balance=50)
    try:
        with httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://sandbox/api/",
                          headers={"App-Key": "k"}) as api:
            created = api.post("sender/bulk/send", json={
                "name": "in-process", "bulkType": "STANDARD", "bulkVariant": "ECO", "message": "Hi",
                "sendDate": "2025-10-17T10:00:00+02:00", "recipients": [{"msisdn": "48500100200"}]})
            assert created.status_code == 201
            assert api.get("payment/account/summary").json()["accountBalance"] == 43
            assert api.get("pricing/config", headers={"App-Key": "nope"}).status_code == 401
        app.clock.advance(10)
        app.process_due()
        with httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://sandbox/api/",
                          headers={"App-Key": "k"}) as api:
            assert api.get(f"overview/bulks/{created.json()['id']}").json()["bulkStatus"] == "FINISHED"
    finally:
        app.close()
