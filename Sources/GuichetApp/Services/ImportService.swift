import Fluent
import Foundation
import GuichetDomain
import NIOPosix
import SQLKit

/// Loads dossiers (and, for calls whose committee sat elsewhere, their decisions) from a CSV file.
///
/// The file is read a block at a time and checked row by row by the domain (``ImportCheck``); a
/// real run writes each batch of valid rows as soon as it is checked, in one serialized
/// transaction that any fault found later rolls back, so that a file is imported entirely or not
/// at all and a faulty one is refused with every faulty row. Memory is that of a block and a
/// batch whatever the file's size (plus, for the file's organisations, a key and an id each).
/// Three things overlap: the next batch is read and checked on the import's own thread while the
/// current one's models are built and the previous one is written by the database. A dry run is
/// the same pass without the writes.
struct ImportService {
    let database: any Database
    let now: Date
    /// Valid rows per batch and bytes per block read: the defaults, or smaller in tests so that a
    /// few rows cross several batches.
    var batchRows = ImportService.writeBatch
    var blockSize = ImportFeed.blockSize

    /// What an import did, or would do.
    struct Summary: Sendable {
        let rows: Int
        let decisions: Int
        let newOrganisations: Int
        let dryRun: Bool

        /// "3 dossiers, 2 décisions, 2 nouvelles organisations", as the pages say it.
        var text: String {
            "\(French.count(rows, "dossier", "dossiers")), \(French.count(decisions, "décision", "décisions")), "
                + French.count(newOrganisations, "nouvelle organisation", "nouvelles organisations")
        }
    }

    /// Decisions come from the committee when it sits in Guichet: a call with committee sessions
    /// takes none from a file, so that nothing bypasses attendance, recusals and the wave's
    /// all-or-nothing check.
    static func acceptsDecisions(_ call: LoadedCall, on db: any Database) async throws -> Bool {
        try await CommitteeSessionModel.query(on: db).filter(\.$call.$id == call.id).count() == 0
    }

    /// The thread files are read and checked on: one, started at the first import and kept for
    /// the process's life, as NIO's own shared pools are. Never an event loop, which also runs
    /// Swift's tasks (see entrypoint.swift), nor NIO's shared pool, whose threads run SQLite's
    /// statements.
    static let checking: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        return pool
    }()

    /// Checks the file, then imports it unless `dryRun`.
    /// - Parameter progress: called with (rows read, rows the file holds) after each batch.
    /// - Throws: ``ImportReport`` listing every faulty row; nothing is written then.
    func run(
        _ call: LoadedCall, source: ImportSource, dryRun: Bool, by agent: Agent,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> Summary {
        if dryRun {
            return try await pass(call, source: source, writing: nil, progress: progress, on: database)
        }
        let now = self.now
        return try await Self.largeWrite(on: database) { db in
            try await SerializedWrite.run(on: db, call: call.id) { db in
                // The numbers taken, the organisations known and the envelopes are all read inside
                // the lock, so nothing can change them between the check and the write.
                try await pass(call, source: source, writing: (agent, now), progress: progress, on: db)
            }
        }
    }

    /// One pass over the file: read, check, and write when `writing` says by whom and when.
    private func pass(
        _ call: LoadedCall, source: ImportSource, writing: (agent: Agent, now: Date)?,
        progress: (@Sendable (Int, Int) -> Void)?, on db: any Database
    ) async throws -> Summary {
        let numbers = try await Self.numbers(call.id, on: db)
        let allowDecisions = try await Self.acceptsDecisions(call, on: db)
        let domainCall = call.call
        let blockSize = self.blockSize
        let feed = try await Self.checking.runIfActive {
            try ImportFeed(
                source, call: domainCall, existingNumbers: numbers, allowDecisions: allowDecisions, blockSize: blockSize
            )
        }
        let total = feed.estimatedRows
        return try await batches(feed, total: total, call, writing: writing, progress: progress, on: db)
    }

    /// Reads the file's batches to its end, checking each, and writing them while all is valid.
    private func batches(
        _ feed: ImportFeed, total: Int, _ call: LoadedCall, writing: (agent: Agent, now: Date)?,
        progress: (@Sendable (Int, Int) -> Void)?, on db: any Database
    ) async throws -> Summary {
        var organisations = Organisations()
        var envelopes = EnvelopeCheck()
        var decisions = 0
        var writer = writing.map { BatchWriter(call: call, agent: $0.agent, now: $0.now) }
        let batchRows = self.batchRows
        var reading = Task { try await Self.checking.runIfActive { try feed.next(batchRows) } }
        do {
            while true {
                let batch = try await reading.value
                if !batch.ended {
                    reading = Task { try await Self.checking.runIfActive { try feed.next(batchRows) } }
                }
                decisions += batch.rows.count(where: { $0.decision != nil })
                try await envelopes.check(batch.rows, call, on: db)
                if batch.clean && envelopes.refusals.isEmpty {
                    try await organisations.resolve(batch.rows, on: db)
                    try await writer?.write(batch.rows, organisations: organisations, on: db)
                }
                progress?(batch.rowsRead, max(total, batch.rowsRead))
                if batch.ended { break }
            }
            try await writer?.finish(on: db)
        } catch {
            // The transaction ends with the error: nothing may still use its connection.
            await writer?.abandon()
            _ = try? await reading.value
            throw error
        }
        let rows = try feed.finish(refusing: envelopes.refusals)
        return Summary(
            rows: rows, decisions: decisions, newOrganisations: organisations.created,
            dryRun: writing == nil)
    }

    /// The dossier numbers already given in a call, read as one column.
    static func numbers(_ callID: UUID, on db: any Database) async throws -> Set<String> {
        let rows = try await db.sql().select().column("number").from(DossierModel.schema)
            .where("call_id", .equal, SQLBind(callID)).where("number", .isNot, SQLLiteral.null).all()
        return Set(try rows.map { try $0.decode(column: "number", as: String.self) })
    }

    /// SQLite keeps 2 MB of pages per connection; a national file inserts into tables and indexes
    /// of hundreds of megabytes at random places (identifiers are random), and with so small a
    /// cache most inserts read their pages back from the system. For an import the connection
    /// keeps up to 64 MB while it writes, then goes back to the default: the memory is bounded
    /// whatever the file's size. Each multi-row insert also keeps a statement journal (the pages
    /// it changed, to undo that statement alone): in memory during the import (`temp_store`), a
    /// statement's pages, instead of a temporary file written and read back — a third of the
    /// write's system time. Both are set on the import's connection before its transaction
    /// begins, as SQLite reads `temp_store` when a transaction starts.
    private static func largeWrite<T: Sendable>(
        on database: any Database, _ work: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        guard let sql = database as? any SQLDatabase, sql.dialect.name == "sqlite" else {
            return try await work(database)
        }
        return try await database.withConnection { connection in
            let settings = try connection.sql()
            try await settings.raw("PRAGMA cache_size = -65536").run()
            try await settings.raw("PRAGMA temp_store = MEMORY").run()
            do {
                let result = try await work(connection)
                try await settings.raw("PRAGMA cache_size = -2000").run()
                try await settings.raw("PRAGMA temp_store = DEFAULT").run()
                return result
            } catch {
                try? await settings.raw("PRAGMA cache_size = -2000").run()
                try? await settings.raw("PRAGMA temp_store = DEFAULT").run()
                throw error
            }
        }
    }

    /// Rows written per batch: each batch's models are built, written and released before the
    /// next, so that the write's memory is two batches' whatever the file's size (a model is a
    /// few kilobytes).
    static let writeBatch = 2_000
}
