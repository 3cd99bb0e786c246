import Foundation
import GuichetApp
import Logging
import Vapor

/// Guichet's executable: `guichet serve | migrate | demo | report`.
@main
enum Entrypoint {
    static func main() async {
        var failed = false
        do {
            var env = try Environment.detect()
            // Logs go to standard error, so that `report --json > file` writes only the report.
            try LoggingSystem.bootstrap(from: &env) { level in
                { label in
                    var handler = StreamLogHandler.standardError(label: label)
                    handler.logLevel = level
                    return handler
                }
            }
            let app = try await Application.make(env)
            do {
                try await configure(app, .fromEnvironment())
                try await app.execute()
            } catch {
                app.logger.report(error: error)
                failed = true
            }
            try await app.asyncShutdown()
        } catch {
            FileHandle.standardError.write(Data("guichet: \(error.localizedDescription)\n".utf8))
            failed = true
        }
        // A failed command exits with a status, not a crash report.
        if failed { exit(1) }
    }
}
