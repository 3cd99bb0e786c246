#!/usr/bin/env python3
"""The people's journeys through a running Guichet, in a real browser, step by step.

    scripts/browser-journeys.py BASE_URL SHOTS_DIR MAIL_DIR INSTRUCTOR COMMITTEE ADMINISTRATOR

Each staff argument is EMAIL:PASSWORD of an account created beforehand (`guichet user create`): an
instructor whose territory holds the Aisne (département 02), a committee chair of the Hauts-de-France
and an administrator. MAIL_DIR is the folder where the server writes its mail (`<data>/mail`).

The journeys run once at 1280 pixels wide and once at 375, each time with a new applicant and a new
dossier on the open practice call (`essai-hdf`), through the pages as a person uses them (links,
form fields, buttons; no address typed where a link leads):
  - the applicant signs up, confirms from the mail, registers the organisation, starts a draft,
    meets an error on a step of the form and fixes it, attaches the files, files the dossier and
    reads the receipt;
  - the instructor filters the queue, takes the dossier, declares it eligible, scores it, gives
    an opinion and writes to the applicant, who reads the message;
  - the committee chair opens a session for one wave, records attendance, reads the proposal,
    stages the decision and applies the wave; the applicant sees the decision;
  - the administrator publishes the results, and anyone reads the laureate on the results page.
Every step asserts what the person sees; every page is no wider than the window and asks nothing
from another origin; axe-core (bundled by axe-playwright-python) runs once on each page type at
each width and fails on any violation. A screenshot of every step goes to SHOTS_DIR. Exits non-zero
on any failure. Chromium is Debian's (`/usr/bin/chromium`, or GUICHET_CHROMIUM_PATH).
"""
import email
import glob
import os
import re
import sys
import time
from email import policy
from urllib.parse import urlparse

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

WIDTHS = (1280, 375)
# Where each width's applicant works (one dossier per width, told apart by its title).
PLACES = {1280: "du Laonnois", 375: "de la Thiérache"}
CALL = "essai-hdf"
PASSWORD = "une phrase assez longue pour essayer"
SPACES = re.compile("[\u00a0\u202f]")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# A minimal PDF and PNG: the server checks a file's type from its content.
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


# The README's pictures (GUICHET_README_SHOTS=docs/screenshots): a step at the wide width, and what
# of it to show (None: the window as the person sees it on arrival).
README_SHOTS = {("porteur", "accueil"): ("accueil.png", None),
                ("porteur", "etape-1"): ("formulaire-du-dossier.png", None),
                ("comite", "vague-appliquee"): ("tableau-du-comite.png", "main")}


class StepFailed(Exception):
    pass


