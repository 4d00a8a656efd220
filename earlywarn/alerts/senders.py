"""Sending one outbox payload to one channel: apprise, e-mail and CloudEvents.

Every message carries the payload's ``delivery_id`` (stable per alert, escalation and
channel) so a receiver can drop the duplicate a retry after a crash may produce:

- CloudEvents: the event ``id`` (and the ``X-Earlywarn-Delivery-Id`` header);
- apprise webhooks (``json://``, ``xml://``, ``form://``): the ``X-Earlywarn-Delivery-Id`` header;
- e-mail (``mailto://``, ``mailtos://``): ``Message-ID: <delivery_id@earlywarn>`` and the
  ``X-Earlywarn-Delivery-Id`` header. Apprise's own e-mail sender sets a random
  Message-ID, so e-mail URLs are parsed by apprise (same URL syntax, provider defaults)
  but the message is built with :mod:`email` and sent with :mod:`smtplib`.

Chat services (Slack, Teams ...) have no idempotency key; their messages end with the
delivery id so a human can tell a repeat.

Bounds: a CloudEvents receiver gets ``http.total_timeout`` for the whole exchange
(enforced on every socket operation, so a receiver dripping its answer is cut off); its
verdict is the status line, so the body of a 2xx answer is not read at all, and at most
:data:`MAX_RESPONSE_BYTES` of a refusal's are. apprise's HTTP senders (``requests``) read
at most :data:`MAX_RESPONSE_BYTES` of any answer too (:func:`_bounded_answers`), whatever
its Content-Length says: some parse a 2xx answer (Slack's, Telegram's), so it is cut, not
skipped. No connection is reused (a client per send, closed after it), so bytes past a
declared length cannot be read as another answer: the size is all that is checked.
SMTP does its own I/O; :func:`send_bounded` runs any sender in a child process that is
killed at the deadline and has a memory cap, so one bad receiver can neither stall nor
exhaust the process delivering the others.
"""

from __future__ import annotations

import contextlib
import json
import logging
import multiprocessing
import os
import smtplib
import ssl
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Any
from urllib.parse import urlsplit

import httpx

from earlywarn._log import get_logger
from earlywarn.alerts.channels import Channel
from earlywarn.collect._deadline import deadline, transport
from earlywarn.config import HttpSettings
from earlywarn.errors import EarlywarnError

__all__ = [
    "CLOUDEVENT_TYPE",
    "DELIVERY_HEADER",
    "MAX_RESPONSE_BYTES",
    "DeliveryError",
    "DeliveryTLSError",
    "DeliveryTimeoutError",
    "cloudevent",
    "render_message",
    "send",
    "send_bounded",
]

log = get_logger(__name__)

#: The CloudEvents ``type`` of an alert delivery.
CLOUDEVENT_TYPE = "org.earlywarn.alert.v1"
#: The header carrying the delivery id on webhooks and e-mails.
DELIVERY_HEADER = "X-Earlywarn-Delivery-Id"


#: Most bytes of a receiver's answer that are read (the rest is never downloaded).
MAX_RESPONSE_BYTES = 65_536
#: Memory a delivery's child process may add to what it starts with.
_CHILD_MEMORY = 512 * 1024 * 1024


class DeliveryError(EarlywarnError):
    """A message could not be delivered to a channel; the outbox will retry it."""


class DeliveryTimeoutError(DeliveryError):
    """The receiver did not finish within the delivery's deadline."""


class DeliveryTLSError(DeliveryError):
    """The TLS handshake failed for good: the receiver spoke no TLS (an ``https://`` address
    served by plain HTTP), refused every protocol or cipher offered, or its certificate was
    refused. A retry cannot help until the channel's URL or the receiver is fixed, so the
    outbox does not retry it (``earlywarn deliver --retry-failed`` after the fix)."""


