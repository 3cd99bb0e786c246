import Foundation
import GuichetApp
import Logging
import Vapor

/// Guichet's executable: `guichet serve | migrate | demo | report | call …`, with the demonstration installed.
@main
enum Entrypoint {
    static func main() async {
        var failed = false
        do {
            var env = try Environment.detect()
            // `guichet call import -` reads standard input; the command-line parser would take a
            // lone `-` for an option's dash.
            env.arguments = env.arguments.map { $0 == "-" ? "/dev/stdin" : $0 }
            // Logs go to standard error, so that `report --json > file` writes only the report.
            try LoggingSystem.bootstrap(from: &env) { level in
                { label in
                    var handler = StreamLogHandler.standardError(label: label)
                    handler.logLevel = level
                    return handler
                }
            }
            let configuration = try AppConfiguration.fromEnvironment()
            let app = try await Application.make(env)
            do {
                try await configure(app, configuration)
                Demo.install(on: app)
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
