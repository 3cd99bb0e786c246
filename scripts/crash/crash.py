#!/usr/bin/env python3
"""Crash rounds: Guichet killed with SIGKILL while applicants file, an instructor works and a
committee applies a wave; restarted; checked. Then one graceful stop (SIGTERM) under load.

    scripts/crash/crash.py --bin BIN --kind sqlite|postgres --work DIR [--rounds N] [--port P]
                           [--applicants K] [--seed S]

The database is SQLite at DIR/guichet.sqlite, or PostgreSQL at the URL in DIR/database.url (an
empty database); the data folder is DIR/data. Each round: start `guichet serve`, run the clients
for a random time (0.5 to 3 s), kill -9, restart, check; the clients' records are kept across
rounds, so that each restart checks everything received since the beginning:

- every receipt a client received (its number and SHA-256 read on the receipt page) is in the
  database with the same number and digest; every dossier whose filing was answered is filed;
- no dossier number twice;
- every committee session whose application was answered "applied" is applied, with its
  decisions; no applied session lacks one; no envelope overspent and the ledger equal to the
  decisions (`guichet verify`, which also checks the audit chains, attachments, receipts, keys);
- every email queued is sent once (one .eml file a message) after the restart, or held for a
  retry (claimed when the server died: its lease runs out, then it is sent, as the same message).

Prints the figures as key=value lines at the end; exits 1 at the first loss.
"""
import argparse
import base64
import email
import glob
import http.client
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid

parser = argparse.ArgumentParser()
parser.add_argument("--bin", required=True)
parser.add_argument("--kind", choices=["sqlite", "postgres"], required=True)
parser.add_argument("--work", required=True)
parser.add_argument("--rounds", type=int, default=5)
parser.add_argument("--port", type=int, default=18140)
parser.add_argument("--applicants", type=int, default=4)
parser.add_argument("--seed", type=int, default=None)
args = parser.parse_args()
seed = args.seed if args.seed is not None else random.randrange(1 << 30)
rng = random.Random(seed)
work = os.path.abspath(args.work)
data = os.path.join(work, "data")
PASSWORD = "une phrase assez longue"
STAFF_PASSWORD = "crash staff password"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"

environment = dict(os.environ, GUICHET_DATA_DIR=data, GUICHET_BCRYPT_COST="10")
if args.kind == "sqlite":
    environment.pop("DATABASE_URL", None)
    environment["GUICHET_DATABASE_PATH"] = os.path.join(work, "guichet.sqlite")
else:
    environment["DATABASE_URL"] = open(os.path.join(work, "database.url")).read().strip()


failures = []


def fail(message):
    """Stops everything at the first loss or unexpected answer (from a client thread: recorded,
    the thread ends, the main loop stops after joining it)."""
    if threading.current_thread() is not threading.main_thread():
        failures.append(message)
        raise SystemExit(1)
    print(f"FAIL ({args.kind}, seed {seed}): {message}", file=sys.stderr)
    stop_server(signal.SIGKILL)
    sys.exit(1)


# --------------------------------------------------------------------------------------------
# The server

server = None
server_log = open(os.path.join(work, "serve.log"), "ab")


