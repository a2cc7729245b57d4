"""HTTP for the remote clients (gsp.py, endpoint.py): one request at a time over
http.client, with

- credentials only when the server asks for them, in the scheme its `WWW-Authenticate`
  challenge names: Digest (RFC 7616, which Virtuoso's `-auth` endpoints require) or Basic;
  a bearer token is sent with every request, as token-protected stores expect;
- the server's answer read even when it stopped reading the upload: a store that refuses a
  large body (401 before the body, a 500 about the request) closes the connection, and the
  client's write fails with a broken pipe while the answer waits in the socket;
- no redirect followed (a redirected PUT would silently become a GET), and the proxy of the
  environment (`http_proxy`, `https_proxy`, `no_proxy`) used as urllib would."""

import base64
import hashlib
import http.client
import os
import re
import urllib.parse
import urllib.request
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Auth:
    """A user and password (sent as the server's challenge asks), or (user None) a bearer
    token such as QLever's access token."""

    user: str | None
    password: str

    def basic(self) -> str:
        token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")
        return f"Basic {token}"


@dataclass
class Response:
    status: int
    headers: dict  # lower-case names
    body: bytes
    reason: str = ""
    challenges: dict = field(default_factory=dict)  # scheme (lower case) -> parameters


class Unanswered(OSError):
    """The server gave no HTTP answer at all (the connection closed, or not HTTP)."""


# one item of a WWW-Authenticate header: a scheme name, or a parameter name=value
_CHALLENGE_ITEM = re.compile(
    r"\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*(?:=\s*(\"(?:[^\"\\]|\\.)*\"|[^,\s\"]*))?\s*,?"
)
_DIGESTS = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}  # and their -sess variants


def parse_challenges(values: list[str]) -> dict[str, dict[str, str]]:
    """The challenges of WWW-Authenticate headers: scheme -> parameters, both names in
    lower case, quoted values unquoted."""
    found: dict[str, dict[str, str]] = {}
    for value in values:
        scheme = None
        for match in _CHALLENGE_ITEM.finditer(value):
            name, raw = match.groups()
            if raw is None:
                scheme = name.lower()
                found.setdefault(scheme, {})
            elif scheme is not None:
                if raw.startswith('"'):
                    raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
                found[scheme][name.lower()] = raw
    return found


def digest_authorization(
    auth: Auth, method: str, target: str, challenge: dict, count: int, cnonce: str
) -> str | None:
    """The Authorization header answering a Digest challenge (None when its algorithm is
    one this client does not have)."""
    algorithm = challenge.get("algorithm", "MD5")
    base = _digest_algorithm(challenge)
    if base not in _DIGESTS:
        return None

    def h(text: str) -> str:
        return _DIGESTS[base](text.encode("utf-8")).hexdigest()

    realm, nonce = challenge.get("realm", ""), challenge.get("nonce", "")
    secret = h(f"{auth.user}:{realm}:{auth.password}")
    if algorithm.upper().endswith("-SESS"):
        secret = h(f"{secret}:{nonce}:{cnonce}")
    request = h(f"{method}:{target}")
    qops = [q.strip() for q in challenge.get("qop", "").split(",")]
    fields = {
        "username": auth.user,
        "realm": realm,
        "nonce": nonce,
        "uri": target,
        "algorithm": algorithm,
    }
    if "auth" in qops:
        nc = f"{count:08x}"
        fields["response"] = h(f"{secret}:{nonce}:{nc}:{cnonce}:auth:{request}")
        fields.update(qop="auth", nc=nc, cnonce=cnonce)
    else:
        fields["response"] = h(f"{secret}:{nonce}:{request}")
    if "opaque" in challenge:
        fields["opaque"] = challenge["opaque"]
    unquoted = {"algorithm", "qop", "nc"}
    return "Digest " + ", ".join(
        f"{k}={v}" if k in unquoted else f'{k}="{_quoted(v)}"' for k, v in fields.items()
    )


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


