import Foundation
import Testing

@testable import GuichetDomain

/// Detection reads hostile input: whatever the bytes, it must return, never trap or read out of bounds.
@Suite struct AttachmentRobustnessTests {
    @Test(arguments: AttachmentFixtures.all)
    func everyPrefixOfAFixtureIsDetectedWithoutCrashing(fixture: ByteFixture) {
        for length in 0...fixture.bytes.count {
            _ = FileKind.detect(fixture.bytes.prefix(length))
        }
    }

    @Test(arguments: AttachmentFixtures.all)
    func everySuffixOfAFixtureIsDetectedWithoutCrashing(fixture: ByteFixture) {
        for start in 0...fixture.bytes.count {
            _ = FileKind.detect(Data(fixture.bytes).dropFirst(start))
        }
    }

    @Test(arguments: AttachmentFixtures.all)
    func randomlyCorruptedFixturesAreDetectedWithoutCrashing(fixture: ByteFixture) {
        var generator = SplitMix64(seed: UInt64(fixture.bytes.count) &* 7919)
        for _ in 0..<500 {
            var bytes = fixture.bytes
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                // Extremes reach the sentinels and size limits; anything else, the rest.
                bytes[position] = [0x00, 0xFF, 0xFE, 0x7F, UInt8.random(in: 0...255, using: &generator)]
                    .randomElement(using: &generator)!
            }
            _ = FileKind.detect(bytes)
        }
    }

    @Test(
        arguments: [
            ("ZIP", [0x50, 0x4B, 0x03, 0x04]),
            ("ZIP end record", [0x50, 0x4B, 0x05, 0x06]),
            (
                "OLE2, 512-byte sectors",
                [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
                    + [UInt8](repeating: 0, count: 22) + [0x09, 0x00]
            ),
            (
                "OLE2, 4096-byte sectors",
                [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
                    + [UInt8](repeating: 0, count: 22) + [0x0C, 0x00]
            ),
            ("PE", [0x4D, 0x5A]),
            ("ISO media", [0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70]),
            ("nothing", []),
        ] as [(String, [UInt8])])
    func randomBytesAfterASignatureAreDetectedWithoutCrashing(name: String, signature: [UInt8]) {
        var generator = SplitMix64(seed: 20_240_115)
        for _ in 0..<300 {
            let tail = (0..<Int.random(in: 0...4096, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
            _ = FileKind.detect(signature + tail)
        }
    }

    @Test func aCentralDirectoryClaimingHugeNamesIsReadWithoutCrashing() {
        var docx = AttachmentFixtures.docx
        let central = docx.indices.first { docx[$0...].starts(with: [0x50, 0x4B, 0x01, 0x02]) }!
        docx.replaceSubrange((central + 28)..<(central + 30), with: [0xFF, 0xFF])
        #expect(FileKind.detect(docx) == .docx)  // falls back to the local headers
    }

    @Test func aLargeTextIsJudgedQuickly() {
        let big = Data(repeating: 0x61, count: AttachmentPolicy.defaultMaxBytes)
        #expect(FileKind.detect(big) == .plainText)
    }
}
