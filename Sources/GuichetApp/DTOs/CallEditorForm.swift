import Foundation
import GuichetDomain

/// The parts of a call the editor shows as separate forms, each saved on its own.
enum CallEditorSection: String, CaseIterable, Sendable {
    case general = "general"
    case calendar = "calendrier"
    case themes = "thematiques"
    case envelopes = "enveloppes"
    case form = "formulaire"
    case grid = "grille"
    case committee = "comite"
    case json = "json"

    var title: String {
        switch self {
        case .general: "L'appel"
        case .calendar: "Calendrier et vagues"
        case .themes: "Thématiques et objectifs"
        case .envelopes: "Enveloppes"
        case .form: "Formulaire du dossier"
        case .grid: "Grille de notation"
        case .committee: "Services experts et comité"
        case .json: "Définition complète (JSON)"
        }
    }

    /// The top-level keys of the definition the section edits, to place its errors.
    var roots: [String] {
        switch self {
        case .general:
            [
                "format", "reference", "title", "programme", "context", "eligibility", "scope", "simulated",
                "receipt_prefix",
                "territory_order",
            ]
        case .calendar: ["opens_on", "deadline", "waves"]
        case .themes: ["themes", "objectives"]
        case .envelopes: ["envelopes"]
        case .form: ["form"]
        case .grid: ["scoring_grid"]
        case .committee: ["expert_services", "committee"]
        case .json: []
        }
    }

    /// The section an error's path belongs to.
    static func of(path: String) -> CallEditorSection {
        let root = String(path.prefix { $0 != "." && $0 != "[" })
        return allCases.first { $0.roots.contains(root) } ?? .json
    }
}

/// What an administrator posted from one section of the call editor, read back into a
/// definition.
///
/// Inputs are named by their path in the definition with dots for brackets
/// (`envelopes.3.revisions.0.amount_cents` for `envelopes[3].revisions[0].amount_cents`), so that
/// the domain's errors land next to the input that caused them, and so that the names survive
/// form encoding untouched. Amounts are typed in euros the French way; a value that cannot be
/// read is reported at its path and nothing is saved.
struct CallEditorForm {
    /// The posted values by input name (the first value of each).
    let values: [String: String]

    init(_ posted: PostedForm) {
        values = posted.fields.compactMapValues(\.first)
    }

    init(values: [String: String]) {
        self.values = values
    }

    /// An input's name for a definition path.
    static func name(_ path: String) -> String {
        path.replacingOccurrences(of: "[", with: ".").replacingOccurrences(of: "]", with: "")
    }

