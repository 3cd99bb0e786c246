import GuichetDomain
import LeafKit

/// `#badge(status)`: a dossier's status as a DSFR badge, its colour telling where the dossier
/// stands — blue while it is being handled, orange when the applicant must act, green when it is
/// funded, red when it stops. Pages carry a status as its French label
/// (``DossierStatus/label``); the tag finds the status by that label, and any other text (a
/// committee session's or an expert request's state) is shown as a plain badge.
///
/// The colour of a status is decided here and nowhere else, so that every page (queue, board,
/// dossier pages, the applicant's space) shows the same status the same way.
struct BadgeTag: UnsafeUnescapedLeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        try ctx.requireParameterCount(1)
        let text = ctx.parameters[0].string ?? ""
        return .string(Self.html(text))
    }

    static func html(_ text: String) -> String {
        let tone = DossierStatus.byLabel[text].map(\.badgeTone) ?? ""
        return #"<span class="fr-badge fr-badge--sm fr-badge--no-icon\#(tone)">\#(HTMLWriter.escaped(text))</span>"#
    }
}

extension DossierStatus {
    /// The statuses by their French label, for pages that carry the label only.
    static let byLabel: [String: DossierStatus] = Dictionary(
        allCases.map { ($0.label, $0) }, uniquingKeysWith: { first, _ in first })

    /// The DSFR badge modifier that colours this status (with its leading space), or "" for grey.
    var badgeTone: String {
        switch self {
        case .draft, .withdrawn: ""
        case .filed, .eligible, .underReview, .reviewed: " fr-badge--info"
        case .incomplete, .waitingList: " fr-badge--warning"
        case .retained, .agreementSigned, .paid, .reported: " fr-badge--success"
        case .ineligible, .rejected: " fr-badge--error"
        }
    }
}

/// `#simulated()`: the badge that marks a simulated dossier, amount or call wherever it is shown
/// (the same markup as ``HTMLWriter/simulatedBadge`` for the rows written in Swift).
struct SimulatedTag: UnsafeUnescapedLeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        try ctx.requireParameterCount(0)
        return .string(HTMLWriter.simulatedBadgeHTML)
    }
}
