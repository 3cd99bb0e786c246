import Foundation

extension PortfolioExplanation {
    /// Finds each dossier's binding reason in a selection and words it.
    struct Wording {
        let prepared: PreparedPortfolio
        let state: SelectionState

        static func forcedOut(_ id: String) -> PortfolioExplanation {
            PortfolioExplanation(
                id: id, selected: false, reason: .forcedOut,
                detail: "Écarté d'office à la demande de la présidence du comité.")
        }

        static func infeasible(_ id: String) -> PortfolioExplanation {
            PortfolioExplanation(
                id: id, selected: false, reason: .infeasible,
                detail:
                    "Aucune sélection ne respecte à la fois les enveloppes, les parts de thèmes, le minimum par département et les dossiers imposés : assouplissez l'une de ces règles."
            )
        }

        static func noSolution(_ id: String) -> PortfolioExplanation {
            PortfolioExplanation(
                id: id, selected: false, reason: .noSolution,
                detail:
                    "Aucune sélection n'a été trouvée dans le temps imparti : relancez avec un temps limite plus long.")
        }

        func selected(_ index: Int, onMerit: Bool) -> PortfolioExplanation {
            let id = prepared.dossiers[index].id
            let amount = state.granted[index]
            let request = prepared.requested[index]
            let grantedText =
                amount == request
                ? "\(euros(amount)) accordés" : "\(euros(amount)) accordés sur \(euros(request)) demandés"
            if prepared.forcing[index] == .forcedIn {
                return PortfolioExplanation(
                    id: id, selected: true, reason: .forcedIn,
                    detail: "Retenu d'office à la demande de la présidence du comité : \(grantedText).")
            }
            if !onMerit {
                if let departement = prepared.departementOf[index],
                    state.departementCount[departement] <= prepared.departementMinimum[departement]
                {
                    let wanted = prepared.departementMinimum[departement]
                    return PortfolioExplanation(
                        id: id, selected: true, reason: .departementMinimum,
                        detail:
                            "Retenu pour que le département \(prepared.departementIDs[departement]) compte au moins \(wanted) projet\(wanted > 1 ? "s" : "") retenu\(wanted > 1 ? "s" : "") : \(grantedText), note \(points(index))."
                    )
                }
                let theme = prepared.themeOf[index]
                if let low = prepared.themeMin[theme],
                    !SelectionState.share(state.themeTotal[theme] - amount, of: state.total - amount, atLeast: low)
                {
                    return PortfolioExplanation(
                        id: id, selected: true, reason: .themeShareMin,
                        detail:
                            "Retenu pour que le thème « \(prepared.themeIDs[theme]) » atteigne sa part minimale de \(percent(low)) du montant accordé : \(grantedText), note \(points(index))."
                    )
                }
            }
            if amount < request {
                let floor = prepared.range[index].floorCents
                return PortfolioExplanation(
                    id: id, selected: true, reason: .partialAmount,
                    detail:
                        "Financement partiel : \(grantedText) (plancher \(euros(floor))), le montant qui tire le meilleur parti de la place restante, note \(points(index))."
                )
            }
            return PortfolioExplanation(
                id: id, selected: true, reason: .merit,
                detail:
                    "Retenu sur l'enveloppe « \(prepared.envelopeIDs[prepared.envelopeOf[index]]) » pour sa note par euro : \(grantedText), note \(points(index))."
            )
        }

        func unselected(_ index: Int, worst: [Int?], proven: Bool) -> PortfolioExplanation {
            let id = prepared.dossiers[index].id
            if prepared.forcing[index] == .forcedOut { return Self.forcedOut(id) }
            if prepared.score[index] == 0 {
                return PortfolioExplanation(
                    id: id, selected: false, reason: .zeroScore,
                    detail: "Non retenu : sa note est nulle, il n'apporterait rien à la sélection.")
            }
            let range = prepared.range[index]
            let needed = range.floorCents
            let asked =
                range.isPartial
                ? "un plancher de \(euros(needed)) (demande de \(euros(range.requested)))"
                : "une demande de \(euros(range.requested))"
            // The first envelope on the way up that cannot hold the dossier is the binding one.
            if let envelope = prepared.chainOf[prepared.envelopeOf[index]].first(where: {
                prepared.remaining[$0] - state.usage[$0] < needed
            }) {
                let left = max(0, prepared.remaining[envelope] - state.usage[envelope])
                let name = prepared.envelopeIDs[envelope]
                if prepared.remaining[envelope] < needed {
                    return PortfolioExplanation(
                        id: id, selected: false, reason: .envelopeExhausted,
                        detail:
                            "Enveloppe « \(name) » insuffisante : elle n'a que \(euros(prepared.remaining[envelope])) pour \(asked)."
                    )
                }
                if let weakest = worst[envelope], !PortfolioExplanation.ratio(prepared, weakest, below: index) {
                    return PortfolioExplanation(
                        id: id, selected: false, reason: .outranked,
                        detail:
                            "Devancé : les dossiers retenus sur l'enveloppe « \(name) » ont tous une meilleure note par euro ; il y reste \(euros(left)) pour \(asked)."
                    )
                }
                return PortfolioExplanation(
                    id: id, selected: false, reason: .envelopeExhausted,
                    detail: "Enveloppe « \(name) » épuisée : il y reste \(euros(left)) pour \(asked).")
            }
            // It fits: a share rule must be what keeps it out.
            var totals = state.themeTotal
            totals[prepared.themeOf[index]] += needed
            for broken in state.brokenShares(themeTotal: totals, total: state.total + needed) {
                switch broken {
                case .themeAboveMaximum(let theme) where theme == prepared.themeOf[index]:
                    return PortfolioExplanation(
                        id: id, selected: false, reason: .themeShareMax,
                        detail:
                            "Non retenu : l'ajouter porterait le thème « \(prepared.themeIDs[theme]) » au-delà de sa part maximale de \(percent(prepared.themeMax[theme] ?? 0)) du montant accordé."
                    )
                case .themeBelowMinimum(let theme):
                    return PortfolioExplanation(
                        id: id, selected: false, reason: .themeShareMin,
                        detail:
                            "Non retenu : l'ajouter ferait passer le thème « \(prepared.themeIDs[theme]) » sous sa part minimale de \(percent(prepared.themeMin[theme] ?? 0)) du montant accordé."
                    )
                default:
                    continue
                }
            }
            let qualifier = proven ? "" : " trouvée dans le temps imparti"
            return PortfolioExplanation(
                id: id, selected: false, reason: .outranked,
                detail:
                    "Non retenu dans la meilleure sélection\(qualifier) : d'autres dossiers apportent davantage de points pour les mêmes euros."
            )
        }

        private func euros(_ cents: Int64) -> String { Money(uncheckedCents: max(0, cents)).formatted() }

        private func points(_ index: Int) -> String { Self.points(prepared.score[index]) }

        /// A score in hundredths written the French way: `78,33`, `78,3`, `78`.
        static func points(_ hundredths: Int64) -> String {
            let whole = hundredths / 100
            let rest = hundredths % 100
            if rest == 0 { return "\(whole)" }
            return rest % 10 == 0 ? "\(whole),\(rest / 10)" : "\(whole),\(rest < 10 ? "0" : "")\(rest)"
        }

        private func percent(_ hundredths: Int) -> String {
            (try? Percentage(hundredths: hundredths))?.formatted ?? "\(hundredths / 100) %"
        }
    }
}
