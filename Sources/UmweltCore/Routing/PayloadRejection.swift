/// Why an MQTT message (or one binding's share of it) did not become a reading.
///
/// `reason.rawValue` is the label of the rejection counter metric; `detail` names what was
/// wrong for the log (the path, the value, the allowed range).
public struct PayloadRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// The rejection's category, stable for metrics and alerting.
    public enum Reason: String, Sendable, CaseIterable {
        /// No binding subscribes to the message's topic.
        case unknownTopic = "unknown_topic"
        /// The payload is larger than the router accepts.
        case oversized
        /// The payload is not valid UTF-8 where text was needed.
        case invalidUTF8 = "invalid_utf8"
        /// The payload is not valid JSON.
        case invalidJSON = "invalid_json"
        /// The JSON nests deeper than the scanner allows.
        case tooDeep = "too_deep"
        /// The binding's JSON path is absent from the payload.
        case pathNotFound = "path_not_found"
        /// The value at the path is JSON `null`.
        case nullValue = "null_value"
        /// The value is neither a number nor an accepted boolean word.
        case notANumber = "not_a_number"
        /// The value is NaN or infinite.
        case nonFinite = "non_finite"
        /// The value lies outside the quantity's physically possible range.
        case impossibleValue = "impossible_value"
        /// The binding's time path holds something that is not a timestamp.
        case badTimestamp = "bad_timestamp"
        /// The payload's timestamp is before 2000 or more than a day after arrival.
        case timestampOutOfRange = "timestamp_out_of_range"
    }

    /// Topic the message arrived on.
    public var topic: String
    /// The category; `reason.rawValue` is the metric label.
    public var reason: Reason
    /// What was wrong, for a person reading the log.
    public var detail: String

    /// A rejection of a message on `topic`.
    public init(topic: String, reason: Reason, detail: String) {
        self.topic = topic
        self.reason = reason
        self.detail = detail
    }

    /// `<topic>: <reason label>: <detail>`, for logs.
    public var description: String {
        "\(topic): \(reason.rawValue): \(detail)"
    }
}
