import Foundation
import Hummingbird
import UmweltCore
import WorldModel

extension APIRoutes {
    /// `POST /v1/twins/{twin}/scenarios`: a `ScenarioRequest` body answered with a
    /// `ScenarioAnswer`; a request the twin cannot serve gets 422 (400 for malformed JSON) with
    /// `{"error", "field", "reason"}`, an unknown twin 404.
    func addScenarioRoutes(to router: Hummingbird.Router<BasicRequestContext>) {
        let registry = self.registry
        router.post("v1/twins/:twin/scenarios") { request, context in
            let id = try context.parameters.require("twin")
            let runtimes = registry.runtimes
            guard let runtime = runtimes[id] else {
                throw HTTPError(
                    .notFound, message: "no twin \(id); known: \(runtimes.keys.sorted().joined(separator: ", "))")
            }
            let body = try await request.body.collect(upTo: 1 << 20)
            do throws(ScenarioError) {
                let scenario = try ScenarioRequest.decode(Array(body.readableBytesView))
                let answer = try await runtime.scenario(scenario)
                return jsonResponse(bytes: answer.json)
            } catch {
                let status: HTTPResponse.Status = error.field == "request" ? .badRequest : .unprocessableContent
                return jsonResponse(bytes: ScenarioAnswer.errorDocument(error), status: status)
            }
        }
    }
}
