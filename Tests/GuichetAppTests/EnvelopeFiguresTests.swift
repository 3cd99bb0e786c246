import Fluent
import Foundation
import GuichetDomain
import Testing
import VaporTesting

@testable import GuichetApp

/// The envelope figures the database sums are the domain's rule applied to every dossier.
@Suite struct EnvelopeFiguresTests {
    /// The domain's statement over the call's dossiers and decisions read into memory.
    func inMemory(
        _ app: Application, _ call: LoadedCall, waves: [Wave]
    ) async throws -> (commitments: [EnvelopeCommitment], statement: EnvelopeStatement) {
        let service = ResultsService(database: app.db)
        let callID = try call.model.requireID()
        let dossiers = try await ResultsService.dossierRows(callID, app.db).map { try $0.domain() }
        let numbers = Dictionary(uniqueKeysWithValues: call.waves.compactMap { w in w.id.map { ($0, w.number) } })
        let decisions = try await ResultsService.decisions(callID, waveNumbers: numbers, app.db)
        let staged = try await StagedDecisionModel.query(on: app.db).filter(\.$outcome == "retained")
            .with(\.$session).all()
        let scopes = Dictionary(dossiers.map { ($0.id, $0.scope) }, uniquingKeysWith: { a, _ in a })
        let proposals = try staged.filter { $0.session.status == CommitteeSessionModel.Status.open.rawValue }.map {
            (
                scope: scopes[$0.$dossier.id]!, amount: try Money(cents: $0.grantedCents),
                wave: numbers[$0.session.$wave.id]!
            )
        }
        let counted = Set(waves.map(\.number))
        let movements = try await Self.movements(callID, app.db)
        return (
            try EnvelopeCommitment.of(dossiers: dossiers, decisions: decisions, waves: counted, movements: movements),
            try EnvelopeStatement(
                envelopes: try await service.envelopes(callID), dossiers: dossiers, decisions: decisions,
                waves: waves, proposals: proposals, movements: movements)
        )
    }

    /// The call's grant payments and recoveries read one by one, each with its act's envelope and wave.
    static func movements(_ callID: UUID, _ db: any Database) async throws -> [EnvelopeCommitment.Movement] {
        let acts = try await GrantActModel.query(on: db).filter(\.$callID == callID).all()
        let byID = Dictionary(acts.compactMap { act in act.id.map { ($0, act) } }, uniquingKeysWith: { a, _ in a })
        return try await GrantMovementModel.query(on: db).filter(\.$callID == callID).all().compactMap { movement in
            guard let act = byID[movement.actID] else { return nil }
            return EnvelopeCommitment.Movement(
                drawCode: act.drawCode, wave: act.wave, isRecovery: movement.movementKind == .recovery,
                amount: try Money(cents: movement.amountCents))
        }
    }

    func expectSame(_ a: EnvelopeStatement, _ b: EnvelopeStatement) {
        #expect(a.lines.count == b.lines.count)
        for (x, y) in zip(a.lines, b.lines) {
            #expect(x.envelope.id == y.envelope.id)
            #expect(x.committed == y.committed, "\(x.envelope.label)")
            #expect(x.committedByWave == y.committedByWave, "\(x.envelope.label)")
            #expect(x.proposed == y.proposed, "\(x.envelope.label)")
            #expect(x.byWave == y.byWave, "\(x.envelope.label)")
        }
    }

