#!/usr/bin/env python3
"""Complete drafts ready to be filed, for scripts/bench-scale.sh to file under load.

    scripts/bench-scale/drafts.py BASE_URL DATA_DIR CALL COUNT OUT_FILE [APPLICANTS]

As applicants do it through the pages (the same steps as scripts/journey.py, standard library
only): signs up APPLICANTS people (default 4; sign-ups are limited to ten an hour per address),
confirms each address with the link of the emailed .eml file (DATA_DIR/mail, written by the
server's outbox within a few seconds), signs each in, registers one organisation each, then starts
COUNT dossiers on CALL (round robin over the applicants, several at a time) and fills each one in
completely, with its three required attachments, up to the summary. The first summary must offer
filing. Writes one line per draft to OUT_FILE: `path<TAB>cookie<TAB>csrf`, the filing request
(POST path with the owner's session cookie and CSRF token) that the wrk script sends. Prints
key=value lines. Exits non-zero at the first unexpected answer. Talks to BASE_URL only.
"""
import base64
import email
import glob
import http.client
import os
import re
import sys
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor

base, data_dir, call, count, out_file = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
applicants = int(sys.argv[6]) if len(sys.argv) > 6 else 4
parsed = urllib.parse.urlsplit(base)
host, port = parsed.hostname, parsed.port or 80
password = "une phrase assez longue pour le banc"
pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
local = threading.local()


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def connection():
    """One keep-alive connection per worker thread."""
    if getattr(local, "connection", None) is None:
        local.connection = http.client.HTTPConnection(host, port, timeout=120)
    return local.connection


def request(method, path, cookie="", body=None, content_type=None):
    headers = {"Cookie": cookie} if cookie else {}
    if content_type:
        headers["Content-Type"] = content_type
    for attempt in (1, 2):
        try:
            conn = connection()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                local.connection = None
            return response.status, response.headers, text
        except (http.client.HTTPException, ConnectionError):
            # The server closes idle keep-alive connections: one fresh connection, once.
            local.connection = None
            if attempt == 2:
                raise


class Applicant:
    def __init__(self, index):
        self.email = f"banc-{index}-{uuid.uuid4().hex[:8]}@exemple.fr"
        self.cookie = ""
        self.csrf = ""
        self.organisation = ""

    def send(self, method, path, body=None, content_type=None, wanted=200):
        status, headers, text = request(method, path, self.cookie, body, content_type)
        for value in headers.get_all("Set-Cookie") or []:
            if value.startswith("guichet_session="):
                self.cookie = value.split(";", 1)[0]
        if status != wanted:
            fail(f"{method} {path} as {self.email}: HTTP {status}, expected {wanted} "
                 f"{headers.get('X-Guichet-Error') or ''}\n{re.sub('<[^>]+>', ' ', text)[:600]}")
        token = re.search(r'name="_csrf" value="([^"]+)"', text)
        if token:
            self.csrf = token.group(1)
        return headers, text

    def get(self, path, wanted=200):
        return self.send("GET", path, wanted=wanted)

    def post(self, path, fields, wanted=303):
        body = urllib.parse.urlencode({"_csrf": self.csrf, **fields}, doseq=True).encode()
        return self.send("POST", path, body, "application/x-www-form-urlencoded", wanted)

    def post_multipart(self, path, fields, files, wanted=303):
        boundary = "----banc" + uuid.uuid4().hex
        parts = []
        for name, value in [("_csrf", self.csrf)] + fields:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, filename, data in files:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                         f'Content-Type: application/octet-stream\r\n\r\n'.encode() + data + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.send("POST", path, b"".join(parts), f"multipart/form-data; boundary={boundary}", wanted)


