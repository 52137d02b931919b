"""The client's address as the panel sees it: django-axes counts failed logins by it.

Behind reverse proxies the connecting address (REMOTE_ADDR) is the nearest proxy's; each
proxy appends the address it received the request from to a header such as
X-Forwarded-For. Only the last CLIENT_IP_PROXY_COUNT entries were written by proxies we
trust; anything left of them may be forged by the client, so the client's address is the
CLIENT_IP_PROXY_COUNT-th from the right. (django-ipware, which axes can use instead, counts
proxies differently, drops the header altogether when a client prepends a forged entry in
its strict mode, and prefers any public address among its default headers.)
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip_get(request: HttpRequest) -> str | None:
    remote_addr = request.META.get("REMOTE_ADDR")
    header = settings.CLIENT_IP_HEADER
    if not header:
        return remote_addr
    hops = [hop.strip() for hop in request.META.get(header, "").split(",") if hop.strip()]
    count = max(settings.CLIENT_IP_PROXY_COUNT, 1)
    if len(hops) < count:
        # Not through the configured proxies (a direct request, a health check).
        return remote_addr
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr
