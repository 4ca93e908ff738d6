import UmweltCore

/// What one detector said about one series at one step, for the episode hysteresis.
struct DetectorFinding {
    var kind: AnomalyKind
    var score: Double
    var fired: Bool
    var observed: Double?
    var expected: Double?
    /// Built only when an event is emitted (string formatting is not free).
    var explanation: () -> String
}

extension SeriesHealth {
    /// Advances the episodes of every detector with this step's findings and returns the
    /// events (opened, updated, closed): one episode per series and kind, so one event opens
    /// per episode however many readings it spans. `suppress` (warming up) opens no new episodes.
    ///
    /// Severity: out of range and impossible rates are critical; stuck, dropout, inconsistent
    /// sensors and an unreached setpoint are warnings; windows and unusual occupancy are notices;
    /// deviations by score (≥ 0.9999 critical, ≥ 0.999 warning), drifts warning from 0.9999.
    mutating func advanceEpisodes(
        findings: [DetectorFinding], stepStart: Double, stepSeconds: Double, suppress: Bool
    ) -> [AnomalyEvent] {
        // Without an open episode only a fired finding can change anything (the usual step).
        if episodes.isEmpty && !findings.contains(where: \.fired) { return [] }
        var events: [AnomalyEvent] = []
        for kind in AnomalyKind.allCases {
            let finding = findings.first { $0.kind == kind }
            let fired = finding?.fired ?? false
            let score = finding?.score ?? 0
            if var episode = episodes[kind] {
                if fired || score >= Self.closeThreshold {
                    episode.quietSteps = 0
                    if score > episode.peak + 1e-9, let finding {
                        let before = Self.severity(kind: kind, score: episode.peak)
                        episode.peak = score
                        // Only a rise in severity is news; the peak is kept silently otherwise.
                        if Self.severity(kind: kind, score: score) != before {
                            events.append(event(finding, phase: .updated, episode: episode, end: nil))
                        }
                    }
                    episodes[kind] = episode
                } else {
                    episode.quietSteps += 1
                    if episode.quietSteps >= 2 {
                        let closing =
                            finding
                            ?? DetectorFinding(
                                kind: kind, score: score, fired: false, observed: nil, expected: nil,
                                explanation: { [key] in "\(key.zone) \(key.quantity.name) back to normal" }
                            )
                        events.append(event(closing, phase: .closed, episode: episode, end: stepStart + stepSeconds))
                        episodes[kind] = nil
                    } else {
                        episodes[kind] = episode
                    }
                }
            } else if fired, !suppress, let finding {
                let episode = Episode(start: stepStart, peak: score, quietSteps: 0)
                episodes[kind] = episode
                events.append(event(finding, phase: .opened, episode: episode, end: nil))
            }
        }
        return events
    }

    private func event(_ finding: DetectorFinding, phase: AnomalyEvent.Phase, episode: Episode, end: Double?)
        -> AnomalyEvent
    {
        let startSeconds = Int(episode.start.rounded(.down))
        return AnomalyEvent(
            id: "\(key.zone)/\(key.quantity.name)/\(finding.kind.rawValue)/\(startSeconds)",
            zone: key.zone,
            quantity: key.quantity,
            kind: finding.kind,
            phase: phase,
            severity: Self.severity(kind: finding.kind, score: episode.peak),
            score: episode.peak,
            start: episode.start,
            end: end,
            observed: finding.observed,
            expected: finding.expected,
            explanation: phase == .closed ? "ended: \(finding.explanation())" : finding.explanation()
        )
    }

    static func severity(kind: AnomalyKind, score: Double) -> AnomalySeverity {
        switch kind {
        case .outOfRange, .rateOfChange: .critical
        case .stuck, .dropout, .inconsistent, .setpointNotReached: .warning
        case .windowOpen, .unusualOccupancy: .notice
        case .drift: score >= 0.9999 ? .warning : .notice
        case .deviation: score >= 0.9999 ? .critical : score >= 0.999 ? .warning : .notice
        }
    }
}
