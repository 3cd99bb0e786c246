import Foundation
import Testing

@testable import GuichetApp

/// The UUID parser used for SQLite's text ids reads what Foundation reads, and refuses the rest.
@Suite struct UUIDTextTests {
    @Test func readsEveryUUIDAsFoundationDoes() {
        for _ in 0..<1_000 {
            let id = UUID()
            #expect(UUIDText.parse(id.uuidString) == id)
            #expect(UUIDText.parse(id.uuidString.lowercased()) == id)
        }
        #expect(
            UUIDText.parse("00000000-0000-0000-0000-000000000000")
                == UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
        #expect(
            UUIDText.parse("FFFFFFFF-ffff-FFFF-ffff-FFFFFFFFFFFF")
                == UUID(uuidString: "ffffffff-ffff-ffff-ffff-ffffffffffff"))
    }

    @Test func writesEveryUUIDAsFoundationDoesInLowerCase() {
        for _ in 0..<1_000 {
            let id = UUID()
            #expect(UUIDText.lowercased(id) == id.uuidString.lowercased())
        }
        let zero = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        #expect(UUIDText.lowercased(zero) == "00000000-0000-0000-0000-000000000000")
        let full = UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))
        #expect(UUIDText.lowercased(full) == "ffffffff-ffff-ffff-ffff-ffffffffffff")
    }

    @Test func refusesWhatIsNotAUUID() {
        let id = "37a42270-b2a3-477f-8a2f-c0c903e56b10"
        for text in [
            "", id.replacingOccurrences(of: "-", with: ""), "{\(id)}", String(id.dropLast()), id + "0",
            "37a42270b-2a3-477f-8a2f-c0c903e56b10", "37a42270-b2a3-477f-8a2f-c0c903e56b1g",
            "37a42270-b2a3-477f-8a2f-c0c903e56b1 ", "37a42270-b2a3-477f-8a2f-c0c903e5é10",
            "37a42270_b2a3_477f_8a2f_c0c903e56b10",
        ] {
            #expect(UUIDText.parse(text) == nil, "\(text)")
            #expect(UUID(uuidString: text) == nil, "\(text)")
        }
    }
}