#: OpenSSL reasons of a peer that answered the ClientHello with something other than TLS
#: (a plain-HTTP server answers ``HTTP/1.1 400``, read as a TLS record of a wrong version)
_NOT_TLS = frozenset(
    {
        "WRONG_VERSION_NUMBER",
        "RECORD_LAYER_FAILURE",
        "PACKET_LENGTH_TOO_LONG",
        "HTTP_REQUEST",
        "UNKNOWN_PROTOCOL",
        "WRONG_SSL_VERSION",
    }
)
#: reasons of a handshake that fails the same way every time (versions, ciphers)
_NO_AGREEMENT = ("PROTOCOL_VERSION", "UNSUPPORTED_PROTOCOL", "NO_PROTOCOLS_AVAILABLE",
                 "HANDSHAKE_FAILURE", "NO_SHARED_CIPHER", "NO_CIPHERS_AVAILABLE")  # fmt: skip
_FIX = "fix the channel's URL or the receiver, then run 'earlywarn deliver --retry-failed'"


def _ssl_cause(exc: BaseException) -> ssl.SSLError | None:
    """The :class:`ssl.SSLError` inside ``exc`` (its causes, contexts, urllib3's ``reason``
    and exception arguments: requests wraps it three deep), else None."""
    todo: list[BaseException] = [exc]
    seen: set[int] = set()
    while todo:
        e = todo.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, ssl.SSLError):
            return e
        more = [e.__cause__, e.__context__, getattr(e, "reason", None), *e.args]
        todo += [m for m in more if isinstance(m, BaseException)]
    return None


def _address(url: str) -> str:
    """``scheme://host:port`` of ``url``: no user, password, path or query (webhook paths
    and queries hold tokens, and the address is what the operator checks).

    Examples
    --------
    >>> _address("https://u:pw@hooks.example.org/services/T0/B0/secret?x=1")
    'https://hooks.example.org:443'
    """
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    scheme = parts.scheme or "https"
    port = port or {"https": 443, "http": 80}.get(scheme)
    host = parts.hostname or "?"
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}" + (f":{port}" if port else "")


_PLAIN_HTTP = (
    "if it serves plain HTTP the URL should start http://, for apprise json:// rather than jsons://"
)
_PLAIN_SMTP = (
    "if it serves plain SMTP the URL should start mailto:// rather than mailtos://, or "
    "take mode=starttls if it offers STARTTLS"
)


def _tls_failure(
    exc: BaseException, address: str, plain: str = _PLAIN_HTTP
) -> DeliveryTLSError | None:
    """A :class:`DeliveryTLSError` saying why the TLS handshake with ``address`` failed for
    good, if that is what ``exc`` holds; None for any other error, and for a handshake cut
    off midway (a reset or an early close may pass: those stay retried).

    Examples
    --------
    >>> err = ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number")
    >>> err.reason = "WRONG_VERSION_NUMBER"
    >>> print(_tls_failure(err, "https://127.0.0.1:8080"))  # doctest: +ELLIPSIS
    https://127.0.0.1:8080: the server did not speak TLS (it answered in plain text: if it serves plain HTTP the URL should start http://...
    """
    cause = _ssl_cause(exc)
    if cause is None:
        return None
    reason = str(getattr(cause, "reason", None) or "")
    if isinstance(cause, ssl.SSLCertVerificationError):
        why = cause.verify_message or reason or str(cause)
        return DeliveryTLSError(
            f"{address}: the server's TLS certificate was refused ({why}); not retried: renew "
            f"or correct the certificate (or the host name in the URL), then run "
            f"'earlywarn deliver --retry-failed'"
        )
    if reason in _NOT_TLS:
        return DeliveryTLSError(
            f"{address}: the server did not speak TLS (it answered in plain text: {plain}, "
            f"or the port is another service's) [{reason}]; not retried: {_FIX}"
        )
    if any(r in reason for r in _NO_AGREEMENT):
        return DeliveryTLSError(
            f"{address}: the TLS handshake failed: the server and earlywarn share no TLS "
            f"version or cipher [{reason}]; not retried: {_FIX}"
        )
    return None