    @Test func theDatabaseSumsWhatTheDomainCountsForEveryWaveSetAndProposal() async throws {
        try await withGuichet { app in
            // setup: wave 1 published; three June dossiers staged, then applied; two more staged.
            let (chair, session) = try await Factory.juneSession(app)
            let candidates = try await DossierModel.query(on: app.db).filter(\.$status == "reviewed")
                .sort(\.$number).range(..<5).all()
            for dossier in candidates {
                let amount = try Money(cents: dossier.requestedCents / 2).decimalString
                let staged = try await chair.post(
                    SiteURL.committeeSession(session).path + "/decisions",
                    ["dossier": try dossier.requireID().uuidString, "outcome": "retained", "amount": amount])
                #expect(staged.headers.first(name: "X-Guichet-Error") == nil)
            }
            let service = ResultsService(database: app.db)
            for round in 0..<2 {
                let call = try await CallRepository(database: app.db).load(DemoCall.reference)
                let callID = try call.model.requireID()
                for waves in [call.call.waves, call.call.waves.filter { $0.number == 1 }, []] {
                    // act
                    let sums = try await service.commitments(callID, waves: Set(waves.map(\.number)))
                    let (expected, statement) = try await inMemory(app, call, waves: waves)
                    // validate
                    #expect(sums == expected, "waves \(waves.map(\.number))")
                    let fromSums = try EnvelopeStatement(
                        envelopes: try await service.envelopes(callID), commitments: sums, waves: waves,
                        proposals: try await service.proposals(callID))
                    expectSame(fromSums, statement)
                }
                #expect(
                    try await service.commitments(callID, waves: nil)
                        == (try await inMemory(app, call, waves: call.call.waves)).commitments)
                // The second round: the session applied, its proposals became wave 2's decisions.
                guard round == 0 else { break }
                let applied = try await chair.post(
                    SiteURL.committeeSession(session).path + "/appliquer", ["confirmer": "oui"])
                #expect(applied.headers.first(name: "X-Guichet-Error") == nil)
            }
            let call = try await CallRepository(database: app.db).load(DemoCall.reference)
            let wave2 = try await service.commitments(try call.model.requireID(), waves: [2])
            #expect(wave2.map(\.inWave).reduce(Money.zero) { try! $0.adding($1) } > .zero)
        }
    }
}

