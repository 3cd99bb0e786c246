import Foundation
import GuichetDomain
import Vapor

/// The home page: the calls open now, those to come, and the closed ones with their published
/// results — what an association or a journalist comes for.
struct HomePage: Encodable {
    struct CallItem: Encodable {
        let title: String
        let programme: String
        let territory: String
        let dates: String
        let url: String
        let resultsURL: String?
        let figures: [String]
        let simulated: Bool
    }

    let chrome: Chrome
    let open: [CallItem]
    let upcoming: [CallItem]
    let closed: [CallItem]
    /// Whether the page is `/appels` (with its breadcrumb) rather than the home page.
    var isCallList = false

    /// - Parameter published: each call's latest published results, by call id.
    init(chrome: Chrome, calls: [CallModel], published: [UUID: PublishedResults], now: Date) {
        self.chrome = chrome
        var open: [CallItem] = [], upcoming: [CallItem] = [], closed: [CallItem] = []
        for call in calls {
            let phase = CallPhase(status: call.callStatus, opensAt: call.opensAt, closesAt: call.closesAt, now: now)
            let deadline = ParisTime.longDateTime(call.deadlineDay)
            let results = call.id.flatMap { published[$0] }
            let figures =
                results.map { results in
                    [
                        French.count(results.filed, "projet déposé", "projets déposés"),
                        "\(French.count(results.retained, "projet retenu", "projets retenus")) pour \((try? Money(cents: results.amountCents))?.formatted(.compact) ?? "")",
                    ]
                } ?? []
            let dates: String =
                switch phase {
                case .upcoming: "Dépôt des dossiers du \(ParisTime.longDate(call.opensAt)) au \(deadline)"
                case .open: "Dépôt des dossiers jusqu'au \(deadline)"
                default: "Clos le \(deadline)"
                }
            let item = CallItem(
                title: call.title, programme: call.programme, territory: Self.territory(call.callScope), dates: dates,
                url: SiteURL.call(call.reference).path,
                resultsURL: results == nil ? nil : SiteURL.callResults(call.reference).path,
                figures: figures, simulated: call.simulated)
            switch phase {
            case .open: open.append(item)
            case .upcoming: upcoming.append(item)
            case .closed, .archived: closed.append(item)
            case .draft: continue
            }
        }
        self.open = open
        self.upcoming = upcoming
        self.closed = closed
    }

    static func territory(_ scope: CallScope) -> String {
        switch scope {
        case .national: "National"
        case .region: "Région \(scope.name())"
        case .departement(let code): "\(scope.name()) (\(code))"
        }
    }
}
