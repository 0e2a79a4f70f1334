#!/usr/bin/python3
"""http_test.py - the HTTP face of the real regied over real HTTP (issue 22).

Every status of the contract, sessions (cookie flags, CSRF, Origin, logout,
expiry, revocation), the SSE feeds (live, resumed with Last-Event-ID after the
engine restarts, ended by revocation), the limits (body cap, connection cap,
idle and half-open connections timed out, each counted), /metrics parsed by
the Prometheus client library's own parser, the OpenAPI document, HTTPS, and
that no token ever appears in a log line.  Prints PASS:/FAIL: lines for
tests/run.sh.
"""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time

from prometheus_client.parser import text_string_to_metric_families

REGIED = os.environ.get("REGIED", os.path.join(os.path.dirname(__file__), "../../bin/regied"))
failed = 0
tokens = []          # every token seen: none may appear in a log


def result(name, ok, why=""):
    global failed
    if ok:
        print("PASS: " + name, flush=True)
    else:
        failed += 1
        print("FAIL: " + name + (": " + why if why else ""), flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Engine:
    def __init__(self, root, name, env=None, args=(), tls=None, urls=None, client_cert=None):
        self.dir = os.path.join(root, name)
        self.urls = urls or ("ipc://%s.rep" % self.dir, "ipc://%s.pub" % self.dir)
        self.client_cert = client_cert     # (cert, key) this test's own calls present
        self.env = dict(os.environ, **(env or {}))
        self.args = list(args)
        self.port = free_port()
        self.tls = tls
        self.log = os.path.join(root, name + ".log")
        self.proc = None

    def start(self):
        argv = [REGIED, "--data", self.dir, "--listen", self.urls[0],
                "--publish", self.urls[1], "--http", "127.0.0.1:%d" % self.port] + self.args
        if self.tls:
            argv += ["--tls-cert-key", self.tls]
        self.proc = subprocess.Popen(argv, env=self.env, stdout=subprocess.DEVNULL,
                                     stderr=open(self.log, "a"))
        for _ in range(600):
            if self.proc.poll() is not None:
                raise RuntimeError("regied exited: see " + self.log)
            try:
                st, _, _ = self.get("/api/v1/openapi.json")
                if st == 200 and os.path.exists(os.path.join(self.dir, "admin.token")):
                    self.admin = open(os.path.join(self.dir, "admin.token")).read().strip()
                    tokens.append(self.admin)
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("regied did not answer HTTP")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                return -1
        return self.proc.returncode if self.proc else 0

    def conn(self, timeout=30):
        if self.tls:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            if self.client_cert:
                ctx.load_cert_chain(*self.client_cert)
            return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=timeout, context=ctx)
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None):
        c = self.conn()
        h = dict(headers or {})
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            h.setdefault("Content-Type", "application/json")
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, data, r

    def get(self, path, headers=None):
        return self.request("GET", path, None, headers)

    def call(self, op, token=None, body=None, headers=None):
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        st, data, r = self.request("POST", "/api/v1/" + op, body if body is not None else {}, h)
        try:
            j = json.loads(data)
        except ValueError:
            j = None
        return st, j, r

    def actor(self, ident, role, org, **extra):
        data = dict(id=ident, role=role, org=org, **extra)
        st, j, _ = self.call("actor.create", self.admin, {"req": "mk-" + ident, "data": data})
        assert st == 200, j
        tokens.append(j["token"])
        return j["token"]


def report(e, tok, req, informed=True):
    return e.call("case.report", tok, {"req": req, "data": {
        "target_group": "verward_gedrag", "summary": "zorgen over de buurman", "urgency": "high",
        "informed": informed, "subject": {"name": "J. de Vries", "birth_date": "1988-04-02"}}})


