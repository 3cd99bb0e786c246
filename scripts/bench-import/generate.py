#!/usr/bin/env python3
"""Writes an import file of N dossiers for the Hauts-de-France call (hdf-2021), for scripts/bench-import.sh.

Every row is valid and carries its own organisation (a distinct SIRET with a valid Luhn key), so
that the import creates as many organisations as dossiers, the heaviest case; scopes are spread
over the region's five départements and the region itself (the call is regional). Numbers are
left empty: the import gives them. Deterministic for a given seed.

usage: generate.py ROWS FILE [--seed N] [--delimiter ;]
"""
import argparse
import csv
import random

THEMES = ["alimentation", "acces-aux-droits", "soutien-aux-familles", "insertion", "modernisation"]
DEPARTEMENTS = ["02", "59", "60", "62", "80"]
FORMS = ["association_declaree", "association_rup", "fondation", "cooperative"]
WORDS = ("épicerie solidaire camion paniers accueil familles insertion numérique accès droits "
         "jardins partagés maraude douches repas vestiaire chantier mobilité permanence").split()


def siret(index: int) -> str:
    """A 14-digit SIRET whose Luhn key is valid, distinct for each index."""
    base = f"{800000000 + index:09d}{index % 10000:04d}"
    for key in "0123456789":
        digits = base + key
        total = 0
        for position, char in enumerate(digits):
            value = int(char) * (2 if position % 2 == 0 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return digits
    raise AssertionError("no Luhn key")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", type=int)
    parser.add_argument("file")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--delimiter", default=";")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    header = ["numero", "titre", "resume", "thematique", "portee", "territoire", "montant_demande",
              "porteur_nom", "porteur_siret", "porteur_forme_juridique", "porteur_departement", "date_depot"]
    with open(args.file, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, delimiter=args.delimiter, lineterminator="\r\n")
        writer.writerow(header)
        for index in range(1, args.rows + 1):
            roll = rng.random()
            if roll < 0.85:
                scope, territory = "departemental", rng.choice(DEPARTEMENTS)
            else:
                scope, territory = "regional", "32"
            words = rng.sample(WORDS, 4)
            title = f"{words[0].capitalize()} {words[1]} n° {index}"
            summary = f"Projet {index} : {words[2]}, {words[3]} ; au service des habitants.\nDeux lignes."
            euros = rng.randint(2_000, 150_000)
            amount = f"{euros} {rng.randint(0, 99):02d}".replace(" ", ",") if rng.random() < 0.3 else str(euros)
            writer.writerow([
                "", title, summary, rng.choice(THEMES), scope, territory, amount,
                f"Association {words[0]} {index}", siret(index), rng.choice(FORMS),
                territory if scope == "departemental" else rng.choice(DEPARTEMENTS),
                f"2021-01-{rng.randint(4, 15):02d}",
            ])


if __name__ == "__main__":
    main()