class Run:
    """One width's journeys: the pages seen, the checks made, the failures met."""

    def __init__(self, browser, base, shots, mail_dir, width, axe, failures, checked_types, steps=0):
        self.browser, self.base, self.shots, self.mail_dir = browser, base, shots, mail_dir
        self.width, self.axe, self.failures = width, axe, failures
        self.origin = urlparse(base).netloc
        self.checked_types = checked_types
        self.steps = steps

    def person(self, label):
        context = self.browser.new_context(viewport={"width": self.width, "height": 900}, locale="fr-FR")
        page = context.new_page()
        page.label = label
        outside = []
        page.on("request", lambda r: outside.append(r.url)
                if urlparse(r.url).netloc not in ("", self.origin) and not r.url.startswith("data:") else None)
        page.outside = outside
        page.status = None

        def answered(response):
            if response.request.is_navigation_request() and response.frame == page.main_frame:
                page.status = response.status
        page.on("response", answered)
        return page

    def see(self, page, step, *texts, status=200):
        """Asserts what the person sees after a step, at the width the person acts at and then at
        each other width (the window resized, the page not reloaded): the texts, no horizontal
        scrolling, nothing asked from another origin and, once per page type and width, no
        accessibility violation. A screenshot at each width."""
        self.steps += 1
        where = f"{page.label}, {step} ({urlparse(page.url).path})"
        if page.status != status:
            raise StepFailed(f"{self.width} px, {where}: answered {page.status}, not {status}")
        for width in (self.width,) + tuple(w for w in WIDTHS if w != self.width):
            page.set_viewport_size({"width": width, "height": 900})
            self.check(page, step, width, f"{width} px, {where}", texts)
        page.set_viewport_size({"width": self.width, "height": 900})
        if page.outside:
            self.failures.append(f"{where}: requests outside the origin: {sorted(set(page.outside))[:3]}")
            page.outside.clear()

    def check(self, page, step, width, where, texts):
        name = re.sub(r"[^a-z0-9-]+", "-", f"{self.steps:03d}-{page.label}-{step}-{width}".lower()).strip("-")
        page.screenshot(path=os.path.join(self.shots, name + ".png"), full_page=True)
        readme = os.environ.get("GUICHET_README_SHOTS")
        if readme and width == WIDTHS[0] and (page.label, step) in README_SHOTS:
            file, selector = README_SHOTS[(page.label, step)]
            target = page.locator(selector).first if selector else page
            target.screenshot(path=os.path.join(readme, file))
        main = page.inner_text("main") if page.query_selector("main") else ""
        seen = SPACES.sub(" ", main).casefold()
        for text in texts:
            # As seen: a badge is drawn in capitals, so case does not count, and the spaces inside
            # numbers (no-break, narrow) read as spaces.
            if SPACES.sub(" ", text).casefold() not in seen:
                raise StepFailed(f"{where}: « {text} » is not on the page; it shows: {main[:400]!r}")
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > width:
            self.failures.append(f"{where}: the page is {wide} px wide")
        url = urlparse(page.url)
        kind = re.sub(r"/\d+(?=/|$)", "/:n", UUID.sub(":id", url.path))
        kind += "?" + url.query.split("=")[0] if url.query else ""
        if (kind, width) not in self.checked_types:
            self.checked_types.add((kind, width))
            for v in self.axe.run(page).response["violations"]:
                self.failures.append(f"{where}: axe {v['id']} ({len(v['nodes'])} elements, first "
                                     f"{v['nodes'][0]['target'] if v['nodes'] else '?'}): {v['help']}")

    def submit(self, page, button_text, form=None):
        """Presses a form's button by its visible text, as a person does, and waits for the answer."""
        scope = page.locator(form) if form else page.locator("main")
        button = scope.get_by_role("button", name=button_text, exact=True)
        if button.count() == 0:
            raise StepFailed(f"{self.width} px, {page.label}: no button « {button_text} » on {page.url}")
        with page.expect_navigation():
            button.first.click()

    def tick(self, page, label):
        """Ticks a checkbox or a radio button as a person does: by its label (the DSFR draws the
        box on the label and hides the input under it)."""
        field = None
        for role in ("radio", "checkbox"):
            found = page.get_by_role(role, name=label, exact=True)
            if found.count() == 0:
                found = page.get_by_role(role, name=label, exact=False)
            if found.count():
                field = found.first
                break
        if field is None:
            raise StepFailed(f"{self.width} px, {page.label}: no box labelled « {label} » on {page.url}")
        page.locator(f"label[for='{field.get_attribute('id')}']").click()
        if not field.is_checked():
            raise StepFailed(f"{self.width} px, {page.label}: « {label} » is not ticked after a click on its label")

    def follow(self, page, link_text, within="main"):
        link = page.locator(within).get_by_role("link", name=link_text)
        if link.count() == 0:
            raise StepFailed(f"{self.width} px, {page.label}: no link « {link_text} » on {page.url}")
        with page.expect_navigation():
            link.first.click()

    def mail_to(self, address, subject_part, after):
        """The newest mail to `address` whose subject contains `subject_part`, written after `after`;
        waits for the outbox (sent every few seconds)."""
        deadline = time.time() + 30
        while time.time() < deadline:
            for path in sorted(glob.glob(os.path.join(self.mail_dir, "*.eml")), reverse=True):
                if os.path.getmtime(path) < after:
                    continue
                with open(path, "rb") as f:
                    message = email.message_from_binary_file(f, policy=policy.default)
                if address in str(message["To"]) and subject_part in str(message["Subject"]):
                    return message.get_body(preferencelist=("plain",)).get_content()
            time.sleep(0.5)
        raise StepFailed(f"{self.width} px: no mail « {subject_part} » to {address} within 30 s")