def start_server():
    global server
    server = subprocess.Popen([args.bin, "serve", "--hostname", "127.0.0.1", "--port", str(args.port)],
                              env=environment, stdout=server_log, stderr=server_log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            fail(f"the server exited with {server.returncode} on start (serve.log)")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    fail("the server did not answer /health within 120 s")


def stop_server(sig):
    global server
    if server is None or server.poll() is not None:
        server = None
        return None
    server.send_signal(sig)
    try:
        code = server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        code = server.wait()
    server = None
    return code


def guichet(*arguments, check=True):
    result = subprocess.run([args.bin, *arguments], env=environment, capture_output=True, text=True)
    if check and result.returncode != 0:
        fail(f"guichet {' '.join(arguments)}: {result.stdout[-2000:]}{result.stderr[-2000:]}")
    return result


def sql(query):
    """Rows of a query, as lists of strings (identifiers in lower case, as pages write them)."""
    return [[v.lower() if v and re.fullmatch(UUID, v.lower()) else v for v in row] for row in raw_sql(query)]


def raw_sql(query):
    if args.kind == "sqlite":
        connection = sqlite3.connect(environment["GUICHET_DATABASE_PATH"], timeout=30)
        try:
            return [[None if v is None else str(v) for v in row] for row in connection.execute(query).fetchall()]
        finally:
            connection.close()
    result = subprocess.run(["psql", environment["DATABASE_URL"], "-qAtX", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", query],
                            capture_output=True, text=True)
    if result.returncode != 0:
        fail(f"psql: {result.stderr}")
    return [[None if v == "" else v for v in line.split("\t")] for line in result.stdout.splitlines()]


# --------------------------------------------------------------------------------------------
# A browser without JavaScript

class Down(Exception):
    """The server went away in the middle of an exchange (the kill)."""


class Browser:
    def __init__(self):
        self.cookie = ""
        self.csrf = ""

    def request(self, method, path, body=None, content_type=None):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
            headers = {"Cookie": self.cookie} if self.cookie else {}
            if content_type:
                headers["Content-Type"] = content_type
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            connection.close()
        except (OSError, http.client.HTTPException) as error:
            raise Down(str(error))
        for value in response.headers.get_all("Set-Cookie") or []:
            if value.startswith("guichet_session="):
                self.cookie = value.split(";", 1)[0]
        token = re.search(r'name="_csrf" value="([^"]+)"', text)
        if token:
            self.csrf = token.group(1)
        if response.status >= 500:
            fail(f"{method} {path} answered {response.status}")
        return response.status, response.headers, text

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, fields):
        body = urllib.parse.urlencode({"_csrf": self.csrf, **fields}, doseq=True).encode()
        return self.request("POST", path, body, "application/x-www-form-urlencoded")

    def multipart(self, path, fields, files):
        boundary = "----crash" + uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{n}"\r\n\r\n{v}\r\n'.encode()
                 for n, v in [("_csrf", self.csrf), *fields]]
        for name, filename, content in files:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                         f'Content-Type: application/octet-stream\r\n\r\n'.encode() + content + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request("POST", path, b"".join(parts), f"multipart/form-data; boundary={boundary}")

    def sign_in(self, address, password):
        self.get("/connexion")
        status, _, _ = self.post("/connexion", {"email": address, "password": password})
        if status != 303 or not self.cookie:
            fail(f"{address} could not sign in ({status})")


def confirmation_token(address):
    for _ in range(120):
        for path in glob.glob(os.path.join(data, "mail", "*.eml")):
            message = email.message_from_bytes(open(path, "rb").read())
            if message["To"] == address:
                found = re.search(r"/confirmation\?jeton=([A-Za-z0-9_-]+)", base64.b64decode(message.get_payload()).decode())
                if found:
                    return found.group(1)
        time.sleep(0.5)
    fail(f"no confirmation email for {address}")


# --------------------------------------------------------------------------------------------
# What the clients received, across rounds

lock = threading.Lock()
receipts = {}          # dossier id -> (number, digest): the receipt page was read
filed = set()          # dossier ids whose filing was answered (303 to the receipt)
applied_sessions = set()
counts = {"filings_started": 0, "filings_answered": 0, "receipts_read": 0, "interrupted": 0,
          "instruction_actions": 0, "waves_applied": 0, "waves_refused": 0, "kills": 0}


def count(key, n=1):
    with lock:
        counts[key] += n


