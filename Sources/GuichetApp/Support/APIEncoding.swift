import Foundation
import Vapor

/// Encodes a value as the API answers it: with the application's JSON encoder, so that bytes
/// stored with a publication are exactly those a route would return.
enum APIEncoding {
    static func json(_ value: some Encodable) throws -> Data {
        var buffer = ByteBufferAllocator().buffer(capacity: 0)
        var headers = HTTPHeaders()
        try ContentConfiguration.global.requireEncoder(for: .json).encode(value, to: &buffer, headers: &headers)
        return Data(buffer: buffer)
    }
}