def _fmt_day(value: Any) -> str:
    return str(value or "")[:10]


def render_message(payload: Mapping[str, Any]) -> tuple[str, str]:
    """Subject and plain-text body of an alert message (or of a brief, ``kind`` 'brief').

    Examples
    --------
    >>> p = {"delivery_id": "d1", "kind": "new", "alert": {"alert_id": "a1",
    ...      "title": "Protest surge in Vietnam", "severity": "high", "score": 7.25,
    ...      "rule": "protest-surge", "unique_id": "ev:VNM:r14", "ds": "2024-03-05",
    ...      "articles": [{"title": "Biểu tình", "url": "https://e.vn/a", "outlet": "e.vn"}]}}
    >>> subject, body = render_message(p)
    >>> subject
    '[earlywarn HIGH] Protest surge in Vietnam'
    >>> "https://e.vn/a" in body and "d1" in body
    True
    """
    from earlywarn.i18n import LOCALES, translations

    locale = str(payload.get("locale")) if payload.get("locale") in LOCALES else LOCALES[0]
    tr = translations(locale)
    _ = tr.gettext
    # the labels outside the f-strings below, where pybabel extract finds them
    delivery_l, alert_l = _("Delivery id"), _("Alert id")
    if payload.get("kind") == "brief":
        from earlywarn.brief.render import render_text

        brief = payload["brief"]
        brief_title = _("Morning brief")
        subject = f"[earlywarn brief] {brief.get('as_of', '')}: {brief_title}"
        body = render_text(brief, locale=locale)
        return subject, body + f"\n{delivery_l}: {payload.get('delivery_id', '')}\n"
    severity_l, rule_l, score_l, series_l = _("Severity"), _("Rule"), _("Score"), _("Series")
    period_l, as_of_l, observed_l = _("Period"), _("as of"), _("Observed")
    episode_l, periods_l = _("Episode"), _("anomalous periods")
    a = payload.get("alert", {})
    sev = str(a.get("severity", "")).upper()
    escalated = payload.get("kind") == "escalation"
    # the subject's tag stays a fixed code (mail filters sort on it); the body is in the locale
    subject = f"[earlywarn {sev}{' ESCALATED' if escalated else ''}] {a.get('title', '')}"
    lines = [str(a.get("title", "")), ""]
    sev_line = f"{severity_l}: {sev}"
    if escalated and a.get("previous_severity"):
        sev_line += " (" + _("escalated from %(severity)s") % {"severity": a["previous_severity"]}
        sev_line += ")"
    score = a.get("score")
    rule = f"{rule_l}: {a.get('rule', '')}"
    lines.append(
        f"{sev_line}   {score_l}: {score:.2f}   {rule}"
        if isinstance(score, (int, float))
        else f"{sev_line}   {rule}"
    )
    label = a.get("label") or a.get("unique_id", "")
    lines.append(f"{series_l}: {label} ({a.get('unique_id', '')})")
    lines.append(f"{period_l}: {_fmt_day(a.get('ds'))}   {as_of_l} {_fmt_day(a.get('as_of'))}")
    an = a.get("anomaly") or {}
    if an.get("y") is not None:
        exp = an.get("expected")
        lines.append(
            f"{observed_l} {an['y']:g}"
            + (
                " " + _("vs expected %(value)s") % {"value": f"{exp:.3g}"}
                if exp is not None
                else ""
            )
        )
    ep = a.get("episode") or {}
    if ep:
        periods = ep.get("periods")
        count = (
            tr.ngettext("%(num)d anomalous period", "%(num)d anomalous periods", int(periods))
            % {"num": int(periods)}
            if isinstance(periods, (int, float))
            else f"? {periods_l}"
        )
        lines.append(
            f"{episode_l}: {_fmt_day(ep.get('start'))} .. {_fmt_day(ep.get('end'))}, {count}"
        )
    if a.get("description"):
        lines += ["", str(a["description"])]
    arts = a.get("articles") or []
    if arts:
        lines += ["", _("Evidence articles:")]
        for art in arts:
            meta = ", ".join(str(x) for x in (art.get("outlet"), art.get("published")) if x)
            title = art.get("title") or _("(untitled)")
            lines.append(f" - {title}" + (f" ({meta})" if meta else ""))
            if art.get("url"):
                lines.append(f"   {art['url']}")
    evs = a.get("events") or []
    if evs:
        lines += ["", _("Evidence events:")]
        for e in evs:
            who = f"{e.get('source_name') or '?'} -> {e.get('target_name') or '?'}"
            lines.append(
                f" - {_fmt_day(e.get('date'))} {who} (CAMEO {e.get('cameo_code') or '?'}): "
                f"{e.get('sentence') or ''}".rstrip()
            )
            if e.get("url"):
                lines.append(f"   {e['url']}")
    lines += [
        "",
        f"{alert_l}: {a.get('alert_id', '')}   {delivery_l}: {payload.get('delivery_id', '')}",
    ]
    return subject, "\n".join(lines) + "\n"


