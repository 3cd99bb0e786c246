import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Random (version 4) UUIDs drawn from the system's generator a few hundred at a time.
///
/// `UUID()` reads the kernel's random source once per identifier: a system call each, and an
/// import creates three identifiers per row (organisation, dossier, audit entry) — 780 000 system
/// calls for a national file. Here 4 kB of random bytes come in one read and make 256 identifiers,
/// as unpredictable as `UUID()`'s (the same source, `/dev/urandom`; the same version and variant
/// bits).
struct RandomUUIDs {
    private var bytes = [UInt8](repeating: 0, count: 4_096)
    private var offset = 4_096

    mutating func next() -> UUID {
        if offset + 16 > bytes.count {
            guard Self.fill(&bytes) else { return UUID() }
            offset = 0
        }
        var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &uuid) { target in
            bytes.withUnsafeBytes { source in
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + 16]))
            }
        }
        offset += 16
        uuid.6 = (uuid.6 & 0x0F) | 0x40  // version 4
        uuid.8 = (uuid.8 & 0x3F) | 0x80  // RFC 4122 variant
        return UUID(uuid: uuid)
    }

    /// Fills `buffer` from the kernel's generator; `false` when it cannot (then `UUID()` is used).
    private static func fill(_ buffer: inout [UInt8]) -> Bool {
        #if canImport(Glibc)
            let descriptor = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { return false }
            defer { close(descriptor) }
            let count = buffer.count
            let read = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, count) }
            return read == count
        #else
            var generator = SystemRandomNumberGenerator()
            for index in buffer.indices { buffer[index] = generator.next() }
            return true
        #endif
    }
}