class Sse:
    """A Server-Sent Events reader on a socket of its own (chunked decoding by hand:
    http.client's readline waits for more than a line)."""

    def __init__(self, e, path, headers):
        self.sock = socket.create_connection(("127.0.0.1", e.port), timeout=30)
        if e.tls:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            self.sock = ctx.wrap_socket(self.sock)
        req = "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAccept: text/event-stream\r\n" % (path, e.port)
        for k, v in headers.items():
            req += "%s: %s\r\n" % (k, v)
        self.sock.sendall((req + "\r\n").encode())
        self.raw = b""
        self.body = b""
        self.eof = False
        while b"\r\n\r\n" not in self.raw:
            if not self._recv():
                break
        head, _, self.raw = self.raw.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        self.status = int(lines[0].split()[1]) if lines and lines[0] else 0
        self.headers = {k.lower(): v for k, _, v in (l.partition(": ") for l in lines[1:])}
        self.chunked = "chunked" in self.headers.get("transfer-encoding", "")

    def getheader(self, name, default=""):
        return self.headers.get(name.lower(), default)

    def _recv(self):
        try:
            d = self.sock.recv(65536)
        except (socket.timeout, ssl.SSLError, ConnectionResetError):
            d = b""
        if not d:
            self.eof = True
            return False
        self.raw += d
        return True

    def _line(self):
        """One line of the body, or None at its end."""
        while True:
            if b"\n" in self.body:
                line, _, self.body = self.body.partition(b"\n")
                return line.decode()
            if not self.chunked:
                self.body += self.raw
                self.raw = b""
                if not self._recv():
                    return None
                continue
            # chunked: size CRLF data CRLF
            if b"\r\n" not in self.raw:
                if not self._recv():
                    return None
                continue
            size_s, _, rest = self.raw.partition(b"\r\n")
            size = int(size_s.split(b";")[0], 16)
            if size == 0:
                return None
            if len(rest) < size + 2:
                if not self._recv():
                    return None
                continue
            self.body += rest[:size]
            self.raw = rest[size + 2:]

    def next(self, limit_s=30):
        """The next message {id, event, data} (comments skipped), or None at the end."""
        self.sock.settimeout(limit_s)
        msg = {}
        while True:
            line = self._line()
            if line is None:
                return None
            if line == "":
                if msg:
                    return msg
                continue
            if line.startswith(":"):
                continue
            k, _, v = line.partition(": ")
            msg[k] = v

    def close(self):
        self.sock.close()


def metrics(e):
    st, data, r = e.get("/metrics")
    fams = {f.name: f for f in text_string_to_metric_families(data.decode())}
    return st, fams, data.decode()


def sample(fams, name, **labels):
    for f in fams.values():
        for s in f.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    return None


def main():
    root = tempfile.mkdtemp(prefix="regie-http-")
    engines = []
    try:
        run(root, engines)
    finally:
        for e in engines:
            e.stop()
        logs = ""
        for name in os.listdir(root):
            if name.endswith(".log"):
                logs += open(os.path.join(root, name), errors="replace").read()
        result("engine_logs_clean_of_sanitizer_reports",
               not re.search(r"AddressSanitizer|LeakSanitizer|runtime error", logs),
               logs[-2000:])
        leaked = [t for t in tokens if t in logs]
        result("no_token_in_any_log_line", not leaked and len(tokens) > 3,
               "%d of %d tokens in the logs" % (len(leaked), len(tokens)))
        shutil.rmtree(root, ignore_errors=True)
    sys.exit(1 if failed else 0)


