import NIOConcurrencyHelpers
import NIOCore

/// The requests the server's responder is working on, counted from the moment a request is handed
/// to it until its response is produced whole (a streamed export included), whether or not its
/// connection is still open.
///
/// A client that goes away does not stop the work it asked for: a board page still queued behind
/// others on the database runs to its end after `wrk` or a browser has closed the connection. The
/// server's shutdown waits for these before the application shuts its databases down — otherwise
/// such a handler reads `req.db` after the databases are gone, and Fluent stops the process.
final class RequestsInFlight: Sendable {
    private struct State {
        var count = 0
        var waiting: [EventLoopPromise<Void>] = []
    }

    private let state = NIOLockedValueBox(State())

    /// How many requests are being answered.
    var count: Int { state.withLockedValue { $0.count } }

    /// A request handed to the responder: its ``Token`` ends it once.
    func begin() -> Token {
        state.withLockedValue { $0.count += 1 }
        return Token(self)
    }

    private func end() {
        let drained = state.withLockedValue { state -> [EventLoopPromise<Void>] in
            state.count -= 1
            guard state.count == 0 else { return [] }
            defer { state.waiting = [] }
            return state.waiting
        }
        for promise in drained { promise.succeed() }
    }

    /// Completes when no request is in flight (at once if none is).
    func drained(on loop: any EventLoop) -> EventLoopFuture<Void> {
        let promise = loop.makePromise(of: Void.self)
        let now = state.withLockedValue { state -> Bool in
            if state.count == 0 { return true }
            state.waiting.append(promise)
            return false
        }
        if now { promise.succeed() }
        return promise.futureResult
    }

    /// One request's place in the count; ending it more than once counts once.
    final class Token: Sendable {
        private let requests: RequestsInFlight
        private let ended = NIOLockedValueBox(false)

        fileprivate init(_ requests: RequestsInFlight) { self.requests = requests }

        func end() {
            let first = ended.withLockedValue { ended -> Bool in
                defer { ended = true }
                return !ended
            }
            if first { requests.end() }
        }
    }
}
