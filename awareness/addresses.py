"""Client addresses: who is asking, and how to write it down without the
person. An IP address is personal information (PIPL, GDPR), so logs and
counters use the address's network instead.
"""

import ipaddress

from django.conf import settings


def client_ip(request):
    """Return the client's address, trusting only our own proxies' headers.

    Each proxy appends the address it saw to X-Forwarded-For, so the entry
    added by the outermost of our PROXY_COUNT proxies is the client; what
    comes before it can be forged by anyone.
    """
    proxies = settings.PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def network(ip):
    """Return the address's network: /24 for IPv4, /64 for IPv6.

    Logs show this instead of the address (an IP address is personal
    information), and limits count per network because one IPv6 client
    holds a whole /64.
    """
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return "unknown"
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
