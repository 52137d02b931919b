"""Named queues: sending and postbacks never share a worker with imports and sync."""

import pytest

from justsend_panel.celery import app
from justsend_panel.core.management.commands.runpanel import panel_processes

ROUTES = {
    "campaigns.submit": "sending",
    "campaigns.cancel": "sending",
    "campaigns.submit_due": "sending",
    "campaigns.poll_in_flight": "sending",
    "campaigns.poll_provider_calls": "sending",
    "campaigns.read_finished": "sending",
    "campaigns.single_messages_poll": "sending",
    "deliveries.apply_postbacks": "postbacks",
    "contacts.import_run": "imports",
    "contacts.imports_resume": "imports",
    "contacts.sync_push": "sync",
    "contacts.justsend_pull": "sync",
    "contacts.pull_resume": "sync",
    "core.heartbeat_record": "default",
    "billing.account_snapshot_record": "default",
}


@pytest.mark.parametrize(("name", "queue"), ROUTES.items())
def test_each_task_is_routed_to_its_queue(name, queue):
    app.loader.import_default_modules()
    route = app.amqp.router.route({}, name)
    assert route["queue"].name == queue
    # Its message reaches that queue only: its own exchange and routing key.
    assert (route["queue"].exchange.name, route["queue"].routing_key) == (queue, queue)


def test_no_two_queues_share_a_binding():
    """Queues bound with one key would each get a copy of every task sent to it."""
    bindings = [(q.exchange.name, q.routing_key) for q in app.amqp.queues.values()]
    assert len(set(bindings)) == len(bindings)


def test_every_registered_task_has_a_route_checked_here():
    app.loader.import_default_modules()
    ours = {name for name in app.tasks if not name.startswith("celery.")}
    assert ours <= set(ROUTES)


def _worker_queues(python="python"):
    workers = {}
    for name, command, _env in panel_processes(host="127.0.0.1", port=8000, python=python):
        if " worker " in command:
            words = command.split()
            workers[name] = set(words[words.index("-Q") + 1].split(","))
            assert f"{name}@%h" in words  # a distinct node name per worker
    return workers


def test_runpanel_runs_sending_apart_from_bulk_work():
    workers = _worker_queues()
    assert workers == {
        "worker-fast": {"sending", "postbacks", "default"},
        "worker-bulk": {"imports", "sync"},
    }
    # Every queue a task is routed to is consumed by some worker.
    assert set(ROUTES.values()) <= set().union(*workers.values())


def test_a_worker_without_q_consumes_every_queue():
    """The integration tests' worker starts without -Q: it must still take every task."""
    assert set(app.amqp.queues) >= set(ROUTES.values())
