"""The socket side of `rekg serve`: HTTP/1.1 over loopback, one thread per connection, in
front of the plain function `App.handle`.

What a connection may take is bounded (docs/limits.md): a request's headers and body must
arrive within the read timeout (a connection idle that long is closed too, so a half-sent
request never holds a thread for good); at most `max_connections` connections are served at
once, and one more is answered 503 and closed; the request target must be printable ASCII.
A client that goes away is not an error of the server's: nothing is written on stderr for
it."""

import io
import json
import socket
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from rekg.serve.http import REASONS, HttpError, Request, Response, error_response

# Responses are never to be read as another type than they say (on every response).
NOSNIFF = ("X-Content-Type-Options", "nosniff")
# How long a refused connection is given to take its 503 before it is closed.
REFUSAL_SECONDS = 1.0
# Errors that mean the client went away or stopped reading: the connection is dropped.
GONE = (ConnectionError, TimeoutError)


class _DeadlineReader(io.RawIOBase):
    """The connection's bytes, with one deadline for a whole request (its line, headers and
    body) rather than a timeout per read, so a client that trickles a byte at a time is cut
    off too."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.deadline = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the request did not arrive in time")
        self.sock.settimeout(remaining)
        return self.sock.recv_into(buffer)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # headers and body go out in separate writes: without this, Nagle's algorithm and the
    # client's delayed ACK hold each keep-alive response back by some 40 ms
    disable_nagle_algorithm = True
    server_version = "rekg"
    app = None
    quiet = False
    timeout = 10.0  # the read timeout; also bounds each write to a client that stops reading

    def setup(self):
        super().setup()
        self.rfile.close()  # the library's reader, replaced by one with a deadline
        self._reader = _DeadlineReader(self.connection)
        self.rfile = io.BufferedReader(self._reader)

    def handle_one_request(self):
        # the clock of the next request starts now: an idle keep-alive connection is closed
        # at the read timeout as a slow request is
        self._reader.deadline = time.monotonic() + self.timeout
        super().handle_one_request()

    def send_error(self, code, message=None, explain=None):
        """The library's own refusals (a malformed request line, headers over its limits)
        in the server's error format."""
        self.close_connection = True
        if self.request_version == "HTTP/0.9":  # unparsed: answer with a status line anyway
            self.request_version = "HTTP/1.0"
        error = HttpError(code, message or REASONS.get(code, "bad request"))
        self._send(error_response(error, None), close=True)

    def _serve(self):
        try:
            response = self._answer()
        except GONE:
            self.close_connection = True
            return
        except Exception:  # a bug of ours, not the client's: logged here, never sent
            traceback.print_exc(file=sys.stderr)
            response = Response(
                500, b'{"status": 500, "error": "internal error"}\n', "application/json"
            )
        self._send(response, close=response.status in (408, 413) or self.close_connection)

    def _send(self, response: Response, close: bool = False):
        self.connection.settimeout(self.timeout)  # the read deadline is over; writes get their own
        self.send_response(response.status, REASONS.get(response.status))
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        for key, value in response.headers.items():
            if key.lower() not in ("content-length", "connection"):
                self.send_header(key, value)
        if not any(key.lower() == NOSNIFF[0].lower() for key in response.headers):
            self.send_header(*NOSNIFF)
        length = response.headers.get("Content-Length", str(len(response.body)))
        self.send_header("Content-Length", length)
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if response.body and self.command != "HEAD":
            self.wfile.write(response.body)

    def _answer(self) -> Response:
        app = self.app
        headers = {k.lower(): v for k, v in self.headers.items()}
        accept = headers.get("accept")
        bad = next((i for i, c in enumerate(self.path) if not "!" <= c <= "~"), None)
        if bad is not None:
            return error_response(
                HttpError(
                    400,
                    f"the request target holds the byte 0x{ord(self.path[bad]):02x} at "
                    f"position {bad}, which a request target cannot hold",
                    remedy="percent-encode the path and the query string as UTF-8",
                ),
                accept,
            )
        if "chunked" in headers.get("transfer-encoding", "").lower():
            self.close_connection = True
            return error_response(
                HttpError(
                    411, "chunked request bodies are not accepted", remedy="send a Content-Length"
                ),
                accept,
            )
        try:
            length = int(headers.get("content-length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            return error_response(HttpError(400, "bad Content-Length"), accept)
        if length > app.max_body:
            # refused unread: the connection closes, so the body is never taken in
            return error_response(
                HttpError(
                    413,
                    f"the request body ({length} bytes) is over {app.max_body} bytes",
                    remedy="send a shorter query",
                ),
                accept,
            )
        try:
            body = self.rfile.read(length) if length else b""
        except TimeoutError:
            body = None
        if body is None or len(body) < length:
            self.close_connection = True
            return error_response(
                HttpError(
                    408,
                    f"the request body ({length} bytes) did not arrive within the read timeout "
                    f"of {self.timeout:g} s",
                    remedy="send the whole request at once",
                ),
                accept,
            )
        request = Request.make(self.command, self.path, headers, body)
        return app.handle(request)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _serve

    def __getattr__(self, name):
        # Any other method (TRACE, CONNECT, QUERY, ...) reaches the app too, which answers
        # 405 with Allow and a JSON error, instead of http.server's 501 HTML page
        # (Schemathesis checks it: tests/test_schemathesis.py).
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def log_message(self, format, *args):
        if not self.quiet:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")


class _Server(ThreadingHTTPServer):
    request_queue_size = 128
    daemon_threads = True
    # closing the server does not wait for idle keep-alive connections: their threads end at
    # the read timeout
    block_on_close = False
    max_connections = 128

    def __init__(self, *args, **kwargs):
        self.open_connections = 0  # connections with a thread of their own
        self._refusing = 0  # connections over the limit, being told so
        self._count = threading.Lock()
        super().__init__(*args, **kwargs)

    def process_request(self, request, client_address):
        with self._count:
            room = self.open_connections < self.max_connections
            if room:
                self.open_connections += 1
            refuse = not room and self._refusing < self.max_connections
            if refuse:
                self._refusing += 1
        if room:
            try:
                super().process_request(request, client_address)
            except BaseException:  # no thread: the connection is not open after all
                self._closed()
                raise
        elif refuse:
            threading.Thread(target=self._refuse, args=(request,), daemon=True).start()
        else:  # refusals pile up too: drop the connection without a word
            self.shutdown_request(request)

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._closed()

    def _closed(self):
        with self._count:
            self.open_connections -= 1

    def _refuse(self, request: socket.socket):
        """503 to a connection over the limit; it is closed once it has taken the answer
        (what it sent is read and thrown away, so that closing does not reset the answer)."""
        doc = {
            "status": 503,
            "error": f"the server has {self.max_connections} connections open, its limit",
            "remedy": "retry in a moment",
        }
        body = (json.dumps(doc, indent=1) + "\n").encode()
        head = (
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nRetry-After: 1\r\nConnection: close\r\n"
            f"{NOSNIFF[0]}: {NOSNIFF[1]}\r\n\r\n"
        )
        try:
            request.settimeout(REFUSAL_SECONDS)
            request.sendall(head.encode() + body)
            request.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + REFUSAL_SECONDS
            while time.monotonic() < deadline and request.recv(65536):
                pass
        except OSError:
            pass
        finally:
            request.close()
            with self._count:
                self._refusing -= 1

    def handle_error(self, request, client_address):
        # a client that went away is no error of ours; anything else is, and is logged
        if not isinstance(sys.exc_info()[1], GONE):
            super().handle_error(request, client_address)


def make_server(app, host: str = "127.0.0.1", port: int = 8000, quiet: bool = False):
    """An HTTP server for the app on host:port (port 0 picks a free one), within the app's
    limits (`app.limits`: read timeout, connections). Call serve_forever() to run it."""
    limits = app.limits
    handler = type(
        "Handler", (_Handler,), {"app": app, "quiet": quiet, "timeout": limits.read_timeout}
    )
    server_class = type("Server", (_Server,), {"max_connections": limits.max_connections})
    return server_class((host, port), handler)
