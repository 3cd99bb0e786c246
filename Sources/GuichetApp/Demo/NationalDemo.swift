import Fluent
import Foundation
import GuichetDomain

/// The rest of France, for measurements at national scale: a simulated national call
/// (`plan-2021`, from `Demo/plan-2021.json`: the plan's envelope tree with one envelope per
/// region) whose generated dossiers are spread over every département and region, plus
/// national-scope projects, instructed and scored, with its committee's session open.
///
/// `guichet demo --generated N` keeps the seed's region in its share of the national figures
/// (250 of the 2 573 generated dossiers that make the national 2 610) and puts the rest here, so
/// that 2 573 gives the seed's 287 in Hauts-de-France and 2 610 nationally, and 260 963 gives
/// 261 000 over the whole country. Rows are written a slice at a time through the import's
/// batched writer (``BulkRows``), so memory stays flat whatever N.
enum NationalDemo {
    static let reference = "plan-2021"
    /// Dossiers written per slice.
    static let slice = 5_000

    /// How `generated` dossiers are split between the seed's region and the national call.
    static func split(_ generated: Int) -> (region: Int, national: Int) {
        let seed = DemoCall.filedInRegion - 37
        let share = Int((Double(generated) * Double(seed) / 2_573).rounded())
        let region = min(generated, max(seed, share))
        return (region, generated - region)
    }

    static let chair = DemoStaff.Member(
        email: "commission-nationale@demo.guichet.invalid",
        name: "Commission nationale de sélection (démonstration)", role: .committeeChair, scope: "national")
    static let instructor = DemoStaff.Member(
        email: "instruction-nationale@demo.guichet.invalid",
        name: "Instruction nationale (démonstration)", role: .instructor, scope: "national")

    /// Loads the national call with `generated` dossiers (nothing when zero).
    static func insert(generated: Int, on db: any Database) async throws {
        guard generated > 0 else { return }
        let definition = try CallDefinition.load(json: AppResources.demoFile("plan-2021.json"))
        let (callModel, _) = try await CallDefinitionStore(database: db, now: DemoCall.opensAt)
            .save(definition, status: .published, by: DemoLoader.agent)
        callModel.receiptCounter = generated
        try await callModel.save(on: db)
        let callID = try callModel.requireID()
        let call = try await CallRepository(database: db).load(callModel)
        let reviewer = try await account(instructor, on: db)
        let reviewerID = try reviewer.requireID()
        let grid = definition.scoringGrid
        var random = SplitMix64(seed: 2020_11_02)
        let catalog = TerritoryCatalog.france
        let span = DemoCall.closesAt.timeIntervalSince(DemoCall.opensAt) - 3600
        var times = (0..<generated).map { _ in
            DemoCall.opensAt.addingTimeInterval(3600 + span * random.unit().squareRoot())
        }
        times.sort()
        var start = 0
        while start < generated {
            let end = min(start + slice, generated)
            var organisations: [OrganisationModel] = []
            var dossiers: [DossierModel] = []
            var opinions: [OpinionModel] = []
            var reviews: [ReviewModel] = []
            var audit: [AuditEntryModel] = []
            for index in start..<end {
                let theme = DemoDataset.pick(Generated.themeWeights, &random)
                let roll = random.unit()
                let scope: Scope
                let place: String
                if roll < 0.03 {
                    let first = catalog.regions[Int(random.next() % UInt64(catalog.regions.count))]
                    let second = catalog.regions.first { $0.code != first.code } ?? first
                    scope = .national(regions: [first.code, second.code].sorted())
                    place = "dans plusieurs régions"
                } else if roll < 0.12 {
                    let region = catalog.regions[Int(random.next() % UInt64(catalog.regions.count))]
                    scope = .regional(region: region.code)
                    place = "en \(region.name)"
                } else {
                    let departement = catalog.departements[Int(random.next() % UInt64(catalog.departements.count))]
                    scope = .departemental(departement: departement.code)
                    place = "dans le département \(departement.name) (\(departement.code))"
                }
                let action =
                    Generated.actions[theme, default: ["Projet solidaire"]].randomElement(using: &random)
                    ?? "Projet solidaire"
                let organisationID = UUID()
                let organisationName =
                    "\(Generated.orgPrefixes.randomElement(using: &random) ?? "Solidarité") n° \(index + 1)"
                organisations.append(
                    OrganisationModel(
                        id: organisationID, name: organisationName, legalForm: "Association déclarée (loi 1901)",
                        siret: DemoIdentifiers.siret(for: "\(organisationName)|\(organisationID)"), rna: nil,
                        departementCode: nil, simulated: true))
                var dossier = Dossier(
                    id: UUID(), title: "\(action) \(place)",
                    summary:
                        "Projet simulé pour les mesures à l'échelle nationale : \(action.lowercased()) \(place), au bénéfice des personnes en situation de précarité.",
                    themeCode: theme, scope: scope,
                    requestedAmount: try Money(
                        cents: DemoDataset.roundTo(1_000_000 + Int64(random.unit() * 24_000_000), 50_000)),
                    simulated: true)
                let fateRoll = random.unit()
                let fate: DemoDataset.Fate = fateRoll < 0.08 ? .ineligible : fateRoll < 0.10 ? .withdrawn : .reviewed
                try DemoReplay.instruct(&dossier, fate: fate, filedAt: times[index], call: call.call, audit: &audit)
                dossier.number = ReceiptNumber.make(prefix: definition.receiptPrefix, sequence: index + 1)
                let model = DossierModel(dossier, callID: callID, organisationID: organisationID)
                model.instructorGroup = Routing.group(for: dossier.scope).stored
                dossiers.append(model)
                guard fate == .reviewed,
                    let opinion = try DemoStaff.opinion(
                        for: .reviewed, requested: dossier.requestedAmount, granted: nil, random: &random)
                else { continue }
                let row = OpinionModel(opinion, dossier: dossier.id, author: reviewerID, simulated: true)
                row.createdAt = DemoCall.reviewDone
                opinions.append(row)
                reviews.append(
                    try DemoReplay.review(dossier.id, by: reviewerID, grid: grid, marks: 0...4, random: &random))
            }
            try await BulkRows.insert(organisations, on: db)
            try await BulkRows.insert(dossiers, on: db)
            try await BulkRows.insert(opinions, on: db)
            try await BulkRows.insert(reviews, on: db)
            try await DossierScores.refresh(reviews.map { $0.$dossier.id }, on: db)
            try await AuditChainStore.seal(audit, on: db)
            try await BulkRows.insert(audit, on: db)
            start = end
        }
        try await openSession(call, on: db)
    }

