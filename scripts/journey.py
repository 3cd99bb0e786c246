#!/usr/bin/env python3
"""The applicant's whole journey through Guichet's pages, as a browser without JavaScript does it.

    scripts/journey.py BASE_URL DATA_DIR [STAFF_EMAIL STAFF_PASSWORD]

Signs up, confirms the address with the link of the emailed .eml file (DATA_DIR/mail), logs in,
registers an organisation, starts a dossier on the open practice call, fills it in with its
attachments (multipart form), checks the summary, files it and opens the receipt. With an
instructor's account of the Aisne (`guichet user create … --scope departement:02`), the
instruction then finds the dossier in its queue, takes it, labels it, notes it, writes to the
applicant with a file, and reads the applicant's answer. Every page is plain HTML forms: no page
may carry a script. The applicant's address is JOURNEY_APPLICANT_EMAIL when set (its password
« une phrase assez longue »), a fresh one otherwise. Exits non-zero at the first unexpected answer. Talks to BASE_URL only (run it
against 127.0.0.1).
"""
import base64, email, glob, http.cookiejar, os, re, sys, time, urllib.error, urllib.parse, urllib.request, uuid

base, data_dir = sys.argv[1].rstrip("/"), sys.argv[2]
jar = http.cookiejar.CookieJar()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# One browser per person: the applicant's, and the instructor's (each with its own cookies).
openers = {"applicant": urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect),
           "staff": urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)}
active = "applicant"


def request(method, path, body=None, content_type=None):
    req = urllib.request.Request(base + path, data=body, method=method)
    if content_type:
        req.add_header("Content-Type", content_type)
    try:
        res = openers[active].open(req, timeout=30)
        status, headers, text = res.status, res.headers, res.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        status, headers, text = error.code, error.headers, error.read().decode("utf-8", "replace")
    if "<script" in text.lower():
        fail(f"{path} carries a script")
    return status, headers, text


def fail(message):
    print(f"journey: {message}", file=sys.stderr)
    sys.exit(1)


def expect(status, wanted, step, text=""):
    if status != wanted:
        fail(f"{step}: HTTP {status}, expected {wanted}\n{re.sub('<[^>]+>', ' ', text)[:800]}")


def csrf(html):
    match = re.search(r'name="_csrf" value="([^"]+)"', html)
    if not match:
        fail("no CSRF token in the page")
    return match.group(1)


def get(path, wanted=200):
    status, headers, text = request("GET", path)
    expect(status, wanted, f"GET {path}", text)
    return headers, text


def post(path, fields, wanted=303):
    status, headers, text = request("POST", path, urllib.parse.urlencode(fields, doseq=True).encode(),
                                    "application/x-www-form-urlencoded")
    expect(status, wanted, f"POST {path}", text)
    return headers, text


def post_multipart(path, fields, files, wanted=303):
    boundary = "----journey" + uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, filename, data in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f'Content-Type: application/octet-stream\r\n\r\n'.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    status, headers, text = request("POST", path, b"".join(parts), f"multipart/form-data; boundary={boundary}")
    expect(status, wanted, f"POST {path}", text)
    return headers, text


address = os.environ.get("JOURNEY_APPLICANT_EMAIL") or f"journey-{uuid.uuid4().hex[:8]}@exemple.fr"
password = "une phrase assez longue"

_, page = get("/inscription")
post("/inscription", {"_csrf": csrf(page), "display_name": "Marie Essai", "email": address,
                      "password": password, "password_confirmation": password}, wanted=200)

token = None
for _ in range(40):  # the outbox sends every few seconds
    for path in glob.glob(os.path.join(data_dir, "mail", "*.eml")):
        message = email.message_from_bytes(open(path, "rb").read())
        if message["To"] == address:
            body = base64.b64decode(message.get_payload()).decode()
            found = re.search(r"/confirmation\?jeton=([A-Za-z0-9_-]+)", body)
            token = found and found.group(1)
    if token:
        break
    time.sleep(0.5)
if not token:
    fail("no confirmation email in " + os.path.join(data_dir, "mail"))
get("/confirmation?jeton=" + token, wanted=303)

_, page = get("/connexion")
headers, _ = post("/connexion", {"_csrf": csrf(page), "email": address, "password": password})
_, page = get(headers["Location"])

