extension TopicScheme {
    /// The twin a scenario request topic (`<prefix>/<twin>/scenario/request`) addresses, nil
    /// for any other topic.
    public func scenarioTwin(ofRequestTopic topic: String) -> String? {
        let head = prefix + "/"
        let tail = "/scenario/request"
        guard topic.hasPrefix(head), topic.hasSuffix(tail), topic.count > head.count + tail.count else { return nil }
        let twin = topic.dropFirst(head.count).dropLast(tail.count)
        return twin.contains("/") ? nil : String(twin)
    }
}