def cloudevent(payload: Mapping[str, Any], channel: Channel) -> dict[str, Any]:
    """The CloudEvents 1.0 structured-mode event for a payload.

    ``id`` is the delivery id (stable per alert, escalation and channel), ``subject``
    the series id, ``data`` the alert with its evidence summary; ``severity`` is an
    extension attribute for routing.

    Examples
    --------
    >>> ch = Channel("bus", "cloudevents", "https://bus.example.org/e")
    >>> p = {"delivery_id": "d1", "time": "2024-03-05T06:00:00+00:00",
    ...      "alert": {"alert_id": "a1", "unique_id": "ev:VNM:r14", "severity": "high"}}
    >>> ev = cloudevent(p, ch)
    >>> ev["specversion"], ev["id"], ev["type"], ev["subject"], ev["data"]["alert_id"]
    ('1.0', 'd1', 'org.earlywarn.alert.v1', 'ev:VNM:r14', 'a1')
    """
    alert = dict(payload.get("alert", {}))
    data = {
        **alert,
        "delivery_id": payload.get("delivery_id"),
        "delivery_key": payload.get("key"),
        "delivery_kind": payload.get("kind"),
    }
    return {
        "specversion": "1.0",
        "id": str(payload["delivery_id"]),
        "source": channel.source,
        "type": CLOUDEVENT_TYPE,
        "time": payload.get("time") or datetime.now(timezone.utc).isoformat(),
        "subject": str(alert.get("unique_id", "")),
        "datacontenttype": "application/json",
        "severity": str(alert.get("severity", "")),
        "data": data,
    }


def _send_cloudevent(channel: Channel, payload: Mapping[str, Any], http: HttpSettings) -> None:
    body = json.dumps(cloudevent(payload, channel), ensure_ascii=False).encode("utf-8")
    headers = {
        "Content-Type": "application/cloudevents+json; charset=utf-8",
        "User-Agent": http.user_agent,
        DELIVERY_HEADER: str(payload["delivery_id"]),
        **dict(channel.headers),
    }
    timeout = httpx.Timeout(
        http.read_timeout, connect=http.connect_timeout, pool=http.connect_timeout
    )
    answer = b""
    try:
        with (
            deadline(http.total_timeout),
            httpx.Client(transport=transport(), timeout=timeout, follow_redirects=False) as client,
            client.stream("POST", channel.url, content=body, headers=headers) as resp,
        ):
            # a 2xx status is the receiver's verdict: its body (dripped, endless) is not
            # read, the connection is closed; a refusal's first bytes say why
            if not 200 <= resp.status_code < 300:
                with contextlib.suppress(httpx.HTTPError):  # the status is known already
                    answer = _capped(resp.iter_raw(), MAX_RESPONSE_BYTES)
    except httpx.TimeoutException as exc:
        raise DeliveryTimeoutError(
            f"{type(exc).__name__}: no complete answer within {http.total_timeout:g}s"
        ) from exc
    except httpx.HTTPError as exc:
        raise _tls_failure(exc, _address(channel.url)) or DeliveryError(
            f"{type(exc).__name__}: {exc}"
        ) from exc
    if not 200 <= resp.status_code < 300:
        text = answer[:200].decode("utf-8", "replace").strip()
        raise DeliveryError(f"HTTP {resp.status_code}: {text}")