_, page = get("/organisations/nouvelle")
headers, _ = post("/organisations", {"_csrf": csrf(page), "name": "Les Amis du Quartier", "legal_form": "association_declaree",
                                     "siret": "", "rna": "W021" + uuid.uuid4().int.__str__()[:6], "address": "1 rue de la Paix",
                                     "postcode": "02000", "city": "Laon", "departement": "02"})
organisation = headers["Location"].rstrip("/").split("/")[-1]

_, page = get("/appels/essai-hdf")
if "Déposer un dossier" not in page:
    fail("the practice call has no apply button")
_, page = get("/appels/essai-hdf/deposer")
headers, _ = post("/appels/essai-hdf/deposer", {"_csrf": csrf(page), "organisation": organisation})
edit = headers["Location"]
_, page = get(edit)
pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
answers = [("_csrf", csrf(page)), ("title", "Épicerie solidaire mobile"), ("summary", "Un camion pour les villages."),
           ("theme", "alimentation"), ("objectives", ""), ("objectives", "biens-essentiels"), ("territory", "departement:02"),
           ("expected_public", "Familles isolées."), ("beneficiaries", "120"), ("start_date", "2027-01-04"),
           ("end_date", "2027-12-17"), ("amount_requested", "30 000"), ("total_budget", "42 000"), ("cofinancing", ""),
           ("next", "summary")]
headers, _ = post_multipart(edit, answers, [("budget_document", "budget.pdf", pdf), ("statutes", "statuts.pdf", pdf),
                                            ("bank_details", "rib.pdf", pdf), ("annual_accounts", "", b"")])
_, page = get(headers["Location"])
if "Déposer définitivement" not in page:
    fail("the summary does not offer filing:\n" + re.sub("<[^>]+>", " ", page)[:1500])
action = re.search(r'<form method="post" action="([^"]+/deposer)"', page).group(1)
headers, _ = post(action, {"_csrf": csrf(page)})
receipt_path = headers["Location"]
_, receipt = get(receipt_path)
number = re.search(r"ESSAI-\d{4}", receipt)
if not number or "Empreinte du dépôt" not in receipt:
    fail("the receipt lacks its number or digest")
_, dashboard = get("/mon-espace")
if number.group(0) not in dashboard:
    fail("the dashboard does not list the filed dossier")

if len(sys.argv) > 4:
    staff_email, staff_password = sys.argv[3], sys.argv[4]
    active = "staff"
    _, page = get("/connexion")
    post("/connexion", {"_csrf": csrf(page), "email": staff_email, "password": staff_password})
    _, queue = get("/instruction?statut=filed")
    found = re.search(re.escape(number.group(0)) + r'</span> <a href="([^"]+)"', queue)
    if not found:
        fail("the instructor's queue does not list the filed dossier")
    staff_page = found.group(1)
    _, page = get(staff_page)
    post(staff_page + "/prendre", {"_csrf": csrf(page)})
    post(staff_page + "/etiquettes", {"_csrf": csrf(page), "label": "À relancer"})
    post(staff_page + "/annotations", {"_csrf": csrf(page), "note": "Porteur à rappeler avant le comité."})
    post_multipart(staff_page + "/messages", [("_csrf", csrf(page)), ("body", "Pouvez-vous préciser le budget ?")],
                   [("file", "question.pdf", pdf)])
    active = "applicant"
    messages = receipt_path.replace("/recepisse", "/messages")
    _, thread = get(messages)
    if "Pouvez-vous préciser le budget ?" not in thread or "question.pdf" not in thread:
        fail("the applicant does not read the instruction's message and its file")
    if "Porteur à rappeler" in thread or "À relancer" in thread:
        fail("the applicant sees the instruction's internal notes or labels")
    post_multipart(messages, [("_csrf", csrf(thread)), ("body", "Le budget détaillé est joint.")], [("file", "budget.pdf", pdf)])
    active = "staff"
    _, page = get(staff_page)
    for wanted in ["Le budget détaillé est joint.", "À relancer", "Porteur à rappeler avant le comité.", "Attribution"]:
        if wanted not in page:
            fail(f"the instructor's page lacks: {wanted}")
    print(f"journey: ok — {staff_email} took {number.group(0)}, labelled it, noted it and exchanged messages with files")

print(f"journey: ok — dossier {number.group(0)} filed by {address}, no page needed a script")
