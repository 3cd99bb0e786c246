import Foundation
import GuichetDomain

/// Where an import's bytes come from.
enum ImportSource: Sendable {
    /// A file on disk, read a block at a time (`guichet import`): memory stays that of a block
    /// whatever the file's size.
    case file(String)
    /// A text already in memory: a file sent through the administrators' page, bounded by the
    /// upload limit and kept in its job's row while the job runs.
    case text(String)
}

/// An import file read and checked a batch of valid rows at a time.
///
/// Reading and checking are CPU work: each ``next(_:)`` runs on ``ImportService/checking``, while
/// the service writes the batch before. One task at a time uses a feed, each call after the
/// previous one returned, which is why it may be a class with mutable state (`@unchecked
/// Sendable`): the service awaits a call's result before it starts the next.
final class ImportFeed: @unchecked Sendable {
    /// Bytes read from a file at a time: about a thousand rows of a typical file.
    static let blockSize = 1 << 18

    /// What one call of ``next(_:)`` gives.
    struct Batch: Sendable {
        /// The valid rows read, in file order.
        let rows: [ImportedDossier]
        /// Whether every row so far was valid: only then are the rows worth writing.
        let clean: Bool
        /// Data rows read so far, valid or not.
        let rowsRead: Int
        /// Whether the file has been read to its end.
        let ended: Bool
    }

    let delimiter: Character
    private let blockSize: Int
    /// Rows the file holds, counted by its line breaks outside quotes before it is read (blank
    /// lines count too): what the progress shows as the total.
    let estimatedRows: Int
    private let source: ImportSource
    private var handle: FileHandle?
    /// Where the next block starts in a text source.
    private var offset: String.UTF8View.Index?
    private var reader: CSV.Reader
    private var check: ImportCheck
    private var ended = false

    /// Opens `source` for `call`, with the numbers the call already gave.
    /// - Throws: ``AppError`` when the file cannot be opened.
    init(
        _ source: ImportSource, call: Call, existingNumbers: Set<String>, allowDecisions: Bool,
        blockSize: Int = ImportFeed.blockSize
    ) throws {
        self.source = source
        self.blockSize = max(1, blockSize)
        let first: [UInt8]
        switch source {
        case .file(let path):
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw AppError(
                    status: .badRequest, code: "file_unreadable",
                    message: "Le fichier « \(path) » est introuvable ou illisible.")
            }
            self.handle = handle
            estimatedRows = max(0, try Self.records(in: handle) - 1)
            try handle.seek(toOffset: 0)
            first = Array(try handle.read(upToCount: Self.blockSize) ?? Data())
            try handle.seek(toOffset: 0)
        case .text(let text):
            offset = text.utf8.startIndex
            var counter = RecordCounter()
            counter.count(text.utf8)
            estimatedRows = max(0, counter.records - 1)
            first = Array(text.utf8.prefix(Self.blockSize))
        }
        delimiter = ImportReader.detectDelimiter(bytes: first)
        reader = CSV.Reader(delimiter: delimiter)
        check = ImportCheck(
            call: call, existingNumbers: existingNumbers, allowDecisions: allowDecisions, delimiter: delimiter)
    }

    /// Reads blocks until at least `count` valid rows are read or the file ends.
    /// - Throws: the file's ``ImportReport`` when it is not readable CSV; ``AppError`` when the
    ///   file cannot be read.
    func next(_ count: Int) throws -> Batch {
        var rows: [ImportedDossier] = []
        rows.reserveCapacity(count + count / 4)
        // The reader and the check are separate properties: the reader hands each record to the
        // check while it reads.
        while rows.count < count, !ended {
            let block = try readBlock()
            do throws(DomainError) {
                if let block {
                    try reader.read(block) { record in
                        if let dossier = self.check.check(record) { rows.append(dossier) }
                    }
                } else {
                    try reader.finish { record in
                        if let dossier = self.check.check(record) { rows.append(dossier) }
                    }
                    ended = true
                }
            } catch {
                throw self.check.refusal(error)
            }
        }
        return Batch(rows: rows, clean: check.isClean, rowsRead: check.rowsRead, ended: ended)
    }

    /// After the last batch: refuses the rows the service found faulty, then the whole file if
    /// anything was.
    /// - Throws: the ``ImportReport`` of every issue, the file's and the service's.
    ///
    /// Untyped on purpose: a typed throw called from the service's async code crashes the Swift
    /// 6.3 optimiser (coroutine splitting around the error register).
    /// - Returns: the data rows read.
    func finish(refusing issues: [ImportIssue]) throws -> Int {
        for issue in issues { check.refuse(issue) }
        try check.finish()
        return check.rowsRead
    }

    private func readBlock() throws -> [UInt8]? {
        switch source {
        case .file:
            guard let data = try handle?.read(upToCount: blockSize), !data.isEmpty else { return nil }
            return Array(data)
        case .text(let text):
            guard let start = offset, start < text.utf8.endIndex else { return nil }
            let end = text.utf8.index(start, offsetBy: blockSize, limitedBy: text.utf8.endIndex) ?? text.utf8.endIndex
            offset = end
            return Array(text.utf8[start..<end])
        }
    }

    /// Counts the records of a file by its line breaks outside quotes, a block at a time.
    private static func records(in handle: FileHandle) throws -> Int {
        var counter = RecordCounter()
        while let data = try handle.read(upToCount: Self.blockSize), !data.isEmpty { counter.count(data) }
        return counter.records
    }

    /// Records by their line breaks outside quotes: a quoted field's breaks (a summary on two
    /// lines) are not records. Doubled quotes toggle twice and change nothing; a last record
    /// without a final line break counts too.
    private struct RecordCounter {
        private var inQuotes = false
        private var breaks = 0
        private var last: UInt8?

        var records: Int { breaks + (last == nil || last == UInt8(ascii: "\n") ? 0 : 1) }

        mutating func count(_ bytes: some Sequence<UInt8>) {
            let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n")
            var inQuotes = self.inQuotes
            var breaks = self.breaks
            var last = self.last
            let counted: Void? = bytes.withContiguousStorageIfAvailable { buffer in
                for byte in buffer {
                    if byte == quote {
                        inQuotes.toggle()
                    } else if byte == newline, !inQuotes {
                        breaks += 1
                    }
                }
                if let final = buffer.last { last = final }
            }
            if counted == nil {
                for byte in bytes {
                    if byte == quote {
                        inQuotes.toggle()
                    } else if byte == newline, !inQuotes {
                        breaks += 1
                    }
                    last = byte
                }
            }
            self.inQuotes = inQuotes
            self.breaks = breaks
            self.last = last
        }
    }
}
