import Foundation
import GuichetDomain

/// Lays a definition out as the editor's inputs, section by section, each named by its path (see
/// ``CallEditorForm``), with an empty row at the end of each list to add one.
struct CallEditorBuilder {
    typealias Input = CallEditorPage.Input
    typealias Group = CallEditorPage.Group
    typealias Option = CallEditorPage.Option

    let definition: CallDefinition
    let typed: [String: String]

    func input(
        _ path: String, _ label: String, _ value: String, kind: String = "text", help: String? = nil,
        options: [(String, String)] = [], wide: Bool = false
    ) -> Input {
        let name = CallEditorForm.name(path)
        let shown = typed[name] ?? value
        return Input(
            name: name,
            id: "f-" + name.replacingOccurrences(of: ".", with: "-").replacingOccurrences(of: "_", with: "-"),
            label: label, kind: kind, value: shown, checked: kind == "checkbox" && !value.isEmpty,
            options: options.map { Option(value: $0.0, label: $0.1, selected: $0.0 == shown) }, help: help, error: nil,
            wide: wide)
    }

    func checkbox(_ path: String, _ label: String, _ on: Bool) -> Input {
        input(path, label, on ? "on" : "", kind: "checkbox")
    }

    func group(_ path: String, _ legend: String, id: String? = nil, _ inputs: [Input], removable: Bool = false) -> Group
    {
        let name = CallEditorForm.name(path)
        return Group(
            id: id ?? "g-" + name.replacingOccurrences(of: ".", with: "-").replacingOccurrences(of: "_", with: "-"),
            legend: legend, inputs: inputs,
            removeName: removable ? name + "._remove" : nil, errors: [], path: path)
    }

    static func euros(_ cents: Int64) -> String {
        (try? Money(cents: cents).formatted())?.replacingOccurrences(of: " €", with: "") ?? String(cents)
    }

    func help(_ section: CallEditorSection) -> String? {
        switch section {
        case .general:
            "Le périmètre dit quels projets l'appel finance ; seul un administrateur de ce territoire peut modifier l'appel."
        case .calendar:
            "Les dates sont des jours, heure de Paris : le dépôt ouvre au début du jour d'ouverture et ferme à la fin du jour limite. Les vagues sont numérotées dans l'ordre ; une vague publiée ne change plus. Remplissez la dernière ligne pour ajouter une vague."
        case .themes:
            "Les codes (minuscules, chiffres, tirets) nomment les thématiques dans les adresses et les fichiers ; la question « thématique » du formulaire suit cette liste."
        case .envelopes:
            "Montants en euros. « Finance » : FR pour les projets nationaux, ou le code INSEE de la région ; vide pour une enveloppe qui ne fait que borner ses sous-enveloppes. Une fois des dossiers déposés, un montant ne change que par une nouvelle révision datée et motivée."
        case .form:
            "Les rôles disent ce que Guichet lit des réponses : titre, thématique, territoire et montant demandé sont obligatoires. Une fois des dossiers déposés, une modification crée une nouvelle version du formulaire ; les dossiers déposés gardent la leur. Après un changement de type, enregistrez : les paramètres du nouveau type apparaissent."
        case .grid:
            "Chaque critère est noté sur l'échelle (un échelon par ligne, du plus bas au plus haut), pondéré par son poids."
        case .committee:
            "Le service expert proposé pour chaque thématique (laisser vide : aucun) ; les sièges et le quorum dont partent les séances du comité."
        case .json:
            "La définition entière, au format de /api/v1/schemas/call.json (documentation : docs/CALLS.md). Utile pour copier un appel d'une installation à une autre."
        }
    }

