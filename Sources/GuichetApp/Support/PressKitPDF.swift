import Foundation

/// The press kit printed to PDF by headless Chromium, when it is installed.
///
/// Chromium's print engine is what people print the page with anyway, so the PDF matches the
/// printed HTML exactly; no PDF library is needed. Set `GUICHET_CHROMIUM_PATH` to choose the
/// binary; without Chromium the HTML still prints cleanly from any browser.
struct PressKitPDF {
    let executable: URL

    /// Chromium as configured, or found on `PATH` (Debian's package installs `chromium`).
    static func locate(configured: String?) -> PressKitPDF? {
        ChildProcess.locate(["chromium", "chromium-browser", "google-chrome"], configured: configured).map(
            PressKitPDF.init)
    }

    /// Prints `html` (a standalone document: nothing is fetched) to PDF.
    /// - Throws: ``AppError`` when Chromium fails or writes nothing.
    func render(html: String) async throws -> Data {
        let files = FileManager.default
        let directory = files.temporaryDirectory.appendingPathComponent("guichet-pdf-\(UUID().uuidString)")
        try files.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? files.removeItem(at: directory) }
        let page = directory.appendingPathComponent("dossier-de-presse.html")
        let output = directory.appendingPathComponent("dossier-de-presse.pdf")
        try Data(html.utf8).write(to: page)
        let process = Process()
        process.executableURL = executable
        // No sandbox (servers often run as root, which Chromium's sandbox refuses), no JavaScript,
        // no network (no proxy that answers, no name that resolves), a profile of its own in the
        // temporary directory, and no header or footer added.
        process.arguments = [
            "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--disable-extensions",
            "--disable-javascript",
            "--host-resolver-rules=MAP * ~NOTFOUND", "--disable-background-networking",
            "--user-data-dir=\(directory.appendingPathComponent("profile").path)",
            "--proxy-server=127.0.0.1:9", "--no-pdf-header-footer", "--print-to-pdf-no-header",
            "--print-to-pdf=\(output.path)", page.absoluteString,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try await ChildProcess.run(process, graceSeconds: 60)
        guard let data = try? Data(contentsOf: output), data.starts(with: Data("%PDF".utf8)) else {
            throw AppError(
                status: .serviceUnavailable, code: "pdf_failed",
                message:
                    "Le PDF n'a pas pu être produit : imprimez la page du dossier de presse depuis votre navigateur.")
        }
        return data
    }
}
