/// Per-minute apnea labels as EDF+ annotations: `A` (apnea) or `N` (no apnea) at the start of each minute,
/// lasting 60 s. Reading also accepts the words "apnea"/"apnoea" and "normal", case-insensitively.
extension MinuteLabel {
    public static func annotations(for labels: [MinuteLabel]) -> [RecordingAnnotation] {
        labels.sorted { $0.minute < $1.minute }.map {
            RecordingAnnotation(onset: Double($0.minute) * 60, duration: 60, text: $0.apnea ? "A" : "N")
        }
    }

    /// The labels among `annotations` (others are ignored): each labels the minutes it overlaps (the onset's
    /// minute when it has no duration). A minute labelled both ways is an error naming `file`.
    public static func labels(from annotations: [RecordingAnnotation], file: String) throws(RecordingError) -> [MinuteLabel] {
        var verdicts: [Int: Bool] = [:]
        for a in annotations {
            let text = a.text.trimmingSpaces.lowercased()
            let apnea: Bool
            switch text {
            case "a", "apnea", "apnoea": apnea = true
            case "n", "normal": apnea = false
            default: continue
            }
            guard a.onset >= 0, a.onset < 1e9, (a.duration ?? 0) < 1e9 else {
                throw RecordingError(file: file, problem: "apnea annotation at \(a.onset) s lies outside 0…1e9 s")
            }
            let first = Int(a.onset / 60)
            let last = max(first, Int((((a.onset + (a.duration ?? 0)) / 60).rounded(.up))) - 1)
            for minute in first...last {
                if let earlier = verdicts[minute], earlier != apnea {
                    throw RecordingError(file: file, problem: "minute \(minute) is annotated both apnea and not apnea")
                }
                verdicts[minute] = apnea
            }
        }
        return verdicts.keys.sorted().map { MinuteLabel(minute: $0, apnea: verdicts[$0]!) }
    }
}
