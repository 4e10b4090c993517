"""Run the end-to-end checks against a real Odoo server and an SMTP sink.

Odoo sends no mail while its test runner runs, so what must leave the server
(a contract sent to a customer, a digest) is checked here, outside it: an SMTP
sink on loopback (aiosmtpd) is the server's only outgoing mail server, a real
``odoo`` process serves the database, and each check drives it over JSON-RPC
and reads what the sink received.

    python e2e.py --db DB --log LOG [--results FILE] -- ODOO_COMMAND... -- CHECK_FILE...

A check file is ``tests/e2e/check_<topic>.py``; every module-level function
``check_*`` taking one argument is one check, given a :class:`Server`, and
fails by raising. Prints a line per check and the plain last line
``N passed, N failed``; ``--results`` also writes them as JSON lines for
``test_report.py``. Exit status 1 when a check failed or none ran.
"""

# A command-line program: what it prints is its output, not a log.
# pylint: disable=print-used

import argparse
import email
import email.policy
import importlib.util
import itertools
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
import urllib.error
import urllib.request

from aiosmtpd.controller import Controller

SERVER_START_TIMEOUT = 180
RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) ")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Sink:
    """The SMTP server that receives everything Odoo sends."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # pylint: disable=unused-argument
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message.envelope_from = envelope.mail_from
        message.envelope_to = list(envelope.rcpt_tos)
        with self.lock:
            self.messages.append(message)
        return "250 OK"

    def received(self):
        with self.lock:
            return list(self.messages)

    def clear(self):
        with self.lock:
            self.messages.clear()


class RpcError(Exception):
    """An error the server returned to a JSON-RPC call (its message and debug text)."""


class Server:
    """What a check is given: the running server, its database and the sink."""

    def __init__(self, url, db, sink):
        self.url = url
        self.db = db
        self.sink = sink
        self._ids = itertools.count(1)
        self._uids = {}

    def _rpc(self, service, method, *args):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": next(self._ids),
            "params": {"service": service, "method": method, "args": list(args)},
        }
        request = urllib.request.Request(
            f"{self.url}/jsonrpc", data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=300) as response:
            answer = json.load(response)
        if answer.get("error"):
            error = answer["error"]
            data = error.get("data") or {}
            raise RpcError(f"{data.get('message') or error.get('message')}\n{data.get('debug', '')}")
        return answer.get("result")

    def call_as(self, login, password, model, method, *args, **kwargs):
        if (login, password) not in self._uids:
            uid = self._rpc("common", "login", self.db, login, password)
            if not uid:
                raise RpcError(f"login {login!r} refused")
            self._uids[login, password] = uid
        uid = self._uids[login, password]
        return self._rpc("object", "execute_kw", self.db, uid, password, model, method, list(args), kwargs)

    def call(self, model, method, *args, **kwargs):
        return self.call_as("admin", "admin", model, method, *args, **kwargs)

    def ref(self, xmlid):
        module, name = xmlid.split(".", 1)
        found = self.call("ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)], ["res_id"])
        if not found:
            raise RpcError(f"no record with the external id {xmlid}")
        return found[0]["res_id"]

    def run_cron(self, xmlid):
        self.call("ir.cron", "method_direct_trigger", [self.ref(xmlid)])

    def clear_mails(self):
        self.sink.clear()

    def mails(self, count=1, match=None, timeout=60):
        """Wait until the sink holds ``count`` messages matching ``match``; return them."""
        deadline = time.monotonic() + timeout
        while True:
            self.call("mail.mail", "process_email_queue")
            found = [message for message in self.sink.received() if match is None or match(message)]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                subjects = [message["subject"] for message in self.sink.received()]
                raise AssertionError(
                    f"{len(found)} matching message(s) received in {timeout} s, {count} expected; "
                    f"all received: {subjects}"
                )
            time.sleep(0.5)


def load_checks(paths):
    for path in paths:
        name = "e2e_" + os.path.splitext(os.path.basename(path))[0]
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for attr, value in vars(module).items():
            if attr.startswith("check_") and callable(value):
                yield f"{os.path.basename(path)}::{attr}", value


def start_server(command, url, log):
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Odoo server exited with status {process.returncode} (see {log})")
        try:
            with urllib.request.urlopen(f"{url}/web/health", timeout=5):
                return process
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(1)
    stop_server(process)
    raise RuntimeError(f"the Odoo server did not answer within {SERVER_START_TIMEOUT} s (see {log})")


def stop_server(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def server_errors(log):
    errors, record = [], None
    with open(log, encoding="utf-8", errors="replace") as lines:
        for line in lines:
            match = RECORD.match(line)
            if match:
                record = [line.rstrip("\n")] if match["level"] in ("ERROR", "CRITICAL") else None
                if record is not None:
                    errors.append(record)
            elif record is not None:
                record.append(line.rstrip("\n"))
    return ["\n".join(error) for error in errors]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--results")
    parser.add_argument("rest", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    rest = args.rest[1:] if args.rest[:1] == ["--"] else args.rest
    split = rest.index("--")
    odoo_command, paths = rest[:split], rest[split + 1 :]

    checks = list(load_checks(paths))
    results = []
    if checks:
        sink = Sink()
        sink.controller.start()
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        command = [
            *odoo_command,
            "-d",
            args.db,
            "--db-filter",
            f"^{re.escape(args.db)}$",
            "--http-interface",
            "127.0.0.1",
            "--http-port",
            str(port),
            "--gevent-port",
            str(free_port()),
            "--workers",
            "0",
            "--max-cron-threads",
            "0",
            "--smtp",
            "127.0.0.1",
            "--smtp-port",
            str(sink.port),
            "--logfile",
            args.log,
            "--log-level",
            "info",
        ]
        process = None
        try:
            process = start_server(command, url, args.log)
            server = Server(url, args.db, sink)
            for name, check in checks:
                sink.clear()
                try:
                    check(server)
                except Exception:  # pylint: disable=broad-except
                    results.append({"check": name, "ok": False, "detail": traceback.format_exc()})
                else:
                    results.append({"check": name, "ok": True})
        except RuntimeError as error:
            results.append({"check": "the Odoo server", "ok": False, "detail": str(error)})
        finally:
            if process:
                stop_server(process)
            sink.controller.stop()
        errors = server_errors(args.log)
        if errors:
            results.append(
                {
                    "check": "the Odoo server's log",
                    "ok": False,
                    "detail": f"{len(errors)} error(s) logged:\n" + "\n".join(errors),
                }
            )

    for result in results:
        print(f"e2e {'ok' if result['ok'] else 'FAILED'}: {result['check']}")
        if not result["ok"]:
            print(result["detail"])
    if args.results:
        with open(args.results, "w", encoding="utf-8") as out:
            for result in results:
                out.write(json.dumps(result) + "\n")
    failed = sum(not result["ok"] for result in results)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())
