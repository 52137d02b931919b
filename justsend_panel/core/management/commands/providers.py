"""``manage.py providers``: one line per SMS provider (name, live/simulator/off, what it
can do); ``--check`` makes each enabled provider's cheapest authenticated call."""

from django.core.management.base import BaseCommand, CommandError

from justsend_panel.core.provider import provider_registry
from justsend_panel.core.services import provider_check
from justsend_panel.sms.base import Mode
from justsend_panel.sms.registry import backend_class


class Command(BaseCommand):
    help = (
        "List the SMS providers: name, live/simulator/off, capabilities. --check calls each"
        " enabled provider once and prints ok or the error (exit code 1 if any failed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true",
                            help="make each enabled provider's connection check")

    def handle(self, *args, check: bool, **options):
        registry = provider_registry()
        width = max(len(name) for name in registry.names())
        failed = []
        for config in registry:
            capabilities = backend_class(config.name).capabilities
            offered = ", ".join(
                [f"max_recipients_per_call={capabilities.max_recipients_per_call}",
                 *capabilities.offered()]
            )
            line = f"{config.name:<{width}}  {config.mode.value:<9}  {offered}"
            if check:
                if config.mode is Mode.OFF:
                    line += "  check: skipped (off)"
                else:
                    result = provider_check(provider=config.name)
                    if result.ok:
                        line += f"  check: ok ({result.detail})"
                    else:
                        line += f"  check: {result.error}"
                        failed.append(config.name)
            self.stdout.write(line)
        if failed:
            raise CommandError(f"Connection check failed: {', '.join(failed)}", returncode=1)