    /// The national committee's session for the first wave, open, its chair named.
    private static func openSession(_ call: LoadedCall, on db: any Database) async throws {
        guard let wave = call.waves.first else { return }
        let chairUser = try await account(chair, on: db)
        let session = CommitteeSessionModel()
        session.id = UUID()
        session.$call.id = call.id
        session.$wave.id = try wave.requireID()
        session.title = "Commission nationale de sélection — avril 2021"
        session.heldOn = DemoCall.wave1Day
        session.scope = StaffScope.national.stored
        session.quorum = 1
        session.status = CommitteeSessionModel.Status.open.rawValue
        session.createdBy = try chairUser.requireID()
        session.createdAt = DemoCall.committeeDay
        try await session.create(on: db)
        let member = CommitteeMemberModel()
        member.$session.id = try session.requireID()
        member.$user.id = try chairUser.requireID()
        member.isChair = true
        member.present = false
        try await member.create(on: db)
    }

    /// A locked demo account (nobody signs in with it), created once.
    private static func account(_ member: DemoStaff.Member, on db: any Database) async throws -> UserModel {
        if let existing = try await UserModel.query(on: db).filter(\.$email == member.email).first() { return existing }
        let user = UserModel(
            email: member.email, passwordHash: "!demo-locked-" + SecretToken.make(), displayName: member.name,
            role: member.role.rawValue)
        user.emailVerifiedAt = DemoCall.opensAt
        try await user.create(on: db)
        try await StaffScopeModel(userID: user.requireID(), scope: StaffScope.national.stored).create(on: db)
        return user
    }
}

/// A dossier's history replayed through the domain, as live actions would be, with its audit
/// entries: filed, then declared ineligible, withdrawn, or instructed to the end of review.
enum DemoReplay {
    static func instruct(
        _ dossier: inout Dossier, fate: DemoDataset.Fate, filedAt: Date, call: Call, audit: inout [AuditEntryModel]
    ) throws {
        func step(_ action: DossierAction, at date: Date) throws {
            let transition = try DossierLifecycle.transition(
                dossier, action, by: DemoLoader.agent, call: call, now: date)
            dossier.status = transition.to
            audit.append(AuditEntryModel(AuditEntry.dossier(dossier.id, transition, by: DemoLoader.agent, at: date)))
        }
        try step(.file, at: filedAt)
        dossier.filedAt = filedAt
        switch fate {
        case .ineligible:
            try step(
                .declareIneligible(motive: "Projet hors du champ de l'appel à projets (motif simulé)."),
                at: filedAt.addingTimeInterval(14 * 86_400))
        case .withdrawn:
            try step(
                .withdraw(reason: "Projet financé par ailleurs (motif simulé)."),
                at: filedAt.addingTimeInterval(20 * 86_400))
        case .reviewed, .waitingList, .laureate:
            try step(.declareEligible, at: DemoCall.closesAt.addingTimeInterval(7 * 86_400))
            try step(.startReview, at: DemoCall.closesAt.addingTimeInterval(14 * 86_400))
            try step(.completeReview, at: DemoCall.reviewDone)
        }
    }

    /// An instructor's simulated marks on the call's grid, each within `marks`.
    static func review(
        _ dossierID: UUID, by reviewerID: UUID, grid: ScoringGrid, marks range: ClosedRange<Int>,
        random: inout SplitMix64
    ) throws -> ReviewModel {
        var marks: [String: Int] = [:]
        for criterion in grid.criteria {
            marks[criterion.code] = range.lowerBound + Int(random.next() % UInt64(range.count))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let review = ReviewModel()
        review.$dossier.id = dossierID
        review.$reviewer.id = reviewerID
        review.marks = String(decoding: try encoder.encode(marks), as: UTF8.self)
        review.comments = "{}"
        review.score = try grid.weightedScore(marks)
        review.simulated = true
        review.createdAt = DemoCall.reviewDone
        return review
    }
}