class Applicant:
    def __init__(self, index):
        self.address = f"crash-{index}-{uuid.uuid4().hex[:6]}@exemple.fr"
        self.browser = Browser()
        b = self.browser
        b.get("/inscription")
        status, _, text = b.post("/inscription", {"display_name": f"Porteur {index}", "email": self.address,
                                                  "password": PASSWORD, "password_confirmation": PASSWORD})
        if status != 200:
            fail(f"sign-up answered {status}")
        status, _, _ = b.get("/confirmation?jeton=" + confirmation_token(self.address))
        b.sign_in(self.address, PASSWORD)
        b.get("/organisations/nouvelle")
        status, headers, _ = b.post("/organisations", {
            "name": f"Association de crash {index}", "legal_form": "association_declaree", "siret": "",
            "rna": "W02" + str(rng.randrange(10**6, 10**7)), "address": "1 rue de la Paix", "postcode": "02000",
            "city": "Laon", "departement": "02"})
        if status != 303:
            fail(f"registering an organisation answered {status}")
        self.organisation = headers["Location"].rstrip("/").split("/")[-1]

    def file_one(self):
        b = self.browser
        b.get("/appels/essai-hdf/deposer")
        status, headers, _ = b.post("/appels/essai-hdf/deposer", {"organisation": self.organisation})
        if status != 303:
            return
        edit = headers["Location"]
        count("filings_started")
        b.get(edit)
        answers = [("title", f"Projet {uuid.uuid4().hex[:8]}"), ("summary", "Un camion pour les villages."),
                   ("theme", "alimentation"), ("objectives", ""), ("objectives", "biens-essentiels"),
                   ("territory", "departement:02"), ("expected_public", "Familles isolées."), ("beneficiaries", "120"),
                   ("start_date", "2027-01-04"), ("end_date", "2027-12-17"), ("amount_requested", "30 000"),
                   ("total_budget", "42 000"), ("cofinancing", ""), ("next", "summary")]
        unique = PDF + uuid.uuid4().hex.encode()
        status, headers, _ = b.multipart(edit, answers, [("budget_document", "budget.pdf", unique),
                                                         ("statutes", "statuts.pdf", PDF), ("bank_details", "rib.pdf", PDF),
                                                         ("annual_accounts", "", b"")])
        if status != 303:
            fail(f"saving a draft answered {status}")
        status, _, page = b.get(headers["Location"])
        action = re.search(r'<form method="post" action="([^"]+/deposer)"', page)
        if not action:
            fail("the summary does not offer filing")
        dossier = re.search(UUID, action.group(1)).group(0)
        status, headers, _ = b.post(action.group(1), {})
        if status != 303:
            fail(f"filing answered {status}")
        with lock:
            filed.add(dossier)
        count("filings_answered")
        status, _, receipt = b.get(headers["Location"])
        number = re.search(r"ESSAI-\d{4,}", receipt)
        digest = re.search(r"\b[0-9a-f]{64}\b", receipt)
        if status != 200 or not number or not digest:
            fail("the receipt lacks its number or digest")
        with lock:
            receipts[dossier] = (number.group(0), digest.group(0))
        count("receipts_read")


def applicant_loop(applicant, stop):
    while not stop.is_set():
        try:
            applicant.file_one()
        except Down:
            count("interrupted")
            return


def instructor_loop(stop):
    browser = Browser()
    try:
        browser.sign_in("instructeur-crash@exemple.fr", STAFF_PASSWORD)
        while not stop.is_set():
            _, _, queue = browser.get("/instruction")
            pages = re.findall(r'href="(/instruction/dossiers/' + UUID + r')"', queue)
            if not pages:
                time.sleep(0.1)
                continue
            page = rng.choice(pages)
            browser.get(page)
            status, _, _ = browser.post(page + "/annotations", {"note": f"Note {uuid.uuid4().hex[:6]}"})
            if status != 303:
                fail(f"an instructor's note answered {status}")
            count("instruction_actions")
    except Down:
        count("interrupted")