def applicant_journey(run, tag):
    """Sign up, confirm, organisation, draft with an error then fixed, attachments, filing,
    receipt. Returns the applicant's page (signed in), the dossier's address and its title."""
    address = f"porteur-{tag}@exemple.fr"
    place = PLACES[run.width]
    title = f"Épicerie solidaire itinérante {place}"
    organisation = f"Les Jardins partagés {place}"
    page = run.person("porteur")
    page.goto(run.base + "/")
    run.see(page, "accueil", "Appel")
    run.follow(page, "Créer un compte", within="header")
    run.see(page, "inscription", "Créer un compte")
    page.get_by_label("Votre nom").fill("Camille Martin")
    page.get_by_label("Adresse électronique").fill(address)
    page.get_by_label("Mot de passe (obligatoire)", exact=False).first.fill(PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    asked = time.time() - 1
    run.submit(page, "Créer mon compte")
    run.see(page, "compte-cree", "Vérifiez votre messagerie")
    body = run.mail_to(address, "Confirmez", asked)
    link = re.search(r"https?://\S+", body)
    if not link:
        raise StepFailed(f"{run.width} px: the confirmation mail has no link: {body!r}")
    if not link.group(0).startswith(run.base + "/"):
        raise StepFailed(f"{run.width} px: the confirmation link leads to {link.group(0)}, not to the server at {run.base}")
    page.goto(link.group(0))
    run.see(page, "adresse-confirmee", "Votre adresse est confirmée")
    page.get_by_label("Adresse électronique").fill(address)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    run.submit(page, "Se connecter")
    run.see(page, "mon-espace", "Mon espace", "Aucune organisation enregistrée")
    # The call, from the list of calls every page's navigation leads to.
    run.follow(page, "Appels à projets", within="nav[aria-label='Menu principal']")
    run.see(page, "appels", "Ouverts en ce moment", "Appel à projets d'essai")
    run.follow(page, re.compile("Appel à projets d'essai"))
    run.see(page, "appel", "Calendrier", "(heure de Paris)", "suivent tout le parcours")
    run.follow(page, "Déposer un dossier")
    # No organisation yet: registering one leads back here, with it chosen.
    run.see(page, "depot-sans-organisation", "enregistrez d'abord votre organisation")
    run.follow(page, "Enregistrer mon organisation")
    run.see(page, "nouvelle-organisation", "Inscrire une organisation", "Retour au dépôt du dossier")
    page.get_by_label("Nom de l'organisation").fill(organisation)
    page.get_by_label("Forme juridique").select_option(label="Association déclarée (loi 1901)")
    page.get_by_label("Numéro RNA").fill(f"W{int(time.time() * 1000) % 10**9:09d}")
    page.get_by_label("Adresse (obligatoire)").fill("3 rue des Écoles")
    page.get_by_label("Code postal").fill("02000")
    page.get_by_label("Commune").fill("Laon")
    page.get_by_label("Département").select_option("02")
    run.submit(page, "Inscrire l'organisation")
    run.see(page, "choix-organisation", "est inscrite", "Vous pouvez maintenant commencer le dossier",
            "Quelle organisation porte le projet ?", organisation)
    if not page.get_by_label(organisation).is_checked():
        raise StepFailed(f"{run.width} px: the only organisation is not chosen on the filing page")
    run.submit(page, "Commencer le dossier")
    run.see(page, "etape-1", "Étape 1 sur 4", "Le projet")
    dossier = urlparse(page.url).path.removesuffix("/modifier")
    page.get_by_label("Titre du projet").fill(title)
    page.get_by_label("Résumé du projet").fill(
        "Une camionnette aménagée apporte chaque semaine des produits frais et d'hygiène dans "
        "douze villages du Laonnois, avec une permanence d'accès aux droits.")
    run.tick(page, "La lutte contre la précarité alimentaire")
    run.tick(page, "Moderniser les dispositifs d'accès aux biens essentiels")
    page.get_by_label("Territoire du projet").select_option(label="02 – Aisne")
    page.get_by_label("Public visé").fill("Familles isolées et personnes âgées des villages sans commerce.")
    page.get_by_label("Nombre de personnes accompagnées").fill("350")
    run.submit(page, "Enregistrer et continuer")
    run.see(page, "etape-2", "Étape 2 sur 4", "Calendrier")
    # A rule between two good answers is said on save, at its field (issue 16, 3).
    page.get_by_label("Date de début").fill("2027-03-01")
    page.get_by_label("Date de fin").fill("2027-02-01")
    run.submit(page, "Enregistrer et continuer")
    run.see(page, "etape-2-regle", "Certains champs sont à corriger", "La date de fin doit suivre la date de début",
            status=422)
    if page.get_by_label("Date de début").input_value() != "2027-03-01":
        raise StepFailed(f"{run.width} px: the start date was lost when the rule was reported")
    page.get_by_label("Date de fin").fill("2028-02-28")
    run.submit(page, "Enregistrer et continuer")
    run.see(page, "etape-3", "Étape 3 sur 4", "Budget")
    page.get_by_label("Montant demandé").fill("45 000 euros et des poussières")
    page.get_by_label("Budget total du projet").fill("90 000")
    run.submit(page, "Enregistrer et continuer")
    run.see(page, "etape-3-erreur", "Certains champs sont à corriger", "Montant demandé", status=422)
    page.get_by_label("Montant demandé").fill("45 000")
    page.get_by_label("Budget total du projet").fill("40 000")
    run.submit(page, "Enregistrer et continuer")
    run.see(page, "etape-3-regle", "Ce montant ne peut pas dépasser « Budget total du projet »", status=422)
    page.get_by_label("Budget total du projet").fill("90 000")
    run.submit(page, "Enregistrer et continuer")
    run.see(page, "etape-4", "Étape 4 sur 4", "Pièces jointes")
    files = {"Budget prévisionnel du projet": ("budget.pdf", "application/pdf", PDF),
             "Statuts de l'association": ("statuts.pdf", "application/pdf", PDF),
             "Relevé d'identité bancaire (RIB)": ("rib.pdf", "application/pdf", PDF)}
    for label, (name, mime, data) in files.items():
        page.get_by_label(label).set_input_files({"name": name, "mimeType": mime, "buffer": data})
    run.submit(page, "Enregistrer et vérifier avant dépôt")
    run.see(page, "recapitulatif", title, "45 000 €", "budget.pdf", "Déposer définitivement")
    filed_at = time.time() - 1
    run.submit(page, "Déposer définitivement")
    run.see(page, "accuse-de-reception", "Votre dossier est déposé sous le numéro ESSAI-", address, title,
            "Et ensuite ?")
    number = re.search(r"ESSAI-\d+", page.inner_text("main")).group(0)
    body = run.mail_to(address, "Accusé de réception", filed_at)
    if number not in body:
        raise StepFailed(f"{run.width} px: the receipt mail does not give the number {number}: {body[:300]!r}")
    page.goto(run.base + "/mon-espace")
    run.see(page, "mon-espace-depose", title, "déposé")
    # A second draft, started then given up: it can be deleted, once confirmed (issue 16, 4).
    page.goto(run.base + "/appels/" + CALL + "/deposer")
    run.submit(page, "Commencer le dossier")
    page.get_by_label("Titre du projet").fill("Projet abandonné " + place)
    run.submit(page, "Enregistrer le brouillon")
    page.goto(run.base + "/mon-espace")
    run.follow(page, "Projet abandonné " + place)
    run.see(page, "brouillon", "Supprimer ce brouillon", "définitivement")
    run.tick(page, "Je confirme la suppression de ce brouillon")
    run.submit(page, "Supprimer le brouillon")
    run.see(page, "brouillon-supprime", "est supprimé", title)
    if "Projet abandonné" in page.locator("main table").inner_text():
        raise StepFailed(f"{run.width} px: the deleted draft is still listed")
    return page, dossier, title, number


def sign_in(run, label, account):
    address, password = account
    page = run.person(label)
    page.goto(run.base + "/connexion")
    page.get_by_label("Adresse électronique").fill(address)
    page.get_by_label("Mot de passe").fill(password)
    run.submit(page, "Se connecter")
    if "/connexion" in page.url:
        raise StepFailed(f"{run.width} px: {address} could not sign in")
    return page


def instructor_journey(run, account, applicant, dossier, title, number):
    """Queue filter, take, eligibility, score, opinion, message; the applicant reads it."""
    page = sign_in(run, "instruction", account)
    run.follow(page, "Instruction", within="nav[aria-label='Menu principal']")
    run.see(page, "file", "Dossiers à instruire")
    # Two calls' dossiers share the queue: the call is a filter and a column (issue 16, 9).
    page.get_by_label("Appel à projets").select_option(CALL)
    page.get_by_label("Statut").select_option(label="déposé")
    page.get_by_label("Territoire").select_option(label="Aisne (02)")
    run.submit(page, "Filtrer", form="form.filters")
    run.see(page, "file-filtree", number, title, CALL)
    filtered = page.url
    # At 1 280 px the queue's table fits its column, no column cut off (issue 16, 9).
    if run.width == WIDTHS[0]:
        page.set_viewport_size({"width": run.width, "height": 900})
        table, room = page.evaluate(
            "(() => { const t = document.querySelector('main table');"
            " return [t.scrollWidth, t.closest('.fr-table').clientWidth]; })()")
        if table > room:
            raise StepFailed(f"{run.width} px: the queue's table is {table} px wide in a {room} px column")
    headers = [h.strip() for h in page.locator("main table thead th").all_inner_texts()]
    column = {name: i + 1 for i, name in enumerate(headers)}
    if "Appel" not in column or "Statut" not in column:
        raise StepFailed(f"{run.width} px: the queue's columns are {headers}")
    statuses = page.locator(f"main table tbody tr td:nth-child({column['Statut']})").all_inner_texts()
    if any(s.strip().casefold() != "déposé" for s in statuses):
        raise StepFailed(f"{run.width} px: the queue filtered on « déposé » shows {sorted(set(statuses))}")
    calls = page.locator(f"main table tbody tr td:nth-child({column['Appel']})").all_inner_texts()
    if any("essai" not in c.casefold() for c in calls):
        raise StepFailed(f"{run.width} px: the queue filtered on the practice call shows {sorted(set(calls))}")
    run.follow(page, title)
    run.see(page, "dossier", number, "Statut : déposé", "Instructeur : personne")
    # The dossier comes before the forms; "Retour à la liste" keeps the filters.
    text = page.locator("main").inner_text()
    if text.find("Le dossier") > text.find("Recevabilité"):
        raise StepFailed(f"{run.width} px: the dossier's contents come after the instruction's forms")
    run.follow(page, "Retour à la liste")
    if page.url != filtered:
        raise StepFailed(f"{run.width} px: « Retour à la liste » leads to {page.url}, not the filtered queue {filtered}")
    run.see(page, "retour-file-filtree", number)
    run.follow(page, title)
    run.submit(page, "Prendre ce dossier")
    run.see(page, "dossier-pris", "Vous instruisez ce dossier", "Instructeur : Essai instruction")
    if page.locator("main").get_by_role("button", name="Prendre ce dossier").count():
        raise StepFailed(f"{run.width} px: « Prendre ce dossier » is still offered to the person who took it")
    run.tick(page, "Recevable")
    run.submit(page, "Enregistrer", form="form[action$='/recevabilite']")
    run.see(page, "recevable", "Dossier déclaré recevable", "Statut : recevable")
    run.see(page, "avant-instruction", "Le dossier passe « en instruction »", "La grille note")
    run.submit(page, "Commencer l'instruction")
    run.see(page, "en-instruction", "Instruction commencée", "Statut : en instruction", "Ma notation")

    def mark(code, value):
        field = page.locator(f"input[name='note_{code}'][value='{value}']")
        if field.count() == 0:
            raise StepFailed(f"{run.width} px: no mark {value} for « {code} » on the scoring grid")
        page.locator(f"label[for='{field.get_attribute('id')}']").click()
    # A grid marked in part: the criteria left are named.
    mark("pertinence", 4)
    run.submit(page, "Enregistrer ma notation")
    run.see(page, "notation-incomplete", "Notez le critère « Impact sur le public visé »")
    for code, value in (("pertinence", 4), ("impact", 3), ("faisabilite", 3), ("partenariats", 2), ("efficience", 3)):
        mark(code, value)
    page.get_by_label("Commentaire").first.fill("Répond précisément au premier objectif.")
    run.submit(page, "Enregistrer ma notation")
    run.see(page, "notation", "Note agrégée", "Pertinence au regard des objectifs de l'appel : Répond précisément")
    # An opinion above the request is refused in the words of its field.
    run.tick(page, "Favorable")
    page.get_by_label("Montant proposé").fill("50 000")
    page.get_by_label("Motif").last.fill("Projet solide.")
    run.submit(page, "Enregistrer l'avis")
    run.see(page, "avis-refuse", "Le montant proposé (50 000 €) dépasse le montant demandé (45 000 €)")
    # What was typed is still there, to correct rather than retype (issue 16, 8).
    if page.get_by_label("Montant proposé").input_value() != "50 000" or \
            page.get_by_label("Motif").last.input_value() != "Projet solide." or \
            not page.locator("input[name='kind'][value='favourable']").is_checked():
        raise StepFailed(f"{run.width} px: the refused opinion's form lost what was typed")
    page.get_by_label("Montant proposé").fill("40 000")
    page.get_by_label("Motif").last.fill("Projet solide ; le budget de communication est réduit.")
    run.submit(page, "Enregistrer l'avis")
    run.see(page, "avis", "Avis donnés", "40 000 €")
    # Closing is confirmed (issue 16, 7).
    run.tick(page, "Je confirme la clôture de l'instruction")
    run.submit(page, "Clore l'instruction")
    run.see(page, "instruit", "Instruction close", "Statut : instruit")
    page.get_by_label("Écrire au porteur").fill("Bonjour, pouvez-vous préciser les villages desservis ?")
    run.submit(page, "Envoyer au porteur")
    run.see(page, "message-envoye", "pouvez-vous préciser les villages desservis")
    # The applicant reads the message from the dossier page.
    # The applicant sees that the instruction wrote, in the list and on the dossier (issue 16, 4).
    applicant.goto(run.base + "/mon-espace")
    run.see(applicant, "message-non-lu", "1 message(s) non lu(s)")
    applicant.goto(run.base + dossier)
    run.see(applicant, "dossier-instruit", title, "Statut : instruit", "L'instruction vous a écrit")
    run.follow(applicant, "Lire les messages")
    run.see(applicant, "messages", "pouvez-vous préciser les villages desservis")
    applicant.goto(run.base + "/mon-espace")
    if "non lu" in applicant.locator("main").inner_text():
        raise StepFailed(f"{run.width} px: the message read is still signalled as unread")
    return page


def committee_journey(run, account, filed):
    """Opens a session for the call's first wave, records attendance, computes the proposal and
    stages it, sets each filed dossier's decision on the board, applies the wave; each applicant
    sees the decision. `filed` lists (applicant page, dossier path, title, number, amount)."""
    page = sign_in(run, "comite", account)
    run.follow(page, "Comité", within="nav[aria-label='Menu principal']")
    run.see(page, "seances", "Comité de sélection")
    run.follow(page, "Ouvrir une séance")
    run.see(page, "nouvelle-seance", "Ouvrir une séance du comité")
    # The call first: the waves and territories offered are then that call's own.
    page.get_by_label("Appel à projets").select_option(CALL)
    run.submit(page, "Choisir cet appel")
    run.see(page, "seance-de-l-appel", "Séance de l'appel « Appel à projets d'essai")
    chosen = {name: page.locator(f"select[name='{name}'] option:checked").inner_text()
              for name in ("wave", "scope", "chair")}
    expected = {"wave": "Vague unique (essai) (ouverte)", "scope": "Hauts-de-France", "chair": "Essai comite"}
    for name, text in expected.items():
        if text not in chosen[name]:
            raise StepFailed(f"{run.width} px: the new session form proposes « {chosen[name]} » as {name}, not « {text} »")
    page.get_by_label("Intitulé").fill("Comité régional de sélection")
    page.get_by_label("Date de la séance").fill(time.strftime("%Y-%m-%d"))
    members = page.locator("input[name='members']")
    for i in range(min(2, members.count())):
        page.locator(f"label[for='{members.nth(i).get_attribute('id')}']").click()
    page.get_by_label("Quorum").fill("2")
    run.submit(page, "Ouvrir la séance")
    run.see(page, "seance", "Comité régional de sélection", "Membres et présence")
    for box in page.locator("input[name='present']").all():
        if not box.is_checked():
            page.locator(f"label[for='{box.get_attribute('id')}']").click()
    run.submit(page, "Enregistrer la présence")
    run.see(page, "presence", "Le comité peut délibérer", *[number for _, _, _, number, _ in filed])
    run.follow(page, "Proposition de sélection optimale")
    run.see(page, "proposition", "Proposition de sélection")
    # Rules that cannot hold: the conflict named, the proposal with them relaxed (issue 19, 4).
    page.locator("#budget").fill("1 000")
    page.locator("#min_dept").fill("3")
    run.submit(page, "Calculer la proposition")
    run.see(page, "proposition-conflit", "Les règles ne peuvent pas toutes tenir", "règles assouplies")
    page.locator("#budget").fill("")
    page.locator("#min_dept").fill("")
    # Partial funding: proven within 10⁻⁶ of its bound, the method named (issue 19, 3).
    page.locator("#floor").fill("50")
    run.submit(page, "Calculer la proposition")
    run.see(page, "proposition-partielle", "optimum prouvé", "montants continus arrondis à l'euro")
    page.locator("#floor").fill("")
    run.submit(page, "Calculer la proposition")
    run.see(page, "proposition-calculee", "Dossier par dossier", "Ce qui a décidé", "Par enveloppe",
            *[number for _, _, _, number, _ in filed])
    # The outcome first, the adopt action beside it, the rules after (issue 16, 11); the
    # instruction's proposed amount (40 000 € on 45 000 €) caps the grant (issue 16, 10).
    text = page.locator("main").inner_text()
    if not (0 <= text.find("Préparer ces décisions dans la séance") < text.find("Règles de la proposition")):
        raise StepFailed(f"{run.width} px: the proposal's adopt action does not come before its rules")
    run.see(page, "proposition-plafonnee", "plafonné(s) au montant proposé par l'instruction",
            "Montant plafonné à la proposition de l'instruction : 40 000 € proposés sur 45 000 € demandés")
    run.submit(page, "Préparer ces décisions dans la séance")
    run.see(page, "proposition-preparee", "décision(s) préparée(s)")
    # The chair sets each dossier's amount on its row, as the committee decided it.
    for _, _, _, number, amount in filed:
        row = page.locator("main table.board tbody tr", has_text=number)
        if row.count() != 1:
            raise StepFailed(f"{run.width} px: the board has {row.count()} rows for {number}")
        row.get_by_label("Décision").select_option("retained")
        row.get_by_label("Montant accordé").fill(amount)
        with page.expect_navigation():
            row.get_by_role("button", name="Préparer").click()
        run.see(page, f"decision-{number}", f"Décision préparée pour le dossier {number} : retenu pour {amount} €")
    # Applying is confirmed on a page of its own: totals, envelopes, who is mailed (issue 16, 13).
    run.follow(page, "Vérifier et appliquer les décisions")
    run.see(page, "confirmer-la-vague", "dossier(s) retenu(s) pour", "Reste après la vague", "Qui est prévenu",
            "Un courriel de décision part pour")
    run.tick(page, "Je confirme l'application des décisions")
    run.submit(page, "Appliquer définitivement les décisions")
    run.see(page, "vague-appliquee", "décisions appliquées", "décision(s) appliquée(s).",
            "Courriel de décision envoyé pour")
    for applicant, dossier, title, number, amount in filed:
        applicant.goto(run.base + dossier)
        run.see(applicant, "decision", title, "Statut : retenu", "Lettre de décision du comité")
        run.follow(applicant, "Lettre de décision du comité")
        run.see(applicant, "lettre-de-decision", number, amount)
    return page


def publication_journey(run, account, titles):
    """The administrator publishes the wave; anyone reads the laureate on the results page."""
    page = sign_in(run, "administration", account)
    run.follow(page, "Publication", within="nav[aria-label='Menu principal']")
    run.see(page, "publications", "Publication des résultats")
    run.follow(page, re.compile("Appel à projets d'essai"))
    run.see(page, "publication", "Publier « ", "Le fichier des subventions respecte le schéma")
    run.tick(page, "Je publie cette vague")
    run.submit(page, "Publier la vague et régénérer le dossier de presse et les données ouvertes")
    run.see(page, "publiee", "Versions publiées")
    reader = run.person("public")
    reader.goto(run.base + f"/appels/{CALL}/resultats")
    run.see(reader, "resultats", *titles)
    return page


def grant_journey(run, account, filed):
    """After the decision: the instructor establishes the act of a dossier the committee retained,
    the association accepts it, the instructor records the payment, the association files its
    financial report, the instructor validates it (issue 18)."""
    applicant, dossier, title, number, amount = filed
    page = sign_in(run, "subvention", account)
    run.follow(page, "Subventions", within="nav[aria-label='Menu principal']")
    run.see(page, "suivi", "Suivi des subventions", number, "acte à établir")
    page.goto(run.base + "/instruction" + dossier)
    run.see(page, "laureat", "Subvention", "Établir l'acte attributif")
    run.submit(page, "Établir l'acte attributif")
    run.see(page, "acte-etabli", "L'acte est établi", "En attente de signature")
    run.follow(page, "Lire l'acte")
    run.see(page, "acte", "Convention attributive de subvention n°", "Vu la loi n° 2000-321", "Compte rendu financier")
    # The association reads and accepts it, confirmed.
    applicant.goto(run.base + dossier)
    run.see(applicant, "votre-subvention", "Votre subvention", "J'accepte cet acte au nom de l'organisme")
    run.tick(applicant, "J'accepte cet acte au nom de l'organisme")
    run.submit(applicant, "Accepter l'acte")
    run.see(applicant, "acte-accepte", "L'acte est accepté", "Statut : convention signée")
    # The instructor records the payment; above what is granted it is refused, keeping the form.
    page.goto(run.base + "/instruction" + dossier)
    today = time.strftime("%Y-%m-%d")
    page.get_by_label("Date du versement").fill(today)
    page.get_by_label("Montant versé").fill("999 999")
    page.get_by_label("Référence comptable (numéro de mandat)").fill(f"MDT-{number}")
    run.submit(page, "Enregistrer le versement")
    run.see(page, "versement-refuse", "dépasse ce qui reste à verser")
    if page.get_by_label("Référence comptable (numéro de mandat)").input_value() != f"MDT-{number}":
        raise StepFailed(f"{run.width} px: the refused payment's form lost its reference")
    page.get_by_label("Montant versé").fill(amount)
    run.submit(page, "Enregistrer le versement")
    run.see(page, "versement", "Versement de", "enregistré", f"MDT-{number}", "Statut : versé")
    # The association files its financial report.
    applicant.goto(run.base + dossier)
    run.follow(applicant, "Le compte rendu financier")
    run.see(applicant, "compte-rendu", "Compte rendu financier", "Décrivez la mise en œuvre de l'action")
    applicant.get_by_label("Décrivez la mise en œuvre de l'action").fill(
        "La camionnette a desservi douze villages chaque semaine, avec une permanence d'accès aux droits.")
    applicant.get_by_label("Nombre approximatif de personnes bénéficiaires").fill("320")
    applicant.get_by_label("Début de l'action").fill(today)
    applicant.get_by_label("Fin de l'action").fill(time.strftime("%Y-%m-%d", time.localtime(time.time() + 30 * 86400)))
    run.tick(applicant, "Oui")
    for label in ("Total des charges prévues", "Total des charges réalisées", "Total des produits prévus",
                  "Total des produits réalisés", "Montant de la subvention employé pour l'action"):
        applicant.get_by_label(label).fill(amount)
    applicant.get_by_label("Expliquez les écarts entre le budget prévu et le budget réalisé").fill("Aucun écart.")
    run.tick(applicant, "Je certifie exactes les informations du présent compte rendu, au nom de l'organisme")
    run.submit(applicant, "Remettre le compte rendu")
    run.see(applicant, "compte-rendu-remis", "Compte rendu financier remis", "Statut : bilan remis")
    # The instructor reads it and validates it.
    page.goto(run.base + "/instruction" + dossier)
    run.follow(page, "Lire et examiner le compte rendu")
    run.see(page, "examen", "Employé selon le compte rendu", "Aucun écart.")
    run.tick(page, "Je valide ce compte rendu")
    run.submit(page, "Valider le compte rendu")
    run.see(page, "compte-rendu-valide", "Compte rendu validé", "(validé)")
    return page


def main():
    if len(sys.argv) != 7:
        sys.exit(__doc__)
    base, shots, mail_dir = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
    staff = [a.split(":", 1) for a in sys.argv[4:7]]
    os.makedirs(shots, exist_ok=True)
    failures, checked = [], set()
    axe = Axe()
    chromium = os.environ.get("GUICHET_CHROMIUM_PATH", "/usr/bin/chromium")
    steps = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])

        def journey(width, walk):
            """Runs a journey acting at `width`; a failed step ends it (the next steps need it)."""
            nonlocal steps
            run = Run(browser, base, shots, mail_dir, width, axe, failures, checked, steps)
            try:
                return walk(run)
            except StepFailed as failure:
                failures.append(str(failure))
            except Exception as error:  # a locator that timed out, a page that never came
                failures.append(f"{width} px: {type(error).__name__}: {str(error)[:500]}")
            finally:
                steps = run.steps
            return None

        # Each applicant and instructor acts at one width; every step is seen at both.
        filed = []
        for width, amount in zip(WIDTHS, ("40 000", "45 000")):
            def applicant_and_instructor(run):
                applicant, dossier, title, number = applicant_journey(run, f"{run.width}-{int(time.time())}")
                instructor_journey(run, staff[0], applicant, dossier, title, number)
                return applicant, dossier, title, number
            done = journey(width, applicant_and_instructor)
            if done:
                filed.append(done + (amount,))
        # One committee decides the wave for both dossiers, at the narrow width; the
        # administrator publishes it at the wide one.
        if len(filed) == len(WIDTHS):
            if journey(WIDTHS[-1], lambda run: committee_journey(run, staff[1], filed)):
                journey(WIDTHS[0], lambda run: publication_journey(run, staff[2], [f[2] for f in filed]))
                journey(WIDTHS[0], lambda run: grant_journey(run, staff[0], filed[0]))
        browser.close()
    for failure in failures:
        print("FAIL:", failure)
    print(f"browser journeys: {steps} steps, each seen at {' and '.join(map(str, WIDTHS))} px "
          f"({len(checked)} page types × widths checked by axe-core), {len(failures)} failures; screenshots in {shots}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
