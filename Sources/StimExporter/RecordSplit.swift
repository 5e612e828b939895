import StimKernels

/// Which records (persons) train the teacher, the identity network and the generator, and which are held out for the
/// teacher's held-out accuracy and the report. Chosen by seed, or by name.
public struct RecordSplit: Sendable, Equatable {
    public let training: [Int]
    public let heldOut: [Int]

    /// The default hold-out: a quarter of the records, at least one when there are 4 or more.
    public static func defaultHoldout(records: Int) -> Int { records >= 4 ? max(1, records / 4) : 0 }

    /// `holdout` records drawn by `seed` (nil: the default count).
    public init(records: Int, holdout: Int? = nil, seed: UInt64) throws(ExportError) {
        let count = holdout ?? Self.defaultHoldout(records: records)
        guard count >= 0, count < records else {
            throw .data("holding out \(count) of \(records) records leaves none to train the teacher")
        }
        var order = Array(0..<records)
        var random = Xoshiro256StarStar(seed: seed, stream: 0x53_504C_4954)
        for i in stride(from: records - 1, to: 0, by: -1) { order.swapAt(i, random.nextInt(in: 0...i)) }
        heldOut = order.prefix(count).sorted()
        training = order.dropFirst(count).sorted()
    }

    /// The named records held out.
    public init(names: [String], heldOut chosen: [String]) throws(ExportError) {
        var held: [Int] = []
        for name in chosen {
            guard let index = names.firstIndex(of: name) else {
                throw .data("no record named '\(name)' to hold out; the records are \(names.joined(separator: ", "))")
            }
            held.append(index)
        }
        guard Set(held).count < names.count else {
            throw .data("holding out \(Set(held).count) of \(names.count) records leaves none to train the teacher")
        }
        heldOut = Set(held).sorted()
        training = names.indices.filter { !held.contains($0) }
    }
}
