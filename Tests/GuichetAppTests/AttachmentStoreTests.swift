import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

@testable import GuichetApp

@Suite struct AttachmentStoreTests {
    @Test func filesAreStoredOnceUnderTheirHash() async throws {
        let root = NSTemporaryDirectory() + "guichet-store-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = AttachmentStore(root: root, scanner: nil)
        let data = Data("%PDF-1.4 contenu".utf8)
        let sha = AttachmentStore.sha256(data)
        try await store.store(data, sha256: sha)
        try await store.store(data, sha256: sha)
        #expect(try await store.read(sha256: sha) == data)
        #expect(store.path(for: sha).hasSuffix("/attachments/\(sha.prefix(2))/\(sha)"))
        #expect(await store.scan(sha256: sha) == .notScanned)
    }

    @Test func anInfectedFileIsQuarantinedAndACleanOneMarkedClean() async throws {
        let root = NSTemporaryDirectory() + "guichet-store-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = AttachmentStore(root: root, scanner: try Factory.fakeScanner(root))
        let clean = Data("%PDF-1.4 propre".utf8)
        let infected = Data("%PDF-1.4 X5O!P%@AP EICAR-STANDARD-ANTIVIRUS-TEST-FILE".utf8)
        try await store.store(clean, sha256: AttachmentStore.sha256(clean))
        try await store.store(infected, sha256: AttachmentStore.sha256(infected))
        #expect(await store.scan(sha256: AttachmentStore.sha256(clean)) == .clean)
        #expect(await store.scan(sha256: AttachmentStore.sha256(infected)) == .infected)
        #expect(!FileManager.default.fileExists(atPath: store.path(for: AttachmentStore.sha256(infected))))
        #expect(FileManager.default.fileExists(atPath: root + "/quarantine/" + AttachmentStore.sha256(infected)))
    }

    @Test func aStuckScannerIsStoppedAndTheFileMarkedNotScanned() async throws {
        let root = NSTemporaryDirectory() + "guichet-store-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let stuck = root + "/stuck-scanner"
        try "#!/bin/sh\nexec sleep 600\n".write(toFile: stuck, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stuck)
        var slow = AttachmentStore(root: root, scanner: stuck)
        slow.scanLimit = 1
        let store = slow
        let data = Data("%PDF-1.4 lent".utf8)
        try await store.store(data, sha256: AttachmentStore.sha256(data))
        let started = Date()
        let result = await withTaskGroup(of: AttachmentStore.ScanResult?.self) { group in
            group.addTask { await store.scan(sha256: AttachmentStore.sha256(data)) }
            // The scan is awaited, never blocking: other work goes on meanwhile.
            group.addTask {
                try? await Task.sleep(for: .milliseconds(10))
                return nil
            }
            var found: AttachmentStore.ScanResult?
            for await value in group where value != nil { found = value }
            return found
        }
        #expect(result == .notScanned)
        #expect(Date().timeIntervalSince(started) < 30)
    }
}

/// Printing the press kit: one at a time, and no new attempt soon after a failure.
@Suite struct PrintQueueTests {
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var running = 0
        private(set) var most = 0
        private(set) var calls = 0
        func enter() {
            lock.lock()
            calls += 1
            running += 1
            most = max(most, running)
            lock.unlock()
        }
        func leave() {
            lock.lock()
            running -= 1
            lock.unlock()
        }
    }

    @Test func printsRunOneAtATimeAndAFailureIsNotRetriedAtOnce() async throws {
        let queue = PrintQueue()
        let counter = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<5 {
                group.addTask {
                    try await queue.run(for: UUID()) {
                        counter.enter()
                        try await Task.sleep(for: .milliseconds(20))
                        counter.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(counter.most == 1)
        let publication = UUID()
        struct Broken: Error {}
        await #expect(throws: Broken.self) {
            try await queue.run(for: publication) {
                counter.enter()
                counter.leave()
                throw Broken()
            }
        }
        let before = counter.calls
        await #expect(throws: AppError.self) {
            try await queue.run(for: publication) {
                counter.enter()
                counter.leave()
            }
        }
        #expect(counter.calls == before, "no new print during the cooldown")
        try await queue.run(for: publication, now: Date().addingTimeInterval(PrintQueue.cooldown + 1)) {
            counter.enter()
            counter.leave()
        }
        #expect(counter.calls == before + 1)
    }

    /// In the database, as instances sharing one PostgreSQL keep them: written once, whoever
    /// writes the same bytes at the same moment; an infected file is kept quarantined, unreadable.
    @Test func filesKeptInTheDatabaseAreWrittenOnceAndQuarantinedThere() async throws {
        let folder = NSTemporaryDirectory() + "guichet-scan-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let scanner = try Factory.fakeScanner(folder)
        try await withGuichet(demo: false) { app in
            let store = AttachmentStore(root: folder, database: app.db, scanner: scanner)
            let data = Data("%PDF-1.4 partagé".utf8)
            let sha = AttachmentStore.sha256(data)
            // Ten writers at once, as ten instances receiving the same file.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<10 { group.addTask { try await store.store(data, sha256: sha) } }
                try await group.waitForAll()
            }
            let rows = try await app.db.sql().raw("SELECT COUNT(*) AS n FROM stored_files").first()
            #expect(try rows?.decode(column: "n", as: Int.self) == 1)
            #expect(try await store.read(sha256: sha) == data)
            #expect(await store.scan(sha256: sha) == .clean)
            let infected = Data("%PDF-1.4 X5O!P%@AP EICAR-STANDARD-ANTIVIRUS-TEST-FILE".utf8)
            let bad = AttachmentStore.sha256(infected)
            try await store.store(infected, sha256: bad)
            #expect(await store.scan(sha256: bad) == .infected)
            await #expect(throws: AttachmentStore.Missing.self) { _ = try await store.read(sha256: bad) }
            await #expect(throws: AttachmentStore.Missing.self) {
                _ = try await store.read(sha256: String(repeating: "0", count: 64))
            }
            // Nothing was written to the disk but the scanner's copies, removed after the scan.
            #expect(!FileManager.default.fileExists(atPath: folder + "/attachments"))
            #expect((try? FileManager.default.contentsOfDirectory(atPath: folder + "/scanning"))?.isEmpty ?? true)
        }
    }

    /// An applicant's upload and its download through the pages, the files in the database.
    @Test func anAttachmentGoesThroughThePagesWhenFilesAreInTheDatabase() async throws {
        try await withGuichet(adjust: { $0.fileStore = .database }) { app in
            let applicant = try await Applicant.make(app)
            let id = try await applicant.startDossier()
            let saved = try await applicant.browser.postMultipart(
                SiteURL.editDossier(id).path, [], files: [("bank_details", "rib.png", SampleFiles.png)])
            #expect(saved.status == .seeOther)
            let attachment = try #require(try await AttachmentModel.query(on: app.db).first())
            let download = try await applicant.browser.get(
                SiteURL.attachment(dossier: id, attachment: attachment.requireID()).path)
            #expect(download.status == .ok)
            #expect(Data(buffer: download.body) == SampleFiles.png)
            #expect(download.headers.first(name: .contentType) == "image/png")
            let kept = try await app.db.sql().raw("SELECT sha256 FROM stored_files").all()
            #expect(try kept.map { try $0.decode(column: "sha256", as: String.self) } == [attachment.sha256])
            #expect(
                !FileManager.default.fileExists(
                    atPath: app.guichetConfiguration.dataDirectory + "/attachments/" + attachment.sha256.prefix(2)))
        }
    }
}
