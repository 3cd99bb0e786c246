import Fluent
import Foundation
import GuichetDomain
import Vapor

/// Keeps what readers without a session are served from memory (``FrozenAnswers``) in step with
/// the database: each call's latest published version — its results page, the API's results
/// and envelopes, the press kit, the open data — and the home page.
///
/// Every instance refreshes on its own, at start and then every ``interval``: one indexed query
/// tells whether any call's latest version changed, and only a changed version's files are read.
/// A publication made through any instance thus reaches every instance's readers within the
/// interval; the instance that publishes refreshes at once. The home page, which also changes
/// with the calls' dates and titles, is drawn again on each refresh and replaced only when its
/// bytes differ (so its `ETag` and `Last-Modified` hold while nothing changes).
///
/// A version published before versions stored their results page and API answers has them
/// drawn here, in memory, from the published waves (the same figures).
actor PublishedAnswers {
    /// How often each instance looks for a new version.
    static let interval: Duration = .seconds(2)
    /// Readers (and caches) may keep an answer this long before asking again; a new version
    /// reaches them after at most this plus ``interval``.
    static let cacheControl = "public, max-age=60"

    private let app: Application
    private var frozen: [String: (latest: PublicationService.Latest, paths: [String])] = [:]
    private var snapshots: [UUID: PublishedResults] = [:]

    init(app: Application) {
        self.app = app
    }

    /// Brings the answers in memory in step with the database.
    func refresh() async throws {
        let latest = try await PublicationService(database: app.db, now: Date()).latestVersions()
        let answers = app.frozenAnswers
        let current = Set(latest.map(\.reference))
        for (reference, entry) in frozen where !current.contains(reference) {
            answers.remove(entry.paths)
            frozen[reference] = nil
        }
        for version in latest where frozen[version.reference]?.latest != version {
            let paths = try await freeze(version)
            if let old = frozen[version.reference] { answers.remove(Set(old.paths).subtracting(paths)) }
            frozen[version.reference] = (version, paths)
        }
        snapshots = snapshots.filter { id, _ in latest.contains { $0.publicationID == id } }
        try await freezeHome(latest)
    }

    /// Where each file of a version is read by the public, and whether it is a download.
    static func address(of name: String, reference: String) -> (path: String, download: Bool)? {
        typealias Name = PublicationService.FileName
        switch name {
        case Name.resultsPage: return (SiteURL.callResults(reference).path, false)
        case Name.apiResults: return (SiteURL.apiCallResults(reference).path, false)
        case Name.apiEnvelopes: return (SiteURL.apiCallEnvelopes(reference).path, false)
        case Name.pressKit: return (SiteURL.pressKit(reference).path, false)
        case Name.pressKitPDF: return (SiteURL.pressKitPDF(reference).path, true)
        case Name.subsidies, Name.results: return (SiteURL.openData(reference, name).path, true)
        default: return nil
        }
    }

    /// Puts a version's files in memory; returns their paths.
    private func freeze(_ version: PublicationService.Latest) async throws -> [String] {
        var files = try await PublicationFileModel.query(on: app.db)
            .filter(\.$publication.$id == version.publicationID).all()
            .map { PublicationService.RenderedFile(name: $0.name, mediaType: $0.mediaType, content: $0.content) }
        let needed = [
            PublicationService.FileName.resultsPage, PublicationService.FileName.apiResults,
            PublicationService.FileName.apiEnvelopes,
        ]
        if needed.contains(where: { name in !files.contains { $0.name == name } }) {
            files += try await drawn(version, missing: needed.filter { name in !files.contains { $0.name == name } })
        }
        let answers = app.frozenAnswers
        var paths: [String] = []
        for file in files {
            guard let address = Self.address(of: file.name, reference: version.reference) else { continue }
            answers.set(
                address.path, contentType: file.mediaType, bytes: file.content, modified: version.publishedAt,
                cacheControl: Self.cacheControl,
                headers: PublishedFileHeaders.headers(
                    name: file.name, mediaType: file.mediaType, content: file.content, download: address.download))
            paths.append(address.path)
        }
        return paths
    }

    /// The files an older version lacks, drawn from its published waves.
    private func drawn(
        _ version: PublicationService.Latest, missing: [String]
    ) async throws -> [PublicationService.RenderedFile] {
        let call = try await CallRepository(database: app.db).load(version.reference)
        let results = try await ResultsService(database: app.db)
        let computed = try await results.results(call, publishedOnly: true)
        let statement = try await results.statement(call, publishedOnly: true)
        let snapshot = try await snapshot(version)
        let files =
            try PublicationService.apiFiles(computed: computed, statement: statement, reference: version.reference)
            + (try await PublicationRenderer.renderer(app, call: call.model)(snapshot, computed))
        return files.filter { missing.contains($0.name) }
    }

    private func snapshot(_ version: PublicationService.Latest) async throws -> PublishedResults {
        if let known = snapshots[version.publicationID] { return known }
        guard let model = try await PublicationModel.find(version.publicationID, on: app.db) else {
            throw AppError.notFound("publication_not_found", "Cette version des résultats n'existe pas.")
        }
        let results = try model.results()
        snapshots[version.publicationID] = results
        return results
    }

    private func freezeHome(_ latest: [PublicationService.Latest]) async throws {
        let calls = try await CallRepository(database: app.db).all()
        var published: [UUID: PublishedResults] = [:]
        for version in latest { published[version.callID] = try await snapshot(version) }
        let now = Date()
        let view = try await app.view.render(
            "home", HomePage(chrome: .anonymous(app.guichetConfiguration), calls: calls, published: published, now: now)
        ).get()
        app.frozenAnswers.set(
            SiteURL.home.path, contentType: "text/html; charset=utf-8", bytes: Data(buffer: view.data), modified: now,
            cacheControl: Self.cacheControl)
    }

    /// Refreshes every ``interval`` until the application stops.
    nonisolated func start() -> Task<Void, Never> {
        Task.detached { [self] in
            while !Task.isCancelled {
                // Stopping the server cancels the sleep: nothing is read once the databases close.
                do { try await Task.sleep(for: Self.interval) } catch { return }
                do { try await refresh() } catch { app.logger.error("published answers: \(error)") }
            }
        }
    }
}

extension Application {
    private struct PublishedAnswersKey: StorageKey {
        typealias Value = PublishedAnswers
    }

    /// The published versions kept in memory for readers without a session.
    var publishedAnswers: PublishedAnswers {
        if let existing = storage[PublishedAnswersKey.self] { return existing }
        let answers = PublishedAnswers(app: self)
        storage[PublishedAnswersKey.self] = answers
        return answers
    }
}
