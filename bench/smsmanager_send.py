"""Benchmark: a PERSONALIZED campaign through SMS Manager's simulator, paced at a rate limit.

    .venv/bin/python -m bench.smsmanager_send                      # 10k and 100k, SQLite
    .venv/bin/python -m bench.smsmanager_send --sizes 2000 --rate 50
    .venv/bin/python -m bench.smsmanager_send --database postgres://postgres@127.0.0.1:5531/postgres

One text per recipient, so 10 recipients per request and per call, to SMS Manager's API
under /smsmanager/v2 in the sandbox. The run, the figures and the exit code are
`bench.provider_send`'s.
"""

from bench import provider_send

BENCH = provider_send.ProviderBench(
    provider="smsmanager",
    recipients_per_call=10,
    environment=lambda sandbox: {
        "SMSMANAGER_API_KEY": "", "SMSMANAGER_API_URL": sandbox.smsmanager_url,
        "SMSMANAGER_SANDBOX_API_KEY": sandbox.smsmanager_api_key},
    accepted_sql="SELECT phone_number FROM smsm_messages",
)


if __name__ == "__main__":
    provider_send.main(BENCH, provider_send.parser(__doc__.split("\n")[0], rate=50.0).parse_args())
