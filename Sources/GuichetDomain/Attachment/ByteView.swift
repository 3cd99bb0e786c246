import Foundation

/// A bounds-checked, little-endian reader over an upload's bytes.
///
/// Every read past either end yields `nil` instead of trapping, so the parsers written against it
/// cannot crash on truncated or hostile input: a missing byte simply ends the inspection.
struct ByteView {
    private let data: Data

    init(_ data: Data) { self.data = data }

    var count: Int { data.count }

    func byte(at offset: Int) -> UInt8? {
        guard offset >= 0, offset < data.count else { return nil }
        // A `Data` slice keeps its parent's indices: offsets are relative to its own start.
        return data[data.startIndex + offset]
    }

    func uint16(at offset: Int) -> Int? {
        guard let low = byte(at: offset), let high = byte(at: offset + 1) else { return nil }
        return Int(low) | Int(high) << 8
    }

    /// A 32-bit little-endian value, widened to `Int` so offsets computed from it cannot overflow.
    func uint32(at offset: Int) -> Int? {
        guard let low = uint16(at: offset), let high = uint16(at: offset + 2) else { return nil }
        return low | high << 16
    }

    /// `count` bytes from `offset`, or `nil` when they are not all there.
    func bytes(at offset: Int, count: Int) -> [UInt8]? {
        guard offset >= 0, count >= 0, offset <= data.count, count <= data.count - offset else { return nil }
        let start = data.startIndex + offset
        return Array(data[start..<start + count])
    }

    /// At most `count` bytes from the start.
    func prefix(_ count: Int) -> [UInt8] {
        Array(data.prefix(max(0, count)))
    }

    /// Compares in place: detection calls this at every offset of a search, so it must not allocate.
    func matches(_ signature: [UInt8], at offset: Int = 0) -> Bool {
        guard offset >= 0, offset <= data.count - signature.count else { return false }
        let start = data.startIndex + offset
        return signature.indices.allSatisfy { data[start + $0] == signature[$0] }
    }

    /// The first offset, among `offsets`, where `signature` starts.
    func firstOffset(of signature: [UInt8], startingWithin offsets: Range<Int>) -> Int? {
        search(signature, startingWithin: offsets, options: [])
    }

    /// The last offset, among `offsets`, where `signature` starts.
    func lastOffset(of signature: [UInt8], startingWithin offsets: Range<Int>) -> Int? {
        search(signature, startingWithin: offsets, options: .backwards)
    }

    private func search(_ signature: [UInt8], startingWithin offsets: Range<Int>, options: Data.SearchOptions) -> Int? {
        let lower = max(0, offsets.lowerBound)
        let upper = min(data.count, offsets.upperBound - 1 + signature.count)
        guard !signature.isEmpty, lower < upper else { return nil }
        let searched = (data.startIndex + lower)..<(data.startIndex + upper)
        return data.range(of: Data(signature), options: options, in: searched).map { $0.lowerBound - data.startIndex }
    }
}