/// The board read a page at a time from the database ranks and sums as the whole board does.
@Suite struct BoardPagesTests {
    @Test func everyPageRanksAndRunsTheTotalsAsTheWholeBoard() async throws {
        try await withGuichet { app in
            // setup: six June dossiers staged, retained and not, across the session's envelope.
            let (chair, sessionID) = try await Factory.juneSession(app)
            let candidates = try await DossierModel.query(on: app.db).filter(\.$status == "reviewed")
                .sort(\.$number).range(..<6).all()
            for (index, dossier) in candidates.enumerated() {
                let retained = index % 3 != 2
                let staged = try await chair.post(
                    SiteURL.committeeSession(sessionID).path + "/decisions",
                    [
                        "dossier": try dossier.requireID().uuidString,
                        "outcome": retained ? "retained" : "waiting_list",
                        "amount": retained ? try Money(cents: dossier.requestedCents / 2).decimalString : "",
                    ])
                #expect(staged.headers.first(name: "X-Guichet-Error") == nil)
            }
            let session = try #require(
                try await CommitteeSessionModel.query(on: app.db).filter(\.$id == sessionID).with(\.$members).first())
            // act
            let whole = try await CommitteeBoard.load(session, theme: nil, territory: nil, on: app.db)
            let (paged, totals) = try await Self.everyPage(session, perPage: 17, on: app.db)
            #expect(totals.allSatisfy { $0 == whole.rows.count })
            // validate
            #expect(paged.map(\.id) == whole.rows.map(\.domain.id))
            #expect(paged.map(\.rank) == Array(1...whole.rows.count))
            #expect(paged.map(\.runningTotal) == whole.rows.map(\.runningTotal))
            #expect(paged.map(\.overBudget) == whole.rows.map(\.overBudget))
            #expect(paged.filter { $0.staged != nil }.count == 6)
            #expect(paged.last?.runningTotal ?? .zero > .zero)
        }
    }

    /// Applied sessions read their page from their own decisions: the same rows and totals.
    @Test func everySessionOfTheDemoPagesAsItsWholeBoard() async throws {
        try await withGuichet { app in
            let sessions = try await CommitteeSessionModel.query(on: app.db).with(\.$members).all()
            #expect(sessions.contains { !$0.isOpen }, "the demo has an applied session")
            for session in sessions {
                let whole = try await CommitteeBoard.load(session, theme: nil, territory: nil, on: app.db)
                let (paged, _) = try await Self.everyPage(session, perPage: 7, on: app.db)
                #expect(paged.map(\.id) == whole.rows.map(\.domain.id), "\(session.title)")
                #expect(paged.map(\.runningTotal) == whole.rows.map(\.runningTotal), "\(session.title)")
                #expect(paged.map(\.overBudget) == whole.rows.map(\.overBudget), "\(session.title)")
                // Filtered by theme, by territory and by both: an applied session reads the
                // columns frozen on its decisions, and pages as the board ranked live does.
                let themes = Set(whole.rows.map(\.domain.themeCode)).sorted()
                let groups = Set(whole.rows.compactMap(\.dossier.instructorGroup)).sorted()
                var filters: [(String?, String?)] = themes.map { ($0, nil) } + groups.map { (nil, $0) }
                if let theme = themes.first, let group = groups.first { filters.append((theme, group)) }
                for (theme, territory) in filters {
                    let live = try await CommitteeBoard.load(session, theme: theme, territory: territory, on: app.db)
                    let (rows, totals) = try await Self.everyPage(
                        session, theme: theme, territory: territory, perPage: 5, on: app.db)
                    let label = "\(session.title) \(theme ?? "-") \(territory ?? "-")"
                    #expect(!live.rows.isEmpty, "\(label)")
                    #expect(totals.allSatisfy { $0 == live.rows.count }, "\(label)")
                    #expect(rows.map(\.id) == live.rows.map(\.domain.id), "\(label)")
                    #expect(rows.map(\.runningTotal) == live.rows.map(\.runningTotal), "\(label)")
                    #expect(rows.map(\.overBudget) == live.rows.map(\.overBudget), "\(label)")
                }
            }
        }
    }

    /// Every page of a session's board, in order, with the total each page announced.
    static func everyPage(
        _ session: CommitteeSessionModel, theme: String? = nil, territory: String? = nil, perPage: Int,
        on db: any Database
    ) async throws -> (rows: [CommitteeBoard.Page.Row], totals: [Int]) {
        var rows: [CommitteeBoard.Page.Row] = [], totals: [Int] = []
        var page = 1
        while true {
            let slice = try await CommitteeBoard.page(
                session, theme: theme, territory: territory, page: page, perPage: perPage, on: db)
            rows += slice.rows
            totals.append(slice.total)
            if page >= slice.pageCount { return (rows, totals) }
            page += 1
        }
    }

    /// The results read from counts and laureate candidates equal the results computed from every
    /// dossier and decision of the call, for the public and for the staff, envelopes included.
    @Test func theResultsFromCountsEqualTheResultsFromEveryDossier() async throws {
        try await withGuichet { app in
            _ = try await Factory.decideJune(app, count: 4)
            let service = ResultsService(database: app.db)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            for model in try await CallModel.query(on: app.db).all() {
                let call = try await CallRepository(database: app.db).load(model)
                let rows = try await ResultsService.dossierRows(call.id, app.db)
                let dossiers = try rows.map { try $0.domain() }
                let waveNumbers = Dictionary(
                    uniqueKeysWithValues: call.waves.compactMap { wave in wave.id.map { ($0, wave.number) } })
                let decisions = try await ResultsService.decisions(call.id, waveNumbers: waveNumbers, app.db)
                let published = Set(call.call.waves.filter { $0.publishedAt != nil }.map(\.number))
                for publishedOnly in [true, false] {
                    let reference = CallResults(
                        call: call,
                        report: try ResultsReport(
                            call: call.call,
                            dossiers: zip(rows, dossiers).map { .init(dossier: $1, carrier: $0.organisationName) },
                            decisions: decisions, publishedOnly: publishedOnly),
                        ledger: try EnvelopeLedger(
                            envelopes: try await service.envelopes(call.id), dossiers: dossiers, decisions: decisions,
                            waves: publishedOnly ? published : nil,
                            movements: publishedOnly ? [] : try await EnvelopeFiguresTests.movements(call.id, app.db)))
                    let counted = try await service.results(call, publishedOnly: publishedOnly)
                    #expect(
                        try encoder.encode(ResultsDTO(counted)) == encoder.encode(ResultsDTO(reference)),
                        "\(model.reference), publishedOnly: \(publishedOnly)")
                    #expect(counted.report.filed == dossiers.filter { $0.filedAt != nil }.count)
                }
            }
        }
    }
}
