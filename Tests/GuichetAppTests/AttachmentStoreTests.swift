import Foundation
@testable import GuichetApp
import Testing

@Suite struct AttachmentStoreTests {
    /// A stand-in for clamscan with its exit codes: 1 (infected) when the file holds the EICAR
    /// marker, 0 otherwise.
    func fakeScanner(_ folder: String) throws -> String {
        let path = folder + "/fake-clamscan"
        try """
        #!/bin/sh
        for last; do true; done
        if grep -q EICAR "$last"; then exit 1; fi
        exit 0
        """.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    @Test func filesAreStoredOnceUnderTheirHash() throws {
        let root = NSTemporaryDirectory() + "guichet-store-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = AttachmentStore(root: root, scanner: nil)
        let data = Data("%PDF-1.4 contenu".utf8)
        let sha = AttachmentStore.sha256(data)
        try store.store(data, sha256: sha)
        try store.store(data, sha256: sha)
        #expect(try store.read(sha256: sha) == data)
        #expect(store.path(for: sha).hasSuffix("/attachments/\(sha.prefix(2))/\(sha)"))
        #expect(store.scan(sha256: sha) == .notScanned)
    }

    @Test func anInfectedFileIsQuarantinedAndACleanOneMarkedClean() throws {
        let root = NSTemporaryDirectory() + "guichet-store-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = AttachmentStore(root: root, scanner: try fakeScanner(root))
        let clean = Data("%PDF-1.4 propre".utf8)
        let infected = Data("%PDF-1.4 X5O!P%@AP EICAR-STANDARD-ANTIVIRUS-TEST-FILE".utf8)
        try store.store(clean, sha256: AttachmentStore.sha256(clean))
        try store.store(infected, sha256: AttachmentStore.sha256(infected))
        #expect(store.scan(sha256: AttachmentStore.sha256(clean)) == .clean)
        #expect(store.scan(sha256: AttachmentStore.sha256(infected)) == .infected)
        #expect(!FileManager.default.fileExists(atPath: store.path(for: AttachmentStore.sha256(infected))))
        #expect(FileManager.default.fileExists(atPath: root + "/quarantine/" + AttachmentStore.sha256(infected)))
    }
}
