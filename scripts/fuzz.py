#!/usr/bin/env python3
"""Every form of every page, as each role, with hostile values, against a running Guichet.

    scripts/fuzz.py BASE_URL [--pages N] [--values N] EMAIL:PASSWORD ...

For each person (and an anonymous visitor last), signs in, walks the site's own links from the
home page and the role's entry pages (at most N pages each; `--pages 0` for no limit), reads every
form (inputs, selects, textareas, hidden fields, multipart or not), and posts each one with its CSRF
token and hostile values in every field (empty, huge, markup, SQL, out-of-range numbers, impossible
dates, control characters, a path, a file that lies about its type). A 5xx answer, a reset or
closed connection, or no answer within 30 s is a failure; a refusal (4xx, a redirect) is what is
expected. Signing out is never posted. Exits non-zero with the list of failures. Talks to
BASE_URL only: run it against a server of your own.
"""
import html.parser, http.cookiejar, sys, time, urllib.error, urllib.parse, urllib.request, uuid

HOSTILE = ["", " ", "a" * 5000, "<script>alert(1)</script>\"'><img src=x>", "'; DROP TABLE users; --",
           "-1", "99999999999999999999999", "1e309", "NaN", "2021-02-30", "../../../etc/passwd",
           "\u0000\u0007\u202e", "日本語 🙂 ﷽", "%00%0d%0aSet-Cookie: x=y"]
ENTRY = ["/", "/mon-espace", "/organisations", "/instruction", "/expertise", "/comite", "/liens-d-interet",
         "/admin/personnel", "/admin/appels", "/admin/publication", "/admin/webhooks", "/mon-espace/jetons"]
NEVER = ("/deconnexion",)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Forms(html.parser.HTMLParser):
    """The links and forms of a page."""

    def __init__(self):
        super().__init__()
        self.links, self.forms, self.current, self.select = [], [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self.current = {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(),
                            "multipart": "multipart" in (a.get("enctype") or ""), "fields": []}
            self.forms.append(self.current)
        elif self.current is not None and tag in ("input", "textarea", "select") and a.get("name"):
            kind = (a.get("type") or tag).lower()
            field = {"name": a["name"], "type": kind, "value": a.get("value") or "", "options": []}
            self.current["fields"].append(field)
            if tag == "select":
                self.select = field
        elif tag == "option" and self.select is not None:
            self.select["options"].append(a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


class Person:
    def __init__(self, base, credentials):
        self.base, self.credentials = base, credentials
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)
        self.failures, self.requests = [], 0

    def send(self, method, path, body=None, content_type=None):
        req = urllib.request.Request(self.base + path, data=body, method=method)
        if content_type:
            req.add_header("Content-Type", content_type)
        self.requests += 1
        try:
            res = self.opener.open(req, timeout=30)
            return res.status, res.headers, res.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode("utf-8", "replace")
        except Exception as error:  # reset, closed, timeout: the server did not answer
            self.failures.append(f"{self.credentials or 'anonymous'}: {method} {path[:120]}: no answer ({error})")
            return None, {}, ""

    def check(self, status, method, path, what=""):
        if status is not None and status >= 500:
            self.failures.append(f"{self.credentials or 'anonymous'}: {method} {path[:120]} {what}: {status}")

    def sign_in(self):
        if not self.credentials:
            return True
        email, password = self.credentials.split(":", 1)
        _, _, page = self.send("GET", "/connexion")
        token = csrf(page)
        status, _, _ = self.send("POST", "/connexion", urllib.parse.urlencode({"_csrf": token, "email": email, "password": password}).encode(),
                                 "application/x-www-form-urlencoded")
        return status == 303


def csrf(page):
    parser = Forms()
    parser.feed(page)
    for form in parser.forms:
        for field in form["fields"]:
            if field["name"] == "_csrf":
                return field["value"]
    return ""


def same_origin(href):
    if href.startswith(("http://", "https://", "//", "mailto:", "#", "javascript:")):
        return None
    path = href.split("#")[0]
    if not path.startswith("/") or path.startswith(NEVER) or path.endswith(".pdf"):
        return None
    return path


def multipart(fields, files):
    boundary = "fuzz" + uuid.uuid4().hex
    out = b""
    for name, value in fields:
        out += f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n".encode() + value.encode("utf-8", "surrogatepass") + b"\r\n"
    for name, filename, data in files:
        out += f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: application/pdf\r\n\r\n".encode() + data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def fuzz(person, max_pages, max_values):
    seen, queue, tried, pages = set(), list(ENTRY), set(), 0
    while queue and (max_pages == 0 or pages < max_pages):
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        status, _, page = person.send("GET", path)
        person.check(status, "GET", path)
        if status != 200:
            continue
        pages += 1
        parser = Forms()
        parser.feed(page)
        for href in parser.links:
            link = same_origin(href)
            if link and link not in seen:
                queue.append(link)
        for form in parser.forms:
            action = same_origin(form["action"] or path)
            key = (form["method"], action, tuple(sorted(f["name"] for f in form["fields"])))
            if form["method"] != "post" or not action or key in tried:
                continue
            tried.add(key)
            token = next((f["value"] for f in form["fields"] if f["name"] == "_csrf"), csrf(page))
            names = [f for f in form["fields"] if f["name"] != "_csrf" and f["type"] not in ("submit", "button")]
            for value in HOSTILE[:max_values] if max_values else HOSTILE:
                fields = [("_csrf", token)] + [(f["name"], value) for f in names if f["type"] != "file"]
                files = [(f["name"], "facture.pdf", b"MZ\x90\x00 not a pdf " + value.encode("utf-8", "surrogatepass")) for f in names if f["type"] == "file"]
                if form["multipart"] or files:
                    body, content_type = multipart(fields, files)
                else:
                    body, content_type = urllib.parse.urlencode(fields).encode("utf-8", "surrogatepass"), "application/x-www-form-urlencoded"
                status, _, _ = person.send("POST", action, body, content_type)
                person.check(status, "POST", action, f"(value {value[:20]!r})")
            # The form with nothing but its token, then without it.
            status, _, _ = person.send("POST", action, urllib.parse.urlencode({"_csrf": token}).encode(), "application/x-www-form-urlencoded")
            person.check(status, "POST", action, "(empty)")
            status, _, _ = person.send("POST", action, b"", "application/x-www-form-urlencoded")
            person.check(status, "POST", action, "(no token)")
    print(f"{person.credentials.split(':')[0] if person.credentials else 'anonymous'}: {pages} pages, {len(tried)} forms, {person.requests} requests, {len(person.failures)} failures")


def main():
    args, max_pages, max_values, people = sys.argv[1:], 40, 6, [""]  # the anonymous visitor, then each person
    if not args:
        print(__doc__)
        sys.exit(2)
    base = args.pop(0).rstrip("/")
    while args:
        arg = args.pop(0)
        if arg == "--pages":
            max_pages = int(args.pop(0))
        elif arg == "--values":
            max_values = int(args.pop(0))
        else:
            people.append(arg)
    started, failures = time.time(), []
    # Everyone signs in first: the anonymous visitor's hostile logins would then slow the
    # address down (as they should), and the anonymous visitor goes last.
    persons = [Person(base, credentials) for credentials in people[1:] + [""]]
    for person in persons:
        if not person.sign_in():
            failures.append(f"{person.credentials}: could not sign in")
    for person in persons:
        fuzz(person, max_pages, max_values)
        failures += person.failures
    print(f"fuzz: {len(failures)} failure(s) in {time.time() - started:.0f} s")
    for failure in failures[:50]:
        print("  " + failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