def confirmation_token(address, deadline):
    while time.monotonic() < deadline:
        for path in glob.glob(os.path.join(data_dir, "mail", "*.eml")):
            with open(path, "rb") as handle:
                message = email.message_from_bytes(handle.read())
            if message["To"] != address:
                continue
            payload = b"".join(part.get_payload(decode=True) or b"" for part in message.walk()
                               if not part.is_multipart())
            found = re.search(rb"/confirmation\?jeton=([A-Za-z0-9_-]+)", payload)
            if found:
                return found.group(1).decode()
        time.sleep(0.3)
    fail(f"no confirmation email for {address} in {os.path.join(data_dir, 'mail')}")


started = time.monotonic()
people = [Applicant(i + 1) for i in range(applicants)]
for person in people:
    person.get("/inscription")
    person.post("/inscription", {"display_name": "Banc d'essai", "email": person.email, "password": password,
                                 "password_confirmation": password}, wanted=200)
deadline = time.monotonic() + 60
for person in people:
    person.get("/confirmation?jeton=" + confirmation_token(person.email, deadline), wanted=303)
    person.get("/connexion")
    person.post("/connexion", {"email": person.email, "password": password})
    person.get("/organisations/nouvelle")
    headers, _ = person.post("/organisations", {
        "name": "Association du banc d'essai", "legal_form": "association_declaree", "siret": "",
        "rna": "W" + str(uuid.uuid4().int)[:9], "address": "1 rue de la Paix", "postcode": "02000",
        "city": "Laon", "departement": "02"})
    found = re.search(rf"/organisations/({UUID})$", headers.get("Location", ""))
    if not found:
        fail(f"registering an organisation led to {headers.get('Location')}")
    person.organisation = found.group(1)
    person.get(f"/appels/{call}/deposer")  # the applicant's form, and the session's CSRF token
print(f"applicants={len(people)} signed up, confirmed, signed in, one organisation each "
      f"({time.monotonic() - started:.1f} s)")

answers = [("title", "Épicerie solidaire mobile"), ("summary", "Un camion pour les villages."),
           ("theme", "alimentation"), ("objectives", ""), ("objectives", "biens-essentiels"),
           ("territory", "departement:02"), ("expected_public", "Familles isolées."), ("beneficiaries", "120"),
           ("start_date", "2027-01-04"), ("end_date", "2027-12-17"), ("amount_requested", "30 000"),
           ("total_budget", "42 000"), ("cofinancing", ""), ("next", "summary")]
files = [("budget_document", "budget.pdf", pdf), ("statutes", "statuts.pdf", pdf), ("bank_details", "rib.pdf", pdf),
         ("annual_accounts", "", b"")]


def prepare(index):
    person = people[index % len(people)]
    headers, _ = person.post(f"/appels/{call}/deposer", {"organisation": person.organisation})
    edit = headers.get("Location", "")
    found = re.fullmatch(rf"/dossiers/({UUID})/modifier", edit)
    if not found:
        fail(f"starting a dossier led to {edit!r}")
    headers, _ = person.post_multipart(edit, answers, files)
    if headers.get("Location") != f"/dossiers/{found.group(1)}/recapitulatif":
        fail(f"saving the form led to {headers.get('Location')!r}, not the summary (a field refused?)")
    return f"/dossiers/{found.group(1)}/deposer", person


started = time.monotonic()
first, owner = prepare(0)
_, summary = owner.get(first.replace("/deposer", "/recapitulatif"))
if "Déposer définitivement" not in summary or f'action="{first}"' not in summary:
    fail("the summary of a complete draft does not offer filing:\n" + re.sub("<[^>]+>", " ", summary)[:1200])
with ThreadPoolExecutor(max_workers=6) as pool:
    prepared = [(first, owner)] + list(pool.map(prepare, range(1, count)))
with open(out_file, "w") as out:
    for path, person in prepared:
        out.write(f"{path}\t{person.cookie}\t{person.csrf}\n")
elapsed = time.monotonic() - started
print(f"drafts={len(prepared)} complete drafts on {call} in {elapsed:.1f} s ({len(prepared) / elapsed:.0f} a second, "
      f"two requests each: start, then the whole form with three attachments)")
