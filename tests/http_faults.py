"""Bad input and faults against chapter 02's server, as raw sockets (run by 02-server-faults.t).

Each fault is played while a well-behaved keep-alive client (the bystander) stays
connected; after each one the bystander must still be answered, and at the end the
server must hold exactly the fds it held at the start. Prints TAP.

    python3 tests/http_faults.py BUILD-DIR
"""
import atexit
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import time
import traceback

TIMEOUT = 20  # seconds for any single wait: generous, for sanitizers on a busy machine
count = 0
failed = 0


def ok(passed, description, detail=""):
    global count, failed
    count += 1
    print(f"{'' if passed else 'not '}ok {count} - {description}", flush=True)
    if not passed:
        failed += 1
        for line in str(detail).splitlines()[:20]:
            print(f"#   {line}", flush=True)
    return passed


class Server:
    started = []  # killed at exit, whatever happens to the test

    def __init__(self, build, *options, preexec=None):
        self.proc = subprocess.Popen(
            [os.path.join(build, "02-event-loop", "server"), "--port", "0", "--clients", "0",
             "--seconds", "0", *options],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=preexec)
        Server.started.append(self.proc)
        line = self.proc.stdout.readline()
        self.port = int(line.split("127.0.0.1:")[1].split(",")[0])

    def fds(self):
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        out, err = self.proc.communicate(timeout=TIMEOUT)
        return self.proc.returncode, out, err


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    return s


class Reader:
    """Responses off a socket, one at a time: what arrives beyond one is kept for the next."""

    def __init__(self, sock):
        self.sock, self.data = sock, b""

    def _more(self):
        chunk = self.sock.recv(65536)
        self.data += chunk
        return bool(chunk)

    def response(self, head_only=False):
        """(status, head, body); status 0 if the connection ended first."""
        while b"\r\n\r\n" not in self.data:
            if not self._more():
                return 0, self.data, b""
        head, _, self.data = self.data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length" and not head_only:
                length = int(value)
        while len(self.data) < length:
            if not self._more():
                break
        body, self.data = self.data[:length], self.data[length:]
        return int(head.split(b" ")[1]), head, body


def read_response(s):
    return Reader(s).response()


def closed_by_server(s):
    """True if the server closes the connection (EOF or reset) within TIMEOUT."""
    try:
        return s.recv(65536) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


GET = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def bystander_served(bystander):
    bystander.sendall(GET)
    status, _, body = read_response(bystander)
    return status == 200 and body == b"Hello, World!\n"


def wait_for_fds(server, want):
    deadline = time.monotonic() + TIMEOUT
    while server.fds() != want and time.monotonic() < deadline:
        time.sleep(0.02)
    return server.fds()


