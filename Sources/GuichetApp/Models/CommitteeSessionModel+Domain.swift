import Foundation
import GuichetDomain

extension CommitteeSessionModel {
    /// The session as the domain checks it (chair, members present, quorum); its members loaded.
    func domain(names: [UUID: String]) -> CommitteeSession {
        CommitteeSession(
            members: members.map {
                CommitteeSession.Member(
                    id: $0.$user.id, name: names[$0.$user.id] ?? "", isChair: $0.isChair, present: $0.present)
            }, quorum: quorum)
    }
}
