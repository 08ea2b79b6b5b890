"""The HTTP server: threads, TLS per connection, bounded bodies, and faults applied on the wire."""

from __future__ import annotations

import contextlib
import socket
import ssl
import struct
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from generator.log import INFO, get_log
from generator.simulator.exchange import Exchange
from generator.simulator.faults import CONNECTION, FaultPlan
from generator.simulator.messages import Request, Response, html_response, json_response
from generator.simulator.tls import TlsProvider

logger = get_log(__name__)

MAX_BODY_BYTES = 64 * 1024
DRAIN_LIMIT = 1024 * 1024
IDLE_TIMEOUT = 30.0
HANDSHAKE_TIMEOUT = 10.0
# A hung request gives up on its own after this long, so a forgotten client cannot pin a thread.
HANG_LIMIT = 600.0
STATUS_FAULTS = (("http-500", 500), ("http-503", 503), ("http-429", 429))


@dataclass(frozen=True)
class WireSettings:
    """How the faults that touch the wire behave: delays, Retry-After and the oversized body."""

    latency: float = 1.5
    retry_after: int = 1
    oversized_bytes: int = 16 * 1024 * 1024


class SimulatorHTTPServer(ThreadingHTTPServer):
    """A threading server that can take a burst of hundreds of clients and stop promptly."""

    daemon_threads = True
    block_on_close = False
    request_queue_size = 1024
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        faults: FaultPlan,
        wire: WireSettings,
        tls: TlsProvider | None,
    ) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, ExchangeHandler)
        self.faults = faults
        self.wire = wire
        self.tls = tls
        self.exchange: Exchange | None = None
        self.http_origin = ""
        self.stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def finish_request(self, request: Any, client_address: Any) -> None:
        connection: socket.socket = request
        if self.tls is not None:
            wrapped = self._handshake(request)
            if wrapped is None:
                return
            connection = wrapped
        with self._connections_lock:
            self._connections.add(connection)
        try:
            ExchangeHandler(connection, client_address, self)
        finally:
            with self._connections_lock:
                self._connections.discard(connection)
            if connection is not request:
                connection.close()

    def _handshake(self, raw: socket.socket) -> ssl.SSLSocket | None:
        assert self.tls is not None
        context = self.tls.context_for(self.faults.draw(CONNECTION))
        raw.settimeout(HANDSHAKE_TIMEOUT)
        try:
            wrapped = context.wrap_socket(raw, server_side=True, do_handshake_on_connect=False)
            wrapped.do_handshake()
        except (OSError, ssl.SSLError) as error:
            logger.info("TLS handshake failed: %s", error)
            raw.close()
            return None
        return wrapped

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that vanish mid-answer are normal here (faults provoke it): keep them off stderr.
        logger.debug("connection from %s ended with an error", client_address, exc_info=True)

    def close_connections(self) -> None:
        """End every open connection, so that keep-alive and hung clients do not outlive a stop."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            # The plain socket's shutdown: an SSLSocket's own would tear down state still in use.
            with contextlib.suppress(OSError):
                socket.socket.shutdown(connection, socket.SHUT_RDWR)


class ExchangeHandler(BaseHTTPRequestHandler):
    """Reads one request, lets the fault plan have its say, and writes the exchange's answer."""

    protocol_version = "HTTP/1.1"
    server_version = "psplugin-simulator"
    sys_version = ""
    timeout = IDLE_TIMEOUT
    # Headers and body go out in two writes; with Nagle on, the second waits for a delayed ACK.
    disable_nagle_algorithm = True
    server: SimulatorHTTPServer

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        # Formatting every request line costs more than the rest of a cheap answer.
        if logger.enabled(INFO):
            logger.info("%s %s", self.address_string(), format % args)

    def _serve(self) -> None:
        request = self._read_request()
        if isinstance(request, Response):
            self._send(request)
            return
        exchange = self.server.exchange
        assert exchange is not None
        fired = self.server.faults.draw(exchange.kind(request))

        if "reset" in fired:
            self._reset()
            return
        if "hang" in fired:
            self._hang()
            return
        if "latency" in fired and self.server.stopping.wait(self.server.wire.latency):
            self.close_connection = True
            return

        response = self._injected(request, fired)
        if response is None:
            response = exchange.handle(request, expired_token="expired-token" in fired)
        if "oversized" in fired:
            self._send_oversized()
            return
        if "malformed-json" in fired:
            response.body = response.body[: max(1, len(response.body) // 2)]
            response.content_type = "application/json; charset=utf-8"
        self._send(response)

    def _injected(self, request: Request, fired: frozenset[str]) -> Response | None:
        """The answer a fault puts in place of the real one, if any."""
        exchange = self.server.exchange
        assert exchange is not None
        if "redirect-http" in fired:
            response = json_response(301, {"message": "Moved Permanently"})
            response.headers["Location"] = f"{self.server.http_origin}{self.path}"
            return response
        for name, status in STATUS_FAULTS:
            if name in fired:
                response = exchange.failure(request, status)
                if status in (429, 503):
                    response.headers["Retry-After"] = str(self.server.wire.retry_after)
                return response
        if "html-error" in fired:
            return html_response(502, "502 Bad Gateway", "The upstream server did not answer.")
        return None

    def _read_request(self) -> Request | Response:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True
            return json_response(
                411, {"message": "Send a Content-Length; chunked bodies are refused."}
            )
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY_BYTES:
            # Closing on unread bytes makes the kernel reset the connection before the client has
            # read the 413, so a body of moderate size is read and dropped first.
            self.close_connection = True
            if 0 < length <= DRAIN_LIMIT:
                self.rfile.read(length)
            return json_response(413, {"message": f"Bodies are limited to {MAX_BODY_BYTES} bytes."})
        body = self.rfile.read(length) if length else b""
        return Request.parse(self.command, self.path, dict(self.headers.items()), body)

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def _reset(self) -> None:
        """Close with SO_LINGER 0, which makes the kernel send RST instead of FIN."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        # The reader holds a reference to the socket; the descriptor closes when it lets go.
        self.rfile.close()

    def _hang(self) -> None:
        """Answer nothing until the client gives up, the simulator stops, or HANG_LIMIT passes."""
        self.close_connection = True
        self.connection.settimeout(0.25)
        deadline = time.monotonic() + HANG_LIMIT
        while not self.server.stopping.is_set() and time.monotonic() < deadline:
            try:
                if not self.connection.recv(4096):
                    return
            except (TimeoutError, ssl.SSLWantReadError):
                continue
            except OSError:
                return

    def _send_oversized(self) -> None:
        """A valid JSON array of padding strings, streamed until done or the client hangs up."""
        element = b'"' + b"x" * 65_533 + b'",'
        count = max(1, self.server.wire.oversized_bytes // len(element))
        tail = b'"end"]'
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(1 + count * len(element) + len(tail)))
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            self.wfile.write(b"[")
            for _ in range(count):
                if self.server.stopping.is_set():
                    return
                self.wfile.write(element)
            self.wfile.write(tail)
        except OSError:
            logger.debug("the client stopped reading the oversized body")