    func groups(_ section: CallEditorSection) -> [Group] {
        let d = definition
        switch section {
        case .general:
            return [
                group(
                    "", "L'appel", id: "g-appel",
                    [
                        input("title", "Titre", d.title, wide: true),
                        input("programme", "Programme", d.programme, wide: true),
                        input("context", "Contexte (page publique)", d.context, kind: "textarea"),
                        input("eligibility", "Qui peut déposer (un énoncé par ligne)", d.eligibility, kind: "textarea"),
                        input(
                            "scope.level", "Périmètre", d.scope.level.rawValue, kind: "select",
                            options: [
                                ("national", "National"), ("region", "Une région"), ("departement", "Un département"),
                            ]),
                        input(
                            "scope.code", "Code INSEE de la région ou du département", d.scope.code ?? "",
                            help: "Par exemple 32 (Hauts-de-France) ou 02 (Aisne) ; vide pour un appel national."),
                        input(
                            "receipt_prefix", "Préfixe des numéros de dossier", d.receiptPrefix,
                            help: "Majuscules, chiffres et tirets : HDF-2022 donne HDF-2022-0001."),
                        input(
                            "territory_order", "Ordre des territoires dans les résultats",
                            (d.territoryOrder ?? []).joined(separator: ", "),
                            help: "Codes INSEE séparés par des virgules ; vide pour l'ordre du périmètre."),
                        checkbox("simulated", "Appel de démonstration (chaque page le signale)", d.simulated),
                    ])
            ]
        case .calendar:
            return [
                group(
                    "", "Dépôt des dossiers", id: "g-depot",
                    [
                        input("opens_on", "Ouverture du dépôt", d.opensOn, kind: "date"),
                        input("deadline", "Date limite de dépôt (dernier jour)", d.deadline, kind: "date"),
                    ])
            ]
                + (d.waves.enumerated().map { index, wave in
                    group(
                        "waves[\(index)]", "Vague \(index + 1)",
                        [
                            input("waves[\(index)].label", "Libellé", wave.label, wide: true),
                            input("waves[\(index)].announced_on", "Annonce prévue le", wave.announcedOn, kind: "date"),
                        ], removable: true)
                }) + [
                    group(
                        "waves[\(d.waves.count)]", "Ajouter une vague",
                        [
                            input("waves[\(d.waves.count)].label", "Libellé", "", wide: true),
                            input("waves[\(d.waves.count)].announced_on", "Annonce prévue le", "", kind: "date"),
                        ])
                ]
        case .themes:
            func rows(_ list: String, _ entries: [CallDefinition.Entry], _ noun: String) -> [Group] {
                entries.enumerated().map { index, entry in
                    group(
                        "\(list)[\(index)]", "\(noun) \(index + 1)",
                        [
                            input("\(list)[\(index)].code", "Code", entry.code),
                            input("\(list)[\(index)].label", "Libellé", entry.label, wide: true),
                        ], removable: true)
                } + [
                    group(
                        "\(list)[\(entries.count)]", "Ajouter : \(noun.lowercased())",
                        [
                            input("\(list)[\(entries.count)].code", "Code", ""),
                            input("\(list)[\(entries.count)].label", "Libellé", "", wide: true),
                        ])
                ]
            }
            return rows("themes", d.themes, "Thématique") + rows("objectives", d.objectives, "Objectif")
        case .envelopes:
            return envelopeGroups()
        case .form:
            return formGroups()
        case .grid:
            return d.scoringGrid.criteria.enumerated().map { index, criterion in
                group(
                    "scoring_grid.criteria[\(index)]", "Critère \(index + 1)",
                    [
                        input("scoring_grid.criteria[\(index)].code", "Code", criterion.code),
                        input("scoring_grid.criteria[\(index)].label", "Libellé", criterion.label, wide: true),
                        input("scoring_grid.criteria[\(index)].weight", "Poids", String(criterion.weight)),
                    ], removable: true)
            } + [
                group(
                    "scoring_grid.criteria[\(d.scoringGrid.criteria.count)]", "Ajouter un critère",
                    [
                        input("scoring_grid.criteria[\(d.scoringGrid.criteria.count)].code", "Code", ""),
                        input(
                            "scoring_grid.criteria[\(d.scoringGrid.criteria.count)].label", "Libellé", "", wide: true),
                        input("scoring_grid.criteria[\(d.scoringGrid.criteria.count)].weight", "Poids", "1"),
                    ]),
                group(
                    "scoring_grid", "Échelle et agrégation",
                    [
                        input(
                            "scoring_grid.scale", "Échelle (un échelon par ligne, de 0 au maximum)",
                            d.scoringGrid.scale.joined(separator: "\n"), kind: "textarea"),
                        input(
                            "scoring_grid.aggregation", "Plusieurs notes se combinent par",
                            d.scoringGrid.aggregation.rawValue, kind: "select",
                            options: [("mean", "la moyenne"), ("median", "la médiane")]),
                    ]),
            ]
        case .committee:
            let seats = d.committee.members
            return [
                group(
                    "expert_services", "Service expert proposé par thématique",
                    d.themes.map { theme in
                        input(
                            "expert_services.\(theme.code)", theme.label, d.expertServices[theme.code] ?? "",
                            help: "Par exemple DRAAF, ARS ; vide : aucun.")
                    })
            ]
                + seats.enumerated().map { index, seat in
                    group(
                        "committee.members[\(index)]", "Siège \(index + 1)",
                        [
                            input(
                                "committee.members[\(index)].role", "Rôle", seat.role.rawValue, kind: "select",
                                options: [("chair", "Présidence"), ("member", "Membre")]),
                            input("committee.members[\(index)].title", "Qui l'occupe", seat.title, wide: true),
                        ], removable: true)
                } + [
                    group(
                        "committee.members[\(seats.count)]", "Ajouter un siège",
                        [
                            input(
                                "committee.members[\(seats.count)].role", "Rôle", "member", kind: "select",
                                options: [("chair", "Présidence"), ("member", "Membre")]),
                            input("committee.members[\(seats.count)].title", "Qui l'occupe", "", wide: true),
                        ]),
                    group(
                        "committee", "Quorum",
                        [input("committee.quorum", "Membres présents requis", String(d.committee.quorum))]),
                ]
        case .json:
            let text = (try? d.json()).map { String(decoding: $0, as: UTF8.self) } ?? ""
            return [
                group(
                    "", "Définition", id: "g-json",
                    [input("definition", "Définition JSON", text, kind: "textarea", wide: true)])
            ]
        }
    }