def _capped(chunks: Iterator[bytes], cap: int) -> bytes:
    """At most ``cap`` bytes of an answer's body; the rest is never read.

    >>> _capped(iter([b"ab", b"cd", b"ef"]), 3)
    b'abc'
    """
    out = bytearray()
    for chunk in chunks:
        out += chunk
        if len(out) >= cap:
            break
    return bytes(out[:cap])


@contextlib.contextmanager
def _bounded_answers() -> Iterator[None]:
    """Have ``requests`` (apprise's HTTP client) read at most :data:`MAX_RESPONSE_BYTES` of
    an answer: it reads whole answers into memory, so a receiver answering with an endless
    body held a delivery until its child process was killed at the deadline (a 200 the
    receiver had given reported as a timeout, and the alert sent again at each retry)."""
    import requests.adapters

    cls = requests.adapters.HTTPAdapter
    original = cls.send

    def send(self: Any, request: Any, stream: bool = False, **kwargs: Any) -> Any:
        resp = original(self, request, stream=True, **kwargs)
        if stream:  # the caller reads the body itself
            return resp
        try:  # iter_content raises requests' own errors (apprise catches those)
            content = _capped(resp.iter_content(8192), MAX_RESPONSE_BYTES)
        finally:
            resp.close()  # the rest is never read; the connection is not reused
        resp._content, resp._content_consumed = content, True
        return resp

    cls.send = send  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        cls.send = original  # type: ignore[method-assign]


def _is_email(obj: Any) -> bool:
    from apprise.plugins.email import NotifyEmail

    return isinstance(obj, NotifyEmail)


