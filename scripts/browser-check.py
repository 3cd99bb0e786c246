#!/usr/bin/env python3
"""Every page type of a running Guichet, in a real browser, as each role: accessibility
(axe-core), width and origin.

    scripts/browser-check.py BASE_URL SHOTS_DIR EMAIL:PASSWORD:LABEL [EMAIL:PASSWORD:LABEL ...]

Opens the public pages anonymously, then signs in with each account given (staff accounts created
beforehand with `guichet user create`) and opens the pages its navigation reaches and the first
link of each to a dossier, a committee session or an expert request. Every page is checked at
1280 and at 375 pixels wide:
  - axe-core (bundled by axe-playwright-python) reports no violation;
  - the page is no wider than the window (no horizontal scrolling);
  - no request leaves the server's origin (fonts, styles, scripts, images all served by Guichet);
  - the answer is 200 (404 for the error page).
A screenshot of each page at each width is written to SHOTS_DIR. Exits non-zero on any failure,
after checking every page. Chromium is Debian's (`/usr/bin/chromium`, or GUICHET_CHROMIUM_PATH):
Playwright never downloads a browser here.
"""
import os
import re
import sys
from urllib.parse import urljoin, urlparse

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

WIDTHS = (1280, 375)
# The tallest a screen page may be at 1 280 px (about nine screens), and the printed documents exempt.
TALLEST = 8000
PRINTED = ("dossier-de-presse", "proces-verbal", "/lettres/", "/decision")
PUBLIC = ["/", "/connexion", "/inscription", "/mot-de-passe-oublie", "/accessibilite", "/mentions-legales",
          "/donnees-personnelles", "/appels/hdf-2021/resultats", "/appels/hdf-2021/dossier-de-presse",
          "/appels/essai-hdf", "/appels/hdf-2021/resultats/versions", "/appels/hdf-2021/resultats/versions/1",
          "/page-qui-n-existe-pas"]
# The error page is a page type too.
EXPECTED = {"/page-qui-n-existe-pas": 404}
# Links followed once from a role's pages: one page of each kind is enough.
KINDS = [re.compile(p) for p in (r"^/instruction/dossiers/[0-9a-f-]{36}$", r"^/comite/seances/[0-9a-f-]{36}$",
                                 r"^/expertise/[0-9a-f-]{36}$", r"^/comite/enveloppes/[^/]+$",
                                 r"^/admin/[a-z-]+$", r"^/admin/appels/[^/]+$",
                                 r"^/comite/seances/[0-9a-f-]{36}/(proposition|proces-verbal)$",
                                 r"^/admin/personnel/[0-9a-f-]{36}$", r"^/admin/publication/[^/]+$",
                                 r"^/admin/import/[^/]+$", r"^/admin/appels/[^/]+/apercu(/formulaire)?$",
                                 r"^/mon-espace/jetons$", r"^/admin/personnel/nouveau$")]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    base, shots = sys.argv[1].rstrip("/"), sys.argv[2]
    accounts = [a.split(":", 2) for a in sys.argv[3:]]
    os.makedirs(shots, exist_ok=True)
    origin = urlparse(base).netloc
    axe = Axe()
    failures = []
    checked = 0
    chromium = os.environ.get("GUICHET_CHROMIUM_PATH", "/usr/bin/chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])

        def check(context, label, paths):
            nonlocal checked
            for width in WIDTHS:
                page = context.new_page()
                page.set_viewport_size({"width": width, "height": 900})
                outside = []
                page.on("request", lambda r: outside.append(r.url) if urlparse(r.url).netloc not in ("", origin)
                        and not r.url.startswith("data:") else None)
                for path in paths:
                    answer = page.goto(base + path)
                    name = f"{label}{path}".replace("/", "_").strip("_") or "accueil"
                    page.screenshot(path=os.path.join(shots, f"{name}-{width}.png"), full_page=True)
                    where = f"{label} {path} at {width} px"
                    if answer is None or answer.status != EXPECTED.get(path, 200):
                        failures.append(f"{where}: answered {answer.status if answer else 'nothing'}")
                        continue
                    wide = page.evaluate("document.documentElement.scrollWidth")
                    if wide > width:
                        failures.append(f"{where}: {wide} px wide")
                    # A long page is paginated or folded under a summary (issue 16, 14): at
                    # 1 280 px no screen page is taller than TALLEST; printed documents (the press
                    # kit, minutes, letters) are exempt, they are read on paper.
                    tall = page.evaluate("document.documentElement.scrollHeight")
                    if width == WIDTHS[0] and tall > TALLEST and not any(p in path for p in PRINTED):
                        failures.append(f"{where}: {tall} px tall (at most {TALLEST} px without folding)")
                    violations = axe.run(page).response["violations"]
                    for v in violations:
                        failures.append(f"{where}: axe {v['id']} ({len(v['nodes'])} elements, first "
                                    f"{v['nodes'][0]['target'] if v['nodes'] else '?'}): {v['help']}")
                    checked += 1
                if outside:
                    failures.append(f"{label} at {width} px: requests outside the origin: {sorted(set(outside))[:5]}")
                page.close()

        context = browser.new_context()
        check(context, "anonyme", PUBLIC)
        context.close()
        for email, password, label in accounts:
            context = browser.new_context()
            page = context.new_page()
            page.goto(base + "/connexion")
            page.fill("input[name=email]", email)
            page.fill("input[name=password]", password)
            page.click("form[action='/connexion'] button[type=submit]")
            if "/connexion" in page.url:
                failures.append(f"{label}: could not sign in as {email}")
                context.close()
                continue
            nav = page.eval_on_selector_all("nav[aria-label='Menu principal'] a", "as => as.map(a => a.getAttribute('href'))")
            paths = ["/mon-espace"] + [h for h in nav if h and h != "/"]
            found = []
            # Two levels of links: the navigation's pages, then the pages they lead to (a session's
            # proposal and minutes, a call's preview…), one page of each kind.
            for level in range(2):
                for path in list(paths if level == 0 else found):
                    page.goto(base + path)
                    for href in page.eval_on_selector_all("main a[href]", "as => as.map(a => a.getAttribute('href'))"):
                        target = urlparse(urljoin(base + path, href)).path
                        for kind in KINDS:
                            if kind.match(target) and not any(kind.match(f) for f in found) and target not in paths:
                                found.append(target)
            page.close()
            check(context, label, paths + found)
            context.close()
        browser.close()
    for failure in failures:
        print("FAIL:", failure)
    print(f"browser check: {checked} page views checked (axe-core, width, origin), {len(failures)} failures; "
          f"screenshots in {shots}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
