"""The sandbox WSGI application: routing, App-Key check, fault switches and the request log."""

from __future__ import annotations

import hmac
import json
import logging
import random
import threading
import time
from collections import deque
from datetime import datetime, timezone
from pathlib import Path

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response
from werkzeug.wsgi import ClosingIterator

from . import api_account, api_groups, api_overview, api_sending, control, justcall, smsby, smsmanager
from .accounts import Accounts
from .config import SandboxConfig
from .lifecycle import Clock, Lifecycle
from .postbacks import PostbackDispatcher
from .store import Store
from .web import ApiError

log = logging.getLogger("justsend_panel.sandbox")

LOGGED_BODY_LIMIT = 256 * 1024
FAULT_DEFAULTS = {"rate_429": 0.0, "retry_after": 1, "rate_500": 0.0, "latency_ms": 0, "timeout": False}

# (path, methods, handler): the 39 endpoints of the manual, then the control API.
API_ROUTES = [
    ("/sender/bulk/send", ["POST"], api_sending.bulk_send),
    ("/upload/bulk", ["POST"], api_sending.upload_bulk),
    ("/upload/bulk/descriptors", ["GET"], api_sending.upload_descriptors),
    ("/sender/bulk/<bulk_uuid>", ["DELETE"], api_sending.bulk_cancel),
    ("/sender/singlemessage/send", ["POST"], api_sending.single_send),
    ("/sender/singlemessage/<message_id>", ["GET"], api_sending.single_get),
    ("/group-members", ["POST"], api_groups.member_add),
    ("/group-members", ["PUT"], api_groups.members_update),
    ("/group-members", ["DELETE"], api_groups.members_remove),
    ("/group-members/batch-add", ["POST"], api_groups.members_batch_add),
    ("/group-members/export-csv", ["GET"], api_groups.members_export_csv),
    ("/group-members/<group_id>", ["GET"], api_groups.members_list),
    ("/group-members/<group_id>/search", ["GET"], api_groups.members_search),
    ("/groups", ["POST"], api_groups.group_create),
    ("/groups", ["PUT"], api_groups.group_update),
    ("/groups/batch", ["GET"], api_groups.groups_list),
    ("/groups/search", ["GET"], api_groups.groups_search),
    ("/groups/single", ["GET"], api_groups.group_get),
    ("/groups/<group_id>", ["DELETE"], api_groups.group_delete),
    ("/mail2sms/config/auth-codes", ["GET"], api_account.auth_codes_list),
    ("/mail2sms/config/auth-codes", ["POST"], api_account.auth_code_create),
    ("/mail2sms/config/auth-codes/<code_id>", ["PUT"], api_account.auth_code_update),
    ("/mail2sms/config/auth-codes/<code_id>", ["DELETE"], api_account.auth_code_delete),
    ("/mail2sms/config/whitelist", ["GET"], api_account.whitelist_list),
    ("/mail2sms/config/whitelist/<entry_id>", ["DELETE"], api_account.whitelist_delete),
    ("/payment/account/summary", ["GET"], api_account.account_summary),
    ("/payment/transaction", ["GET"], api_account.transactions_list),
    ("/pricing/config", ["GET"], api_account.pricing_config),
    ("/overview/bulks", ["GET"], api_overview.bulks_list),
    ("/overview/bulks/<bulk_uuid>", ["GET"], api_overview.bulk_get),
    ("/overview/bulks/<bulk_uuid>/invalid-recipients", ["GET"], api_overview.invalid_recipients),
    ("/overview/keyword-response", ["GET"], api_overview.keyword_responses),
    ("/overview/send-stats", ["GET"], api_overview.send_stats),
    ("/overview/send-stats/sum", ["GET"], api_overview.send_stats_sum),
    ("/overview/singlemessages", ["GET"], api_overview.single_messages),
    ("/overview/user-history", ["GET"], api_overview.user_history),
    ("/blacklist/add", ["POST"], api_account.blacklist_add),
    ("/blacklist/get", ["GET"], api_account.blacklist_list),
    ("/blacklist/remove", ["PUT"], api_account.blacklist_remove),
]
CONTROL_ROUTES = [
    ("/clock/advance", ["POST"], control.clock_advance),
    ("/faults", ["GET", "POST"], control.faults),
    ("/incoming", ["POST"], control.incoming),
    ("/balance", ["POST"], control.balance),
    ("/requests", ["GET"], control.requests_log),
    ("/reset", ["POST"], control.reset),
    ("/state", ["GET"], control.state),
    ("/whitelist", ["POST"], control.whitelist_add),
    ("/smsmanager/messages", ["GET"], control.smsmanager_messages),
    ("/smsmanager/reply", ["POST"], control.smsmanager_reply),
    ("/justcall/messages", ["GET"], control.justcall_messages),
    ("/smsby/messages", ["GET"], control.smsby_messages),
    ("/smsby/balance", ["POST"], control.smsby_balance),
]