    func text(_ name: String) -> String { (values[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
    func optional(_ name: String) -> String? {
        let value = text(name)
        return value.isEmpty ? nil : value
    }
    func checked(_ name: String) -> Bool { values[name] != nil && values[name] != "" }

    /// The row indices posted under a list (`themes` → 0, 1, 2 from `themes.0.code`…), in order.
    func indices(_ list: String) -> [Int] {
        let prefix = list + "."
        let found = values.keys.compactMap { key -> Int? in
            guard key.hasPrefix(prefix) else { return nil }
            return Int(key.dropFirst(prefix.count).prefix { $0 != "." })
        }
        return Array(Set(found)).sorted()
    }

    /// Whether a row was ticked for removal, or left blank (the empty row offered for adding).
    func skipped(_ row: String, fields: [String]) -> Bool {
        checked(row + "._remove") || fields.allSatisfy { text("\(row).\($0)").isEmpty }
    }

    /// What could not be read: the errors by path, and what was typed there (to show it again).
    struct Problems {
        var issues: [CallDefinitionIssue] = []
        /// Typed text by input name, for values the definition cannot hold (an amount that is not one).
        var typed: [String: String] = [:]

        mutating func append(_ issue: CallDefinitionIssue) { issues.append(issue) }
    }

    /// Reads the section's inputs into `definition`. Rows ticked for removal or left blank are
    /// dropped, so the definition's positions (and the errors' paths) count the rows kept.
    /// - Returns: the values that could not be read; when there is any, nothing is saved.
    func apply(_ section: CallEditorSection, to definition: inout CallDefinition) -> Problems {
        var issues = Problems()
        switch section {
        case .general: applyGeneral(to: &definition, &issues)
        case .calendar: applyCalendar(to: &definition)
        case .themes: applyThemes(to: &definition)
        case .envelopes: applyEnvelopes(to: &definition, &issues)
        case .form: applyForm(to: &definition, &issues)
        case .grid: applyGrid(to: &definition, &issues)
        case .committee: applyCommittee(to: &definition, &issues)
        case .json:
            do {
                definition = try CallDefinition.load(json: Data((values["definition"] ?? "").utf8))
            } catch {
                if case .invalidCallDefinition(let found) = error {
                    issues.issues = found
                } else {
                    issues.append(CallDefinitionIssue("", error.message))
                }
                issues.typed["definition"] = values["definition"] ?? ""
            }
        }
        return issues
    }

    private func applyGeneral(to d: inout CallDefinition, _ issues: inout Problems) {
        d.title = text("title")
        d.programme = text("programme")
        d.context = text("context")
        d.eligibility = text("eligibility")
        d.receiptPrefix = text("receipt_prefix")
        d.simulated = checked("simulated")
        switch text("scope.level") {
        case "national": d.scope = .national
        case "region": d.scope = .region(text("scope.code"))
        case "departement": d.scope = .departement(text("scope.code"))
        default: issues.append(CallDefinitionIssue("scope.level", "choisissez national, région ou département."))
        }
        let order = text("territory_order").split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
        d.territoryOrder = order.isEmpty ? nil : order
    }

    /// Dates and waves go together: moving a call to next year moves both at once.
    private func applyCalendar(to d: inout CallDefinition) {
        d.opensOn = text("opens_on")
        d.deadline = text("deadline")
        var waves: [CallDefinition.WaveSpec] = []
        for index in indices("waves") where !skipped("waves.\(index)", fields: ["label", "announced_on"]) {
            waves.append(
                .init(
                    number: waves.count + 1, label: text("waves.\(index).label"),
                    announcedOn: text("waves.\(index).announced_on")))
        }
        d.waves = waves
    }

    private func applyThemes(to d: inout CallDefinition) {
        func entries(_ list: String) -> [CallDefinition.Entry] {
            indices(list).filter { !skipped("\(list).\($0)", fields: ["code", "label"]) }
                .map { .init(code: text("\(list).\($0).code"), label: text("\(list).\($0).label")) }
        }
        d.themes = entries("themes")
        d.objectives = entries("objectives")
        // A removed theme takes its expert service with it.
        let codes = Set(d.themes.map(\.code))
        d.expertServices = d.expertServices.filter { codes.contains($0.key) }
        // The theme question offers the call's themes: keep it in step with them.
        if let index = d.form.fields.firstIndex(where: { $0.role == .theme }), case .choice = d.form.fields[index].type
        {
            d.form.fields[index].type = .choice(options: d.themes.map { FormOption(value: $0.code, label: $0.label) })
        }
    }

    private func applyEnvelopes(to d: inout CallDefinition, _ issues: inout Problems) {
        var envelopes: [CallDefinition.EnvelopeSpec] = []
        for index in indices("envelopes") {
            let row = "envelopes.\(index)"
            guard !skipped(row, fields: ["key", "label", "owner.name"]) else { continue }
            var revisions: [CallDefinition.RevisionSpec] = []
            for r in indices("\(row).revisions") {
                let revision = "\(row).revisions.\(r)"
                guard !skipped(revision, fields: ["amount_cents", "effective_on", "reason"]) else { continue }
                let path = "envelopes[\(envelopes.count)].revisions[\(revisions.count)].amount_cents"
                let cents = money(text("\(revision).amount_cents"), path: path, &issues)
                revisions.append(
                    .init(
                        amountCents: cents, effectiveOn: text("\(revision).effective_on"),
                        reason: text("\(revision).reason")))
            }
            envelopes.append(
                .init(
                    key: text("\(row).key"), parent: optional("\(row).parent"), label: text("\(row).label"),
                    draws: optional("\(row).draws"),
                    owner: .init(name: text("\(row).owner.name"), siret: optional("\(row).owner.siret")),
                    revisions: revisions))
        }
        d.envelopes = envelopes
    }

    private func applyGrid(to d: inout CallDefinition, _ issues: inout Problems) {
        var criteria: [Criterion] = []
        for index in indices("scoring_grid.criteria") {
            let row = "scoring_grid.criteria.\(index)"
            guard !skipped(row, fields: ["code", "label"]) else { continue }
            let weight =
                integer(text("\(row).weight"), path: "scoring_grid.criteria[\(criteria.count)].weight", &issues) ?? 1
            criteria.append(
                Criterion(code: text("\(row).code"), label: text("\(row).label"), weight: Int(clamping: weight)))
        }
        let scale = (values["scoring_grid.scale"] ?? "").split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        d.scoringGrid = ScoringGrid(
            criteria: criteria, scale: scale,
            aggregation: ScoreAggregation(rawValue: text("scoring_grid.aggregation")) ?? .mean)
    }

    private func applyCommittee(to d: inout CallDefinition, _ issues: inout Problems) {
        var services: [String: String] = [:]
        for theme in d.themes {
            if let service = optional("expert_services.\(theme.code)") { services[theme.code] = service }
        }
        d.expertServices = services
        var seats: [CallDefinition.CommitteeSpec.Seat] = []
        for index in indices("committee.members") where !skipped("committee.members.\(index)", fields: ["title"]) {
            seats.append(
                .init(
                    role: text("committee.members.\(index).role") == "chair" ? .chair : .member,
                    title: text("committee.members.\(index).title")))
        }
        let quorum = integer(text("committee.quorum"), path: "committee.quorum", &issues) ?? 1
        d.committee = .init(quorum: Int(clamping: quorum), members: seats)
    }

    /// An amount typed in euros, as cents; reported at `path` when it cannot be read.
    func money(_ typed: String, path: String, _ issues: inout Problems) -> Int64 {
        guard !typed.isEmpty else {
            issues.append(CallDefinitionIssue(path, "indiquez un montant en euros."))
            return 0
        }
        do { return try Money.parse(typed).cents } catch {
            issues.append(
                CallDefinitionIssue(
                    path, "« \(typed) » n'est pas un montant : écrivez par exemple 3 300 000 ou 12 500,50."))
            issues.typed[Self.name(path)] = typed
            return 0
        }
    }

    /// A whole number; reported at `path` when it cannot be read; `nil` when left empty.
    func integer(_ typed: String, path: String, _ issues: inout Problems) -> Int64? {
        let digits = typed.filter { !$0.isWhitespace }
        guard !digits.isEmpty else { return nil }
        guard let value = Int64(digits) else {
            issues.append(CallDefinitionIssue(path, "« \(typed) » n'est pas un nombre entier."))
            issues.typed[Self.name(path)] = typed
            return nil
        }
        return value
    }
}

extension CallEditorForm {
    /// The parameters each field type takes in the editor, by input suffix.
    static func parameters(of kind: String) -> [String] {
        switch kind {
        case "short_text", "long_text": ["max_length"]
        case "amount": ["min_cents", "max_cents"]
        case "integer": ["min", "max"]
        case "date": ["not_before", "not_after"]
        case "choice": ["options"]
        case "multiple_choice": ["options", "min_count", "max_count"]
        case "territory": ["levels"]
        case "file": ["max_bytes", "kinds"]
        default: []
        }
    }

    /// Options typed one a line, `value | label` (a line without `|` is its own value and label).
    static func options(_ text: String) -> [FormOption] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            let parts = line.split(separator: "|", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let value = parts.first, !value.isEmpty else { return nil }
            return FormOption(value: value, label: parts.count > 1 ? parts[1] : value)
        }
    }

    static func optionsText(_ options: [FormOption]) -> String {
        options.map { $0.value == $0.label ? $0.value : "\($0.value) | \($0.label)" }.joined(separator: "\n")
    }

    func applyForm(to d: inout CallDefinition, _ issues: inout Problems) {
        var rows: [(position: Int64, index: Int, field: FormField)] = []
        for index in indices("form.fields") {
            let row = "form.fields.\(index)"
            guard !skipped(row, fields: ["key", "label"]) else { continue }
            let at = "form.fields[\(rows.count)]"
            let kind = text("\(row).type")
            func int(_ suffix: String) -> Int64? { integer(text("\(row).\(suffix)"), path: "\(at).\(suffix)", &issues) }
            func cents(_ suffix: String) -> Money? {
                let typed = text("\(row).\(suffix)")
                guard !typed.isEmpty else { return nil }
                return try? Money(cents: money(typed, path: "\(at).\(suffix)", &issues))
            }
            let type: FieldType
            switch kind {
            case "short_text": type = .shortText(maxLength: Int(clamping: int("max_length") ?? 200))
            case "long_text": type = .longText(maxLength: Int(clamping: int("max_length") ?? 2000))
            case "amount": type = .amount(min: cents("min_cents"), max: cents("max_cents"))
            case "integer": type = .integer(min: int("min"), max: int("max"))
            case "date": type = .date(notBefore: optional("\(row).not_before"), notAfter: optional("\(row).not_after"))
            case "choice": type = .choice(options: Self.options(values["\(row).options"] ?? ""))
            case "multiple_choice":
                type = .multipleChoice(
                    options: Self.options(values["\(row).options"] ?? ""),
                    minCount: Int(clamping: int("min_count") ?? 0),
                    maxCount: int("max_count").map { Int(clamping: $0) })
            case "territory":
                type = .territory(
                    levels: Set(
                        [TerritoryKey.Level.national, .region, .departement].filter {
                            checked("\(row).levels.\($0.rawValue)")
                        }))
            case "yes_no": type = .yesNo
            case "file":
                type = .file(
                    maxBytes: int("max_bytes").map { Int(clamping: $0) },
                    kinds: text("\(row).kinds").split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
                )
            default:
                issues.append(CallDefinitionIssue("\(at).type", "choisissez le type de la question."))
                type = .yesNo
            }
            let field = FormField(
                key: text("\(row).key"), label: text("\(row).label"), help: optional("\(row).help"),
                required: checked("\(row).required"), type: type, section: optional("\(row).section"),
                role: FieldRole(rawValue: text("\(row).role")))
            rows.append((int("position") ?? Int64(index + 1), index, field))
        }
        d.form.fields = rows.sorted { ($0.position, $0.index) < ($1.position, $1.index) }.map(\.field)
        var rules: [FormRule] = []
        for index in indices("form.rules") {
            let row = "form.rules.\(index)"
            guard !skipped(row, fields: ["a", "b"]) else { continue }
            let message = optional("\(row).message")
            if text("\(row).type") == "amount_at_most" {
                rules.append(.amountAtMost(text("\(row).a"), other: text("\(row).b"), message: message))
            } else {
                rules.append(.dateOrder(start: text("\(row).a"), end: text("\(row).b"), message: message))
            }
        }
        d.form.rules = rules
    }
}
