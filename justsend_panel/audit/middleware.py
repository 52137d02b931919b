"""The request being served, for the activity log's IP column.

Services take the acting user explicitly but not the request; an entry written while a
request is served takes its IP from here. A worker or beat has no request: no IP.
"""

from contextvars import ContextVar

current_request: ContextVar = ContextVar("audit_current_request", default=None)


class AuditRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