def _url_map() -> Map:
    rules = [Rule("/api" + path, methods=methods, endpoint=handler) for path, methods, handler in API_ROUTES]
    rules += [Rule("/_sandbox" + path, methods=methods, endpoint=handler) for path, methods, handler in CONTROL_ROUTES]
    rules += [Rule(smsmanager.PREFIX + path, methods=methods, endpoint=handler) for path, methods, handler in smsmanager.ROUTES]
    rules += [Rule(justcall.PREFIX + path, methods=methods, endpoint=handler) for path, methods, handler in justcall.ROUTES]
    rules += [Rule(smsby.PREFIX + path, methods=methods, endpoint=handler) for path, methods, handler in smsby.ROUTES]
    return Map(rules, strict_slashes=False, merge_slashes=False)


class SandboxApp:
    """A stateful Justsend simulator as a WSGI callable; ``close()`` stops its threads."""

    def __init__(self, config: SandboxConfig):
        self.config = config
        self.store = Store(config.state_path)
        self.clock = Clock(self.store, config.clock)
        self.accounts = Accounts(self.store, starting_balance=config.starting_balance, starting_promo=config.starting_promo)
        self.lifecycle = Lifecycle(store=self.store, clock=self.clock, accounts=self.accounts, config=config)
        self.dispatcher = None
        if config.postback_url:
            self.dispatcher = PostbackDispatcher(
                store=self.store, clock=self.clock, base_url=config.postback_url, batch=config.postback_batch,
                timeout=config.postback_timeout, retry_base=config.postback_retry_base, retry_max=config.postback_retry_max,
            )
            self.lifecycle.on_progress = self.dispatcher.wake
        self.smsmanager = smsmanager.SmsManagerSimulator(store=self.store, clock=self.clock, config=config)
        self.lifecycle.also_step.append(self.smsmanager.step)
        self.justcall = justcall.JustCallSimulator(store=self.store, clock=self.clock, config=config)
        self.lifecycle.also_step.append(self.justcall.step)
        self.smsby = smsby.SmsBySimulator(store=self.store, clock=self.clock, config=config)
        self.lifecycle.also_step.append(self.smsby.step)
        self.url_map = _url_map()
        self.request_log: deque[dict] = deque(maxlen=config.request_log_size)
        self._request_log_lock = threading.Lock()
        self._fault_random = random.Random(config.seed)
        self._fault_lock = threading.Lock()
        self._release_hangs = threading.Event()
        self.faults = dict(FAULT_DEFAULTS, **json.loads(self.store.get_meta("faults", "{}")))
        if config.clock == "real":
            self.lifecycle.start_ticker()
            if self.dispatcher is not None:
                self.dispatcher.start()
            self.smsmanager.start()
            self.justcall.start()

    # -- the control side ---------------------------------------------------------------------

    def set_faults(self, faults: dict) -> None:
        with self.store.write() as conn:
            self.store.set_meta(conn, "faults", json.dumps(faults))
        self.faults = dict(FAULT_DEFAULTS, **faults)
        if not self.faults["timeout"]:
            self.release_hangs()
            self._release_hangs = threading.Event()

    def release_hangs(self) -> None:
        """Answer the requests held by the timeout fault now."""
        self._release_hangs.set()

    def process_due(self) -> dict:
        """Everything due now, postbacks included, before returning (deterministic tests)."""
        self.lifecycle.step()
        sent = self.dispatcher.flush() if self.dispatcher is not None else 0
        pending = self.dispatcher.pending() if self.dispatcher is not None else 0
        self.smsby.step()
        return {"postbacksSent": sent, "postbacksPending": pending, **self.smsmanager.process_due(),
                **self.justcall.process_due()}

    def reset(self) -> None:
        self.store.wipe()
        self.smsmanager.reset()
        self.justcall.reset()
        self.smsby.reset()
        with self.store.write() as conn:
            self.accounts.reset(conn)
            self.clock.reset(conn)
        self.set_faults({})
        with self._request_log_lock:
            self.request_log.clear()

    def requests_logged(self, path: str | None = None) -> list[dict]:
        with self._request_log_lock:
            entries = list(self.request_log)
        if path:
            prefix = path.rstrip("/") + "/"
            entries = [e for e in entries if e["path"] == path or e["path"].startswith(prefix)]
        return entries

    def close(self) -> None:
        self.release_hangs()
        self.lifecycle.stop()
        if self.dispatcher is not None:
            self.dispatcher.stop()
        self.smsmanager.stop()
        self.justcall.stop()
        self.store.close()

    # -- WSGI ---------------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        request = Request(environ)
        started = time.perf_counter()
        response = self._respond(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        log.info("%s %s %s %.1fms", request.method, request.path, response.status_code, elapsed_ms)
        # The request's thread ends with the response (a streamed one included): its
        # database connection goes back to the store for the next request.
        return ClosingIterator(response(environ, start_response), [self.store.release])

    def _respond(self, request: Request) -> Response:
        path = request.path
        is_smsmanager = path == smsmanager.PREFIX or path.startswith(smsmanager.PREFIX + "/")
        is_justcall = path == justcall.PREFIX or path.startswith(justcall.PREFIX + "/")
        is_smsby = path == smsby.PREFIX or path.startswith(smsby.PREFIX + "/")
        is_api = path == "/api" or path.startswith("/api/") or is_smsmanager or is_justcall or is_smsby
        if not (is_api or path.startswith("/_sandbox/")):
            return ApiError(404, "Not found").to_response(path)
        if is_smsby:  # SMS.by's simulator: its own token, where the manual puts it
            key, expected, refusal = smsby.token(request), self.config.smsby_token, "Invalid or missing token"
        elif is_smsmanager:  # SMS Manager's simulator: its own key, same faults and log
            key, expected, refusal = smsmanager.api_key(request), self.config.smsmanager_api_key, "Invalid or missing API key"
        elif is_justcall:  # JustCall's simulator: "Authorization: {api_key}:{api_secret}"
            key, expected, refusal = justcall.credentials(request), self.config.justcall_credentials, "Invalid API key or secret"
        else:
            key, expected, refusal = request.headers.get("App-Key"), self.config.app_key, "Access denied: missing or invalid App-Key"
        entry = self._log_entry(request, key, expected) if is_api else None
        try:
            if not key or not expected or not hmac.compare_digest(key.encode(), expected.encode()):
                raise ApiError(401, refusal)
            if is_api:
                self._inject_faults()
            endpoint, values = self.url_map.bind_to_environ(request.environ).match()
            response = endpoint(self, request, **values)
        except ApiError as error:
            response = error.to_response(path)
        except HTTPException as error:
            response = ApiError(error.code or 500, error.description or error.name).to_response(path)
        except Exception:
            log.exception("unhandled error on %s %s", request.method, path)
            response = ApiError(500, "Internal sandbox error").to_response(path)
        if entry is not None:
            self._finish_log_entry(entry, request, response)
        return response

    def _inject_faults(self) -> None:
        faults = self.faults
        if faults["latency_ms"]:
            time.sleep(faults["latency_ms"] / 1000)
        if faults["timeout"]:
            self._release_hangs.wait(self.config.hang_seconds)
            raise ApiError(504, "Sandbox timeout fault")
        with self._fault_lock:
            draw = self._fault_random.random()
        if draw < faults["rate_429"]:
            raise ApiError(429, "Too many requests", headers={"Retry-After": str(faults["retry_after"])})
        if draw < faults["rate_429"] + faults["rate_500"]:
            raise ApiError(500, "Sandbox server error fault")

    def _log_entry(self, request: Request, key: str | None, expected: str | None) -> dict:
        query = {k: (v[0] if len(v) == 1 else v) for k, v in request.args.lists()}
        for secret in ("apikey", "token"):  # SMS Manager's simple GET, SMS.by's query
            if secret in query:
                query[secret] = "***"
        entry = {
            "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            "method": request.method,
            "path": request.path,
            "query": query,
            "contentType": request.content_type,
            "userAgent": request.user_agent.string or None,
            "appKey": "missing" if not key else ("valid" if expected and hmac.compare_digest(key.encode(), expected.encode()) else "invalid"),
            "status": None,
        }
        with self._request_log_lock:
            self.request_log.append(entry)
        return entry

    def _finish_log_entry(self, entry: dict, request: Request, response: Response) -> None:
        entry["status"] = response.status_code
        summary = request.environ.get("sandbox.upload_summary")
        if summary is not None:
            entry["multipart"] = summary
        elif request.mimetype == "application/json" or (request.content_length or 0) > 0:
            if request.mimetype == "multipart/form-data":
                entry["multipart"] = {"parsed": False}
            elif (request.content_length or 0) > LOGGED_BODY_LIMIT:
                entry["body"] = {"omitted": True, "bytes": request.content_length}
            else:
                raw = request.get_data(cache=True)
                try:
                    entry["json"] = _without_callback(json.loads(raw)) if raw else None
                except (ValueError, UnicodeDecodeError):
                    entry["body"] = raw[:1000].decode("utf-8", "replace")
                    if self.config.smsby_token:  # SMS.by's form bodies carry its token
                        entry["body"] = entry["body"].replace(self.config.smsby_token, "***")


def _without_callback(data):
    """A request as logged: SMS Manager's callback and JustCall's webhook_url hold the panel's
    webhook secret."""
    items = data if isinstance(data, list) else [data]
    for item in items:
        for key in ("callback", "webhook_url"):
            if isinstance(item, dict) and isinstance(item.get(key), str):
                item[key] = "<callback URL>"
        if isinstance(item, dict) and "token" in item:  # SMS.by's sendBulkSms body
            item["token"] = "***"
    return data


def create_app(*, state_path: str | Path, app_key: str, postback_url: str | None = None, clock: str = "real",
               starting_balance: float | None = None, prices: dict | None = None, **options) -> SandboxApp:
    """Build the sandbox; see :class:`~.config.SandboxConfig` for ``options``."""
    config = SandboxConfig.build(
        state_path=state_path, app_key=app_key, postback_url=postback_url, clock=clock,
        starting_balance=starting_balance, prices=prices, **options,
    )
    return SandboxApp(config)
