import Foundation

extension CSV {
    /// The RFC 4180 reader, fed bytes as they arrive and handing out each record once complete.
    ///
    /// A national import file is tens of megabytes: it is read a block at a time and each record
    /// checked and written before the next blocks are read, so that memory stays that of a block
    /// and a batch whatever the file's size. The state that spans blocks (a field, a record, an
    /// open quote, a quote that may be the first of a doubled pair) lives here; the bytes are
    /// walked once, and each field becomes a `String` only when it ends, refused with its line if
    /// it is not UTF-8.
    ///
    /// Rules, as ``numberedRows(_:delimiter:)`` has always applied them: a leading UTF-8 byte order
    /// mark is skipped; CR is dropped outside quotes (CR LF and LF both end a record); a quoted
    /// field may hold delimiters, line breaks and doubled quotes; a quote inside an unquoted field,
    /// or text after a closing quote, is an error on its line; a quote left open is an error on
    /// the line where its record starts.
    public struct Reader: Sendable {
        private let delimiter: UInt8
        private var fields: [String] = []
        private var field: [UInt8] = []
        private var inQuotes = false
        /// A quote seen inside quotes: the end of the field, or the first of a doubled pair.
        private var quoteInQuotes = false
        private var fieldWasQuoted = false
        private var line = 1
        private var recordLine = 1
        /// How many bytes of a leading byte order mark are still to be checked.
        private var markChecked = 0
        private var atStart = true

        /// A reader for `delimiter`, which must be an ASCII character (`,` or `;` in practice).
        public init(delimiter: Character = ",") {
            self.delimiter = delimiter.asciiValue ?? UInt8(ascii: ",")
            field.reserveCapacity(256)
        }

        private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

        /// Reads the next bytes of the file, calling `emit` for every record they complete.
        /// - Throws: ``DomainError/invalidCSV(line:reason:)`` at the first malformed record.
        public mutating func read<Bytes: Sequence<UInt8>>(
            _ bytes: Bytes, emit: (Row) -> Void
        ) throws(DomainError) {
            var failure: DomainError? = nil
            let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
                do throws(DomainError) { try read(buffer, emit: emit) } catch { failure = error }
            }
            if handled == nil {
                Array(bytes).withUnsafeBufferPointer { buffer in
                    do throws(DomainError) { try read(buffer, emit: emit) } catch { failure = error }
                }
            }
            if let failure { throw failure }
        }

        private mutating func read(_ buffer: UnsafeBufferPointer<UInt8>, emit: (Row) -> Void) throws(DomainError) {
            var index = buffer.startIndex
            if atStart {
                // Skip a byte order mark, even when it arrives split across blocks.
                while markChecked < 3, index < buffer.endIndex {
                    guard buffer[index] == Self.byteOrderMark[markChecked] else { break }
                    markChecked += 1
                    index += 1
                }
                if markChecked == 3 || index < buffer.endIndex {
                    if markChecked > 0 && markChecked < 3 {
                        // Not a mark after all: its bytes belong to the first field.
                        field.append(contentsOf: Self.byteOrderMark[0..<markChecked])
                    }
                    atStart = false
                } else {
                    return
                }
            }
            let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
            while index < buffer.endIndex {
                let byte = buffer[index]
                index += 1
                if inQuotes {
                    if quoteInQuotes {
                        quoteInQuotes = false
                        if byte == quote {
                            field.append(quote)
                            continue
                        }
                        // The quote closed the field: this byte is read as outside quotes.
                        inQuotes = false
                    } else {
                        if byte == quote {
                            quoteInQuotes = true
                        } else {
                            if byte == newline { line += 1 }
                            field.append(byte)
                        }
                        continue
                    }
                }
                switch byte {
                case delimiter:
                    try endField()
                case carriageReturn:
                    continue
                case newline:
                    try endField()
                    emit(Row(line: recordLine, fields: fields))
                    fields.removeAll(keepingCapacity: true)
                    line += 1
                    recordLine = line
                case quote:
                    guard field.isEmpty, !fieldWasQuoted else {
                        throw .invalidCSV(line: line, reason: "guillemet inattendu au milieu d'un champ")
                    }
                    inQuotes = true
                    fieldWasQuoted = true
                default:
                    if fieldWasQuoted { throw .invalidCSV(line: line, reason: "texte après un champ entre guillemets") }
                    field.append(byte)
                }
            }
        }

        /// Ends the file: the last record, when it has no final line break.
        /// - Throws: ``DomainError/invalidCSV(line:reason:)`` for a quote never closed.
        public mutating func finish(emit: (Row) -> Void) throws(DomainError) {
            if atStart, markChecked > 0, markChecked < 3 {
                field.append(contentsOf: Self.byteOrderMark[0..<markChecked])
                atStart = false
            }
            if quoteInQuotes {
                quoteInQuotes = false
                inQuotes = false
            }
            if inQuotes { throw .invalidCSV(line: recordLine, reason: "guillemet ouvrant jamais refermé") }
            if !field.isEmpty || !fields.isEmpty || fieldWasQuoted {
                try endField()
                emit(Row(line: recordLine, fields: fields))
                fields.removeAll()
            }
        }

        private mutating func endField() throws(DomainError) {
            guard let text = String(validating: field, as: UTF8.self) else {
                throw .invalidCSV(
                    line: line,
                    reason: "le texte n'est pas en UTF-8 : enregistrez le fichier en « CSV UTF-8 » depuis votre tableur"
                )
            }
            fields.append(text)
            field.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
        }
    }
}
