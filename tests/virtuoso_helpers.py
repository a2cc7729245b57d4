"""A real Virtuoso 7.2 (Debian's virtuoso-opensource, installed by `make system-packages`)
for the store tests: started on 127.0.0.1 in a temporary folder with its own virtuoso.ini
(two free ports, DirsAllowed limited to the folder, small buffers so that it starts in a
few seconds), set up with isql-vt, waited for until it answers, and stopped with its folder
removed afterwards. Its cost estimator is off (MaxQueryCostEstimationTime = 0): on graphs
this small it estimates thousands of seconds for queries that take milliseconds, and which
ones it refuses changes with what else the store holds (docs/triple-stores.md).

The set-up: the dba password is changed to a random one (the tests read it from the
environment, as users give it); the anonymous SPARQL user may run updates (Virtuoso's
/sparql, and the MOVE of a push that names no credentials); and /sparql-graph-crud-basic
and /sparql-basic serve the Graph Store and the query service behind HTTP Basic. Virtuoso's
own endpoints (/sparql-graph-crud-auth, /sparql-auth) answer only Digest, and its built-in
authentication hooks challenge with Digest whatever the virtual directory says, so the
Basic ones check the password with Virtuoso's own function and challenge with Basic."""

import secrets
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import XSD

from .remote_helpers import free_port

VIRTUOSO = shutil.which("virtuoso-t") or "/usr/bin/virtuoso-t"
ISQL = shutil.which("isql-vt") or "/usr/bin/isql-vt"

INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
DirsAllowed = {d}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 0
ThreadsPerQuery = 2
MaxClientConnections = 8

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
ServerThreads = 4
MaxClientConnections = 8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 60
"""

# Virtuoso/PL, run by isql-vt: Basic authentication for two virtual directories. The
# password is checked by DB.DBA.vsp_auth_verify_pass, as Virtuoso's own hook checks it.
SETUP = """\
GRANT SPARQL_UPDATE TO "SPARQL";
create procedure DB.DBA.REKG_TEST_BASIC_AUTH (in realm varchar)
{
  declare auth any;
  declare _u_name, _u_password varchar;
  auth := DB.DBA.vsp_auth_vec (http_request_header ());
  if (isarray (auth) and lower (get_keyword ('authtype', auth, '')) = 'basic')
    {
      whenever not found goto challenge;
      select U_NAME, U_PASSWORD into _u_name, _u_password from DB.DBA.SYS_USERS
        where U_NAME = get_keyword ('username', auth, '') and U_ACCOUNT_DISABLED = 0
          and U_IS_ROLE = 0;
      if (1 = DB.DBA.vsp_auth_verify_pass (auth, _u_name, '', '', '', '', '', '', _u_password))
        {
          connection_set ('SPARQLUserId', _u_name);
          return 1;
        }
    }
challenge:
  http_request_status ('HTTP/1.1 401 Unauthorized');
  http_header (sprintf ('WWW-Authenticate: Basic realm="%s"\\r\\n', realm));
  return 0;
}
;
DB.DBA.VHOST_DEFINE (lpath=>'/sparql-graph-crud-basic', ppath=>'/!sparql-graph-crud/',
  is_dav=>1, vsp_user=>'dba', sec=>'basic', realm=>'SPARQL',
  auth_fn=>'DB.DBA.REKG_TEST_BASIC_AUTH', opts=>vector ('noinherit', 1, 'exec_as_get', 1));
DB.DBA.VHOST_DEFINE (lpath=>'/sparql-basic', ppath=>'/!sparql/', is_dav=>1,
  vsp_user=>'dba', sec=>'basic', realm=>'SPARQL', auth_fn=>'DB.DBA.REKG_TEST_BASIC_AUTH',
  opts=>vector ('noinherit', 1));
"""


class Virtuoso:
    """`virtuoso-t +foreground` with its own virtuoso.ini in `folder`."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.sql_port = free_port()
        self.http_port = free_port()
        self.password = secrets.token_hex(8)
        self.process = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    store = property(lambda self: self.base + "/sparql-graph-crud-auth")  # Digest
    basic_store = property(lambda self: self.base + "/sparql-graph-crud-basic")
    query = property(lambda self: self.base + "/sparql")  # anonymous, user SPARQL
    auth_query = property(lambda self: self.base + "/sparql-auth")  # Digest
    basic_query = property(lambda self: self.base + "/sparql-basic")

    def start(self) -> "Virtuoso":
        for tool in (VIRTUOSO, ISQL):
            if not Path(tool).is_file():
                raise RuntimeError(f"{tool} is missing: run 'make system-packages'")
        self.folder.mkdir(parents=True, exist_ok=True)
        ini = self.folder / "virtuoso.ini"
        ini.write_text(INI.format(d=self.folder, sql=self.sql_port, http=self.http_port))
        self.process = subprocess.Popen(
            [VIRTUOSO, "-c", str(ini), "+foreground"],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            self._wait(60)
            self.sql("dba", f"DB.DBA.USER_CHANGE_PASSWORD ('dba', 'dba', '{self.password}');")
            self.sql(self.password, SETUP)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        probe = self.query + "?query=ASK%7B%7D"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = (self.folder / "virtuoso.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"virtuoso-t exited with {self.process.returncode}:\n{log}")
            try:
                with urllib.request.urlopen(probe, timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        raise RuntimeError(f"Virtuoso did not answer at {probe} within {seconds} s")

    def sql(self, password: str, script: str) -> str:
        """Run a Virtuoso/PL script as dba with isql-vt; fails on any error."""
        path = self.folder / "setup.sql"
        path.write_text(script)
        done = subprocess.run(
            [ISQL, f"127.0.0.1:{self.sql_port}", "dba", password, str(path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        path.unlink()
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql-vt failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None
        shutil.rmtree(self.folder, ignore_errors=True)


def as_virtuoso_keeps_it(graph: Graph) -> Graph:
    """Virtuoso gives decimals back in their shortest form ("270000.0" as "270000", the
    datatype kept); everything else comes back exactly as sent."""
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD.decimal:
            o = Literal(format(Decimal(str(o)).normalize(), "f"), datatype=XSD.decimal)
        out.add((s, p, o))
    return out
