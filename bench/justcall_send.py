"""Benchmark: a PERSONALIZED campaign through JustCall's simulator, paced at a rate limit.

    .venv/bin/python -m bench.justcall_send                        # 10k and 100k, SQLite
    .venv/bin/python -m bench.justcall_send --sizes 2000 --rate 100
    .venv/bin/python -m bench.justcall_send --database postgres://postgres@127.0.0.1:5491/postgres

JustCall takes one message per call: one call per recipient, from a From number the
simulator has (``JUSTCALL_SANDBOX_NUMBERS``' first), listed on the Providers page
(``ProviderSetting.from_numbers``), to JustCall's SMS API under /justcall/v2 in the
sandbox. The run, the figures and the exit code are `bench.provider_send`'s.
"""

from bench import provider_send

FROM = "+14155551234"  # the simulator's first SMS-enabled number

BENCH = provider_send.ProviderBench(
    provider="justcall",
    recipients_per_call=1,
    environment=lambda sandbox: {
        "JUSTCALL_API_KEY": "", "JUSTCALL_API_URL": sandbox.justcall_url,
        "JUSTCALL_SANDBOX_API_KEY": sandbox.justcall_api_key,
        "JUSTCALL_SANDBOX_API_SECRET": sandbox.justcall_api_secret},
    accepted_sql="SELECT recipient FROM jc_messages",
    campaign={"sender": FROM},
    setting={"from_numbers": [FROM]},
)


if __name__ == "__main__":
    provider_send.main(BENCH, provider_send.parser(__doc__.split("\n")[0], rate=100.0).parse_args())
