import Foundation
import GuichetApp
import Logging
import NIOCore
import NIOPosix
import Vapor

/// Guichet's executable: `guichet serve | migrate | demo | report | call …`, with the demonstration installed.
@main
enum Entrypoint {
    static func main() async {
        // Swift's tasks run on the event loops that serve the connections, instead of hopping to
        // a separate pool and back at every `await` of a query: about 20 % more pages per second
        // on the staff pages, 40 % on the small ones (docs/BENCHMARKS.md), as Vapor's own template
        // now does. It has to come first, before any task starts. What it asks of the code: no
        // `.wait()` on a future from a task (there is none; the server's two are in its
        // `noasync` methods) and no long CPU work between two `await`s — a whole import file is
        // checked on the thread pool, its rows written with yields. `GUICHET_NIO_EXECUTOR=0`
        // keeps Swift's own pool, should a library ever need it.
        if ProcessInfo.processInfo.environment["GUICHET_NIO_EXECUTOR"] != "0" {
            NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
        var failed = false
        do {
            var env = try Environment.detect()
            // `guichet call import -` reads standard input; the command-line parser would take a
            // lone `-` for an option's dash.
            env.arguments = env.arguments.map { $0 == "-" ? "/dev/stdin" : $0 }
            // Logs go to standard error, so that `report --json > file` writes only the report.
            // `GUICHET_LOG_FORMAT=json`: one JSON object a line, for a log collector.
            let json = ProcessInfo.processInfo.environment["GUICHET_LOG_FORMAT"] == "json"
            try LoggingSystem.bootstrap(from: &env) { level in
                { label in
                    if json {
                        var handler = JSONLogHandler(label: label)
                        handler.logLevel = level
                        return handler
                    }
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