    private func envelopeGroups() -> [Group] {
        let d = definition
        var groups: [Group] = []
        for (index, envelope)
            in (d.envelopes + [
                CallDefinition.EnvelopeSpec(
                    key: "", parent: nil, label: "", draws: nil,
                    owner: .init(name: "", siret: nil), revisions: [])
            ]).enumerated()
        {
            let at = "envelopes[\(index)]"
            let isNew = index == d.envelopes.count
            var inputs = [
                input("\(at).key", "Clé", envelope.key),
                input("\(at).label", "Libellé", envelope.label, wide: true),
                input("\(at).parent", "Fait partie de (clé)", envelope.parent ?? ""),
                input("\(at).draws", "Finance", envelope.draws ?? "", help: "FR, un code de région, ou vide."),
                input("\(at).owner.name", "Autorité qui attribue", envelope.owner.name, wide: true),
                input("\(at).owner.siret", "SIRET de l'autorité", envelope.owner.siret ?? ""),
            ]
            for (r, revision)
                in (envelope.revisions + [CallDefinition.RevisionSpec(amountCents: -1, effectiveOn: "", reason: "")])
                .enumerated()
            {
                let rev = "\(at).revisions[\(r)]"
                let blank = revision.amountCents < 0
                let noun = r == 0 ? "Montant initial" : (blank ? "Nouvelle révision" : "Révision \(r)")
                inputs += [
                    input("\(rev).amount_cents", "\(noun) (€)", blank ? "" : Self.euros(revision.amountCents)),
                    input("\(rev).effective_on", "\(noun) : en vigueur le", revision.effectiveOn, kind: "date"),
                    input("\(rev).reason", "\(noun) : motif", revision.reason, wide: true),
                ]
            }
            groups.append(
                group(
                    at, isNew ? "Ajouter une enveloppe" : "Enveloppe « \(envelope.label) »", inputs, removable: !isNew))
        }
        return groups
    }