def committee_loop(stop, chair_ids):
    """Opens a session of wave 2 with one retained decision on a reviewed dossier, then applies it."""
    browser = Browser()
    try:
        browser.sign_in("presidente-crash@exemple.fr", STAFF_PASSWORD)
        while not stop.is_set():
            browser.get("/comite/seances/nouvelle")
            candidates = sql("select d.id, d.requested_cents from dossiers d join calls c on c.id = d.call_id "
                             "where c.reference = 'hdf-2021' and d.status = 'reviewed' and d.id not in "
                             "(select dossier_id from staged_decisions) order by d.number limit 20")
            if not candidates:
                return
            dossier, cents = rng.choice(candidates)
            amount = max(100, int(cents) // 10)
            status, headers, _ = browser.post("/comite/seances", {
                "call": "hdf-2021", "wave": "2", "title": f"Crash {uuid.uuid4().hex[:6]}",
                "held_on": time.strftime("%Y-%m-%d"), "scope": "region:32", "chair": chair_ids[0],
                "members": [chair_ids[1]], "quorum": "2"})
            session = re.search(rf"/comite/seances/({UUID})$", headers.get("Location", "")) if status == 303 else None
            if not session:
                fail(f"opening a session answered {status} {headers.get('Location')}")
            session = session.group(1)
            browser.get(f"/comite/seances/{session}")
            browser.post(f"/comite/seances/{session}/presences", {"present": list(chair_ids)})
            browser.post(f"/comite/seances/{session}/decisions", {
                "dossier": dossier, "outcome": "retained", "amount": f"{amount // 100},{amount % 100:02d}",
                "motive": "", "retour": ""})
            status, headers, _ = browser.post(f"/comite/seances/{session}/appliquer", {"confirmer": "oui"})
            if status == 303 and not headers.get("X-Guichet-Error"):
                with lock:
                    applied_sessions.add(session)
                count("waves_applied")
            else:
                count("waves_refused")
    except Down:
        count("interrupted")


# --------------------------------------------------------------------------------------------
# Checks

def check(round_number):
    problems = []
    numbers = {row[0]: row[1:] for row in sql("select id, number, receipt_digest, status from dossiers")}
    with lock:
        known_receipts = dict(receipts)
        known_filed = set(filed)
        known_applied = set(applied_sessions)
    for dossier, (number, digest) in known_receipts.items():
        row = numbers.get(dossier)
        if row is None:
            problems.append(f"receipt {number}: dossier {dossier} missing")
        elif row[0] != number or row[1] != digest:
            problems.append(f"receipt {number}: the database holds {row[0]} {row[1]}")
    for dossier in known_filed:
        row = numbers.get(dossier)
        if row is None or row[2] == "draft":
            problems.append(f"dossier {dossier} answered as filed is {row[2] if row else 'missing'}")
    twice = sql("select call_id, number, count(*) from dossiers where number is not null group by call_id, number having count(*) > 1")
    problems += [f"number {row[1]} given {row[2]} times" for row in twice]
    statuses = {row[0]: row[1] for row in sql("select id, status from committee_sessions")}
    for session in known_applied:
        if statuses.get(session) != "applied":
            problems.append(f"session {session} answered as applied is {statuses.get(session)}")
    for session, staged, decided in sql(
            "select cs.id, (select count(*) from staged_decisions s where s.session_id = cs.id), "
            "(select count(*) from decisions d join staged_decisions s on s.dossier_id = d.dossier_id "
            " where s.session_id = cs.id and d.wave_id = cs.wave_id) from committee_sessions cs where cs.status = 'applied' "
            "and cs.title like 'Crash %'"):
        if staged != decided:
            problems.append(f"applied session {session}: {staged} staged, {decided} decisions")
    verify = guichet("verify", check=False)
    if verify.returncode != 0:
        problems.append("guichet verify: " + (verify.stdout + verify.stderr).strip()[-1500:])
    # Mail: one file a message sent; every message sent, or claimed by the killed server (its lease
    # runs out and it is sent again, as the same message and file).
    deadline = time.monotonic() + 30
    while True:
        unsent = sql("select count(*) from outbox_messages where sent_at is null and locked_until is null")[0][0]
        if int(unsent) == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    if int(unsent) != 0:
        problems.append(f"{unsent} email(s) neither sent nor held for a retry 30 s after the restart")
    sent = {row[0] for row in sql("select id from outbox_messages where sent_at is not null")}
    files = {}
    for path in glob.glob(os.path.join(data, "mail", "*.eml")):
        found = re.search(rf"({UUID})\.eml$", path)
        if found:
            files[found.group(1)] = files.get(found.group(1), 0) + 1
    problems += [f"email {i} written {n} times" for i, n in files.items() if n > 1]
    problems += [f"email {i} marked sent, no file" for i in sent if i not in files]
    if problems:
        fail(f"round {round_number}: " + "; ".join(problems[:20]))
    held = sql("select count(*) from outbox_messages where sent_at is null and locked_until is not null")[0][0]
    return len(sent), int(held)


# --------------------------------------------------------------------------------------------
# The rounds

started = time.monotonic()
start_server()
for email_address, name, role, scope in [
        ("instructeur-crash@exemple.fr", "Instructeur crash", "instructor", "departement:02"),
        ("presidente-crash@exemple.fr", "Presidente Crash", "committee_chair", "region:32"),
        ("membre-crash@exemple.fr", "Membre Crash", "committee_member", "region:32")]:
    result = subprocess.run([args.bin, "user", "create", "--email", email_address, "--name", name, "--role", role,
                             "--scope", scope], env=dict(environment, GUICHET_NEW_PASSWORD=STAFF_PASSWORD),
                            capture_output=True, text=True)
    if result.returncode != 0:
        fail(f"user create: {result.stderr[-1000:]}")
chair = Browser()
chair.sign_in("presidente-crash@exemple.fr", STAFF_PASSWORD)
_, _, form = chair.get("/comite/seances/nouvelle")
chair_id = re.search(rf'<option value="({UUID})"[^>]*>Presidente Crash</option>', form)
member_id = re.search(rf'value="({UUID})"[^>]*><label[^>]* for="member-[^"]+">Membre Crash[ <]', form)
if not chair_id or not member_id:
    fail("the new-session form does not offer the chair and the member")
chair_ids = (chair_id.group(1), member_id.group(1))
applicants = [Applicant(i) for i in range(args.applicants)]

for round_number in range(1, args.rounds + 1):
    if server is None:
        start_server()
        for applicant in applicants:
            applicant.browser.sign_in(applicant.address, PASSWORD)
    stop = threading.Event()
    threads = [threading.Thread(target=applicant_loop, args=(a, stop)) for a in applicants]
    threads.append(threading.Thread(target=instructor_loop, args=(stop,)))
    threads.append(threading.Thread(target=committee_loop, args=(stop, chair_ids)))
    for thread in threads:
        thread.start()
    time.sleep(rng.uniform(0.5, 3.0))
    stop_server(signal.SIGKILL)
    count("kills")
    stop.set()
    for thread in threads:
        thread.join()
    if failures:
        fail(f"round {round_number}: {failures[0]}")
    start_server()
    sent, held = check(round_number)
    print(f"round {round_number}: killed and restarted; {len(receipts)} receipts, {len(filed)} filings, "
          f"{len(applied_sessions)} waves applied so far; {sent} emails sent, {held} held for a retry; no loss",
          flush=True)

# A graceful stop under load: the answers in flight are given, the process exits 0.
answers = []


def reader():
    browser = Browser()
    for _ in range(100000):
        try:
            status, _, _ = browser.get("/appels/hdf-2021/resultats")
            answers.append(status)
        except Down:
            return


readers = [threading.Thread(target=reader) for _ in range(6)]
for thread in readers:
    thread.start()
time.sleep(0.3)
began = time.monotonic()
code = stop_server(signal.SIGTERM)
stopped_in = time.monotonic() - began
for thread in readers:
    thread.join()
if code != 0:
    fail(f"SIGTERM: the server exited with {code}")
if any(status != 200 for status in answers):
    fail(f"SIGTERM: answers {sorted(set(answers))} during the stop")
log = open(os.path.join(work, "serve.log"), "rb").read().decode("utf-8", "replace")
for line in log.splitlines():
    if " critical " in line or "Fatal error" in line:
        fail(f"the server's log: {line}")

print(f"kind={args.kind}")
print(f"seed={seed}")
print(f"rounds={args.rounds}")
for key, value in counts.items():
    print(f"{key}={value}")
print(f"receipts_checked={len(receipts)}")
print(f"sigterm_stop_seconds={stopped_in:.2f} answers_during_stop={len(answers)}")
print("losses=0")
print(f"seconds={time.monotonic() - started:.0f}")
