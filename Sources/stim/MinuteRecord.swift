import Foundation
import StimRuntime

/// One minute as `stim classify --json/--csv` and `stim score` write it, so that the two can be compared line by
/// line: the minute, when it began, its signal quality, and for a scored minute the apnea probability and label.
struct MinuteRecord: Encodable {
    var minute: Int
    /// Seconds since the epoch (live) or since the recording began (classify).
    var start: Double
    var quality: String
    var probability: Float?
    /// "apnea" or "normal"; nil when the minute was not scored.
    var label: String?
    /// The expert's label from the recording's .apn file (classify only).
    var reference: String?

    init(_ m: ScoredMinute, reference: Bool? = nil) {
        minute = m.minute
        start = m.start
        quality = m.quality.rawValue
        probability = m.apneaProbability
        label = m.apnea.map { $0 ? "apnea" : "normal" }
        self.reference = reference.map { $0 ? "apnea" : "normal" }
    }

    enum CodingKeys: String, CodingKey {
        case minute, start, quality, probability, label, reference
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(minute, forKey: .minute)
        try c.encode(start, forKey: .start)
        try c.encode(quality, forKey: .quality)
        // Unscored minutes say so with nulls rather than by leaving the keys out.
        try c.encode(probability, forKey: .probability)
        try c.encode(label, forKey: .label)
        if let reference { try c.encode(reference, forKey: .reference) }
    }

    /// One compact JSON line (sorted keys), as the daemon writes per minute.
    var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "{}"
    }

    var probabilityText: String { probability.map { String(format: "%.4f", $0) } ?? "" }
}