class Client:
    """HTTP requests with one set of credentials and one timeout. Remembers the scheme the
    server asked for, so that only the first request of a client that needs credentials
    goes twice (once without them, once answering the challenge)."""

    def __init__(self, auth: Auth | None = None, timeout: float = 30.0):
        self.auth = auth
        self.timeout = timeout
        self._challenge: tuple[str, dict] | None = None  # (scheme, parameters)
        self._count = 0

    def send(
        self, method: str, url: str, body: bytes | None = None, headers: dict | None = None
    ) -> Response:
        """The server's answer, whatever its status; OSError (or Unanswered) when there
        is none."""
        headers = dict(headers or {})
        answered = self._challenge is not None
        response = self._exchange(method, url, body, headers, self._authorization(method, url))
        if response.status != 401 or self.auth is None or self.auth.user is None:
            return response
        challenge = _pick(response.challenges)
        stale = (challenge or ("", {}))[1].get("stale", "").lower() == "true"
        if answered and not stale:
            return response  # the credentials were given and refused
        self._challenge = challenge or ("basic", {})  # no challenge at all: Basic, the usual
        self._count = 0
        return self._exchange(method, url, body, headers, self._authorization(method, url))

    def _authorization(self, method: str, url: str) -> str | None:
        if self.auth is None:
            return None
        if self.auth.user is None:
            return f"Bearer {self.auth.password}"
        if self._challenge is None:
            return None  # not asked for yet
        scheme, challenge = self._challenge
        if scheme == "digest":
            self._count += 1
            target = _target(urllib.parse.urlsplit(url))
            cnonce = os.urandom(8).hex()
            return digest_authorization(self.auth, method, target, challenge, self._count, cnonce)
        return self.auth.basic()

    def _exchange(self, method, url, body, headers, authorization) -> Response:
        parts = urllib.parse.urlsplit(url)
        conn, target = self._connection(parts)
        try:
            conn.putrequest(method, target, skip_accept_encoding=True)
            for name, value in headers.items():
                conn.putheader(name, value)
            if authorization is not None:
                conn.putheader("Authorization", authorization)
            if body is not None or method in ("POST", "PUT"):
                conn.putheader("Content-Length", str(len(body or b"")))
            conn.endheaders()
            cut_short = None
            if body:
                try:
                    conn.send(body)
                except (BrokenPipeError, ConnectionResetError) as exc:
                    cut_short = exc  # the server may have answered before reading it all
            try:
                answer = conn.getresponse()
                data = answer.read()
            except (http.client.HTTPException, OSError) as exc:
                if cut_short is not None:
                    raise cut_short from None
                if isinstance(exc, http.client.HTTPException) and not isinstance(exc, OSError):
                    raise Unanswered("no HTTP answer") from None
                raise
            return Response(
                answer.status,
                {k.lower(): v for k, v in answer.getheaders()},
                data,
                answer.reason,
                parse_challenges(answer.msg.get_all("WWW-Authenticate") or []),
            )
        finally:
            conn.close()

    def _connection(self, parts):
        """A connection for the URL, through the environment's proxy where one applies,
        and the request target to send on it."""
        secure = parts.scheme == "https"
        kind = http.client.HTTPSConnection if secure else http.client.HTTPConnection
        host, port = parts.hostname or "", parts.port
        proxy = urllib.request.getproxies().get(parts.scheme)
        if proxy and not urllib.request.proxy_bypass(host):
            via = urllib.parse.urlsplit(proxy if "://" in proxy else "http://" + proxy)
            if secure:
                conn = kind(via.hostname, via.port, timeout=self.timeout)
                conn.set_tunnel(host, port)
                return conn, _target(parts)
            conn = http.client.HTTPConnection(via.hostname, via.port, timeout=self.timeout)
            return conn, urllib.parse.urlunsplit(parts._replace(fragment=""))
        return kind(host, port, timeout=self.timeout), _target(parts)


def _target(parts) -> str:
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _pick(challenges: dict) -> tuple[str, dict] | None:
    """The strongest scheme offered that this client answers: Digest (with an algorithm it
    has), then Basic."""
    digest = challenges.get("digest")
    if digest is not None and _digest_algorithm(digest) in _DIGESTS:
        return "digest", digest
    if "basic" in challenges:
        return "basic", challenges["basic"]
    return None


def _digest_algorithm(challenge: dict) -> str:
    return challenge.get("algorithm", "MD5").upper().removesuffix("-SESS")