def run(root, engines):
    e = Engine(root, "a")
    engines.append(e)
    e.start()
    A = e.admin
    pol = e.actor("pol", "partner", "police")
    ggz = e.actor("ggz", "partner", "ggz")
    anna = e.actor("anna", "procesregisseur", "zvh")

    # ---- the contract's statuses ----
    st, j, r = e.call("whoami", A)
    result("status_200_ok", st == 200 and j["ok"] is True and j["role"] == "admin"
           and r.getheader("Content-Type").startswith("application/json"))
    st, data, _ = e.request("POST", "/api/v1/whoami", b'{"x":', {"Authorization": "Bearer " + A})
    j = json.loads(data)
    result("status_400_not_json", st == 400 and j["ok"] is False and j["error"] == "bad_request", data)
    # W3C Trace Context: a traceparent header is continued, the reply names the request's own span.
    tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    st, j, _ = e.call("whoami", A, None, {"traceparent": tp})
    result("traceparent_header_continued", st == 200 and j.get("trace", "").startswith(tp[:36])
           and len(j["trace"]) == 55 and j["trace"][36:52] != tp[36:52], str(j))
    st, j, _ = e.call("whoami", A, None, {"traceparent": "00-nothex-01"})
    result("traceparent_header_malformed_400", st == 400 and j["error"] == "bad_request"
           and "trace" in j["message"], str(j))
    st, j, _ = e.call("nope.nothing", A)
    result("status_400_unknown_op", st == 400 and j["error"] == "unknown_op", str(j))
    st, j, _ = e.call("whoami", None, {"token": A})
    result("status_400_token_in_body_refused", st == 400 and j["error"] == "bad_request", str(j))
    st, j, _ = e.call("whoami")
    result("status_401_no_token", st == 401 and j["error"] == "unauthorized", str(j))
    st, j, _ = e.call("whoami", "rgt_" + "0" * 64)
    result("status_401_unknown_token", st == 401 and j["error"] == "unauthorized", str(j))
    st, j, _ = e.call("actor.create", pol, {"req": "x", "data": {"id": "x", "role": "admin", "org": "x"}})
    result("status_403_forbidden", st == 403 and j["error"] == "forbidden", str(j))
    st, j, _ = e.call("case.get", anna, {"case": "ZVH-09999999"})
    result("status_404_not_found", st == 404 and j["error"] == "not_found", str(j))
    st, j, _ = report(e, pol, "r-noinf", informed=False)
    result("status_409_guard_failed", st == 409 and j["error"] == "guard_failed", str(j))
    st, j, _ = report(e, pol, "r1")
    case = j["case"]
    st2, j2, _ = report(e, pol, "r1")
    result("idempotent_repeat_same_reply", st == 200 and st2 == 200 and j2 == j, str(j2))
    st, j, _ = e.call("case.assign", anna, {"case": case, "req": "as1", "data": {"procesregisseur": "anna"}})
    st, j, _ = e.call("intake.decide", anna, {"case": case, "req": "d1",
                                              "data": {"admit": True, "reason": "r"}})
    result("status_409_invalid_transition", st == 409 and j["error"] == "invalid_transition"
           and "reported" in j["message"], str(j))
    st, j, _ = e.call("intake.start", anna, {"case": case, "req": "i1", "expect": 1})
    result("status_409_version_conflict", st == 409 and j["error"] == "version_conflict", str(j))
    # Refused as the length is announced, before the body is read.
    raw = socket.create_connection(("127.0.0.1", e.port))
    raw.sendall(b"POST /api/v1/case.report HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 2097152\r\n\r\n{")
    raw.settimeout(20)
    head = raw.recv(4096)
    raw.close()
    result("status_413_body_over_cap", head.startswith(b"HTTP/1.1 413") and b"larger than 1 MiB" in head,
           head[:200])
    # Sent in chunks (no length announced): refused once past the cap.
    c = e.conn()
    c.putrequest("POST", "/api/v1/case.report")
    c.putheader("Transfer-Encoding", "chunked")
    c.putheader("Authorization", "Bearer " + pol)
    c.endheaders()
    chunk = b"x" * 65536
    try:
        for _ in range(20):
            c.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        c.send(b"0\r\n\r\n")
        st = c.getresponse().status
    except OSError:
        st = 413          # cut off while sending: the answer was already on its way
    c.close()
    result("status_413_chunked_body_over_cap", st == 413, str(st))
    st, data, _ = e.get("/api/v1/whoami", {"Authorization": "Bearer " + A})
    result("status_405_wrong_method", st == 405, str(st))
    st, data, _ = e.get("/api/v2/nothing")
    result("status_404_no_such_path", st == 404 and json.loads(data)["error"] == "not_found", str(st))

    # ---- sessions ----
    st, data, r = e.request("POST", "/api/v1/session", {"token": anna})
    cookie = r.getheader("Set-Cookie") or ""
    sj = json.loads(data)
    sid = cookie.split(";")[0]
    result("session_cookie_flags", st == 200 and "HttpOnly" in cookie and "SameSite=Strict" in cookie
           and "Secure" not in cookie and sid.startswith("regie_session=") and anna not in cookie, cookie)
    result("session_reply_has_csrf_and_role", sj.get("role") == "procesregisseur" and len(sj.get("csrf", "")) == 64
           and anna not in data.decode(), data)
    csrf = sj["csrf"]
    st, j, _ = e.call("cases.list", None, {}, {"Cookie": sid})
    result("session_reads_without_csrf", st == 200 and j["ok"], str(j))
    st, j, _ = e.call("intake.start", None, {"case": case, "req": "i2"}, {"Cookie": sid})
    result("session_change_without_csrf_403", st == 403 and j["error"] == "forbidden", str(j))
    st, j, _ = e.call("intake.start", None, {"case": case, "req": "i2"},
                      {"Cookie": sid, "X-CSRF-Token": "0" * 64})
    result("session_change_wrong_csrf_403", st == 403, str(j))
    st, j, _ = e.call("intake.start", None, {"case": case, "req": "i2"},
                      {"Cookie": sid, "X-CSRF-Token": csrf, "Origin": "http://evil.example"})
    result("session_other_origin_403", st == 403 and j["error"] == "forbidden", str(j))
    st, j, _ = e.call("intake.start", None, {"case": case, "req": "i2"},
                      {"Cookie": sid, "X-CSRF-Token": csrf, "Origin": "http://127.0.0.1:%d" % e.port})
    result("session_change_with_csrf_200", st == 200 and j["ok"], str(j))
    st, data, _ = e.request("DELETE", "/api/v1/session", None, {"Cookie": sid})
    result("logout_needs_csrf", st == 403, str(st))
    st, data, r = e.request("DELETE", "/api/v1/session", None, {"Cookie": sid, "X-CSRF-Token": csrf})
    st2, j2, _ = e.call("cases.list", None, {}, {"Cookie": sid})
    result("logout_ends_session", st == 200 and "Max-Age=0" in (r.getheader("Set-Cookie") or "")
           and st2 == 401, "%d %d" % (st, st2))

    # ---- SSE: live, then resumed across a restart ----
    s = Sse(e, "/api/v1/feed", {"Authorization": "Bearer " + pol})
    result("sse_content_type", s.status == 200 and
           s.getheader("Content-Type").startswith("text/event-stream"), str(s.status))
    seen = []
    m = s.next()
    while m and int(m["id"]) < 1:
        m = s.next()
    seen.append(int(m["id"]))
    st, j, _ = e.call("intake.decide", anna, {"case": case, "req": "dec",
                                              "data": {"admit": True, "reason": "meerdere domeinen",
                                                       "criteria": ["multi_domain"]}})
    want_seq = j.get("seq") if j else None
    # The police see the case from their report on: the decision arrives live.
    live = None
    t0 = time.time()
    while time.time() - t0 < 20:
        m = s.next(20)
        if m is None:
            break
        seen.append(int(m["id"]))
        if int(m["id"]) == want_seq:
            live = json.loads(m["data"])
            break
    result("sse_event_arrives_live", st == 200 and live is not None and live["seq"] == want_seq,
           "%s %s" % (j, seen))
    s.close()
    last = seen[-1]
    rc = e.stop()
    result("engine_stops_cleanly_with_http", rc == 0, str(rc))
    e.start()
    for i in range(3):
        st, j, _ = report(e, pol, "after-restart-%d" % i)
        assert st == 200, j
    st, j, _ = e.call("feed.read", pol, {"data": {"after": last, "limit": 100}})
    want = [ev["seq"] for ev in j["events"]]
    s = Sse(e, "/api/v1/feed", {"Authorization": "Bearer " + pol, "Last-Event-ID": str(last)})
    got = []
    while len(got) < len(want):
        m = s.next(20)
        if m is None:
            break
        got.append(int(m["id"]))
    s.close()
    result("sse_resume_after_restart_gapless", got == want and len(want) >= 3 and want[0] > last,
           "want %s got %s" % (want, got))
    s = Sse(e, "/api/v1/feed?after=%d" % want[-2], {"Authorization": "Bearer " + pol})
    m = s.next(20)
    s.close()
    result("sse_resume_from_after_query", m and int(m["id"]) == want[-1], str(m))
    s = Sse(e, "/api/v1/alerts", {"Authorization": "Bearer " + "rgt_" + "1" * 64})
    result("sse_unknown_token_401", s.status == 401, str(s.status))
    s.close()

    # ---- a reader that never reads stalls neither the engine nor other readers ----
    stuck = socket.create_connection(("127.0.0.1", e.port))
    stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stuck.sendall(("GET /api/v1/feed?after=0 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n"
                   % pol).encode())
    s = Sse(e, "/api/v1/feed?after=%d" % want[-1], {"Authorization": "Bearer " + pol})
    big = "x" * 4000
    last_seq = 0
    t0 = time.time()
    for i in range(150):
        st, j, _ = e.call("case.report", pol, {"req": "slow-%d" % i, "data": {
            "target_group": "overig", "summary": big, "urgency": "normal", "informed": True,
            "subject": {"name": "N. N."}}})
        if st != 200:
            break
        last_seq = j["seq"]
    got = 0
    while last_seq:
        m = s.next(30)
        if m is None:
            break
        got += 1
        if int(m["id"]) >= last_seq:
            break
    s.close()
    st_m, fams, _ = metrics(e)
    readers = sample(fams, "regie_sse_readers", stream="feed")
    stuck.close()
    result("slow_reader_stalls_nobody", last_seq and got >= 150 and readers >= 1,
           "last %s got %d readers %s in %.1fs" % (last_seq, got, readers, time.time() - t0))

    # ---- revocation ends sessions and streams ----
    vic = e.actor("vic", "partner", "police")
    st, data, r = e.request("POST", "/api/v1/session", {"token": vic})
    vsid = (r.getheader("Set-Cookie") or "").split(";")[0]
    s = Sse(e, "/api/v1/feed", {"Cookie": vsid})
    opened = s.status == 200
    st, j, _ = e.call("actor.revoke", A, {"req": "rv-vic", "data": {"id": "vic"}})
    t0 = time.time()
    ended = None
    while time.time() - t0 < 30:
        m = s.next(30)
        if m is None or m.get("event") == "error":
            ended = m
            break
    tail = s.next(5) if ended else "open"
    s.close()
    result("revocation_ends_live_stream", opened and ended is not None and
           json.loads(ended["data"])["error"] == "unauthorized" and tail is None, str(ended))
    st, j, _ = e.call("cases.list", None, {}, {"Cookie": vsid})
    result("revocation_ends_session", st == 401, str(st))

    # ---- OpenAPI ----
    st, data, _ = e.get("/api/v1/openapi.json")
    doc = json.loads(data)
    paths = doc.get("paths", {})
    pa = paths.get("/api/v1/plan.agree", {}).get("post", {})
    ir = paths.get("/api/v1/info.request", {}).get("post", {})
    ds = ir.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    result("openapi_from_op_table", doc.get("openapi") == "3.1.0" and len(paths) >= 40 and
           pa.get("x-regie-roles") == ["partner"] and "planning" in pa.get("x-regie-allowed", {}).get("default", [])
           and ds["properties"]["data"]["properties"]["question"]["maxLength"] == 4096
           and set(pa.get("responses", {})) >= {"200", "400", "401", "403", "404", "409", "503"}, str(pa)[:300])

    # ---- metrics ----
    e.call("whoami", A)
    st, fams, text = metrics(e)
    ok = st == 200 and sample(fams, "regie_requests_total", op="whoami", result="ok", transport="http") >= 1
    ok = ok and sample(fams, "regie_log_head") >= 1
    ok = ok and sample(fams, "regie_commits_total") >= 1 and sample(fams, "regie_committed_commands_total") >= 1
    ok = ok and sample(fams, "regie_request_duration_seconds_count", transport="http") >= 10
    values = [v for f in fams.values() for smp in f.samples for v in smp.labels.values()]
    bad = [v for v in values if re.search(r"ZVH-|rgt_|anna|pol|ggz|vic|admin", v)]
    result("metrics_parsed_by_prometheus_client", ok, str([(f.name, f.type) for f in fams.values()]))
    result("metrics_no_case_or_actor_label", not bad and case not in text and "anna" not in text, str(bad))

    # ---- metrics of both transports and of the engine (a manual clock) ----
    m = Engine(root, "m", args=["--clock", "manual=2026-11-23T08:00:00Z"])
    engines.append(m)
    m.start()
    mpol = m.actor("pol", "partner", "police")
    st, j, _ = report(m, mpol, "m1")
    regie = os.environ.get("REGIE", os.path.join(os.path.dirname(__file__), "../../bin/regie"))
    cli = subprocess.run([regie, "--connect", "ipc://%s.rep" % m.dir, "--token", m.admin, "whoami"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    st, fams, text = metrics(m)
    ok = cli.returncode == 0 and (sample(fams, "regie_requests_total", op="whoami", result="ok",
                                         transport="nng") or 0) >= 1
    ok = ok and (sample(fams, "regie_request_duration_seconds_count", transport="nng") or 0) >= 1
    result("metrics_nng_requests_by_op_result", ok, str(cli.returncode))
    ok = (sample(fams, "regie_commit_commands_count") or 0) >= 2 and (sample(fams, "regie_commit_bytes_sum") or 0) > 0
    ok = ok and (sample(fams, "regie_commit_duration_seconds_count") or 0) >= 2
    ok = ok and (sample(fams, "regie_fsync_duration_seconds_count") or 0) >= 2
    ok = ok and (sample(fams, "regie_fsync_duration_seconds_bucket", le="+Inf") or 0) >= 2
    result("metrics_commit_sizes_durations_fsync", ok)
    pending = sample(fams, "regie_deadlines_pending", region="zvh") or 0
    st, j, _ = m.call("clock.advance", m.admin, {"req": "adv", "data": {"ms": 25 * 86400000}})
    st, fams, text = metrics(m)
    stag = sample(fams, "regie_stagnations_open", region="zvh") or 0
    esc = sum(sample(fams, "regie_escalations_open", region="zvh", level=str(l)) or 0 for l in (1, 2, 3))
    result("metrics_deadlines_stagnations_escalations_by_region", pending >= 1 and stag >= 1 and esc >= 1,
           "pending %s stagnations %s escalations %s" % (pending, stag, esc))
    # The figures are kept with the log (core/tally.h): the same after a restart.
    def region_figures(fams):
        return [sample(fams, n, region="zvh", **lv) for n, lv in
                [("regie_deadlines_pending", {}), ("regie_stagnations_open", {})] +
                [("regie_escalations_open", {"level": str(l)}) for l in (1, 2, 3)]]
    before = region_figures(fams)
    m.stop()
    m.start()
    st, fams2, _ = metrics(m)
    result("metrics_region_figures_survive_restart", region_figures(fams2) == before,
           "%s %s" % (before, region_figures(fams2)))
    values = [v for f in fams.values() for smp in f.samples for v in smp.labels.values()]
    result("metrics_engine_labels_no_case_or_actor", not [v for v in values if re.search(r"ZVH-|rgt_|pol", v)]
           and j.get("ok") is True, str(j))

    # ---- limits: a second engine with small ones ----
    b = Engine(root, "b", env={"REGIE_HTTP_IDLE_S": "2", "REGIE_HTTP_MAX_CONNS": "6",
                                "REGIE_HTTP_SESSION_IDLE_S": "2", "REGIE_HTTP_SESSION_MAX_S": "5"})
    engines.append(b)
    b.start()
    half = socket.create_connection(("127.0.0.1", b.port))
    half.sendall(b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: x\r\n")      # headers never finish
    half.settimeout(20)
    t0 = time.time()
    try:
        closed = half.recv(100) == b""
    except (socket.timeout, ConnectionResetError):
        closed = False
    took = time.time() - t0
    half.close()
    result("half_open_headers_timed_out", closed and took < 15, "closed %s after %.1fs" % (closed, took))
    slow = socket.create_connection(("127.0.0.1", b.port))
    slow.sendall(b"POST /api/v1/whoami HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")   # body stalls
    slow.settimeout(20)
    try:
        data = slow.recv(1000)
        closed = data == b"" or b"HTTP/1.1" in data
    except (socket.timeout, ConnectionResetError):
        closed = False
    slow.close()
    result("slow_body_timed_out", closed)
    # Slowloris: headers, then a body, trickling in a byte at a time keep the
    # idle time-out from firing; each is cut off with 408 all the same.
    def trickle(head, drip, horizon=20):
        c = socket.create_connection(("127.0.0.1", b.port))
        c.sendall(head)
        c.settimeout(0.5)
        got, t0 = b"", time.time()
        while time.time() - t0 < horizon:
            try:
                c.sendall(drip)
            except OSError:
                break
            try:
                d = c.recv(1000)
                got += d
                if not d:
                    break
            except socket.timeout:
                continue
            except OSError:
                break
        c.close()
        return got
    got = trickle(b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: x\r\n", b"X")
    result("slow_headers_408", got.startswith(b"HTTP/1.1 408") and b"too slowly" in got, repr(got[:120]))
    got = trickle(b"POST /api/v1/whoami HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 100000\r\n\r\n{", b" ")
    result("slow_body_408", got.startswith(b"HTTP/1.1 408") and b"too slowly" in got, repr(got[:120]))
    raw = socket.create_connection(("127.0.0.1", b.port))
    raw.sendall(b"POST /api/v1/whoami HTTP/1.1\r\nHost: x\r\nContent-Length: 9999999\r\n\r\n")
    raw.recv(100)
    raw.close()
    st, fams, _ = metrics(b)
    result("body_cap_counted", (sample(fams, "regie_http_refused_total", reason="body_too_large") or 0) >= 1)
    result("timeouts_counted", (sample(fams, "regie_http_refused_total", reason="timeout") or 0) >= 2,
           str(sample(fams, "regie_http_refused_total", reason="timeout")))
    result("slow_requests_counted", (sample(fams, "regie_http_refused_total", reason="headers_too_slow") or 0) >= 1
           and (sample(fams, "regie_http_refused_total", reason="body_too_slow") or 0) >= 1
           and (sample(fams, "regie_http_responses_total", code="408") or 0) >= 2,
           str([(s.labels, s.value) for s in fams["regie_http_refused"].samples]))
    hold = []
    for _ in range(7):
        c = socket.create_connection(("127.0.0.1", b.port))
        hold.append(c)
    time.sleep(0.3)
    st, data, _ = b.request("POST", "/api/v1/whoami", {}, {"Authorization": "Bearer " + b.admin})
    for c in hold:
        c.close()
    result("connection_cap_503", st == 503 and json.loads(data)["error"] == "overloaded", "%d %s" % (st, data))
    time.sleep(0.5)
    st, fams, _ = metrics(b)
    result("connection_cap_counted",
           (sample(fams, "regie_http_refused_total", reason="too_many_connections") or 0) >= 1)
    st, data, r = b.request("POST", "/api/v1/session", {"token": b.admin})
    bsid = (r.getheader("Set-Cookie") or "").split(";")[0]
    st1, _, _ = b.call("whoami", None, {}, {"Cookie": bsid})
    time.sleep(3.5)
    st2, j2, _ = b.call("whoami", None, {}, {"Cookie": bsid})
    result("session_idle_expiry", st1 == 200 and st2 == 401, "%d %d" % (st1, st2))
    # The absolute expiry: a session used all the time still ends (5 s here).
    st, data, r = b.request("POST", "/api/v1/session", {"token": b.admin})
    bsid = (r.getheader("Set-Cookie") or "").split(";")[0]
    seen, t0, last, gap = [], time.time(), time.time(), 0.0
    while time.time() - t0 < 20:
        st, _, _ = b.call("whoami", None, {}, {"Cookie": bsid})
        now = time.time()
        gap, last = max(gap, now - last), now
        seen.append(st)
        if st == 401:
            break
        time.sleep(0.3)
    result("session_absolute_expiry", seen[0] == 200 and seen[-1] == 401 and gap < 2,
           "statuses %s, longest gap %.1f s (idle limit 2 s)" % (seen, gap))

    # ---- HTTPS ----
    pem = os.path.join(root, "cert.pem")
    key = os.path.join(root, "key.pem")
    r = subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-nodes", "-keyout", key, "-out", pem, "-days", "2", "-subj", "/CN=127.0.0.1"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(pem, "a") as f:
        f.write(open(key).read())
    os.chmod(pem, 0o600)
    t = Engine(root, "t", tls=pem)
    engines.append(t)
    t.start()
    st, data, resp = t.request("POST", "/api/v1/session", {"token": t.admin})
    result("https_session_cookie_secure", r.returncode == 0 and st == 200 and
           "Secure" in (resp.getheader("Set-Cookie") or ""), str(st))
    try:
        plain = http.client.HTTPConnection("127.0.0.1", t.port, timeout=5)
        plain.request("GET", "/api/v1/openapi.json")
        plain_ok = plain.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        plain_ok = False
    result("https_refuses_plain_http", not plain_ok)

    # ---- --tls-ca: HTTPS asks every peer for a certificate of that CA, as nng does ----
    def sh(*argv):
        return subprocess.run(list(argv), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    ca_key, ca_pem = os.path.join(root, "ca.key"), os.path.join(root, "ca.pem")
    cl_key, cl_csr, cl_pem = (os.path.join(root, n) for n in ("cl.key", "cl.csr", "cl.pem"))
    other_key, other_pem = os.path.join(root, "other.key"), os.path.join(root, "other.pem")
    made = sh("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
              "-keyout", ca_key, "-out", ca_pem, "-days", "2", "-subj", "/CN=partners-ca") == 0
    made = made and sh("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                       "-keyout", cl_key, "-out", cl_csr, "-subj", "/CN=partner-system") == 0
    made = made and sh("openssl", "x509", "-req", "-in", cl_csr, "-CA", ca_pem, "-CAkey", ca_key,
                       "-CAcreateserial", "-out", cl_pem, "-days", "2") == 0
    made = made and sh("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                       "-keyout", other_key, "-out", other_pem, "-days", "2", "-subj", "/CN=stranger") == 0
    c = Engine(root, "c", tls=pem, args=["--tls-ca", ca_pem], client_cert=(cl_pem, cl_key),
               urls=("tls+tcp://127.0.0.1:%d" % free_port(), "tls+tcp://127.0.0.1:%d" % free_port()))
    engines.append(c)

    def with_cert(cert, key):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        if cert:
            ctx.load_cert_chain(cert, key)
        try:
            conn = http.client.HTTPSConnection("127.0.0.1", c.port, timeout=10, context=ctx)
            conn.request("POST", "/api/v1/whoami", body="{}", headers={"Authorization": "Bearer " + c.admin,
                                                                      "Content-Type": "application/json"})
            r = conn.getresponse()
            return r.status, r.read()
        except (OSError, http.client.HTTPException) as ex:
            return 0, repr(ex).encode()
    try:
        c.start()
        started = True
    except RuntimeError as ex:
        started = False
        print("  " + str(ex))
    st_none, body_none = with_cert(None, None) if started else (0, b"")
    st_other, _ = with_cert(other_pem, other_key) if started else (0, b"")
    st_ok, body_ok = with_cert(cl_pem, cl_key) if started else (0, b"")
    result("https_client_certificate_required", made and started and st_none in (0, 403) and st_other in (0, 403)
           and st_ok == 200 and b'"ok":true' in body_ok,
           "none %d %r, other CA %d, ours %d %r" % (st_none, body_none[:80], st_other, st_ok, body_ok[:80]))


if __name__ == "__main__":
    main()