    private func formGroups() -> [Group] {
        let d = definition
        let types = [
            "short_text", "long_text", "amount", "integer", "date", "choice", "multiple_choice", "territory", "yes_no",
            "file",
        ]
        let typeLabels = [
            "Texte court", "Texte long", "Montant", "Nombre entier", "Date", "Choix unique", "Choix multiples",
            "Territoire",
            "Oui ou non", "Pièce jointe",
        ]
        let roles = [("", "Aucun")] + FieldRole.allCases.map { ($0.rawValue, $0.label) }
        var groups: [Group] = []
        let blank = FormField(key: "", label: "", type: .shortText(maxLength: 200))
        for (index, field) in (d.form.fields + [blank]).enumerated() {
            let at = "form.fields[\(index)]"
            let isNew = index == d.form.fields.count
            var inputs = [
                input("\(at).position", "Position", String(index + 1)),
                input("\(at).key", "Clé", field.key),
                input("\(at).label", "Question", field.label, wide: true),
                input("\(at).help", "Aide", field.help ?? "", wide: true),
                input("\(at).section", "Rubrique", field.section ?? ""),
                input("\(at).type", "Type", field.type.kind, kind: "select", options: Array(zip(types, typeLabels))),
                input("\(at).role", "Rôle", field.role?.rawValue ?? "", kind: "select", options: roles),
                checkbox("\(at).required", "Obligatoire pour déposer", field.required),
            ]
            switch field.type {
            case .shortText(let n), .longText(let n):
                inputs.append(input("\(at).max_length", "Longueur maximale", String(n)))
            case .amount(let min, let max):
                inputs += [
                    input("\(at).min_cents", "Minimum (€)", min.map { Self.euros($0.cents) } ?? ""),
                    input("\(at).max_cents", "Maximum (€)", max.map { Self.euros($0.cents) } ?? ""),
                ]
            case .integer(let min, let max):
                inputs += [
                    input("\(at).min", "Minimum", min.map(String.init) ?? ""),
                    input("\(at).max", "Maximum", max.map(String.init) ?? ""),
                ]
            case .date(let notBefore, let notAfter):
                inputs += [
                    input("\(at).not_before", "Au plus tôt le", notBefore ?? "", kind: "date"),
                    input("\(at).not_after", "Au plus tard le", notAfter ?? "", kind: "date"),
                ]
            case .choice(let options):
                inputs.append(
                    input(
                        "\(at).options", "Options (une par ligne : valeur | libellé)",
                        CallEditorForm.optionsText(options), kind: "textarea"))
            case .multipleChoice(let options, let minCount, let maxCount):
                inputs += [
                    input(
                        "\(at).options", "Options (une par ligne : valeur | libellé)",
                        CallEditorForm.optionsText(options), kind: "textarea"),
                    input("\(at).min_count", "Réponses au moins", String(minCount)),
                    input("\(at).max_count", "Réponses au plus", maxCount.map(String.init) ?? ""),
                ]
            case .territory(let levels):
                inputs += [
                    checkbox("\(at).levels.national", "Niveau national", levels.contains(.national)),
                    checkbox("\(at).levels.region", "Niveau régional", levels.contains(.region)),
                    checkbox("\(at).levels.departement", "Niveau départemental", levels.contains(.departement)),
                ]
            case .yesNo: break
            case .file(let maxBytes, let kinds):
                inputs += [
                    input("\(at).kinds", "Types acceptés (pdf, image, office…)", kinds.joined(separator: ", ")),
                    input("\(at).max_bytes", "Taille maximale (octets)", maxBytes.map(String.init) ?? ""),
                ]
            }
            groups.append(
                group(at, isNew ? "Ajouter une question" : "Question « \(field.label) »", inputs, removable: !isNew))
        }
        for (index, rule) in (d.form.rules + [.dateOrder(start: "", end: "", message: nil)]).enumerated() {
            let at = "form.rules[\(index)]"
            let isNew = index == d.form.rules.count
            let (kind, a, b, message): (String, String, String, String?) =
                switch rule {
                case .dateOrder(let start, let end, let message): ("date_order", start, end, message)
                case .amountAtMost(let field, let other, let message): ("amount_at_most", field, other, message)
                }
            groups.append(
                group(
                    at, isNew ? "Ajouter une règle" : "Règle \(index + 1)",
                    [
                        input(
                            "\(at).type", "Règle", kind, kind: "select",
                            options: [
                                ("date_order", "La date B suit la date A"),
                                ("amount_at_most", "Le montant A ne dépasse pas le montant B"),
                            ]),
                        input("\(at).a", "Champ A (clé)", a),
                        input("\(at).b", "Champ B (clé)", b),
                        input("\(at).message", "Message d'erreur (facultatif)", message ?? "", wide: true),
                    ], removable: !isNew))
        }
        return groups
    }
}