def test_protocol(server, bystander):
    s = connect(server.port)
    s.sendall(GET + b"GET /nope HTTP/1.1\r\nHost: a\r\n\r\n" + b"HEAD / HTTP/1.1\r\nHost: a\r\n\r\n"
              + b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi" + GET)
    r = Reader(s)
    got = [r.response(), r.response(), r.response(head_only=True), r.response(), r.response()]
    statuses = [status for status, _, _ in got]
    ok(statuses == [200, 404, 200, 405, 200],
       "pipelined GET /, GET /nope, HEAD /, POST / (with a body), GET /: 200 404 200 405 200",
       statuses)
    ok(got[0][2] == b"Hello, World!\n" and b"Content-Length: 14" in got[2][1],
       "GET has the body; HEAD announces its length but sends none")
    s.close()

    s = connect(server.port)
    s.sendall(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
    status, head, _ = read_response(s)
    ok(status == 200 and b"Connection: close" in head and closed_by_server(s),
       "Connection: close is answered, then the server closes")
    s.close()

    s = connect(server.port)
    s.sendall(b"GET / HTTP/1.0\r\n\r\n")
    status, _, _ = read_response(s)
    ok(status == 200 and closed_by_server(s), "HTTP/1.0 without keep-alive: answered, closed")
    s.close()
    ok(bystander_served(bystander), "the bystander is still served")


def test_megabyte_without_newline(server, bystander):
    s = connect(server.port)
    s.sendall(b"A" * (16 * 1024))
    status, _, body = read_response(s)
    ok(status == 431, "16 KiB without a newline: 431 at once, not after 1 MiB",
       f"status {status} {body!r}")
    try:
        s.sendall(b"A" * (1024 * 1024 - 16 * 1024))  # the server reads and drops the rest
        s.shutdown(socket.SHUT_WR)
        sent_all = True
    except OSError:
        sent_all = False
    ok(closed_by_server(s), "after the rest of the 1 MiB it closes the connection",
       f"sent all: {sent_all}")
    s.close()
    ok(bystander_served(bystander), "the bystander is still served")


def test_garbage(server, bystander):
    for name, garbage in [("a garbage request line", b"HELLO THERE\r\n"),
                          ("a TLS hello", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\n"),
                          ("a bare CR in a header", b"GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n"),
                          ("HTTP/2.0", b"GET / HTTP/2.0\r\n")]:
        s = connect(server.port)
        s.sendall(garbage)  # no blank line: the request line alone must be enough to refuse
        status, _, _ = read_response(s)
        want = 505 if name == "HTTP/2.0" else 400
        ok(status == want and closed_by_server(s), f"{name}: {want}, then closed",
           f"status {status}")
        s.close()
    ok(bystander_served(bystander), "the bystander is still served")


def test_head_everywhere(server, bystander):
    s = connect(server.port)
    s.sendall(b"HEAD /nope HTTP/1.1\r\nHost: a\r\n\r\n" + b"HEAD /stats HTTP/1.1\r\nHost: a\r\n\r\n"
              + b"DELETE / HTTP/1.1\r\nHost: a\r\n\r\n" + GET)
    r = Reader(s)
    got = [r.response(head_only=True), r.response(head_only=True), r.response(), r.response()]
    statuses = [status for status, _, _ in got]
    ok(statuses == [404, 200, 405, 200] and got[3][2] == b"Hello, World!\n",
       "HEAD /nope, HEAD /stats, DELETE /, GET /: 404 200 405 200, every HEAD answer without a body",
       statuses)
    ok(b"Allow: GET, HEAD" in got[2][1], "the 405 says which methods are allowed")
    s.close()


def answer_within(data, seconds=2):
    """Send data on a new connection; the status of the answer that comes within seconds."""
    s = connect(SERVER_PORT[0])
    s.settimeout(seconds)
    try:
        s.sendall(data)
        return read_response(s)[0]
    except socket.timeout:
        return "none"
    finally:
        s.close()


def test_refused_at_once(server, bystander):
    SERVER_PORT[0] = server.port
    ok(answer_within(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03") == 400,
       "a TLS ClientHello (no line end in it): 400 at once, not after the idle timeout")
    ok(answer_within(b"GET / HTTP/1.1\r\nHost: a b\r\n\r\n") == 400, "Host: a b: 400")
    ok(answer_within(b"GET * HTTP/1.1\r\nHost: a\r\n\r\n") == 400, "GET *: 400")
    s = connect(server.port)
    s.settimeout(2)
    s.sendall(b"POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
    try:
        interim = s.recv(25)
    except socket.timeout:
        interim = b"nothing"
    ok(interim == b"HTTP/1.1 100 Continue\r\n\r\n", "Expect: 100-continue gets its 100 Continue",
       interim)
    s.sendall(b"hi")
    ok(read_response(s)[0] == 405, "then, the body sent, the final answer (405 for POST /)")
    s.close()
    ok(bystander_served(bystander), "the bystander is still served")


SERVER_PORT = [0]


def test_slow_clients(build):
    """Its own server: a request must arrive within 1 s (plus 1 s per 100 kB)."""
    server = Server(build, "--request-timeout", "1", "--min-rate", "100000")
    s = connect(server.port)
    s.sendall(b"GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ")
    start, status = time.monotonic(), 0
    s.settimeout(0.2)
    while time.monotonic() - start < 6:  # one byte every 0.2 s: the idle timeout never fires
        try:
            s.sendall(b"x")
            status = read_response(s)[0]
            break
        except socket.timeout:
            continue
        except OSError:
            break
    took = time.monotonic() - start
    ok(status == 408 and took < 4, "a client sending its head a byte at a time: 408 after the "
       "request deadline", f"status {status} after {took:.1f} s")
    s.close()

    r = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    r.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    r.connect(("127.0.0.1", server.port))
    r.setblocking(False)
    flood, sent, start = GET * 2000, 0, time.monotonic()
    while time.monotonic() - start < 1:  # requests the server answers into a socket never read
        try:
            sent += r.send(flood)
        except BlockingIOError:
            time.sleep(0.05)
        except OSError:
            break
    r.setblocking(True)
    time.sleep(3)
    r.settimeout(TIMEOUT)
    ended = False
    try:  # now read: what was sent arrives, then the end, if the server gave up on us
        while r.recv(1 << 20):
            pass
        ended = True
    except ConnectionResetError:
        ended = True
    except socket.timeout:
        pass
    ok(ended, "a client that does not read its answers is closed after the deadline too",
       f"sent {sent} bytes of requests")
    r.close()
    stats = Reader(connect(server.port))
    stats.sock.sendall(b"GET /stats HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
    body = stats.response()[2]
    ok(b'"timeouts":2' in body, "the server counts the two as timeouts", body)
    rc, out, err = server.stop()
    ok(rc == 0 and err.strip() == "", "that server ends cleanly", err)


def test_timeout_counted_once(build):
    server = Server(build, "--idle-timeout", "0.5")
    s = connect(server.port)
    s.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n")
    status = read_response(s)[0]
    closed = closed_by_server(s)  # 408, then the server drains until a second silence
    s.close()
    stats = Reader(connect(server.port))
    stats.sock.sendall(b"GET /stats HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
    body = stats.response()[2]
    ok(status == 408 and closed and b'"timeouts":1' in body,
       "half a request then silence: 408, closed, and counted as one timeout", body)
    server.stop()


def test_fd_limit_log(build):
    """At the fd limit, the server pauses accept() every 100 ms; it says so once, not each time."""
    import resource
    server = Server(build, preexec=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (32, 32)))
    socks = [connect(server.port) for _ in range(60)]
    time.sleep(1.5)
    for s in socks:
        s.close()
    rc, out, err = server.stop()
    lines = [line for line in err.splitlines() if "accept" in line]
    ok(rc == 0 and 1 <= len(lines) <= 2, "1.5 s at the fd limit: one or two lines about it",
       "\n".join(lines[:5]) + f"\n({len(lines)} lines)")


def test_half_then_silence(build):
    """Its own server, whose idle timeout is short: 1 s."""
    server = Server(build, "--idle-timeout", "1")
    s = connect(server.port)
    s.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n")  # no blank line, then nothing
    other = connect(server.port)
    served_meanwhile = bystander_served(other)
    status, _, _ = read_response(s)
    ok(served_meanwhile, "while half a request waits, another client is served")
    ok(status == 408 and closed_by_server(s), "after the idle timeout: 408, then closed",
       f"status {status}")
    ok(closed_by_server(other), "a keep-alive connection left silent is closed too, without a word")
    for sock in (s, other):
        sock.close()
    rc, out, err = server.stop()
    ok(rc == 0 and err.strip() == "", "that server ends cleanly", err)


def test_disconnect_mid_response(server, bystander):
    for how in ("reset", "close"):
        s = connect(server.port)
        s.sendall(GET * 3000)  # ~100 KB of responses nobody reads
        time.sleep(0.05)
        if how == "reset":  # SO_LINGER 0: close() sends RST, dropping what is in flight
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    ok(bystander_served(bystander),
       "two clients gone mid-response (one reset, one closed): the bystander is still served")


def server_rss_kib(port):
    s = connect(port)
    s.sendall(b"GET /stats HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
    _, _, body = read_response(s)
    s.close()
    return int(body.split(b'"rss_kib":')[1].split(b"}")[0])


def test_backpressure(server, bystander):
    """A client that pipelines requests and never reads: the server must stop reading."""
    before = server_rss_kib(server.port)
    s = connect(server.port)
    s.setblocking(False)
    flood, sent, cap = GET * 2000, 0, 256 * 1024 * 1024
    deadline = time.monotonic() + TIMEOUT
    while sent < cap and time.monotonic() < deadline:
        try:
            sent += s.send(flood)
        except BlockingIOError:
            # Full: wait a little in case the server is only slow, then look again.
            if not select.select([], [s], [], 0.5)[1]:
                break
    after = server_rss_kib(server.port)
    ok(sent < cap, "the flood stops: the server stopped reading a client that does not read",
       f"sent {sent} bytes")
    ok(after - before < 4096, "and the server's memory did not grow with it",
       f"{before} KiB -> {after} KiB after {sent} bytes sent")
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    ok(bystander_served(bystander), "the bystander is still served")


def test_storm(server, bystander, total=10000, batch=500):
    opened, served = 0, True
    while opened < total:
        socks = []
        for i in range(batch):
            try:
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.setblocking(False)
                s.connect_ex(("127.0.0.1", server.port))
                socks.append(s)
            except OSError:
                break
        # Some say half a request, some a whole one, some nothing; some reset, some close.
        _, writable, _ = select.select([], socks, [], TIMEOUT)
        for i, s in enumerate(writable):
            try:
                if i % 3 == 1:
                    s.send(b"GET / HTTP/1.1\r\nHo")
                elif i % 3 == 2:
                    s.send(GET)
            except OSError:
                pass
        for i, s in enumerate(socks):
            if i % 2:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()
        opened += len(socks)
        served = served and bystander_served(bystander)
    ok(opened == total, f"{total} connections opened and closed in a storm", f"opened {opened}")
    ok(served, "the bystander was served after every batch of the storm")


def test_limit_waits(build):
    """--max-connections 2: a third connection waits (it is not refused), then is served."""
    server = Server(build, "--max-connections", "2")
    a, b, c = connect(server.port), connect(server.port), connect(server.port)
    for s in (a, b, c):
        s.sendall(GET)
    first = read_response(a)[0], read_response(b)[0]
    ready, _, _ = select.select([c], [], [], 0.3)
    ok(first == (200, 200) and not ready,
       "--max-connections 2: two are served, the third waits unanswered", f"{first} {ready}")
    a.close()
    status, _, _ = read_response(c)
    ok(status == 200, "one closes: the third, still connected, is served now")
    for s in (b, c):
        s.close()
    rc, out, _ = server.stop()
    ok(rc == 0 and "times the limit paused accept" in out, "the server reports its pauses")


def run(test, *args):
    """A test that raises (a timeout, a reset the server should not have sent) fails, once."""
    try:
        test(*args)
    except Exception:
        ok(False, f"{test.__name__} ran to its end", traceback.format_exc())


def main():
    build = sys.argv[1]
    server = Server(build, "--max-connections", "1000")
    bystander = connect(server.port)
    ok(bystander_served(bystander), "the bystander is served")
    fds_before = server.fds()

    for test in (test_protocol, test_head_everywhere, test_refused_at_once,
                 test_megabyte_without_newline, test_garbage,
                 test_disconnect_mid_response, test_backpressure, test_storm):
        run(test, server, bystander)

    fds_after = wait_for_fds(server, fds_before)
    ok(fds_after == fds_before, f"the server holds the fds it held before: {fds_before}",
       f"after: {fds_after}")
    bystander.close()
    rc, out, err = server.stop()
    ok(rc == 0, "SIGTERM ends the server with status 0", err)
    ok(err.strip() == "", "and it wrote nothing on stderr (no sanitizer report)", err)
    run(test_half_then_silence, build)
    run(test_limit_waits, build)
    for test in (test_slow_clients, test_timeout_counted_once, test_fd_limit_log):
        run(test, build)
    print(f"1..{count}")
    return 1 if failed else 0


def kill_servers():
    for proc in Server.started:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    atexit.register(kill_servers)
    sys.exit(main())
