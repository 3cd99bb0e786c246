import Fluent
import Foundation
import GuichetDomain
import Vapor

/// `guichet propose --call <ref> [--budget <euros>] [--what-if <euros>] [--json]`, or
/// `guichet propose --instance <file.json>`: the portfolio proposal from the command line, with
/// the same solver as the committee's page.
struct ProposeCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(
            name: "call",
            help: "L'appel (référence ou identifiant) : proposition rétrospective sur tous ses dossiers instruits.")
        var call: String?
        @Option(
            name: "budget",
            help: "Le montant disponible (en euros) sur l'enveloppe des dossiers, au lieu de son montant en vigueur.")
        var budget: String?
        @Option(name: "what-if", help: "Un second montant (en euros) : ce qui change entre les deux propositions.")
        var whatIf: String?
        @Option(
            name: "instance", help: "Un fichier d'instance JSON (scripts/portfolio/generate.py) à résoudre tel quel.")
        var instance: String?
        @Option(
            name: "export",
            help:
                "Écrit aussi l'instance résolue (JSON, budget appliqué) dans ce fichier, pour la comparer à un autre solveur."
        )
        var export: String?
        @Flag(name: "json", help: "Le résultat en JSON (dossiers retenus, objectif, optimalité prouvée).")
        var json: Bool
    }

    var help: String {
        "Propose la sélection de dossiers qui maximise la somme des notes dans les enveloppes (optimum prouvé)."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        if let path = signature.instance {
            context.console.print(
                try await solvePortfolioInstance(at: path, cbcPath: context.application.guichetConfiguration.cbcPath))
            return
        }
        guard let reference = signature.call else {
            throw AppError(
                status: .badRequest, code: "missing_call",
                message: "Indiquez --call <référence de l'appel> ou --instance <fichier>.")
        }
        let app = context.application
        try await app.migrateDatabase()
        let call = try await CallRepository(database: app.db).load(reference)
        var settings = PortfolioService.Settings()
        settings.timeLimitSeconds = 60
        do {
            settings.budgetCents = try signature.budget.map { try Money.parse($0).cents }
            settings.whatIfCents = try signature.whatIf.map { try Money.parse($0).cents }
        } catch let error as DomainError {
            throw AppError(status: .badRequest, code: error.code, message: "--budget / --what-if : \(error.message)")
        }
        let proposal = try await PortfolioService(database: app.db).retrospective(
            call, settings: settings, milp: cbcMILPRunner(app.guichetConfiguration.cbcPath))
        if let path = signature.export {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try encoder.encode(proposal.problem).write(to: URL(fileURLWithPath: path))
        }
        if signature.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            if let comparison = proposal.comparison {
                context.console.print(String(decoding: try encoder.encode(comparison), as: UTF8.self))
            } else {
                context.console.print(String(decoding: try encoder.encode(proposal.result), as: UTF8.self))
            }
            return
        }
        context.console.print(ProposalText.render(proposal))
    }
}

/// The proposal as text, for the terminal.
enum ProposalText {
    static func render(_ proposal: PortfolioService.Proposal) -> String {
        let result = proposal.result
        let amount = (try? Money(cents: result.selected.reduce(0) { $0 + $1.grantedCents })) ?? .zero
        var lines = [
            "Proposition — \(proposal.problem.name)",
            "\(result.selected.count) dossiers retenus pour \(amount.formatted()) ; " + status(result),
            "",
        ]
        if let conflict = result.conflict {
            lines.insert(conflict.message, at: 2)
            if let relaxed = result.relaxed?.result {
                let cents = relaxed.selected.reduce(0) { $0 + $1.grantedCents }
                lines.insert(
                    "Proposition avec les règles assouplies (\(conflict.relaxation)) : \(relaxed.selected.count) dossiers retenus pour \(Money.text(cents: cents)) ; "
                        + status(relaxed), at: 3)
            }
        }
        let shown = proposal.shown
        let selected = shown.grantedByID
        for explanation in shown.explanations where explanation.selected {
            let granted = Money.text(cents: selected[explanation.id] ?? 0)
            lines.append("  + \(explanation.id)  \(granted)  — \(explanation.detail)")
        }
        if let comparison = proposal.comparison {
            let after = (try? Money(cents: comparison.after.selected.reduce(0) { $0 + $1.grantedCents })) ?? .zero
            let whatIf = Money.text(cents: proposal.whatIfCents ?? 0)
            lines += [
                "", "Et si l'enveloppe disposait de \(whatIf) :",
                "\(comparison.after.selected.count) dossiers retenus pour \(after.formatted()) ; "
                    + status(comparison.after),
                "Ajoutés : \(comparison.added.isEmpty ? "aucun" : comparison.added.joined(separator: ", "))",
                "Retirés : \(comparison.removed.isEmpty ? "aucun" : comparison.removed.joined(separator: ", "))",
            ]
        }
        return lines.joined(separator: "\n")
    }

    static func status(_ result: PortfolioResult) -> String {
        // Scores are in hundredths: the objective reads as the sum of the selected notes.
        let objective = result.objective.map { "somme des notes \(points($0.value))" } ?? "pas de solution"
        let time = "\(String(format: "%.2f", result.seconds).replacingOccurrences(of: ".", with: ",")) s"
        var method = "méthode : \(result.method.label)"
        if let search = result.search {
            method +=
                " ; borne lagrangienne \(points(Double(search.lagrangianBound))) après \(search.iterations) itération(s), "
                + (search.coreDossiers == 0
                    ? "qui suffit à prouver l'optimum"
                    : "\(search.coreDossiers) dossier(s) laissé(s) au cœur, \(search.fixedDossiers) fixé(s) par la borne ; "
                        + "cœur exploré par séparation sur la borne lagrangienne (\(search.branchingNodes) nœud(s))"
                        + (search.cbcCores > 0 ? ", puis par CBC" : ""))
        }
        switch result.status {
        case .optimal:
            if case .proportional(let value) = result.objective, let bound = result.bound, bound > value {
                // Partial funding is proven within a relative tolerance of its bound.
                return
                    "\(objective), optimum prouvé à 10⁻⁶ près en \(time), borne \(points(bound)) (\(method))."
            }
            return "\(objective), optimum prouvé en \(time) (\(method))."
        case .timeLimit:
            let bound = result.bound.map { ", borne \(points($0))" } ?? ""
            return
                "\(objective), arrêt au temps limite après \(time)\(bound), écart prouvé \(String(format: "%.2f", (result.gap ?? 0) * 100).replacingOccurrences(of: ".", with: ",")) % (\(method))."
        case .infeasible:
            // A conflict is found by checking the rules against the envelopes, before any search.
            let how = result.conflict != nil ? "règles confrontées aux enveloppes" : method
            return "les règles ne laissent aucune sélection possible (\(time), \(how))."
        }
    }

    /// Hundredths of a point written as points with two decimals, the French way.
    static func points(_ hundredths: Double) -> String {
        String(format: "%.2f", hundredths / 100).replacingOccurrences(of: ".", with: ",")
    }
}
