"""Benchmark: a PERSONALIZED campaign through SMS.by's simulator, paced at a rate limit.

    .venv/bin/python -m bench.smsby_send                           # 10k and 100k, SQLite
    .venv/bin/python -m bench.smsby_send --sizes 2000 --mailing-size 100 --rate 10
    .venv/bin/python -m bench.smsby_send --database postgres://postgres@127.0.0.1:5491/postgres

SMS.by takes a campaign in ``sendBulkSms`` mailings of ``SMSBY_MAILING_SIZE`` recipients
(``--mailing-size``), one mailing per call, each a PERSONAL mailing (a text per
recipient) under the alpha name id that is the Providers page's default sender, to SMS.by's
API under /smsby/api/v1 in the sandbox. The run, the figures and the exit code are
`bench.provider_send`'s.
"""

from bench import provider_send

ALPHANAME = "4242"


def bench(mailing_size: int) -> provider_send.ProviderBench:
    return provider_send.ProviderBench(
        provider="smsby",
        recipients_per_call=mailing_size,
        environment=lambda sandbox: {
            "SMSBY_TOKEN": "", "SMSBY_API_URL": sandbox.smsby_url,
            "SMSBY_SANDBOX_TOKEN": sandbox.smsby_token,
            "SMSBY_MAILING_SIZE": str(mailing_size)},
        accepted_sql="SELECT phone FROM smsby_sms",
        campaign={"sender": ALPHANAME},
        setting={"default_sender": ALPHANAME},
    )


if __name__ == "__main__":
    parser = provider_send.parser(__doc__.split("\n")[0], rate=5.0)
    parser.add_argument("--mailing-size", type=int, default=1000,
                        help="recipients per mailing (SMSBY_MAILING_SIZE)")
    args = parser.parse_args()
    provider_send.main(bench(args.mailing_size), args)
