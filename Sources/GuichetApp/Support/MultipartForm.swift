import Foundation
import MultipartKit
import NIOCore
import Vapor

/// A posted HTML form, whatever its encoding: text fields with every repeated value (checkboxes),
/// and uploaded files.
struct PostedForm {
    struct File {
        let fileName: String
        let data: Data
    }

    var fields: [String: [String]] = [:]
    var files: [String: File] = [:]

    /// Reads `multipart/form-data` or `application/x-www-form-urlencoded` bodies.
    /// - Throws: a 400 ``AppError`` for a body that cannot be read.
    static func read(_ req: Request) throws -> PostedForm {
        guard let body = req.body.data else { return PostedForm() }
        let malformed = AppError(
            status: .badRequest, code: "malformed_form",
            message: "Le formulaire envoyé est illisible : rechargez la page et recommencez.")
        guard let type = req.headers.contentType else { throw malformed }
        if type.type == "multipart", type.subType == "form-data" {
            guard let boundary = type.parameters["boundary"] else { throw malformed }
            return try multipart(body, boundary: boundary, malformed: malformed)
        }
        if type.type == "application", type.subType == "x-www-form-urlencoded" {
            return urlEncoded(String(buffer: body))
        }
        throw malformed
    }

    static func urlEncoded(_ text: String) -> PostedForm {
        var form = PostedForm()
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            let name = Self.baseName(decode(parts[0]))
            form.fields[name, default: []].append(parts.count > 1 ? decode(parts[1]) : "")
        }
        return form
    }

    static func multipart(_ body: ByteBuffer, boundary: String, malformed: AppError) throws -> PostedForm {
        var form = PostedForm()
        let parser = MultipartParser(boundary: boundary)
        var headers: [(String, String)] = []
        var data = Data()
        parser.onHeader = { name, value in headers.append((name.lowercased(), value)) }
        parser.onBody = { buffer in data.append(contentsOf: buffer.readableBytesView) }
        parser.onPartComplete = {
            defer {
                headers = []
                data = Data()
            }
            guard let disposition = headers.first(where: { $0.0 == "content-disposition" })?.1 else { return }
            let parameters = Self.dispositionParameters(disposition)
            guard let rawName = parameters["name"] else { return }
            let name = Self.baseName(rawName)
            if let fileName = parameters["filename"] {
                // An empty file input posts an empty part without a name: no upload.
                if !fileName.isEmpty || !data.isEmpty { form.files[name] = File(fileName: fileName, data: data) }
            } else {
                form.fields[name, default: []].append(String(decoding: data, as: UTF8.self))
            }
        }
        do {
            try parser.execute(body)
        } catch {
            throw malformed
        }
        return form
    }

    /// `objectives[]` and `objectives` are the same field.
    static func baseName(_ name: String) -> String {
        name.hasSuffix("[]") ? String(name.dropLast(2)) : name
    }

    static func dispositionParameters(_ header: String) -> [String: String] {
        var result: [String: String] = [:]
        for part in header.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            result[pair[0].trimmingCharacters(in: .whitespaces).lowercased()] = value
        }
        return result
    }
}