def _send_email(obj: Any, payload: Mapping[str, Any], http: HttpSettings) -> None:
    subject, body = render_message(payload)
    delivery_id = str(payload["delivery_id"])
    msg = EmailMessage()
    for name, value in dict(obj.headers).items():
        msg[name] = value
    name, addr = obj.from_addr
    msg["From"] = formataddr((name or "earlywarn", addr))
    to = [a for _, a in obj.targets]
    msg["To"] = ", ".join(formataddr((n or "", a)) for n, a in obj.targets)
    if obj.cc:
        msg["Cc"] = ", ".join(sorted(obj.cc))
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime.now(timezone.utc))
    msg["Message-ID"] = f"<{delivery_id}@earlywarn>"
    msg[DELIVERY_HEADER] = delivery_id
    msg["X-Earlywarn-Alert-Id"] = str(
        payload.get("alert", {}).get("alert_id", "") or payload.get("key", "")
    )
    msg.set_content(body)
    if payload.get("kind") == "brief":  # the printable page as the HTML alternative
        from earlywarn.brief.render import render_html
        from earlywarn.i18n import LOCALES

        locale = str(payload.get("locale")) if payload.get("locale") in LOCALES else LOCALES[0]
        msg.add_alternative(render_html(payload["brief"], locale=locale), subtype="html")
    recipients = to + sorted(obj.cc) + sorted(obj.bcc)
    if not recipients:
        raise DeliveryError("the e-mail URL names no recipient; add ?to=address")
    context = ssl.create_default_context()
    if not obj.verify_certificate:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    mode = str(obj.secure_mode)
    timeout = http.connect_timeout + http.read_timeout
    try:
        smtp: smtplib.SMTP
        if mode == "ssl":
            smtp = smtplib.SMTP_SSL(obj.smtp_host, obj.port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(obj.smtp_host, obj.port, timeout=timeout)
        with smtp:
            if mode == "starttls":
                smtp.starttls(context=context)
            if obj.user and obj.password:
                smtp.login(obj.user, obj.password)
            refused = smtp.send_message(msg, from_addr=addr, to_addrs=recipients)
    except (OSError, smtplib.SMTPException) as exc:
        address = f"{'smtps' if mode == 'ssl' else 'smtp'}://{obj.smtp_host}:{obj.port}"
        if isinstance(exc, smtplib.SMTPNotSupportedError) and "STARTTLS" in str(exc):
            raise DeliveryTLSError(  # the same answer every time: retrying cannot help
                f"{address}: the server offers no STARTTLS ({exc}); the message is not sent "
                "in clear text; not retried: use the server's TLS port (mode=ssl), or "
                "mailto:// if plain SMTP is meant, then run 'earlywarn deliver --retry-failed'"
            ) from exc
        raise _tls_failure(exc, address, _PLAIN_SMTP) or DeliveryError(
            f"SMTP {obj.smtp_host}:{obj.port}: {type(exc).__name__}: {exc}"
        ) from exc
    if refused:  # accepted for some recipients: a retry would repeat it for the others
        log.warning("SMTP refused some recipients of %s: %s", delivery_id, sorted(refused))


def _send_apprise(channel: Channel, payload: Mapping[str, Any], http: HttpSettings) -> None:
    import apprise

    obj = apprise.Apprise.instantiate(channel.url, suppress_exceptions=True)
    if obj is None:
        raise DeliveryError("the apprise URL of this channel is not valid")
    if _is_email(obj):
        _send_email(obj, payload, http)
        return
    headers = getattr(obj, "headers", None)
    if isinstance(headers, dict):  # json://, xml://, form:// ... send these as HTTP headers
        headers[DELIVERY_HEADER] = str(payload["delivery_id"])
    obj.socket_connect_timeout = http.connect_timeout
    obj.socket_read_timeout = http.read_timeout
    subject, body = render_message(payload)
    sev = str(payload.get("alert", {}).get("severity", ""))
    kind = {"low": "info", "medium": "warning", "": "info"}.get(sev, "failure")
    with (
        _no_redirects() as redirected,
        _bounded_answers(),
        _tls_errors() as tls,
        apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as captured,
    ):
        ok = obj.notify(body=body, title=subject, notify_type=kind)
        detail = "; ".join(line for line in captured.getvalue().splitlines() if line.strip())
    if not ok:
        for url, exc in tls:  # apprise logs only 'A Connection error occurred'
            failure = _tls_failure(exc, _address(url))
            if failure is not None:
                raise failure
            cause = _ssl_cause(exc)
            detail = f"{_address(url)}: TLS: {cause or exc}; {detail}"
        if redirected:  # like CloudEvents: the alert goes to the URL configured, no other
            detail = (
                f"the receiver redirected to {redirected[-1][:200]}, which is not followed "
                f"(give the receiver's final URL); {detail}"
            )
        raise DeliveryError((detail or "apprise reported a failure")[:1000])


@contextlib.contextmanager
def _no_redirects() -> Iterator[list[str]]:
    """Have ``requests`` (apprise's HTTP client) follow no redirect, as CloudEvents sends do:
    a receiver answering 3xx would otherwise send the alert (a 307 keeps the POST) to any
    address it names, a private or cloud-metadata one included. Yields the Locations met."""
    import requests.sessions

    seen: list[str] = []
    cls = requests.sessions.Session
    original = cls.get_redirect_target

    def refuse(self: Any, resp: Any) -> None:
        target = original(self, resp)
        if target:
            seen.append(str(target))
        return None

    cls.get_redirect_target = refuse  # type: ignore[method-assign,assignment]
    try:
        yield seen
    finally:
        cls.get_redirect_target = original  # type: ignore[method-assign]


@contextlib.contextmanager
def _tls_errors() -> Iterator[list[tuple[str, BaseException]]]:
    """Record the TLS errors of ``requests`` (apprise's HTTP client) with the URL they met:
    apprise catches them and logs only 'A Connection error occurred', the cause (a server
    speaking no TLS, a refused certificate) at debug level. Yields ``(url, error)`` pairs."""
    import requests.adapters
    import requests.exceptions

    seen: list[tuple[str, BaseException]] = []
    cls = requests.adapters.HTTPAdapter
    original = cls.send

    def send(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return original(self, request, *args, **kwargs)
        except requests.exceptions.SSLError as exc:
            seen.append((str(request.url), exc))
            raise

    cls.send = send  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        cls.send = original  # type: ignore[method-assign]


def send(channel: Channel, payload: Mapping[str, Any], http: HttpSettings | None = None) -> None:
    """Send one outbox payload to ``channel``; returns when the receiver accepted it.

    Raises
    ------
    DeliveryError
        When the receiver is unreachable, times out or refuses (non-2xx, SMTP error);
        the message says why and the outbox retries later, except after a
        :class:`DeliveryTLSError` (the handshake fails the same way every time).
    """
    settings = http or HttpSettings.model_validate({})
    if channel.kind == "cloudevents":
        _send_cloudevent(channel, payload, settings)
    else:
        _send_apprise(channel, payload, settings)


def _child(conn: Any, channel: Channel, payload: Mapping[str, Any], http: HttpSettings) -> None:
    """Body of a delivery's child process: cap memory, send, report the outcome."""
    try:
        import resource

        with open("/proc/self/statm") as fh:  # Linux: cap what the child may add
            size = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (size + _CHILD_MEMORY, size + _CHILD_MEMORY))
    except (ImportError, OSError, ValueError):
        pass
    try:
        send(channel, payload, http)
        conn.send(("ok", ""))
    except MemoryError:
        conn.send(("error", "the receiver's answer did not fit in memory"))
    except DeliveryTimeoutError as exc:
        conn.send(("timeout", str(exc)))
    except DeliveryTLSError as exc:
        conn.send(("tls", str(exc)))
    except Exception as exc:
        conn.send(("error", str(exc) if isinstance(exc, DeliveryError) else repr(exc)))
    finally:
        conn.close()


def send_bounded(
    channel: Channel, payload: Mapping[str, Any], http: HttpSettings | None = None
) -> None:
    """:func:`send` in a child process, killed if it has not finished by the deadline.

    The deadline is ``http.total_timeout`` (plus a second to start the child); the child
    also has a memory cap, so a receiver streaming an endless answer cannot exhaust it.

    Raises
    ------
    DeliveryTimeoutError
        When the child had to be killed at the deadline.
    DeliveryTLSError
        When the TLS handshake failed for good (no TLS, no agreement, a refused certificate).
    DeliveryError
        For every other failure (the message says why).
    """
    settings = http or HttpSettings.model_validate({})
    methods = multiprocessing.get_all_start_methods()
    # fork: the child starts at once with everything imported; it only sends and exits
    ctx: Any = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(sender, channel, payload, settings), daemon=True)
    child.start()
    sender.close()
    try:
        if receiver.poll(settings.total_timeout + 1.0):
            kind, message = receiver.recv()
        else:
            kind = "timeout"
            message = f"the receiver did not finish within {settings.total_timeout:g}s"
    except EOFError:
        kind, message = "error", "the delivery process died (out of memory?)"
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        receiver.close()
    if kind == "timeout":
        raise DeliveryTimeoutError(message)
    if kind == "tls":
        raise DeliveryTLSError(message)
    if kind != "ok":
        raise DeliveryError(message)
