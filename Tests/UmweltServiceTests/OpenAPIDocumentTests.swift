import Foundation
import Testing
import Yams

@testable import UmweltService

/// `docs/openapi.yaml` against the routes the daemon registers.
struct OpenAPIDocumentTests {
    static let documentPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/openapi.yaml").path

    @Test
    func openAPIDocumentListsExactlyTheServedRoutes() throws {
        let text = try String(contentsOfFile: Self.documentPath, encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        #expect((document["openapi"] as? String)?.hasPrefix("3.") == true)
        let paths = try #require(document["paths"] as? [String: Any])
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]
        var documented: [String] = []
        for (path, item) in paths {
            let operations = try #require(item as? [String: Any], "\(path)")
            for method in operations.keys where methods.contains(method) {
                documented.append("\(method.uppercased()) \(path)")
                let operation = try #require(operations[method] as? [String: Any])
                #expect(operation["responses"] is [String: Any], "\(method) \(path) has no responses")
                let captures = path.split(separator: "/").filter { $0.hasPrefix("{") }.count
                let parameters = (operation["parameters"] as? [Any])?.count ?? 0
                #expect(parameters >= captures, "\(method) \(path) documents \(parameters) of \(captures) parameters")
            }
        }
        #expect(documented.sorted() == APIRoutes.servedRoutes())
    }

    @Test
    func onlyHealthzIsOpenWithoutAToken() throws {
        let text = try String(contentsOfFile: Self.documentPath, encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let open = paths.filter { _, item in
            item.values.contains { (($0 as? [String: Any])?["security"] as? [Any])?.isEmpty == true }
        }
        #expect(Array(open.keys) == ["/healthz"])
    }
}
